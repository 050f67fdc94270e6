"""Parser invariants: only SeedError escapes, and every seed word lands in the record."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.errors import SeedError
from sitegen.model import Question
from sitegen.parser import COUNT_LINE, DISCLAIMER_START, parse_seed
from sitegen.seedtext import decode_seed

PATH = "seeds/gen.txt"
REAL_SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
PROPERTY = settings(
    deadline=None,
    max_examples=200,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

_BULLET_GLYPHS = set("•●▪◦‣∙·*-")
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#<>+\-.])")


def _words(text: str) -> list[str]:
    """Split into words, with hashtags' '#' and bare bullet glyphs removed."""
    words = []
    for word in text.split():
        word = word.lstrip("#")
        if word and not set(word) <= _BULLET_GLYPHS:
            words.append(word)
    return words


def seed_words(lines: tuple[str, ...]) -> Counter[str]:
    """Return the words of a seed outside its count line and closing disclaimer."""
    kept = [
        line
        for line in lines
        if not COUNT_LINE.match(line.strip())
        and not line.strip().lower().startswith(DISCLAIMER_START)
    ]
    return Counter(_words("\n".join(kept)))


def record_words(question: Question) -> Counter[str]:
    """Return the words a record holds, with Markdown escapes and list markers read back."""
    parts = [question.title, question.body]
    for answer in question.answers:
        body = _MD_ESCAPE.sub(r"\1", answer.body).replace("&#61;", "=").replace("&amp;", "&")
        parts += [answer.title or "", body]
        doctor = answer.doctor
        parts += [doctor.name or "", doctor.location or "", doctor.specialty or ""]
        if doctor.rating is not None:
            parts.append(f"{doctor.rating} out of 5 stars")
        if doctor.review_count is not None:
            noun = "review" if doctor.review_count == 1 else "reviews"
            parts.append(f"{doctor.review_count} {noun}")
    return Counter(_words("\n".join(parts)))


def assert_every_word_lands(data: bytes) -> None:
    seed = decode_seed(data, PATH)
    question = parse_seed(seed, PATH).question
    missing = seed_words(seed.lines) - record_words(question)
    assert not missing, f"seed words missing from the record: {sorted(missing)}"


@pytest.mark.parametrize("path", REAL_SEEDS, ids=[p.stem for p in REAL_SEEDS])
def test_every_word_of_a_real_seed_lands_in_its_record(path: Path) -> None:
    assert_every_word_lands(path.read_bytes())


# --- arbitrary input -------------------------------------------------------------------------

_SEED_ALPHABET = st.sampled_from(
    [
        *"ab #•*_`>-+1.()[]<>&\n\r\t \u00a0\u2028\x0b\x0c\x85é\ufeff",
        *["\n\n", "Doctor Answers 2", "Ask a doctor", "+2", "Tampa Plastic Surgeon"],
        *["4.9 out of 5 stars 1 review", "These answers are for educational purposes", "Title?"],
    ]
)
_TEXTY = st.lists(_SEED_ALPHABET, max_size=60).map("".join)


@PROPERTY
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_seed_error(data: bytes) -> None:
    with contextlib.suppress(SeedError):
        parse_seed(decode_seed(data, PATH), PATH)


@PROPERTY
@given(_TEXTY.map(lambda text: text.encode("utf-8")))
def test_seed_like_text_raises_nothing_but_seed_error(data: bytes) -> None:
    with contextlib.suppress(SeedError):
        parse_seed(decode_seed(data, PATH), PATH)


@PROPERTY
@given(st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_arbitrary_text_raises_nothing_but_seed_error(data: bytes) -> None:
    with contextlib.suppress(SeedError):
        parse_seed(decode_seed(data, PATH), PATH)


# --- generated well-formed seeds -------------------------------------------------------------

# Words that cannot form a count, rating, doctor, chrome or disclaimer line by accident.
_WORD = st.sampled_from(
    [
        *["botox", "nerve", "twitch", "cheek", "heals", "Muscle", "Weeks", "filler", "may", "go"],
        *["*star*", "_under_", "`tick`", "[x](y)", "<b>", "&amp;", "2-6", "#1", "50%", "café"],
        *["#botox", "#Swelling", "room", "C#", "a\\b", "(see)", "“quoted”", "it's", "x_y"],
    ]
)
_SENTENCE = st.lists(_WORD, min_size=2, max_size=10).map(lambda ws: " ".join(ws) + ".")
_PLAIN_LINE = st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join)
_MARKUP_START = st.sampled_from(["", "# ", "> ", "--- ", "1. ", "• ", "* ", "- ", "+ "])
_LINE = st.builds(lambda start, line: start + line, _MARKUP_START, _PLAIN_LINE)
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=3).map("\n".join)
_TITLE = st.lists(_WORD, min_size=1, max_size=8).map(lambda ws: " ".join(ws) + "?")
_HEADING = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_PLACE = st.sampled_from(["Tampa", "Salt Lake City", "Coeur d'Alene", "Costa Rica", "Orange"])
_SPECIALTY = st.sampled_from(
    ["Plastic Surgeon", "Facial Plastic Surgeon", "Dermatologist", "Oculoplastic Surgeon"]
)
_NAME = st.sampled_from(["Jane Doe, MD", "Pedro M. Soler, Jr., MD", "Dr. Ann Lee"])
_RATING = st.builds(
    lambda r, n: f"{r / 10:.1f} out of 5 stars {n} {'review' if n == 1 else 'reviews'}",
    st.integers(10, 50),
    st.integers(1, 500),
)


@st.composite
def _doctor_block(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(draw(_NAME))
    lines.append(f"{draw(_PLACE)} {draw(_SPECIALTY)}")
    if draw(st.booleans()):
        lines.append(draw(_RATING))
    return "\n".join(lines)


@st.composite
def _answer(draw: st.DrawFn) -> str:
    blocks = []
    if draw(st.booleans()):
        blocks.append(draw(_HEADING))
    blocks += draw(st.lists(_PARAGRAPH, min_size=1, max_size=3))
    blocks.append(draw(_doctor_block()))
    return "\n\n".join(blocks)


@st.composite
def _seed_and_answer_count(draw: st.DrawFn) -> tuple[str, int]:
    answers = draw(st.lists(_answer(), min_size=1, max_size=4))
    blocks = [draw(_TITLE), *draw(st.lists(_PLAIN_LINE, max_size=2))]
    if draw(st.booleans()):
        blocks.append(f"Doctor Answers {len(answers)}")
    blocks += answers
    blocks.append("These answers are for educational purposes and should not be relied upon.")
    return "\n\n".join(blocks) + "\n", len(answers)


def well_formed_seeds() -> st.SearchStrategy[str]:
    return _seed_and_answer_count().map(lambda pair: pair[0])


@PROPERTY
@given(well_formed_seeds())
def test_every_word_of_a_generated_seed_lands_in_its_record(text: str) -> None:
    assert_every_word_lands(text.encode("utf-8"))


@PROPERTY
@given(_seed_and_answer_count())
def test_generated_seed_keeps_its_answers_and_doctors(pair: tuple[str, int]) -> None:
    text, count = pair
    question = parse_seed(decode_seed(text.encode("utf-8"), PATH), PATH).question
    assert len(question.answers) == count
    assert all(a.doctor.specialty is not None for a in question.answers)
    assert all(a.doctor.location is not None for a in question.answers)
