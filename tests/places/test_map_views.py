"""The compound map pages: who may see which compound, the live map, the household panel, the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anxin.places.epimap.selectors import compound_map_read
from anxin.places.epimap.status import Tally
from anxin.places.models import Place
from tests.factories import make_place

pytestmark = pytest.mark.django_db


def compound_of(unit: Place) -> Place:
    return unit.parent.parent


def set_status(resident, status: str, *, until=None) -> None:
    resident.quarantine_status = status
    resident.quarantine_until = until
    resident.save()


def statuses(user, compound: Place) -> dict[str, str]:
    cmap = compound_map_read(user, compound)
    return {u.label: u.status for b in cmap.buildings for u in b.units}


# --- what the map reads ---


def test_it_colours_a_confirmed_household_red_and_counts_it(world):
    set_status(world.wang, "confirmed")
    cmap = compound_map_read(world.grid_worker_a, compound_of(world.unit_a1))
    assert [b.name for b in cmap.buildings] == ["1栋"]
    assert {u.label: (u.status, u.people) for u in cmap.buildings[0].units} == {
        "101": ("confirmed", 2),
        "102": ("plain", 1),
    }
    assert cmap.counts["confirmed"] == Tally(1, 2)
    assert cmap.counts["plain"] == Tally(1, 1)
    assert cmap.total == Tally(2, 3)
    assert cmap.trail == "观湖街道 / 松元厦社区 / 松元厦第一网格"


def test_the_most_severe_member_colours_the_household(world):
    world.wang_wife.disabled = True
    world.wang_wife.save()
    assert statuses(world.agent, compound_of(world.unit_a1))["101"] == "special_need"
    set_status(world.wang, "quarantine_home")
    assert statuses(world.agent, compound_of(world.unit_a1))["101"] == "quarantine_home"


def test_an_ended_quarantine_no_longer_colours_the_household(world):
    set_status(world.wang, "quarantine_central", until=timezone.localdate() - timedelta(days=1))
    assert statuses(world.agent, compound_of(world.unit_a1))["101"] == "plain"


def test_an_empty_unit_is_drawn_plain_with_nobody(world):
    make_place("AC1-201", "201", Place.Kind.UNIT, world.unit_a1.parent, floor=2)
    cmap = compound_map_read(world.agent, compound_of(world.unit_a1))
    assert {u.label: u.people for u in cmap.buildings[0].units}["201"] == 0


def test_the_map_never_reads_names_id_numbers_or_phones(world):
    with CaptureQueriesContext(connection) as queries:
        compound_map_read(world.agent, compound_of(world.unit_a1))
    resident_sql = [q["sql"] for q in queries if '"people_resident"' in q["sql"]]
    assert resident_sql
    for column in ("name", "id_number", "phone"):
        assert not [sql for sql in resident_sql if f'"people_resident"."{column}"' in sql]


# --- the page: auth and scope ---


def test_it_asks_for_a_login(client, world):
    url = reverse("places:map", args=[compound_of(world.unit_a1).pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_role_without_resident_read_is_refused(client, world):
    client.force_login(world.volunteer_a)
    compound = compound_of(world.unit_a1)
    for url in (
        reverse("places:map", args=[compound.pk]),
        reverse("places:map_list"),
        reverse("places:print", args=[compound.pk, "a4", "png"]),
        reverse("places:household", args=[compound.pk, world.unit_a1.pk]),
    ):
        assert client.get(url).status_code == 403


def test_a_compound_outside_the_users_places_is_not_found(client, world):
    client.force_login(world.grid_worker_b)
    compound = compound_of(world.unit_a1)
    for url in (
        reverse("places:map", args=[compound.pk]),
        reverse("places:map_live", args=[compound.pk]),
        reverse("places:print", args=[compound.pk, "a4", "pdf"]),
        reverse("places:household", args=[compound.pk, world.unit_a1.pk]),
    ):
        assert client.get(url).status_code == 404


def test_a_place_that_is_not_a_compound_is_not_found(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("places:map", args=[world.grid_a.pk])).status_code == 404


def test_the_page_shows_the_map_and_the_legend(client, world):
    set_status(world.wang, "confirmed")
    client.force_login(world.grid_worker_a)
    compound = compound_of(world.unit_a1)
    page = client.get(reverse("places:map", args=[compound.pk])).content.decode()
    assert "A花园 疫情分布图" in page
    household = reverse("places:household", args=[compound.pk, world.unit_a1.pk])
    assert f'data-unit="{world.unit_a1.pk}" data-status="confirmed" href="{household}"' in page
    assert 'hx-trigger="every 30s"' in page
    assert reverse("places:print", args=[compound.pk, "a3", "pdf"]) in page
    assert "王建国" not in page  # names only in the household panel


# --- live updates ---


def test_the_poll_gets_204_until_a_status_changes(client, world):
    client.force_login(world.grid_worker_a)
    live = reverse("places:map_live", args=[compound_of(world.unit_a1).pk])
    first = client.get(live, headers={"HX-Request": "true"})
    assert first.status_code == 200
    stamp = first.context["stamp"]
    assert f"?stamp={stamp}" in first.content.decode()
    assert client.get(live, {"stamp": stamp}).status_code == 204

    set_status(world.baby, "quarantine_central")
    changed = client.get(live, {"stamp": stamp})
    assert changed.status_code == 200
    assert changed.context["stamp"] != stamp
    assert f'data-unit="{world.unit_a2.pk}" data-status="quarantine_central"' in changed.content.decode()
    assert changed["Cache-Control"].startswith("max-age=0")


# --- the household panel ---


def test_the_household_panel_lists_its_residents_masked(client, world):
    client.force_login(world.grid_worker_a)
    compound = compound_of(world.unit_a1)
    url = reverse("places:household", args=[compound.pk, world.unit_a1.pk])
    panel = client.get(url, headers={"HX-Request": "true"})
    html = panel.content.decode()
    assert [t.name for t in panel.templates][0] == "places/_household.html"
    assert "王建国" in html and "李秀英" in html
    assert reverse("people:resident", args=[world.wang.pk]) in html
    assert "138****8000" in html and "13800138000" not in html
    assert world.wang.id_number not in html and world.wang.masked_id_number in html

    page = client.get(url)
    assert [t.name for t in page.templates][0] == "places/household.html"
    assert "王建国" in page.content.decode()


def test_a_unit_of_another_compound_is_not_found(client, world):
    client.force_login(world.agent)
    url = reverse("places:household", args=[compound_of(world.unit_a1).pk, world.unit_b1.pk])
    assert client.get(url).status_code == 404


# --- the list ---


def test_the_list_shows_the_compounds_in_scope_with_their_counts(client, world):
    set_status(world.wang, "confirmed")
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("places:map_list"))
    html = response.content.decode()
    assert "A花园" in html and "B花园" not in html
    (row,) = response.context["rows"]
    assert (row["households"], row["people"]) == (2, 3)
    assert {s.code: t.households for s, t in row["counts"]}["confirmed"] == 1

    client.force_login(world.agent)
    html = client.get(reverse("places:map_list")).content.decode()
    assert "A花园" in html and "B花园" in html
    narrowed = client.get(reverse("places:map_list"), {"q": "B花"}).content.decode()
    assert "B花园" in narrowed and "A花园" not in narrowed
