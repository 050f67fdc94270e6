"""Related lists reused from the last build are exactly the lists a fresh ranking gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Answer, Doctor, Question
from sitegen.related import RelatedIndex
from sitegen.related_lists import MAX_SCANS, RelatedLists, decode, encode

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


def digests(questions: list[Question]) -> dict[str, str]:
    """Stand-ins for record digests: equal exactly when the questions are equal."""
    return {q.id: repr(q) for q in questions}


def reused_lists(
    before: list[Question], after: list[Question], noted: bool = True
) -> dict[str, list[str]]:
    """Return the lists of `after` reusing those ranked for `before`; `noted`: with the
    questions' digests, so unchanged questions take the features the memo noted."""
    old = RelatedLists(before, None, digests(before) if noted else None)
    for q in before:
        old.related(q)
    new = RelatedLists(after, old.memo(), digests(after) if noted else None)
    return {q.id: [r.id for r in new.related(q)] for q in after}


@settings(max_examples=300, derandomize=True, deadline=None)
@given(questions_st, questions_st)
def test_lists_after_any_change_equal_a_fresh_ranking(
    before: dict[str, tuple[tuple[str, ...], str | None, str]],
    after: dict[str, tuple[tuple[str, ...], str | None, str]],
) -> None:
    fresh = fresh_lists(site(after))
    assert reused_lists(site(before), site(after)) == fresh
    assert reused_lists(site(before), site(after), noted=False) == fresh


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
    fresh = fresh_lists(site(after))
    assert reused_lists(site(spec), site(after)) == fresh
    assert reused_lists(site(spec), site(after), noted=False) == fresh


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


def test_a_question_whose_record_is_unchanged_takes_its_noted_features() -> None:
    before = [question(f"q{i}", ("botox",), None, "swelling") for i in range(3)]
    old = RelatedLists(before, None, digests(before))
    for q in before:
        old.related(q)
    memo = old.memo()
    # The same digest for q0 (its record unchanged): its features come from the memo, which
    # here (as no real record could) says "lips" where the question says "botox".
    lips = (("lips",), (), memo[0]["q0"][1][2])
    memo[0]["q0"] = (memo[0]["q0"][0], lips)
    new = RelatedLists(before, memo, digests(before))
    assert new.features["q0"][0] == frozenset({"lips"})
    assert RelatedLists(before, memo, None).features["q0"][0] == frozenset({"botox"})


values_st = st.frozensets(st.text(alphabet=st.sampled_from("ab\x1e\x1f"), max_size=3), max_size=3)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(values_st, values_st, values_st)
def test_noted_features_decode_to_what_was_encoded(
    topics: frozenset[str], specialties: frozenset[str], words: frozenset[str]
) -> None:
    # Values as a hand-edited record may hold them: empty, or holding the separators.
    assert decode(encode((topics, specialties, words))) == (topics, specialties, words)
