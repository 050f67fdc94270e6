"""Seed text -> Question + diagnostics. Pure: no I/O, no globals but the specialty vocabulary.

How a seed is read (the rules the tests pin down):

* Lines are grouped into blocks separated by blank lines. Page chrome lines ("Ask a doctor",
  "You might also like...", "Have a question? Ask a doctor", vote widgets and bare vote counts
  such as "+2") are dropped with a warning and act as blank lines.
* The first block's first line is the title. A first line that reads like an answer paragraph
  (over 200 characters, several sentences) or like a doctor/rating/count line means the copy
  starts mid-page: rejected.
* `Doctor Answers N` (also `Doctor Answers (N)`, bare `Doctor Answers`) ends the question body.
* A doctor block is one block ending in a rating line (`4.9 out of 5 stars 110 reviews`), read
  bottom-up as [name] / place-and-specialty / rating; or a block of one or two lines whose last
  line is a known "<Place> <Specialty>" and whose first line, if two, reads as a name (every word
  capitalised, an initial or degree with a dot, or a particle such as "de" or "van"). Doctor
  blocks end answers.
* An answer is the blocks between two doctor blocks. Its first block is the heading when it is a
  single short line that does not read as prose and more text follows, and the answer was not
  preceded by two blank lines (the copy's mark of an answer without a heading).
* Without a count line, the question body is every block after the title up to the first
  block preceded by two blank lines (a first answer without a heading) or the first
  heading-like block that is followed by prose (the first answer's heading), whichever comes
  first; if there is neither, the question body is the first block after the title. Either
  way: a warning.
* Text after the last doctor block becomes an answer whose doctor fields are all null.
* The closing disclaimer block is site chrome, not content, and is dropped.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from sitegen.errors import Diagnostic, SeedError
from sitegen.mdtext import prose_to_markdown
from sitegen.model import Answer, Doctor, Question, shared
from sitegen.seedtext import SeedText
from sitegen.specialties import known_specialty, split_doctor_line

COUNT_LINE = re.compile(r"^Doctor Answers?(?:\s*\(?\s*(\d[\d,]*)\s*\)?)?$", re.IGNORECASE)
RATING_LINE = re.compile(
    r"^(\d(?:\.\d+)?) out of 5 stars?(?:\s+(\d[\d,]*)\s+reviews?)?$", re.IGNORECASE
)
DISCLAIMER_START = "these answers are for educational purposes"
_WORDING = f"{DISCLAIMER_START} and should not be relied upon"  # the whole opening, as copied
_CHROME = (
    re.compile(r"^ask a doctor\.?$", re.IGNORECASE),
    re.compile(r"^have a question\?\s*ask a doctor\.?$", re.IGNORECASE),
    re.compile(r"^you might also like(?:\.\.\.|…)?$", re.IGNORECASE),
    re.compile(r"^\{\{.*\bvote\w*.*\}\}$", re.IGNORECASE),
    re.compile(r"^[+\-\u2212]\d+$"),
)
# One pattern for all of them: a line is tried once, not five times (the last has no letters,
# so ignoring case changes nothing for it).
_ANY_CHROME = re.compile("|".join(f"(?:{p.pattern})" for p in _CHROME), re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]?\s+[A-Z0-9]")
_MAX_TITLE = 200
_MAX_HEADING = 150
# Lower-case words that occur inside names ("Ana de la Cruz", "Jan van der Berg").
_NAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "di", "da", "du", "la", "le", "van", "von", "den", "ten", "ter"}
    | {"al", "el", "bin", "ibn", "dos", "das", "y", "zu"}
)


@dataclass(frozen=True, slots=True)
class Block:
    line: int  # 1-based line number of the block's first line
    lines: tuple[str, ...]
    gap_before: int  # longest run of blank lines right before the block

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True, slots=True)
class ParseResult:
    question: Question
    diagnostics: tuple[Diagnostic, ...]


def parse_seed(seed: SeedText, path: str, question_id: str = "") -> ParseResult:
    """Parse normalised seed text into a Question; raise SeedError when it is not a question."""
    notes = _Notes(path)
    for line, message in seed.warnings:
        notes.warn(line, message)
    blocks = _blocks(seed.lines, notes)
    blocks = _drop_disclaimer(blocks, notes)
    if not blocks:
        raise SeedError(path, None, "no text besides page chrome and the disclaimer")
    title_block = blocks[0]
    title = title_block.lines[0]
    _check_title(title, title_block.line, path)
    rest = list(blocks[1:])
    if len(title_block.lines) > 1:
        notes.warn(
            title_block.line + 1,
            "no blank line after the title; the lines below it are read as the question body",
        )
        rest.insert(0, Block(title_block.line + 1, title_block.lines[1:], 0))

    # A page's count line holds the number; a bare "Doctor answers" paragraph before it is
    # the patient's words. Without any numbered one, the first bare one is the count line.
    counts = [(i, m) for i, b in enumerate(rest) if (m := _count_match(b)) is not None]
    numbered = [i for i, m in counts if m.group(1)]
    count_at = numbered[0] if numbered else counts[0][0] if counts else None
    stated: int | None = None
    if count_at is not None:
        body_blocks, answer_blocks = rest[:count_at], rest[count_at + 1 :]
        number = _count_match(rest[count_at])
        assert number is not None
        stated = int(number.group(1).replace(",", "")) if number.group(1) else None
    else:
        body_blocks, answer_blocks = _split_without_count(rest, notes)

    answers = _answers(answer_blocks, notes, stated)
    if stated is not None and stated != len(answers):
        notes.warn(
            rest[count_at].line if count_at is not None else None,
            f"the page says {stated} doctor answers but {len(answers)}"
            f" {'was' if len(answers) == 1 else 'were'} found",
        )
    question = Question(
        id=question_id,
        source=path,
        title=title,
        body="\n\n".join("\n".join(b.lines) for b in body_blocks),
        stated_answer_count=stated,
        answers=tuple(answers),
    )
    return ParseResult(question, tuple(notes.items))


class _Notes:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def warn(self, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(self.path, line, message))


def _is_chrome(line: str) -> bool:
    return _ANY_CHROME.match(line) is not None


def _blocks(lines: tuple[str, ...], notes: _Notes) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    start = run = gap = 0
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if line and not _is_chrome(line):
            if not current:
                start, gap_before = number, gap
            current.append(line)
            run = gap = 0
            continue
        if current:
            blocks.append(Block(start, tuple(current), gap_before))
            current = []
        if line:  # chrome: separates blocks like a blank line, but ends a run of blank lines
            notes.warn(number, f"dropped page chrome {line!r}")
            run = 0
        else:
            run += 1
            gap = max(gap, run)
    if current:
        blocks.append(Block(start, tuple(current), gap_before))
    return blocks


def _drop_disclaimer(blocks: list[Block], notes: _Notes) -> list[Block]:
    """Drop the closing disclaimer: the last paragraph that starts like it. An earlier one is
    a doctor's own words (an answer may start "These answers are for educational purposes
    only, but..."), kept with a warning."""
    starts = [i for i, b in enumerate(blocks) if b.text.lower().startswith(DISCLAIMER_START)]
    last = len(blocks) - 1
    # The closing one ends the copy, or has the whole wording (then text after it is kept).
    closing = next(
        (i for i in reversed(starts) if i == last or blocks[i].text.lower().startswith(_WORDING)),
        None,
    )
    for i in starts:
        if i != closing:
            notes.warn(blocks[i].line, "a paragraph starts like the closing disclaimer; kept")
    if closing is None:
        return blocks
    if closing != last:
        notes.warn(blocks[-1].line, "text follows the closing disclaimer; it was kept")
    return blocks[:closing] + blocks[closing + 1 :]


def _check_title(title: str, line: int, path: str) -> None:
    why = None
    if len(title) > _MAX_TITLE:
        why = (
            f"the first line is {len(title)} characters long, a paragraph rather than a title"
            f" (a title has at most {_MAX_TITLE}; if it is the title, shorten it)"
        )
    elif len(_SENTENCE_BREAK.findall(title)) >= 2:
        why = "the first line reads as several sentences, a paragraph rather than a title"
    elif RATING_LINE.match(title) or COUNT_LINE.match(title):
        why = "the first line is a rating or answer-count line"
    elif known_specialty(title) is not None:
        why = "the first line is a doctor's place-and-specialty line"
    if why:
        raise SeedError(path, line, f"no title line ({why}); the copy seems to start mid-page")


def _count_match(block: Block) -> re.Match[str] | None:
    return COUNT_LINE.match(block.lines[0]) if len(block.lines) == 1 else None


def _is_heading_like(block: Block) -> bool:
    if len(block.lines) != 1:
        return False
    line = block.lines[0]
    return (
        len(line) <= _MAX_HEADING
        and not line.endswith((".", ":", ","))
        and not _SENTENCE_BREAK.search(line)
        and _doctor_parts(block) is None
    )


def _split_without_count(rest: list[Block], notes: _Notes) -> tuple[list[Block], list[Block]]:
    first_doctor = next((i for i, b in enumerate(rest) if _doctor_parts(b)), len(rest))
    if first_doctor == 0:
        notes.warn(rest[0].line if rest else None, "no 'Doctor Answers' line and no question body")
        return [], rest
    for i in range(1, first_doctor):
        if rest[i].gap_before >= 2:
            notes.warn(
                rest[i].line,
                "no 'Doctor Answers' line: the question body was taken to end"
                f" before line {rest[i].line}, where two blank lines start the first answer",
            )
            return rest[:i], rest[i:]
        if i + 1 < first_doctor and _is_heading_like(rest[i]) and not _is_heading_like(rest[i + 1]):
            notes.warn(
                rest[i].line,
                "no 'Doctor Answers' line: the question body was taken to end"
                f" before line {rest[i].line}, read as the first answer's heading",
            )
            return rest[:i], rest[i:]
    where = rest[0].line
    notes.warn(
        where,
        "no 'Doctor Answers' line: the first paragraph after the title was taken as"
        " the question body",
    )
    return rest[:1], rest[1:]


@dataclass(frozen=True, slots=True)
class _DoctorParts:
    before: tuple[str, ...]  # prose lines glued to the doctor lines without a blank line
    name: str | None
    place_line: str | None
    rating: re.Match[str] | None


def _doctor_parts(block: Block) -> _DoctorParts | None:
    lines = block.lines
    rating = RATING_LINE.match(lines[-1])
    if rating:
        above = lines[:-1]
        place = above[-1] if above else None
        if place is not None and _reads_as_prose(place):
            return None  # "My patients rate this:" above a rating: the answer's own words
        name = above[-2] if len(above) >= 2 else None
        glued = len(above) > 2  # answer text runs into the doctor lines
        if name is not None and (_reads_as_prose(name) or (glued and not _looks_like_name(name))):
            # The answer's last line above an unnamed doctor ("Hope this helps."): it stays
            # the answer's, and no name is made up from it. A name line of a block of its own
            # is taken as written unless it reads as a sentence ("Dr. Paolo d'Amico" is kept).
            return _DoctorParts(above[:-1], None, place, rating)
        return _DoctorParts(above[:-2], name, place, rating)
    if len(lines) <= 2 and known_specialty(lines[-1]) is not None:
        name = lines[0] if len(lines) == 2 else None
        if name is not None and not _looks_like_name(name):
            return None
        return _DoctorParts((), name, lines[-1], None)
    return None


def _reads_as_prose(line: str) -> bool:
    """Tell a line of the answer's prose from a place or name line above a rating: it ends
    like a sentence that goes on (":", "?", "!", ";"), or with "." or "," and reads as no
    name or place ("Jane Roe, M.D." and "Boston Skin Assoc." do)."""
    if line.endswith((":", "?", "!", ";")):
        return True
    return line.endswith((".", ",")) and not _looks_like_name(line.rstrip(".,"))


def _looks_like_name(line: str) -> bool:
    """Tell a name line ("Pedro M. Soler, Jr., MD", "Dr. Ann Lee") from a line of prose."""
    if len(line) > 100 or line.endswith(("!", "?", ":", ";", ",")):
        return False
    return all(
        word[0].isupper() or not word[0].isalpha() or "." in word or word in _NAME_PARTICLES
        for word in line.split(" ")
    )


def _answers(blocks: list[Block], notes: _Notes, stated: int | None = None) -> list[Answer]:
    # Each answer's text blocks, with the doctor block that ends it (None: no doctor lines).
    cut: list[_Cut] = []
    segment: list[Block] = []
    found = [_doctor_parts(block) for block in blocks]
    for i, (block, parts) in enumerate(zip(blocks, found, strict=True)):
        if parts is not None and parts.rating is None and segment:
            after = found[i + 1] if i + 1 < len(found) else None
            if after is not None and after.rating is not None:
                # Name and place signed under the text, then the doctor block itself: a
                # sign-off, part of the answer, not an answer of its own with no text.
                notes.warn(block.line, "name and place just above a doctor block: kept as text")
                parts = None
        if parts is None:
            if RATING_LINE.match(block.lines[-1]):
                notes.warn(
                    block.line + len(block.lines) - 1,
                    "a rating line under a line of prose: kept as answer text, not a doctor",
                )
            segment.append(block)
            continue
        if parts.before:
            read = (
                f"{parts.name!r} read as the doctor's name"
                if parts.name is not None
                else "the line above the place line reads as no name: kept as answer text,"
                " the doctor left unnamed"
            )
            notes.warn(block.line, f"doctor lines follow answer text without a blank line; {read}")
            segment.append(Block(block.line, parts.before, 0))
        cut.append((segment, parts, block))
        segment = []
    if segment:
        notes.warn(segment[0].line, "answer text with no doctor block after it; doctor left empty")
        cut.append((segment, None, None))
    if stated is not None:
        cut = _split_unsigned(cut, stated - len(cut), notes)
    return [
        _answer(
            text, _doctor(parts, block, notes) if parts and block else Doctor(), block, notes, n
        )
        for n, (text, parts, block) in enumerate(cut, 1)
    ]


_Cut = tuple[list[Block], "_DoctorParts | None", "Block | None"]


def _split_unsigned(cut: list[_Cut], missing: int, notes: _Notes) -> list[_Cut]:
    """When the page says more answers than doctor blocks were found, an answer copied
    without its doctor lines ran into the next one, whose doctor would be credited with its
    words. Split such text where the next answer starts (a heading followed by prose, or
    two blank lines), leaving the first part's doctor empty, while answers are missing."""
    out: list[_Cut] = []
    for text, parts, block in cut:
        while missing > 0:
            at = next(
                (
                    i
                    for i in range(1, len(text))
                    if text[i].gap_before >= 2
                    or (
                        i + 1 < len(text)
                        and _is_heading_like(text[i])
                        and not _is_heading_like(text[i + 1])
                    )
                ),
                None,
            )
            if at is None:
                break
            notes.warn(
                text[at].line,
                "the page says more answers than doctor blocks: an answer without doctor lines"
                f" was taken to end before line {text[at].line} (its doctor left empty)",
            )
            out.append((text[:at], None, None))
            text, missing = text[at:], missing - 1
        out.append((text, parts, block))
    return out


def _answer(
    segment: list[Block], doctor: Doctor, doctor_block: Block | None, notes: _Notes, number: int
) -> Answer:
    title = None
    if segment and len(segment) > 1 and segment[0].gap_before < 2 and _is_heading_like(segment[0]):
        title = segment[0].lines[0]
        segment = segment[1:]
    if not segment:
        where = doctor_block.line if doctor_block else None
        notes.warn(where, "an answer with no text")
    words: list[str] = []
    body = prose_to_markdown((b.lines for b in segment), words)
    tags = tuple(map(sys.intern, words))
    return Answer(title=title, body=body, tags=tags, doctor=doctor, number=number)


def _doctor(parts: _DoctorParts, block: Block, notes: _Notes) -> Doctor:
    location = specialty = None
    if parts.place_line is not None:
        split, known = split_doctor_line(parts.place_line)
        location, specialty = split.location, split.specialty
        if not known:
            line = block.line + len(block.lines) - 2
            notes.warn(
                line,
                f"unknown specialty in {parts.place_line!r}; kept whole as the"
                " specialty (add it to sitegen/data/specialties.txt)",
            )
    rating = review_count = None
    if parts.rating is not None:
        rating = float(parts.rating.group(1))
        if parts.rating.group(2):
            review_count = int(parts.rating.group(2).replace(",", ""))
    return Doctor(shared(parts.name), shared(location), shared(specialty), rating, review_count)
