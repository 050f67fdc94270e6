"""The cross-record view of the published site: what is visible, in which order, and the
summaries list pages show. Hidden questions and answers are dropped here, once, so no page,
list or count can show them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sitegen.errors import Diagnostic
from sitegen.markdown_html import markdown_plain_text
from sitegen.model import Answer, Question

EXCERPT_LENGTH = 180


@dataclass(frozen=True, slots=True)
class Site:
    questions: tuple[Question, ...]  # published, in listing order
    # Counted once: a page that shows it would count 234,000 answers at 100,000 questions.
    answer_count: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "answer_count", sum(len(q.answers) for q in self.questions))


def build_site(questions: list[Question]) -> Site:
    """Return the published site: visible questions with only their visible answers."""
    # A question with nothing hidden is published as the very object loaded (at 100,000
    # questions, copies would cost 60 MB in the parent and in every render process).
    # Constructors, not dataclasses.replace, where it is copied: this runs for every answer.
    published = [
        q
        if visible is q.answers
        else Question(q.id, q.source, q.title, q.body, _stated(q, visible), visible)
        for q in questions
        if not q.hidden
        for visible in (numbered_visible(q.answers),)
    ]
    published.sort(key=lambda q: (-len(q.answers), q.id))
    return Site(tuple(published))


def _stated(question: Question, visible: tuple[Answer, ...]) -> int | None:
    """Return the answer count the published question says its page stated. The page notes a
    count that differs from the answers shown; when the record holds as many answers as the
    page said, hidden ones included, that note would only reveal the hidden ones."""
    stated = question.stated_answer_count
    return len(visible) if stated == len(question.answers) else stated


def numbered_visible(answers: tuple[Answer, ...]) -> tuple[Answer, ...]:
    """Return the visible answers, each numbered by its place among all the record's answers
    (the same tuple when that is what it holds already)."""
    if all(not a.hidden and a.number == n for n, a in enumerate(answers, 1)):
        return answers
    return tuple(
        Answer(a.title, a.body, a.tags, a.doctor, False, n)
        for n, a in enumerate(answers, 1)
        if not a.hidden
    )


def title_key(title: str) -> str:
    """Return what makes two titles the same one: case and spacing ignored."""
    return " ".join(title.casefold().split())


def duplicate_titles(
    questions: list[Question], where: Callable[[Question], str]
) -> list[Diagnostic]:
    """Warn about questions that share a title (case and spacing ignored), each naming the
    files `where` gives: their records (a record's seed may be gone, and the title to change
    is the record's), or a seed whose record is not written yet."""
    groups = title_groups(questions).values()
    return title_warnings([where(question) for question in group] for group in groups)


def title_groups(questions: Iterable[Question]) -> dict[str, list[Question]]:
    """Return the questions by title, case and spacing ignored (`title_key`), in their order."""
    groups: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        groups[title_key(question.title)].append(question)
    return groups


def numbered_marks(ids: Iterable[str]) -> dict[str, str]:
    """Return what tells apart the page titles of the published questions that share a title:
    "(2 of 3)", numbered in id order (none for a title of one question)."""
    ordered = sorted(ids)
    if len(ordered) < 2:
        return {}
    return {id_: f"({n} of {len(ordered)})" for n, id_ in enumerate(ordered, 1)}


def title_warnings(groups: Iterable[Sequence[str]]) -> list[Diagnostic]:
    """Warn about each file of every group of files holding the same title."""
    problems = []
    for group in groups:
        if len(group) > 1:
            for path in group:
                others = ", ".join(sorted(p for p in group if p != path))
                problems.append(Diagnostic(path, None, f"same title as {others}"))
    return sorted(problems, key=lambda d: d.path)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Return the first words of plain text, cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def question_summary_text(question: Question) -> str:
    """Return the plain text a listing shows for a question: its body, else its first answer."""
    if question.body.strip():
        return question.body
    return next((markdown_plain_text(a.body) for a in question.answers if a.body.strip()), "")


def answer_count_text(count: int) -> str:
    """Return how many doctor answers a question shows, in words a patient reads: "0 doctor
    answers" reads like a broken page, so none says so."""
    if count == 0:
        return "No doctor answers"
    return f"{count} doctor answer{'' if count == 1 else 's'}"


def specialties_of(question: Question) -> tuple[str, ...]:
    """Return the answering doctors' specialties, first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for answer in question.answers:
        if answer.doctor.specialty:
            seen.setdefault(answer.doctor.specialty, None)
    return tuple(seen)


def doctor_label(answer: Answer) -> str:
    """Return how an answer's author is named: the name, or 'A <specialty> in <place>'."""
    doctor = answer.doctor
    if doctor.name:
        return doctor.name
    if doctor.specialty and doctor.location:
        return f"{_article(doctor.specialty)} {doctor.specialty} in {doctor.location}"
    if doctor.specialty:
        return f"{_article(doctor.specialty)} {doctor.specialty}"
    return "A doctor (name not given)"


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"
