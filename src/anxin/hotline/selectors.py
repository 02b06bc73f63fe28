"""Reads for the hotline desk: every case query starts from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.core.errors import NotFound
from anxin.hotline.models import Callback, Case, ClinicianAlert, Disposition, Line, TriageOverride
from anxin.people.models import Resident
from anxin.people.selectors import residents_by_phone_with_members
from anxin.places.models import Place
from anxin.places.selectors import place_ancestors, place_duty_holders_among, place_within_q

# Who makes up a community/grid team that receives transfers (the hotline agents covering the district
# do not: a case sent to a grid is for the people on the ground).
COMMUNITY_TEAM_ROLES = frozenset({Role.GRID_WORKER, Role.FAMILY_DOCTOR, Role.ADMIN})
ACTIVE_STATUSES = (Case.Status.OPEN, Case.Status.TRANSFERRED, Case.Status.AWAITING_CALLBACK)


def case_qs_for_user(user: User) -> QuerySet[Case]:
    """Cases about a place the user covers, or transferred to a place the user covers."""
    if not user.can("case.read"):
        return Case.objects.none()
    paths = user.covered_paths()
    scope = place_within_q(paths, "place__path") | place_within_q(paths, "assigned_place__path")
    qs = Case.objects.filter(scope)
    if user.role == Role.VOLUNTEER:
        qs = qs.filter(disposition=Disposition.VOLUNTEER_ERRAND)
    return qs


def case_visible_to(user: User, case: Case) -> bool:
    if not user.can("case.read"):
        return False
    if user.role == Role.VOLUNTEER and case.disposition != Disposition.VOLUNTEER_ERRAND:
        return False
    places = [case.place] + ([case.assigned_place] if case.assigned_place_id else [])
    return any(user.covers_path(p.path) for p in places)


def case_get_for_user(user: User, case_id: int) -> Case:
    case = (
        case_qs_for_user(user)
        .select_related(
            "line",
            "place",
            "owner",
            "handler",
            "assigned_line",
            "assigned_place",
            "subject_resident",
            "caller_resident",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(gettext("工单不存在或不在您负责的区域"), field="case_id")
    return case


def user_can_receive(user: User, case: Case) -> bool:
    """Whether the user belongs to the team a case was transferred to."""
    if case.assigned_line_id is not None:
        return case.assigned_line.members.filter(pk=user.pk).exists()
    if case.assigned_place_id is not None:
        return user.role in COMMUNITY_TEAM_ROLES and user.covers_path(case.assigned_place.path)
    return False


def _desk_related(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("line", "place", "owner", "handler", "assigned_line", "assigned_place")


def case_list_mine(user: User, *, limit: int = 50) -> list[Case]:
    """Open cases the user owns or currently handles, overdue and most urgent first."""
    qs = case_qs_for_user(user).filter(Q(owner=user) | Q(handler=user)).exclude(status=Case.Status.CLOSED)
    return _sorted_for_desk(_desk_related(qs)[: limit * 2])[:limit]


def _sorted_for_desk(cases) -> list[Case]:
    return sorted(cases, key=lambda c: (not c.is_overdue, c.urgency, c.sla_due_at))


def case_list_line_inbox(user: User, *, limit: int = 50) -> list[Case]:
    lines = Line.objects.filter(members=user)
    qs = case_qs_for_user(user).filter(status=Case.Status.TRANSFERRED, assigned_line__in=lines)
    return _sorted_for_desk(_desk_related(qs)[:limit])


def case_list_community_inbox(user: User, *, limit: int = 50) -> list[Case]:
    """Cases transferred to a community or grid the user covers (the grid worker's inbox)."""
    if not user.can("case.read"):
        return []
    qs = Case.objects.filter(
        place_within_q(user.covered_paths(), "assigned_place__path"),
        assigned_place__isnull=False,
        status__in=ACTIVE_STATUSES,
    )
    return _sorted_for_desk(_desk_related(qs)[:limit])


def case_list_overdue(user: User, *, now: datetime | None = None, limit: int = 100) -> list[Case]:
    now = now or timezone.now()
    qs = case_qs_for_user(user).filter(
        sla_met_at__isnull=True, sla_due_at__lt=now, status__in=ACTIVE_STATUSES + (Case.Status.RESOLVED,)
    )
    return list(_desk_related(qs).order_by("urgency", "sla_due_at")[:limit])


def callbacks_due(user: User, *, now: datetime | None = None, horizon_minutes: int = 30) -> list[Callback]:
    """Callbacks not yet made that are due within the horizon (or late), for the user or the user's role."""
    now = now or timezone.now()
    cases = case_qs_for_user(user)
    qs = Callback.objects.filter(
        done_at__isnull=True,
        due_at__lte=now + timedelta(minutes=horizon_minutes),
        case__in=cases,
    ).filter(
        Q(assigned_to=user)
        | Q(assigned_to__isnull=True, assignee_role=user.role)
        | Q(assigned_to__isnull=True, assignee_role="", case__owner=user)
    )
    return list(qs.select_related("case", "case__line", "assigned_to").order_by("due_at")[:50])


def case_timeline(case: Case):
    return case.events.select_related("actor").order_by("at", "id")


@dataclass
class PopEntry:
    resident: Resident
    tags: list[str]
    members: list[Resident]
    grid: Place | None
    family_doctor: User | None
    grid_worker: User | None
    open_cases: list[Case] = field(default_factory=list)
    recent_cases: list[Case] = field(default_factory=list)


def screen_pop(user: User, phone: str, *, recent: int = 5) -> list[PopEntry]:
    """Everything an agent needs when a number rings: the residents on it, their households and cases.

    Kept to a few indexed queries (docs/benchmarks.md): residents with their household members in one,
    then per household its ancestors and duty holders, then per resident the cases.
    """
    entries = []
    per_household: dict[int, tuple[Place | None, dict[str, object]]] = {}
    for resident, members in residents_by_phone_with_members(user, phone):
        if resident.household_id not in per_household:
            ancestors = place_ancestors(resident.household)
            grid = next((p for p in ancestors if p.kind == Place.Kind.GRID), None)
            per_household[resident.household_id] = (grid, place_duty_holders_among(ancestors))
        grid, holders = per_household[resident.household_id]
        cases = list(
            case_qs_for_user(user)
            .filter(Q(subject_resident=resident) | Q(caller_resident=resident))
            .select_related("line")
            .order_by("-created_at")[:20]
        )
        entries.append(
            PopEntry(
                resident=resident,
                tags=resident.tag_labels(),
                members=members,
                grid=grid,
                family_doctor=holders.get("family_doctor"),
                grid_worker=holders.get("grid_worker"),
                open_cases=[c for c in cases if c.status != Case.Status.CLOSED],
                recent_cases=[c for c in cases if c.status == Case.Status.CLOSED][:recent],
            )
        )
    return entries


def lines_on_duty(now: datetime | None = None) -> dict[int, list[User]]:
    """{line id: staff on the shift running now}."""
    now = now or timezone.now()
    on_duty: dict[int, list[User]] = {}
    for line in Line.objects.prefetch_related("shifts__members"):
        on_duty[line.pk] = [m for s in line.shifts.all() if s.covers(now) for m in s.members.all()]
    return on_duty


def alerts_open_for(user: User, *, limit: int = 50) -> list[ClinicianAlert]:
    """P1 alerts sent to this user and not yet acknowledged, newest first."""
    qs = ClinicianAlert.objects.filter(recipient=user, acknowledged_at__isnull=True).select_related("case")
    return list(qs.order_by("-created_at")[:limit])


def alert_get_for_user(user: User, alert_id: int) -> ClinicianAlert:
    """Only the recipient's own alerts exist for them."""
    alert = ClinicianAlert.objects.filter(pk=alert_id, recipient=user).select_related("case").first()
    if alert is None:
        raise NotFound(gettext("提醒不存在"), field="alert_id")
    return alert


def overrides_for_user(user: User, *, since: datetime | None = None) -> QuerySet[TriageOverride]:
    """Triage overrides on the cases this user can see."""
    qs = TriageOverride.objects.filter(case__in=case_qs_for_user(user)).select_related("case", "by")
    return qs.filter(at__gte=since) if since else qs


OVERRIDE_GROUPS = ("rule", "complaint")


def override_report(user: User, *, since: datetime | None = None, group: str = "rule") -> list[dict]:
    """Overrides grouped by the rule that decided the proposal (``group="rule"``) or by the chief-complaint
    protocol it read (``group="complaint"``), most overridden first: what to review.

    Each row: the key (``rule`` or ``complaint``; "" for a request that was not about health), how many times
    agents chose a more urgent ("up"), less urgent ("down") or equally urgent level, and the overrides
    themselves (newest first).
    """
    attribute = "decisive_rule" if group == "rule" else "complaint"
    rows: dict[str, dict] = {}
    for override in overrides_for_user(user, since=since).order_by("-at"):
        key = getattr(override, attribute)
        row = rows.setdefault(key, {group: key, "count": 0, "up": 0, "down": 0, "same": 0, "overrides": []})
        row["count"] += 1
        row[override.direction] += 1
        row["overrides"].append(override)
    return sorted(rows.values(), key=lambda row: (-row["count"], row[group]))
