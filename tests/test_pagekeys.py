"""Page-key digests: equal values give equal digests however they were built, and any change
to a question inside a list, group or doctor profile changes the digest of what holds it."""

from dataclasses import replace

from sitegen.browse import AnswerRef, build_browse
from sitegen.model import Answer, Doctor, Question
from sitegen.pagekeys import Digests, PageKeys
from sitegen.site import build_site

PageKeys(None, "test", {})  # fills the type tables Digests relies on


def question(qid: str, body: str = "Body.", rating: float = 4.5) -> Question:
    doctor = Doctor("Dr. Ann Lee", "Austin", "Dermatologist", rating, 10)
    answer = Answer("Heading", body, ("botox",), doctor)
    return Question(qid, f"seeds/{qid}.txt", f"Title {qid}", "Question?", 1, (answer,))


def browse_of(*questions: Question):  # type: ignore[no-untyped-def]
    return build_browse(build_site(list(questions)))


def test_equal_groups_built_apart_have_equal_digests() -> None:
    one = browse_of(question("a"), question("b")).topics[0]
    two = browse_of(question("a"), question("b")).topics[0]
    assert one is not two
    assert Digests().of(one) == Digests().of(two)


def test_a_group_digest_changes_when_an_answer_inside_it_changes() -> None:
    before = browse_of(question("a"), question("b")).topics[0]
    after = browse_of(question("a"), question("b", body="Other body.")).topics[0]
    assert Digests().of(before) != Digests().of(after)


def test_a_doctor_profile_digest_changes_with_the_figures_shown() -> None:
    before = browse_of(question("a"), question("b")).doctors[0]
    after = browse_of(question("a"), question("b", rating=4.9)).doctors[0]
    assert Digests().of(before) != Digests().of(after)


def test_a_list_of_questions_digest_depends_on_their_order() -> None:
    a, b = question("a"), question("b")
    digests = Digests()
    assert digests.of((a, b)) != digests.of((b, a))
    assert digests.of((a, b)) == Digests().of((replace(a), replace(b)))


def test_a_list_digest_differs_from_its_only_member() -> None:
    a = question("a")
    digests = Digests()
    assert digests.of((a,)) != digests.of(a)


def two_answers() -> Question:
    doctor = Doctor("Dr. Ann Lee", "Austin", "Dermatologist", 4.5, 10)
    answers = (Answer("One", "Same.", (), doctor, 1), Answer("Two", "Same.", (), doctor, 2))
    return Question("q", "seeds/q.txt", "Title", "Question?", 2, answers)


def test_answer_refs_to_two_answers_of_one_question_differ() -> None:
    q = two_answers()
    first, second = (AnswerRef(q, a.number, a) for a in q.answers)
    assert Digests().of(first) != Digests().of(second)


def test_equal_answer_refs_built_apart_have_equal_digests() -> None:
    one, two = two_answers(), two_answers()
    assert one.answers[1] is not two.answers[1]
    refs = [AnswerRef(q, 2, q.answers[1]) for q in (one, two)]
    assert Digests().of(refs[0]) == Digests().of(refs[1])


def test_an_answer_ref_to_an_answer_outside_its_question_digests_that_answer() -> None:
    q = two_answers()
    stranger = replace(q.answers[1], body="Different.")
    assert Digests().of(AnswerRef(q, 2, stranger)) != Digests().of(AnswerRef(q, 2, q.answers[1]))


def test_a_page_context_digest_changes_with_a_question_inside_it() -> None:
    a = question("a")
    context = {"question": a, "topics": ("botox",), "related": (question("b"),)}
    edited = {**context, "related": (question("b", body="Other body."),)}
    assert Digests().of(context) == Digests().of({**context, "question": replace(a)})
    assert Digests().of(context) != Digests().of(edited)


def test_a_question_loaded_from_a_record_stands_for_the_record_digest() -> None:
    a, same = question("a"), question("a")
    digests = Digests()
    digests.known(a, "00" * 20)
    digests.known(same, "11" * 20)
    # Equal questions from different record bytes only cost a render; equal bytes, one digest.
    assert digests.of((a,)) != digests.of((same,))
    other, again = Digests(), question("a")
    other.known(again, "00" * 20)
    assert digests.of({"question": a}) == other.of({"question": again})


def test_a_list_digests_the_same_whether_its_members_were_digested_before_or_not() -> None:
    # Members digested before are joined in one go; new ones are digested one at a time.
    questions = (question("a"), question("b", body="Other."), question("c"))
    ahead = Digests()
    for one in questions:
        ahead.of(one)
    assert ahead.of(questions) == Digests().of(questions)
    browse = browse_of(*questions)
    ahead.of(browse.topics[0])
    assert ahead.of(browse.doctors[0]) == Digests().of(browse.doctors[0])
    assert ahead.of(browse.topics[0]) == Digests().of(browse.topics[0])
