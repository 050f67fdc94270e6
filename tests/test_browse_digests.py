"""Noted digests of doctor profiles and groups: reused only for the very values digested before."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.browse import Browse, build_browse
from sitegen.browse_digests import Noted, note, reuse
from sitegen.model import Answer, Doctor, Question
from sitegen.pagekeys import Digests, PageKeys
from sitegen.site import build_site

DOCTORS = (
    Doctor("Ann Lee, MD", "Tampa", "Plastic Surgeon", 4.8, 40),
    Doctor("Ann Lee, MD", "Boston", "Dermatologist", 5.0, 3),  # a namesake: longer ids for both
    Doctor("Bo Kim, DO", "Tampa", "Dermatologist", None, None),
    Doctor("Bo Kim, DO", "Tampa", "Dermatologist", 4.9, 12),  # the same doctor, later figures
    Doctor(None, "Miami", "Plastic Surgeon", None, None),  # unnamed: no profile
    Doctor("Bo Kim, DO", "TAMPA", "Dermatologist", 4.9, 12),  # the same doctor, another label
    Doctor("Ann Lee MD", "Tampa", "Plastic Surgeon", 4.7, 41),  # another doctor, same slug
)
TAGS = ("botox", "Botox", "filler")  # "botox" and "Botox" clash: both slugs get a digest


def question(qid: str, *answers: tuple[int, tuple[str, ...]]) -> Question:
    made = tuple(
        Answer(None, "Body.", tags, DOCTORS[doctor], False, n)
        for n, (doctor, tags) in enumerate(answers, 1)
    )
    return Question(qid, f"seeds/{qid}.txt", f"Question {qid}?", "", None, made)


def record_digest(q: Question) -> str:
    """What a record's bytes digest stands for here: equal questions, equal digests."""
    return hashlib.blake2b(repr(q).encode(), digest_size=20).hexdigest()


def digested(questions: list[Question]) -> tuple[Browse, Digests]:
    PageKeys(None, "v", {})  # registers the shared value types
    browse = build_browse(build_site(questions))
    digests = Digests()
    for q in questions:
        digests.known(q, record_digest(q))
    return browse, digests


def values(browse: Browse) -> tuple[object, ...]:
    return (*browse.doctors, *browse.topics, *browse.specialties, *browse.locations)


def noted_after(before: list[Question]) -> Noted:
    browse, digests = digested(before)
    for value in values(browse):
        digests.of(value)
    return note(browse, digests)


def changed(before: list[Question], after: list[Question]) -> list[Question]:
    old = {q.id: record_digest(q) for q in before}
    return [q for q in after if old.get(q.id) != record_digest(q)]


answers = st.lists(
    st.tuples(st.integers(0, len(DOCTORS) - 1), st.sets(st.sampled_from(TAGS)).map(tuple)),
    min_size=1,
    max_size=3,
)
sites = st.dictionaries(st.sampled_from("abcdefgh"), answers, max_size=8)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(sites, sites)
def test_a_reused_digest_is_always_the_value_s_own(
    before_spec: dict[str, list[tuple[int, tuple[str, ...]]]],
    after_spec: dict[str, list[tuple[int, tuple[str, ...]]]],
) -> None:
    before = [question(qid, *spec) for qid, spec in sorted(before_spec.items())]
    after = [question(qid, *spec) for qid, spec in sorted(after_spec.items())]
    noted = noted_after(before)
    browse, digests = digested(after)
    reuse(browse, noted, changed(before, after), digests)
    _, fresh = digested(after)
    for value in values(browse):
        given_digest = digests.framed(value)
        if given_digest is not None:
            fresh.of(value)
            assert given_digest == fresh.framed(value), value


def test_an_unchanged_site_reuses_every_profile_and_group() -> None:
    site = [question("a", (0, ("botox",)), (2, ())), question("b", (3, ("filler",)))]
    noted = noted_after(site)
    browse, digests = digested(site)
    assert reuse(browse, noted, [], digests) == len(values(browse))


def test_a_doctor_who_answered_a_new_question_is_digested_again() -> None:
    before = [question("a", (0, ("botox",))), question("b", (2, ()))]
    after = [*before, question("c", (2, ("filler",)))]
    browse, digests = digested(after)
    reuse(browse, noted_after(before), changed(before, after), digests)
    by_name = {p.name: digests.framed(p) for p in browse.doctors}
    assert by_name["Ann Lee, MD"] is not None
    assert by_name["Bo Kim, DO"] is None


def test_a_doctor_whose_question_is_gone_is_digested_again() -> None:
    before = [question("a", (2, ())), question("b", (2, ()))]
    after = before[:1]
    browse, digests = digested(after)
    reuse(browse, noted_after(before), changed(before, after), digests)
    [profile] = browse.doctors
    assert digests.framed(profile) is None


def test_a_doctor_whose_id_a_new_doctor_s_slug_changed_is_digested_again() -> None:
    before = [question("a", (0, ()))]
    after = [*before, question("b", (6, ()))]
    browse, digests = digested(after)
    reuse(browse, noted_after(before), changed(before, after), digests)
    first = next(p for p in browse.doctors if p.name == "Ann Lee, MD")
    assert first.id != "ann-lee-md-tampa-plastic-surgeon"
    assert digests.framed(first) is None


def test_a_group_listing_a_changed_doctor_is_digested_again() -> None:
    # Bo Kim answers question a in "Tampa" and, new, question c in "TAMPA": one doctor, two
    # location groups. The "Tampa" group holds the same questions, but its doctor changed.
    before = [question("a", (2, ())), question("b", (0, ()))]
    after = [*before, question("c", (5, ()))]
    browse, digests = digested(after)
    reuse(browse, noted_after(before), changed(before, after), digests)
    [tampa] = [g for g in browse.locations if g.label == "Tampa"]
    assert [q.id for q in tampa.questions] == ["a", "b"]
    assert digests.framed(tampa) is None


def test_a_group_whose_slug_a_new_label_took_is_digested_again() -> None:
    before = [question("a", (0, ("botox",)))]
    after = [*before, question("b", (0, ("Botox",)))]
    browse, digests = digested(after)
    reuse(browse, noted_after(before), changed(before, after), digests)
    [lower] = [g for g in browse.topics if g.label == "botox"]
    assert lower.slug != "botox" and [q.id for q in lower.questions] == ["a"]
    assert digests.framed(lower) is None
