from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.facilities.hours import describe_hours


class Facility(models.Model):
    class Tier(models.TextChoices):
        VILLAGE_CLINIC = "village_clinic", _("村卫生室")
        TOWNSHIP_CENTRE = "township_centre", _("乡镇卫生院")
        COMMUNITY_CENTRE = "community_centre", _("社区卫生服务中心")
        CLINIC = "clinic", _("诊所/门诊部")
        DISTRICT_HOSPITAL = "district_hospital", _("区/县医院")
        TERTIARY_HOSPITAL = "tertiary_hospital", _("三级医院")

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    tier = models.CharField(max_length=24, choices=Tier.choices)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="facilities")
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    opening_hours = models.JSONField(default=dict, blank=True, help_text="see anxin.facilities.hours")
    grids = models.ManyToManyField("places.Place", blank=True, related_name="served_by")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return self.name

    @property
    def hours_label(self) -> str:
        return describe_hours(self.opening_hours)

    def service_codes(self) -> list[str]:
        return [row.service for row in self.services.all()]


class FacilityService(models.Model):
    class Service(models.TextChoices):
        FEVER_CLINIC = "fever_clinic", _("发热门诊")
        FEVER_ROOM = "fever_room", _("发热诊室")
        PAEDIATRICS = "paediatrics", _("儿科")
        OBSTETRICS = "obstetrics", _("产科")
        DIALYSIS = "dialysis", _("血液透析")
        ICU = "icu", _("重症监护")
        EMS_STATION = "ems_station", _("120急救站")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(max_length=20, choices=Service.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facility", "service"], name="facility_service_once")]
        indexes = [models.Index(fields=["service"])]

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_service_display()}"


# A fever room in a community centre or clinic does the same job for a caller as a hospital fever clinic.
FEVER_SERVICES = (FacilityService.Service.FEVER_CLINIC, FacilityService.Service.FEVER_ROOM)
