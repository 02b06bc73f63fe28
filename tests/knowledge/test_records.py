"""One item's fields as any file carries them: accepted forms and the reasons for refusing the rest."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from anxin.core.errors import InvalidInput
from anxin.knowledge.records import parse_record, record_to_dict
from tests.knowledge.samples import item

GOOD = item("home-care", "居家治疗要点", "多饮水，注意休息。", tags=["居家治疗"])


def test_it_reads_a_complete_record():
    record = parse_record({**GOOD, "effective_until": "2023-01-07", "supersedes": "old-item"})
    assert record.code == "home-care"
    assert record.effective_from == date(2022, 12, 7)
    assert record.effective_until == date(2023, 1, 7)
    assert record.supersedes == "old-item"
    assert record.status == "published" and record.audience == "public"


def test_it_round_trips_through_the_file_form():
    record = parse_record({**GOOD, "effective_until": "2023-01-07"})
    assert parse_record(record_to_dict(record)) == record


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-12-07", date(2022, 12, 7)),
        ("2022/12/7", date(2022, 12, 7)),
        ("2022年12月7日", date(2022, 12, 7)),
        ("２０２２－１２－０７", date(2022, 12, 7)),
        (date(2022, 12, 7), date(2022, 12, 7)),
        (datetime(2022, 12, 7, 0, 0), date(2022, 12, 7)),
    ],
)
def test_it_accepts_the_date_forms_people_type(value, expected):
    assert parse_record({**GOOD, "effective_from": value}).effective_from == expected


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "有空格 的编号"}, "id"),
        ({"id": ""}, "id"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "正文\x00二进制"}, "body"),
        ({"category": ""}, "category"),
        ({"category": "x" * 41}, "category"),
        ({"effective_from": "2022-02-30"}, "effective_from"),
        ({"effective_from": "next week"}, "effective_from"),
        ({"effective_until": "2022-01-01"}, "effective_until"),
        ({"source": {}}, "source"),
        ({"source": {"issuer": "卫健委", "url": "javascript:alert(1)"}}, "source.url"),
        ({"source": {"issuer": "卫健委", "publisher": "x"}}, "source.publisher"),
        ({"supersedes": "home-care"}, "supersedes"),
        ({"tags": {"a": 1}}, "tags"),
        ({"status": "archived"}, "status"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_names_the_field_it_refuses(change, field):
    with pytest.raises(InvalidInput) as caught:
        parse_record({**GOOD, **change})
    assert caught.value.field == field
    assert caught.value.reason


def test_it_accepts_chinese_labels_for_codes():
    record = parse_record({**GOOD, "category": "用药指导", "audience": "仅供坐席", "status": "草稿"})
    # The category is data: the import resolves its label against the base (knowledge.categories).
    assert (record.category, record.audience, record.status) == ("用药指导", "agents", "draft")


def test_it_splits_tags_written_as_one_cell_and_keeps_numbers_as_tags():
    assert parse_record({**GOOD, "tags": "居家治疗、轻症，无症状"}).tags == ("居家治疗", "轻症", "无症状")
    assert parse_record({**GOOD, "tags": [12315, "价格"]}).tags == ("12315", "价格")


def test_a_source_given_as_text_is_the_document_name():
    assert parse_record({**GOOD, "source": "新冠病毒感染者居家治疗指南"}).source.document == (
        "新冠病毒感染者居家治疗指南"
    )
