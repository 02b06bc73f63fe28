"""Bad input gets a 4xx naming the field and the reason, writes nothing, and never a 500."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from anxin.accounts.models import ApiToken
from anxin.core.models import AccessLog
from anxin.hotline import services
from anxin.hotline.models import Callback, Case, CaseEvent
from tests.api.helpers import STEP_BODIES, detail, fields
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def intake(world, **overrides):
    body = {
        "line": "medical",
        "summary": "老人发烧三天",
        "category": "medical_consult",
        "urgency": "P3",
        "disposition": "home_visit",
        "caller_phone": "13800138000",
        "subject_resident_id": world.wang.pk,
    }
    body.update(overrides)
    return body


def rows():
    """Everything a case step could write."""
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Callback.objects.count(),
        AccessLog.objects.count(),
        list(Case.objects.values_list("version", "status")),
    )


# --- intake ------------------------------------------------------------------------------------------

BAD_INTAKE = [
    ("caller_phone", "12345"),
    ("caller_phone", "138001380001"),
    ("caller_phone", "1380013800\x00"),
    ("line", "no-such-line"),
    ("line", "medical line"),
    ("place", "NOWHERE"),
    ("category", "unknown"),
    ("urgency", "P9"),
    ("urgency", "P10"),
    ("disposition", "teleport"),
    ("channel", "pigeon"),
    ("summary", "x" * 4001),
    ("summary", "发烧" * 2001),
    ("summary", "bin\x00ary"),
    ("summary", "\x1b[31mred"),
    ("summary", ""),
    ("summary", "   \n  "),
    ("summary", 123),
    ("summary", ["发烧"]),
    ("summary", None),
    ("caller_name", "王\x07"),
    ("caller_name", "王" * 51),
    ("subject_note", "x" * 201),
    ("subject_resident_id", "1"),
    ("subject_resident_id", 1.5),
    ("subject_resident_id", 0),
    ("subject_resident_id", 2**64),
    ("subject_resident_id", 999999),
    ("caller_resident_id", True),
    ("dispatched", "yes"),
    ("close_now", 1),
    ("summery", "typo in a field name"),
]


@pytest.mark.parametrize(("field", "value"), BAD_INTAKE, ids=[f"{f}={str(v)[:12]!r}" for f, v in BAD_INTAKE])
def test_it_refuses_bad_intake_naming_the_field(api, world, field, value):
    body = intake(world, **{field: value})
    if field == "place":
        body.pop("subject_resident_id")
    before = rows()
    response = api.post(world.agent, "/api/cases", body)
    assert 400 <= response.status_code < 500, response.content
    assert field in fields(response)
    assert rows() == before


def test_it_names_every_missing_field(api, world):
    response = api.post(world.agent, "/api/cases", {})
    assert response.status_code == 422
    # The codes may be left out: the triage proposal fills them.
    assert fields(response) == {"line", "summary"}
    assert {d["reason"] for d in detail(response)} == {"缺少此字段"}
    assert Case.objects.count() == 0


def test_it_refuses_close_now_for_a_p1(api, world):
    response = api.post(world.agent, "/api/cases", intake(world, urgency="P1", close_now=True))
    assert response.status_code == 422
    assert fields(response) == {"close_now"}
    assert Case.objects.count() == 0


def test_it_accepts_a_summary_of_exactly_4000_characters(api, world):
    response = api.post(world.agent, "/api/cases", intake(world, summary="热" * 4000))
    assert response.status_code == 201, response.content[:300]


# --- bodies that are not JSON objects ----------------------------------------------------------------

RAW_BODIES = [
    ("not json", b"summary=fever&urgency=P3"),
    ("truncated json", b'{"line": "medical", "summary": '),
    ("gbk", json.dumps({"line": "medical", "summary": "老人发烧"}, ensure_ascii=False).encode("gbk")),
    ("latin-1", '{"line": "médical"}'.encode("latin-1")),
    ("utf-16", json.dumps({"line": "medical"}).encode("utf-16")),
    ("json array", b"[]"),
    ("json string", b'"medical"'),
    ("json null", b"null"),
    ("NaN", b'{"version": NaN}'),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
]


@pytest.mark.parametrize("raw", [r for _, r in RAW_BODIES], ids=[name for name, _ in RAW_BODIES])
@pytest.mark.parametrize("url", ["/api/cases", "/api/cases/{case}/notes"])
def test_it_refuses_a_body_that_is_not_a_utf8_json_object(api, world, case_a, url, raw):
    before = rows()
    response = api.post(world.agent, url.format(case=case_a.pk), raw=raw)
    assert response.status_code == 400, response.content
    assert fields(response) == {"body"}
    assert rows() == before


def test_it_refuses_a_body_over_the_upload_limit(api, world, case_a):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"version": 1, "note": "x" * limit}).encode()
    before = rows()
    for url in ("/api/cases", f"/api/cases/{case_a.pk}/notes", f"/api/residents/{world.wang.pk}/reveal"):
        response = api.post(world.agent, url, raw=body)
        assert response.status_code == 413, response.content[:300]
        assert fields(response) == {"body"}
        assert str(limit) in detail(response)[0]["reason"]
    assert rows() == before


def test_the_upload_limit_follows_the_setting(api, world, case_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", {"version": 1, "note": "备注" * 400})
    assert response.status_code == 413
    assert "1000" in detail(response)[0]["reason"]


# --- transitions ------------------------------------------------------------------------------------


def callback_body(case, due_at):
    return {"version": case.version, "due_at": due_at, "note": "稍后回电"}


BAD_DUE_AT = [
    "2030-01-01T10:00:00",
    "2030-01-01 10:00",
    "tomorrow",
    "2030-13-40T10:00:00+08:00",
    "2030-01-01T25:00:00+08:00",
    "2030-01-01T10:00:00+25:00",
    "",
    None,
    [2030, 1, 1],
]


@pytest.mark.parametrize("due_at", BAD_DUE_AT, ids=[repr(v) for v in BAD_DUE_AT])
def test_it_refuses_a_naive_or_malformed_due_time(api, world, case_a, due_at):
    before = rows()
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/callbacks", callback_body(case_a, due_at))
    assert response.status_code == 422, response.content
    assert fields(response) == {"due_at"}
    assert rows() == before


def test_it_refuses_a_naive_due_time_that_parses(api, world, case_a):
    naive = (timezone.localtime() + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/callbacks", callback_body(case_a, naive))
    assert response.status_code == 422
    assert detail(response) == [{"field": "due_at", "reason": "回电时间须带时区"}]


@pytest.mark.parametrize("shift", [timedelta(hours=-2), timedelta(days=31)], ids=["past", "too far"])
def test_it_refuses_a_due_time_out_of_range(api, world, case_a, shift):
    due = (timezone.now() + shift).isoformat()
    before = rows()
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/callbacks", callback_body(case_a, due))
    assert response.status_code == 422
    assert fields(response) == {"due_at"}
    assert rows() == before


BAD_STEPS = [
    ("transfer", {"note": "转"}, "to"),
    ("transfer", {"note": "转", "to_line": "psych", "to_place": "440309001001G1"}, "to"),
    ("transfer", {"note": "转", "to_line": "nope"}, "to_line"),
    ("transfer", {"note": "转", "to_place": "AC1-101"}, "to_place"),
    ("transfer", {"note": "", "to_line": "psych"}, "note"),
    ("transfer", {"note": "x" * 2001, "to_line": "psych"}, "note"),
    ("transfer", {"to_line": "psych"}, "note"),
    ("transfer", {"note": "转", "to_grid": "440309001001G1"}, "to_grid"),
    ("callbacks", {"due_at": "2099-01-01T00:00:00+08:00", "kind": "telepathy"}, "kind"),
    ("callbacks", {"due_at": "2099-01-01T00:00:00+08:00", "assignee_role": "wizard"}, "assignee_role"),
    ("callbacks", {"due_at": "2099-01-01T00:00:00+08:00", "assignee_role": "x" * 30}, "assignee_role"),
    ("dispatch", {"target": ""}, "target"),
    ("dispatch", {"target": "120\x00"}, "target"),
    ("notes", {"note": "\x00"}, "note"),
    ("notes", {"note": 42}, "note"),
    ("reclassify", {"category": "x", "urgency": "P1", "disposition": "call_120", "reason": "r"}, "category"),
    (
        "reclassify",
        {"category": "emergency", "urgency": "P0", "disposition": "call_120", "reason": "r"},
        "urgency",
    ),
    (
        "reclassify",
        {"category": "emergency", "urgency": "P1", "disposition": "x", "reason": "r"},
        "disposition",
    ),
    ("reclassify", {"category": "emergency", "urgency": "P1", "disposition": "call_120"}, "reason"),
    ("resolve", {"resolution": ""}, "resolution"),
    ("reopen", {}, "reason"),
]


@pytest.mark.parametrize(("step", "extra", "field"), BAD_STEPS, ids=[f"{s}-{f}" for s, _, f in BAD_STEPS])
def test_it_refuses_bad_step_input_naming_the_field(api, world, case_a, step, extra, field):
    before = rows()
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/{step}", {"version": case_a.version, **extra})
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert rows() == before


def test_it_refuses_an_unknown_satisfaction(api, world, case_a):
    case = services.case_resolve(case=case_a, version=1, by=world.agent, resolution="已处理")
    before = rows()
    response = api.post(
        world.agent, f"/api/cases/{case.pk}/return-visit", {"version": case.version, "satisfaction": "meh"}
    )
    assert response.status_code == 422
    assert fields(response) == {"satisfaction"}
    assert rows() == before


def test_it_answers_404_naming_the_field_for_a_place_code_nobody_has(api, world, case_a):
    before = rows()
    response = api.post(
        world.agent, f"/api/cases/{case_a.pk}/transfer", {"version": 1, "note": "转", "to_place": "NOWHERE"}
    )
    assert response.status_code == 404, response.content
    assert fields(response) == {"to_place"}
    assert rows() == before


def test_a_whole_number_written_as_a_float_is_an_integer_as_json_schema_has_it(api, world, case_a):
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", {"version": 1.0, "note": "已联系家属"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2


@pytest.mark.parametrize(
    "version", [None, "1", 1.5, True, 0, -1, 2**31, 2**80, 1e300], ids=lambda v: f"version={v!r}"[:20]
)
def test_it_refuses_a_version_that_is_not_a_plausible_version(api, world, case_a, version):
    response = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", {"version": version, "note": "x"})
    assert response.status_code == 422, response.content
    assert fields(response) == {"version"}
    assert case_a.events.count() == 1


def test_it_refuses_a_stale_version_with_409(api, world, case_a):
    first = api.post(world.agent, f"/api/cases/{case_a.pk}/notes", {"version": 1, "note": "已联系家属"})
    assert first.status_code == 200
    before = rows()
    second = api.post(world.agent2, f"/api/cases/{case_a.pk}/notes", {"version": 1, "note": "重复操作"})
    assert second.status_code == 409
    assert fields(second) == {"version"}
    assert rows() == before


def test_it_refuses_closing_a_closed_case_with_409(api, world):
    case = open_case(world, urgency="P4", disposition="answer_closed", close_now=True)
    before = rows()
    response = api.post(world.agent, f"/api/cases/{case.pk}/close", {"version": case.version})
    assert response.status_code == 409
    assert fields(response) == {"status"}
    assert "已关闭" in detail(response)[0]["reason"]
    assert rows() == before


def test_it_refuses_resolving_a_transferred_case_with_409(api, world, case_a):
    case = services.case_transfer(
        case=case_a, version=1, by=world.agent, note="转社区", to_place=world.grid_a
    )
    before = rows()
    response = api.post(
        world.agent, f"/api/cases/{case.pk}/resolve", {"version": case.version, "resolution": "x"}
    )
    assert response.status_code == 409
    assert fields(response) == {"status"}
    assert rows() == before


def test_it_refuses_closing_before_the_return_visit_with_409(api, world, case_a):
    case = services.case_resolve(case=case_a, version=1, by=world.agent, resolution="已处理")
    before = rows()
    response = api.post(world.agent, f"/api/cases/{case.pk}/close", {"version": case.version})
    assert response.status_code == 409
    assert fields(response) == {"return_visit"}
    assert rows() == before


def test_it_refuses_completing_a_callback_twice(api, world, case_a):
    due = timezone.now() + timedelta(minutes=30)
    callback = services.case_schedule_callback(case=case_a, version=1, by=world.agent, due_at=due)
    url = f"/api/cases/{case_a.pk}/callbacks/{callback.pk}/complete"
    assert api.post(world.agent, url, {"version": 2, "outcome": "已回电"}).status_code == 200
    before = rows()
    response = api.post(world.agent, url, {"version": 3, "outcome": "又回电"})
    assert response.status_code == 409
    assert fields(response) == {"callback_id"}
    assert rows() == before


def test_it_refuses_completing_a_callback_of_another_case(api, world, case_a):
    other = open_case(world)
    due = timezone.now() + timedelta(minutes=30)
    callback = services.case_schedule_callback(case=other, version=1, by=world.agent, due_at=due)
    before = rows()
    response = api.post(
        world.agent,
        f"/api/cases/{case_a.pk}/callbacks/{callback.pk}/complete",
        {"version": 1, "outcome": "已回电"},
    )
    assert response.status_code == 404  # the path names a callback this case does not have
    assert fields(response) == {"callback_id"}
    assert rows() == before


# --- ids and query parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(("step", "extra"), STEP_BODIES.items(), ids=STEP_BODIES.keys())
def test_it_answers_404_for_a_case_that_does_not_exist(api, world, case_a, step, extra):
    before = rows()
    response = api.post(world.agent, f"/api/cases/424242/{step}", {"version": 1, **extra})
    assert response.status_code == 404, response.content
    assert fields(response) == {"case_id"}
    assert rows() == before


def test_it_answers_404_for_reading_a_case_that_does_not_exist(api, world):
    response = api.get(world.agent, "/api/cases/424242")
    assert response.status_code == 404
    assert fields(response) == {"case_id"}


@pytest.mark.parametrize("case_id", ["abc", "0", "-1", "1.5", str(2**64)])
def test_it_refuses_a_case_id_that_is_not_an_id(api, world, case_id):
    response = api.get(world.agent, f"/api/cases/{case_id}")
    assert response.status_code == 422
    assert fields(response) == {"case_id"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"urgency": "P9"}, "urgency"),
        ({"urgency": "P1\x00"}, "urgency"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"overdue": "maybe"}, "overdue"),
    ],
)
def test_it_refuses_bad_list_filters(api, world, params, field):
    response = api.get(world.agent, "/api/cases", params)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}


@pytest.mark.parametrize("phone", ["12345", "138-0013-800x", "1" * 31, "138\x0000138000"])
def test_it_refuses_a_bad_phone_in_a_lookup(api, world, phone):
    response = api.get(world.agent, "/api/residents", {"phone": phone})
    assert response.status_code == 422
    assert fields(response) == {"phone"}


def test_it_needs_a_phone_to_look_up(api, world):
    response = api.get(world.agent, "/api/residents")
    assert response.status_code == 422
    assert fields(response) == {"phone"}


@pytest.mark.parametrize("resident_id", ["abc", "0", str(2**70)])
def test_it_refuses_a_resident_id_that_is_not_an_id(api, world, resident_id):
    response = api.get(world.agent, f"/api/residents/{resident_id}")
    assert response.status_code == 422
    assert fields(response) == {"resident_id"}


def test_it_refuses_a_bad_reveal_purpose_and_logs_nothing(api, world):
    for purpose in ("x" * 201, "bin\x00", 7):
        response = api.post(world.agent, f"/api/residents/{world.wang.pk}/reveal", {"purpose": purpose})
        assert response.status_code == 422
        assert fields(response) == {"purpose"}
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "teleport"}, "service"),
        ({}, "service"),
        ({"service": "fever_clinic", "place": "A C1"}, "place"),
        ({"service": "fever_clinic", "limit": 51}, "limit"),
    ],
)
def test_it_refuses_bad_facility_searches(api, world, params, field):
    response = api.get(world.agent, "/api/facilities", params)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}


def test_a_facility_search_from_a_place_nobody_has_is_404(api, world):
    response = api.get(world.agent, "/api/facilities", {"service": "fever_clinic", "place": "NOWHERE"})
    assert response.status_code == 404
    assert fields(response) == {"place"}


def test_it_answers_404_for_an_unknown_facility(api, world):
    response = api.get(world.agent, "/api/facilities/NOPE")
    assert response.status_code == 404
    assert fields(response) == {"code"}


# --- two agents, one case ---------------------------------------------------------------------------


def test_the_same_version_sent_twice_wins_once(api, world, case_a):
    body = {"version": case_a.version, "resolution": "已处理"}
    statuses = [
        api.post(user, f"/api/cases/{case_a.pk}/resolve", body).status_code
        for user in (world.agent, world.agent2)
    ]
    assert statuses == [200, 409]
    assert case_a.events.filter(kind="resolved").count() == 1


def test_two_agents_who_read_the_same_version_cannot_both_win(api, world, case_a, monkeypatch):
    """Agent 2's request lands between agent 1 reading the case and claiming it."""
    from anxin.hotline import api as hotline_api

    read = hotline_api.case_get_for_user
    second = Client()
    second_headers = api.headers(world.agent2)
    answers = []

    def read_then_let_the_other_agent_in(user, case_id):
        case = read(user, case_id)
        if user == world.agent and not answers:
            answers.append(
                second.post(
                    f"/api/cases/{case_id}/transfer",
                    {"version": 1, "note": "转心理热线", "to_line": "psych"},
                    content_type="application/json",
                    headers=second_headers,
                )
            )
        return case

    monkeypatch.setattr(hotline_api, "case_get_for_user", read_then_let_the_other_agent_in)
    first = api.post(
        world.agent,
        f"/api/cases/{case_a.pk}/transfer",
        {"version": 1, "note": "转社区", "to_place": world.grid_a.code},
    )
    assert answers[0].status_code == 200
    assert first.status_code == 409
    assert fields(first) == {"version"}
    case_a.refresh_from_db()
    assert case_a.assigned_line == world.psych_line and case_a.assigned_place is None
    assert list(case_a.events.values_list("kind", flat=True)) == ["opened", "transferred"]


@pytest.mark.django_db(transaction=True)
def test_two_agents_at_once_from_two_threads(world):
    """Real concurrency: both requests hit the server together; exactly one wins.

    Needs a database that lets two connections write in turn. SQLite's shared-cache in-memory test
    database answers "table is locked" at once instead of waiting (a file database in WAL mode, as
    deployed, waits for busy_timeout), so there the interleaved test above stands in for this one.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite cannot queue concurrent writers; runs on PostgreSQL")
    case = open_case(world)
    headers = {}
    for user in (world.agent, world.agent2):
        _, raw = ApiToken.issue(user=user, name="race")
        headers[user.pk] = {"Authorization": f"Bearer {raw}"}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def act(user):
        try:
            barrier.wait(timeout=5)
            response = Client().post(
                f"/api/cases/{case.pk}/notes",
                {"version": case.version, "note": f"{user.username} 的备注"},
                content_type="application/json",
                headers=headers[user.pk],
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (world.agent, world.agent2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 409]
    assert CaseEvent.objects.filter(case=case, kind="noted").count() == 1
