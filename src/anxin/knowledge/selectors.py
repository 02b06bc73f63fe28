"""Reads of the knowledge base: search, one item, lists, history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from anxin.accounts.models import User
from anxin.core.errors import Forbidden, InvalidInput, NotFound
from anxin.core.i18n import gettext
from anxin.core.text import clean_text
from anxin.knowledge import dense, index
from anxin.knowledge.choices import Audience
from anxin.knowledge.models import Item, ItemVersion
from anxin.knowledge.search import confidence, fusion
from anxin.knowledge.search.analysis import default_analyzer
from anxin.knowledge.search.lexicon import CONCEPT_PREFIX
from anxin.knowledge.search.rank import Candidate, rank

QUERY_MAX = 2000  # the desk suggests items from a whole summary, the gap task from a case's words
TOP_MAX = 50
DENSE_DEPTH = 60  # items meaning search hands to the fusion


@dataclass(frozen=True)
class SearchHit:
    item: Item
    score: float
    current: bool
    superseded: bool  # a published item in force today replaces it
    matched: tuple[str, ...]  # what of the query the item matched: words, and concepts by their label
    words: float = 0.0  # its BM25F score (0 when only its meaning was found)
    similarity: float | None = None  # the cosine of its meaning to the query's (None without meaning search)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.item.code, "title": self.item.title, "score": round(self.score, 4)}


def item_search(
    text: str,
    *,
    top: int = 5,
    today: date | None = None,
    include_history: bool = False,
    public_only: bool = False,
) -> list[SearchHit]:
    """The items that best answer the text, best first.

    By default only current items: published, in force today, not replaced by an item in force. With
    ``include_history`` the others are found too, ranked below current ones.
    """
    text = clean_text(text, field="q", max_length=QUERY_MAX)
    if not 1 <= top <= TOP_MAX:
        raise InvalidInput(gettext("必须在 1 到 %(max)s 之间") % {"max": TOP_MAX}, field="top")
    today = today or timezone.localdate()
    query = default_analyzer().query(text)
    if query.is_empty:
        return []
    df, documents = index.term_statistics([*query.terms, *query.grams])
    retrieval = index.retrieval_for(query, df, documents)
    rows = index.candidate_rows(
        retrieval, today=today, current_only=not include_history, public_only=public_only
    )
    lexical = rank(query, _candidates(rows, today, include_history), df, documents)
    similar = dense.similar(text, top=DENSE_DEPTH)
    if not similar:
        ranked = [(candidate, score, None) for candidate, score in lexical[:top]]
    else:
        known = {row.pk for row in rows}
        rows += index.rows_by_ids(
            [pk for pk, _ in similar if pk not in known], today=today, public_only=public_only
        )
        meaning = _meaning_ranking(similar, rows, today, include_history)
        ranked = fusion.fuse(lexical, meaning)[:top]
    by_code = {row.code: row for row in rows}
    hit_rows = [by_code[candidate.key] for candidate, _, _ in ranked]
    items = index.items_of(hit_rows)
    words = {candidate.key: score for candidate, score in lexical}
    return [
        SearchHit(
            item=item,
            score=score,
            current=candidate.current,
            superseded=row.replaced,
            matched=_matched(query, candidate, similarity),
            words=words.get(candidate.key, 0.0),
            similarity=similarity,
        )
        for (candidate, score, similarity), row, item in zip(ranked, hit_rows, items, strict=True)
    ]


def _candidates(rows, today: date, include_history: bool) -> list[Candidate]:
    candidates = []
    for row in rows:
        current = not row.replaced and index.current_filter_matches(row, today)
        if current or include_history:
            candidates.append(
                Candidate(
                    key=row.code,
                    fields=index.stored_fields(row),
                    current=current,
                    internal=row.audience != Audience.PUBLIC,
                )
            )
    return candidates


def _meaning_ranking(similar, rows, today: date, include_history: bool) -> list[tuple[Candidate, float]]:
    """The items meaning search found, best first, as candidates (those the caller may not see are gone)."""
    by_pk = {row.pk: row for row in rows}
    found = {
        c.key: c for c in _candidates([by_pk[pk] for pk, _ in similar if pk in by_pk], today, include_history)
    }
    return [
        (found[by_pk[pk].code], score) for pk, score in similar if pk in by_pk and by_pk[pk].code in found
    ]


def confident_answer(hits: list[SearchHit]) -> bool:
    """The best hit is worth reading out (knowledge.search.confidence); False when nothing was found."""
    return bool(hits) and confidence.confident(hits[0].words, hits[0].similarity)


def item_search_codes(text: str, depth: int, history: bool) -> tuple[list[str], bool]:
    """The codes ``item_search`` finds, best first, and whether it is confident: as ``knowledge.evaluate`` calls it."""
    hits = item_search(text, top=depth, include_history=history)
    return [hit.item.code for hit in hits], confident_answer(hits)


def _matched(query, candidate: Candidate, similarity: float | None = None) -> tuple[str, ...]:
    words = _matched_words(query, candidate)
    if similarity is None:
        return words
    return (*words, gettext("语义相近 %(score).2f") % {"score": similarity})


def _matched_words(query, candidate: Candidate) -> tuple[str, ...]:
    present = index.term_set(candidate.fields)
    analyzer = default_analyzer()
    lexicon = analyzer.lexicon
    matched = []
    for term in query.terms:
        if term in present:
            if term.startswith(CONCEPT_PREFIX):
                matched.append(lexicon.concepts[term.removeprefix(CONCEPT_PREFIX)].label)
            else:
                matched.append(term)
    for typed, term in query.corrections:
        if present & {*analyzer.words(term), *analyzer.concept_tokens(term)}:
            matched.insert(0, f"{typed}≈{term}")
    grams = [g for g in query.grams if g in candidate.fields.grams]
    if grams and not matched:
        matched.extend(grams)
    return tuple(dict.fromkeys(matched))


def item_list(
    *, user: User | None = None, status: str | None = None, category: str | None = None
) -> QuerySet:
    items = Item.objects.select_related("supersedes").order_by("category", "code")
    if user is not None and not user.can("knowledge.internal"):
        items = items.filter(audience=Audience.PUBLIC)
    if status:
        items = items.filter(status=status)
    if category:
        items = items.filter(category=category)
    return items


def item_get_for_user(*, code: str, user: User) -> Item:
    if not user.can("knowledge.read"):
        raise Forbidden(gettext("当前角色不能查阅知识库"))
    item = Item.objects.select_related("supersedes", "updated_by").filter(code=code).first()
    if item is None:
        raise NotFound(gettext("条目不存在"), field="id")
    if item.audience != Audience.PUBLIC and not user.can("knowledge.internal"):
        raise NotFound(gettext("条目不存在"), field="id")
    return item


def item_versions(item: Item) -> QuerySet:
    return ItemVersion.objects.filter(item=item).select_related("saved_by").order_by("-number")


def item_for_answer(*, code: str, user: User, today: date | None = None) -> Item:
    """An item an agent may answer a caller with: readable by them and current today (not draft, retired,
    expired or replaced): reading out a superseded policy is the mistake the base exists to prevent."""
    try:
        item = item_get_for_user(code=code, user=user)
    except NotFound as exc:
        raise InvalidInput(exc.reason, field="knowledge_item") from exc
    today = today or timezone.localdate()
    if not index.current_filter_matches(item, today) or index.superseded([item.pk], today):
        raise InvalidInput(gettext("该条目已失效或已被替代，不能用于答复"), field="knowledge_item")
    return item


_MARKDOWN_MARKS = re.compile(r"[#>*_`|\[\]]+|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE)


def item_excerpt(item: Item, length: int = 90) -> str:
    """The start of the body as plain text, for a result list."""
    text = " ".join(_MARKDOWN_MARKS.sub("", item.body).split())
    return text if len(text) <= length else text[:length] + "…"
