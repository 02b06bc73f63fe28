"""The case endpoints on their happy paths, and one case worked from intake to closure over the API."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxin.hotline import services
from anxin.hotline.models import Callback, Case, CaseEvent
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def intake(world, **overrides):
    body = {
        "line": world.medical_line.code,
        "summary": "老人发烧三天，38.8度，独居",
        "category": "medical_consult",
        "urgency": "P3",
        "disposition": "community_transfer",
        "channel": "phone",
        "caller_phone": "13800138000",
        "caller_name": "王建国",
        "caller_resident_id": world.wang.pk,
        "subject_resident_id": world.wang.pk,
    }
    body.update(overrides)
    return body


def kinds_and_actors(body):
    return [(e["kind"], e["actor"]) for e in body["events"]]


def test_it_opens_a_case_owned_by_the_first_taker(api, world):
    response = api.post(world.agent, "/api/cases", intake(world))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["id"] == case.pk
    assert body["number"] == case.number and body["number"].startswith("AX")
    assert body["status"] == "open"
    assert body["owner"] == "agent" and body["handler"] == "agent"
    assert body["line"] == {"code": "medical", "name": world.medical_line.name}
    assert body["place"]["code"] == world.unit_a1.code
    assert body["caller_phone_masked"] == "138****8000"
    assert body["subject_resident_id"] == world.wang.pk
    assert body["version"] == 1
    assert body["sla"]["overdue"] is False
    # The agent sent the case to the community where triage proposed a doctor's callback: recorded.
    assert body["triage"]["disposition"] != "community_transfer"
    assert kinds_and_actors(body) == [("opened", "agent"), ("triage_overridden", "agent")]
    assert body["callbacks"] == []


def test_it_opens_a_case_for_a_place_when_no_resident_is_known(api, world):
    body = intake(world, caller_resident_id=None, subject_resident_id=None, place=world.grid_b.code)
    body["caller_phone"] = "0755-23456789"
    response = api.post(world.agent, "/api/cases", body)
    assert response.status_code == 201, response.content
    assert response.json()["place"]["code"] == world.grid_b.code
    assert Case.objects.get().caller_phone == "0755-23456789"


def test_it_closes_a_p4_at_first_contact(api, world):
    body = intake(world, urgency="P4", disposition="answer_closed", close_now=True)
    response = api.post(world.agent, "/api/cases", body)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert [e["kind"] for e in body["events"]] == ["opened", "triage_overridden", "resolved", "closed"]


def test_it_dispatches_120_at_intake_and_meets_the_p1_clock(api, world):
    body = intake(world, urgency="P1", category="emergency", disposition="call_120", dispatched=True)
    response = api.post(world.agent, "/api/cases", body)
    assert response.status_code == 201, response.content
    assert response.json()["sla"]["met_at"] is not None


def test_it_lists_cases_in_scope_newest_first_with_masked_phones(api, world):
    older = open_case(world)
    newer = open_case(world, subject_resident=world.baby, caller_resident=None, caller_phone="13900139000")
    response = api.get(world.agent, "/api/cases")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [newer.pk, older.pk]
    assert [r["caller_phone_masked"] for r in rows] == ["139****9000", "138****8000"]
    assert "13800138000" not in response.content.decode()
    assert "events" not in rows[0]


def test_it_filters_the_list(api, world):
    mine = open_case(world)
    theirs = open_case(world, by=world.agent2, urgency="P2", disposition="doctor_callback")
    with time_machine.travel(timezone.now() - timedelta(minutes=10), tick=False):
        late = open_case(world, urgency="P1", category="emergency", disposition="call_120")
    closed = open_case(world, urgency="P4", disposition="answer_closed", close_now=True)

    def ids(params):
        response = api.get(world.agent, "/api/cases", params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()}

    assert ids({"mine": "true"}) == {mine.pk, late.pk, closed.pk}
    assert ids({"urgency": "P2"}) == {theirs.pk}
    assert ids({"status": "closed"}) == {closed.pk}
    assert ids({"overdue": "true"}) == {late.pk}
    assert len(ids({"limit": 2})) == 2
    assert len(ids({"limit": 2, "offset": 3})) == 1


def test_it_shows_one_case_with_its_timeline_and_callbacks(api, world, case_a):
    response = api.get(world.clinician, f"/api/cases/{case_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case_a.pk
    assert body["summary"] == case_a.summary
    assert body["events"][0]["label"] == "受理"
    assert body["events"][0]["data"]["urgency"] == "P3"


def test_a_case_travels_from_intake_to_a_grid_and_back_to_closure(api, world):
    response = api.post(world.agent, "/api/cases", intake(world))
    assert response.status_code == 201, response.content
    case_id, version = response.json()["id"], response.json()["version"]
    url = f"/api/cases/{case_id}"

    response = api.post(
        world.agent,
        f"{url}/transfer",
        {"version": version, "note": "独居老人，请网格员上门测体温", "to_place": world.grid_a.code},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "transferred"
    assert body["assigned_place"]["code"] == world.grid_a.code
    assert body["handler"] is None

    # The receiving grid sees it among its cases, then takes it.
    listed = api.get(world.grid_worker_a, "/api/cases", {"status": "transferred"}).json()
    assert [r["id"] for r in listed] == [case_id]
    response = api.post(world.grid_worker_a, f"{url}/accept", {"version": body["version"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["handler"], body["owner"]) == ("open", "grid_a", "agent")

    response = api.post(
        world.grid_worker_a,
        f"{url}/resolve",
        {"version": body["version"], "resolution": "已上门，体温37.5，已联系家庭医生随访"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "resolved" and body["resolved_at"] is not None

    response = api.post(
        world.agent,
        f"{url}/return-visit",
        {"version": body["version"], "satisfaction": "satisfied", "note": "老人表示满意"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["satisfaction"] == "satisfied"

    response = api.post(world.agent, f"{url}/close", {"version": body["version"], "note": "回访满意，结案"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed" and body["closed_at"] is not None
    assert body["owner"] == "agent"

    timeline = api.get(world.command, url).json()
    assert kinds_and_actors(timeline) == [
        ("opened", "agent"),
        ("triage_overridden", "agent"),
        ("transferred", "agent"),
        ("accepted", "grid_a"),
        ("resolved", "grid_a"),
        ("return_visit", "agent"),
        ("closed", "agent"),
    ]
    transfer = timeline["events"][2]
    assert transfer["note"] == "独居老人，请网格员上门测体温"
    assert transfer["data"]["to_place"] == world.grid_a.code
    assert all(e["at"] for e in timeline["events"])
    assert timeline["version"] == 6


def test_it_transfers_to_another_line_and_that_line_accepts(api, world, case_a):
    response = api.post(
        world.agent,
        f"/api/cases/{case_a.pk}/transfer",
        {"version": case_a.version, "note": "情绪焦虑，需心理支持", "to_line": world.psych_line.code},
    )
    assert response.status_code == 200, response.content
    assert response.json()["assigned_line"]["code"] == "psych"
    response = api.post(world.counsellor, f"/api/cases/{case_a.pk}/accept", {"version": case_a.version + 1})
    assert response.status_code == 200, response.content
    assert response.json()["handler"] == "counsellor"


def test_it_schedules_a_consult_and_a_clinician_completes_it(api, world):
    case = open_case(world, urgency="P2", disposition="doctor_callback")
    due = (timezone.now() + timedelta(minutes=8)).isoformat()
    response = api.post(
        world.agent,
        f"/api/cases/{case.pk}/callbacks",
        {
            "version": case.version,
            "due_at": due,
            "kind": "consult",
            "note": "与专家会商用药",
            "assignee_role": "clinician",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "awaiting_callback"
    [callback] = body["callbacks"]
    assert callback["kind"] == "consult" and callback["assignee_role"] == "clinician"
    assert callback["done_at"] is None
    assert body["events"][-1]["kind"] == "consult_requested"

    response = api.post(
        world.clinician,
        f"/api/cases/{case.pk}/callbacks/{callback['id']}/complete",
        {"version": body["version"], "outcome": "建议继续服药观察"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["callbacks"][0]["outcome"] == "建议继续服药观察"
    assert body["sla"]["met_at"] is not None
    assert body["events"][-1]["kind"] == "callback_completed"
    assert body["events"][-1]["actor"] == "clinician"


def test_it_takes_a_due_time_in_any_offset(api, world, case_a):
    due = timezone.now().astimezone(UTC) + timedelta(hours=2)
    response = api.post(
        world.agent,
        f"/api/cases/{case_a.pk}/callbacks",
        {"version": case_a.version, "due_at": due.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    assert response.status_code == 201, response.content
    stored = Callback.objects.get().due_at
    assert abs(stored - due) < timedelta(seconds=1)


def test_it_dispatches_help(api, world):
    case = open_case(world, urgency="P1", category="emergency", disposition="call_120")
    response = api.post(
        world.agent, f"/api/cases/{case.pk}/dispatch", {"version": case.version, "target": "120"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["events"][-1]["kind"] == "dispatched"
    assert body["events"][-1]["data"] == {"target": "120"}
    assert body["sla"]["met_at"] is not None


def test_it_adds_a_note(api, world, case_a):
    response = api.post(
        world.family_doctor_a, f"/api/cases/{case_a.pk}/notes", {"version": 1, "note": "已电话随访"}
    )
    assert response.status_code == 200, response.content
    assert kinds_and_actors(response.json())[-1] == ("noted", "doctor_a")


def test_it_reclassifies_and_restarts_the_clock(api, world, case_a):
    response = api.post(
        world.clinician,
        f"/api/cases/{case_a.pk}/reclassify",
        {
            "version": 1,
            "category": "emergency",
            "urgency": "P1",
            "disposition": "call_120",
            "reason": "血氧 88",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["category"], body["urgency"], body["disposition"]) == ("emergency", "P1", "call_120")
    assert body["events"][-1]["data"]["before"]["urgency"] == "P3"
    case_a.refresh_from_db()
    assert case_a.sla_due_at == case_a.created_at + timedelta(minutes=2)


def test_it_reopens_a_closed_case(api, world):
    case = open_case(world, urgency="P4", disposition="answer_closed", close_now=True)
    response = api.post(
        world.agent, f"/api/cases/{case.pk}/reopen", {"version": case.version, "reason": "居民反映未解决"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "open" and body["satisfaction"] == "" and body["closed_at"] is None
    assert CaseEvent.objects.filter(case=case, kind="reopened").count() == 1


def test_the_list_costs_the_same_queries_for_few_and_many_cases(api, world, django_assert_num_queries):
    headers = api.headers(world.agent)
    api.client.get("/api/cases", headers=headers)  # token's last_used_at is touched once a minute
    open_case(world)
    with django_assert_num_queries(3) as few:
        api.client.get("/api/cases", headers=headers)
    for _ in range(5):
        open_case(world, subject_resident=world.baby)
    transferred = open_case(world)
    services.case_transfer(case=transferred, version=1, by=world.agent, note="转", to_place=world.grid_a)
    with django_assert_num_queries(len(few.captured_queries)):
        response = api.client.get("/api/cases", headers=headers)
    assert len(response.json()) == 7


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"urgency": "P4", "disposition": "answer_closed", "close_now": True},
        # A P1 also alerts the on-duty clinician: an event written after the case is saved.
        {"urgency": "P1", "category": "emergency", "disposition": "call_120", "dispatched": True},
        {"caller_resident_id": None, "subject_resident_id": None, "caller_phone": "0755-23456789"},
    ],
)
def test_intake_answers_with_the_case_as_it_reads_back(api, world, overrides):
    """The answer is built from what case_open wrote, not read back: it must be what a read gives."""
    response = api.post(world.agent, "/api/cases", intake(world, **overrides))
    assert response.status_code == 201, response.content
    written = response.json()
    read = api.get(world.agent, f"/api/cases/{written['id']}").json()
    for body in (written, read):
        body["sla"].pop("seconds_left")
    assert written == read
    assert len(written["events"]) == CaseEvent.objects.filter(case_id=written["id"]).count()


def test_intake_reads_the_resident_once_when_caller_and_subject_are_one(api, world):
    headers = api.headers(world.agent)
    api.client.get("/api/ping", headers=headers)  # token's last_used_at is touched once a minute
    with CaptureQueriesContext(connection) as same:
        api.post(world.agent, "/api/cases", intake(world))
    with CaptureQueriesContext(connection) as two:
        api.post(world.agent, "/api/cases", intake(world, caller_resident_id=world.wang_wife.pk))
    resident_reads = [
        [q for q in captured.captured_queries if 'FROM "people_resident"' in q["sql"]]
        for captured in (same, two)
    ]
    assert [len(reads) for reads in resident_reads] == [1, 2]
    assert len(two.captured_queries) == len(same.captured_queries) + 1
    # The SLA check is queued inside case_open's transaction (a savepoint here), not after it.
    sql = [q["sql"] for q in same.captured_queries]
    queued = next(i for i, text in enumerate(sql) if "dbtaskresult" in text)
    assert any(text.startswith("RELEASE SAVEPOINT") for text in sql[queued + 1 :])
