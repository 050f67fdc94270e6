"""Related questions: shared topics, then specialties, then title words; ties by id."""

from __future__ import annotations

from sitegen.model import Answer, Doctor, Question
from sitegen.related import RelatedIndex, title_words


def question(qid: str, title: str = "", tags: str = "", specialty: str = "") -> Question:
    answer = Answer(None, "Body.", tuple(tags.split()), Doctor(specialty=specialty or None))
    return Question(qid, f"seeds/{qid}.txt", title or qid, "", None, (answer,))


def related_ids(questions: list[Question], of: str) -> list[str]:
    index = RelatedIndex(questions)
    target = next(q for q in questions if q.id == of)
    return [q.id for q in index.related(target)]


def test_a_question_is_never_related_to_itself() -> None:
    questions = [question("a", tags="botox"), question("b", tags="botox")]
    assert related_ids(questions, "a") == ["b"]


def test_more_shared_topics_rank_first() -> None:
    questions = [
        question("a", tags="botox brows lift"),
        question("b", tags="botox"),
        question("c", tags="botox brows"),
    ]
    assert related_ids(questions, "a") == ["c", "b"]


def test_a_shared_topic_outranks_any_number_of_shared_specialties_and_words() -> None:
    questions = [
        question("a", "Botox brow droop", tags="botox", specialty="Dermatologist"),
        question("b", "Botox brow droop", specialty="Dermatologist"),
        question("c", "Unrelated", tags="botox"),
    ]
    assert related_ids(questions, "a") == ["c", "b"]


def test_a_shared_specialty_outranks_shared_title_words() -> None:
    questions = [
        question("a", "Swelling after filler", specialty="Dermatologist"),
        question("b", "Swelling after filler"),
        question("c", "Something else", specialty="Dermatologist"),
    ]
    assert related_ids(questions, "a") == ["c", "b"]


def test_ties_go_to_the_smaller_id() -> None:
    questions = [question(qid, tags="botox") for qid in ("m", "z", "b", "a")]
    assert related_ids(questions, "m") == ["a", "b", "z"]


def test_at_most_five_and_only_questions_that_share_something() -> None:
    questions = [question(f"q{i}", tags="botox") for i in range(8)] + [question("x", tags="lips")]
    assert related_ids(questions, "q0") == ["q1", "q2", "q3", "q4", "q5"]
    assert related_ids(questions, "x") == []


def test_adding_an_unrelated_question_changes_no_list() -> None:
    questions = [question("a", "Brow lift", tags="botox"), question("b", "Brow", tags="botox")]
    before = related_ids(questions, "a")
    after = related_ids([*questions, question("c", "Lip filler", tags="lips")], "a")
    assert before == after == ["b"]


def test_title_words_skip_stopwords_and_short_words() -> None:
    assert title_words("Is it normal to have swelling after a lip filler?") == {
        "swelling",
        "lip",
        "filler",
    }
