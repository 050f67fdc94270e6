"""Which related lists a new question enters, found for every question at once: part of step 3
of docs/delta-builds.md.

A list holds the best LIMIT questions sharing something with its own (related.py): ranked by
shared topics, then specialties, then title words, ties by the smaller id. So a new question Q
enters the list of X exactly when X shares something with Q and either X's list is short (it
holds every question sharing something with X) or Q ranks above X's last member. `Entries`
keeps, as bitsets over the questions (bit i: the question in slot i), each value's postings and
each full list's last score, bit-sliced (one int per bit of a count, as `RelatedIndex` counts);
Q's scores against every question come from its values' postings, and the comparison with every
last score is a few dozen operations on those ints, not a loop over the site. Only exact ties
are settled one by one, on ids.

The promise, held by a test against ranking every list afresh: after any sequence of `add`,
`entering(q)` names exactly the lists that ranking would change by adding q.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sitegen.related import LIMIT, _bit_sliced_count, best_of, bits_at, postings_of
from sitegen.related_lists import Encoded, Features, _rank, _score, decode, encode


class _Decoded(dict[str, Features]):
    """Features by question id, each decoded from its stored string when first asked for."""

    def __init__(self, encoded: dict[str, Encoded]) -> None:
        super().__init__()
        self.encoded = encoded

    def __missing__(self, qid: str) -> Features:
        made = self[qid] = decode(self.encoded[qid])
        return made


_GONE = "\0"  # the id of a removed question's slot (no record's file name holds a NUL)
_STORED = ("ids", "lists", "postings", "full", "last", "last_ids")  # (slots: from the ids)


class Entries:
    """The related lists of a site and what tells which of them a new question enters."""

    def __init__(
        self,
        features: Mapping[str, Features],
        lists: Mapping[str, tuple[str, ...]],
        encoded: Mapping[str, Encoded] | None = None,
    ):
        """`lists`: each question's related list, as ranking gives it. `encoded`: features
        encoded already (`encode` of the same features), kept to store: encoding 100,000
        again took a full build a second."""
        self.ids: list[str] = []  # by slot (_GONE: a question removed)
        self.slots: dict[str, int] = {}
        self.features: dict[str, Features] = {}
        if encoded:  # (only the questions placed: `__getstate__` trusts each one's encoding)
            self.features = _Decoded({q: encoded[q] for q in features if q in encoded})
        self.lists: dict[str, tuple[str, ...]] = {}
        self.postings: tuple[dict[str, int], ...] = (
            defaultdict(int),
            defaultdict(int),
            defaultdict(int),
        )
        self.full = 0  # the questions whose list holds LIMIT others
        self.last: tuple[list[int], list[int], list[int]] = ([], [], [])  # full lists' last scores
        self.last_ids: dict[int, str] = {}  # slot -> the id of its list's last member
        self._make(features, lists)

    def _make(self, features: Mapping[str, Features], lists: Mapping[str, tuple[str, ...]]) -> None:
        """Place every question and set every list, as `_place` and `_set_list` of each would,
        making each bitset once from its slots (`bits_at`)."""
        self.ids = sorted(features)
        self.slots = dict(zip(self.ids, range(len(self.ids)), strict=True))
        size = len(self.ids)
        full: list[int] = []
        last: tuple[list[list[int]], ...] = ([], [], [])
        for slot, qid in enumerate(self.ids):
            mine = self.features[qid] = features[qid]
            ranked = self.lists[qid] = tuple(lists[qid])
            if len(ranked) == LIMIT:
                full.append(slot)
                self.last_ids[slot] = ranked[-1]
                score = _score(mine, features[ranked[-1]])
                for slices, count in zip(last, score, strict=True):
                    for k in range(count.bit_length()):
                        if count >> k & 1:
                            while len(slices) <= k:
                                slices.append([])
                            slices[k].append(slot)
        made = postings_of(features[qid] for qid in self.ids)
        for postings, values in zip(self.postings, made, strict=True):
            postings.update(values)
        self.full = bits_at(full, size)
        topics, specialties, words = ([bits_at(slots, size) for slots in k] for k in last)
        self.last = (topics, specialties, words)

    def __getstate__(self) -> dict[str, Any]:
        # Each question's features stored as one string (related_lists.encode): 300,000
        # frozensets took 0.4 s of a delta build's start at 100,000 questions.
        state = {name: getattr(self, name) for name in _STORED}
        features = self.features
        # (The encoded ones are of the same features: `remove` drops a question's both.)
        encoded = dict(features.encoded) if isinstance(features, _Decoded) else {}
        made = ((qid, encode(made)) for qid, made in features.items() if qid not in encoded)
        encoded.update(made)
        state["features"] = encoded
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in _STORED:
            setattr(self, name, state[name])
        self.slots = dict(zip(self.ids, range(len(self.ids)), strict=True))  # (as _place sets)
        self.slots.pop(_GONE, None)
        self.features = _Decoded(state["features"])

    def _place(self, qid: str, features: Features) -> int:
        slot = self.slots[qid] = len(self.ids)
        self.ids.append(qid)
        self.features[qid] = features
        bit = 1 << slot
        for postings, values in zip(self.postings, features, strict=True):
            for value in values:
                postings[value] |= bit
        return slot

    def _set_list(self, qid: str, ranked: tuple[str, ...]) -> None:
        slot = self.slots[qid]
        bit = 1 << slot
        old = self.lists.get(qid)
        if old is not None and len(old) == LIMIT:
            score = _score(self.features[qid], self.features[old[-1]])
            for slices, count in zip(self.last, score, strict=True):
                _put(slices, bit, count, on=False)
            self.full &= ~bit
            del self.last_ids[slot]
        self.lists[qid] = ranked
        if len(ranked) == LIMIT:
            score = _score(self.features[qid], self.features[ranked[-1]])
            for slices, count in zip(self.last, score, strict=True):
                _put(slices, bit, count, on=True)
            self.full |= bit
            self.last_ids[slot] = ranked[-1]

    def entering(self, qid: str, features: Features) -> list[str]:
        """Return the ids of the lists a new question with these features enters, in id order."""
        return self._entering(qid, *self._counts(features))

    def _entering(self, qid: str, counts: list[list[int]], pool: int) -> list[str]:
        everyone = (1 << len(self.ids)) - 1
        above, same = 0, everyone  # Q's score above / equal to the last's, on the parts so far
        for mine, theirs in zip(counts, self.last, strict=True):
            greater, equal = _compare(mine, theirs, everyone)
            above |= same & greater
            same &= equal
        full = self.full & pool
        chosen = (pool & ~self.full) | (above & full)
        ties = same & full
        while ties:
            low = ties & -ties
            slot = low.bit_length() - 1
            if qid < self.last_ids[slot]:
                chosen |= low
            ties ^= low
        return sorted(self.ids[i] for i in _slots(chosen))

    def add(self, qid: str, features: Features) -> list[str]:
        """Add a question: its list, and it into every list it enters. Return those lists."""
        if qid in self.slots:
            raise ValueError(f"{qid} has a list already")
        counts, pool = self._counts(features)  # before it is placed: it shares all with itself
        entered = self._entering(qid, counts, pool)
        self._place(qid, features)
        for other in entered:
            theirs = self.features[other]
            ranked = sorted(
                (*self.lists[other], qid),
                key=lambda i: (_rank(_score(theirs, self.features[i])), i),
            )
            self._set_list(other, tuple(ranked[:LIMIT]))
        self._set_list(qid, self._ranked(counts, pool))
        return entered

    def remove(self, qid: str) -> list[str]:
        """Take a question out: its list, and it out of every list holding it, each ranked
        again without it. Return those lists, in id order (KeyError if it has no list). Its
        slot stays empty: the others' bits do not move."""
        slot = self.slots[qid]
        bit = 1 << slot
        self._set_list(qid, ())  # (its last score cleared)
        del self.lists[qid], self.slots[qid]
        for postings, values in zip(self.postings, self.features[qid], strict=True):
            for value in values:
                postings[value] &= ~bit
                if not postings[value]:
                    del postings[value]
        self.ids[slot] = _GONE
        # (A scan: about 10 ms over 100,000 lists.) Its features stay until these are ranked:
        # a list whose last member it was scores that member as it goes.
        holding = sorted(other for other, ranked in self.lists.items() if qid in ranked)
        for other in holding:
            counts, pool = self._counts(self.features[other])
            self._set_list(other, self._ranked(counts, pool & ~(1 << self.slots[other])))
        del self.features[qid]
        if isinstance(self.features, _Decoded):
            self.features.encoded.pop(qid, None)
        return holding

    def _counts(self, features: Features) -> tuple[list[list[int]], int]:
        """Return how many values of each part every question shares with these features (bit
        sliced), and the questions sharing any."""
        counts, pool = [], 0
        for postings, values in zip(self.postings, features, strict=True):
            masks = [postings[v] for v in values]
            counts.append(_bit_sliced_count(masks))
            for mask in masks:
                pool |= mask
        return counts, pool

    def _ranked(self, counts: list[list[int]], pool: int) -> tuple[str, ...]:
        """Rank a list from its question's counts and pool (without the question itself):
        its best score's questions, as `RelatedIndex.related` narrows them, then by id (slots
        are not in id order once added to)."""
        chosen: list[str] = []
        ids = self.ids
        while pool and len(chosen) < LIMIT:
            best = best_of(pool, counts)
            chosen += sorted(ids[i] for i in _slots(best))[: LIMIT - len(chosen)]
            pool &= ~best
        return tuple(chosen)


def _put(slices: list[int], bit: int, count: int, *, on: bool) -> None:
    """Set (or clear) one position's count in bit slices."""
    k = 0
    while count >> k:
        if count >> k & 1:
            while len(slices) <= k:
                slices.append(0)
            slices[k] = slices[k] | bit if on else slices[k] & ~bit
        k += 1


def _compare(mine: list[int], theirs: list[int], everyone: int) -> tuple[int, int]:
    """Return the positions where bit-sliced counts `mine` are greater than `theirs`, and
    where they are equal."""
    greater, equal = 0, everyone
    for k in reversed(range(max(len(mine), len(theirs)))):
        a = mine[k] if k < len(mine) else 0
        b = theirs[k] if k < len(theirs) else 0
        greater |= equal & a & ~b
        equal &= ~(a ^ b)
    return greater, equal


def _slots(bits: int) -> list[int]:
    """Return the positions of the set bits, lowest first."""
    found = []
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found
