"""Every published question's related list, reusing the last build's lists wherever no changed
question can have altered them.

The promise: `RelatedLists(questions, memo).related(q)` is always exactly
`RelatedIndex(questions).related(q)`. A list depends only on the features (topics, specialties,
title words) of its question and of the others, so after a build that changed the features of
a few questions, a question's old list stays right when it shares no feature with any changed
question (before or after the change); when it does, but none of its old members changed, the
new list is the best five of the old list and the changed questions. Anything else (its own
features changed, a member changed or left, no memo, too many changes) is ranked afresh.
"""

from __future__ import annotations

import ast
import heapq
from collections.abc import Sequence
from pathlib import Path

from sitegen import cache
from sitegen.browse import question_tags
from sitegen.model import Question
from sitegen.related import LIMIT, RelatedIndex, title_words
from sitegen.site import specialties_of

MEMO_FILE = "related.pickle"
# Past this many changed questions, ranking every list afresh is cheaper than checking each.
MAX_CHANGED = 500
# Lists ranked one by one with a scan of every question before the pages render; past this
# many, each render process builds the bitset index instead.
MAX_SCANS = 8

Features = tuple[frozenset[str], frozenset[str], frozenset[str]]  # topics, specialties, words
# What the next build reuses: each question's features written as the repr of sorted tuples
# (100,000 strings load ten times faster than 300,000 frozensets), and its list of ids.
Memo = tuple[dict[str, str], dict[str, tuple[str, ...]]]


def encode(features: Features) -> str:
    return repr(tuple(tuple(sorted(part)) for part in features))


def decode(text: str) -> Features:
    topics, specialties, words = ast.literal_eval(text)
    return frozenset(topics), frozenset(specialties), frozenset(words)


def features_of(question: Question) -> Features:
    return (
        frozenset(question_tags(question)),
        frozenset(specialties_of(question)),
        title_words(question.title),
    )


def _score(mine: Features, theirs: Features) -> tuple[int, int, int]:
    return (
        len(mine[0] & theirs[0]),
        len(mine[1] & theirs[1]),
        len(mine[2] & theirs[2]),
    )


def _rank(score: tuple[int, int, int]) -> tuple[int, int, int]:
    """Return what a list is sorted on (then by id): the highest score first."""
    return (-score[0], -score[1], -score[2])


class RelatedLists:
    def __init__(self, questions: Sequence[Question], memo: Memo | None = None) -> None:
        self._questions = questions
        self._by_id = {q.id: q for q in questions}
        self.features = {q.id: features_of(q) for q in questions}
        self.lists: dict[str, tuple[str, ...]] = {}  # ids, known before rendering
        self.computed: dict[str, tuple[str, ...]] = {}  # ids, ranked while rendering
        self._index: RelatedIndex | None = None
        self._encoding: dict[str, str] | None = None
        if memo is not None:
            self._reuse(*memo)
        missing = [q.id for q in questions if q.id not in self.lists]
        if len(missing) <= MAX_SCANS:
            for question_id in missing:
                self.lists[question_id] = self._scan(question_id)

    def related(self, question: Question) -> tuple[Question, ...]:
        """Return up to LIMIT related questions, best first."""
        return tuple(self._by_id[i] for i in self.related_ids(question))

    def related_ids(self, question: Question) -> tuple[str, ...]:
        """Return the ids of `related(question)`."""
        ids = self.lists.get(question.id)
        if ids is None:
            ids = self.computed.get(question.id)
        if ids is None:
            if self._index is None:
                self._index = RelatedIndex(self._questions)
            ids = tuple(q.id for q in self._index.related(question))
            self.computed[question.id] = ids
        return ids

    def prepare(self) -> None:
        """Build the ranking index now if some list is still to rank: before forking more
        render processes than cores, so they share one index instead of each building it."""
        if self._index is None and len(self.lists) < len(self._questions):
            self._index = RelatedIndex(self._questions)

    def memo(self) -> Memo:
        """Return what the next build needs to reuse these lists (call after rendering)."""
        return self._encoded(), {**self.lists, **self.computed}

    def _encoded(self) -> dict[str, str]:
        if self._encoding is None:
            self._encoding = {i: encode(f) for i, f in self.features.items()}
        return self._encoding

    def _reuse(self, old_features: dict[str, str], old_lists: dict[str, tuple[str, ...]]) -> None:
        features, encoded = self.features, self._encoded()
        every = old_features.keys() | encoded.keys()
        changed = {i for i in every if old_features.get(i) != encoded.get(i)}
        if len(changed) > MAX_CHANGED:
            return
        touched: tuple[set[str], set[str], set[str]] = (set(), set(), set())
        for question_id in changed:
            before = old_features.get(question_id)
            for version in (decode(before) if before else None, features.get(question_id)):
                for kind, values in zip(touched, version or (), strict=False):
                    kind.update(values)
        live_changed = [i for i in sorted(changed) if i in features]
        for question_id, mine in features.items():
            old = old_lists.get(question_id)
            if old is None or question_id in changed:
                continue
            if all(t.isdisjoint(m) for t, m in zip(touched, mine, strict=True)):
                self.lists[question_id] = old
            elif not changed.intersection(old):
                self.lists[question_id] = self._merged(mine, old, live_changed, question_id)

    def _merged(
        self, mine: Features, old: tuple[str, ...], changed: list[str], own_id: str
    ) -> tuple[str, ...]:
        """Return the best LIMIT of a list ranked before (`old`, none of whose members
        changed) and the changed questions. A changed question that shares a topic touches
        most lists (80,000 at 100,000 questions) but mostly ranks below the last of a full
        list: then the list stands, found with a score for each changed question and one for
        the last, not a score for every member again."""
        entering = [
            (_rank(score), other)
            for other in changed
            if other != own_id and (score := _score(mine, self.features[other])) != (0, 0, 0)
        ]
        if not entering:
            return old
        if len(old) == LIMIT:
            last = (_rank(_score(mine, self.features[old[-1]])), old[-1])
            if all(candidate > last for candidate in entering):
                return old
        return self._best(mine, [*old, *changed], own_id)

    def _best(self, mine: Features, candidates: list[str], own_id: str) -> tuple[str, ...]:
        ranked = []
        for other in candidates:
            if other == own_id:
                continue
            score = _score(mine, self.features[other])
            if score != (0, 0, 0):
                ranked.append((_rank(score), other))
        return tuple(other for _, other in heapq.nsmallest(LIMIT, ranked))

    def _scan(self, question_id: str) -> tuple[str, ...]:
        return self._best(self.features[question_id], list(self.features), question_id)


def load_memo(cache_dir: Path | None, version: str) -> Memo | None:
    if cache_dir is None:
        return None
    stored = cache.load(cache_dir / MEMO_FILE, version).get("memo")
    return stored if isinstance(stored, tuple) and len(stored) == 2 else None


def save_memo(cache_dir: Path | None, version: str, memo: Memo) -> None:
    if cache_dir is not None:
        cache.save(cache_dir / MEMO_FILE, version, {"memo": memo})
