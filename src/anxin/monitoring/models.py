"""Monitoring plans per resident, the checks workers record, and the alerts that open hotline cases.

The worklist reads one index: ``Enrolment(worker, next_due_on)``. Everything it sorts and shows is stored on
the enrolment (risk rank, due time, the last reading), so a worker's list is one range scan and two small
lookups whatever the size of the district (docs/benchmarks.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.monitoring.labels import PLAN_LABELS, label

# Stored on the enrolment so the worklist sorts without a join: high first.
RISK_RANK = {"high": 0, "medium": 1, "low": 2}


class Enrolment(models.Model):
    """A resident's monitoring plan, with who checks and when the next check is due.

    One active enrolment per resident (``ended_on`` is null). A change of plan ends the enrolment and starts
    another, so the history stays. ``next_due_on`` is null once it has ended.
    """

    class EndReason(models.TextChoices):
        NO_PLAN = "no_plan", _("不再需要监测")
        PLAN_CHANGED = "plan_changed", _("监测方案变更")
        SCHEDULE_DONE = "schedule_done", _("随访已完成")

    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="monitoring_enrolments"
    )
    plan = models.CharField(max_length=40)
    # The plan rule that chose this plan and the resident's risk rules at the time, with the rules' version.
    rule_codes = models.JSONField(default=list, blank=True)
    ruleset = models.CharField(max_length=40)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_enrolments",
    )
    worker_duty = models.CharField(max_length=20, blank=True)
    # Copies kept fresh by enrolment_sync: the household's path (scoping), risk rank (ordering), tags (counts).
    place_path = models.CharField(max_length=400, db_index=True)
    risk_rank = models.PositiveSmallIntegerField(default=RISK_RANK["low"])
    tags = models.JSONField(default=list, blank=True)
    anchor_on = models.DateField(null=True, blank=True, help_text=_("随访起算日（如出院日）"))
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    due_minute = models.PositiveSmallIntegerField(default=9 * 60, help_text=_("应查时间（当天第几分钟）"))
    done_on = models.DateField(null=True, blank=True)
    done_count = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_reached_on = models.DateField(null=True, blank=True)
    last_reading = models.JSONField(default=dict, blank=True)
    not_reached_streak = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["risk_rank", "next_due_on", "due_minute", "id"]
        indexes = [models.Index(fields=["worker", "next_due_on"], name="monitoring_worklist")]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(ended_on__isnull=True),
                name="one_active_enrolment_per_resident",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} · {self.plan}"

    @property
    def plan_label(self) -> str:
        return label(PLAN_LABELS, self.plan)


class Check(models.Model):
    """One check of a resident by a worker: the reading, or "not reached"; with the thresholds it crossed."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("上门")

    class Level(models.TextChoices):
        NORMAL = "", _("正常")
        ABNORMAL = "abnormal", _("异常")
        CRITICAL = "critical", _("危急")

    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="monitoring_checks"
    )
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="monitoring_checks"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    checked_on = models.DateField(help_text=_("检查日期（本地）"))
    place_path = models.CharField(max_length=400)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PHONE)
    reached = models.BooleanField(default=True)
    temperature_c = models.FloatField(null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    psych_concern = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    # The thresholds that fired (monitoring/rules/thresholds.toml) and the rules' versions.
    rule_codes = models.JSONField(default=list, blank=True)
    ruleset = models.CharField(max_length=80)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["place_path", "checked_on"], name="monitoring_check_place_day"),
            models.Index(fields=["resident", "checked_at"], name="monitoring_check_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.checked_at:%Y-%m-%d %H:%M}"


class MonitoringAlert(models.Model):
    """A reading outside its thresholds, repeated "not reached", or a device alarm; and the case it opened.

    Linked both ways: ``reading`` (the check that raised it, whose ``alert`` is this) and ``case`` (whose
    ``monitoring_alerts`` include this).
    """

    class Kind(models.TextChoices):
        READING = "reading", _("读数异常")
        NOT_REACHED = "not_reached", _("多次联系不上")
        DEVICE = "device", _("一键呼叫")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    level = models.CharField(max_length=10, choices=Check.Level.choices, blank=True)
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="monitoring_alerts"
    )
    reading = models.OneToOneField(
        Check, null=True, blank=True, on_delete=models.PROTECT, related_name="alert"
    )
    case = models.ForeignKey(
        "hotline.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="monitoring_alerts"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    place_path = models.CharField(max_length=400)
    rule_codes = models.JSONField(default=list, blank=True)
    ruleset = models.CharField(max_length=80)
    # What the triage engine proposed before a monitoring floor raised it ("" when there is no case).
    proposed_urgency = models.CharField(max_length=2, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    device_event = models.CharField(max_length=20, blank=True)
    device_event_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["place_path", "created_at"], name="monitoring_alert_place")]
        constraints = [
            # A device resends an event it got no answer for; the second copy finds the first.
            models.UniqueConstraint(
                fields=["device_id", "device_event_id"],
                condition=~Q(device_event_id=""),
                name="one_alert_per_device_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resident_id} → {self.case_id}"
