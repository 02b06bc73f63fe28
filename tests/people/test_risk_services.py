from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from anxin.core.errors import InvalidInput
from anxin.people.models import Resident
from anxin.people.services import resident_create, resident_set_manual_tags, residents_refresh_risk
from tests.factories import make_id_number


def test_it_rates_a_new_resident_and_says_why(world):
    resident = resident_create(
        name="赵老伯",
        id_number=make_id_number(date(1940, 5, 1)),
        household=world.unit_a2,
        lives_alone=True,
    )
    assert resident.risk_level == "high"
    assert resident.risk_rules[0] == "R-HIGH-80-ALONE"
    assert resident.risk_reason_labels[0] == "80岁以上独居"
    assert resident.risk_assessed_on == timezone.localdate()


def test_hand_set_tags_change_the_risk(world):
    assert world.li.risk_level == "low"
    resident_set_manual_tags(resident=world.li, tags=["mental_health", "mental_health"])
    world.li.refresh_from_db()
    assert world.li.manual_tags == ["mental_health"]
    assert world.li.risk_level == "medium"
    assert "心理关注" in world.li.tag_labels()


def test_it_refuses_an_unknown_hand_set_tag_and_changes_nothing(world):
    with pytest.raises(InvalidInput) as error:
        resident_set_manual_tags(resident=world.li, tags=["vip"])
    assert error.value.field == "manual_tags"
    world.li.refresh_from_db()
    assert world.li.manual_tags == []


def test_the_daily_refresh_lowers_the_risk_when_a_quarantine_ends(world):
    today = timezone.localdate()
    Resident.objects.filter(pk=world.li.pk).update(
        quarantine_status="quarantine_home", quarantine_until=today - timedelta(days=1), risk_level="medium"
    )
    assert residents_refresh_risk(today=today) == 1
    world.li.refresh_from_db()
    assert (world.li.risk_level, world.li.risk_rules) == ("low", [])
    assert residents_refresh_risk(today=today) == 0
