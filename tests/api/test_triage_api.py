"""Triage over the API: the preview, chat-group messages and one-key alarms, and the clinician's alerts."""

from __future__ import annotations

import pytest
import time_machine

from anxin.hotline.models import Case, ClinicianAlert

pytestmark = pytest.mark.django_db


def test_the_preview_explains_its_proposal_and_writes_nothing(api, world):
    response = api.post(
        world.agent, "/api/triage", {"text": "宝宝三个月大，烧到三十八度六，刚才抽了一下", "age": 0.25}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["urgency"], body["disposition"], body["red_flags"]) == ("P1", "call_120", ["convulsion"])
    decisive = [item for item in body["explanation"] if item.get("decisive")]
    assert decisive[0]["evidence"][0]["quote"] == "抽了一下"
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "咳嗽", "spo2": 150}, "spo2"),
        ({"text": "咳嗽", "age": "old"}, "age"),
        ({"text": "咳嗽", "conditions": ["flu"]}, "conditions"),
        ({"text": "咳嗽", "channel": "fax"}, "channel"),
        ({"text": "咳嗽", "sex": "X"}, "sex"),
    ],
)
def test_the_preview_names_a_bad_field(api, world, body, field):
    response = api.post(world.agent, "/api/triage", body)
    assert response.status_code == 422
    assert field in {d["field"] for d in response.json()["detail"]}


def test_a_volunteer_cannot_triage(api, world):
    assert api.post(world.volunteer_a, "/api/triage", {"text": "咳嗽"}).status_code == 403


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_a_chat_group_p1_opens_a_case_and_alerts_the_clinician_on_duty(api, world):
    message = {
        "channel": "chat_group",
        "line": "medical",
        "text": "3号楼王大爷喘不上气了，谁能帮忙叫下医生",
        "sender_name": "松元厦3号楼群",
    }
    response = api.post(world.agent, "/api/messages", message)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["urgency"], body["category"]) == ("chat_group", "P1", "emergency")
    assert body["triage"]["red_flags"] == ["dyspnea"]
    alerts = api.get(world.clinician, "/api/alerts").json()
    assert [(a["case_id"], a["urgency"], a["red_flags"]) for a in alerts] == [(body["id"], "P1", ["dyspnea"])]
    acked = api.post(world.clinician, f"/api/alerts/{alerts[0]['id']}/ack")
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    assert api.get(world.clinician, "/api/alerts").json() == []


def test_a_silent_device_alarm_is_at_least_p2(api, world):
    response = api.post(
        world.agent,
        "/api/messages",
        {"channel": "one_key_device", "line": "medical", "resident_id": world.wang.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["urgency"], body["disposition"], body["summary"]) == (
        "P2",
        "doctor_callback",
        "一键呼叫器报警",
    )
    assert body["subject_resident_id"] == world.wang.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "phone", "line": "medical", "text": "咳嗽"}, "channel"),
        ({"channel": "chat_group", "line": "nope", "text": "咳嗽"}, "line"),
        ({"channel": "chat_group", "line": "medical", "text": ""}, "summary"),
        ({"channel": "chat_group", "line": "medical", "text": "咳嗽", "temperature_c": 60}, "temperature_c"),
    ],
)
def test_a_bad_message_is_refused_and_writes_nothing(api, world, body, field):
    response = api.post(world.agent, "/api/messages", body)
    assert response.status_code == 422, response.content
    assert field in {d["field"] for d in response.json()["detail"]}
    assert Case.objects.count() == 0


def test_a_message_about_a_resident_outside_scope_is_not_found(api, world):
    response = api.post(
        world.grid_worker_b,
        "/api/messages",
        {"channel": "chat_group", "line": "medical", "text": "咳嗽", "resident_id": world.wang.pk},
    )
    assert response.status_code in (403, 404)
    assert Case.objects.count() == 0


def test_someone_elses_alert_does_not_exist_for_you(api, world):
    api.post(
        world.agent, "/api/messages", {"channel": "chat_group", "line": "medical", "text": "老人叫不醒了"}
    )
    alert = ClinicianAlert.objects.get()
    assert api.post(world.agent, f"/api/alerts/{alert.pk}/ack").status_code == 404
    assert ClinicianAlert.objects.get().acknowledged_at is None


def test_an_api_override_is_recorded_with_its_reason(api, world):
    body = {
        "line": "medical",
        "summary": "阳了，咳嗽，想问问吃什么药",
        "category": "medication",
        "urgency": "P3",
        "disposition": "medication_delivery",
        "override_reason": "家中无药，需送药",
    }
    response = api.post(world.agent, "/api/cases", body)
    assert response.status_code == 201, response.content
    events = response.json()["events"]
    assert [e["kind"] for e in events] == ["opened", "triage_overridden"]
    assert events[1]["note"] == "家中无药，需送药"
    assert events[1]["data"]["proposed"]["urgency"] == "P4"
