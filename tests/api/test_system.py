"""The trivial endpoint, the docs page and the OpenAPI schema."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

CASE_PATHS = [
    ("get", "/api/cases"),
    ("post", "/api/cases"),
    ("get", "/api/cases/{case_id}"),
    *[
        ("post", f"/api/cases/{{case_id}}/{step}")
        for step in (
            "transfer",
            "accept",
            "callbacks",
            "dispatch",
            "notes",
            "reclassify",
            "resolve",
            "return-visit",
            "close",
            "reopen",
        )
    ],
    ("post", "/api/cases/{case_id}/callbacks/{callback_id}/complete"),
    ("get", "/api/residents"),
    ("get", "/api/residents/{resident_id}"),
    ("post", "/api/residents/{resident_id}/reveal"),
    ("get", "/api/facilities"),
    ("get", "/api/facilities/{code}"),
    ("get", "/api/ping"),
]


def test_ping_answers_with_the_token_user(api, world):
    response = api.get(world.agent, "/api/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "user": "agent"}


def test_the_docs_page_needs_no_token(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "/api/openapi.json" in html


def test_the_schema_lists_every_endpoint_behind_bearer_auth(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"].startswith("Anxin")
    for method, path in CASE_PATHS:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"TokenAuth": []}], path
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_schema_documents_the_intake_body(client):
    schema = client.get("/api/openapi.json").json()
    case_in = schema["components"]["schemas"]["CaseIn"]
    assert set(case_in["required"]) == {"line", "summary"}
    assert {"category", "urgency", "disposition", "override_reason", "spo2"} <= set(case_in["properties"])
    assert case_in["properties"]["summary"]["maxLength"] == 4000
    assert case_in["additionalProperties"] is False


def test_the_schema_documents_the_error_answers(client):
    schema = client.get("/api/openapi.json").json()
    responses = schema["paths"]["/api/cases/{case_id}/close"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "413", "422"} <= set(responses)
    error = responses["409"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorOut")
