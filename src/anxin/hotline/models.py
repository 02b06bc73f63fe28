from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Line(models.Model):
    """A hotline (专线) with its number, staff and shifts."""

    class Kind(models.TextChoices):
        MEDICAL = "medical", _("24小时医疗咨询")
        PSYCH = "psych", _("12355心理援助")
        CITIZEN = "citizen", _("12345市民热线")
        COMMUNITY = "community", _("社区暖心热线")
        ELDERLY = "elderly", _("80岁以上老人专线")

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    number = models.CharField(max_length=30, blank=True)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="lines")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="lines")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """One of a line's daily shifts; a shift whose end is before its start runs past midnight."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(max_length=20)
    starts = models.TimeField()
    ends = models.TimeField()
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="shifts")

    class Meta:
        ordering = ["line", "starts"]

    def __str__(self) -> str:
        return f"{self.line} · {self.name}"

    def covers(self, moment) -> bool:
        now = timezone.localtime(moment).time()
        if self.starts <= self.ends:
            return self.starts <= now < self.ends
        return now >= self.starts or now < self.ends


class Category(models.TextChoices):
    EMERGENCY = "emergency", _("急危重症")
    MEDICAL_CONSULT = "medical_consult", _("医疗咨询")
    CARE_NAVIGATION = "care_navigation", _("就医引导")
    MEDICATION = "medication", _("用药购药")
    PSYCH_SUPPORT = "psych_support", _("心理支持")
    SUPPLIES = "supplies", _("生活物资")
    POLICY = "policy", _("政策咨询")
    VACCINATION = "vaccination", _("疫苗接种")
    TESTING = "testing", _("核酸/抗原检测")
    REPORT_CLUE = "report_clue", _("线索举报")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    P1 = "P1", _("P1 危急")
    P2 = "P2", _("P2 紧急")
    P3 = "P3", _("P3 24小时内")
    P4 = "P4", _("P4 即时答复")


class Disposition(models.TextChoices):
    CALL_120 = "call_120", _("呼叫120")
    FEVER_CLINIC = "fever_clinic", _("引导至发热门诊")
    DOCTOR_CALLBACK = "doctor_callback", _("医生回电")
    HOME_VISIT = "home_visit", _("上门服务")
    APPOINTMENT = "appointment", _("预约就诊")
    MEDICATION_DELIVERY = "medication_delivery", _("送药上门")
    PSYCH_COUNSELOR = "psych_counselor", _("转心理咨询师")
    COMMUNITY_TRANSFER = "community_transfer", _("转社区/网格")
    VOLUNTEER_ERRAND = "volunteer_errand", _("志愿者代办")
    ANSWER_CLOSED = "answer_closed", _("当场答复办结")
    DEPARTMENT_DISPATCH = "department_dispatch", _("派发职能部门")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    CHAT_GROUP = "chat_group", _("安心群")
    WEB = "web", _("网页")
    ONE_KEY_DEVICE = "one_key_device", _("一键呼叫设备")
    WALK_IN = "walk_in", _("现场来访")
    # A reading outside its thresholds, or repeated "not reached" (anxin.monitoring): nobody called.
    MONITORING = "monitoring", _("健康监测")


class Case(models.Model):
    """A caller's request (工单), owned by the agent who first took it until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        TRANSFERRED = "transferred", _("已转办待接收")
        AWAITING_CALLBACK = "awaiting_callback", _("待回电")
        RESOLVED = "resolved", _("已办结待回访")
        CLOSED = "closed", _("已关闭")

    class Satisfaction(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("非常满意")
        SATISFIED = "satisfied", _("满意")
        NEUTRAL = "neutral", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")
        UNREACHABLE = "unreachable", _("回访未接通")

    number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PHONE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    caller_phone = models.CharField(max_length=20, blank=True, db_index=True)
    caller_name = models.CharField(max_length=50, blank=True)
    caller_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="cases_called"
    )
    subject_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    subject_note = models.CharField(
        max_length=200, blank=True, help_text=_("求助对象（如：来电人的邻居，78岁）")
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="cases")
    summary = models.TextField(help_text=_("来电内容"))
    category = models.CharField(max_length=24, choices=Category.choices)
    urgency = models.CharField(max_length=2, choices=Urgency.choices)
    disposition = models.CharField(max_length=24, choices=Disposition.choices)
    # The chief-complaint protocol the triage engine read (anxin.triage.codes.COMPLAINTS); "" when the request
    # is not about health.
    complaint = models.CharField(max_length=24, blank=True, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    assigned_line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_cases"
    )
    assigned_place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_cases"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sla_due_at = models.DateTimeField()
    sla_met_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    return_visit_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.CharField(max_length=20, choices=Satisfaction.choices, blank=True)
    closed_at_first_contact = models.BooleanField(default=False)
    # The triage engine's proposal at intake: codes, red flags, the rules that fired and the ruleset version.
    triage = models.JSONField(default=dict, blank=True)
    # Bumped by every transition; a step sent with an older version is refused (two agents, one case).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "sla_due_at"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return self.number or f"case {self.pk}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.sla_met_at is None
            and self.status != Case.Status.CLOSED
            and self.sla_due_at is not None
            and self.sla_due_at < timezone.now()
        )


class CaseEvent(models.Model):
    """One step in a case's append-only timeline."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("受理")
        RECLASSIFIED = "reclassified", _("调整分级")
        TRANSFERRED = "transferred", _("转办")
        ACCEPTED = "accepted", _("接收")
        CALLBACK_SCHEDULED = "callback_scheduled", _("预约回电")
        CONSULT_REQUESTED = "consult_requested", _("会商后回复")
        CALLBACK_COMPLETED = "callback_completed", _("完成回电")
        DISPATCHED = "dispatched", _("已派出")
        NOTED = "noted", _("备注")
        RESOLVED = "resolved", _("办结")
        RETURN_VISIT = "return_visit", _("回访")
        CLOSED = "closed", _("关闭")
        REOPENED = "reopened", _("重新打开")
        SLA_BREACHED = "sla_breached", _("超时")
        TRIAGE_OVERRIDDEN = "triage_overridden", _("改判分诊建议")
        ALERTED = "alerted", _("P1 提醒值班医生")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("case events are append-only")


class Callback(models.Model):
    """A promised call back to the caller; "consult, then call back" (会商后回复) is kind CONSULT."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("回电")
        CONSULT = "consult", _("会商后回复")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="callbacks")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CALLBACK)
    due_at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)
    assignee_role = models.CharField(max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.due_at:%H:%M}"


class TriageOverride(models.Model):
    """An agent chose other codes than the triage engine proposed: who, why, and which rule decided.

    Rows are grouped by ``decisive_rule`` and by ``complaint`` (the protocol) in the override report, so the
    rules and the protocols can be reviewed.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="triage_override")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    decisive_rule = models.CharField(max_length=60, db_index=True)
    complaint = models.CharField(max_length=24, blank=True, db_index=True)
    rules = models.JSONField(default=list, blank=True)
    ruleset = models.CharField(max_length=40)
    proposed_category = models.CharField(max_length=24)
    proposed_urgency = models.CharField(max_length=2)
    proposed_disposition = models.CharField(max_length=24)
    chosen_category = models.CharField(max_length=24)
    chosen_urgency = models.CharField(max_length=2)
    chosen_disposition = models.CharField(max_length=24)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case} {self.decisive_rule}"

    @property
    def direction(self) -> str:
        """ "up" when the agent chose a more urgent level than proposed, "down" when less, "same" otherwise."""
        if self.chosen_urgency < self.proposed_urgency:
            return "up"
        if self.chosen_urgency > self.proposed_urgency:
            return "down"
        return "same"


class ClinicianAlert(models.Model):
    """A P1 case put in front of an on-duty clinician at once; open until acknowledged."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts")
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "acknowledged_at"])]
        constraints = [
            models.UniqueConstraint(fields=["case", "recipient"], name="one_alert_per_case_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.recipient}"
