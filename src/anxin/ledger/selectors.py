"""Reads for the ledger pages: the place a user may open, its residents filtered, import jobs.

Scope as everywhere: a place the user does not cover is "not found", so its existence does not leak. Tag
filters are the tag rules (people/rules/tags.toml) turned into database conditions, so a filter and the tags
shown beside a resident always agree.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, NotFound
from anxin.ledger.models import ImportJob
from anxin.people.models import Resident
from anxin.people.tags import RULES_FILE as TAG_RULES_FILE
from anxin.people.tags import TAG_LABELS, manual_tag_codes
from anxin.places.models import Place

BUILDING_CHOICES_MAX = 300
SEARCH_MAX = 50


def ledger_place_for_user(user: User, code: str) -> Place:
    if not user.can("resident.read"):
        raise Forbidden(gettext("当前角色无权查看居民信息"))
    try:
        place = Place.objects.get(code=code)
    except Place.DoesNotExist:
        place = None
    if place is None or not user.covers_path(place.path):
        raise NotFound(gettext("区域不存在或不在您负责的范围"), field="place")
    return place


def ledger_home_places(user: User) -> list[Place]:
    """The places a user covers, broadest first: where the ledger pages start."""
    return list(user.places.order_by("path"))


def place_children(place: Place) -> list[Place]:
    """Places one level down to browse into (not households: those are the ledger's rows)."""
    if place.kind in (Place.Kind.BUILDING, Place.Kind.UNIT):
        return []
    return list(place.children.exclude(kind=Place.Kind.UNIT).order_by("code")[:BUILDING_CHOICES_MAX])


def place_trail(place: Place) -> list[Place]:
    codes = place.ancestor_codes()
    by_code = {p.code: p for p in Place.objects.filter(code__in=codes).order_by()}
    return [by_code[c] for c in codes if c in by_code]


def building_choices(place: Place) -> list[Place]:
    buildings = Place.objects.filter(path__startswith=place.path, kind=Place.Kind.BUILDING)
    return list(buildings.order_by("path")[: BUILDING_CHOICES_MAX + 1])


# --- filters ---


@dataclass(frozen=True)
class LedgerFilters:
    tag: str = ""
    risk: str = ""
    building: str = ""  # a building's code
    q: str = ""

    @classmethod
    def from_query(cls, params) -> LedgerFilters:
        tag = params.get("tag", "")
        risk = params.get("risk", "")
        return cls(
            tag=tag if tag in TAG_LABELS else "",
            risk=risk if risk in Resident.RiskLevel.values else "",
            building=params.get("building", "")[:40],
            q=params.get("q", "").strip()[:SEARCH_MAX],
        )

    def as_query(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (("tag", self.tag), ("risk", self.risk), ("building", self.building), ("q", self.q))
            if v
        }

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.as_query().items())


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@cache
def _derived_specs() -> dict[str, dict]:
    data = tomllib.loads(TAG_RULES_FILE.read_text(encoding="utf-8"))
    return {str(rule["code"]): dict(rule["when"]) for rule in data.get("derived", [])}


def tag_q(code: str, today: date) -> Q:
    """The database condition for "has tag ``code`` today", from the same rule the tag is derived by."""
    if code in manual_tag_codes():
        # JSON text match: codes are plain identifiers, so '"code"' only matches the whole code.
        return Q(manual_tags__icontains=f'"{code}"')
    spec = _derived_specs()[code]
    if "age_at_least" in spec:
        return Q(birth_date__lte=_years_before(today, int(spec["age_at_least"])))
    if "age_below" in spec:
        return Q(birth_date__gt=_years_before(today, int(spec["age_below"])))
    if "flag" in spec:
        return Q(**{spec["flag"]: True})
    if "not_empty" in spec:
        return ~Q(**{spec["not_empty"]: []})
    if "date_not_past" in spec:
        return Q(**{f"{spec['date_not_past']}__gte": today})
    if "days_since" in spec:
        name, days = spec["days_since"], int(spec["at_most"])
        return Q(**{f"{name}__lte": today, f"{name}__gte": today - timedelta(days=days)})
    if "status" in spec:
        until = Q(quarantine_until__isnull=True) | Q(quarantine_until__gte=today)
        return Q(quarantine_status=spec["status"]) & until
    raise ValueError(f"no filter for tag rule {sorted(spec)}")


def place_residents(place: Place) -> QuerySet[Resident]:
    """Everyone living under ``place``, in ledger order, with household, building and compound: the
    command line's export, which runs as the system operator (no user, no scope)."""
    residents = Resident.objects.filter(household__path__startswith=place.path)
    return residents.select_related("household__parent__parent").order_by("household__path", "id")


def ledger_residents(*, user: User, place: Place, filters: LedgerFilters, today: date) -> QuerySet[Resident]:
    """The residents of ``place`` (the user covers it: see ``ledger_place_for_user``), filtered."""
    if not user.can("resident.read") or not user.covers_path(place.path):
        return Resident.objects.none()
    residents = place_residents(place)
    if filters.tag:
        residents = residents.filter(tag_q(filters.tag, today))
    if filters.risk:
        residents = residents.filter(risk_level=filters.risk)
    if filters.building:
        residents = residents.filter(household__parent__code=filters.building)
    if filters.q:
        residents = residents.filter(name__contains=filters.q)
    return residents


# --- import jobs ---


def import_job_get_for_user(user: User, job_id: int) -> ImportJob:
    """A job its own user may open while they still cover its place; anyone else: not found."""
    try:
        job = ImportJob.objects.select_related("place").defer("source", "error_report").get(pk=job_id)
    except ImportJob.DoesNotExist:
        job = None
    if job is None or job.user_id != user.pk or not user.covers_path(job.place.path):
        raise NotFound(gettext("没有这个导入任务"), field="job")
    return job


def import_jobs_recent(user: User, place: Place, limit: int = 10) -> list[ImportJob]:
    jobs = ImportJob.objects.filter(user=user, place=place).defer("source", "error_report")
    return list(jobs.order_by("-created_at")[:limit])


def import_job_error_report(job: ImportJob) -> bytes | None:
    report = ImportJob.objects.filter(pk=job.pk).values_list("error_report", flat=True).first()
    return bytes(report) if report else None
