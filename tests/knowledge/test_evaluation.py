"""The shipped knowledge base against the labelled colloquial queries (data/knowledge): the data is sound and
the search answers at least 85 % of them within its first three results (figures in docs/knowledge.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from anxin.knowledge import index
from anxin.knowledge.evaluate import evaluate, read_queries
from anxin.knowledge.formats import read_items
from anxin.knowledge.models import Item
from anxin.knowledge.selectors import item_search_codes
from anxin.knowledge.services import items_import

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "src" / "anxin" / "knowledge" / "content"
QUERIES = ROOT / "data" / "knowledge" / "queries.jsonl"
HOLDOUT = ROOT / "data" / "knowledge" / "holdout.jsonl"
KINDS = {"slang", "typo", "traditional", "story", "short", "plain"}
HAN = re.compile(r"^[\u4e00-\u9fff]{2}$")


@pytest.fixture
def shipped_base(db):
    items_import(rows=read_items(CONTENT))


def test_the_query_sets_are_sound():
    queries = read_queries(QUERIES) + read_queries(HOLDOUT)
    assert len(read_queries(QUERIES)) >= 200
    assert len({q.qid for q in queries}) == len(queries)
    assert {q.kind for q in queries} == KINDS
    assert all(HAN.match(q.query) for q in queries if q.kind == "short")


def test_the_content_is_enough_and_every_item_cites_its_source(shipped_base):
    published = Item.objects.filter(status="published")
    assert published.count() >= 100
    assert not published.filter(source_issuer="", source_document="").exists()


def test_every_answer_is_a_current_item(shipped_base):
    today = timezone.localdate()
    replaced = index.superseded(Item.objects.values_list("pk", flat=True), today)
    current = {
        item.code
        for item in Item.objects.all()
        if index.current_filter_matches(item, today) and item.pk not in replaced
    }
    for labelled in read_queries(QUERIES) + read_queries(HOLDOUT):
        assert labelled.history or labelled.answers[0] in current, labelled.qid
        assert set(labelled.answers) <= set(Item.objects.values_list("code", flat=True)), labelled.qid


def test_recall_at_3_on_the_colloquial_queries_is_at_least_085(shipped_base):
    result = evaluate(read_queries(QUERIES), item_search_codes)
    assert result.overall.recall(3) >= 0.85, result.as_dict()
