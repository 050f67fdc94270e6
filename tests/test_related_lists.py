"""Related lists reused from the last build are exactly the lists a fresh ranking gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Answer, Doctor, Question
from sitegen.related import RelatedIndex
from sitegen.related_lists import MAX_SCANS, RelatedLists

TAGS = ["botox", "lips", "brows", "filler"]
SPECIALTIES = ["Dermatologist", "Plastic Surgeon"]
WORDS = ["swelling", "bruise", "droop", "pain", "lump"]


def question(qid: str, tags: tuple[str, ...], specialty: str | None, words: str) -> Question:
    answer = Answer(None, "Body.", tags, Doctor(specialty=specialty))
    return Question(qid, f"seeds/{qid}.txt", f"{words} {qid}", "", None, (answer,))


questions_st = st.dictionaries(
    st.sampled_from([f"q{i:02d}" for i in range(14)]),
    st.tuples(
        st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
        st.one_of(st.none(), st.sampled_from(SPECIALTIES)),
        st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
    ),
    max_size=14,
)


def site(spec: dict[str, tuple[tuple[str, ...], str | None, str]]) -> list[Question]:
    return [question(qid, *parts) for qid, parts in sorted(spec.items())]


def fresh_lists(questions: list[Question]) -> dict[str, list[str]]:
    index = RelatedIndex(questions)
    return {q.id: [r.id for r in index.related(q)] for q in questions}


def reused_lists(before: list[Question], after: list[Question]) -> dict[str, list[str]]:
    old = RelatedLists(before)
    for q in before:
        old.related(q)
    new = RelatedLists(after, old.memo())
    return {q.id: [r.id for r in new.related(q)] for q in after}


@settings(max_examples=300, derandomize=True, deadline=None)
@given(questions_st, questions_st)
def test_lists_after_any_change_equal_a_fresh_ranking(
    before: dict[str, tuple[tuple[str, ...], str | None, str]],
    after: dict[str, tuple[tuple[str, ...], str | None, str]],
) -> None:
    assert reused_lists(site(before), site(after)) == fresh_lists(site(after))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(questions_st, st.sampled_from([f"q{i:02d}" for i in range(14)]), questions_st)
def test_lists_after_one_question_changes_equal_a_fresh_ranking(
    spec: dict[str, tuple[tuple[str, ...], str | None, str]],
    changed: str,
    other: dict[str, tuple[tuple[str, ...], str | None, str]],
) -> None:
    after = dict(spec)
    if changed in other:
        after[changed] = other[changed]  # added or changed
    else:
        after.pop(changed, None)  # removed
    assert reused_lists(site(spec), site(after)) == fresh_lists(site(after))


def test_one_added_question_needs_no_full_index() -> None:
    before = [question(f"q{i}", ("botox",), None, "swelling") for i in range(20)]
    after = [*before, question("new", ("botox",), None, "swelling")]
    old = RelatedLists(before)
    for q in before:
        old.related(q)
    new = RelatedLists(after, old.memo())
    for q in after:
        new.related(q)
    assert new.computed == {}  # every list known before rendering: reused, merged or scanned
    assert [r.id for r in new.related(after[0])] == ["new", "q1", "q10", "q11", "q12"]


def test_prepared_lists_rank_as_unprepared_ones() -> None:
    questions = [
        question(f"q{n:02d}", (TAGS[n % 4],), SPECIALTIES[n % 2], WORDS[n % 5])
        for n in range(MAX_SCANS + 5)  # too many to rank without the index
    ]
    prepared, lazy = RelatedLists(questions), RelatedLists(questions)
    prepared.prepare()
    lists = [prepared.related(q) for q in questions]
    assert lists == [lazy.related(q) for q in questions]
    assert all(lists)
