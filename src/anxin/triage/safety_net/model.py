"""The safety net: a linear model over a message's character n-grams (TF-IDF), trained on the labelled cases
(``train.py``), that reads the whole message and can only raise the rules' proposal, never lower it.

Two heads share the features: urgency (P1–P4) and complaint (the 32 protocols or none). The thresholds that
turn scores into a raise were chosen on cross-validated scores of the training cases and are stored with the
weights, so the model and its calibration travel together.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from anxin.triage.safety_net.features import ngrams

MODEL_DIR = Path(__file__).parent / "model"
WEIGHTS = MODEL_DIR / "weights.npz"
META = MODEL_DIR / "meta.json"
NONE = "none"  # the complaint head's label for "not about health"
_TOP_WORDS = 5


@dataclass(frozen=True)
class Opinion:
    """What the model reads in a message."""

    urgency: dict[str, float]  # P1..P4 → probability
    complaint: str  # the most likely protocol, or "none"
    complaint_score: float
    health: float  # 1 − P(none): the message is about health
    words: tuple[str, ...]  # the n-grams that pushed the urgency up most

    @property
    def p1(self) -> float:
        return self.urgency["P1"]

    @property
    def p1_or_p2(self) -> float:
        return self.urgency["P1"] + self.urgency["P2"]

    def level(self) -> str:
        return max(self.urgency, key=self.urgency.get)


class CharModel:
    """The weights and vocabulary; ``read`` costs a dictionary lookup per n-gram and two small dot products."""

    def __init__(self, weights: dict[str, np.ndarray], meta: dict) -> None:
        self.grams: list[str] = weights["vocabulary"].tolist()
        self.vocabulary = {gram: i for i, gram in enumerate(self.grams)}
        self.idf = weights["idf"].astype(np.float32)
        self.w_urgency = weights["w_urgency"].astype(np.float32)
        self.b_urgency = weights["b_urgency"].astype(np.float32)
        self.w_complaint = weights["w_complaint"].astype(np.float32)
        self.b_complaint = weights["b_complaint"].astype(np.float32)
        self.urgencies: list[str] = meta["urgencies"]
        self.complaints: list[str] = meta["complaints"]
        self.meta = meta

    @classmethod
    def load(cls, weights: Path = WEIGHTS, meta: Path = META) -> CharModel:
        with np.load(weights, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        return cls(arrays, json.loads(meta.read_text(encoding="utf-8")))

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's TF-IDF vector as (indices, values), L2-normalised; sublinear term frequency."""
        counts = Counter(i for gram in ngrams(text) if (i := self.vocabulary.get(gram)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float32, count=len(counts))
        values = tf * self.idf[index]
        return index, values / np.linalg.norm(values)

    def read(self, text: str) -> Opinion:
        index, values = self.features(text)
        urgency = _softmax(values @ self.w_urgency[index] + self.b_urgency)
        complaint = _softmax(values @ self.w_complaint[index] + self.b_complaint)
        best = int(np.argmax(complaint))
        # Why: the n-grams whose weight pushed the message towards P1 most.
        pushes = values * self.w_urgency[index, self.urgencies.index("P1")]
        order = np.argsort(-pushes)[:_TOP_WORDS]
        return Opinion(
            urgency={u: float(p) for u, p in zip(self.urgencies, urgency, strict=True)},
            complaint=self.complaints[best],
            complaint_score=float(complaint[best]),
            health=1.0 - float(complaint[self.complaints.index(NONE)]),
            words=tuple(self.grams[index[k]] for k in order if pushes[k] > 0),
        )


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()
