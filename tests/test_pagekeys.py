"""Page-key digests: equal values give equal digests however they were built, and any change
to a question inside a list, group or doctor profile changes the digest of what holds it."""

from dataclasses import replace

from sitegen.browse import build_browse
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
