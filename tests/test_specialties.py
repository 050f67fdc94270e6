"""The specialty vocabulary and the "<Location> <Specialty>" split (sitegen.specialties)."""

from __future__ import annotations

import pytest

from sitegen.specialties import Split, known_specialty, split_doctor_line, vocabulary


@pytest.mark.parametrize(
    ("line", "location", "specialty"),
    [
        ("Tampa Plastic Surgeon", "Tampa", "Plastic Surgeon"),
        ("Salt Lake City Oculoplastic Surgeon", "Salt Lake City", "Oculoplastic Surgeon"),
        ("Coeur d'Alene Plastic Surgeon", "Coeur d'Alene", "Plastic Surgeon"),
        ("Coeur d\u2019Alene Plastic Surgeon", "Coeur d\u2019Alene", "Plastic Surgeon"),
        ("Costa Rica Plastic Surgeon", "Costa Rica", "Plastic Surgeon"),
        ("San José Costa Rica Plastic Surgeon", "San José Costa Rica", "Plastic Surgeon"),
        ("Orange Facial Plastic Surgeon", "Orange", "Facial Plastic Surgeon"),
        ("Orange County Plastic Surgeon", "Orange County", "Plastic Surgeon"),
        ("Manhattan Dermatologic Surgeon", "Manhattan", "Dermatologic Surgeon"),
        ("Winston-Salem Dermatologist", "Winston-Salem", "Dermatologist"),
        ("St. Louis Oral and Maxillofacial Surgeon", "St. Louis", "Oral and Maxillofacial Surgeon"),
        (
            "Washington, DC Emergency Medicine Physician",
            "Washington, DC",
            "Emergency Medicine Physician",
        ),
        ("Beverly Hills Cosmetic Dentist", "Beverly Hills", "Cosmetic Dentist"),
        ("Miami OB-GYN", "Miami", "OB-GYN"),
        ("Dallas Nurse Practitioner", "Dallas", "Nurse Practitioner"),
        ("Boston Physician Assistant", "Boston", "Physician Assistant"),
        ("Seattle Ophthalmologist", "Seattle", "Ophthalmologist"),
        ("Denver Otolaryngologist", "Denver", "Otolaryngologist"),
        ("Toronto Cosmetic Surgeon", "Toronto", "Cosmetic Surgeon"),
        ("The Woodlands Plastic Surgeon", "The Woodlands", "Plastic Surgeon"),
        ("Great Neck Facial Plastic Surgeon", "Great Neck", "Facial Plastic Surgeon"),
        ("Boca Raton Aesthetic Nurse Injector", "Boca Raton", "Aesthetic Nurse Injector"),
    ],
)
def test_known_specialty_splits_location_and_specialty(
    line: str, location: str, specialty: str
) -> None:
    assert known_specialty(line) == Split(location, specialty)


def test_longest_known_specialty_wins() -> None:
    assert known_specialty("Orange Facial Plastic Surgeon") == Split(
        "Orange", "Facial Plastic Surgeon"
    )
    assert known_specialty("Orange County Plastic Surgeon") == Split(
        "Orange County", "Plastic Surgeon"
    )


def test_specialty_is_matched_case_insensitively_and_kept_as_written() -> None:
    assert known_specialty("Tampa plastic surgeon") == Split("Tampa", "plastic surgeon")


def test_specialty_alone_has_no_location() -> None:
    assert known_specialty("Plastic Surgeon") == Split(None, "Plastic Surgeon")


@pytest.mark.parametrize(
    "line",
    [
        "Always see a Board Certified Plastic Surgeon",
        "Board Certified Plastic Surgeon",
        "see your plastic surgeon",
        "Find a qualified neurologist",
        "Consult a Dermatologist",
        "Ask your Physician",
        "Talk to your Dentist",
        "See a Board Certified Plastic Surgeon.",
        "Tampa Plastic Surgeon:",
        "I went to 3 Plastic Surgeon",
        "Tampa Plastic Surgeons",
        "Tampa Wizard",
        "The Plastic Surgeon",
        "Great Plastic Surgeon",
        "the Woodlands Plastic Surgeon",
        "The Best Plastic Surgeon",
        "",
    ],
)
def test_prose_and_unknown_lines_are_not_known_specialties(line: str) -> None:
    assert known_specialty(line) is None


def test_overlong_line_is_not_a_doctor_line() -> None:
    assert known_specialty("Town " * 30 + "Plastic Surgeon") is None


def test_split_doctor_line_keeps_an_unknown_specialty_whole() -> None:
    assert split_doctor_line("Tampa Wizard") == (Split(None, "Tampa Wizard"), False)


def test_split_doctor_line_flags_a_known_specialty() -> None:
    assert split_doctor_line("Tampa Plastic Surgeon") == (Split("Tampa", "Plastic Surgeon"), True)


def test_vocabulary_is_longest_first_and_without_comments_or_blanks() -> None:
    names = vocabulary()
    assert names
    assert all(name and not name.startswith("#") and name == name.strip() for name in names)
    assert [len(n) for n in names] == sorted((len(n) for n in names), reverse=True)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    "specialty",
    [
        "Plastic Surgeon",
        "Facial Plastic Surgeon",
        "Dermatologic Surgeon",
        "Oculoplastic Surgeon",
        "Cosmetic Surgeon",
        "Oral and Maxillofacial Surgeon",
        "Dermatologist",
        "Emergency Medicine Physician",
        "Physician",
        "Dentist",
        "Cosmetic Dentist",
        "Orthodontist",
        "Ophthalmologist",
        "Otolaryngologist",
        "OB-GYN",
        "Nurse Practitioner",
        "Physician Assistant",
    ],
)
def test_vocabulary_covers_the_specialties_of_a_cosmetic_medical_qa_site(specialty: str) -> None:
    assert specialty in vocabulary()
