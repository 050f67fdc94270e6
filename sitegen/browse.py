"""The reader's ways through the published site: doctors, topics, specialties and locations.

Everything here is computed from a `Site`, so hidden questions and answers can never reach a
profile, list or count. Orders are total (ties end on an id), so the same site always gives the
same lists. A doctor is the triple name + location + specialty (spacing and case ignored);
unnamed doctors have no profile and are never merged with anyone.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.model import Answer, Doctor, Question
from sitegen.site import Site
from sitegen.slugs import slugify

DoctorKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """One published answer and where it lives: `questions/<id>/#answer-<number>`."""

    question: Question
    number: int  # the answer's #answer-N anchor: its place in the record
    answer: Answer


@dataclass(frozen=True, slots=True)
class DoctorProfile:
    id: str
    name: str
    location: str | None
    specialty: str | None
    figures: Doctor  # rating and review count as shown in `figures_from`
    figures_from: AnswerRef
    answers: tuple[AnswerRef, ...]  # in question listing order, then answer order

    @property
    def url(self) -> str:
        return f"doctors/{self.id}/"

    @property
    def question_count(self) -> int:
        return len({ref.question.id for ref in self.answers})

    @property
    def header(self) -> DoctorHeader:
        return DoctorHeader(
            self.id, self.name, self.location, self.specialty, self.figures, self.figures_from
        )


@dataclass(frozen=True, slots=True)
class DoctorHeader:
    """A doctor profile without its answers: what the later pages of its answers show of it.
    Passed whole, the profile re-rendered every page of a doctor's answers for each new one."""

    id: str
    name: str
    location: str | None
    specialty: str | None
    figures: Doctor
    figures_from: AnswerRef

    @property
    def url(self) -> str:
        return f"doctors/{self.id}/"


@dataclass(frozen=True, slots=True)
class Group:
    """A topic, specialty or location: its questions and the named doctors in it."""

    kind: str  # "topics", "specialties" or "locations": also the URL prefix
    slug: str
    label: str
    questions: tuple[Question, ...]  # site listing order
    doctors: tuple[DoctorProfile, ...]  # most answers first, then A-Z

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}/"

    @property
    def header(self) -> GroupHeader:
        return GroupHeader(self.kind, self.slug, self.label)


@dataclass(frozen=True, slots=True)
class GroupHeader:
    """A group without its lists: what the later pages of its questions and the pages of its
    doctors show of it. A page is rendered again when its context changes, and a question
    joining a specialty changes the whole group: passed whole, it re-rendered every page of
    the specialty's list (2,000 pages at 100,000 questions) to write two of them."""

    kind: str
    slug: str
    label: str

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Browse:
    doctors: tuple[DoctorProfile, ...]  # A-Z by the name as written
    topics: tuple[Group, ...]  # most questions first, then by label
    specialties: tuple[Group, ...]
    locations: tuple[Group, ...]
    doctor_ids: dict[DoctorKey, str]
    topic_slugs: dict[str, str]
    specialty_slugs: dict[str, str]
    location_slugs: dict[str, str]

    @property
    def group_kinds(self) -> tuple[tuple[str, tuple[Group, ...]], ...]:
        """Return (kind, its groups) for topics, specialties and locations, in that order."""
        return (
            ("topics", self.topics),
            ("specialties", self.specialties),
            ("locations", self.locations),
        )

    @property
    def groups(self) -> tuple[Group, ...]:
        """Return every topic, specialty and location, in that order."""
        return (*self.topics, *self.specialties, *self.locations)

    def url_maps(
        self,
    ) -> tuple[dict[DoctorKey, str], dict[str, str], dict[str, str], dict[str, str]]:
        """What the URL_LOOKUPS answer from: while these are equal, each of them gives the
        same answer for the same arguments."""
        return (self.doctor_ids, self.topic_slugs, self.specialty_slugs, self.location_slugs)

    def doctor_url(self, doctor: Doctor) -> str | None:
        """Return the profile URL of an answer's doctor, or None for an unnamed doctor."""
        key = doctor_key(doctor)
        if key is None:
            return None
        return f"doctors/{self.doctor_ids[key]}/"

    def topic_url(self, tag: str) -> str:
        return f"topics/{self.topic_slugs[tag]}/"

    def specialty_url(self, specialty: str) -> str:
        return f"specialties/{self.specialty_slugs[specialty]}/"

    def location_url(self, location: str) -> str:
        return f"locations/{self.location_slugs[location]}/"


# The methods whose answers are a function of their arguments and `Browse.url_maps()` only.
URL_LOOKUPS = frozenset({"doctor_url", "topic_url", "specialty_url", "location_url"})


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def sort_name(name: str) -> str:
    """Return the A-Z sort key of a name as written: accents and case ignored."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def doctor_key(doctor: Doctor) -> DoctorKey | None:
    """Return a doctor's identity, or None when the doctor is unnamed (no identity at all)."""
    if not doctor.name or not doctor.name.strip():
        return None
    return (_norm(doctor.name), _norm(doctor.location), _norm(doctor.specialty))


def question_tags(question: Question) -> tuple[str, ...]:
    """Return the question's topics: its answers' tags, first-seen order, without repeats."""
    return tuple(dict.fromkeys(tag for answer in question.answers for tag in answer.tags))


def build_browse(site: Site) -> Browse:
    """Return every cross-record index of the published site."""
    # Each answer's doctor as written, an index into `as_keys` (identity computed once for
    # each way a doctor is written: 234,000 answers by 10,000 doctors at 100,000 questions).
    refs: list[AnswerRef] = []
    keys: list[DoctorKey | None] = []
    spots: list[int] = []
    written: dict[tuple[str | None, str | None, str | None], int] = {}
    as_keys: list[DoctorKey | None] = []
    add_ref, add_key, add_spot = refs.append, keys.append, spots.append
    for question in site.questions:
        for answer in question.answers:
            doctor = answer.doctor
            as_written = (doctor.name, doctor.location, doctor.specialty)
            spot = written.get(as_written)
            if spot is None:
                spot = written[as_written] = len(as_keys)
                as_keys.append(doctor_key(doctor))
            add_ref(AnswerRef(question, answer.number, answer))
            add_key(as_keys[spot])
            add_spot(spot)
    doctors = _doctors(refs, keys)
    by_key = {doctor_key(d.figures_from.answer.doctor): d for d in doctors}
    doctor_ids = {key: d.id for key, d in by_key.items() if key is not None}

    tags: dict[str, list[Question]] = defaultdict(list)
    for question in site.questions:
        for tag in question_tags(question):
            tags[tag].append(question)
    topic_slugs = unique_slugs(tags)
    topics = [Group("topics", topic_slugs[t], t, tuple(qs), ()) for t, qs in tags.items()]

    profiles = [by_key[key] if key is not None else None for key in as_keys]
    specialties = _groups(refs, spots, [w[2] for w in written], profiles, "specialties")
    locations = _groups(refs, spots, [w[1] for w in written], profiles, "locations")
    return Browse(
        doctors=tuple(sorted(doctors, key=lambda d: (sort_name(d.name), d.name, d.id))),
        topics=by_size(topics),
        specialties=by_size(specialties),
        locations=by_size(locations),
        doctor_ids=doctor_ids,
        topic_slugs=topic_slugs,
        specialty_slugs={g.label: g.slug for g in specialties},
        location_slugs={g.label: g.slug for g in locations},
    )


def by_size(groups: list[Group]) -> tuple[Group, ...]:
    """Return the groups of a kind in their order (`group_order`)."""
    return tuple(sorted(groups, key=lambda g: group_order(len(g.questions), g.label, g.slug)))


def group_order(size: int, label: str, slug: str) -> tuple[int, str, str]:
    """Sort key of the groups of a kind: most questions first, then A-Z."""
    return (-size, label.casefold(), slug)


def _doctors(refs: list[AnswerRef], keys: list[DoctorKey | None]) -> list[DoctorProfile]:
    grouped: dict[DoctorKey, list[AnswerRef]] = defaultdict(list)
    for ref, key in zip(refs, keys, strict=True):
        if key is not None:
            grouped[key].append(ref)
    ids = _doctor_ids(grouped)
    profiles = []
    for key, answers in grouped.items():
        chosen = min(answers, key=_figures_order)
        doctor = chosen.answer.doctor
        profiles.append(
            DoctorProfile(
                id=ids[key],
                name=" ".join((doctor.name or "").split()),
                location=doctor.location,
                specialty=doctor.specialty,
                figures=doctor,
                figures_from=chosen,
                answers=tuple(answers),
            )
        )
    return profiles


def _figures_order(ref: AnswerRef) -> tuple[int, bool, str, int]:
    return figures_order(ref.answer.doctor, ref.question.source, ref.number)


def figures_order(doctor: Doctor, source: str, number: int) -> tuple[int, bool, str, int]:
    """Sort key choosing whose rating a profile shows: reviews only accumulate, so the copy
    with the most reviews is the latest; then one with a rating; ties by seed file and answer."""
    reviews = -1 if doctor.review_count is None else doctor.review_count
    return (-reviews, doctor.rating is None, source, number)


def _doctor_ids(grouped: dict[DoctorKey, list[AnswerRef]]) -> dict[DoctorKey, str]:
    """Give each doctor the slug of their name, place and specialty: a namesake answering
    elsewhere then never changes a doctor's URL, as a name alone would once a second doctor
    shared it. Slugs that still clash (or hold no letter) all get a digest of who the doctor
    is, so no id depends on reading order."""
    wanted = {key: wanted_slug(key, refs[0].answer.doctor.name) for key, refs in grouped.items()}
    counts = Counter(wanted.values())
    return {key: doctor_id(key, slug, counts[slug]) for key, slug in wanted.items()}


def wanted_slug(key: DoctorKey, name: str | None) -> str | None:
    """Return the slug a doctor's id is made of (`name`: as the first of their answers in
    listing order writes it), or None when the name has no letter to spell it: it would leave
    only place and specialty (李医生), which any such doctor there shares."""
    name = name or ""
    return slugify(f"{name} {key[1]} {key[2]}", 160) if slugify(name) else None


def doctor_id(key: DoctorKey, wanted: str | None, wanting: int) -> str:
    """Return a doctor's id from the slug they want and how many doctors want that slug."""
    if wanted is None:
        return f"{slugify(f'doctor {key[1]} {key[2]}', 160)}-{_digest(key)}"
    return f"{wanted}-{_digest(key)}" if wanting > 1 else wanted


def _digest(key: object) -> str:
    return hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:6]


def unique_slugs(labels: Iterable[str]) -> dict[str, str]:
    """Return a slug per label; labels whose slugs clash all get a short digest appended, so a
    slug never depends on which label was read first."""
    clashes: dict[str, list[str]] = defaultdict(list)
    slugs = {}
    for item in labels:
        base = slugify(item)
        if base:
            clashes[base].append(item)
        else:  # no letter or digit to spell it with: the digest alone tells it apart, always
            slugs[item] = f"x-{_digest(item)}"
    for base, members in clashes.items():
        for item in members:
            slugs[item] = base if len(members) == 1 else f"{base}-{_digest(item)}"
    return slugs


def _groups(
    refs: list[AnswerRef],
    spots: list[int],
    values: list[str | None],
    profiles: list[DoctorProfile | None],
    kind: str,
) -> list[Group]:
    """Return a group per value the answers' doctors give (`values`, by how a doctor is
    written: `spots`) holding its questions in listing order and the named doctors who
    answered as that value."""
    questions: dict[str, dict[str, Question]] = defaultdict(dict)
    last: dict[str, str] = {}  # value -> the question it took last (most answers repeat it)
    for ref, spot in zip(refs, spots, strict=True):
        value = values[spot]
        if value and last.get(value) != ref.question.id:
            questions[value].setdefault(ref.question.id, ref.question)
            last[value] = ref.question.id
    doctors: dict[str, dict[str, DoctorProfile]] = defaultdict(dict)
    for value, profile in zip(values, profiles, strict=True):
        if value and profile is not None:
            doctors[value][profile.id] = profile  # any order: sorted below
    slugs = unique_slugs(questions)
    return [
        Group(
            kind,
            slugs[value],
            value,
            tuple(qs.values()),
            tuple(sorted(doctors[value].values(), key=lambda d: (-len(d.answers), d.name, d.id))),
        )
        for value, qs in questions.items()
    ]
