"""The knowledge base over JSON: who sees which items, search, reads, edits with versions, all-or-nothing import."""

from __future__ import annotations

import pytest

from anxin.accounts.roles import PERMISSIONS, Role
from anxin.knowledge.api import SEARCH_PARAM_MAX
from anxin.knowledge.models import Item, ItemVersion
from tests.api.helpers import detail, fields
from tests.knowledge.samples import SAMPLE, item

pytestmark = pytest.mark.django_db


def new_item(code: str = "mask-advice", **extra) -> dict[str, object]:
    return item(code, "口罩佩戴建议", "在人员密集的室内场所佩戴口罩。", **extra)


def sample(code: str) -> dict[str, object]:
    return dict(next(data for data in SAMPLE if data["id"] == code))


def stored():
    """Everything an edit or an import could write."""
    return (
        sorted(Item.objects.values_list("code", "version", "title", "status")),
        ItemVersion.objects.count(),
    )


# --- authentication and permissions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/kb/search?q=抗原"),
        ("get", "/api/kb/items"),
        ("get", "/api/kb/items/home-care"),
        ("get", "/api/kb/items/home-care/versions"),
        ("put", "/api/kb/items/home-care"),
        ("post", "/api/kb/import"),
    ],
)
def test_it_refuses_a_call_without_a_token(api, sample_items, method, path):
    response = getattr(api, method)(None, path, {"items": []} if method != "get" else None)
    assert response.status_code == 401
    assert fields(response) == {"Authorization"}


def test_it_refuses_search_to_a_role_without_knowledge_read(api, world, sample_items, monkeypatch):
    monkeypatch.setitem(PERMISSIONS, Role.VOLUNTEER, frozenset({"case.read"}))
    for path in ("/api/kb/search?q=抗原", "/api/kb/items", "/api/kb/items/home-care"):
        assert api.get(world.volunteer_a, path).status_code == 403, path


def test_a_volunteer_never_sees_items_meant_for_agents(api, world, sample_items):
    found = api.get(world.volunteer_a, "/api/kb/search", {"q": "发热咨询答复口径", "top": 50}).json()
    assert "agents-script" not in [hit["id"] for hit in found["results"]]
    listed = api.get(world.volunteer_a, "/api/kb/items", {"category": "hotline"}).json()
    assert listed["count"] == 0 and listed["items"] == []
    assert api.get(world.volunteer_a, "/api/kb/items/agents-script").status_code == 404
    assert api.get(world.volunteer_a, "/api/kb/items/agents-script/versions").status_code == 404


def test_an_agent_sees_items_meant_for_agents(api, world, sample_items):
    found = api.get(world.agent, "/api/kb/search", {"q": "发热咨询答复口径"}).json()
    assert found["results"][0]["id"] == "agents-script"
    assert api.get(world.agent, "/api/kb/items/agents-script").json()["audience"] == "agents"


def test_only_editors_see_drafts(api, world, sample_items):
    assert api.get(world.agent, "/api/kb/items/draft-item").status_code == 404
    assert api.get(world.command, "/api/kb/items/draft-item").json()["status"] == "draft"
    for user in (world.agent, world.volunteer_a):
        found = api.get(user, "/api/kb/search", {"q": "隔离规定草稿", "history": "true", "top": 50}).json()
        assert "draft-item" not in [hit["id"] for hit in found["results"]]
    found = api.get(world.command, "/api/kb/search", {"q": "隔离规定草稿", "history": "true"}).json()
    assert "draft-item" in [hit["id"] for hit in found["results"]]


@pytest.mark.parametrize("who", ["volunteer_a", "agent", "clinician"])
def test_only_editors_may_write(api, world, sample_items, who):
    before = stored()
    user = getattr(world, who)
    response = api.put(user, "/api/kb/items/mask-advice", new_item())
    assert response.status_code == 403
    detail(response)
    response = api.post(user, "/api/kb/import", {"items": [new_item()]})
    assert response.status_code == 403
    assert stored() == before


# --- search ------------------------------------------------------------------------------------------


def test_it_answers_a_search_best_first(api, world, sample_items):
    response = api.get(world.agent, "/api/kb/search", {"q": "抗原两道杠是不是就是阳了"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["query"] == "抗原两道杠是不是就是阳了"
    first = body["results"][0]
    assert set(first) == {"id", "title", "score", "category", "current", "matched", "url"}
    assert first["id"] == "antigen-read"
    assert first["title"] == "如何判读抗原检测结果"
    assert first["category"] == "antigen"
    assert first["current"] is True
    assert first["matched"] and all(isinstance(word, str) for word in first["matched"])
    assert first["url"] == "/kb/antigen-read/"
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert len(body["results"]) <= 5


def test_it_keeps_to_top(api, world, sample_items):
    body = api.get(world.agent, "/api/kb/search", {"q": "居家隔离治疗", "top": 1}).json()
    assert len(body["results"]) == 1


def test_history_ranks_superseded_items_below_current_ones(api, world, sample_items):
    current = api.get(world.agent, "/api/kb/search", {"q": "隔离"}).json()["results"]
    assert "quarantine-2022-11" not in [hit["id"] for hit in current]
    results = api.get(world.agent, "/api/kb/search", {"q": "隔离", "history": "true"}).json()["results"]
    ids = [hit["id"] for hit in results]
    assert ids.index("quarantine-2022-12") < ids.index("quarantine-2022-11")
    assert next(hit for hit in results if hit["id"] == "quarantine-2022-11")["current"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * (SEARCH_PARAM_MAX + 1)}, "q"),
        ({"q": "抗原\x00"}, "q"),
        ({"q": "抗原", "top": 0}, "top"),
        ({"q": "抗原", "top": 51}, "top"),
        ({"q": "抗原", "top": "many"}, "top"),
        ({"q": "抗原", "history": "maybe"}, "history"),
    ],
)
def test_it_refuses_a_bad_search(api, world, sample_items, params, field):
    response = api.get(world.agent, "/api/kb/search", params)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}


# --- reading -----------------------------------------------------------------------------------------


def test_it_lists_items_a_page_at_a_time(api, world, sample_items):
    response = api.get(world.agent, "/api/kb/items", {"category": "quarantine"})
    assert response.status_code == 200, response.content
    body = response.json()
    # The draft is for editors only.
    assert [row["id"] for row in body["items"]] == ["quarantine-2022-11", "quarantine-2022-12"]
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    row = body["items"][1]
    assert row == {
        "id": "quarantine-2022-12",
        "title": "感染者居家隔离的规定",
        "category": "quarantine",
        "status": "published",
        "audience": "public",
        "effective_from": "2022-12-07",
        "effective_until": None,
        "supersedes": "quarantine-2022-11",
        "version": 1,
        "use_count": 0,
    }
    assert api.get(world.agent, "/api/kb/items", {"page": 2}).json()["items"] == []


def test_editors_list_drafts_and_filter_by_status(api, world, sample_items):
    body = api.get(world.command, "/api/kb/items", {"status": "draft"}).json()
    assert [row["id"] for row in body["items"]] == ["draft-item"]
    assert api.get(world.agent, "/api/kb/items", {"status": "draft"}).json()["count"] == 0
    assert api.get(world.agent, "/api/kb/items").json()["count"] == len(SAMPLE) - 1


def test_a_list_page_costs_two_queries(api, world, sample_items, django_assert_num_queries):
    api.headers(world.agent)
    # The token lookup and its last-used stamp, the count, the page.
    with django_assert_num_queries(4):
        assert api.get(world.agent, "/api/kb/items").status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "astrology"}, "category"),
        ({"status": "lost"}, "status"),
        ({"category": "home care"}, "category"),
        ({"page": 0}, "page"),
    ],
)
def test_it_refuses_a_bad_list_filter(api, world, sample_items, params, field):
    response = api.get(world.agent, "/api/kb/items", params)
    assert response.status_code == 422
    assert fields(response) == {field}


def test_it_answers_an_item_in_the_file_contract(api, world, sample_items):
    response = api.get(world.volunteer_a, "/api/kb/items/quarantine-2022-11")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "id": "quarantine-2022-11",
        "title": "感染者集中隔离和密切接触者5+3管理",
        "body": "感染者实行集中隔离，密切接触者实行5天集中隔离加3天居家隔离。",
        "category": "quarantine",
        "tags": ["隔离"],
        "source": {"issuer": "国家卫生健康委", "document": "测试用指南", "url": ""},
        "effective_from": "2022-11-11",
        "effective_until": "2022-12-06",
        "audience": "public",
        "status": "published",
        "version": 1,
        "use_count": 0,
        "superseded_by": ["quarantine-2022-12"],
    }
    newer = api.get(world.volunteer_a, "/api/kb/items/quarantine-2022-12").json()
    assert newer["supersedes"] == "quarantine-2022-11"
    assert "effective_until" not in newer and newer["superseded_by"] == []


def test_it_answers_404_for_an_unknown_item(api, world, sample_items):
    response = api.get(world.agent, "/api/kb/items/no-such-item")
    assert response.status_code == 404
    assert fields(response) == {"id"}
    assert api.get(world.agent, "/api/kb/items/no-such-item/versions").status_code == 404


# --- editing -----------------------------------------------------------------------------------------


def test_an_editor_creates_then_edits_an_item_keeping_its_history(api, world, sample_items):
    response = api.put(world.command, "/api/kb/items/mask-advice", {**new_item(), "version": None})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["id"] == "mask-advice" and created["version"] == 1
    assert created["tags"] == [] and created["superseded_by"] == []

    edit = {**new_item(), "title": "口罩佩戴建议（修订）", "version": 1, "note": "补充场所"}
    del edit["id"]  # the path names the item
    response = api.put(world.command, "/api/kb/items/mask-advice", edit)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["title"] == "口罩佩戴建议（修订）"
    assert api.get(world.agent, "/api/kb/items/mask-advice").json() == response.json()

    versions = api.get(world.agent, "/api/kb/items/mask-advice/versions").json()
    assert [(v["number"], v["title"], v["note"]) for v in versions] == [
        (2, "口罩佩戴建议（修订）", "补充场所"),
        (1, "口罩佩戴建议", ""),
    ]
    assert {v["saved_by"] for v in versions} == {"指挥部"}
    assert all(v["status"] == "published" and v["saved_at"] for v in versions)


def test_a_new_item_may_leave_the_version_out(api, world, sample_items):
    response = api.put(world.admin, "/api/kb/items/mask-advice", new_item())
    assert response.status_code == 201, response.content
    assert Item.objects.get(code="mask-advice").updated_by == world.admin


def test_it_accepts_what_a_file_accepts(api, world, sample_items):
    body = new_item(tags="口罩，防护", category="居家治疗", effective_from="2023年1月8日")
    response = api.put(world.command, "/api/kb/items/mask-advice", body)
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["口罩", "防护"]
    assert response.json()["category"] == "home_care"
    assert response.json()["effective_from"] == "2023-01-08"


def test_a_stale_version_is_refused(api, world, sample_items):
    edit = {**sample("home-care"), "title": "改过的标题", "version": 1}
    assert api.put(world.command, "/api/kb/items/home-care", edit).status_code == 200
    before = stored()
    response = api.put(world.admin, "/api/kb/items/home-care", {**edit, "title": "另一个标题"})
    assert response.status_code == 409
    assert fields(response) == {"version"}
    assert stored() == before


def test_an_edit_without_a_version_is_refused(api, world, sample_items):
    before = stored()
    response = api.put(world.command, "/api/kb/items/home-care", {**sample("home-care"), "title": "盲改"})
    assert response.status_code == 409
    assert fields(response) == {"version"}
    assert stored() == before


def test_a_version_for_an_item_that_does_not_exist_is_refused(api, world, sample_items):
    response = api.put(world.command, "/api/kb/items/mask-advice", {**new_item(), "version": 3})
    assert response.status_code == 409
    assert not Item.objects.filter(code="mask-advice").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "正文\x00"}, "body"),
        ({"category": "astrology"}, "category"),
        ({"effective_from": "2023-02-30"}, "effective_from"),
        ({"effective_until": "2000-01-01"}, "effective_until"),
        ({"source": {"url": "http://example.cn"}}, "source"),
        ({"source": {"issuer": "卫健委", "url": "javascript:alert(1)"}}, "source.url"),
        ({"supersedes": "no-such-item"}, "supersedes"),
        ({"supersedes": "home-care"}, "supersedes"),
        ({"audience": "everyone"}, "audience"),
        ({"status": "gone"}, "status"),
        ({"tags": 5}, "tags"),
        ({"id": "other-item"}, "id"),
        ({"colour": "red"}, "colour"),
        ({"version": "1"}, "version"),
        ({"version": True}, "version"),
        ({"version": 0}, "version"),
        ({"note": "x" * 201}, "note"),
    ],
)
def test_invalid_fields_are_refused_naming_the_field(api, world, sample_items, change, field):
    before = stored()
    body = {**sample("home-care"), "version": 1, **change}
    response = api.put(world.command, "/api/kb/items/home-care", body)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}
    assert stored() == before


def test_a_body_that_is_not_an_object_is_refused(api, world, sample_items):
    response = api.client.put(
        "/api/kb/items/home-care", "[]", content_type="application/json", headers=api.headers(world.command)
    )
    assert response.status_code == 400
    assert fields(response) == {"body"}


def test_a_bad_id_in_the_path_is_refused(api, world, sample_items):
    response = api.put(world.command, "/api/kb/items/bad%20id", {**new_item(), "id": None})
    assert response.status_code == 422
    assert fields(response) == {"code"}  # the path parameter, as the OpenAPI document names it


# --- import ------------------------------------------------------------------------------------------


def test_an_import_creates_updates_and_leaves_alone(api, world, sample_items):
    items = [new_item(), {**sample("home-care"), "title": "居家治疗要点（更新）"}, sample("oximeter")]
    response = api.post(world.command, "/api/kb/import", {"items": items, "note": "第二批"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "errors": [],
        "categories_created": [],
    }
    home_care = Item.objects.get(code="home-care")
    assert home_care.version == 2
    assert home_care.versions.get(number=2).note == "第二批"


def test_an_import_with_bad_items_writes_nothing_and_names_every_one(api, world, sample_items):
    before = stored()
    items = [
        new_item(),
        {**new_item("bad-one"), "category": "astrology"},
        sample("oximeter"),
        "not an item",
        {**new_item("bad-two"), "supersedes": "no-such-item"},
        new_item(),
    ]
    response = api.post(world.command, "/api/kb/import", {"items": items})
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert [(e["line"], e["field"]) for e in errors] == [(2, "category"), (4, None), (6, "id")]
    assert all(set(e) == {"line", "field", "reason"} and e["reason"] for e in errors)
    assert stored() == before


def test_an_import_checks_what_items_replace_once_the_rows_are_good(api, world, sample_items):
    items = [new_item(), {**new_item("bad-two"), "supersedes": "no-such-item"}]
    response = api.post(world.command, "/api/kb/import", {"items": items})
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json()["detail"]] == [(2, "supersedes")]
    assert not Item.objects.filter(code="mask-advice").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": {"id": "x"}}, "items"),
        ({"items": [new_item()] * 1001}, "items"),
        ({"items": [], "colour": "red"}, "colour"),
    ],
)
def test_an_import_body_of_the_wrong_shape_is_refused(api, world, body, field):
    response = api.post(world.command, "/api/kb/import", body)
    assert response.status_code == 422, response.content
    assert fields(response) == {field}
    assert not Item.objects.exists()


# --- schema ------------------------------------------------------------------------------------------


def test_the_schema_documents_the_knowledge_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    for path, method in [
        ("/api/kb/search", "get"),
        ("/api/kb/items", "get"),
        ("/api/kb/items/{code}", "get"),
        ("/api/kb/items/{code}", "put"),
        ("/api/kb/items/{code}/versions", "get"),
        ("/api/kb/import", "post"),
    ]:
        assert paths[path][method]["security"] == [{"TokenAuth": []}], path
    put = paths["/api/kb/items/{code}"]["put"]
    reference = put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"title", "body", "category", "source", "effective_from", "version"} <= set(schema["properties"])
    assert {"409", "422"} <= set(put["responses"])
