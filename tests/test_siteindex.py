"""The site index keeps every list as `build_browse` would make it, one question at a time."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.browse import build_browse
from sitegen.model import Answer, Doctor, Question
from sitegen.site import build_site
from sitegen.siteindex import Entry, SiteIndex, plain_browse


def question(qid: str, *answers: Answer, hidden: bool = False) -> Question:
    numbered = tuple(
        Answer(a.title, a.body, a.tags, a.doctor, a.hidden, n) for n, a in enumerate(answers, 1)
    )
    return Question(qid, f"seeds/{qid}.txt", f"Question {qid}?", "", None, numbered, hidden)


def answer(doctor: Doctor, tags: str = "", hidden: bool = False) -> Answer:
    return Answer(None, "Body.", tuple(tags.split()), doctor, hidden)


def expected(questions: list[Question]) -> dict[str, object]:
    site = build_site(questions)
    return plain_browse(site, build_browse(site))


def index_of(questions: list[Question]) -> SiteIndex:
    return SiteIndex.of(build_site(questions))


LEE = Doctor("Ann Lee, MD", "Tampa", "Plastic Surgeon", 4.8, 40)
LEE_LOUD = Doctor("ANN  LEE, MD", "tampa", "plastic surgeon", 4.9, 52)
GROSS = Doctor("Eva Groß", "Tampa", "Dermatologist", 4.5, 10)
GROSS_LOUD = Doctor("EVA GROSS", "Tampa", "Dermatologist", 4.5, 11)


def test_a_question_added_to_the_index_lands_where_a_full_build_lists_it() -> None:
    before = [question("b", answer(LEE, "botox")), question("c", answer(LEE), answer(LEE))]
    added = question("a", answer(LEE_LOUD, "botox"))
    index = index_of(before)
    index.add(build_site([added]).questions[0])
    assert index.plain() == expected([*before, added])


def test_a_new_first_answer_changes_the_name_a_doctor_s_id_is_spelled_from() -> None:
    # The id comes from the name as the doctor's first answer in listing order writes it;
    # case is ignored in who a doctor is, but "ß" spells "ss" only when written in capitals.
    before = [question("b", answer(GROSS))]
    added = question("a", answer(GROSS_LOUD), answer(GROSS_LOUD))
    index = index_of(before)
    index.add(build_site([added]).questions[0])
    assert index.plain()["doctor_ids"] == expected([*before, added])["doctor_ids"]
    assert index.plain()["doctor_ids"] != index_of(before).plain()["doctor_ids"]


def test_removing_a_group_s_last_question_removes_the_group() -> None:
    questions = [question("a", answer(LEE, "botox")), question("b", answer(LEE, "filler"))]
    index = index_of(questions)
    index.remove("b")
    assert [g[1] for g in index.plain()["topics"]] == ["botox"]
    assert index.plain() == expected(questions[:1])


def test_a_stored_index_loads_with_the_same_lists_and_named_entries() -> None:
    questions = [question("b", answer(LEE, "botox")), question("c", answer(GROSS), answer(LEE))]
    index = index_of(questions)
    loaded = pickle.loads(pickle.dumps(index, pickle.HIGHEST_PROTOCOL))
    assert loaded.plain() == index.plain()
    assert loaded.entries == index.entries
    assert all(
        type(e) is Entry and e.key == (-len(e.answers), e.id) for e in loaded.entries.values()
    )
    loaded.add(build_site([question("a", answer(LEE_LOUD))]).questions[0])  # and goes on
    assert loaded.plain() == expected([*questions, question("a", answer(LEE_LOUD))])


def _stored_apart(index: SiteIndex, reads: list[int]) -> SiteIndex:
    """The index as a delta build loads it: its entries pickled apart, read by need."""
    loaded: SiteIndex = pickle.loads(pickle.dumps(index.without_entries()))
    rows = pickle.dumps(index.entry_rows())
    loaded.stored_apart(lambda: reads.append(1) or pickle.loads(rows))
    return loaded


def test_an_index_with_its_entries_stored_apart_adds_without_reading_them() -> None:
    questions = [question("b", answer(LEE, "botox")), question("c", answer(GROSS), answer(LEE))]
    reads: list[int] = []
    loaded = _stored_apart(index_of(questions), reads)
    new = build_site([question("a", answer(LEE_LOUD))]).questions[0]
    before = loaded.before_changing([new])
    loaded.add(new)
    assert loaded.has("a") and loaded.has("b") and not loaded.has("z")
    assert not before.has("a") and before.has("c")
    assert loaded.entry("a") == Entry.of(new) and loaded.entry("z") is None
    assert loaded.plain() == expected([*questions, question("a", answer(LEE_LOUD))])
    try:
        loaded.add(build_site([questions[0]]).questions[0])
    except ValueError:
        pass
    else:
        raise AssertionError("a question stored apart was added again")
    assert reads == []
    assert loaded.entry("c") == index_of(questions).entries["c"]  # an old one: read now
    assert reads == [1]


def test_an_index_with_its_entries_stored_apart_reads_them_to_remove_one() -> None:
    questions = [question("b", answer(LEE, "botox")), question("c", answer(GROSS), answer(LEE))]
    reads: list[int] = []
    loaded = _stored_apart(index_of(questions), reads)
    loaded.add(build_site([question("a", answer(LEE_LOUD))]).questions[0])
    loaded.remove("b")
    assert reads == [1]
    assert sorted(loaded.entries) == ["a", "c"] and not loaded.has("b")
    assert loaded.plain() == expected([questions[1], question("a", answer(LEE_LOUD))])
    with_all = pickle.loads(pickle.dumps(loaded))
    assert with_all.entries == loaded.entries and with_all.plain() == loaded.plain()


def test_adding_a_question_twice_is_refused() -> None:
    index = index_of([question("a", answer(LEE))])
    try:
        index.add(build_site([question("a", answer(LEE))]).questions[0])
    except ValueError as error:
        assert "a is in the index already" in str(error)
    else:
        raise AssertionError("a question added twice was taken")


# Doctors, tags and places chosen to collide: the same doctor written two ways, namesakes in
# other places, names without a letter, tags whose slugs clash, unnamed doctors.
DOCTORS = [
    LEE,
    LEE_LOUD,
    Doctor("Ann Lee, M.D.", "Tampa", "Plastic Surgeon", None, None),
    GROSS,
    GROSS_LOUD,
    Doctor("Ann Lee, MD", "Boston", "Dermatologist", 5.0, 3),
    Doctor("Bo Park", "Boston", "Dermatologist", 4.1, 9),
    Doctor("Bo Park", "Boston", "dermatologist", 4.1, 12),
    Doctor("李医生", "Boston", "Dermatologist", None, 1),
    Doctor("张医生", "Boston", "Dermatologist", None, 1),
    Doctor(None, "Tampa", "Plastic Surgeon", None, None),
    Doctor(None, None, None, None, None),
    Doctor("Cy Diaz", None, None, 3.0, None),
]
TAGS = ["botox", "Botox", "filler", "lips", "ça-va", "ca va", "!!"]
ANSWERS = st.builds(
    answer,
    st.sampled_from(DOCTORS),
    st.lists(st.sampled_from(TAGS), max_size=3).map(" ".join),
    st.sampled_from([False, False, False, True]),
)
QUESTIONS = st.builds(
    lambda n, answers, hidden: question(f"q{n:02d}", *answers, hidden=hidden),
    st.integers(0, 15),
    st.lists(ANSWERS, max_size=4),
    st.sampled_from([False, False, False, True]),
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(QUESTIONS, max_size=12))
def test_after_any_adds_and_removals_every_list_is_as_a_full_build_makes_it(
    changes: list[Question],
) -> None:
    # Each question is added, or removed when its id is in the site already.
    site: dict[str, Question] = {}
    index = SiteIndex()
    for change in changes:
        if change.id in site:
            if not site[change.id].hidden:
                index.remove(change.id)
            del site[change.id]
        else:
            site[change.id] = change
            published = build_site([change]).questions
            if published:
                index.add(published[0])
        assert index.plain() == expected(list(site.values()))


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(QUESTIONS, max_size=10, unique_by=lambda q: q.id), st.integers(1, 3))
def test_the_copy_before_adding_questions_keeps_the_lists_as_they_were(
    questions: list[Question], adding: int
) -> None:
    index = index_of(questions[adding:])
    was = index.plain()
    new = build_site(questions[:adding]).questions
    before = index.before_changing(new)
    for one in new:
        index.add(one)
    assert before.plain() == was
    assert index.plain() == expected(questions)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(
    st.lists(QUESTIONS, max_size=10, unique_by=lambda q: q.id),
    st.integers(0, 3),
    st.integers(0, 3),
    st.booleans(),
)
def test_the_copy_before_removing_and_adding_questions_keeps_the_lists_as_they_were(
    questions: list[Question], adding: int, removing: int, apart: bool
) -> None:
    # An edit is a removal and an add of the same id; `apart`: entries stored apart, as loaded.
    kept = questions[adding:]
    index = index_of(kept)
    if apart:
        index = _stored_apart(index, [])
    was = index.plain()
    gone = [q.id for q in kept[:removing] if index.has(q.id)]  # (published ones)
    new = build_site(questions[:adding]).questions
    before = index.before_changing(new, gone)
    for qid in gone:
        index.remove(qid)
    for one in new:
        index.add(one)
    assert before.plain() == was
    assert index.plain() == expected([*questions[:adding], *(q for q in kept if q.id not in gone)])
