"""Seed text -> Question (sitegen.parser): one behaviour per test, tiny inline seeds."""

from __future__ import annotations

import textwrap

import pytest

from sitegen.errors import SeedError
from sitegen.model import Doctor
from sitegen.parser import ParseResult, parse_seed
from sitegen.seedtext import decode_seed

PATH = "seeds/q.txt"


def parse(text: str) -> ParseResult:
    data = textwrap.dedent(text).lstrip("\n").encode("utf-8")
    return parse_seed(decode_seed(data, PATH), PATH, "q")


def warnings(result: ParseResult) -> list[str]:
    return [f"{d.line}: {d.message}" for d in result.diagnostics]


def rejects(text: str) -> SeedError:
    with pytest.raises(SeedError) as caught:
        parse(text)
    return caught.value


SIMPLE = """
    Will my twitch go away?

    I had a facelift.

    Doctor Answers 1

    Twitching after surgery

    It should settle with time.

    Jane Doe, MD
    Tampa Plastic Surgeon
    4.9 out of 5 stars 39 reviews

    These answers are for educational purposes and should not be relied upon.
"""


# --- the whole shape -------------------------------------------------------------------------


def test_simple_seed_reads_every_field() -> None:
    result = parse(SIMPLE)
    question = result.question
    assert question.title == "Will my twitch go away?"
    assert question.body == "I had a facelift."
    assert question.stated_answer_count == 1
    assert question.source == PATH
    assert len(question.answers) == 1
    answer = question.answers[0]
    assert answer.title == "Twitching after surgery"
    assert answer.body == "It should settle with time."
    assert answer.tags == ()
    assert answer.doctor == Doctor("Jane Doe, MD", "Tampa", "Plastic Surgeon", 4.9, 39)
    assert result.diagnostics == ()


def test_parser_uses_the_id_it_is_given() -> None:
    assert parse(SIMPLE).question.id == "q"


def test_closing_disclaimer_is_dropped_silently() -> None:
    question = parse(SIMPLE).question
    assert "educational" not in question.answers[-1].body


def test_text_after_the_disclaimer_is_kept_with_a_warning() -> None:
    result = parse(SIMPLE + "\n    Trailing words.\n")
    assert result.question.answers[-1].body == "Trailing words."
    assert "text follows the closing disclaimer" in " ".join(warnings(result))


def test_an_answer_starting_like_the_disclaimer_keeps_its_words() -> None:
    own = "These answers are for educational purposes only, but here is my advice: ice it."
    result = parse(SIMPLE.replace("It should settle with time.", own))
    assert result.question.answers[0].body == own
    assert "starts like the closing disclaimer" in " ".join(warnings(result))
    assert "educational purposes and should not" not in repr(result.question)


def test_without_a_closing_disclaimer_an_answer_starting_like_it_keeps_its_words() -> None:
    own = "These answers are for educational purposes only, but here is my advice: ice it."
    seed = SIMPLE.replace("It should settle with time.", own).replace(
        "These answers are for educational purposes and should not be relied upon.\n", ""
    )
    result = parse(seed)
    assert result.question.answers[0].body == own


def test_a_bare_doctor_answers_paragraph_in_the_body_is_not_the_count_line() -> None:
    seed = SIMPLE.replace(
        "I had a facelift.", "I had a facelift.\n\n    Doctor answers\n\n    Help?"
    )
    question = parse(seed).question
    assert question.body == "I had a facelift.\n\nDoctor answers\n\nHelp?"
    assert question.stated_answer_count == 1
    assert question.answers[0].title == "Twitching after surgery"


UNSIGNED_FIRST = """
    Title?

    Body.

    Doctor Answers 2

    First heading

    First text, copied without its doctor lines.

    Second heading

    Second text.

    Ned Oak, MD
    Tampa Plastic Surgeon
    4.9 out of 5 stars 39 reviews
"""


def test_an_answer_without_doctor_lines_is_not_credited_to_the_next_doctor() -> None:
    result = parse(UNSIGNED_FIRST)
    first, second = result.question.answers
    assert (first.title, first.body, first.doctor) == (
        "First heading",
        "First text, copied without its doctor lines.",
        Doctor(),
    )
    assert (second.title, second.body) == ("Second heading", "Second text.")
    assert second.doctor.name == "Ned Oak, MD"
    assert "without doctor lines" in " ".join(warnings(result))


def test_a_heading_inside_an_answer_stays_when_the_count_matches() -> None:
    [answer] = parse(
        UNSIGNED_FIRST.replace("Doctor Answers 2", "Doctor Answers 1")
    ).question.answers
    assert answer.doctor.name == "Ned Oak, MD"
    assert "Second heading" in answer.body


def test_answers_keep_seed_order() -> None:
    result = parse("""
        Title?

        Doctor Answers 2

        First

        One.

        Tampa Plastic Surgeon

        Second

        Two.

        Atlanta Plastic Surgeon
    """)
    assert [a.title for a in result.question.answers] == ["First", "Second"]
    assert [a.doctor.location for a in result.question.answers] == ["Tampa", "Atlanta"]


# --- the count line --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "stated"),
    [
        ("Doctor Answers 1", 1),
        ("Doctor Answers (1)", 1),
        ("Doctor Answers(1)", 1),
        ("Doctor Answer 1", 1),
        ("doctor answers 1", 1),
        ("Doctor Answers", None),
    ],
)
def test_count_line_variants(line: str, stated: int | None) -> None:
    result = parse(SIMPLE.replace("Doctor Answers 1", line))
    assert result.question.stated_answer_count == stated
    assert result.question.body == "I had a facelift."
    assert result.diagnostics == ()


def test_count_with_thousands_separator() -> None:
    result = parse(SIMPLE.replace("Doctor Answers 1", "Doctor Answers 1,234"))
    assert result.question.stated_answer_count == 1234


def test_count_that_disagrees_with_the_answers_found_warns() -> None:
    result = parse(SIMPLE.replace("Doctor Answers 1", "Doctor Answers 5"))
    assert result.question.stated_answer_count == 5
    assert warnings(result) == ["5: the page says 5 doctor answers but 1 was found"]


def test_count_line_with_empty_question_body() -> None:
    result = parse(SIMPLE.replace("I had a facelift.\n", ""))
    assert result.question.body == ""
    assert result.question.answers[0].title == "Twitching after surgery"


def test_question_body_paragraphs_are_separated_by_one_blank_line() -> None:
    result = parse(SIMPLE.replace("I had a facelift.", "One.\n\n\n    Two."))
    assert result.question.body == "One.\n\nTwo."


def test_question_body_keeps_a_single_line_break() -> None:
    result = parse(SIMPLE.replace("I had a facelift.", "One\n    two."))
    assert result.question.body == "One\ntwo."


def test_count_words_inside_prose_are_not_a_count_line() -> None:
    result = parse(SIMPLE.replace("I had a facelift.", "Doctor Answers 2 of my questions."))
    assert result.question.body == "Doctor Answers 2 of my questions."


# --- no count line: where the question body ends ---------------------------------------------

NO_COUNT = """
    Will my twitch go away?

    I had a facelift.

    It was in May.

    Twitching after surgery

    It should settle with time.

    Tampa Plastic Surgeon
"""


def test_without_count_line_body_ends_at_first_heading_followed_by_prose() -> None:
    result = parse(NO_COUNT)
    assert result.question.stated_answer_count is None
    assert result.question.body == "I had a facelift.\n\nIt was in May."
    assert result.question.answers[0].title == "Twitching after surgery"
    assert result.question.answers[0].body == "It should settle with time."


def test_without_count_line_a_warning_names_where_the_body_ended() -> None:
    assert warnings(parse(NO_COUNT)) == [
        "7: no 'Doctor Answers' line: the question body was taken to end before line 7,"
        " read as the first answer's heading"
    ]


def test_without_count_line_two_blank_lines_end_the_body_before_a_headless_answer() -> None:
    result = parse("""
        Title?

        My question.

        More about it.


        An answer without heading.

        Tampa Plastic Surgeon
    """)
    assert result.question.body == "My question.\n\nMore about it."
    assert result.question.answers[0].title is None
    assert result.question.answers[0].body == "An answer without heading."
    assert warnings(result) == [
        "8: no 'Doctor Answers' line: the question body was taken to end before line 8,"
        " where two blank lines start the first answer"
    ]


def test_without_count_line_or_heading_the_body_is_the_first_paragraph() -> None:
    result = parse("""
        Title?

        My question.

        An answer without heading.

        Tampa Plastic Surgeon
    """)
    assert result.question.body == "My question."
    assert result.question.answers[0].title is None
    assert result.question.answers[0].body == "An answer without heading."
    assert warnings(result) == [
        "3: no 'Doctor Answers' line: the first paragraph after the title was taken as the"
        " question body"
    ]


def test_without_count_line_a_doctor_block_right_after_the_title_means_no_body() -> None:
    result = parse("""
        Title?

        Tampa Plastic Surgeon
    """)
    assert result.question.body == ""
    assert "no 'Doctor Answers' line and no question body" in " ".join(warnings(result))


# --- answer headings -------------------------------------------------------------------------


def test_answer_without_heading_after_two_blank_lines() -> None:
    result = parse("""
        Title?

        Doctor Answers 1


        Short first line

        More of the answer.

        Tampa Plastic Surgeon
    """)
    answer = result.question.answers[0]
    assert answer.title is None
    assert answer.body == "Short first line\n\nMore of the answer."


def test_answer_of_one_paragraph_has_no_heading() -> None:
    result = parse(SIMPLE.replace("Twitching after surgery\n\n", ""))
    assert result.question.answers[0].title is None
    assert result.question.answers[0].body == "It should settle with time."


def test_first_paragraph_that_is_a_sentence_is_not_a_heading() -> None:
    result = parse(SIMPLE.replace("Twitching after surgery", "It will pass."))
    assert result.question.answers[0].title is None
    assert result.question.answers[0].body == "It will pass.\n\nIt should settle with time."


def test_heading_may_be_a_question() -> None:
    result = parse(SIMPLE.replace("Twitching after surgery", "Will it pass?"))
    assert result.question.answers[0].title == "Will it pass?"


# --- answer bodies ---------------------------------------------------------------------------


def test_single_line_break_inside_a_paragraph_is_kept() -> None:
    result = parse(SIMPLE.replace("It should settle with time.", "It should\n    settle."))
    assert result.question.answers[0].body == "It should\nsettle."


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    result = parse(SIMPLE.replace("It should settle with time.", "One.\n\n\n    Two."))
    assert result.question.answers[0].body == "One.\n\nTwo."


def test_bullets_become_markdown_list_items() -> None:
    seed = SIMPLE.replace("It should settle with time.", "Intro:\n\n      • one\n      • two")
    assert parse(seed).question.answers[0].body == "Intro:\n\n- one\n- two"


def test_numbered_list_is_kept() -> None:
    seed = SIMPLE.replace("It should settle with time.", "1. one\n    2) two")
    assert parse(seed).question.answers[0].body == "1. one\n2. two"


def test_bullets_glued_to_a_paragraph_become_their_own_list() -> None:
    seed = SIMPLE.replace("It should settle with time.", "Options:\n    • one\n    • two")
    assert parse(seed).question.answers[0].body == "Options:\n\n- one\n- two"


def test_whitespace_runs_inside_a_line_collapse() -> None:
    seed = SIMPLE.replace("It should settle with time.", "It  should \u00a0 settle.")
    assert parse(seed).question.answers[0].body == "It should settle."


# --- hashtags --------------------------------------------------------------------------------


def test_hashtags_keep_their_word_and_are_collected_lower_case() -> None:
    seed = SIMPLE.replace("It should settle with time.", "Small #Nerves heal.")
    answer = parse(seed).question.answers[0]
    assert answer.body == "Small Nerves heal."
    assert answer.tags == ("nerves",)


def test_hashtags_are_unique_in_first_seen_order() -> None:
    seed = SIMPLE.replace(
        "It should settle with time.", "#swelling #Botox\n    #botox #SWELLING #ice"
    )
    assert parse(seed).question.answers[0].tags == ("swelling", "botox", "ice")


@pytest.mark.parametrize("text", ["The #1 choice.", "Go to room #12 now.", "I use C# daily."])
def test_numbers_and_glued_hashes_are_not_hashtags(text: str) -> None:
    answer = parse(SIMPLE.replace("It should settle with time.", text)).question.answers[0]
    assert answer.tags == ()
    assert answer.body == text


def test_tags_belong_to_their_own_answer() -> None:
    result = parse("""
        Title?

        Doctor Answers 2

        About #botox here.

        Tampa Plastic Surgeon

        About #fillers here.

        Atlanta Plastic Surgeon
    """)
    assert [a.tags for a in result.question.answers] == [("botox",), ("fillers",)]


def test_hashtag_in_the_question_body_stays_as_written() -> None:
    result = parse(SIMPLE.replace("I had a facelift.", "I had a #facelift."))
    assert result.question.body == "I had a #facelift."


# --- the doctor block ------------------------------------------------------------------------


def test_doctor_without_name_line_has_null_name() -> None:
    result = parse(SIMPLE.replace("Jane Doe, MD\n", ""))
    assert result.question.answers[0].doctor == Doctor(None, "Tampa", "Plastic Surgeon", 4.9, 39)


def test_doctor_without_rating_line_has_null_rating_and_count() -> None:
    result = parse(SIMPLE.replace("4.9 out of 5 stars 39 reviews\n", ""))
    assert result.question.answers[0].doctor == Doctor(
        "Jane Doe, MD", "Tampa", "Plastic Surgeon", None, None
    )


@pytest.mark.parametrize(
    "name", ["Pedro M. Soler, Jr., MD", "Dr. Ann Lee", "J. R. Smith, M.D.", "Ana de la Cruz, DDS"]
)
def test_name_with_initials_is_read_without_a_rating_line(name: str) -> None:
    seed = SIMPLE.replace("Jane Doe, MD", name).replace("4.9 out of 5 stars 39 reviews\n", "")
    answer = parse(seed).question.answers[0]
    assert answer.doctor == Doctor(name, "Tampa", "Plastic Surgeon", None, None)
    assert answer.body == "It should settle with time."


def test_prose_line_above_a_place_line_is_not_a_name() -> None:
    seed = SIMPLE.replace("Jane Doe, MD\n", "I would see a surgeon like this\n").replace(
        "4.9 out of 5 stars 39 reviews\n", ""
    )
    answer = parse(seed).question.answers[0]
    assert answer.doctor == Doctor()
    assert answer.body.endswith("I would see a surgeon like this\nTampa Plastic Surgeon")


def test_doctor_with_only_the_place_line() -> None:
    seed = SIMPLE.replace("Jane Doe, MD\n", "").replace("4.9 out of 5 stars 39 reviews\n", "")
    doctor = parse(seed).question.answers[0].doctor
    assert doctor == Doctor(None, "Tampa", "Plastic Surgeon", None, None)


def test_a_rating_under_a_line_of_prose_is_answer_text_not_a_doctor() -> None:
    seed = SIMPLE.replace(
        "It should settle with time.",
        "It should settle.\n\n    My patients rate this:\n    5 out of 5 stars",
    )
    answers = parse(seed).question.answers
    assert len(answers) == 1
    assert answers[0].doctor == Doctor("Jane Doe, MD", "Tampa", "Plastic Surgeon", 4.9, 39)
    assert "My patients rate this:" in answers[0].body and "5 out of 5 stars" in answers[0].body


@pytest.mark.parametrize("above", ["Jane Roe, M.D.", "Boston Skin Assoc."])
def test_a_name_or_place_line_ending_in_a_dot_above_a_rating_is_still_a_doctor(
    above: str,
) -> None:
    seed = SIMPLE.replace("Jane Doe, MD\n    Tampa Plastic Surgeon\n", f"{above}\n")
    [answer] = parse(seed).question.answers
    assert answer.body == "It should settle with time."
    assert answer.doctor.rating == 4.9


def test_a_signed_name_and_place_above_the_doctor_block_stay_in_the_answer() -> None:
    seed = SIMPLE.replace(
        "It should settle with time.\n",
        "It should settle with time.\n\n    Jane Doe, MD\n    Tampa Plastic Surgeon\n",
    )
    result = parse(seed)
    [answer] = result.question.answers
    assert answer.doctor == Doctor("Jane Doe, MD", "Tampa", "Plastic Surgeon", 4.9, 39)
    assert answer.body.endswith("Jane Doe, MD\nTampa Plastic Surgeon")
    assert "kept as text" in " ".join(warnings(result))


@pytest.mark.parametrize(
    ("line", "rating", "count"),
    [
        ("5.0 out of 5 stars 1 review", 5.0, 1),
        ("4.6 out of 5 stars 1,234 reviews", 4.6, 1234),
        ("4 out of 5 stars 7 reviews", 4.0, 7),
        ("4.5 out of 5 stars", 4.5, None),
    ],
)
def test_rating_line_variants(line: str, rating: float, count: int | None) -> None:
    result = parse(SIMPLE.replace("4.9 out of 5 stars 39 reviews", line))
    doctor = result.question.answers[0].doctor
    assert (doctor.rating, doctor.review_count) == (rating, count)


def test_answer_with_no_doctor_block_has_every_doctor_field_null() -> None:
    result = parse("""
        Title?

        Doctor Answers 1

        Heading

        Text with no doctor after it.
    """)
    answer = result.question.answers[0]
    assert answer.doctor == Doctor()
    assert answer.body == "Text with no doctor after it."
    assert "answer text with no doctor block after it" in " ".join(warnings(result))


def test_signature_separated_by_a_blank_line_stays_in_the_body_and_is_not_the_name() -> None:
    result = parse(SIMPLE.replace("Jane Doe, MD\n", "Best wishes,\n\n    Dr. Jane Doe\n\n"))
    answer = result.question.answers[0]
    assert answer.body == "It should settle with time.\n\nBest wishes,\n\nDr. Jane Doe"
    assert answer.doctor.name is None


def test_signature_before_a_named_doctor_block_stays_in_the_body() -> None:
    result = parse(
        SIMPLE.replace("Jane Doe, MD\n", "Best regards. Jane Doe m.d.\n\n    Jane Doe, MD\n")
    )
    answer = result.question.answers[0]
    assert answer.body.endswith("Best regards. Jane Doe m.d.")
    assert answer.doctor.name == "Jane Doe, MD"


def test_doctor_lines_glued_to_answer_text_are_still_read_with_a_warning() -> None:
    seed = SIMPLE.replace("It should settle with time.\n\n", "It should settle with time.\n")
    result = parse(seed)
    answer = result.question.answers[0]
    assert answer.body == "It should settle with time."
    assert answer.doctor.name == "Jane Doe, MD"
    assert "doctor lines follow answer text without a blank line" in " ".join(warnings(result))


@pytest.mark.parametrize("line", ["Hope this helps, see your injector.", "good luck"])
def test_answer_text_glued_above_an_unnamed_doctor_is_not_taken_as_the_name(line: str) -> None:
    seed = SIMPLE.replace(
        "It should settle with time.\n\n    Jane Doe, MD\n",
        f"It should settle with time.\n    {line}\n",
    )
    result = parse(seed)
    answer = result.question.answers[0]
    assert answer.doctor.name is None
    assert answer.doctor.specialty == "Plastic Surgeon"
    assert answer.body == f"It should settle with time.\n{line}"
    assert "reads as no name: kept as answer text" in " ".join(warnings(result))


@pytest.mark.parametrize("name", ["Dr. Paolo d'Amico", "dr. jane roe", "Maria do Carmo Silva, MD"])
def test_a_name_line_of_a_doctor_block_of_its_own_is_taken_as_written(name: str) -> None:
    result = parse(SIMPLE.replace("Jane Doe, MD", name))
    answer = result.question.answers[0]
    assert answer.doctor.name == name
    assert answer.body == "It should settle with time."
    assert warnings(result) == []


def test_a_sentence_above_the_place_line_of_a_block_of_its_own_is_no_name() -> None:
    result = parse(SIMPLE.replace("Jane Doe, MD", "Hope this helps, see your injector."))
    answer = result.question.answers[0]
    assert answer.doctor.name is None
    assert answer.body == "It should settle with time.\n\nHope this helps, see your injector."


def test_a_glued_name_warning_says_which_line_was_read_as_the_name() -> None:
    seed = SIMPLE.replace("It should settle with time.\n\n", "It should settle with time.\n")
    assert "'Jane Doe, MD' read as the doctor's name" in " ".join(warnings(parse(seed)))


@pytest.mark.parametrize("name", ["Omar bin Khalid Saleh, MD", "Ana dos Santos y Ruiz, MD"])
def test_names_with_lower_case_particles_are_names(name: str) -> None:
    result = parse(SIMPLE.replace("Jane Doe, MD", name))
    assert result.question.answers[0].doctor.name == name


def test_unknown_specialty_goes_whole_into_specialty_with_a_warning() -> None:
    result = parse(SIMPLE.replace("Tampa Plastic Surgeon", "Tampa Wizard"))
    doctor = result.question.answers[0].doctor
    assert (doctor.location, doctor.specialty) == (None, "Tampa Wizard")
    assert warnings(result) == [
        "12: unknown specialty in 'Tampa Wizard'; kept whole as the specialty"
        " (add it to sitegen/data/specialties.txt)"
    ]


def test_unknown_specialty_without_name_line_warns_on_its_own_line() -> None:
    seed = SIMPLE.replace("Jane Doe, MD\n", "").replace("Tampa Plastic Surgeon", "Tampa Wizard")
    assert warnings(parse(seed))[0].startswith("11: unknown specialty in 'Tampa Wizard'")


def test_board_certified_plastic_surgeon_in_answer_text_is_not_a_doctor_line() -> None:
    result = parse(
        SIMPLE.replace("It should settle with time.", "See a Board Certified Plastic Surgeon")
    )
    answer = result.question.answers[0]
    assert answer.body == "See a Board Certified Plastic Surgeon"
    assert answer.doctor.name == "Jane Doe, MD"
    assert len(result.question.answers) == 1


@pytest.mark.parametrize(
    ("line", "location", "specialty"),
    [
        ("Salt Lake City Oculoplastic Surgeon", "Salt Lake City", "Oculoplastic Surgeon"),
        ("Coeur d'Alene Plastic Surgeon", "Coeur d'Alene", "Plastic Surgeon"),
        ("Costa Rica Plastic Surgeon", "Costa Rica", "Plastic Surgeon"),
        ("Orange Facial Plastic Surgeon", "Orange", "Facial Plastic Surgeon"),
        ("Orange County Plastic Surgeon", "Orange County", "Plastic Surgeon"),
    ],
)
def test_doctor_place_line_is_split_into_location_and_specialty(
    line: str, location: str, specialty: str
) -> None:
    doctor = parse(SIMPLE.replace("Tampa Plastic Surgeon", line)).question.answers[0].doctor
    assert (doctor.location, doctor.specialty) == (location, specialty)


# --- page chrome -----------------------------------------------------------------------------


def test_ask_a_doctor_above_the_title_is_dropped_with_a_warning() -> None:
    result = parse("Ask a doctor\n" + textwrap.dedent(SIMPLE).lstrip("\n"))
    assert result.question.title == "Will my twitch go away?"
    assert warnings(result) == ["1: dropped page chrome 'Ask a doctor'"]


@pytest.mark.parametrize(
    "chrome",
    [
        "{{ voteCount >= 0 ? '+' + voteCount : voteCount }}",
        "{{voteCount}}",
        "+2",
        "-1",
    ],
)
def test_vote_widget_under_a_heading_is_dropped_with_a_warning(chrome: str) -> None:
    result = parse(
        SIMPLE.replace("Twitching after surgery", f"Twitching after surgery\n    {chrome}")
    )
    answer = result.question.answers[0]
    assert answer.title == "Twitching after surgery"
    assert answer.body == "It should settle with time."
    assert warnings(result) == [f"8: dropped page chrome {chrome!r}"]


@pytest.mark.parametrize(
    "chrome", ["You might also like...", "You might also like…", "Have a question? Ask a doctor"]
)
def test_chrome_between_answers_is_dropped_with_a_warning(chrome: str) -> None:
    result = parse(f"""
        Title?

        Doctor Answers 2

        First

        One.

        Tampa Plastic Surgeon

        {chrome}

        Second

        Two.

        Atlanta Plastic Surgeon
    """)
    assert [a.title for a in result.question.answers] == ["First", "Second"]
    assert [a.body for a in result.question.answers] == ["One.", "Two."]
    assert warnings(result) == [f"11: dropped page chrome {chrome!r}"]


def test_chrome_words_inside_prose_are_kept() -> None:
    seed = SIMPLE.replace("It should settle with time.", "You might also like to ask a doctor.")
    result = parse(seed)
    assert result.question.answers[0].body == "You might also like to ask a doctor."
    assert result.diagnostics == ()


# --- rejected copies -------------------------------------------------------------------------


def test_copy_starting_mid_page_with_a_long_paragraph_is_rejected() -> None:
    paragraph = "It is very unusual to get muscle twitches after a facelift. " * 5
    error = rejects(f"{paragraph}\n\nTampa Plastic Surgeon\n")
    assert error.path == PATH
    assert error.line == 1
    assert "no title line" in error.message
    assert "mid-page" in error.message


def test_an_overlong_title_is_rejected_saying_how_long_a_title_may_be() -> None:
    title = "Why " + "very " * 60 + "swollen?"
    error = rejects(SIMPLE.replace("Will my twitch go away?", title))
    assert error.line == 1
    assert f"is {len(title)} characters long" in error.message
    assert "a title has at most 200" in error.message


def test_copy_starting_with_several_sentences_is_rejected() -> None:
    error = rejects(
        "It is unusual. The nerves are deep. Perhaps massage helps.\n\nTampa Plastic Surgeon\n"
    )
    assert "several sentences" in error.message


@pytest.mark.parametrize(
    "first", ["Tampa Plastic Surgeon", "4.9 out of 5 stars 39 reviews", "Doctor Answers 3"]
)
def test_copy_starting_at_a_doctor_rating_or_count_line_is_rejected(first: str) -> None:
    error = rejects(f"{first}\n\nSome text.\n")
    assert error.line == 1
    assert "no title line" in error.message


def test_copy_of_only_chrome_and_disclaimer_is_rejected() -> None:
    error = rejects("""
        Ask a doctor

        These answers are for educational purposes and should not be relied upon.
    """)
    assert str(error).startswith("seeds/q.txt: error: no text besides page chrome")


def test_title_after_leading_blank_lines_is_reported_on_its_own_line() -> None:
    with pytest.raises(SeedError) as caught:
        parse_seed(decode_seed(b"\n\nA sentence. Another one. And a third.\n", PATH), PATH)
    assert caught.value.line == 3


def test_title_with_body_glued_below_it_warns() -> None:
    result = parse(SIMPLE.replace("Will my twitch go away?\n\n", "Will my twitch go away?\n"))
    assert result.question.title == "Will my twitch go away?"
    assert result.question.body == "I had a facelift."
    assert "no blank line after the title" in " ".join(warnings(result))


# --- decoding feeds the parser ---------------------------------------------------------------


def test_cp1252_seed_parses_and_carries_the_decoding_warning() -> None:
    data = textwrap.dedent(SIMPLE).lstrip("\n").replace("facelift", "facelift\u2019s")
    result = parse_seed(decode_seed(data.encode("cp1252"), PATH), PATH)
    assert result.question.body == "I had a facelift\u2019s."
    assert warnings(result) == ["3: not valid UTF-8; read as Windows-1252 (cp1252)"]


def test_crlf_bom_and_nbsp_seed_parses_like_the_plain_one() -> None:
    plain = textwrap.dedent(SIMPLE).lstrip("\n")
    messy = "\ufeff" + plain.replace("\n", "\r\n").replace("time.", "time.\u00a0")
    result = parse_seed(decode_seed(messy.encode(), PATH), PATH, "q")
    assert result.question == parse(SIMPLE).question
    assert result.diagnostics == ()


def test_vertical_tab_inside_a_title_does_not_split_it() -> None:
    result = parse(SIMPLE.replace("Will my twitch", "Will my\x0btwitch"))
    assert result.question.title == "Will my twitch go away?"
    assert warnings(result) == ["1: control characters replaced by spaces"]


def test_line_separator_inside_an_answer_does_not_split_it() -> None:
    result = parse(SIMPLE.replace("settle with", "settle\u2028with"))
    assert result.question.answers[0].body == "It should settle with time."


def test_two_seeds_share_one_copy_of_a_doctors_place_specialty_and_tags() -> None:
    # 100,000 questions repeat a thousand such strings over a million times: keep one each.
    text = SIMPLE.replace("It should settle with time.", "It should settle. #Botox")
    first, second = parse(text).question.answers[0], parse(text).question.answers[0]
    assert first.doctor.location is second.doctor.location
    assert first.doctor.specialty is second.doctor.specialty
    assert first.doctor.name is second.doctor.name
    assert first.tags[0] is second.tags[0]


def test_answers_are_numbered_by_their_place_on_the_page() -> None:
    answers = parse(SIMPLE).question.answers
    assert [a.number for a in answers] == list(range(1, len(answers) + 1))
