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

import heapq
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from sitegen import cache
from sitegen.browse import question_tags
from sitegen.model import Question
from sitegen.related import LIMIT, RelatedIndex, title_words
from sitegen.site import specialties_of

MEMO_FILE = "related.pickle"
MEMO_KEY = "memo-2"  # the memo's layout: (record digest, encoded features) a question
BESIDE_KEY = "beside"
# Past this many changed questions, ranking every list afresh is cheaper than checking each.
MAX_CHANGED = 500
# Lists ranked one by one with a scan of every question before the pages render; past this
# many, each render process builds the bitset index instead.
MAX_SCANS = 8

Features = tuple[frozenset[str], frozenset[str], frozenset[str]]  # topics, specialties, words
# Features as the memo keeps them: one string, the three parts' sorted values joined by
# separators (100,000 strings load ten times faster than 300,000 frozensets), or sorted tuples
# for a value holding a separator (a hand-edited record may hold any character).
Encoded = str | tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
# What the next build reuses: each question's record digest (None without one) and encoded
# features, and its list of ids.
Memo = tuple[dict[str, tuple[str | None, Encoded]], dict[str, tuple[str, ...]]]
_PART, _VALUE = "\x1f", "\x1e"


def encode(features: Features) -> Encoded:
    parts = tuple(sorted(features[0])), tuple(sorted(features[1])), tuple(sorted(features[2]))
    text = _PART.join(_VALUE.join(part) for part in parts)
    # The text splits back into these parts only if no value held a separator or was empty.
    joins = sum(len(part) - 1 for part in parts if part)
    empty = "" in features[0] or "" in features[1] or "" in features[2]
    if text.count(_PART) == 2 and text.count(_VALUE) == joins and not empty:
        return text
    return parts


def decode(encoded: Encoded) -> Features:
    if isinstance(encoded, str):
        topics, specialties, words = encoded.split(_PART)
        return _values(topics), _values(specialties), _values(words)
    return frozenset(encoded[0]), frozenset(encoded[1]), frozenset(encoded[2])


def _values(text: str) -> frozenset[str]:
    """Interned, as the values of questions loaded from records are: 100,000 questions' own
    copies of the same few hundred words took 60 MB."""
    return frozenset(map(sys.intern, text.split(_VALUE))) if text else frozenset()


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
    def __init__(
        self,
        questions: Sequence[Question],
        memo: Memo | None = None,
        digests: Mapping[str, str] | None = None,
    ) -> None:
        """`digests`: the digest of each question's record bytes, by id, where known. A
        question whose record has the digest the memo noted has the features noted with it
        (a question is a function of its record's bytes and of the code, which the memo's
        version covers): they are decoded, not worked out again from the question."""
        self._questions = questions
        self._by_id = {q.id: q for q in questions}
        self._digests = digests or {}
        noted = memo[0] if memo is not None else {}
        self._noted: dict[str, tuple[str | None, Encoded]] = {}  # the memo's entries still true
        self.features: dict[str, Features] = {}
        for question in questions:
            entry = noted.get(question.id)
            digest = self._digests.get(question.id)
            if entry is not None and digest is not None and entry[0] == digest:
                self._noted[question.id] = entry
                self.features[question.id] = decode(entry[1])
            else:
                self.features[question.id] = features_of(question)
        self.lists: dict[str, tuple[str, ...]] = {}  # ids, known before rendering
        self.computed: dict[str, tuple[str, ...]] = {}  # ids, ranked while rendering
        self._index: RelatedIndex | None = None
        self._encoding: dict[str, tuple[str | None, Encoded]] | None = None
        # Ids of the questions that are new, gone or whose record changed since the memo was
        # taken (None without a memo: then any question may have changed).
        self.unsure: frozenset[str] | None = None
        if memo is not None:
            self._reuse(*memo)
        missing = [q.id for q in questions if q.id not in self.lists]
        if len(missing) <= MAX_SCANS:
            for question_id in missing:
                self.lists[question_id] = self._scan(question_id)

    def changed_questions(self) -> list[Question] | None:
        """Return the questions whose records are new or changed since the memo was taken
        (None without a memo: any may have changed)."""
        if self.unsure is None:
            return None
        by_id = self._by_id
        return [by_id[i] for i in sorted(self.unsure) if i in by_id]

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

    def _encoded(self) -> dict[str, tuple[str | None, Encoded]]:
        if self._encoding is None:
            noted, digests = self._noted, self._digests
            self._encoding = {
                i: noted.get(i) or (digests.get(i), encode(f)) for i, f in self.features.items()
            }
        return self._encoding

    def _reuse(
        self,
        old_features: dict[str, tuple[str | None, Encoded]],
        old_lists: dict[str, tuple[str, ...]],
    ) -> None:
        features, noted = self.features, self._noted
        # A question whose noted features still hold did not change; of the others, those
        # whose features differ from the noted ones (or that came or went) did.
        unsure = (old_features.keys() | features.keys()) - noted.keys()
        self.unsure = frozenset(unsure)
        before = {i: _features(old_features.get(i)) for i in unsure}
        changed = {i for i in unsure if before[i] != features.get(i)}
        if len(changed) > MAX_CHANGED:
            return
        touched: tuple[set[str], set[str], set[str]] = (set(), set(), set())
        for question_id in changed:
            for version in (before[question_id], features.get(question_id)):
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


def _features(entry: tuple[str | None, Encoded] | None) -> Features | None:
    return decode(entry[1]) if entry is not None else None


def load_memo(cache_dir: Path | None, version: str) -> tuple[Memo | None, object]:
    """Return the memo and what was saved with it (`save_memo`'s `beside`), or None for each."""
    if cache_dir is None:
        return None, None
    entries = cache.load(cache_dir / MEMO_FILE, version)
    stored = entries.get(MEMO_KEY)
    memo = stored if isinstance(stored, tuple) and len(stored) == 2 else None
    return memo, entries.get(BESIDE_KEY) if memo is not None else None


def save_memo(cache_dir: Path | None, version: str, memo: Memo, beside: object = None) -> None:
    """Save the memo and, in the same file, `beside`: whatever else holds as long as the
    memo's record digests do (so a build killed between two files can never pair them up)."""
    if cache_dir is not None:
        cache.save(cache_dir / MEMO_FILE, version, {MEMO_KEY: memo, BESIDE_KEY: beside})
