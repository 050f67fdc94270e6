"""The specialty vocabulary and the split of "<Location> <Specialty>" doctor lines.

The vocabulary is a data file (data/specialties.txt) so an editor can extend it without code.
The split takes the longest known specialty that ends the line; what precedes it is the place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Words that show the "place" in front of a specialty is really prose ("see a Board Certified
# Plastic Surgeon"), so the line is not a doctor line.
_NOT_A_PLACE = frozenset(
    {"a", "an", "the", "your", "my", "our", "their", "his", "her", "any", "see", "consult"}
    | {"visit", "find", "board", "certified", "qualified", "experienced", "good", "great"}
    | {"best", "local", "reputable", "skilled", "expert", "trained", "licensed", "by", "with"}
    | {"from", "to", "for", "is", "are", "was", "be", "ask", "or"}
)
# Stop words that also begin real place names, accepted only capitalised and first.
_PLACE_FIRST_WORDS = frozenset({"The", "Great"})
# A place is words of letters (any script), with the punctuation real place names use
# ("St. Louis", "Coeur d'Alene", "Winston-Salem", "Portland, OR").
_PLACE = re.compile(r"^[^\W\d_][\w.'\u2019\-,]*(?: [\w.'\u2019\-,()]+)*$")


@dataclass(frozen=True, slots=True)
class Split:
    location: str | None
    specialty: str


@cache
def vocabulary() -> tuple[str, ...]:
    """Return the known specialties, longest first."""
    text = resources.files("sitegen").joinpath("data/specialties.txt").read_text("utf-8")
    names = {line.strip() for line in text.split("\n")}
    names = {n for n in names if n and not n.startswith("#")}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@cache
def _suffix_index() -> dict[str, str]:
    return {name.casefold(): name for name in vocabulary()}


def known_specialty(line: str) -> Split | None:
    """Split a doctor line whose specialty is in the vocabulary, or return None.

    Returns None for prose that merely ends with a specialty ("see a Board Certified Plastic
    Surgeon") and for lines that end with sentence punctuation.
    """
    if not line or len(line) > 120 or line[-1] in ".!?:;,":
        return None
    words = line.split(" ")
    index = _suffix_index()
    # Longest suffix first: try taking the most words as the specialty.
    for cut in range(len(words)):
        candidate = " ".join(words[cut:]).casefold()
        if candidate in index:
            place = " ".join(words[:cut])
            if not place:
                return Split(None, line)
            if not _is_place(place):
                return None
            return Split(place, " ".join(words[cut:]))
    return None


def _is_place(text: str) -> bool:
    words = text.split(" ")
    if len(words) > 6 or not _PLACE.match(text):
        return False
    if len(words) > 1 and words[0] in _PLACE_FIRST_WORDS:
        words = words[1:]  # "The Woodlands", "Great Neck": capitalised, and a name follows
    return not any(w.casefold().strip(",.") in _NOT_A_PLACE for w in words)


def split_doctor_line(line: str) -> tuple[Split, bool]:
    """Split a line already known to be a doctor line; the flag says the specialty was known.

    An unknown specialty keeps the whole line as the specialty, with no place: nothing dropped.
    """
    split = known_specialty(line)
    if split is not None:
        return split, True
    return Split(None, line), False
