"""The published view of the records (sitegen.site): visibility, order, summaries, labels."""

from __future__ import annotations

from dataclasses import replace

from sitegen.model import Answer, Doctor, Question
from sitegen.site import (
    build_site,
    doctor_label,
    duplicate_titles,
    excerpt,
    question_summary_text,
)


def question(id_: str, *answers: Answer, body: str = "", hidden: bool = False) -> Question:
    return Question(id_, f"seeds/{id_}.txt", id_.title(), body, None, answers, hidden=hidden)


def answer(body: str = "Text.", hidden: bool = False, **doctor: str) -> Answer:
    return Answer(None, body, (), Doctor(**doctor), hidden=hidden)


def test_hidden_questions_are_not_published() -> None:
    site = build_site([question("a", answer()), question("b", answer(), hidden=True)])
    assert [q.id for q in site.questions] == ["a"]


def test_hidden_answers_are_not_published_or_counted() -> None:
    site = build_site([question("a", answer("One."), answer("Two.", hidden=True))])
    assert [a.body for a in site.questions[0].answers] == ["One."]
    assert site.answer_count == 1


def test_a_hidden_answer_does_not_show_as_a_gap_in_the_stated_count() -> None:
    record = replace(question("q", answer(), answer(hidden=True)), stated_answer_count=2)
    [published] = build_site([record]).questions
    assert published.stated_answer_count == len(published.answers) == 1


def test_a_stated_count_the_record_never_matched_is_kept() -> None:
    record = replace(question("q", answer(), answer(hidden=True)), stated_answer_count=3)
    [published] = build_site([record]).questions
    assert published.stated_answer_count == 3


def test_answers_keep_their_place_in_the_record_as_number_when_one_is_hidden() -> None:
    site = build_site([question("a", answer("One.", hidden=True), answer("Two."))])
    assert [(a.number, a.body) for a in site.questions[0].answers] == [(2, "Two.")]


def test_a_question_with_nothing_hidden_is_published_as_the_object_loaded() -> None:
    loaded = question("a", Answer(None, "One.", number=1), Answer(None, "Two.", number=2))
    assert build_site([loaded]).questions[0] is loaded


def test_questions_are_listed_most_answered_first_then_by_id() -> None:
    site = build_site([question("c", answer()), question("b", answer(), answer()), question("a")])
    assert [q.id for q in site.questions] == ["b", "c", "a"]


def test_questions_sharing_a_title_warn_naming_each_others_records() -> None:
    a, b, c = question("a"), question("b"), question("c")
    b = replace(b, title="  " + a.title.upper() + " ")
    problems = duplicate_titles([c, b, a], lambda q: f"content/questions/{q.id}.yaml")
    assert [(p.path, p.message, p.severity) for p in problems] == [
        ("content/questions/a.yaml", "same title as content/questions/b.yaml", "warning"),
        ("content/questions/b.yaml", "same title as content/questions/a.yaml", "warning"),
    ]


def test_summary_is_the_question_body_when_there_is_one() -> None:
    assert question_summary_text(question("a", answer(), body="My *own* words")) == "My *own* words"


def test_summary_without_a_body_is_the_first_answer_as_a_reader_sees_it() -> None:
    q = question("a", answer(r"Use \*ice\* &amp; rest" + "\n\n- then heat"))
    assert question_summary_text(q) == "Use *ice* & rest then heat"


def test_excerpt_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    assert excerpt("one two three four", 12) == "one two…"
    assert excerpt("short", 12) == "short"


def test_unnamed_doctor_is_labelled_by_specialty_and_place() -> None:
    label = doctor_label(answer(location="Orange County", specialty="Plastic Surgeon"))
    assert label == "A Plastic Surgeon in Orange County"
    assert doctor_label(answer(specialty="Oculoplastic Surgeon")) == "An Oculoplastic Surgeon"
    assert doctor_label(answer()) == "A doctor (name not given)"


def test_a_named_doctor_is_labelled_by_the_name_as_written() -> None:
    assert doctor_label(answer(name="Ann Lee, MD", specialty="Dermatologist")) == "Ann Lee, MD"
