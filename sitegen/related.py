"""Related questions: up to five per question, never the question itself, ranked by shared
topics, then shared specialties, then shared title words, ties by id.

No corpus-wide weights (no IDF, no popularity): a question's list depends only on which other
questions share what with it, so adding a question changes only the lists it enters.

Cheap at 50,000 questions: each topic, specialty and title word has a posting list stored as a
bitset (a Python int, bit i = i-th question in id order). Per question, the shared counts of all
candidates at once are bit-sliced counters (one int per bit of the count); the best candidates
fall out of a few AND operations, highest count bit first, never a loop over the corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sitegen.browse import question_tags
from sitegen.model import Question
from sitegen.site import specialties_of

LIMIT = 5
_WORD = re.compile(r"[^\W_]+")
# Words that say nothing about what a question is about; a fixed list, not a corpus statistic.
STOPWORDS = frozenset(
    """a about after again all am an and any are as at be been before being but by can could
    did do does doing don for from get getting go going got had has have having how i if in into
    is it its just me my need no normal not now of off on or other out over should so some still
    than that the their them then there these they this to too up was what when where which who
    why will with would you your yes ok""".split()  # noqa: SIM905 (a word list reads better)
)


def title_words(title: str) -> frozenset[str]:
    """Return the words of a title that can relate two questions (no stopwords, 3+ letters)."""
    words = (w for w in _WORD.findall(title.casefold()) if len(w) > 2)
    return frozenset(w for w in words if w not in STOPWORDS)


@dataclass(frozen=True, slots=True)
class _Features:
    topics: tuple[str, ...]
    specialties: tuple[str, ...]
    words: tuple[str, ...]


class RelatedIndex:
    """Inverted index of topics, specialties and title words over published questions."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions = sorted(questions, key=lambda q: q.id)
        self._position = {q.id: i for i, q in enumerate(self.questions)}
        self._features = [
            _Features(question_tags(q), specialties_of(q), tuple(sorted(title_words(q.title))))
            for q in self.questions
        ]
        self._postings: tuple[dict[str, int], dict[str, int], dict[str, int]] = (
            defaultdict(int),
            defaultdict(int),
            defaultdict(int),
        )
        for postings, made in zip(
            self._postings, postings_of(map(_values, self._features)), strict=True
        ):
            postings.update(made)

    def related(self, question: Question, limit: int = LIMIT) -> tuple[Question, ...]:
        """Return up to `limit` related questions, best first."""
        index = self._position[question.id]
        features = self._features[index]
        counters = [
            _bit_sliced_count(postings[v] for v in values)
            for postings, values in zip(self._postings, _values(features), strict=True)
        ]
        pool = 0
        for postings, values in zip(self._postings, _values(features), strict=True):
            for value in values:
                pool |= postings[value]
        pool &= ~(1 << index)
        chosen: list[Question] = []
        while pool and len(chosen) < limit:
            best = best_of(pool, counters)
            while best and len(chosen) < limit:  # ties: lowest bit = smallest id
                low = best & -best
                chosen.append(self.questions[low.bit_length() - 1])
                best ^= low
                pool ^= low
        return tuple(chosen)


def best_of(pool: int, counters: Iterable[list[int]]) -> int:
    """Return the questions of `pool` with the highest counts: topics, then specialties, then
    words (bit-sliced counters, as `_bit_sliced_count` makes them)."""
    best = pool
    for slices in counters:  # topics, then specialties, then words
        for bits in reversed(slices):  # highest count bit first
            narrowed = best & bits
            if narrowed:
                best = narrowed
    return best


def _values(features: _Features) -> tuple[tuple[str, ...], ...]:
    return features.topics, features.specialties, features.words


def postings_of(features: Iterable[Sequence[Iterable[str]]]) -> list[dict[str, int]]:
    """Return, for topics, specialties and words, each value's bitset of the positions whose
    features hold it, each bitset made once (`bits_at`)."""
    placed: tuple[dict[str, list[int]], ...] = ({}, {}, {})
    size = 0
    for size, kinds in enumerate(features, start=1):
        for where, values in zip(placed, kinds, strict=True):
            for value in values:
                where.setdefault(value, []).append(size - 1)
    return [{value: bits_at(slots, size) for value, slots in where.items()} for where in placed]


def bits_at(positions: Iterable[int], size: int) -> int:
    """Return the int with these bits set (below `size`), made in one go: setting them one at
    a time copies the whole int each time (4 s for 100,000 questions' postings)."""
    raw = bytearray((size + 7) >> 3)
    for at in positions:
        raw[at >> 3] |= 1 << (at & 7)
    return int.from_bytes(raw, "little")


def _bit_sliced_count(masks: Iterable[int]) -> list[int]:
    """Return bit slices of per-position counts: slice k holds bit k of how many masks have
    that position set."""
    slices: list[int] = []
    for mask in masks:
        carry = mask
        for k, bits in enumerate(slices):
            if not carry:
                break
            slices[k] = bits ^ carry
            carry &= bits
        if carry:
            slices.append(carry)
    return slices
