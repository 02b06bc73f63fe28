"""Categories as rows: seeded, managed by the command centre, and a file's own categories on import."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from anxin.cli import main
from anxin.core.errors import Conflict, Forbidden, InvalidInput
from anxin.knowledge.categories import (
    CategoryInput,
    category_create,
    category_update,
    check_category_map,
    parse_category,
    parse_map_lines,
    resolve_categories,
)
from anxin.knowledge.formats import FileUnreadable, read_category_map
from anxin.knowledge.models import Category, Item, category_label
from anxin.knowledge.selectors import item_search
from anxin.knowledge.services import ImportRejected, items_import
from tests.knowledge.samples import item, sample_rows
from tests.knowledge.test_command import write_jsonl

pytestmark = pytest.mark.django_db

# The blind base's own headings, as a county would bring them.
COUNTY = [
    item("c1", "医保报销怎么办", "门诊费用按医保目录报销。", category="insurance"),
    item("c2", "外出务工返乡", "返乡前查看当地政策。", category="travel_work"),
    item("c3", "去哪里看病", "先到社区卫生服务中心。", category="care_navigation"),
    item("c4", "异地就医备案", "线上办理备案。", category="insurance"),
]


def test_the_sixteen_categories_are_seeded_in_their_order():
    codes = list(Category.objects.values_list("code", flat=True))
    assert len(codes) == 16 and codes[0] == "home_care" and codes[-1] == "hotline"
    assert category_label("fever_clinic") == "发热门诊"
    with translation.override("en"):
        assert category_label("fever_clinic") == "Fever clinic"
    assert category_label("no_such") == "no_such"


def test_an_unknown_category_is_a_row_error_naming_the_code_and_nothing_is_written():
    with pytest.raises(ImportRejected) as caught:
        items_import(rows=sample_rows(COUNTY))
    errors = [(e.line, e.field, e.reason) for e in caught.value.report.errors]
    assert errors == [
        (1, "category", "未知分类：insurance"),
        (2, "category", "未知分类：travel_work"),
        (3, "category", "未知分类：care_navigation"),
        (4, "category", "未知分类：insurance"),
    ]
    assert not Item.objects.exists() and Category.objects.count() == 16


def test_create_categories_makes_the_files_own_and_files_the_items_under_them(world):
    report = items_import(rows=sample_rows(COUNTY), by=world.command, create_categories=True)
    assert report.created == 4
    assert report.as_dict()["categories_created"] == ["insurance", "travel_work", "care_navigation"]
    insurance = Category.objects.get(code="insurance")
    assert insurance.label_zh == "insurance" and insurance.order > Category.objects.get(code="hotline").order
    assert insurance.updated_by == world.command
    assert Item.objects.get(code="c4").category == "insurance"
    again = items_import(rows=sample_rows(COUNTY), create_categories=True)
    assert again.unchanged == 4 and again.categories_created == []


def test_a_chinese_heading_gets_a_pinyin_code_and_keeps_its_label():
    rows = [
        item("h1", "医保", "正文", category="医保报销"),
        item("h2", "医保二", "正文", category="医保报销"),
    ]
    report = items_import(rows=sample_rows(rows), create_categories=True)
    assert report.categories_created == ["yi_bao_bao_xiao"]
    assert Category.objects.get(code="yi_bao_bao_xiao").label_zh == "医保报销"
    assert set(Item.objects.values_list("category", flat=True)) == {"yi_bao_bao_xiao"}


def test_a_map_files_them_under_existing_categories_by_code_or_label():
    mapping = check_category_map(
        {"insurance": "hotline", "travel_work": "隔离与防控政策", "care_navigation": "seek_care"}
    )
    report = items_import(rows=sample_rows(COUNTY), category_map=mapping)
    assert report.created == 4 and report.categories_created is None
    assert dict(Item.objects.values_list("code", "category")) == {
        "c1": "hotline",
        "c2": "quarantine",
        "c3": "seek_care",
        "c4": "hotline",
    }
    assert Category.objects.count() == 16


def test_a_map_and_create_together_map_what_is_mapped_and_create_the_rest():
    report = items_import(
        rows=sample_rows(COUNTY),
        create_categories=True,
        category_map=check_category_map({"insurance": "hotline"}),
    )
    assert report.categories_created == ["travel_work", "care_navigation"]
    assert Item.objects.get(code="c1").category == "hotline"


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"insurance": "astrology"}, "没有这个分类"),
        ({"insurance": 3}, "每项须是"),
        ({" ": "hotline"}, "每项须是"),
    ],
)
def test_a_map_naming_what_the_base_lacks_is_refused_naming_the_entry(mapping, reason):
    with pytest.raises(InvalidInput) as caught:
        check_category_map(mapping)
    assert caught.value.field.startswith("category-map") and reason in caught.value.reason


def test_labels_full_width_and_case_resolve_to_the_code():
    resolution = resolve_categories(["居家治疗", "Fever Clinic", "ＨＯＭＥ_ＣＡＲＥ", " medicines "])
    assert resolution.codes == {
        "居家治疗": "home_care",
        "Fever Clinic": "fever_clinic",
        "ＨＯＭＥ_ＣＡＲＥ": "home_care",
        " medicines ": "medicines",
    }
    assert not resolution.errors and not resolution.created


def test_a_label_spelt_like_another_categorys_code_does_not_shadow_it(world):
    category_create(
        code="zz_last", data=CategoryInput(label_zh="某类", label_en="home_care"), by=world.command
    )
    assert resolve_categories(["home_care"]).codes == {"home_care": "home_care"}
    assert resolve_categories(["某类"]).codes == {"某类": "zz_last"}


def test_a_heading_too_long_for_a_label_is_a_row_error_not_a_cut_label():
    heading = "关于" + "封控期间生活物资保障" * 4
    resolution = resolve_categories([heading, "医保报销"], create=True)
    assert heading in resolution.errors and "过长" in resolution.errors[heading]
    assert [c.label_zh for c in resolution.created] == ["医保报销"]


def test_a_label_taken_between_the_check_and_the_write_is_a_conflict(world, monkeypatch):
    """Two requests creating the same label at once: the database's unique label decides, a 409 not a 500."""
    from anxin.knowledge import categories

    monkeypatch.setattr(categories, "_check_label_free", lambda label_zh, *, code: None)
    with pytest.raises(Conflict) as caught:
        category_create(code="other", data=CategoryInput(label_zh="居家治疗"), by=world.command)
    assert caught.value.field == "label_zh"
    assert not Category.objects.filter(code="other").exists()


def test_a_retired_category_takes_no_new_items_but_keeps_its_own(world, sample_items):
    category_update(code="home_care", data=CategoryInput(label_zh="居家治疗", retired=True), by=world.command)
    assert Item.objects.filter(category="home_care").exists()
    resolution = resolve_categories(["home_care"])
    assert resolution.errors == {"home_care": "分类已停用：home_care"}
    with pytest.raises(ImportRejected):
        items_import(rows=sample_rows([item("new-one", "新条目", "正文", category="home_care")]))
    with pytest.raises(InvalidInput):
        check_category_map({"x": "home_care"})


def test_the_command_centre_creates_relabels_and_the_search_follows_the_new_label(world, sample_items):
    category_create(
        code="insurance", data=CategoryInput(label_zh="医保报销", label_en="Insurance"), by=world.command
    )
    assert Category.objects.get(code="insurance").order == 170
    with pytest.raises(Conflict):
        category_create(code="insurance", data=CategoryInput(label_zh="别的"), by=world.command)
    with pytest.raises(Conflict):
        category_create(code="other", data=CategoryInput(label_zh="医保报销"), by=world.command)
    with pytest.raises(Forbidden):
        category_create(code="x", data=CategoryInput(label_zh="某类"), by=world.agent)
    assert "home-care" not in [hit.item.code for hit in item_search("鹊桥专区", top=3)]
    category_update(code="home_care", data=CategoryInput(label_zh="鹊桥专区"), by=world.command)
    assert category_label("home_care") == "鹊桥专区"
    assert "home-care" in [hit.item.code for hit in item_search("鹊桥专区", top=3)]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label_zh": ""}, "label_zh"),
        ({"label_zh": "x" * 41}, "label_zh"),
        ({"label_zh": "某类", "order": "first"}, "order"),
        ({"label_zh": "某类", "order": "-3"}, "order"),
        ({"label_zh": "某类", "label_en": "a\x00b"}, "label_en"),
    ],
)
def test_bad_category_fields_are_named(data, field):
    with pytest.raises(InvalidInput) as caught:
        parse_category(data)
    assert caught.value.field == field


def test_the_page_map_reads_one_pair_per_line():
    assert parse_map_lines(
        "insurance = hotline\ntravel_work → quarantine\n\ncare_navigation,seek_care\na => b"
    ) == {
        "insurance": "hotline",
        "travel_work": "quarantine",
        "care_navigation": "seek_care",
        "a": "b",
    }
    with pytest.raises(InvalidInput):
        parse_map_lines("insurance")


# --- the map file and the command line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("map.toml", 'insurance = "hotline"\ntravel_work = "quarantine"\ncare_navigation = "seek_care"\n'),
        ("map.json", '{"insurance": "hotline", "travel_work": "quarantine", "care_navigation": "seek_care"}'),
        (
            "map.csv",
            "文件分类,已有分类\ninsurance,hotline\ntravel_work,quarantine\ncare_navigation,seek_care\n",
        ),
    ],
)
def test_kb_import_with_a_category_map_in_any_of_its_formats(tmp_path, capsys, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    items = write_jsonl(tmp_path / "items.jsonl", COUNTY)
    assert main(["kb", "import", items, "--category-map", str(tmp_path / name)]) == 0
    assert json.loads(capsys.readouterr().out) == {"created": 4, "updated": 0, "unchanged": 0, "errors": []}
    assert Item.objects.get(code="c2").category == "quarantine"


def test_kb_import_create_categories_reports_them(tmp_path, capsys):
    assert main(["kb", "import", write_jsonl(tmp_path / "items.jsonl", COUNTY), "--create-categories"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["categories_created"] == ["insurance", "travel_work", "care_navigation"]


def test_kb_import_without_either_exits_1_naming_the_codes(tmp_path, capsys):
    assert main(["kb", "import", write_jsonl(tmp_path / "items.jsonl", COUNTY)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"created", "updated", "unchanged", "errors"}
    assert report["errors"][0] == {"line": 1, "field": "category", "reason": "未知分类：insurance"}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("map.toml", 'insurance = "astrology"\n', "没有这个分类"),
        ("map.toml", "insurance = \n", "无法解析"),
        ("map.json", "[1, 2]", "须是"),
        ("map.csv", "a,b,c\n", "两列"),
        ("map.yaml", "a: b\n", ".toml"),
        ("missing.toml", None, "无法读取"),
    ],
)
def test_a_bad_map_exits_2_with_the_reason_and_writes_nothing(tmp_path, capsys, name, content, says):
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    items = write_jsonl(tmp_path / "items.jsonl", COUNTY)
    assert main(["kb", "import", items, "--category-map", str(tmp_path / name)]) == 2
    assert says in capsys.readouterr().err
    assert not Item.objects.exists()


def test_a_binary_map_is_unreadable(tmp_path):
    (tmp_path / "map.json").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(FileUnreadable):
        read_category_map(tmp_path / "map.json")


# --- pages ---------------------------------------------------------------------------------------------


def test_the_categories_page_is_the_command_centres(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("knowledge:categories")).status_code == 403
    client.force_login(world.command)
    page = client.get(reverse("knowledge:categories")).content.decode()
    assert "发热门诊" in page and "抗原与核酸检测" in page


def test_creating_and_retiring_on_the_page(client, world):
    client.force_login(world.command)
    response = client.post(
        reverse("knowledge:categories"),
        {"code": "insurance", "label_zh": "医保报销", "label_en": "", "order": ""},
    )
    assert response.status_code == 302
    assert Category.objects.get(code="insurance").label_zh == "医保报销"
    response = client.post(
        reverse("knowledge:category", args=["insurance"]),
        {"label_zh": "医保与报销", "label_en": "Insurance", "order": "5", "retired": "on"},
    )
    assert response.status_code == 302
    insurance = Category.objects.get(code="insurance")
    assert (insurance.label_zh, insurance.order, insurance.retired) == ("医保与报销", 5, True)


def test_a_refused_category_form_says_why_and_changes_nothing(client, world):
    client.force_login(world.command)
    response = client.post(reverse("knowledge:categories"), {"code": "bad code!", "label_zh": "某类"})
    assert response.status_code == 422
    assert (
        "分类编号只能包含" in response.content.decode() and 'value="bad code!"' in response.content.decode()
    )
    response = client.post(reverse("knowledge:category", args=["home_care"]), {"label_zh": "发热门诊"})
    assert response.status_code == 409 and "已有同名分类" in response.content.decode()
    assert Category.objects.get(code="home_care").label_zh == "居家治疗"
    assert client.post(reverse("knowledge:category", args=["nope"]), {"label_zh": "x"}).status_code == 404


def test_the_import_page_creates_or_maps_the_files_categories(client, world):
    from tests.knowledge.test_views import jsonl, upload

    client.force_login(world.command)
    url = reverse("knowledge:import")
    refused = client.post(url, {"file": upload("county.jsonl", jsonl(*COUNTY))})
    assert refused.status_code == 422 and "未知分类：travel_work" in refused.content.decode()
    bad_map = client.post(
        url, {"file": upload("county.jsonl", jsonl(*COUNTY)), "category_map": "insurance = 星座"}
    )
    assert bad_map.status_code == 422 and "没有这个分类" in bad_map.content.decode()
    assert not Item.objects.exists()
    done = client.post(
        url,
        {
            "file": upload("county.jsonl", jsonl(*COUNTY)),
            "create_categories": "on",
            "category_map": "insurance = 热线与办事指引",
        },
    )
    assert done.status_code == 200, done.content.decode()
    assert "travel_work、care_navigation" in done.content.decode()
    assert Item.objects.get(code="c1").category == "hotline"


def test_seeding_adds_only_what_is_missing_and_keeps_a_countys_labels(world):
    from anxin.knowledge.categories import seed_categories

    category_update(code="home_care", data=CategoryInput(label_zh="居家康养"), by=world.command)
    Category.objects.filter(code="hotline").delete()
    assert seed_categories() == 1 and seed_categories() == 0
    assert Category.objects.get(code="home_care").label_zh == "居家康养"
    assert Category.objects.count() == 16
