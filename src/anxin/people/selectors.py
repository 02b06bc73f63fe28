from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, NotFound
from anxin.people.models import Resident
from anxin.places.selectors import place_within_q


def resident_qs_for_user(user: User) -> QuerySet[Resident]:
    """Residents whose household lies in a place the user covers; nothing if the role may not read them."""
    if not user.can("resident.read"):
        return Resident.objects.none()
    return Resident.objects.filter(place_within_q(user.covered_paths(), "household__path"))


def resident_get_for_user(user: User, resident_id: int) -> Resident:
    if not user.can("resident.read"):
        raise Forbidden(gettext("当前角色无权查看居民信息"))
    try:
        # get() skips the ORDER BY that first() would compile; intake calls this up to twice a request.
        resident = Resident.objects.select_related("household").get(pk=resident_id)
    except Resident.DoesNotExist:
        resident = None
    if resident is None or not user.covers_path(resident.household.path):
        raise NotFound(gettext("居民不存在或不在您负责的区域"), field="resident_id")
    return resident


def residents_by_phone(user: User, phone: str) -> list[Resident]:
    """Residents with this phone that the user may see. The phone index does the work; scope is checked
    per row so a pop stays one indexed lookup even with millions of residents."""
    if not user.can("resident.read"):
        return []
    rows = Resident.objects.filter(phone=phone).select_related("household")[:20]
    return [r for r in rows if user.covers_path(r.household.path)]


def household_members(resident: Resident) -> list[Resident]:
    return list(Resident.objects.filter(household_id=resident.household_id).exclude(pk=resident.pk))


def residents_by_phone_with_members(user: User, phone: str) -> list[tuple[Resident, list[Resident]]]:
    """``residents_by_phone`` paired with each one's ``household_members``, read in one query.

    The screen pop shows both; fetching every household on the number at once saves a round trip per
    resident. Same rows, order and scope as calling the two selectors one after the other.
    """
    if not user.can("resident.read"):
        return []
    households = Resident.objects.filter(phone=phone).values("household_id")[:20]
    rows = list(Resident.objects.filter(household_id__in=households).select_related("household"))
    on_phone = [r for r in rows if r.phone == phone][:20]
    return [
        (r, [m for m in rows if m.household_id == r.household_id and m.pk != r.pk])
        for r in on_phone
        if user.covers_path(r.household.path)
    ]
