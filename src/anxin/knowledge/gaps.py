"""Knowledge gaps: what callers asked at the desk that the base did not answer, grouped by meaning.

The hotline asks for a check after it opens a case without answering from the base (``services.gap_check_later``;
the worker runs ``record_gap``). The check searches the caller's words as the desk did: no confident answer
(``selectors.confident_answer``) or an answer the agent did not use, and the question is kept, masked, with its
query vector. ``gap_report`` groups a window of them by meaning (average-linkage clustering of the vectors,
``rules/gaps.toml``), names each group by its characteristic words, and counts it per day: the items the base
is missing. The command centre reads it as a page and an export; the daily briefing will read it too.
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from anxin.accounts.models import User
from anxin.core.dates import local_days
from anxin.core.errors import Forbidden, InvalidInput
from anxin.core.i18n import gettext
from anxin.core.masking import mask_identifiers_in_text
from anxin.knowledge.choices import GapReason
from anxin.knowledge.models import Gap, Item
from anxin.knowledge.search.analysis import default_analyzer
from anxin.knowledge.selectors import confident_answer, item_search
from anxin.places.selectors import place_within_q
from anxin.semantic import encoder
from anxin.triage.normalize import normalise

RULES_PATH = Path(__file__).with_name("rules") / "gaps.toml"
TEXT_MAX = 2000
# The days a window may name: a bound far from date.min and date.max, whose neighbours do not exist.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class GapRules:
    group_similarity: float
    window_days: int
    max_window_days: int
    group_at_most: int
    examples: int
    keywords: int


@cache
def gap_rules() -> GapRules:
    data = tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))
    rules = GapRules(**data)
    if not 0 < rules.group_similarity < 1 or min(rules.window_days, rules.group_at_most, rules.examples) < 1:
        raise ValueError(f"{RULES_PATH}: out of range")
    return rules


# --- recording -------------------------------------------------------------------------------------------


def record_gap(
    *,
    text: str,
    case_id: int | None = None,
    place_id: int | None = None,
    public_only: bool = False,
    names: Sequence[str] = (),
    at: datetime | None = None,
) -> Gap:
    """Search the caller's words as the desk did and keep the question as a gap, masked, with its vector."""
    text = text.strip()[:TEXT_MAX]
    hits = item_search(text, top=3, public_only=public_only)
    confident = confident_answer(hits)
    model = encoder()
    vector = model.query(text).astype(np.float32).tobytes() if model is not None else None
    best = hits[0] if hits else None
    return Gap.objects.create(
        case_id=case_id,
        place_id=place_id,
        text=mask_identifiers_in_text(text, names=list(names)),
        reason=GapReason.NOT_USED if confident else GapReason.NO_CONFIDENT_ANSWER,
        best_item_id=best.item.pk if best else None,
        best_similarity=best.similarity if best else None,
        searched_at=at or timezone.now(),
        vector=vector,
    )


# --- reading ---------------------------------------------------------------------------------------------


def _require_reader(user: User) -> None:
    if not user.can("knowledge.edit"):
        raise Forbidden(gettext("当前角色不能查看知识缺口"))


def gap_window(start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """The days asked for (both included), by default the last ``window_days`` up to today; checked."""
    rules = gap_rules()
    end = end or timezone.localdate()
    for day, name in ((start, "start"), (end, "end")):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(gettext("日期须在 2000 年到 2099 年之间"), field=name)
    start = start or end - timedelta(days=rules.window_days - 1)
    if start > end:
        raise InvalidInput(gettext("开始日期不能晚于结束日期"), field="start")
    if (end - start).days + 1 > rules.max_window_days:
        raise InvalidInput(gettext("最多查看 %(days)s 天") % {"days": rules.max_window_days}, field="start")
    return start, end


def gap_list(*, user: User, start: date, end: date) -> QuerySet:
    """The gaps of those days in the places the user covers, newest first."""
    _require_reader(user)
    since, until = local_days(start, end)
    gaps = (
        Gap.objects.filter(searched_at__gte=since, searched_at__lt=until)
        .select_related("best_item")
        .defer(*_NEAREST_ITEM_UNREAD)
    )
    if user.can("admin"):
        return gaps
    return gaps.filter(place_within_q(user.covered_paths(), "place__path"))


# A gap shows its nearest item's code and title: its body, analysed terms and vector stay unread.
_NEAREST_ITEM_UNREAD = tuple(
    f"best_item__{name}"
    for name in ("body", "search_title", "search_keywords", "search_body", "search_grams", "embedding")
)


@dataclass
class GapGroup:
    gaps: list[Gap]
    keywords: list[str] = field(default_factory=list)
    per_day: dict[date, int] = field(default_factory=dict)
    day_counts: list[int] = field(default_factory=list)  # per day of the report's window, in order

    @property
    def total(self) -> int:
        return len(self.gaps)

    @property
    def examples(self) -> list[Gap]:
        return self.gaps[: gap_rules().examples]

    @property
    def no_confident_answer(self) -> int:
        return sum(gap.reason == GapReason.NO_CONFIDENT_ANSWER for gap in self.gaps)

    @property
    def nearest_item(self) -> Item | None:
        """The item the group's searches found first most often (what an editor might extend)."""
        found = Counter(gap.best_item for gap in self.gaps if gap.best_item is not None)
        return found.most_common(1)[0][0] if found else None


@dataclass
class GapReport:
    start: date
    end: date
    groups: list[GapGroup]
    total: int
    ungrouped: int  # beyond group_at_most, or recorded without a vector: each is its own group

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def gap_report(*, user: User, start: date | None = None, end: date | None = None) -> GapReport:
    start, end = gap_window(start, end)
    gaps = list(gap_list(user=user, start=start, end=end))
    return group_gaps(gaps, start=start, end=end)


def group_gaps(gaps: list[Gap], *, start: date, end: date) -> GapReport:
    """Largest groups first; within a group, newest first."""
    rules = gap_rules()
    with_vector = [gap for gap in gaps if gap.vector][: rules.group_at_most]
    grouped_ids = {gap.pk for gap in with_vector}
    rest = [gap for gap in gaps if gap.pk not in grouped_ids]
    groups = [GapGroup(gaps=members) for members in _cluster(with_vector, rules.group_similarity)]
    groups += [GapGroup(gaps=[gap]) for gap in rest]
    _name(groups, rules.keywords)
    report = GapReport(start=start, end=end, groups=groups, total=len(gaps), ungrouped=len(rest))
    for group in groups:
        group.per_day = dict(
            sorted(Counter(timezone.localtime(g.searched_at).date() for g in group.gaps).items())
        )
        group.day_counts = [group.per_day.get(day, 0) for day in report.days]
    groups.sort(key=lambda g: (-g.total, -max(gap.searched_at.timestamp() for gap in g.gaps)))
    return report


def _cluster(gaps: list[Gap], similarity: float) -> list[list[Gap]]:
    if len(gaps) < 2:
        return [[gap] for gap in gaps]
    from sklearn.cluster import AgglomerativeClustering

    vectors = np.vstack([np.frombuffer(bytes(gap.vector), dtype=np.float32) for gap in gaps])
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - similarity
    ).fit_predict(vectors)
    members: dict[int, list[Gap]] = defaultdict(list)
    for gap, label in zip(gaps, labels, strict=True):
        members[int(label)].append(gap)
    return list(members.values())


def _name(groups: list[GapGroup], keywords: int) -> None:
    """Each group's characteristic words: common in its questions, rare in the other groups'."""
    analyzer = default_analyzer()
    words_of = [
        [{w for w in analyzer.words(normalise(gap.text)) if len(w) >= 2} for gap in group.gaps]
        for group in groups
    ]
    groups_with: Counter[str] = Counter()
    for questions in words_of:
        groups_with.update(set().union(*questions))
    for group, questions in zip(groups, words_of, strict=True):
        counts = Counter(word for words in questions for word in words)
        score = {
            word: (n / len(questions)) * math.log(1 + len(groups) / groups_with[word])
            for word, n in counts.items()
        }
        group.keywords = sorted(score, key=lambda w: (-score[w], w))[:keywords]
