"""Who may call what, and what each caller sees: the same scoping as the pages, for every role."""

from __future__ import annotations

import re

import pytest

from anxin.accounts.models import ApiToken
from anxin.accounts.roles import Role
from anxin.core.models import AccessLog
from anxin.hotline.models import Case, CaseEvent
from tests.api.helpers import STEP_BODIES, detail
from tests.factories import open_case

pytestmark = pytest.mark.django_db

# One member of the cast per role; everything below is about community A, which each of them covers.
CAST = {
    Role.AGENT: "agent",
    Role.CLINICIAN: "clinician",
    Role.COUNSELLOR: "counsellor",
    Role.GRID_WORKER: "grid_worker_a",
    Role.FAMILY_DOCTOR: "family_doctor_a",
    Role.VOLUNTEER: "volunteer_a",
    Role.COMMAND: "command",
    Role.ADMIN: "admin",
}


def call_ping(api, world, user, case):
    return api.get(user, "/api/ping")


def call_case_list(api, world, user, case):
    return api.get(user, "/api/cases")


def call_intake(api, world, user, case):
    body = {
        "line": "medical",
        "summary": "咨询发热门诊",
        "category": "care_navigation",
        "urgency": "P4",
        "disposition": "fever_clinic",
        "caller_resident_id": world.wang.pk,
    }
    return api.post(user, "/api/cases", body)


def call_case_detail(api, world, user, case):
    return api.get(user, f"/api/cases/{case.pk}")


def call_case_note(api, world, user, case):
    return api.post(user, f"/api/cases/{case.pk}/notes", {"version": case.version, "note": "已联系"})


def call_resident_lookup(api, world, user, case):
    return api.get(user, "/api/residents", {"phone": world.wang.phone})


def call_resident_detail(api, world, user, case):
    return api.get(user, f"/api/residents/{world.wang.pk}")


def call_reveal(api, world, user, case):
    return api.post(user, f"/api/residents/{world.wang.pk}/reveal", {"purpose": "核实身份"})


def call_facilities(api, world, user, case):
    return api.get(user, "/api/facilities", {"service": "fever_clinic", "open_now": "false"})


CALLS = [
    call_ping,
    call_case_list,
    call_intake,
    call_case_detail,
    call_case_note,
    call_resident_lookup,
    call_resident_detail,
    call_reveal,
    call_facilities,
]
# The case is a home visit for 王建国 in community A; the volunteer sees volunteer errands only.
# fmt: off
ALLOWED = {
    #                    ping list intake detail note lookup resident reveal facilities
    Role.AGENT:         (200, 200, 201,   200,   200, 200,   200,     200,   200),
    Role.CLINICIAN:     (200, 200, 201,   200,   200, 200,   200,     200,   200),
    Role.COUNSELLOR:    (200, 200, 201,   200,   200, 200,   200,     403,   200),
    Role.GRID_WORKER:   (200, 200, 403,   200,   200, 200,   200,     200,   200),
    Role.FAMILY_DOCTOR: (200, 200, 403,   200,   200, 200,   200,     200,   200),
    Role.VOLUNTEER:     (200, 200, 403,   404,   404, 403,   403,     403,   200),
    Role.COMMAND:       (200, 200, 403,   200,   403, 200,   200,     403,   200),
    Role.ADMIN:         (200, 200, 201,   200,   200, 200,   200,     200,   200),
}
# fmt: on
MATRIX = [
    pytest.param(role, call, status, id=f"{role}-{call.__name__.removeprefix('call_')}")
    for role, row in ALLOWED.items()
    for call, status in zip(CALLS, row, strict=True)
]


def test_the_cast_and_the_table_cover_every_role():
    assert set(CAST) == set(Role.values)
    assert set(ALLOWED) == set(Role.values)


@pytest.mark.parametrize(("role", "call", "status"), MATRIX)
def test_each_role_calls_what_its_permissions_allow(api, world, case_a, role, call, status):
    user = getattr(world, CAST[role])
    assert user.role == role
    cases, events, logs = Case.objects.count(), CaseEvent.objects.count(), AccessLog.objects.count()
    response = call(api, world, user, case_a)
    assert response.status_code == status, response.content
    if status >= 400:
        detail(response)
        # A refused call writes nothing: no case, no event, no access-log row.
        assert (Case.objects.count(), CaseEvent.objects.count(), AccessLog.objects.count()) == (
            cases,
            events,
            logs,
        )


# --- a grid worker of community B and community A's records -------------------------------------


def test_a_grid_worker_of_b_does_not_see_a_cases_in_the_list(api, world, case_a):
    case_b = open_case(world, subject_resident=world.li, caller_resident=world.li, caller_phone="13700137000")
    response = api.get(world.grid_worker_b, "/api/cases")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [case_b.pk]
    response = api.get(world.grid_worker_a, "/api/cases")
    assert [r["id"] for r in response.json()] == [case_a.pk]


def test_a_grid_worker_of_b_gets_the_same_404_for_a_case_of_a_as_for_no_case(api, world, case_a):
    hidden = api.get(world.grid_worker_b, f"/api/cases/{case_a.pk}")
    missing = api.get(world.grid_worker_b, f"/api/cases/{case_a.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert case_a.summary not in hidden.content.decode()


@pytest.mark.parametrize(("step", "extra"), STEP_BODIES.items(), ids=STEP_BODIES.keys())
def test_a_grid_worker_of_b_cannot_act_on_a_case_of_a(api, world, case_a, step, extra):
    response = api.post(
        world.grid_worker_b, f"/api/cases/{case_a.pk}/{step}", {"version": case_a.version, **extra}
    )
    assert response.status_code == 404, response.content
    assert [d["field"] for d in detail(response)] == ["case_id"]
    case_a.refresh_from_db()
    assert case_a.version == 1
    assert case_a.events.count() == 1


def test_a_grid_worker_of_b_cannot_read_residents_of_a(api, world):
    response = api.get(world.grid_worker_b, "/api/residents", {"phone": world.wang.phone})
    assert response.status_code == 200
    assert response.json() == []
    hidden = api.get(world.grid_worker_b, f"/api/residents/{world.wang.pk}")
    missing = api.get(world.grid_worker_b, f"/api/residents/{world.li.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert world.wang.name not in hidden.content.decode()
    # ... while residents of B are there for them.
    response = api.get(world.grid_worker_b, "/api/residents", {"phone": world.li.phone})
    assert [r["id"] for r in response.json()] == [world.li.pk]


def test_a_grid_worker_of_b_cannot_reveal_a_resident_of_a_and_nothing_is_logged(api, world):
    response = api.post(world.grid_worker_b, f"/api/residents/{world.wang.pk}/reveal", {"purpose": "x"})
    assert response.status_code == 404
    assert world.wang.id_number not in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_a_grid_worker_of_b_cannot_open_a_case_about_a_resident_of_a(api, world):
    body = {
        "line": "medical",
        "summary": "x",
        "category": "other",
        "urgency": "P4",
        "disposition": "answer_closed",
        "subject_resident_id": world.wang.pk,
    }
    response = api.post(world.grid_worker_b, "/api/cases", body)
    assert response.status_code == 404
    assert [d["field"] for d in detail(response)] == ["subject_resident_id"]
    assert Case.objects.count() == 0


def test_an_agent_cannot_open_a_case_about_a_resident_they_do_not_cover(api, world):
    world.agent2.places.set([world.community_b])
    body = {
        "line": "medical",
        "summary": "x",
        "category": "other",
        "urgency": "P4",
        "disposition": "answer_closed",
        "caller_resident_id": world.wang.pk,
    }
    response = api.post(world.agent2, "/api/cases", body)
    assert response.status_code == 404
    assert [d["field"] for d in detail(response)] == ["caller_resident_id"]
    assert Case.objects.count() == 0


def test_a_case_transferred_to_grid_b_reaches_grid_b_and_only_then(api, world, case_a):
    assert api.get(world.grid_worker_b, f"/api/cases/{case_a.pk}").status_code == 404
    response = api.post(
        world.agent,
        f"/api/cases/{case_a.pk}/transfer",
        {"version": 1, "note": "老人暂住女儿家（鹭湖社区）", "to_place": world.grid_b.code},
    )
    assert response.status_code == 200, response.content
    assert [r["id"] for r in api.get(world.grid_worker_b, "/api/cases").json()] == [case_a.pk]
    # Grid A still sees it (the case is about its resident) but may not take what was sent to B.
    response = api.post(world.grid_worker_a, f"/api/cases/{case_a.pk}/accept", {"version": 2})
    assert response.status_code == 403
    response = api.post(world.grid_worker_b, f"/api/cases/{case_a.pk}/accept", {"version": 2})
    assert response.status_code == 200, response.content
    assert response.json()["handler"] == "grid_b"


# --- masking and reveal ----------------------------------------------------------------------------


def test_lists_show_masked_id_numbers_and_phones_only(api, world):
    response = api.get(world.agent, "/api/residents", {"phone": "13800138000"})
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == world.wang.pk
    assert re.fullmatch(r"4403\*{10}\d{3}[\dX]", row["id_number_masked"])
    assert row["id_number_masked"] == world.wang.id_number[:4] + "*" * 10 + world.wang.id_number[-4:]
    assert row["phone_masked"] == "138****8000"
    assert world.wang.id_number not in response.content.decode()
    assert "13800138000" not in response.content.decode()


def test_the_resident_page_masks_the_household_too(api, world):
    response = api.get(world.grid_worker_a, f"/api/residents/{world.wang.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["phone_masked"] == "138****8000"
    [wife] = body["household_members"]
    assert wife["id"] == world.wang_wife.pk
    assert wife["phone_masked"] == "138****8001"
    text = response.content.decode()
    for resident in (world.wang, world.wang_wife):
        assert resident.id_number not in text
        assert resident.phone not in text


def test_a_reveal_returns_the_full_values_and_is_logged(api, world):
    response = api.post(
        world.grid_worker_a, f"/api/residents/{world.wang.pk}/reveal", {"purpose": "上门核实"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"id_number": world.wang.id_number, "phone": "13800138000"}
    log = AccessLog.objects.get()
    assert log.user == world.grid_worker_a
    assert log.action == AccessLog.Action.REVEAL
    assert (log.object_type, log.object_id) == ("people.resident", str(world.wang.pk))
    assert log.purpose == "上门核实"
    assert log.ip == "127.0.0.1"


def test_a_reveal_needs_no_body(api, world):
    response = api.post(world.agent, f"/api/residents/{world.wang.pk}/reveal")
    assert response.status_code == 200, response.content
    assert AccessLog.objects.get().purpose == ""


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.COMMAND, Role.VOLUNTEER])
def test_roles_without_reveal_are_refused_and_nothing_is_logged(api, world, role):
    response = api.post(getattr(world, CAST[role]), f"/api/residents/{world.wang.pk}/reveal", {})
    assert response.status_code == 403
    assert world.wang.id_number not in response.content.decode()
    assert AccessLog.objects.count() == 0


# --- volunteers --------------------------------------------------------------------------------------


def test_a_volunteer_sees_only_volunteer_errands(api, world, case_a):
    errand = open_case(world, category="supplies", disposition="volunteer_errand", summary="代购降压药")
    response = api.get(world.volunteer_a, "/api/cases")
    assert [r["id"] for r in response.json()] == [errand.pk]
    assert api.get(world.volunteer_a, f"/api/cases/{errand.pk}").status_code == 200
    assert api.get(world.volunteer_a, f"/api/cases/{case_a.pk}").status_code == 404


def test_a_volunteer_may_read_an_errand_but_not_move_it(api, world):
    errand = open_case(world, category="supplies", disposition="volunteer_errand")
    response = api.post(world.volunteer_a, f"/api/cases/{errand.pk}/notes", {"version": 1, "note": "已送达"})
    assert response.status_code == 403
    assert errand.events.count() == 1


def test_a_volunteer_does_not_see_errands_of_another_community(api, world):
    open_case(
        world,
        subject_resident=world.li,
        caller_resident=world.li,
        category="supplies",
        disposition="volunteer_errand",
    )
    assert api.get(world.volunteer_a, "/api/cases").json() == []


# --- authentication ----------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/ping"),
    ("get", "/api/cases"),
    ("post", "/api/cases"),
    ("get", "/api/cases/{case}"),
    *[("post", f"/api/cases/{{case}}/{step}") for step in STEP_BODIES],
    ("get", "/api/residents?phone=13800138000"),
    ("get", "/api/residents/{resident}"),
    ("post", "/api/residents/{resident}/reveal"),
    ("get", "/api/facilities?service=fever_clinic"),
    ("get", "/api/facilities/H1"),
]
BAD_HEADERS = {
    "none": {},
    "wrong token": {"Authorization": "Bearer ax_not-a-real-token"},
    "wrong scheme": {"Authorization": "Token ax_whatever"},
    "empty bearer": {"Authorization": "Bearer "},
    "oversize token": {"Authorization": "Bearer " + "x" * 5000},
}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
@pytest.mark.parametrize("headers", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_it_answers_401_without_a_valid_token(client, world, case_a, method, path, headers):
    url = path.format(case=case_a.pk, resident=world.wang.pk)
    kwargs = (
        {"content_type": "application/json", "data": '{"version": 1, "note": "x"}'}
        if method == "post"
        else {}
    )
    response = getattr(client, method)(url, headers=headers, **kwargs)
    assert response.status_code == 401, response.content
    assert [d["field"] for d in detail(response)] == ["Authorization"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert CaseEvent.objects.count() == 1
    assert AccessLog.objects.count() == 0


def test_a_token_of_a_deactivated_user_no_longer_works(api, world):
    headers = api.headers(world.agent)
    assert api.client.get("/api/ping", headers=headers).status_code == 200
    world.agent.is_active = False
    world.agent.save(update_fields=["is_active"])
    assert api.client.get("/api/ping", headers=headers).status_code == 401


def test_a_token_speaks_for_its_own_user(api, world):
    response = api.get(world.grid_worker_b, "/api/ping")
    assert response.json() == {"ok": True, "user": "grid_b"}
    assert ApiToken.objects.get(user=world.grid_worker_b).last_used_at is not None
