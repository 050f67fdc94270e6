"""The seed corpus generator (sitegen.corpus): deterministic, realistic, and read back exactly."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from sitegen.corpus import (
    BULLET,
    DISCLAIMER,
    HASHTAGS,
    NBSP,
    PLACES,
    SPECIALTIES,
    GeneratedAnswer,
    GeneratedQuestion,
    generate_questions,
    generate_seeds,
    write_corpus,
)
from sitegen.parser import ParseResult, parse_seed
from sitegen.seedtext import decode_seed
from sitegen.specialties import vocabulary

CORPUS = list(generate_questions(1500, seed=0))
NAME = re.compile(r"^gen_\d{6}_[0-9a-f]{8}\.txt$")
SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]?\s+[A-Z0-9]")
EXPECTED_WARNINGS = ("no 'Doctor Answers' line", "the page says")


def parse(question: GeneratedQuestion) -> ParseResult:
    name = question.file_name
    return parse_seed(decode_seed(question.text.encode("utf-8"), name), name)


def normalise(line: str) -> str:
    return " ".join(line.split())


def expected_markdown(answer: GeneratedAnswer) -> str:
    """Return the record body the parser should make: bullets as '- ', hashtags without '#'."""
    blocks = []
    for block in answer.blocks:
        lines = [normalise(line).replace("#", "") for line in block]
        blocks.append("\n".join("- " + li[2:] if li.startswith("\u2022 ") else li for li in lines))
    return "\n\n".join(blocks)


def words(answer: GeneratedAnswer) -> int:
    return sum(len(line.split()) for block in answer.blocks for line in block)


# --- determinism and the API -------------------------------------------------------------------


def test_same_arguments_give_identical_seeds() -> None:
    assert list(generate_seeds(200, seed=7)) == list(generate_seeds(200, seed=7))


def test_another_seed_gives_another_corpus() -> None:
    assert list(generate_seeds(20, seed=1)) != list(generate_seeds(20, seed=2))


@pytest.mark.parametrize("n", [0, 1, 3, 57])
def test_yields_exactly_n_seeds_with_unique_well_formed_names(n: int) -> None:
    names = [name for name, _ in generate_seeds(n)]
    assert len(names) == len(set(names)) == n
    assert all(NAME.match(name) for name in names)
    assert names == sorted(names)


def test_seeds_are_the_questions_as_text() -> None:
    seeds = list(generate_seeds(30, seed=4))
    assert seeds == [(q.file_name, q.text) for q in generate_questions(30, seed=4)]


def test_write_corpus_writes_each_seed_as_utf8(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "seeds", 25, seed=3)
    seeds = list(generate_seeds(25, seed=3))
    assert [p.name for p in paths] == [name for name, _ in seeds]
    assert [p.read_bytes() for p in paths] == [text.encode("utf-8") for _, text in seeds]


def test_does_not_touch_the_global_random_state() -> None:
    import random

    state = random.getstate()
    list(generate_seeds(5))
    assert random.getstate() == state


# --- the shape of the corpus -------------------------------------------------------------------


def test_every_specialty_is_in_the_vocabulary() -> None:
    known = set(vocabulary())
    assert {name for name, _, _ in SPECIALTIES} <= known


def test_places_include_multi_word_ones() -> None:
    for place in ("Salt Lake City", "Coeur d'Alene", "Costa Rica", "Orange County", "New York"):
        assert place in PLACES


def test_every_seed_ends_with_the_disclaimer_and_no_newline() -> None:
    assert all(q.text.endswith("\n\n" + DISCLAIMER) for q in CORPUS)


def test_one_to_six_answers_by_recurring_doctors() -> None:
    counts = Counter(len(q.answers) for q in CORPUS)
    assert set(counts) == {1, 2, 3, 4, 5, 6}
    doctors = Counter(a.doctor for q in CORPUS for a in q.answers)
    assert len(doctors) <= len(CORPUS) // 10
    assert doctors.most_common(1)[0][1] > 20
    assert all(len({a.doctor for a in q.answers}) == len(q.answers) for q in CORPUS)


def test_doctor_variants_occur() -> None:
    doctors = {a.doctor for q in CORPUS for a in q.answers}
    assert any(d.name is None for d in doctors)
    assert any(d.rating is None for d in doctors)
    assert any(d.review_count == 1 for d in doctors)
    assert any(d.location is not None and " " in d.location for d in doctors)
    text = "\n".join(q.text for q in CORPUS)
    assert re.search(r"^\d\.\d out of 5 stars 1 review$", text, re.MULTILINE)


def test_count_line_variants_occur_about_as_often_as_in_real_copies() -> None:
    missing = sum(q.count_line is None for q in CORPUS) / len(CORPUS)
    assert 0.25 < missing < 0.42
    lines = {q.count_line for q in CORPUS if q.count_line}
    assert any(re.fullmatch(r"Doctor Answers \(\d\)", line) for line in lines)
    assert any(re.fullmatch(r"Doctor Answers \d", line) for line in lines)
    wrong = [q for q in CORPUS if q.stated_answer_count not in (None, len(q.answers))]
    assert 0 < len(wrong) < len(CORPUS) // 20


def test_answer_bodies_are_50_to_400_words_with_lists_nbsps_and_hashtags() -> None:
    answers = [a for q in CORPUS for a in q.answers]
    assert all(50 <= words(a) <= 400 for a in answers)
    lines = [line for a in answers for block in a.blocks for line in block]
    assert any(line.startswith(BULLET) for line in lines)
    assert any(line.startswith("1. ") for line in lines)
    assert any(NBSP in line for line in lines)
    assert any(len(block) > 1 and not block[0].endswith(":") for a in answers for block in a.blocks)
    tags = {t for a in answers for t in a.tags}
    assert 40 <= len(tags) <= len(HASHTAGS) <= 60


def test_answers_without_heading_are_preceded_by_two_blank_lines() -> None:
    headless = [(q, a) for q in CORPUS for a in q.answers if a.heading is None]
    assert headless
    for question, answer in headless[:50]:
        assert "\n\n\n" + answer.blocks[0][0] in question.text


def test_titles_and_headings_are_single_short_lines() -> None:
    titles = [q.title for q in CORPUS]
    assert all("\n" not in t and len(t) <= 150 and not SENTENCE_BREAK.search(t) for t in titles)
    assert 0 < len(titles) - len(set(titles)) < len(titles) // 40
    headings = [a.heading for q in CORPUS for a in q.answers if a.heading]
    assert all("\n" not in h and len(h) <= 80 and not h.endswith(".") for h in headings)


def test_some_answers_sign_off_apart_from_the_doctor_block() -> None:
    last_blocks = [a.blocks[-1][0] for q in CORPUS for a in q.answers]
    assert any(b.startswith(("Best", "Good luck", "Sincerely", "Hope")) for b in last_blocks)


# --- read back by the parser -------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_every_seed_parses_to_what_was_generated(seed: int) -> None:
    corpus = CORPUS if seed == 0 else list(generate_questions(500, seed=seed))
    for question in corpus:
        assert_parses_as_generated(question)


def assert_parses_as_generated(question: GeneratedQuestion) -> None:
    result = parse(question)
    name = question.file_name
    unexpected = [d for d in result.diagnostics if not d.message.startswith(EXPECTED_WARNINGS)]
    assert unexpected == [], name
    parsed = result.question
    assert parsed.title == question.title, name
    body = "\n\n".join("\n".join(normalise(li) for li in p) for p in question.body)
    assert parsed.body == body, name
    assert parsed.stated_answer_count == question.stated_answer_count, name
    assert len(parsed.answers) == len(question.answers), name
    for got, want in zip(parsed.answers, question.answers, strict=True):
        assert got.doctor == want.doctor, name
        assert got.title == want.heading, name
        assert got.tags == want.tags, name
        assert got.body == expected_markdown(want), name


def test_doctors_in_places_that_start_with_the_or_great() -> None:
    corpus = list(generate_questions(3000, seed=3))
    for place in ("Great Neck", "The Woodlands"):
        question = next(q for q in corpus if any(a.doctor.location == place for a in q.answers))
        assert_parses_as_generated(question)


def test_question_body_of_several_paragraphs_before_a_headless_first_answer() -> None:
    question = next(
        q
        for q in CORPUS
        if q.count_line is None and q.answers[0].heading is None and len(q.body) > 1
    )
    assert_parses_as_generated(question)
