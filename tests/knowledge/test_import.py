"""Import: create and update by id, versions kept, all or nothing, supersedes checked."""

from __future__ import annotations

import pytest

from anxin.core.errors import Conflict, Forbidden
from anxin.knowledge.models import Item, ItemVersion, Term
from anxin.knowledge.records import parse_record
from anxin.knowledge.services import ImportRejected, item_as_record, item_save, items_import
from tests.knowledge.samples import SAMPLE, item, sample_rows


def test_it_creates_every_item_with_a_first_version(sample_items):
    assert sample_items.created == len(SAMPLE)
    assert Item.objects.count() == len(SAMPLE)
    assert ItemVersion.objects.filter(number=1).count() == len(SAMPLE)
    assert Item.objects.get(code="quarantine-2022-12").supersedes.code == "quarantine-2022-11"
    assert Term.objects.filter(term="concepthomecare").exists()


def test_reimporting_the_same_file_changes_nothing(sample_items):
    report = items_import(rows=sample_rows())
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(SAMPLE))
    assert ItemVersion.objects.count() == len(SAMPLE)


def test_reimporting_an_edited_item_keeps_the_old_version(sample_items):
    edited = [dict(data) for data in SAMPLE]
    edited[0]["body"] = "新的正文：居家治疗期间每天测体温。"
    report = items_import(rows=sample_rows(edited))
    assert report.updated == 1
    home = Item.objects.get(code="home-care")
    assert home.version == 2 and home.body.startswith("新的正文")
    versions = list(home.versions.order_by("number").values_list("number", "body"))
    assert versions[0] == (1, SAMPLE[0]["body"]) and versions[1][0] == 2
    assert "每天" in home.search_body


def test_one_bad_row_writes_nothing_and_every_bad_row_is_reported(db):
    rows = sample_rows(
        [
            item("good", "好条目", "正文"),
            item("bad date", "标题", "正文"),
            item("good-2", "另一条", "正文", effective_from="2022-13-01"),
            item("good", "重复的编号", "正文"),
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        items_import(rows=rows)
    errors = [(e.line, e.field) for e in caught.value.report.errors]
    assert errors == [(2, "id"), (3, "effective_from"), (4, "id")]
    assert Item.objects.count() == 0 and Term.objects.count() == 0


def test_supersedes_must_name_an_item_and_must_not_go_round(sample_items):
    with pytest.raises(ImportRejected) as caught:
        items_import(rows=sample_rows([item("new", "新规定", "正文", supersedes="nowhere")]))
    assert caught.value.report.errors[0].field == "supersedes"
    loop = [item("x", "甲", "正文", supersedes="y"), item("y", "乙", "正文", supersedes="x")]
    with pytest.raises(ImportRejected):
        items_import(rows=sample_rows(loop))
    assert not Item.objects.filter(code__in=["new", "x", "y"]).exists()


def test_an_edit_names_the_version_it_started_from(sample_items, world):
    home = Item.objects.get(code="home-care")
    record = item_as_record(home)
    revised = parse_record({**SAMPLE[0], "title": "居家治疗要点（修订）"})
    saved = item_save(record=revised, by=world.command, expected_version=1)
    assert saved.version == 2 and saved.updated_by == world.command
    with pytest.raises(Conflict):
        item_save(record=record, by=world.command, expected_version=1)
    with pytest.raises(Forbidden):
        item_save(record=record, by=world.agent, expected_version=2)


def test_the_index_term_counts_follow_edits(sample_items):
    assert Term.objects.get(term="conceptoxygen").df >= 1
    before = Term.objects.get(term="conceptoxygen").df
    edited = [dict(data) for data in SAMPLE]
    oximeter = next(d for d in edited if d["id"] == "oximeter")
    oximeter.update(title="测量仪器的使用方法", body="静息状态下读数。", tags=[])
    items_import(rows=sample_rows(edited))
    after = dict(Term.objects.values_list("term", "df")).get("conceptoxygen", 0)
    assert after == before - 1
