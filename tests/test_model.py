"""The model's plain data survives the trips it takes: into the cache and to worker processes."""

import pickle

from sitegen.model import Answer, Doctor, Question


def test_a_pickled_question_comes_back_equal_with_every_field() -> None:
    doctor = Doctor("Dr. A", "Austin", "Dermatologist", 4.5, 12)
    answer = Answer("Heading", "Body", ("botox",), doctor, hidden=True, number=3)
    question = Question("q", "seeds/q.txt", "Title", "Body", 2, (answer,), hidden=True)

    back = pickle.loads(pickle.dumps(question, pickle.HIGHEST_PROTOCOL))

    assert back == question
    assert back.answers[0].number == 3  # not compared by ==, so checked on its own
    assert back.answers[0].doctor == doctor


def test_a_pickled_doctor_keeps_missing_fields_missing() -> None:
    assert pickle.loads(pickle.dumps(Doctor())) == Doctor()
