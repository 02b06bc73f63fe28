"""Reads for monitoring: worklists, dashboards, alerts. Every query starts from the places the user covers;
a record outside them is "not found"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, InvalidInput, NotFound
from anxin.monitoring.models import RISK_RANK, Check, Enrolment, MonitoringAlert
from anxin.monitoring.plans import Plan, plan_rules
from anxin.people.models import Resident
from anxin.places.models import Place
from anxin.places.selectors import place_within_q

WORKLIST_PAGE = 50  # cards on a phone; the pager and the counts say what follows
TREND_DAYS = 14
# Dashboards are per community and per grid. A district's or street's would count hundreds of thousands of
# rows on every view (seconds at 2.5 million residents: docs/benchmarks.md), which needs stored daily totals.
DASHBOARD_KINDS = (Place.Kind.COMMUNITY, Place.Kind.GRID)
_ABOVE_GRID = (Place.Kind.DISTRICT, Place.Kind.STREET, Place.Kind.COMMUNITY)
RISK_LEVELS = tuple(RISK_RANK)  # high, medium, low


def _require_read(user: User) -> None:
    if not user.can("monitoring.read"):
        raise Forbidden(gettext("当前角色不能查看健康监测"))


def within(path: str, field: str) -> Q:
    """Rows whose ``field`` path lies inside ``path``.

    On SQLite a range, which its index reads (its case-insensitive LIKE is not): with the default binary
    collation every path inside "/a/b/" sorts from "/a/b/" up to, not including, "/a/b0" ("0" follows "/").
    Elsewhere a prefix match, which is right under any collation (a locale collation may not sort "/" first).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "0"})
    return Q(**{f"{field}__startswith": path})


# --- the worklist ---


@dataclass
class WorkItem:
    enrolment: Enrolment
    plan: Plan | None
    overdue_days: int
    address: str

    @property
    def resident(self) -> Resident:
        return self.enrolment.resident

    @property
    def due_time(self) -> str:
        return f"{self.enrolment.due_minute // 60:02d}:{self.enrolment.due_minute % 60:02d}"


@dataclass
class Worklist:
    today: date
    items: list[WorkItem]
    total: int  # due and overdue, all pages
    overdue_total: int
    done_today: int
    offset: int = 0
    limit: int = WORKLIST_PAGE

    @property
    def more(self) -> bool:
        return self.offset + len(self.items) < self.total


def _addresses(households: list[Place]) -> dict[int, str]:
    """{household id: "compound building unit"}: the buildings and compounds of a page in one query."""
    buildings = {
        p.pk: p
        for p in Place.objects.filter(pk__in={h.parent_id for h in households if h.parent_id})
        .select_related("parent")
        .order_by()
    }
    addresses = {}
    for household in households:
        building = buildings.get(household.parent_id)
        parts = [
            building.parent.name if building and building.parent else "",
            building.name if building else "",
        ]
        addresses[household.pk] = " ".join(part for part in [*parts, household.name] if part)
    return addresses


def worklist_qs(user: User, today: date) -> QuerySet[Enrolment]:
    """The user's due and overdue checks: one range on the (worker, next_due_on) index, then the scope."""
    return Enrolment.objects.filter(worker=user, next_due_on__lte=today).filter(
        place_within_q(user.covered_paths(), "place_path")
    )


def worklist_for(
    user: User, *, today: date | None = None, offset: int = 0, limit: int = WORKLIST_PAGE
) -> Worklist:
    """Today's checks for a worker: due and overdue, high risk first, then the longest overdue, then the
    earliest due time. A fixed number of queries whatever the page size: the page, its addresses, and the
    counts (due, overdue, done today), each on the worker's index."""
    _require_read(user)
    today = today or timezone.localdate()
    qs = worklist_qs(user, today)
    rows = list(
        qs.select_related("resident", "resident__household").order_by(
            "risk_rank", "next_due_on", "due_minute", "pk"
        )[offset : offset + limit]
    )
    total = len(rows) + offset if len(rows) < limit and (rows or not offset) else qs.count()
    overdue_total = qs.filter(next_due_on__lt=today).count()
    done_today = Enrolment.objects.filter(worker=user, last_reached_on=today).count()
    addresses = _addresses([e.resident.household for e in rows])
    rules = plan_rules()
    items = [
        WorkItem(
            enrolment=e,
            plan=rules.get(e.plan),
            overdue_days=(today - e.next_due_on).days,
            address=addresses.get(e.resident.household_id, ""),
        )
        for e in rows
    ]
    return Worklist(today, items, total, overdue_total, done_today, offset, limit)


def enrolment_get_for_user(user: User, enrolment_id: int) -> Enrolment:
    _require_read(user)
    enrolment = (
        Enrolment.objects.select_related("resident", "resident__household").filter(pk=enrolment_id).first()
    )
    if enrolment is None or not user.covers_path(enrolment.place_path):
        raise NotFound(gettext("监测对象不存在或不在您负责的区域"), field="enrolment_id")
    return enrolment


def work_item(user: User, enrolment: Enrolment, *, today: date | None = None) -> WorkItem:
    today = today or timezone.localdate()
    due = enrolment.next_due_on
    return WorkItem(
        enrolment=enrolment,
        plan=plan_rules().get(enrolment.plan),
        overdue_days=(today - due).days if due and due < today else 0,
        address=_addresses([enrolment.resident.household]).get(enrolment.resident.household_id, ""),
    )


def resident_get_for_monitoring(user: User, resident_id: int) -> Resident:
    """A resident the user may monitor; outside the user's places it does not exist (404)."""
    _require_read(user)
    resident = Resident.objects.select_related("household").filter(pk=resident_id).first()
    if resident is None or not user.covers_path(resident.household.path):
        raise NotFound(gettext("居民不存在或不在您负责的区域"), field="resident_id")
    return resident


# --- alerts ---


def alert_get_for_user(user: User, alert_id: int) -> MonitoringAlert:
    _require_read(user)
    alert = (
        MonitoringAlert.objects.select_related(
            "resident", "resident__household", "reading", "case", "raised_by"
        )
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or not user.covers_path(alert.place_path):
        raise NotFound(gettext("告警不存在或不在您负责的区域"), field="alert_id")
    return alert


def alerts_for_case(case) -> list[MonitoringAlert]:
    """The monitoring alerts that opened this case (the case page links back to them)."""
    return list(MonitoringAlert.objects.filter(case=case).select_related("reading").order_by("created_at"))


def checks_for_resident(user: User, resident: Resident, *, limit: int = 20) -> list[Check]:
    _require_read(user)
    if not user.covers_path(resident.household.path):
        return []
    return list(
        Check.objects.filter(resident=resident)
        .select_related("worker", "alert", "alert__case")
        .order_by("-checked_at", "-id")[:limit]
    )


# --- dashboards ---


def dashboard_places(user: User) -> list[Place]:
    """The communities and grids a user may open a dashboard for: those they cover and those inside.

    Walked down the tree by parent (indexed), a level per query, so a district's million flats are never
    scanned for its few hundred communities and grids."""
    if not user.can("monitoring.read"):
        return []
    level = list(user.places.all())
    found = {place.pk: place for place in level if place.kind in DASHBOARD_KINDS}
    frontier = [place.pk for place in level if place.kind in _ABOVE_GRID]
    while frontier:
        children = list(
            Place.objects.filter(parent_id__in=frontier, kind__in=(*_ABOVE_GRID, Place.Kind.GRID))
        )
        found.update((place.pk, place) for place in children if place.kind in DASHBOARD_KINDS)
        frontier = [place.pk for place in children if place.kind in _ABOVE_GRID]
    return sorted(found.values(), key=lambda place: place.path)


@dataclass
class TrendDay:
    day: date
    abnormal: int
    critical: int

    @property
    def total(self) -> int:
        return self.abnormal + self.critical


@dataclass
class WorkerRow:
    worker: User | None
    due: int
    checked: int


@dataclass
class Dashboard:
    place: Place
    today: date
    enrolled: int
    due: int
    checked: int
    overdue_total: int
    overdue: list[Enrolment]
    unassigned: int
    by_risk: list[tuple[str, int]]  # every resident of the place
    by_tag: list[tuple[str, int]]  # the monitored residents
    by_plan: list[tuple[str, int]]
    trend: list[TrendDay]
    alerts: list[MonitoringAlert]
    workers: list[WorkerRow] = field(default_factory=list)

    @property
    def coverage(self) -> int | None:
        return round(100 * self.checked / self.due) if self.due else None

    @property
    def trend_bars(self) -> list[dict]:
        """The trend as stacked bars for an inline SVG 100 units tall (abnormal below, critical on top)."""
        peak = max((d.total for d in self.trend), default=0) or 1
        bars = []
        for index, day in enumerate(self.trend):
            abnormal_h = round(100 * day.abnormal / peak)
            critical_h = round(100 * day.critical / peak)
            bars.append(
                {
                    "x": index * 20,
                    "day": day.day,
                    "abnormal": day.abnormal,
                    "critical": day.critical,
                    "abnormal_y": 100 - abnormal_h,
                    "abnormal_h": abnormal_h,
                    "critical_y": 100 - abnormal_h - critical_h,
                    "critical_h": critical_h,
                }
            )
        return bars


def dashboard_for(
    user: User, place: Place, *, today: date | None = None, overdue_limit: int = 50
) -> Dashboard:
    """Coverage today (residents checked / due), the overdue list, counts by risk, tag and plan, the abnormal
    readings of the last 14 days, and the latest alerts, for a place the user covers."""
    _require_read(user)
    if not user.covers_path(place.path):
        raise NotFound(gettext("地点不存在或不在您负责的区域"), field="place")
    if place.kind not in DASHBOARD_KINDS:
        raise InvalidInput(gettext("监测看板按社区或网格查看，请选择社区或网格"), field="place")
    today = today or timezone.localdate()
    active = Enrolment.objects.filter(within(place.path, "place_path"), ended_on__isnull=True)
    due_q = Q(next_due_on__lte=today) | Q(last_reached_on=today)
    checked_q = Q(last_reached_on=today)
    counts = active.aggregate(
        enrolled=Count("pk"),
        due=Count("pk", filter=due_q),
        checked=Count("pk", filter=checked_q),
        overdue=Count("pk", filter=Q(next_due_on__lt=today)),
        unassigned=Count("pk", filter=Q(worker__isnull=True)),
    )
    overdue = list(
        active.filter(next_due_on__lt=today)
        .select_related("resident", "worker")
        .order_by("next_due_on", "risk_rank", "pk")[:overdue_limit]
    )
    per_worker = (
        active.filter(due_q)
        .values("worker")
        .annotate(due=Count("pk"), checked=Count("pk", filter=checked_q))
        .order_by("worker")
    )
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[row["worker"] for row in per_worker if row["worker"]])
    }
    workers = sorted(
        (WorkerRow(users.get(row["worker"]), row["due"], row["checked"]) for row in per_worker),
        key=lambda row: (row.worker is None, -(row.due - row.checked)),
    )
    risk = dict(
        Resident.objects.filter(within(place.path, "household__path"))
        .values_list("risk_level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tags: Counter[str] = Counter()
    plans: Counter[str] = Counter()
    for plan, tag_list in active.values_list("plan", "tags"):
        plans[plan] += 1
        tags.update(tag_list or [])
    return Dashboard(
        place=place,
        today=today,
        enrolled=counts["enrolled"],
        due=counts["due"],
        checked=counts["checked"],
        overdue_total=counts["overdue"],
        overdue=overdue,
        unassigned=counts["unassigned"],
        by_risk=[(level, risk.get(level, 0)) for level in RISK_LEVELS],
        by_tag=tags.most_common(),
        by_plan=[(code, plans[code]) for code in plan_rules().codes if plans[code]],
        trend=_trend(place, today),
        alerts=list(
            MonitoringAlert.objects.filter(within(place.path, "place_path"))
            .select_related("resident", "case", "reading")
            .order_by("-created_at", "-id")[:20]
        ),
        workers=workers,
    )


def _trend(place: Place, today: date) -> list[TrendDay]:
    start = today - timedelta(days=TREND_DAYS - 1)
    rows = (
        Check.objects.filter(within(place.path, "place_path"), checked_on__gte=start, checked_on__lte=today)
        .exclude(level="")
        .values_list("checked_on", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(day, level): n for day, level, n in rows}
    return [
        TrendDay(day, counts.get((day, "abnormal"), 0), counts.get((day, "critical"), 0))
        for day in (start + timedelta(days=n) for n in range(TREND_DAYS))
    ]
