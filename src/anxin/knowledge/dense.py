"""Search by meaning: each item's passage vector from the shared encoder (``anxin.semantic``), an exact scan.

An item's vector is computed once per version, in a background task after an import or an edit
(``knowledge.tasks.embed_pending_items``) or by ``anxin kb reindex``, and stored on the item. A search embeds the
query once and scores every item that has a vector with one matrix product: 10,000 items of 384 floats are
15 MB, so the matrix stays in memory, rebuilt only when an item's vector changes. Works the same on SQLite and
PostgreSQL. ``ANXIN_KB_DENSE=false``, or no encoder, leaves the lexical search alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, Max, Q, Sum

from anxin.knowledge.models import Item
from anxin.semantic import encoder, switched_on

# What of an item is embedded: the title and tags say what it is about; the start of the body, how.
PASSAGE_BODY_CHARS = 500
BATCH = 16


def dense_enabled() -> bool:
    return switched_on("ANXIN_KB_DENSE")


def active_encoder():
    """The encoder search and indexing use, or None when meaning search is off or the model is absent."""
    return encoder() if dense_enabled() else None


def passage_of(item: Item) -> str:
    tags = " ".join(item.tags or ())
    return f"{item.title}\n{tags}\n{item.body[:PASSAGE_BODY_CHARS]}"


def pending() -> Q:
    """Items whose vector is missing or was computed for an older version."""
    return Q(embedding_version__isnull=True) | ~Q(embedding_version=F("version"))


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total


def embedding_progress() -> Progress:
    counts = Item.objects.aggregate(total=Count("pk"), waiting=Count("pk", filter=pending()))
    return Progress(done=counts["total"] - counts["waiting"], total=counts["total"])


def embed_pending(
    *, codes: Iterable[str] | None = None, on_batch: Callable[[Progress], None] | None = None
) -> int:
    """Compute the vectors that are missing or stale (of ``codes`` only, when given); how many were written."""
    model = active_encoder()
    if model is None:
        return 0
    waiting = Item.objects.filter(pending()).order_by("pk")
    if codes is not None:
        waiting = waiting.filter(code__in=list(codes))
    ids = list(waiting.values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), BATCH):
        items = list(
            Item.objects.filter(pk__in=ids[start : start + BATCH]).only(
                "pk", "title", "tags", "body", "version"
            )
        )
        vectors = model.passages([passage_of(item) for item in items])
        for item, vector in zip(items, vectors, strict=True):
            # The version it embeds is the one read: an edit saved meanwhile leaves it pending again.
            Item.objects.filter(pk=item.pk, version=item.version).update(
                embedding=np.asarray(vector, dtype=np.float32).tobytes(), embedding_version=item.version
            )
        written += len(items)
        _MATRIX.forget()
        if on_batch is not None:
            on_batch(embedding_progress())
    return written


def forget_embeddings() -> None:
    """Mark every vector stale (``anxin kb reindex`` recomputes them all), keeping them for search meanwhile."""
    Item.objects.update(embedding_version=None)
    _MATRIX.forget()


class _Matrix:
    """Every stored vector, loaded once and reloaded when the stored vectors change.

    Whether they changed is asked of the database at most every ``RECHECK_SECONDS`` (the question reads every
    item's row: 17 ms at 10,000 items on SQLite, as much as the rest of a search); vectors this process writes
    are seen at once, those the worker writes within that time.
    """

    RECHECK_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._checked_at = float("-inf")
        self.ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self.vectors: np.ndarray = np.zeros((0, 0), dtype=np.float32)

    def forget(self) -> None:
        self._checked_at = float("-inf")
        self._stamp = None

    def current(self) -> _Matrix:
        if time.monotonic() - self._checked_at < self.RECHECK_SECONDS:
            return self
        stamp = tuple(
            Item.objects.filter(embedding__isnull=False)
            .aggregate(n=Count("pk"), top=Max("pk"), versions=Sum("embedding_version"))
            .values()
        )
        with self._lock:
            if stamp != self._stamp:
                rows = list(
                    Item.objects.filter(embedding__isnull=False).order_by("pk").values_list("pk", "embedding")
                )
                self.ids = np.array([pk for pk, _ in rows], dtype=np.int64)
                self.vectors = (
                    np.vstack([np.frombuffer(bytes(blob), dtype=np.float32) for _, blob in rows])
                    if rows
                    else np.zeros((0, 0), dtype=np.float32)
                )
                self._stamp = stamp
            self._checked_at = time.monotonic()
            return self


_MATRIX = _Matrix()


def reload_vectors() -> None:
    """Read the stored vectors again on the next search (tests, and after writes outside this module)."""
    _MATRIX.forget()


def similar(text: str, *, top: int = 30) -> list[tuple[int, float]]:
    """The ``top`` item ids by cosine similarity to the text, best first."""
    if not dense_enabled():
        return []
    matrix = _MATRIX.current()
    model = active_encoder() if len(matrix.ids) else None  # no vectors yet: the model is not even loaded
    if model is None:
        return []
    scores = matrix.vectors @ model.query(text)
    order = np.argsort(-scores, kind="stable")[:top]
    return [(int(matrix.ids[position]), float(scores[position])) for position in order]
