from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anxin.core.masking import mask_id_number, mask_phone
from anxin.people.identity import age_on
from anxin.people.tags import TAG_LABELS, ResidentFacts, derive_tags


class Resident(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Quarantine(models.TextChoices):
        NONE = "", _("无")
        HOME = "quarantine_home", _("居家隔离")
        CENTRAL = "quarantine_central", _("集中隔离")
        CONFIRMED = "confirmed", _("确诊")

    name = models.CharField(max_length=50)
    id_number = models.CharField(max_length=18, unique=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=11, blank=True, db_index=True)
    household = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="residents")
    relation = models.CharField(max_length=20, blank=True, help_text=_("与户主关系"))
    lives_alone = models.BooleanField(default=False)
    pregnant_due_date = models.DateField(null=True, blank=True)
    chronic_conditions = models.JSONField(default=list, blank=True)
    on_dialysis = models.BooleanField(default=False)
    on_chemo = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    discharged_on = models.DateField(null=True, blank=True)
    quarantine_status = models.CharField(max_length=20, choices=Quarantine.choices, blank=True)
    quarantine_from = models.DateField(null=True, blank=True)
    quarantine_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age(self, today: date | None = None) -> int:
        return age_on(self.birth_date, today or timezone.localdate())

    def facts(self) -> ResidentFacts:
        return ResidentFacts(
            birth_date=self.birth_date,
            lives_alone=self.lives_alone,
            pregnant_due_date=self.pregnant_due_date,
            chronic_conditions=tuple(self.chronic_conditions or ()),
            on_dialysis=self.on_dialysis,
            on_chemo=self.on_chemo,
            disabled=self.disabled,
            discharged_on=self.discharged_on,
            quarantine_status=self.quarantine_status,
            quarantine_until=self.quarantine_until,
        )

    def tags(self, today: date | None = None) -> list[str]:
        return derive_tags(self.facts(), today or timezone.localdate())

    def tag_labels(self, today: date | None = None) -> list[str]:
        return [gettext(TAG_LABELS[code]) for code in self.tags(today)]
