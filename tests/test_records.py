"""Question <-> record YAML (sitegen.records): readable, deterministic, validated, marked."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import RecordError
from sitegen.model import Answer, Doctor, Question
from sitegen.records import (
    digest,
    dump_question,
    generated_record,
    is_edited,
    load_question,
    read_mark,
)

QUESTION = Question(
    id="twitch",
    source="seeds/q.txt",
    title="Twitching: will it pass?",
    body="First paragraph.\n\nSecond — with “quotes” and café.",
    stated_answer_count=2,
    answers=(
        Answer(
            title="Nerves heal",
            body="One line.\nSame paragraph.\n\n- a bullet\n- another",
            tags=("nerves", "botox"),
            doctor=Doctor("Jane Doe, MD", "Tampa", "Plastic Surgeon", 4.9, 39),
        ),
        Answer(title=None, body="No heading, no doctor.", tags=(), doctor=Doctor()),
    ),
)


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_dump_writes_fields_in_schema_order() -> None:
    keys = [
        line.split(":")[0] for line in dump_question(QUESTION).split("\n") if line[:1].isalpha()
    ]
    assert keys == ["id", "source", "title", "body", "stated_answer_count", "answers"]


def test_dump_writes_multi_line_text_as_block_scalars() -> None:
    text = dump_question(QUESTION)
    assert "body: |-\n  First paragraph.\n\n  Second" in text
    assert "  body: |-\n    One line.\n    Same paragraph.\n" in text


def test_dump_writes_tags_in_flow_style() -> None:
    text = dump_question(QUESTION)
    assert "  tags: [nerves, botox]\n" in text
    assert "  tags: []\n" in text


def test_dump_writes_non_ascii_as_itself() -> None:
    text = dump_question(QUESTION)
    assert "“quotes” and café" in text
    assert "\\u" not in text


def test_dump_writes_nulls_as_null() -> None:
    text = dump_question(QUESTION)
    assert "- title: null\n" in text
    assert "    name: null\n" in text


def test_dump_does_not_fold_long_lines() -> None:
    long = Question("x", "seeds/x.txt", "T", "word " * 100, None, ())
    assert len(dump_question(long).split("\n")) == 7


def test_dump_is_deterministic() -> None:
    assert dump_question(QUESTION) == dump_question(QUESTION)


def test_round_trip() -> None:
    assert load_question(dump_question(QUESTION), "q.yaml") == QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   leading spaces",
        "trailing spaces   ",
        "line\n  indented second line",
        "tab\there",
        "ends with newline\n",
        "\n\nstarts with blank lines",
        "key: value # not a comment",
        "- looks like a list",
        "'quoted' and \"double\"",
        "yes",
        "null",
        "1.5",
        "@at &anchor *alias !tag %percent",
        "a\u2028b",
        "\\* escaped \\_ markdown",
    ],
)
def test_round_trip_of_awkward_text(text: str) -> None:
    question = Question("x", "seeds/x.txt", "Title", text, None, (Answer(None, text),))
    assert load_question(dump_question(question), "x.yaml") == question


def test_hidden_flags_are_written_only_when_set_and_round_trip() -> None:
    hidden = Question(
        "x", "seeds/x.txt", "T", "", None, (Answer(None, "a", hidden=True),), hidden=True
    )
    text = dump_question(hidden)
    assert text.count("hidden: true") == 2
    assert load_question(text, "x.yaml") == hidden
    assert "hidden" not in dump_question(QUESTION)


def test_integer_rating_written_by_hand_loads_as_float() -> None:
    text = dump_question(QUESTION).replace("rating: 4.9", "rating: 5")
    assert load_question(text, "x.yaml").answers[0].doctor.rating == 5.0


# --- validation errors name the file and line -----------------------------------------------


def load_error(text: str) -> RecordError:
    with pytest.raises(RecordError) as caught:
        load_question(text, "content/questions/x.yaml")
    return caught.value


def test_invalid_yaml_names_file_and_line() -> None:
    error = load_error("id: x\ntitle: [unclosed\nbody: b\n")
    assert error.path == "content/questions/x.yaml"
    assert error.line is not None
    assert str(error).startswith("content/questions/x.yaml:")
    assert "not valid YAML" in error.message


def test_a_key_written_twice_is_an_error_at_its_second_line() -> None:
    text = dump_question(QUESTION).replace("title: ", "title: First\ntitle: ", 1)
    error = load_error(text)
    assert error.line == text.split("\n").index("title: First") + 2
    assert error.message == "not valid YAML: the key 'title' appears twice"


def test_a_key_written_twice_inside_an_answer_is_an_error() -> None:
    text = dump_question(QUESTION).replace("    rating:", "    rating: 1.0\n    rating:", 1)
    assert load_error(text).message == "not valid YAML: the key 'rating' appears twice"


def test_non_mapping_record_is_rejected() -> None:
    assert "must be a mapping" in load_error("- a\n- b\n").message


def test_missing_field_is_named() -> None:
    text = dump_question(QUESTION).replace("stated_answer_count: 2\n", "")
    assert load_error(text).message == "missing field 'stated_answer_count'"


def test_unknown_field_is_named_with_its_line() -> None:
    text = dump_question(QUESTION).replace("title: 'Twitching", "titel: oops\ntitle: 'Twitching")
    error = load_error(text)
    assert error.message == "unknown field 'titel'"
    assert error.line == 3


def test_empty_title_is_rejected_with_its_line() -> None:
    text = dump_question(QUESTION).replace("title: 'Twitching: will it pass?'", "title: ''")
    error = load_error(text)
    assert error.message == "'title' must be non-empty text"
    assert error.line == 3


def test_bad_rating_names_the_answer_line() -> None:
    text = dump_question(QUESTION).replace("rating: 4.9", "rating: 7")
    error = load_error(text)
    assert error.message == "doctor 'rating' must be a number from 0 to 5"
    assert text.split("\n")[error.line - 1 if error.line else 0].strip() == "rating: 7"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("stated_answer_count: 2", "stated_answer_count: two", "must be a whole number or null"),
        ("stated_answer_count: 2", "stated_answer_count: -1", "must be a whole number or null"),
        ("review_count: 39", "review_count: true", "must be a whole number or null"),
        ("tags: [nerves, botox]", "tags: nerves", "'tags' must be a list of words"),
        ("tags: [nerves, botox]", "tags: [1, 2]", "'tags' must be a list of words"),
        ("name: Jane Doe, MD", "name: ''", "doctor 'name' must be text or null"),
        ("- title: Nerves heal", "- title: 3", "an answer 'title' must be text or null"),
        ("answers:", "hidden: maybe\nanswers:", "'hidden' must be true or false"),
    ],
)
def test_schema_violations_are_reported_with_their_line(old: str, new: str, message: str) -> None:
    text = dump_question(QUESTION).replace(old, new, 1)
    error = load_error(text)
    assert message in error.message
    assert error.line is not None
    assert new.split("\n")[0] in text.split("\n")[error.line - 1]


def test_answers_must_be_a_list() -> None:
    text = dump_question(QUESTION).split("answers:")[0] + "answers: none\n"
    assert load_error(text).message == "'answers' must be a list"


def test_doctor_must_be_a_mapping() -> None:
    text = dump_question(QUESTION).replace(
        "  doctor:\n    name: Jane Doe, MD\n    location: Tampa\n    specialty: Plastic Surgeon\n"
        "    rating: 4.9\n    review_count: 39\n",
        "  doctor: null\n",
    )
    assert "'doctor' must be a mapping" in load_error(text).message


# --- generation marks ------------------------------------------------------------------------


def test_generated_record_starts_with_a_mark_naming_seed_and_checksums() -> None:
    text = generated_record(QUESTION, b"seed bytes").decode("utf-8")
    mark = read_mark(text)
    assert mark is not None
    assert mark.source == "seeds/q.txt"
    assert mark.seed_hash == digest(b"seed bytes")
    assert text.startswith("# Generated by sitegen from seeds/q.txt.")


def test_generated_record_loads_as_the_question() -> None:
    text = generated_record(QUESTION, b"seed").decode("utf-8")
    assert load_question(text, "x.yaml") == QUESTION


def test_fresh_generated_record_is_not_edited() -> None:
    assert not is_edited(generated_record(QUESTION, b"seed").decode("utf-8"))


def test_changed_record_text_counts_as_edited() -> None:
    text = generated_record(QUESTION, b"seed").decode("utf-8")
    assert is_edited(text.replace("One line.", "One fixed line."))


def test_record_without_a_mark_counts_as_edited() -> None:
    assert read_mark(dump_question(QUESTION)) is None
    assert is_edited(dump_question(QUESTION))


def test_digest_is_short_hex() -> None:
    assert len(digest(b"x")) == 16
    assert int(digest(b"x"), 16) >= 0


@settings(deadline=None, max_examples=200, derandomize=True)
@given(title=st.text(min_size=1).filter(str.strip), body=st.text(), tag=st.text(min_size=1))
def test_round_trip_of_any_text(title: str, body: str, tag: str) -> None:
    answer = Answer(title, body, (tag,), Doctor(title, None, title, 4.5, 3))
    question = Question("x", "seeds/x.txt", title, body, None, (answer,))
    assert load_question(dump_question(question), "x.yaml") == question


def test_loaded_answers_are_numbered_by_their_place_in_the_record() -> None:
    loaded = load_question(dump_question(QUESTION), "q.yaml")
    assert [a.number for a in loaded.answers] == list(range(1, len(QUESTION.answers) + 1))
