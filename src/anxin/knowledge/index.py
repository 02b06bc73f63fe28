"""The knowledge index in the database: analysed terms on each item, the term table, candidate retrieval.

Each backend finds candidates with its own full-text search, written here from the same terms: SQLite's
FTS5 table ``knowledge_item_fts`` (row id = item id, one column per field), PostgreSQL's ``search_vector``
tsvector with a GIN index (a weight per field). Migration 0002 creates whichever the database has. No
triggers: Django remakes SQLite tables on some schema changes and would drop them silently. The words are segmented by us, not
by either database, so two-character words match on both. ``search.rank`` then orders the candidates the
same way on both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation

from anxin.knowledge.choices import Category, Status
from anxin.knowledge.models import Item, Term
from anxin.knowledge.search.analysis import Fields, Query, default_analyzer

FIELD_COLUMNS = {
    "title": "search_title",
    "keywords": "search_keywords",
    "body": "search_body",
    "grams": "search_grams",
}
# How many candidates each backend hands to the ranking: enough that the ranking, not the backend's own
# order, decides the top results.
CANDIDATE_LIMIT = 120
_PG_WEIGHTS = {"title": "A", "keywords": "B", "body": "C", "grams": "D"}
_PG_MAX_POSITION = 16383
_CHUNK = 500


def analyse(item: Item) -> Fields:
    with translation.override("zh-hans"):
        category_label = str(Category(item.category).label) if item.category in Category.values else ""
    return default_analyzer().document(
        title=item.title, tags=list(item.tags or []), body=item.body, category_label=category_label
    )


def stored_fields(item: Item) -> Fields:
    return Fields(**{name: tuple(getattr(item, column).split()) for name, column in FIELD_COLUMNS.items()})


def _term_set(fields: Fields) -> set[str]:
    return {term for name in FIELD_COLUMNS for term in getattr(fields, name)}


@transaction.atomic
def index_items(items: Sequence[Item]) -> None:
    """Analyse the items, store their terms and adjust the term table by what changed."""
    delta: Counter[str] = Counter()
    for item in items:
        old = _term_set(stored_fields(item))
        new_fields = analyse(item)
        new = _term_set(new_fields)
        delta.update(new - old)
        delta.subtract(old - new)
        for name, column in FIELD_COLUMNS.items():
            setattr(item, column, " ".join(getattr(new_fields, name)))
    Item.objects.bulk_update(items, list(FIELD_COLUMNS.values()), batch_size=_CHUNK)
    if connection.vendor == "postgresql":
        _pg_write_vectors(items)
    else:
        _sqlite_write_rows(items)
    _apply_term_delta({term: change for term, change in delta.items() if change})


def _apply_term_delta(delta: dict[str, int]) -> None:
    terms = sorted(delta)
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        current = dict(Term.objects.select_for_update().filter(term__in=chunk).values_list("term", "df"))
        rows = [Term(term=t, df=max(0, current.get(t, 0) + delta[t])) for t in chunk]
        Term.objects.bulk_create(rows, update_conflicts=True, update_fields=["df"], unique_fields=["term"])
    Term.objects.filter(df=0).delete()


@transaction.atomic
def rebuild() -> int:
    """Re-analyse every item and recount the term table from scratch (after a lexicon change)."""
    Term.objects.all().delete()
    items = list(Item.objects.all())
    for item in items:
        for column in FIELD_COLUMNS.values():
            setattr(item, column, "")
    for start in range(0, len(items), _CHUNK):
        index_items(items[start : start + _CHUNK])
    return len(items)


def _pg_vector(fields: Fields) -> str:
    """A tsvector literal with positions and a weight per field; no text-search parser involved."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name, weight in _PG_WEIGHTS.items():
        for term in getattr(fields, name):
            position = min(position + 1, _PG_MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
    return " ".join(f"{_pg_quote(term)}:{','.join(marks)}" for term, marks in positions.items())


def _pg_quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg_write_vectors(items: Sequence[Item]) -> None:
    rows = [(_pg_vector(stored_fields(item)), item.pk) for item in items]
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE knowledge_item SET search_vector = %s::tsvector WHERE id = %s", rows)


def _sqlite_write_rows(items: Sequence[Item]) -> None:
    columns = list(FIELD_COLUMNS.values())
    with connection.cursor() as cursor:
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            delete = f"DELETE FROM knowledge_item_fts WHERE rowid IN ({marks})"  # noqa: S608 (placeholders only)
            cursor.execute(delete, [i.pk for i in chunk])
        cursor.executemany(
            "INSERT INTO knowledge_item_fts (rowid, search_title, search_keywords, search_body, search_grams)"
            " VALUES (%s, %s, %s, %s, %s)",
            [(item.pk, *(getattr(item, c) for c in columns)) for item in items],
        )


def current_filter(today: date) -> Q:
    """Published and in force today. (Superseded items are set aside after retrieval: see ``superseded``.)"""
    return (
        Q(status=Status.PUBLISHED)
        & Q(effective_from__lte=today)
        & (Q(effective_until__isnull=True) | Q(effective_until__gte=today))
    )


def superseded(item_ids: Iterable[int], today: date) -> set[int]:
    """Which of these items a published item in force today replaces."""
    return set(
        Item.objects.filter(current_filter(today), supersedes_id__in=list(item_ids)).values_list(
            "supersedes_id", flat=True
        )
    )


def candidate_ids(
    query: Query, *, today: date, current_only: bool, limit: int = CANDIDATE_LIMIT
) -> list[int]:
    if query.is_empty:
        return []
    if connection.vendor == "postgresql":
        return _pg_candidates(query, today, current_only, limit)
    return _sqlite_candidates(query, today, current_only, limit)


# Parameters: the query; true to take every item or false for current ones only; today, twice; the limit.
_SQLITE_SQL = """
    SELECT i.id FROM knowledge_item_fts f JOIN knowledge_item i ON i.id = f.rowid
    WHERE knowledge_item_fts MATCH %s
      AND (%s OR (i.status = 'published' AND i.effective_from <= %s
                  AND (i.effective_until IS NULL OR i.effective_until >= %s)))
    ORDER BY bm25(knowledge_item_fts, 3.0, 2.0, 1.0, 0.5) LIMIT %s
"""
_PG_SQL = """
    SELECT i.id FROM knowledge_item i, CAST(%s AS tsquery) q
    WHERE i.search_vector @@ q
      AND (%s OR (i.status = 'published' AND i.effective_from <= %s
                  AND (i.effective_until IS NULL OR i.effective_until >= %s)))
    ORDER BY ts_rank(i.search_vector, q) DESC, i.id LIMIT %s
"""


def _sqlite_candidates(query: Query, today: date, current_only: bool, limit: int) -> list[int]:
    parts = []
    if query.terms:
        words = " OR ".join(_fts_quote(t) for t in query.terms)
        parts.append(f"{{search_title search_keywords search_body}} : ({words})")
    if query.grams:
        parts.append(f"search_grams : ({' OR '.join(_fts_quote(g) for g in query.grams)})")
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SQL, [" OR ".join(parts), not current_only, today, today, limit])
        return [row[0] for row in cursor.fetchall()]


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _pg_candidates(query: Query, today: date, current_only: bool, limit: int) -> list[int]:
    lexemes = [f"{_pg_quote(t)}:ABC" for t in query.terms] + [f"{_pg_quote(g)}:D" for g in query.grams]
    with connection.cursor() as cursor:
        cursor.execute(_PG_SQL, [" | ".join(lexemes), not current_only, today, today, limit])
        return [row[0] for row in cursor.fetchall()]


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    return dict(Term.objects.filter(term__in=list(terms)).values_list("term", "df"))


def current_filter_matches(item: Item, today: date) -> bool:
    """The same test as ``current_filter``, on an item already loaded."""
    return item.status == Status.PUBLISHED and item.is_effective(today)


def stored_terms(fields: Fields) -> set[str]:
    return _term_set(fields)


def document_count() -> int:
    return Item.objects.count()
