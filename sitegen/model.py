"""The plain data that flows through the pipeline: questions, answers, doctors.

`to_dict`/`from_dict` speak the record schema of content/questions/<id>.yaml, in schema order.
Each class pickles as its constructor call: twice as fast to load as the dataclass default,
which matters for the record cache (100,000 questions) and the worker processes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any


def shared(text: str | None) -> str | None:
    """Return the one copy of a short string that recurs across records (a tag, a doctor's
    name, place or specialty): 100,000 questions repeat a thousand such strings 1.3M times."""
    return None if text is None else sys.intern(text)


@dataclass(frozen=True, slots=True)
class Doctor:
    name: str | None = None
    location: str | None = None
    specialty: str | None = None
    rating: float | None = None
    review_count: int | None = None

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return Doctor, (self.name, self.location, self.specialty, self.rating, self.review_count)

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in self.to_dict().values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "specialty": self.specialty,
            "rating": self.rating,
            "review_count": self.review_count,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    title: str | None
    body: str
    tags: tuple[str, ...] = ()
    doctor: Doctor = field(default_factory=Doctor)
    hidden: bool = False
    # 1-based place in its record (set by the parser and the record loader): the #answer-N
    # anchor stays the same when an earlier answer is hidden. Not part of the record schema.
    number: int = field(default=0, compare=False)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return Answer, (self.title, self.body, self.tags, self.doctor, self.hidden, self.number)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title, "body": self.body, "tags": list(self.tags)}
        if self.hidden:
            data["hidden"] = True
        data["doctor"] = self.doctor.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    source: str
    title: str
    body: str
    stated_answer_count: int | None
    answers: tuple[Answer, ...]
    hidden: bool = False

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        fields = (self.source, self.title, self.body, self.stated_answer_count, self.answers)
        return Question, (self.id, *fields, self.hidden)

    @property
    def visible_answers(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if not a.hidden)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "body": self.body,
            "stated_answer_count": self.stated_answer_count,
        }
        if self.hidden:
            data["hidden"] = True
        data["answers"] = [a.to_dict() for a in self.answers]
        return data
