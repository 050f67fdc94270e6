"""Take the last build's digest of each doctor profile and group whose questions did not change,
instead of digesting it again.

The promise: a profile or group gets a noted digest only when it is the very value that was
digested then. A profile is a function of its doctor's answers (their questions, in listing
order) and of its id; a group of its questions, its doctors' profiles and its slug. Which
profiles and groups hold a question depends only on that question's own record. So a value
holding none of the questions whose records changed since (by their digests, as the
related-questions memo noted them), with as many questions (answers, doctors) as then and the
same id or slug, is the value of then: a question joining it would be a changed one that
holds it now, and one leaving it alone would lower the count. A group also needs every doctor
it lists to be such a profile (a doctor joins or leaves a group only with an answer, so only
with a question that joins, leaves or changed in it).

At 100,000 questions, digesting 10,000 profiles (234,000 answers) and 3,000 groups took 1.4 s
of every build that added one seed."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import TypeGuard

from sitegen.browse import Browse, DoctorProfile, doctor_key, question_tags
from sitegen.model import Question
from sitegen.pagekeys import Digests

# Keyed by who a profile or group is, never by its id or slug, which another doctor or label
# can take over: ("d", name, place, specialty) as browse identifies doctors, or (kind, label).
# (framed digest, how many answers or questions it holds, id or slug)
Noted = dict[tuple[str, ...], tuple[bytes, int, str]]


def note(browse: Browse, digests: Digests) -> Noted:
    """Return what the next build needs to reuse these values' digests (all digested by now)."""
    noted: Noted = {}
    for profile in browse.doctors:
        framed = digests.framed(profile)
        if framed is not None:
            noted[_doctor(profile)] = (framed, len(profile.answers), profile.id)
    for group in browse.groups:
        framed = digests.framed(group)
        if framed is not None:
            noted[(group.kind, group.label)] = (framed, len(group.questions), group.slug)
    return noted


def reuse(browse: Browse, noted: Noted, changed: Iterable[Question], digests: Digests) -> int:
    """Give each profile and group that holds none of the `changed` questions (published
    now; their records are new or changed since `noted` was taken) and holds as many
    questions (answers, doctors) as then, under the same id or slug, its noted digest; return
    how many got one. A question that is gone or hidden now left what held it: a count fell."""
    doctors: set[tuple[str, ...]] = set()
    groups: set[tuple[str, str]] = set()
    for question in changed:
        groups.update(("topics", tag) for tag in question_tags(question))
        for answer in question.answers:
            doctor = answer.doctor
            key = doctor_key(doctor)
            if key is not None:
                doctors.add(("d", *key))
            if doctor.specialty:
                groups.add(("specialties", doctor.specialty))
            if doctor.location:
                groups.add(("locations", doctor.location))
    clean: set[str] = set()  # ids of the profiles that got theirs
    for profile in browse.doctors:
        name = _doctor(profile)
        entry = noted.get(name)
        if entry is not None and _as_noted(entry, name, doctors, profile.id, len(profile.answers)):
            digests.seed(profile, entry[0])
            clean.add(profile.id)
    reused = len(clean)
    for group in browse.groups:
        name = (group.kind, group.label)
        entry = noted.get(name)
        if (
            entry is not None
            and _as_noted(entry, name, groups, group.slug, len(group.questions))
            and all(doctor.id in clean for doctor in group.doctors)
        ):
            digests.seed(group, entry[0])
            reused += 1
    return reused


def _as_noted(
    entry: tuple[bytes, int, str],
    name: tuple[str, ...],
    changed: Set[tuple[str, ...]],
    ident: str,
    count: int,
) -> bool:
    """Return whether a value holds no changed question, and as many as when noted, under
    the id or slug it had then."""
    return name not in changed and entry[2] == ident and entry[1] == count


def valid(noted: object) -> TypeGuard[Noted]:
    """Return whether a loaded value has the shape `note` gives (a damaged cache is ignored)."""
    return isinstance(noted, dict) and all(
        isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], bytes)
        for entry in noted.values()
    )


def _doctor(profile: DoctorProfile) -> tuple[str, ...]:
    key = doctor_key(profile.figures_from.answer.doctor)
    assert key is not None  # a profile is a named doctor's
    return ("d", *key)
