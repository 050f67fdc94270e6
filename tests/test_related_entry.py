"""The related lists a new question enters are exactly those ranking afresh would change."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.related import LIMIT
from sitegen.related_entry import Entries
from sitegen.related_lists import Features, _rank, _score, encode


def ranked(features: dict[str, Features]) -> dict[str, tuple[str, ...]]:
    """Every list ranked afresh: the best LIMIT sharing something, ties by the smaller id."""
    lists = {}
    for qid, mine in features.items():
        scored = [
            (_rank(score), other)
            for other, theirs in features.items()
            if other != qid and (score := _score(mine, theirs)) != (0, 0, 0)
        ]
        lists[qid] = tuple(other for _, other in sorted(scored)[:LIMIT])
    return lists


def features(topics: str, specialties: str = "", words: str = "") -> Features:
    return frozenset(topics.split()), frozenset(specialties.split()), frozenset(words.split())


def test_a_question_ranking_above_a_full_list_s_last_enters_it_and_below_does_not() -> None:
    site = {f"q{n}": features("botox", "derm") for n in range(6)}
    site["q9"] = features("lips")
    entries = Entries(site, ranked(site))
    # Shares topic and specialty with q0..q5: ties on score, so the smaller id wins.
    assert entries.entering("q00", features("botox", "derm")) == [f"q{n}" for n in range(6)]
    assert entries.entering("q99", features("botox", "derm")) == []
    # A short list (q9's is empty) takes anything sharing something.
    assert entries.entering("q99", features("lips")) == ["q9"]


VALUES = st.builds(
    features,
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3).map(" ".join),
    st.lists(st.sampled_from(["s", "t"]), max_size=2).map(" ".join),
    st.lists(st.sampled_from(["x", "y", "z"]), max_size=2).map(" ".join),
)


@pytest.mark.parametrize("stored", [False, True], ids=["in-memory", "stored-each-time"])
@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"q[0-9]{2}", fullmatch=True), VALUES, max_size=25),
    st.lists(st.tuples(st.from_regex(r"q[0-9]{2}", fullmatch=True), VALUES), max_size=6),
)
def test_after_any_adds_the_lists_entered_are_those_ranking_afresh_changes(
    stored: bool, start: dict[str, Features], added: list[tuple[str, Features]]
) -> None:
    # `stored`: pickled and loaded again before each add, as a delta build's state is.
    site = dict(start)
    entries = Entries(site, ranked(site))
    for qid, mine in added:
        if qid in site:
            continue
        if stored:
            entries = pickle.loads(pickle.dumps(entries))
        before = ranked(site)
        site[qid] = mine
        after = ranked(site)
        changed = sorted(i for i in before if before[i] != after[i])
        assert entries.add(qid, mine) == changed
        assert entries.lists == after


def one_by_one(site: dict[str, Features]) -> Entries:
    """Entries made as `add` keeps them: each question placed, then each list set, one bit at
    a time."""
    entries = Entries({}, {})
    lists = ranked(site)
    for qid in sorted(site):
        entries._place(qid, site[qid])
    for qid in sorted(site):
        entries._set_list(qid, lists[qid])
    return entries


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"q[0-9]{2}", fullmatch=True), VALUES, max_size=25))
def test_entries_made_at_once_hold_what_placing_each_question_would(
    site: dict[str, Features],
) -> None:
    made, expected = Entries(site, ranked(site)), one_by_one(site)
    assert made.ids == expected.ids and made.slots == expected.slots
    assert made.lists == expected.lists
    assert [dict(p) for p in made.postings] == [dict(p) for p in expected.postings]
    assert (made.full, made.last, made.last_ids) == (
        expected.full,
        expected.last,
        expected.last_ids,
    )


@pytest.mark.parametrize("stored", [False, True], ids=["in-memory", "stored-each-time"])
@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"q[0-9]", fullmatch=True), VALUES, max_size=10),
    st.lists(st.tuples(st.from_regex(r"q[0-9]", fullmatch=True), st.none() | VALUES), max_size=12),
)
def test_after_any_adds_and_removals_every_list_is_as_ranking_afresh_gives(
    stored: bool, start: dict[str, Features], steps: list[tuple[str, Features | None]]
) -> None:
    # A step with features adds the question (an edit, when it is there: removed, then added
    # with the new ones); without, removes it.
    site = dict(start)
    entries = Entries(site, ranked(site))
    for qid, mine in steps:
        if stored:
            entries = pickle.loads(pickle.dumps(entries))
        if qid in site:
            before = ranked(site)
            del site[qid]
            after = ranked(site)
            holding = sorted(i for i in after if before[i] != after[i])
            assert entries.remove(qid) == holding
            assert entries.lists == after
        if mine is not None:
            site[qid] = mine
            entries.add(qid, mine)
            assert entries.lists == ranked(site)
    assert sorted(entries.slots) == sorted(site)
    assert sorted(entries.__getstate__()["features"]) == sorted(site)  # none kept of the removed


def test_removing_a_question_not_there_is_an_error() -> None:
    entries = Entries({"q1": features("botox")}, {"q1": ()})
    entries.remove("q1")
    with pytest.raises(KeyError):
        entries.remove("q1")


def test_entries_given_their_features_encoded_store_what_they_would_without() -> None:
    site = {f"q{n}": features("botox lips"[: 5 + n], "derm", f"w{n % 2}") for n in range(7)}
    plain = Entries(site, ranked(site))
    hinted = Entries(site, ranked(site), {qid: encode(mine) for qid, mine in site.items()})
    assert hinted.__getstate__() == plain.__getstate__()
    for entries in (plain, hinted):  # an edit: new features under the same id
        entries.remove("q3")
        entries.add("q3", features("chin", "plastic"))
    assert hinted.__getstate__() == plain.__getstate__()


def test_encodings_of_questions_not_placed_are_not_kept() -> None:
    site = {"q1": features("botox")}
    entries = Entries(site, ranked(site), {"q1": encode(site["q1"]), "q2": encode(features("x"))})
    entries.add("q2", features("botox"))
    assert pickle.loads(pickle.dumps(entries)).features["q2"] == features("botox")
