"""schema.org JSON-LD: truthful fields, people only when named, and no way out of <script>."""

from __future__ import annotations

import json

from sitegen.browse import build_browse
from sitegen.jsonld import person, profile_page, qa_page, split_name, to_script_json
from sitegen.model import Answer, Doctor, Question
from sitegen.site import build_site

BASE = "https://example.org/qa/"
LEE = Doctor("Ann Lee, MD, FACS", "Tampa", "Plastic Surgeon", 4.9, 110)


def question(*doctors: Doctor, title: str = "Does ice help?") -> Question:
    answers = tuple(Answer(None, f"Answer {n}.", (), d) for n, d in enumerate(doctors, 1))
    return Question("ice", "seeds/ice.txt", title, "I bruise.", None, answers)


def qa(q: Question) -> dict[str, object]:
    site = build_site([q])
    return qa_page(site.questions[0], build_browse(site), BASE)


def test_script_json_cannot_close_the_script_element() -> None:
    text = to_script_json({"name": "</script><script>alert(1)</script><!--&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script><!--&"


def test_credentials_go_to_honorific_suffix() -> None:
    assert split_name("Ann Lee, MD, FACS") == ("Ann Lee", "MD, FACS")
    assert split_name("Ann Lee MD") == ("Ann Lee", "MD")
    assert split_name("Ann Lee") == ("Ann Lee", None)


def test_a_person_carries_specialty_as_job_title_and_place_as_work_location() -> None:
    data = person(LEE, BASE + "doctors/ann-lee-md-facs/")
    assert data == {
        "@type": "Person",
        "name": "Ann Lee",
        "honorificSuffix": "MD, FACS",
        "jobTitle": "Plastic Surgeon",
        "workLocation": {"@type": "Place", "name": "Tampa"},
        "url": BASE + "doctors/ann-lee-md-facs/",
    }


def test_an_unnamed_doctor_is_no_person() -> None:
    assert person(Doctor(None, "Tampa", "Plastic Surgeon", 4.9, 110), None) is None


def test_qapage_suggests_every_answer_at_its_anchor_and_accepts_none() -> None:
    data = qa(question(LEE, Doctor(None, "Tampa", "Dermatologist")))
    entity = data["mainEntity"]
    assert isinstance(entity, dict)
    assert entity["answerCount"] == 2
    assert "acceptedAnswer" not in entity
    first, second = entity["suggestedAnswer"]
    assert first["url"] == BASE + "questions/ice/#answer-1"
    assert first["author"]["name"] == "Ann Lee"
    assert second["url"] == BASE + "questions/ice/#answer-2"
    assert "author" not in second


def test_no_aggregate_rating_anywhere() -> None:
    q = question(LEE)
    site = build_site([q])
    browse = build_browse(site)
    texts = [to_script_json(qa(q)), to_script_json(profile_page(browse.doctors[0], BASE))]
    assert all("aggregateRating" not in text and "ratingValue" not in text for text in texts)


def test_profile_page_is_about_a_person_not_a_physician() -> None:
    site = build_site([question(LEE)])
    data = profile_page(build_browse(site).doctors[0], BASE)
    assert data["@type"] == "ProfilePage"
    assert data["mainEntity"]["@type"] == "Person"
