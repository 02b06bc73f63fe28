from __future__ import annotations

from django.db.models import Count

from anxin.accounts.models import User
from anxin.accounts.roles import Role
from anxin.demo.compound import (
    LOCKED_BUILDINGS,
    LOCKED_ELDERLY,
    LOCKED_HOUSEHOLDS,
    LOCKED_PEOPLE,
    LOCKED_SPECIAL,
    special_q,
)
from anxin.demo.geography import DEMO_COMMUNITY_CODE, LAT_RANGE, LON_RANGE
from anxin.demo.numbers import SHOWCASE_PHONES
from anxin.demo.staff import DEMO_LOGINS, DEMO_PASSWORD
from anxin.facilities.hours import describe_hours
from anxin.facilities.models import Facility
from anxin.hotline.models import Callback, Case, CaseEvent, Line, Shift
from anxin.people.identity import normalise_phone, parse_id_number
from anxin.people.models import Resident
from anxin.places.models import Place, PlaceDuty
from tests.demo.conftest import load


def locked_compound() -> Place:
    return Place.objects.get(kind=Place.Kind.COMPOUND, name="桂香家园")


def test_it_builds_the_locked_compound_to_the_report(demo):
    compound = locked_compound()
    residents = Resident.objects.filter(household__path__startswith=compound.path)
    elderly = [r for r in residents if r.age() >= 60]

    assert compound.children.filter(kind=Place.Kind.BUILDING).count() == LOCKED_BUILDINGS == 15
    units = Place.objects.filter(path__startswith=compound.path, kind=Place.Kind.UNIT)
    assert units.count() == LOCKED_HOUSEHOLDS == 857
    assert not units.filter(floor__isnull=True).exists()
    assert residents.values("household").distinct().count() == 857
    assert residents.count() == LOCKED_PEOPLE == 2122
    assert len(elderly) == LOCKED_ELDERLY == 251
    assert residents.filter(special_q()).count() == LOCKED_SPECIAL == 45
    assert compound.path.startswith(Place.objects.get(code=DEMO_COMMUNITY_CODE).path)


def test_it_writes_valid_id_numbers_and_phones(demo):
    residents = list(Resident.objects.all())
    assert len(residents) > 2122
    for resident in residents:
        info = parse_id_number(resident.id_number)
        assert info.area_code == "440309"
        assert (info.birth_date, info.sex) == (resident.birth_date, resident.sex)
        assert normalise_phone(resident.phone) == resident.phone
    sizes = Resident.objects.values("household").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(sizes) <= {1, 2, 3, 4, 5}


def test_it_builds_the_place_hierarchy_inside_the_district(demo):
    assert Place.objects.filter(kind=Place.Kind.STREET, is_rural=False).count() == 6
    assert Place.objects.filter(kind=Place.Kind.COMMUNITY, is_rural=False).count() == 56
    assert Place.objects.filter(kind=Place.Kind.COMMUNITY, is_rural=True).count() == 8
    for place in Place.objects.exclude(lat__isnull=True):
        assert LAT_RANGE[0] <= place.lat <= LAT_RANGE[1]
        assert LON_RANGE[0] <= place.lon <= LON_RANGE[1]
    for place in Place.objects.select_related("parent").filter(kind=Place.Kind.UNIT)[:500]:
        assert place.path == f"{place.parent.path}{place.code}/"
    for community in Place.objects.filter(kind=Place.Kind.COMMUNITY):
        assert 1 <= community.children.filter(kind=Place.Kind.GRID).count() <= 3


def test_it_gives_every_facility_hours_services_and_grids(demo):
    tiers = set(Facility.objects.values_list("tier", flat=True))
    assert tiers == set(Facility.Tier.values)
    for facility in Facility.objects.prefetch_related("grids"):
        assert describe_hours(facility.opening_hours) != "未登记"
        assert facility.grids.exists()
    demo_grids = Place.objects.filter(
        kind=Place.Kind.GRID, path__startswith=f"/440309/440309001/{DEMO_COMMUNITY_CODE}/"
    )
    for grid in demo_grids:
        assert grid.served_by.filter(services__service__in=["fever_clinic", "fever_room"]).exists()


def test_it_creates_a_working_login_per_role(demo):
    roles = {login.role for login in DEMO_LOGINS}
    assert roles == set(Role.values)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.role == login.role
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    community = Place.objects.get(code=DEMO_COMMUNITY_CODE)
    for username in ("grid", "doctor"):
        assert list(User.objects.get(username=username).places.all()) == [community]
    assert User.objects.get(username="agent").places.get().kind == Place.Kind.DISTRICT
    grids = Place.objects.filter(kind=Place.Kind.GRID)
    assert PlaceDuty.objects.filter(duty=PlaceDuty.Duty.GRID_WORKER).count() == grids.count()
    communities = Place.objects.filter(kind=Place.Kind.COMMUNITY)
    assert PlaceDuty.objects.filter(duty=PlaceDuty.Duty.FAMILY_DOCTOR).count() == communities.count()
    for line in ("agent", "clinician", "grid", "doctor", "13800000080", "13800000003", DEMO_PASSWORD):
        assert line in demo


def test_it_puts_the_showcase_phones_in_the_demo_community(demo):
    community = Place.objects.get(code=DEMO_COMMUNITY_CODE)
    alone = Resident.objects.get(phone=SHOWCASE_PHONES["elderly_alone"])
    assert alone.lives_alone and alone.age() >= 80
    family = Resident.objects.filter(phone=SHOWCASE_PHONES["infant_household"])
    assert any(r.age() < 1 for r in family) and any(r.age() >= 60 for r in family)
    dialysis = Resident.objects.get(phone=SHOWCASE_PHONES["dialysis_locked"])
    assert dialysis.on_dialysis and dialysis.household.path.startswith(locked_compound().path)
    for resident in (alone, *family, dialysis):
        assert resident.household.path.startswith(community.path)


def test_it_staffs_each_line_on_three_shifts(demo):
    lines = Line.objects.all()
    assert lines.count() == 5
    for line in lines:
        shifts = list(line.shifts.all())
        assert [s.name for s in sorted(shifts, key=lambda s: s.starts)] == ["夜班", "早班", "中班"]
        for shift in shifts:
            assert shift.members.count() >= 2
            assert set(shift.members.all()) <= set(line.members.all())
    assert Shift.objects.filter(members__username="agent").count() == 12


def test_it_writes_cases_in_every_status_through_the_services(demo):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Case.Status.values)
    assert Case.objects.filter(status=Case.Status.CLOSED).exclude(satisfaction="").exists()
    assert Case.objects.filter(closed_at_first_contact=True).exists()
    assert Callback.objects.filter(done_at__isnull=True).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REOPENED).exists()
    for case in Case.objects.prefetch_related("events"):
        kinds = [e.kind for e in case.events.all()]
        assert kinds[0] == CaseEvent.Kind.OPENED
        assert all(e.at >= case.created_at for e in case.events.all())
    assert Case.objects.filter(
        place__path__startswith=Place.objects.get(code=DEMO_COMMUNITY_CODE).path
    ).exists()


def _snapshot() -> dict[str, object]:
    models = (Place, Resident, Facility, User, Line, Shift, Case, CaseEvent, Callback, PlaceDuty)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["passwords"] = sorted(User.objects.values_list("password", flat=True))
    counts["ids"] = sorted(Resident.objects.values_list("id_number", flat=True))
    return counts


def test_it_changes_nothing_when_run_twice(demo):
    before = _snapshot()
    output = load()
    assert _snapshot() == before
    assert "已存在" in output and DEMO_PASSWORD in output


def test_it_restores_a_demo_login_a_user_broke(demo):
    agent = User.objects.get(username="agent")
    agent.set_password("something-else-entirely")
    agent.failed_logins = 3
    agent.save()
    User.objects.filter(username="volunteer").delete()
    load()
    agent.refresh_from_db()
    assert agent.check_password(DEMO_PASSWORD) and agent.failed_logins == 0
    volunteer = User.objects.get(username="volunteer")
    assert volunteer.check_password(DEMO_PASSWORD)
    assert volunteer.places.get().code == DEMO_COMMUNITY_CODE


def test_it_reloads_the_same_district_on_reset(demo):
    before = _snapshot()
    Resident.objects.filter(phone=SHOWCASE_PHONES["elderly_alone"]).update(name="改过的名字")
    output = load(reset=True)
    after = _snapshot()
    assert after["ids"] == before["ids"]
    # Event and callback counts depend on how far each case has got by "now", so only these are compared.
    same = ("Place", "Resident", "Facility", "User", "Line", "Shift", "Case", "PlaceDuty")
    assert {k: after[k] for k in same} == {k: before[k] for k in same}
    assert Resident.objects.get(phone=SHOWCASE_PHONES["elderly_alone"]).name == "陈桂兰"
    assert "已新建" in output


def test_it_loads_the_shipped_knowledge_base_once(demo):
    from anxin.knowledge.models import Item

    assert "知识库已导入" in demo
    assert Item.objects.filter(status="published").count() >= 100
    assert "知识库已导入" not in load()  # running it again reuses the base
