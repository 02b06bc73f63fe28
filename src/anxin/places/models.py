from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    """One node of district → street/township → community/village → grid → compound → building → unit.

    ``path`` holds the codes from the root down ("/440309/001/003/"), so "everything inside this place"
    is one indexed prefix match: that is how every query is scoped to the places a user covers.
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区/县")
        STREET = "street", _("街道/乡镇")
        COMMUNITY = "community", _("社区/村")
        GRID = "grid", _("网格")
        COMPOUND = "compound", _("小区")
        BUILDING = "building", _("楼栋")
        UNIT = "unit", _("户")

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    # A village is rural: its grid is served by a village clinic and referral goes to the township.
    is_rural = models.BooleanField(default=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    polygon = models.JSONField(null=True, blank=True, help_text="[[lat, lon], ...]")
    floor = models.SmallIntegerField(null=True, blank=True, help_text="units only")

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = place_path(self.parent, self.code)
        super().save(*args, **kwargs)

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.split("/") if code]


def place_path(parent: Place | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


# The kinds of place whose team can receive a transferred case (street office, community, grid).
TEAM_PLACE_KINDS = (Place.Kind.STREET, Place.Kind.COMMUNITY, Place.Kind.GRID)


class PlaceDuty(models.Model):
    """The family doctor or grid worker assigned to a place; residents below it inherit the nearest one."""

    class Duty(models.TextChoices):
        FAMILY_DOCTOR = "family_doctor", _("家庭医生")
        GRID_WORKER = "grid_worker", _("网格员")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="duties")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(max_length=20, choices=Duty.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "duty"], name="one_duty_holder_per_place")]

    def __str__(self) -> str:
        return f"{self.place} · {self.get_duty_display()} · {self.user}"
