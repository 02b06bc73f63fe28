"""What the safety net reads of a message: its character n-grams (1–3, on the normalised text), the same in
training and at the desk. Chinese has no spaces; short character runs carry most of what words would."""

from __future__ import annotations

import re

from anxin.triage.normalize import normalise

NGRAM_SIZES = (1, 2, 3)
_NOISE = re.compile(r"[\s,.;:!?，。；：！？、…~～\"'“”‘’()（）\[\]【】<>《》·\-—_*#@/\\|]+")


def set_aside(text: str, ignored) -> str:
    """The message without the words the rules set aside as negated, past, hypothetical or figurative
    (``Decision.ignored``): the rules judged those words, so the net reads the rest ("以前有过胸痛" is history,
    not chest pain now). The words become separators, so no n-gram spans them."""
    chars = list(text)
    for item in ignored:
        start, end = item.evidence.start, item.evidence.end
        if item.evidence.source == "text" and start is not None and end is not None:
            chars[start:end] = "|" * (end - start)
    return "".join(chars)


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
