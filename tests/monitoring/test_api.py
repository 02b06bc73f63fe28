"""The monitoring API: token auth, roles, scoping, the error shape, and the happy paths."""

from __future__ import annotations

import pytest

from anxin.hotline.models import Case
from anxin.monitoring.models import Check, MonitoringAlert
from tests.api.helpers import Api, detail, fields
from tests.monitoring.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, token_for) -> Api:
    return Api(client, token_for)


def test_a_worker_reads_their_worklist(api, world, monitored):
    body = api.get(world.family_doctor_a, "/api/monitoring/worklist").json()
    assert (body["date"], body["total"], body["overdue"], body["done_today"]) == (TODAY.isoformat(), 1, 0, 0)
    item = body["items"][0]
    assert item["resident"]["name"] == "王建国" and item["resident"]["phone_masked"] == "138****8000"
    assert (item["plan"], item["measures"], item["due_time"]) == (
        "M-HIGH-DAILY",
        ["temperature", "spo2"],
        "09:00",
    )
    assert "lives_alone" in item["tags"]


def test_recording_a_normal_check(api, world, monitored):
    response = api.post(
        world.family_doctor_a, "/api/monitoring/checks", {"resident_id": world.wang.pk, "spo2": 97}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["check"]["spo2"] == 97 and body["check"]["level"] == "" and body["alert"] is None


def test_recording_a_low_spo2_answers_with_the_alert_and_its_case(api, world, monitored):
    body = {"resident_id": world.wang.pk, "spo2": 88, "temperature_c": 37.2, "symptoms": ["cough"]}
    answer = api.post(world.family_doctor_a, "/api/monitoring/checks", body).json()
    alert = answer["alert"]
    assert alert["level"] == "critical" and alert["rule_codes"] == ["T-SPO2-CRITICAL", "T-SPO2-LOW"]
    case = Case.objects.get()
    assert alert["case"] == {
        "id": case.pk,
        "number": case.number,
        "urgency": "P1",
        "disposition": "call_120",
        "status": "transferred",
        "assigned_line": "medical",
        "assigned_place": None,
    }
    # and the case's own API names where it came from
    assert api.get(world.clinician, f"/api/cases/{case.pk}").json()["channel"] == "monitoring"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spo2": 101}, "spo2"),
        ({"temperature_c": 60}, "temperature_c"),
        ({"respiratory_rate": 2}, "respiratory_rate"),
        ({"spo2": "high"}, "spo2"),
        ({"symptoms": ["sneezing"]}, "symptoms"),
        ({"pulse": 80}, "pulse"),
        ({"reached": "yes"}, "reached"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(api, world, monitored, body, field):
    response = api.post(
        world.family_doctor_a, "/api/monitoring/checks", {"resident_id": world.wang.pk, **body}
    )
    assert response.status_code == 422
    assert field in fields(response)
    assert not Check.objects.exists() and not Case.objects.exists()


def test_without_a_token_it_is_401(api, world, monitored):
    assert api.get(None, "/api/monitoring/worklist").status_code == 401
    assert api.post(None, "/api/monitoring/checks", {"resident_id": world.wang.pk}).status_code == 401


@pytest.mark.parametrize("who", ["agent", "volunteer_a", "command"])
def test_a_role_that_may_not_record_gets_403(api, world, monitored, who):
    user = getattr(world, who)
    response = api.post(user, "/api/monitoring/checks", {"resident_id": world.wang.pk, "spo2": 97})
    assert response.status_code == 403 and detail(response)
    event = {"resident_id": world.wang.pk, "device_id": "YJ-1", "event": "sos"}
    assert api.post(user, "/api/monitoring/device-events", event).status_code == 403


def test_a_resident_outside_the_workers_places_is_404(api, world, monitored):
    response = api.post(
        world.grid_worker_b, "/api/monitoring/checks", {"resident_id": world.wang.pk, "spo2": 97}
    )
    assert response.status_code == 404 and fields(response) == {"resident_id"}
    assert not Check.objects.exists()


def test_a_device_event_opens_a_case_once(api, world, monitored):
    event = {"resident_id": world.wang.pk, "device_id": "YJ-001", "event": "sos", "event_id": "42"}
    first = api.post(world.admin, "/api/monitoring/device-events", event)
    assert first.status_code == 201
    body = first.json()
    assert body["created"] and body["alert"]["kind"] == "device" and body["alert"]["case"]["urgency"] == "P2"
    again = api.post(world.admin, "/api/monitoring/device-events", event)
    assert again.status_code == 200 and again.json()["alert"]["id"] == body["alert"]["id"]
    assert MonitoringAlert.objects.count() == Case.objects.count() == 1


def test_a_device_event_id_already_recorded_for_someone_else_is_a_409(api, world, monitored):
    event = {"resident_id": world.wang.pk, "device_id": "YJ-001", "event": "sos", "event_id": "42"}
    assert api.post(world.admin, "/api/monitoring/device-events", event).status_code == 201
    other = api.post(
        world.admin, "/api/monitoring/device-events", {**event, "resident_id": world.wang_wife.pk}
    )
    assert other.status_code == 409 and fields(other) == {"event_id"}
    assert MonitoringAlert.objects.count() == 1


def test_an_unknown_device_event_is_422(api, world, monitored):
    event = {"resident_id": world.wang.pk, "device_id": "YJ-001", "event": "party"}
    response = api.post(world.admin, "/api/monitoring/device-events", event)
    assert response.status_code == 422 and fields(response) == {"event"}


def test_a_role_without_monitoring_has_no_worklist(api, world):
    assert api.get(world.agent, "/api/monitoring/worklist").status_code == 403
