"""/api/kb/categories and the import's own categories over the API."""

from __future__ import annotations

import pytest

from anxin.knowledge.models import Category, Item
from tests.knowledge.samples import item

pytestmark = pytest.mark.django_db

COUNTY = [
    item("c1", "医保报销怎么办", "门诊费用按医保目录报销。", category="insurance"),
    item("c2", "去哪里看病", "先到社区卫生服务中心。", category="care_navigation"),
]


def test_readers_list_the_categories_with_their_item_counts(api, world, sample_items):
    response = api.get(world.volunteer_a, "/api/kb/categories")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 16 and rows[0]["code"] == "home_care"
    assert set(rows[0]) == {"code", "label_zh", "label_en", "order", "retired", "items"}
    assert rows[0]["items"] == Item.objects.filter(category="home_care").count() > 0


def test_the_command_centre_creates_and_edits_a_category(api, world):
    created = api.post(world.command, "/api/kb/categories", {"code": "insurance", "label_zh": "医保报销"})
    assert created.status_code == 201, created.content
    assert created.json()["order"] == 170 and created.json()["items"] == 0
    again = api.post(world.command, "/api/kb/categories", {"code": "insurance", "label_zh": "医保"})
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "code"
    edited = api.put(
        world.command,
        "/api/kb/categories/insurance",
        {"label_zh": "医保", "label_en": "Insurance", "retired": True},
    )
    assert edited.status_code == 200 and edited.json()["retired"] is True and edited.json()["order"] == 170
    assert Category.objects.get(code="insurance").label_en == "Insurance"


@pytest.mark.parametrize(
    ("user", "method", "path", "body", "status"),
    [
        ("agent", "post", "/api/kb/categories", {"code": "x", "label_zh": "某类"}, 403),
        ("command", "post", "/api/kb/categories", {"code": "bad code", "label_zh": "某类"}, 422),
        ("command", "post", "/api/kb/categories", {"code": "x", "label_zh": "   "}, 422),
        ("command", "post", "/api/kb/categories", {"code": "x", "label_zh": "某类", "order": "1"}, 422),
        ("command", "post", "/api/kb/categories", {"code": "x", "label_zh": "某类", "colour": "red"}, 422),
        ("command", "put", "/api/kb/categories/nope", {"label_zh": "某类"}, 404),
        ("command", "put", "/api/kb/categories/home_care", {"label_zh": "发热门诊"}, 409),
        ("command", "put", "/api/kb/categories/home_care", {"label_zh": "居家", "retired": "yes"}, 422),
    ],
)
def test_bad_category_writes_are_refused_and_change_nothing(api, world, user, method, path, body, status):
    before = list(Category.objects.values_list("code", "label_zh", "order", "retired"))
    response = getattr(api, method)(getattr(world, user), path, body)
    assert response.status_code == status, response.content
    assert list(Category.objects.values_list("code", "label_zh", "order", "retired")) == before


def test_an_api_import_creates_or_maps_the_items_own_categories(api, world):
    refused = api.post(world.command, "/api/kb/import", {"items": COUNTY})
    assert refused.status_code == 422
    assert [e["reason"] for e in refused.json()["detail"]] == [
        "未知分类：insurance",
        "未知分类：care_navigation",
    ]
    bad_map = api.post(
        world.command, "/api/kb/import", {"items": COUNTY, "category_map": {"insurance": "星座"}}
    )
    assert bad_map.status_code == 422 and bad_map.json()["detail"][0]["field"] == "category-map: insurance"
    done = api.post(
        world.command,
        "/api/kb/import",
        {"items": COUNTY, "create_categories": True, "category_map": {"care_navigation": "seek_care"}},
    )
    assert done.status_code == 200, done.content
    assert done.json()["categories_created"] == ["insurance"]
    assert Item.objects.get(code="c2").category == "seek_care"


def test_the_item_list_filters_by_a_category_the_base_has(api, world, sample_items):
    assert api.get(world.agent, "/api/kb/items", {"category": "home_care"}).status_code == 200
    unknown = api.get(world.agent, "/api/kb/items", {"category": "astrology"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "category"
