"""The knowledge index in the database: analysed terms on each item, the term table, candidate retrieval.

Each backend finds candidates with its own full-text search, written here from the same terms: SQLite's
FTS5 table ``knowledge_item_fts`` (row id = item id, one column per field), PostgreSQL's ``search_head`` and ``search_body_vector``
tsvectors with GIN indexes (a weight per field; headings and bodies apart). Migration 0002 creates whichever the database has. No
triggers: Django remakes SQLite tables on some schema changes and would drop them silently. The words are segmented by us, not
by either database, so two-character words match on both. ``search.rank`` then orders the candidates the
same way on both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.db import connection, transaction
from django.db.models import Q

from anxin.knowledge.choices import Status
from anxin.knowledge.models import Item, Term, category_labels, in_force
from anxin.knowledge.search.analysis import Fields, Query, default_analyzer

FIELD_COLUMNS = {
    "title": "search_title",
    "keywords": "search_keywords",
    "body": "search_body",
    "grams": "search_grams",
}
# How many candidates each backend hands to the ranking: enough that the ranking, not the backend's own
# order, decides the top results.
CANDIDATE_LIMIT = 40
# Terms carried by more than this share of the items do not select candidates (every item would match, and
# the database would score them all); they still count in the ranking of the candidates the rarer terms find.
COMMON_SHARE = 0.2
MIN_RETRIEVAL_TERMS = 3
# Bodies are long and share many words: a term finds candidates by their body only when this rare. A title
# or keyword match is found for any term under COMMON_SHARE.
BODY_SHARE = 0.03
# Together the heading terms, and apart from them the body terms, may match at most about this many items (by
# their document frequencies, the rarest first): the database reads and scores every item matched, and a
# rambling story's everyday words would otherwise match thousands. The rarest term always stays.
HEAD_MATCH_BUDGET = 1000
BODY_MATCH_BUDGET = 400
_PG_HEAD_WEIGHTS = {"title": "A", "keywords": "B", "grams": "D"}
_PG_MAX_POSITION = 16383
_CHUNK = 500
# Imports this large change enough rows that PostgreSQL's planner statistics go stale (see ``refresh_statistics``).
BULK_CHANGE = 500
# Below this many rows by the planner's estimate (-1 for a table never analysed) the exact count is cheap.
_EXACT_COUNT_BELOW = 1_000


def analyse(item: Item) -> Fields:
    category_label = category_labels.get().get(item.category, ("", ""))[0]
    return default_analyzer().document(
        title=item.title, tags=list(item.tags or []), body=item.body, category_label=category_label
    )


class IndexedRow(Protocol):
    """An item as ranking reads it: a model instance, or the lighter row a search reads (selectors)."""

    status: str
    search_title: str
    search_keywords: str
    search_body: str
    search_grams: str

    def is_effective(self, today: date) -> bool: ...


def stored_fields(item: IndexedRow) -> Fields:
    return Fields(**{name: tuple(getattr(item, column).split()) for name, column in FIELD_COLUMNS.items()})


def term_set(fields: Fields) -> set[str]:
    return {term for name in FIELD_COLUMNS for term in getattr(fields, name)}


@transaction.atomic
def index_items(items: Sequence[Item], *, refresh: bool = True) -> None:
    """Analyse the items, store their terms and adjust the term table by what changed. A bulk change
    refreshes PostgreSQL's statistics once it commits, unless ``refresh`` is false (the caller will)."""
    delta: Counter[str] = Counter()
    for item in items:
        old = term_set(stored_fields(item))
        new_fields = analyse(item)
        new = term_set(new_fields)
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
    if refresh and len(items) >= BULK_CHANGE:
        refresh_statistics()


def refresh_statistics() -> None:
    """After a bulk change on PostgreSQL, once it commits: VACUUM ANALYZE the item and term tables.

    Without fresh statistics the planner guesses how many rows a search term matches from the table as it
    was, and picks a sequential scan over 10,000 bodies where the GIN index would read a hundred rows. An
    import also leaves three dead versions of each row it wrote (inserted, analysed, given its vectors), which
    every search visits until a vacuum clears them, and the visibility map unset, so that counting the items
    reads the whole table (160 ms at 10,000 items). Autovacuum catches up eventually; searches right after an
    import should not wait for it. VACUUM cannot run in a transaction, hence after the commit; a failure is
    logged, not raised: the import itself has committed. No-op on SQLite, whose FTS5 table keeps no such
    statistics.
    """
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_analyze, robust=True)


def _vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) knowledge_item, knowledge_term")


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
        index_items(items[start : start + _CHUNK], refresh=False)
    refresh_statistics()
    return len(items)


def _pg_vector(fields: Fields, weights: dict[str, str]) -> str:
    """A tsvector literal with positions and a weight per field; no text-search parser involved."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name, weight in weights.items():
        for term in getattr(fields, name):
            position = min(position + 1, _PG_MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
    return " ".join(f"{_pg_quote(term)}:{','.join(marks)}" for term, marks in positions.items())


def _pg_quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg_write_vectors(items: Sequence[Item]) -> None:
    rows = []
    for item in items:
        fields = stored_fields(item)
        rows.append((_pg_vector(fields, _PG_HEAD_WEIGHTS), _pg_vector(fields, {"body": "C"}), item.pk))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE knowledge_item SET search_head = %s::tsvector, search_body_vector = %s::tsvector"
            " WHERE id = %s",
            rows,
        )


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
    # Looked up by the supersedes index alone and judged here: given the status and date filter as well,
    # SQLite's planner scans the status index instead (25 ms at 10,000 items rather than 0.1 ms).
    replacements = Item.objects.filter(supersedes_id__in=list(item_ids)).only(
        "supersedes_id", "status", "effective_from", "effective_until"
    )
    return {item.supersedes_id for item in replacements if current_filter_matches(item, today)}


@dataclass(frozen=True)
class Retrieval:
    """The terms that select candidates: in titles and keywords, in bodies (the rarer ones), in title grams."""

    heading_terms: tuple[str, ...]
    body_terms: tuple[str, ...]
    grams: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.heading_terms or self.body_terms or self.grams)


def retrieval_for(query: Query, df: dict[str, int], documents: int) -> Retrieval:
    """The query's terms without the most common ones (every item would match, and the database would score
    them all); the rarest few always stay. The ranking still weighs every term."""
    every = sorted([*query.terms, *query.grams], key=lambda t: df.get(t, 0))
    rarest = set(every[:MIN_RETRIEVAL_TERMS])
    heading = _within_budget(
        [t for t in every if df.get(t, 0) <= max(COMMON_SHARE * documents, 50)], df, HEAD_MATCH_BUDGET
    )
    heading |= rarest
    body = _within_budget(
        [t for t in every if df.get(t, 0) <= max(BODY_SHARE * documents, 20)], df, BODY_MATCH_BUDGET
    )
    return Retrieval(
        heading_terms=tuple(t for t in query.terms if t in heading),
        body_terms=tuple(t for t in query.terms if t in body),
        grams=tuple(g for g in query.grams if g in heading),
    )


def _within_budget(terms_rarest_first: list[str], df: dict[str, int], budget: int) -> set[str]:
    kept: set[str] = set()
    matched = 0
    for term in terms_rarest_first:
        matched += df.get(term, 0)
        if kept and matched > budget:
            break
        kept.add(term)
    return kept


# What a search reads of each candidate: the item's columns that a hit shows (the body and the timestamps load
# when asked for: a result list shows neither, and reading 80 timestamps costs more than the rest of a row),
# the analysed fields the ranking reads, whether it is replaced.
_LEFT_DEFERRED = {"body", "created_at", "updated_at", *FIELD_COLUMNS.values()}
_ITEM_FIELDS = tuple(f for f in Item._meta.concrete_fields if f.column not in _LEFT_DEFERRED)
_ITEM_ATTNAMES = tuple(f.attname for f in _ITEM_FIELDS)
_COLUMN = {name: n for n, name in enumerate(_ITEM_ATTNAMES)}


@dataclass(frozen=True)
class CandidateRow:
    """A candidate item as the ranking reads it, and whether a published item in force today replaces it.

    Read as plain rows in one statement: building 40 to 80 model objects per search cost more than the search
    itself; only the few hits returned become items (``items_of``).
    """

    values: tuple  # the item's columns as the database gave them, in _ITEM_FIELDS order
    search_title: str
    search_keywords: str
    search_body: str
    search_grams: str
    replaced: bool

    @property
    def pk(self) -> int:
        return self.values[_COLUMN["id"]]

    @property
    def code(self) -> str:
        return self.values[_COLUMN["code"]]

    @property
    def status(self) -> str:
        return self.values[_COLUMN["status"]]

    @property
    def audience(self) -> str:
        return self.values[_COLUMN["audience"]]

    def is_effective(self, today: date) -> bool:
        return in_force(
            self.values[_COLUMN["effective_from"]], self.values[_COLUMN["effective_until"]], today
        )


def items_of(rows: Sequence[CandidateRow]) -> list[Item]:
    """The rows as items, their body and timestamps deferred; the values converted as the ORM converts them
    (dates and times, JSON)."""
    columns = [field.get_col(Item._meta.db_table) for field in _ITEM_FIELDS]
    converters = [connection.ops.get_db_converters(c) + c.get_db_converters(connection) for c in columns]
    items = []
    for row in rows:
        values = list(row.values)
        for n, (column, convert_all) in enumerate(zip(columns, converters, strict=True)):
            for convert in convert_all:
                values[n] = convert(values[n], column, connection)
        items.append(Item.from_db(connection.alias, _ITEM_ATTNAMES, values))
    return items


# Parameters, by name: today; on PostgreSQL also head, body, every, limit. ``r.status || ''`` keeps SQLite's
# planner on the supersedes index: offered ``status =`` it scans the (status, effective_from) index instead,
# 25 ms at 10,000 items.
_ROW_SQL = """
    SELECT {columns}, i.search_title, i.search_keywords, i.search_body, i.search_grams,
           EXISTS (SELECT 1 FROM knowledge_item r
                   WHERE r.supersedes_id = i.id AND r.status || '' = 'published'
                     AND r.effective_from <= %(today)s
                     AND (r.effective_until IS NULL OR r.effective_until >= %(today)s))
    FROM knowledge_item i WHERE i.id IN ({ids}){audience}
"""
_ROW_COLUMNS = ", ".join(f"i.{f.column}" for f in _ITEM_FIELDS)
# One PostgreSQL statement: the best by heading and, separately, the best by body (ranking one vector never
# reads the other), then their rows as above. {vector} and {name} are fixed strings, never input.
_PG_BEST = """
    {name} AS (
        SELECT i.id FROM knowledge_item i, CAST(%({name})s AS tsquery) q
        WHERE i.{vector} @@ q
          AND (%(every)s OR (i.status = 'published' AND i.effective_from <= %(today)s
                             AND (i.effective_until IS NULL OR i.effective_until >= %(today)s)))
        ORDER BY ts_rank(i.{vector}, q) DESC, i.id LIMIT %(limit)s)
"""
_SQLITE_SQL = """
    SELECT rowid FROM knowledge_item_fts WHERE knowledge_item_fts MATCH %s
    ORDER BY bm25(knowledge_item_fts, 4.0, 2.0, 1.0, 0.5) LIMIT %s
"""


def candidate_rows(
    query: Retrieval,
    *,
    today: date,
    current_only: bool,
    public_only: bool = False,
    limit: int = CANDIDATE_LIMIT,
) -> list[CandidateRow]:
    """The items the backend's full-text search finds best, as the ranking reads them.

    On PostgreSQL one statement selects them and reads their rows; on SQLite the FTS5 query reads only its
    index (joining the item table there costs more than the search itself), and whether an item is current is
    judged afterwards on its row.
    """
    if query.is_empty:
        return []
    audience = " AND i.audience = 'public'" if public_only else ""
    if connection.vendor == "postgresql":
        return _pg_candidate_rows(query, today, current_only, audience, limit)
    ids = _sqlite_candidates(query, limit)
    if not ids:
        return []
    params: dict[str, object] = {"today": today}
    params.update({f"id{n}": pk for n, pk in enumerate(ids)})
    marks = ", ".join(f"%(id{n})s" for n in range(len(ids)))
    return _fetch_rows(_ROW_SQL.format(columns=_ROW_COLUMNS, ids=marks, audience=audience), params)


def rows_by_ids(ids: Sequence[int], *, today: date, public_only: bool = False) -> list[CandidateRow]:
    """These items as the ranking reads them (the items meaning search found), in no particular order."""
    if not ids:
        return []
    audience = " AND i.audience = 'public'" if public_only else ""
    params: dict[str, object] = {"today": today}
    params.update({f"id{n}": pk for n, pk in enumerate(ids)})
    marks = ", ".join(f"%(id{n})s" for n in range(len(ids)))
    return _fetch_rows(_ROW_SQL.format(columns=_ROW_COLUMNS, ids=marks, audience=audience), params)


def _pg_candidate_rows(
    query: Retrieval, today: date, current_only: bool, audience: str, limit: int
) -> list[CandidateRow]:
    head = [f"{_pg_quote(t)}:AB" for t in query.heading_terms] + [f"{_pg_quote(g)}:D" for g in query.grams]
    body = [_pg_quote(t) for t in query.body_terms]
    params: dict[str, object] = {"today": today, "every": not current_only, "limit": limit}
    bests = []
    for name, vector, lexemes in (("head", "search_head", head), ("body", "search_body_vector", body)):
        if lexemes:
            bests.append(_PG_BEST.format(name=name, vector=vector))
            params[name] = " | ".join(lexemes)
    found = " UNION ".join(f"SELECT id FROM {n}" for n in ("head", "body") if n in params)  # noqa: S608 (fixed names)
    sql = "WITH " + ",".join(bests) + _ROW_SQL.format(columns=_ROW_COLUMNS, ids=found, audience=audience)
    return _fetch_rows(sql, params)


def _fetch_rows(sql: str, params: dict[str, object]) -> list[CandidateRow]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        width = len(_ITEM_FIELDS)
        return [
            CandidateRow(row[:width], *row[width:-1], replaced=bool(row[-1])) for row in cursor.fetchall()
        ]


def _sqlite_candidates(query: Retrieval, limit: int) -> list[int]:
    parts = []
    if query.heading_terms:
        words = " OR ".join(_fts_quote(t) for t in query.heading_terms)
        parts.append(f"{{search_title search_keywords}} : ({words})")
    if query.body_terms:
        parts.append(f"search_body : ({' OR '.join(_fts_quote(t) for t in query.body_terms)})")
    if query.grams:
        parts.append(f"search_grams : ({' OR '.join(_fts_quote(g) for g in query.grams)})")
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SQL, [" OR ".join(parts), limit])
        return [row[0] for row in cursor.fetchall()]


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def term_statistics(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """Each term's document frequency, and how many items the ranking's IDF divides by, in one statement.

    On a large PostgreSQL table the planner's row estimate (kept by ANALYZE and autovacuum) stands in for
    count(*), which reads the whole table on every search; BM25's IDF barely moves with a few per cent of
    error in it. Below the threshold the exact count is computed instead (a lazily run subquery).
    """
    terms = list(dict.fromkeys(terms))
    params: dict[str, object] = {f"t{n}": term for n, term in enumerate(terms)}
    if connection.vendor == "postgresql":
        params["exact_below"] = _EXACT_COUNT_BELOW
        count = (
            "SELECT NULL, CASE WHEN reltuples >= %(exact_below)s THEN reltuples::bigint"
            " ELSE (SELECT count(*) FROM knowledge_item) END"
            " FROM pg_class WHERE oid = 'knowledge_item'::regclass"
        )
    else:
        count = "SELECT NULL, count(*) FROM knowledge_item"
    sql = count
    if terms:
        marks = ", ".join(f"%(t{n})s" for n in range(len(terms)))
        sql = f"SELECT term, df FROM knowledge_term WHERE term IN ({marks}) UNION ALL {count}"  # noqa: S608 (placeholders only)
    df: dict[str, int] = {}
    documents = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for term, value in cursor.fetchall():
            if term is None:
                documents = int(value)
            else:
                df[term] = value
    return df, documents


def current_filter_matches(item: IndexedRow, today: date) -> bool:
    """The same test as ``current_filter``, on an item already loaded."""
    return item.status == Status.PUBLISHED and item.is_effective(today)
