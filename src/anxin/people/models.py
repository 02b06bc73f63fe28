from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anxin.core.masking import mask_id_number, mask_phone
from anxin.people.identity import age_on
from anxin.people.risk import HIGH, LOW, MEDIUM, Risk, assess_risk
from anxin.people.risk_labels import level_label, reason_labels
from anxin.people.tags import TAG_LABELS, ResidentFacts, derive_tags


class Resident(models.Model):
    class RiskLevel(models.TextChoices):
        HIGH = HIGH, _("高风险")
        MEDIUM = MEDIUM, _("中风险")
        LOW = LOW, _("低风险")

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
    # Tags a worker set by hand (codes from rules/tags.toml [[manual]]); the others are derived from the facts.
    manual_tags = models.JSONField(default=list, blank=True)
    # Stored so worklists and dashboards can sort and count by it; refreshed by ``refresh_risk`` whenever the
    # facts change and daily for ages and expiring statuses (people.tasks.residents_refresh_risk).
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=LOW, db_index=True)
    risk_rules = models.JSONField(default=list, blank=True)
    risk_assessed_on = models.DateField(null=True, blank=True)
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
            manual_tags=tuple(self.manual_tags or ()),
        )

    def tags(self, today: date | None = None) -> list[str]:
        return derive_tags(self.facts(), today or timezone.localdate())

    def tag_labels(self, today: date | None = None) -> list[str]:
        return [gettext(TAG_LABELS[code]) for code in self.tags(today)]

    def assess_risk(self, today: date | None = None) -> Risk:
        return assess_risk(self.tags(today))

    def refresh_risk(self, today: date | None = None) -> bool:
        """Recompute the stored risk from today's tags; True if it changed. The caller saves."""
        today = today or timezone.localdate()
        risk = self.assess_risk(today)
        changed = (self.risk_level, list(self.risk_rules or [])) != (risk.level, list(risk.rule_codes))
        self.risk_level, self.risk_rules, self.risk_assessed_on = risk.level, list(risk.rule_codes), today
        return changed

    @property
    def risk_label(self) -> str:
        return level_label(self.risk_level)

    @property
    def risk_reason_labels(self) -> list[str]:
        return reason_labels(self.risk_rules or [])
