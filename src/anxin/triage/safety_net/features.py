"""What the safety net reads of a message: its character n-grams (1–3, on the normalised text), the same in
training and at the desk. Chinese has no spaces; short character runs carry most of what words would."""

from __future__ import annotations

import re

from anxin.triage.normalize import normalise

NGRAM_SIZES = (1, 2, 3)
_NOISE = re.compile(r"[\s,.;:!?，。；：！？、…~～\"'“”‘’()（）\[\]【】<>《》·\-—_*#@/\\|]+")


def clean(text: str) -> str:
    """Simplified, half-width, lower case, punctuation and spaces folded to one separator."""
    return _NOISE.sub("|", normalise(text)).strip("|")


def ngrams(text: str) -> list[str]:
    """The character n-grams of a message; none spans a separator."""
    grams: list[str] = []
    for chunk in clean(text).split("|"):
        for size in NGRAM_SIZES:
            grams += [chunk[i : i + size] for i in range(len(chunk) - size + 1)]
    return grams
