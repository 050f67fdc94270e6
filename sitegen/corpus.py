"""Deterministic generator of realistic seed files, for benchmarks and parser tests.

The promise: `generate_seeds(n, seed)` yields the same n (file name, text) pairs on every run and
machine, because every choice comes from one `random.Random(seed)` (never the global generator,
never hash order). Each seed has the shape of a copied RealSelf page and its variants: a missing
or disagreeing `Doctor Answers` line, answers without a heading (two blank lines before them),
doctors without a name or rating line, sign-offs set apart from the doctor block, bullets,
numbered lists, line breaks inside paragraphs, NBSPs, hashtags, and the closing disclaimer.
`generate_questions(n, seed)` yields the same seeds as structured data, saying what a correct
parser must read from each text.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from sitegen.model import Doctor

T = TypeVar("T")

DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon as a substitute"
    " for medical advice you may receive from your physician. If you have a medical emergency,"
    " please call 911. These answers do not constitute or initiate a patient/doctor relationship."
)
NBSP = "\u00a0"
BULLET = "  \u2022 "


def _items(text: str) -> tuple[str, ...]:
    """Split a '|'-separated, possibly multi-line vocabulary string into stripped items."""
    return tuple(item.strip() for item in text.replace("\n", "|").split("|") if item.strip())


PLACES = _items("""
    Salt Lake City | Coeur d'Alene | Costa Rica | Orange County | Orange | New York | Manhattan
    Beverly Hills | Newport Beach | Los Angeles | San Diego | San Francisco | Palo Alto | Tampa
    Atlanta | Danbury | Santa Rosa | Redondo Beach | Scottsdale | Houston | Dallas | Austin
    San Antonio | Seattle | Portland | Denver | Chicago | Boston | Philadelphia | Baltimore
    Nashville | Charlotte | Raleigh | Miami | Fort Lauderdale | Boca Raton | West Palm Beach
    Naples | Orlando | Las Vegas | Phoenix | Minneapolis | Detroit | Cleveland | Pittsburgh
    Long Island | Westchester | Short Hills | Honolulu | Kansas City | Oklahoma City
    New Orleans | St. Louis | Winston-Salem | Washington, DC | Mexico City | Tijuana | Toronto
    Montréal | Bogotá | São Paulo | Buenos Aires | London | Dubai | Sydney | Seoul | Istanbul
    Santa Monica | Chevy Chase | Red Bank | Lake Forest | Grand Rapids | Little Rock | Sioux Falls
    Great Neck | The Woodlands | Port St. Lucie | Palm Beach Gardens | Isle of Palms | Bala Cynwyd
""")
# (specialty, weight, degrees); every specialty is in sitegen/data/specialties.txt.
SPECIALTIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Plastic Surgeon", 40, ("MD", "MD, FACS", "MD, PhD", "DO")),
    ("Facial Plastic Surgeon", 12, ("MD", "MD, FACS")),
    ("Dermatologist", 10, ("MD", "MD, FAAD", "DO")),
    ("Dermatologic Surgeon", 4, ("MD", "MD, FAAD")),
    ("Oculoplastic Surgeon", 5, ("MD", "MD, FACS")),
    ("Cosmetic Surgeon", 5, ("MD", "DO")),
    ("Cosmetic Dentist", 4, ("DDS", "DMD")),
    ("Dentist", 3, ("DDS", "DMD")),
    ("Oral and Maxillofacial Surgeon", 3, ("DDS", "DMD, MD")),
    ("Nurse Practitioner", 3, ("NP", "MSN, FNP-C", "APRN")),
    ("Physician Assistant", 2, ("PA-C",)),
    ("Ophthalmologist", 2, ("MD",)),
    ("Otolaryngologist", 2, ("MD",)),
    ("Emergency Medicine Physician", 1, ("MD", "DO")),
    ("OB-GYN", 1, ("MD",)),
    ("Hair Restoration Surgeon", 2, ("MD",)),
    ("Orthodontist", 1, ("DDS",)),
)
FIRST_NAMES = _items("""
    Pedro | Elizabeth | Prashant | Barry | Sanusi | Matheson | Ann | John | Maria | David | Sarah
    Michael | Jennifer | Robert | Linda | James | Karen | William | Susan | Richard | Laura | Joseph
    Emily | Thomas | Anna | Daniel | Rachel | Steven | Julia | Kevin | Nicole | Brian | Heather
    Amir | Farah | Hiroshi | Mei | Raj | Priya | Omar | Leila | Sergio | Lucía | Andrés | Chloé
    Jan | Ingrid | Olga | Dmitri | Kwame | Ngozi | Tomás | Zoe | Marcus | Grace | Victor | Helen
""")
LAST_NAMES = _items("""
    Soler | Morgan | Soni | Silberg | Umar | Harris | Lee | Smith | Garcia | Chen | Patel | Kim
    Nguyen | Johnson | Williams | Brown | Jones | Miller | Davis | Rodriguez | Martinez | Lopez
    Wilson | Anderson | Taylor | Thomas | Moore | Jackson | Martin | Thompson | White | Clark
    Lewis | Walker | Hall | Allen | Young | King | Wright | Scott | Green | Baker | Adams | Nelson
    Hill | Campbell | Mitchell | Roberts | Carter | Phillips | Evans | Turner | Torres | Parker
    Collins | Edwards | Stewart | Morris | Murphy | Cook | Rogers | Cohen | Shapiro | Goldberg
    O'Neil | McAllister | Fitzgerald | Nakamura | Tanaka | Yilmaz | Haddad | Kowalski | Novak
    Petrov | Okafor | Mensah | Rossi | Bianchi | Müller | Schmidt | Fischer | Dubois | Moreau
    de la Cruz | van der Berg | de Souza | Di Napoli | von Essen | Del Rio | da Silva | Le Blanc
""")
# About fifty hashtag words, all nouns that fit the {t} slot of the sentence templates below.
HASHTAGS = _items("""
    swelling | bruising | numbness | healing | nerves | scarring | botox | fillers | facelift
    rhinoplasty | liposuction | inflammation | recovery | sensations | asymmetry | ptosis
    dysport | juvederm | restylane | sculptra | kybella | microneedling | collagen | massage
    compression | downtime | infection | hematoma | seroma | tightness | itching | tingling
    firmness | lumpiness | spasms | twitching | wrinkles | volume | laxity | sagging
    pigmentation | acne | rosacea | sunscreen | retinol | lasers | peels | concerns | results
    drainage | redness | pain
""")
PROCEDURES = _items("""
    Botox | filler | a facelift | a lower facelift | rhinoplasty | a blepharoplasty | a brow lift
    laser resurfacing | a chemical peel | microneedling | fat grafting | a neck lift | Kybella
    liposuction | a tummy tuck | breast augmentation | a breast lift | veneers | dental implants
    Sculptra | CoolSculpting | Dysport | lip filler | cheek filler | a thread lift | Fraxel
    jaw surgery | a hair transplant | chin liposuction | an eyelid lift
""")
AREAS = _items("""
    cheek | jawline | forehead | neck | upper lip | lower eyelid | upper eyelid | chin | nose
    temple | brow | lips | smile lines | under eyes | abdomen | breast | scalp | jowls | crow's feet
""")
SYMPTOMS = _items("""
    twitching | numbness | swelling | lumps | bruising | tightness | asymmetry | droopy eyelids
    hard spots | tingling | pain | redness | dents | bumps | itching | muscle spasms | puffiness
    sagging skin | burning | uneven results
""")
DOCTOR_WORDS = _items("""
    plastic surgeon | board-certified surgeon | dermatologist | injector | facial plastic surgeon
    surgeon | oculoplastic surgeon | cosmetic dentist | physician
""")
UNITS = ("days", "weeks", "months")
# Answer sentences. Slots: {t} hashtag noun, {p}/{P} procedure, {a} area, {d} doctor word,
# {n} < {m} numbers, {u} unit. Every template ends in a full stop, so no answer paragraph
# reads as a heading.
ANSWER_TEMPLATES = _items("""
    Some degree of {t} is expected in the first {n} {u} after {p}.
    {P} can soften the {t} in the {a}, but the effect is temporary.
    As the {t} settles, the {a} will look more natural.
    Ice, moisturizers and gentle {t} are helpful during this phase of the healing process.
    It is very unusual to have {t} this long after {p}.
    Most patients notice less {t} within {n} to {m} {u}.
    If the {t} gets worse or you develop a fever, call your {d} right away.
    Photos alone are not enough to judge the {t} in your {a}.
    The nerves in the {a} can take {n} to {m} months to recover fully.
    {P} works by relaxing the muscle that causes the {t}.
    There is no single treatment that fixes {t} in every patient.
    You may also benefit from {p} once the {t} has resolved.
    The {a} is a delicate area, and {t} there is often more visible.
    When the skin is separated from the underlying tissues, small sensory nerves are cut.
    I would recommend an in-person consultation with an experienced {d}.
    Please do not massage the {a} until your {d} says it is safe.
    Results from {p} usually last {n} to {m} months.
    Thank you for your question.
    Every patient heals at a different pace, so try to be patient.
    Local massage will speed the resolution of {t}, which normally takes {n}-{m} {u}.
    This process can take from {n}-{m} months for the face, neck and cheeks.
    An unwanted side effect of treating the {a} can be {t} for a few {u}.
    Your {d} knows your anatomy and the details of your surgery best.
    A small dose of {p} may alleviate the {t} if the muscle can be identified.
    Without an examination it is not possible to say how long the {t} will last.
    Make sure you follow up with your {d} about the {t}.
    Frequently there is a feeling of {t} in the {a} after {p}.
""")
LIST_LEADS = _items("""
    There are a few things to keep in mind: | Here is what I tell my patients: | A few options:
    My recommendations are as follows: | In short:
""")
QUESTION_TEMPLATES = _items("""
    I had {p} {n} {u} ago. | I also had {p} about {n} {u} later. | My {a} has felt odd since then.
    I am getting {s} in that {a} every couple of seconds. | Will the {s} be temporary?
    Is this normal? | Should I be worried? | How long will it take to heal?
    Would {p} help, or will it make things worse? | My surgeon says to wait, but I am worried.
    I am {age} years old and otherwise healthy. | If yes, how long? | Will it get worse?
    I noticed {s} on my {a} about {n} {u} after {p}. | What are my options?
    I have read mixed things online about {p}. | It is starting to affect my confidence.
""")
TITLE_TEMPLATES = _items("""
    {S} in my {a} {n} {u} after {p}, is this normal? | {S} on my {a}; is {p} the solution?
    Is {p} the solution for {s} on my {a}? | Can I get {p} {n} {u} after {p2}?
    How long does {s} last after {p}? | What can I do about {s} {n} {u} after {p}?
    Will {p} fix {s} in the {a}? | {S} {n} {u} post {p}, will it go away?
    {P} or {p2} for {s} in my {a}? | Is {s} in the {a} normal {n} {u} after {p}?
    {S} after {p} at age {age}, what should I do?
""")
HEADING_TEMPLATES = _items("""
    {S} after {p} | {P} and {s} | {S} in the {a} {n} months post op | {P} for {s}
    {S} is usually temporary | {S} {n} {u} after {p} | Is {p} safe | Treating {s} in the {a}
    {S} and the healing process | {P} and muscle twitches | Give it time
""")
SIGN_OFFS = _items("""
    Best wishes. | Good luck! | Best regards. {name} | Hope this helps. {name} | Sincerely, {name}
    I hope this helps, best of luck. | Best regard. {short} m.d.
""")
_SMALL_WORDS = frozenset({"a", "an", "and", "or", "the", "in", "on", "of", "for", "to", "at"})
MIN_WORDS, MAX_WORDS = 50, 400  # words in an answer body, sign-off included


@dataclass(frozen=True, slots=True)
class GeneratedAnswer:
    """An answer as written into the seed, with what the parser must read from it."""

    heading: str | None  # None: the answer is preceded by two blank lines instead
    blocks: tuple[tuple[str, ...], ...]  # body blocks as written (NBSPs and all), sign-off last
    tags: tuple[str, ...]  # hashtag words, lower case, first-seen order
    doctor: Doctor


@dataclass(frozen=True, slots=True)
class GeneratedQuestion:
    """A seed as structured data; `text` is the seed file's content."""

    file_name: str
    title: str
    body: tuple[tuple[str, ...], ...]  # question paragraphs as lines
    count_line: str | None
    stated_answer_count: int | None
    answers: tuple[GeneratedAnswer, ...]

    @property
    def text(self) -> str:
        parts = [self.title, *("\n".join(p) for p in self.body)]
        if self.count_line is not None:
            parts.append(self.count_line)
        for answer in self.answers:
            blocks = ["\n".join(b) for b in answer.blocks]
            if answer.heading is None:  # two blank lines instead, as on the real pages
                blocks[0] = "\n" + blocks[0]
            else:
                blocks.insert(0, answer.heading)
            parts += [*blocks, _doctor_text(answer.doctor)]
        parts.append(DISCLAIMER)
        return "\n\n".join(parts)


def generate_seeds(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """Yield (file_name, text) for n seeds, deterministic for (n, seed)."""
    for question in generate_questions(n, seed):
        yield question.file_name, question.text


def write_corpus(directory: Path, n: int, seed: int = 0) -> list[Path]:
    """Write n generated seeds into directory (created if missing); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate_seeds(n, seed):
        path = directory / name
        path.write_text(text, "utf-8", newline="\n")
        paths.append(path)
    return paths


def generate_questions(n: int, seed: int = 0) -> Iterator[GeneratedQuestion]:
    """Yield n generated seeds as structured data, deterministic for (n, seed)."""
    rng = random.Random(seed)
    pool = _doctor_pool(rng, max(3, n // 10))
    titles: list[str] = []
    seen: set[str] = set()
    for index in range(n):
        title = _unique_title(rng, seen, titles)
        yield _question(rng, index, title, pool)


def _doctor_pool(rng: random.Random, size: int) -> list[Doctor]:
    names: set[str] = set()
    weights = [w for _, w, _ in SPECIALTIES]
    pool = []
    for _ in range(size):
        specialty, _, degrees = rng.choices(SPECIALTIES, weights)[0]
        name = None
        if rng.random() < 0.8:
            name = _doctor_name(rng, degrees)
            while name in names:
                name = _doctor_name(rng, degrees, initial=True)
            names.add(name)
        rating = reviews = None
        if rng.random() < 0.9:
            rating = rng.choice((50, 50, 50, 49, 49, 48, 47, 46, 45, 43, 40, 35)) / 10
            reviews = 1 if rng.random() < 0.05 else min(2400, int(rng.paretovariate(0.9) * 3))
        pool.append(Doctor(name, rng.choice(PLACES), specialty, rating, reviews))
    return pool


def _doctor_name(rng: random.Random, degrees: tuple[str, ...], initial: bool = False) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if initial or rng.random() < 0.3:
        first += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    if rng.random() < 0.04:
        last += ", Jr."
    if rng.random() < 0.1:
        return f"Dr. {first} {last}"
    return f"{first} {last}, {rng.choice(degrees)}"


def _doctor_text(doctor: Doctor) -> str:
    lines = [] if doctor.name is None else [doctor.name]
    lines.append(f"{doctor.location} {doctor.specialty}")
    if doctor.rating is not None:
        count = doctor.review_count
        reviews = "" if count is None else f" {count:,} review{'s' * (count != 1)}"
        lines.append(f"{doctor.rating:.1f} out of 5 stars{reviews}")
    return "\n".join(lines)


def _fill(template: str, rng: random.Random, **fixed: str) -> str:
    """Fill a template's slots with random vocabulary ({S}/{P}: capitalised)."""
    n = rng.randint(1, 9)
    values = {
        "p": rng.choice(PROCEDURES),
        "p2": rng.choice(PROCEDURES),
        "a": rng.choice(AREAS),
        "s": rng.choice(SYMPTOMS),
        "d": rng.choice(DOCTOR_WORDS),
        "n": str(n),
        "m": str(n + rng.randint(1, 6)),
        "u": rng.choice(UNITS) if n > 1 else rng.choice(UNITS).removesuffix("s"),
        "age": str(rng.randint(19, 74)),
        **fixed,
    }
    values["P"] = _capitalise(values["p"])
    values["S"] = _capitalise(values["s"])
    return template.format_map(values)


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    """Return a random item: like rng.choice, several times faster, as deterministic."""
    return items[int(rng.random() * len(items))]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if i and w in _SMALL_WORDS else _capitalise(w) for i, w in enumerate(words))


def _unique_title(rng: random.Random, seen: set[str], titles: list[str]) -> str:
    if titles and rng.random() < 0.01:  # a question asked twice, as on the real site
        return rng.choice(titles)
    while True:
        title = _fill(rng.choice(TITLE_TEMPLATES), rng)
        if rng.random() < 0.3:
            title = _title_case(title)
        if title not in seen and len(title) <= 150:
            seen.add(title)
            titles.append(title)
            return title


@cache
def _sentence_pool() -> tuple[tuple[str, str, str, int], ...]:
    """Return answer sentences as (before, hashtag word or "", after, word count)."""
    rng = random.Random(20240501)  # fixed: the pool is part of the generator, not of a corpus
    pool = []
    for _ in range(3000):
        template = rng.choice(ANSWER_TEMPLATES)
        tag = rng.choice(HASHTAGS) if "{t}" in template else ""
        before, _, after = _fill(template, rng, t="\0").partition("\0")
        if not tag:
            before, after = before + after, ""
        pool.append((before, tag, after, len((before + tag + after).split())))
    return tuple(pool)


class _AnswerWriter:
    """Builds one answer body: paragraphs and lists within a word budget, hashtags in order."""

    def __init__(self, rng: random.Random, target: int, used: int, tag_rate: float) -> None:
        self.rng = rng
        self.target = target
        self.used = used
        self.tag_rate = tag_rate
        self.tags: list[str] = []
        self.blocks: list[tuple[str, ...]] = []

    def write(self) -> None:
        """Add paragraphs and lists until the next sentence would pass the target."""
        while True:
            if self.target - self.used > 40 and self.rng.random() < 0.12:
                added = self.item_list()
            else:
                added = self.paragraph()
            if not added and self.used >= MIN_WORDS:
                return

    def sentences(self, count: int) -> list[tuple[str, str, str]]:
        """Take up to count sentences that fit the budget, as (before, [#]word, after)."""
        taken = []
        for _ in range(count):
            before, tag, after, words = _pick(self.rng, _sentence_pool())
            limit = MAX_WORDS if self.used < MIN_WORDS else self.target
            if self.used + words > limit:
                break
            self.used += words
            if tag and self.rng.random() < self.tag_rate:
                tag = "#" + tag
            taken.append((before, tag, after))
        return taken

    def emit(self, before: str, tag: str, after: str) -> str:
        if tag.startswith("#") and tag[1:] not in self.tags:
            self.tags.append(tag[1:])
        return before + tag + after

    def paragraph(self) -> bool:
        taken = self.sentences(self.rng.randint(1, 6))
        if not taken:
            return False
        sentences = [self.emit(*s) for s in taken]
        spaces = [NBSP + " " if self.rng.random() < 0.08 else " " for _ in sentences]
        if len(sentences) > 1 and self.rng.random() < 0.1:  # a line break inside the paragraph
            spaces[self.rng.randrange(len(sentences) - 1)] = "\n"
        spaces[-1] = NBSP if self.rng.random() < 0.1 else ""
        text = "".join(s + sp for s, sp in zip(sentences, spaces, strict=True))
        self.blocks.append(tuple(text.split("\n")))
        return True

    def item_list(self) -> bool:
        lead = self.rng.choice(LIST_LEADS)
        self.used += len(lead.split())
        taken = self.sentences(self.rng.randint(2, 6))
        if len(taken) < 2:  # not enough room for a list: no lead-in, the sentence as a paragraph
            self.used -= len(lead.split())
            self.blocks.extend((self.emit(*s),) for s in taken)
            return bool(taken)
        self.blocks.append((lead,))
        numbered = self.rng.random() < 0.4
        items = []
        for number, sentence in enumerate(taken, start=1):
            text = self.emit(*sentence)
            text = text.removesuffix(".") if self.rng.random() < 0.5 else text
            items.append(f"{number}. {text}" if numbered else BULLET + text)
        self.blocks.append(tuple(items))
        return True


def _answer(rng: random.Random, doctor: Doctor, headless: bool) -> GeneratedAnswer:
    sign_off = None
    if rng.random() < 0.25:
        name = doctor.name or "Dr. " + rng.choice(LAST_NAMES)
        short = name.removeprefix("Dr. ").split(",")[0]
        sign_off = rng.choice(SIGN_OFFS).format(name=name, short=short)
    target = int(rng.triangular(MIN_WORDS, MAX_WORDS, 110))
    used = len(sign_off.split()) if sign_off else 0
    writer = _AnswerWriter(rng, target, used, 0.6 if rng.random() < 0.3 else 0.0)
    writer.write()
    if sign_off:
        writer.blocks.append((sign_off,))
    heading = None
    if not headless:
        heading = _fill(rng.choice(HEADING_TEMPLATES), rng)
        heading = _title_case(heading) if rng.random() < 0.4 else heading
    return GeneratedAnswer(heading, tuple(writer.blocks), tuple(writer.tags), doctor)


def _question(rng: random.Random, index: int, title: str, pool: list[Doctor]) -> GeneratedQuestion:
    count = min(len(pool), rng.choices((1, 2, 3, 4, 5, 6), (20, 25, 22, 15, 10, 8))[0])
    picked: list[int] = []
    while len(picked) < count:
        # Skewed: a few doctors answer far more questions than most.
        pick = int(len(pool) * rng.random() ** 2)
        if pick not in picked:
            picked.append(pick)
    doctors = [pool[i] for i in picked]
    headless = [rng.random() < 0.12 for _ in doctors]
    stated = count
    if rng.random() < 0.03:  # the page's count disagrees with the answers copied
        stated += rng.choice((-1, 1, 2)) if count > 1 else rng.choice((1, 2))
    form = rng.random()
    count_line = (
        None  # missing, as in about a third of real copies
        if form < 0.34
        else "Doctor Answers"
        if form < 0.36
        else f"Doctor Answers ({stated})"
        if form < 0.46
        else f"Doctor Answers {stated}"
    )
    stated_count = None if count_line is None or count_line == "Doctor Answers" else stated
    paragraphs = 0 if count_line and rng.random() < 0.03 else rng.choice((1, 1, 1, 2, 2, 3))
    body = tuple(_question_paragraph(rng) for _ in range(paragraphs))
    answers = tuple(_answer(rng, d, h) for d, h in zip(doctors, headless, strict=True))
    name = f"gen_{index:06d}_{rng.getrandbits(32):08x}.txt"
    return GeneratedQuestion(name, title, body, count_line, stated_count, answers)


def _question_paragraph(rng: random.Random) -> tuple[str, ...]:
    # At least two sentences, so no question paragraph reads as an answer heading.
    pool = _question_pool()
    return (" ".join(_pick(rng, pool) for _ in range(rng.randint(2, 6))),)


@cache
def _question_pool() -> tuple[str, ...]:
    """Return sentences in a patient's voice."""
    rng = random.Random(20240502)  # fixed: the pool is part of the generator, not of a corpus
    return tuple(_fill(rng.choice(QUESTION_TEMPLATES), rng) for _ in range(2000))
