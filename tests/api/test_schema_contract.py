"""What the published document promises, checked directly (the fuzz test checks it by trying)."""

from __future__ import annotations

import pytest

from anxin.hotline.models import Line
from tests.api.helpers import fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/cases", {"urgncy": "P1"}, "urgncy"),  # a misspelt filter would have answered every case
        ("/api/kb/search", {"q": "发热门诊", "payload": "x"}, "payload"),
        ("/api/ping", {"x": "1"}, "x"),
    ],
)
def test_an_unknown_query_parameter_is_refused_naming_it(api, world, path, params, field):
    response = api.get(world.agent, path, params)
    assert response.status_code == 422
    assert fields(response) == {field}


def test_a_path_parameter_given_again_in_the_query_is_unknown_there(api, world, case_a):
    response = api.get(world.agent, f"/api/cases/{case_a.pk}", {"case_id": case_a.pk})
    assert response.status_code == 422
    assert fields(response) == {"case_id"}


def test_every_operation_documents_401_and_every_post_its_idempotency_key(client):
    document = client.get("/api/openapi.json").json()
    operations = [(m, o) for item in document["paths"].values() for m, o in item.items()]
    assert len(operations) >= 36
    for method, operation in operations:
        assert "401" in operation["responses"], operation["operationId"]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) == (method == "post"), operation["operationId"]
    assert "x-anxin-codes" not in str(document)


def test_codes_that_live_in_the_database_are_listed_as_they_are_now(client, world):
    def lines() -> list[str]:
        schema = client.get("/api/openapi.json").json()["components"]["schemas"]["CaseIn"]
        return schema["properties"]["line"]["enum"]

    assert world.medical_line.code in lines()
    Line.objects.create(
        code="vaccine", name="疫苗热线", kind=world.medical_line.kind, place=world.medical_line.place
    )
    assert "vaccine" in lines()
