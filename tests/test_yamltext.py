"""Record YAML written directly (sitegen.yamltext) is PyYAML's text, byte for byte, or None."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.corpus import generate_seeds
from sitegen.model import Answer, Doctor, Question
from sitegen.parser import parse_seed
from sitegen.records import dump_question, pyyaml_text, record_data
from sitegen.seedtext import decode_seed
from sitegen.yamltext import record_yaml

REAL_SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def parsed(name: str, text: str) -> Question:
    return parse_seed(decode_seed(text.encode("utf-8"), name), name).question


def question(text: str, *, tag: str = "botox", rating: float | None = 4.9) -> Question:
    doctor = Doctor(text, text, text, rating, 7)
    answers = (Answer(text, text, (tag,), doctor), Answer(None, text, (), Doctor()))
    return Question("q", "seeds/q.txt", text, text, 2, answers)


def test_generated_records_are_written_as_pyyaml_writes_them() -> None:
    questions = [parsed(name, text) for name, text in generate_seeds(300, seed=4)]
    written = [record_yaml(record_data(q)) for q in questions]
    assert sum(text is None for text in written) <= 3  # the fast path is the usual path
    for q, text in zip(questions, written, strict=True):
        assert text is None or text == pyyaml_text(record_data(q)), q.source


@pytest.mark.parametrize("path", REAL_SEEDS, ids=lambda p: p.name)
def test_real_seed_records_are_written_as_pyyaml_writes_them(path: Path) -> None:
    q = parse_seed(decode_seed(path.read_bytes(), path.name), path.name).question
    assert dump_question(q) == pyyaml_text(record_data(q))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        "True",
        "1.5",
        "2024-01-02",
        "- list-like",
        "key: value",
        "ends with colon:",
        "a #hash",
        " leading space",
        "trailing space ",
        "tab\there",
        "'quoted'",
        "line one\n\nline two",
        "ends with a break\n",
        "two breaks\n\n",
        "\nstarts with a break",
        " indented\nfirst line",
        "space before \nbreak",
        "no\u00a0break space",
        "\u00a0starts with a no-break space",
        "bullet \u2022 and emoji \U0001f600",
        "carriage\r\nreturn",
        "line\u2028separator",
        "byte order \ufeff mark",
    ],
)
def test_awkward_text_is_written_as_pyyaml_writes_it(text: str) -> None:
    q = question(text)
    assert dump_question(q) == pyyaml_text(record_data(q))


@settings(max_examples=400, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40),
    st.text(st.sampled_from("ab1.:-#, []{}\u00a0'\"\t"), min_size=1, max_size=8),
    st.one_of(st.none(), st.floats(0, 5)),
)
@example("x\n \ny", "botox", 4.0)
def test_random_text_is_written_as_pyyaml_writes_it(
    text: str, tag: str, rating: float | None
) -> None:
    q = question(text, tag=tag, rating=rating)
    fast = record_yaml(record_data(q))
    assert fast is None or fast == pyyaml_text(record_data(q))
