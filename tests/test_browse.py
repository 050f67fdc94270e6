"""Cross-record indexes: who a doctor is, which figures a profile shows, how groups sort."""

from __future__ import annotations

from sitegen.browse import Browse, build_browse
from sitegen.model import Answer, Doctor, Question
from sitegen.site import build_site


def question(qid: str, *answers: Answer) -> Question:
    return Question(qid, f"seeds/{qid}.txt", f"Question {qid}?", "", None, answers)


def answer(doctor: Doctor, tags: str = "") -> Answer:
    return Answer(None, "Body.", tuple(tags.split()), doctor)


def browse(*questions: Question) -> Browse:
    return build_browse(build_site(list(questions)))


LEE = Doctor("Ann Lee, MD", "Tampa", "Plastic Surgeon", 4.8, 40)


def test_the_same_doctor_in_many_seeds_is_one_profile_with_every_answer() -> None:
    later = Doctor("Ann Lee, MD", "Tampa", "Plastic Surgeon", 4.9, 52)
    result = browse(question("a", answer(LEE)), question("b", answer(later)))
    [profile] = result.doctors
    assert [ref.question.id for ref in profile.answers] == ["a", "b"]


def test_a_profile_shows_the_figures_of_the_copy_with_the_most_reviews_and_says_which() -> None:
    later = Doctor("Ann Lee, MD", "Tampa", "Plastic Surgeon", 4.9, 52)
    [profile] = browse(question("a", answer(LEE)), question("b", answer(later))).doctors
    assert (profile.figures.rating, profile.figures.review_count) == (4.9, 52)
    assert profile.figures_from.question.id == "b"


def test_spacing_and_case_do_not_split_a_doctor() -> None:
    shouty = Doctor("ANN  LEE, MD", "tampa", "plastic surgeon", 4.8, 40)
    assert len(browse(question("a", answer(LEE)), question("b", answer(shouty))).doctors) == 1


def test_namesakes_in_different_places_are_two_profiles_with_distinct_ids() -> None:
    other = Doctor("Ann Lee, MD", "Boston", "Dermatologist", 5.0, 3)
    doctors = browse(question("a", answer(LEE)), question("b", answer(other))).doctors
    assert len(doctors) == 2
    assert len({d.id for d in doctors}) == 2
    assert all(d.id.startswith("ann-lee-md-") for d in doctors)


def test_a_doctor_s_id_is_name_place_and_specialty_and_a_namesake_elsewhere_keeps_it() -> None:
    alone = browse(question("a", answer(LEE))).doctors[0].id
    other = Doctor("Ann Lee, MD", "Boston", "Dermatologist", 5.0, 3)
    both = browse(question("a", answer(LEE)), question("b", answer(other))).doctors
    assert alone == "ann-lee-md-tampa-plastic-surgeon"
    assert alone in {d.id for d in both}


def test_a_name_without_letters_gets_an_id_that_no_other_doctor_changes() -> None:
    first = Doctor("李医生", "Tampa", "Dermatologist")
    second = Doctor("王医生", "Tampa", "Dermatologist")
    alone = browse(question("a", answer(first))).doctors[0].id
    both = browse(question("a", answer(first)), question("b", answer(second))).doctors
    assert alone in {d.id for d in both}
    assert len({d.id for d in both}) == 2


def test_unnamed_doctors_get_no_profile_and_are_never_merged() -> None:
    unnamed = Doctor(None, "Tampa", "Plastic Surgeon", 4.8, 40)
    result = browse(question("a", answer(unnamed)), question("b", answer(unnamed)))
    assert result.doctors == ()
    assert result.doctor_url(unnamed) is None
    [group] = result.specialties
    assert [q.id for q in group.questions] == ["a", "b"] and group.doctors == ()


def test_doctors_are_listed_a_to_z_ignoring_accents() -> None:
    names = ("Zoe Park, MD", "Élise Martin, DO", "Adam Fox, MD")
    questions = [question(f"q{n}", answer(Doctor(name, "Tampa"))) for n, name in enumerate(names)]
    assert [d.name for d in browse(*questions).doctors] == [
        "Adam Fox, MD",
        "Élise Martin, DO",
        "Zoe Park, MD",
    ]


def test_topics_sort_by_question_count_then_label() -> None:
    result = browse(
        question("a", answer(LEE, "botox lips")),
        question("b", answer(LEE, "lips")),
        question("c", answer(LEE, "acne")),
    )
    assert [t.label for t in result.topics] == ["lips", "acne", "botox"]


def test_hidden_answers_count_nowhere() -> None:
    hidden = Answer(None, "Body.", ("secret",), LEE, hidden=True)
    result = browse(question("a", hidden, answer(Doctor("Bo Chu", "Tampa"))))
    assert [d.name for d in result.doctors] == ["Bo Chu"]
    assert result.topics == ()
