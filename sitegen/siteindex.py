"""The site's lists kept up to date one question at a time: step 2 of docs/delta-builds.md.

A `SiteIndex` holds what every list of the site is made of (home, topics, specialties,
locations, doctor profiles and their ids) without holding the questions: per published
question only its id, seed file, topics and each visible answer's number and doctor as written.
`add` and `remove` change it in time that grows with the lists the question is on, not with
the site, so a build that adds one seed to 100,000 can tell which lists changed, and how,
without loading every record.

The promise, held by tests on random sites: after any sequence of `add` and `remove`,
`index.plain()` equals `plain_browse(site, build_browse(site))` for the site of the questions
added and not removed. `build_browse` stays the reference; this module re-states its rules
(browse.py) with the same helpers wherever one exists.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from sitegen.browse import (
    Browse,
    DoctorKey,
    doctor_id,
    doctor_key,
    figures_order,
    group_order,
    question_tags,
    sort_name,
    unique_slugs,
    wanted_slug,
)
from sitegen.model import Doctor, Question
from sitegen.site import Site

ListKey = tuple[int, str]  # (-visible answers, id): where a question stands in every list
# One answer as a doctor's profile lists it: its question's place, its number, its question's
# seed file (ties of whose figures a profile shows), its doctor as written.
Ref = tuple[ListKey, int, str, Doctor]
GROUP_KINDS = ("topics", "specialties", "locations")
# A doctor as lists show them (SiteIndex.summary): name, location, specialty, figures, where
# the figures come from (question id, answer number), answer count.
Summary = tuple[str, str | None, str | None, Doctor, tuple[str, int], int]
_Facts = tuple[DoctorKey | None, tuple[tuple[str, str], ...]]  # a doctor's key and groups
_second = itemgetter(1)


class Entry(NamedTuple):
    """What the lists need of one published question (answers: the visible ones only). A
    named tuple: 100,000 of them load from a stored index in a fifth of a dataclass's time."""

    id: str
    source: str
    answers: tuple[tuple[int, Doctor], ...]  # (number, doctor as written)
    topics: tuple[str, ...]

    @classmethod
    def of(cls, question: Question, same: dict[Doctor, Doctor] | None = None) -> Entry:
        """`same`: one copy of each doctor as written, to hold instead of equal ones (a
        stored index loads ten times faster with 10,000 doctors than with 234,000)."""
        if same is None:
            answers = tuple((a.number, a.doctor) for a in question.answers)
        else:
            answers = tuple(
                (a.number, same.setdefault(a.doctor, a.doctor)) for a in question.answers
            )
        return cls(question.id, question.source, answers, question_tags(question))

    @property
    def key(self) -> ListKey:
        return (-len(self.answers), self.id)

    def values(self, kind: str) -> tuple[str, ...]:
        """Return the groups of a kind the question is in, each once."""
        if kind == "topics":
            return self.topics
        return tuple(
            dict.fromkeys(v for _, d in self.answers for k, v in doctor_groups(d) if k == kind)
        )


class SiteIndex:
    """Every list of the published site, as ids in order (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        # The entries stored apart (see `entries`): their rows, unpickled on the first read.
        self._later: Callable[[], list[tuple[Any, ...]]] | None = None
        self._ids_later: set[str] | None = None  # the ids of those, once asked (`has`)
        self.home: list[ListKey] = []
        # kind -> group label -> its questions, in listing order
        self.groups: dict[str, dict[str, list[ListKey]]] = {k: {} for k in GROUP_KINDS}
        # kind -> group label -> each named doctor who answered as that value: how many times
        self.group_doctors: dict[str, dict[str, Counter[DoctorKey]]] = {
            k: defaultdict(Counter) for k in GROUP_KINDS[1:]
        }
        self.doctors: dict[DoctorKey, list[Ref]] = {}  # each named doctor's answers, in order
        self.wanted: dict[DoctorKey, str | None] = {}  # the slug each doctor's id is made of
        self.wanting: Counter[str | None] = Counter()  # how many doctors want each slug
        self._summaries: dict[DoctorKey, Summary] = {}  # see summary()
        self._by_name: tuple[tuple[str, str], ...] | None = None  # see doctors_by_name()
        self._ids: dict[DoctorKey, str] | None = None  # see doctor_ids()
        self.answers = 0  # how many answers the questions show, all told

    @property
    def entries(self) -> dict[str, Entry]:
        """Every published question's entry, by id (loading those stored apart, if any)."""
        if self._later is not None:
            stored, self._later, self._ids_later = _entries(self._later()), None, None
            stored.update(self._entries)  # those added since (a removal loads them first)
            self._entries = stored
        return self._entries

    def has(self, qid: str) -> bool:
        """Return whether a question is in the index (not loading entries stored apart)."""
        if qid in self._entries:
            return True
        if self._later is None:
            return False
        if self._ids_later is None:  # every question is on the home list
            self._ids_later = set(map(itemgetter(1), self.home))
        return qid in self._ids_later

    def entry(self, qid: str) -> Entry | None:
        """Return a question's entry, or None (an entry added since a load: none loaded)."""
        made = self._entries.get(qid)
        return made if made is not None or not self.has(qid) else self.entries.get(qid)

    def entry_rows(self) -> list[tuple[Any, ...]]:
        """Return the entries as plain tuples, for `stored_apart` in another process."""
        return list(map(tuple, self.entries.values()))

    def stored_apart(self, rows: Callable[[], list[tuple[Any, ...]]]) -> None:
        """Take the entries as `rows()` gives them, called on the first read of one: an add
        reads none but its own, and loading 100,000 took a delta build 0.35-0.45 s."""
        self._entries, self._later, self._ids_later = {}, rows, None

    def without_entries(self) -> SiteIndex:
        """Return a shallow copy without entries, to pickle apart from them (`entry_rows`)."""
        copy = SiteIndex.__new__(SiteIndex)
        vars(copy).update(vars(self), _entries={}, _later=None, _ids_later=None)
        return copy

    def __getstate__(self) -> dict[str, Any]:
        # Entries as plain tuples: a named tuple unpickles through a Python call each, which
        # was 0.35 s of loading 100,000 of them; made named again in C (__setstate__).
        state = dict(vars(self))
        state["_entries"] = self.entry_rows()
        del state["_later"], state["_ids_later"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        rows = state.pop("_entries")
        vars(self).update(state, _entries=_entries(rows), _later=None, _ids_later=None)

    @classmethod
    def of(cls, site: Site) -> SiteIndex:
        """Return the index of a published site: `add` of each question, made in one pass and
        one sort a list (100,000 sorted inserts would move 40 GB of pointers)."""
        index = cls()
        same: dict[Doctor, Doctor] = {}
        known: dict[int, _Facts] = {}  # by the id of each doctor `same` holds
        for question in site.questions:
            index._append(Entry.of(question, same), known)
        for keys in (index.home, *(k for g in index.groups.values() for k in g.values())):
            keys.sort()
        for refs in index.doctors.values():
            refs.sort()
        index._rename(set(index.doctors))
        return index

    def _append(self, entry: Entry, known: dict[int, _Facts] | None = None) -> None:
        """Put a question at the end of each of its lists (`of` sorts them after). `known`:
        each doctor's key and groups, by the doctor's id, made once for each doctor object
        (234,000 answers by 10,000 doctors took `of` 2 s a site at 100,000 questions)."""
        if self.has(entry.id):
            raise ValueError(f"{entry.id} is in the index already")
        if known is None:
            known = {}
        self._entries[entry.id] = entry
        self.answers += len(entry.answers)
        key = entry.key
        self.home.append(key)
        facts = []
        for _, doctor in entry.answers:
            made = known.get(id(doctor))
            if made is None:
                made = known[id(doctor)] = (doctor_key(doctor), doctor_groups(doctor))
            facts.append(made)
        groups = self.groups
        for value in entry.topics:
            groups["topics"].setdefault(value, []).append(key)
        # Each group once, in the order of the answers (Entry.values).
        for kind, value in dict.fromkeys(chain.from_iterable(map(_second, facts))):
            groups[kind].setdefault(value, []).append(key)
        for (number, doctor), (who, places) in zip(entry.answers, facts, strict=True):
            if who is None:
                continue
            for kind, value in places:
                self.group_doctors[kind][value][who] += 1
            self.doctors.setdefault(who, []).append((key, number, entry.source, doctor))

    def add(self, question: Question) -> None:
        """Add a published question (its visible answers only, as `build_site` gives them)."""
        entry = Entry.of(question)
        self._append(entry)
        self._by_name = self._ids = None
        for keys in (self.home, *(self.groups[k][v] for k in GROUP_KINDS for v in entry.values(k))):
            _to_place(keys)
        touched = {who for _, doctor in entry.answers if (who := doctor_key(doctor))}
        for who in touched:
            self.doctors[who].sort()  # sorted but for its end: one pass (answers may be two)
        self._rename(touched)

    def before_changing(
        self, questions: Iterable[Question], removed: Iterable[str] = ()
    ) -> SiteIndex:
        """Return a copy of this index as it is, which `remove` of the `removed` ids and `add`
        of these questions to this one leave as it is: the lists they change are copied, the
        rest shared (never change the copy). At 100,000 questions a whole copy took 2 s; this
        takes a few milliseconds (and reads the entries stored apart only to remove one)."""
        changed = [self.entries[qid] for qid in removed]
        changed += map(Entry.of, questions)
        copy = SiteIndex.__new__(SiteIndex)
        copy._entries = dict(self._entries)  # (those stored apart stay apart: read by need)
        copy._later, copy._ids_later = self._later, self._ids_later
        copy.home = list(self.home)
        copy.groups = {kind: dict(groups) for kind, groups in self.groups.items()}
        copy.group_doctors = {
            kind: defaultdict(Counter, named) for kind, named in self.group_doctors.items()
        }
        copy.doctors = dict(self.doctors)
        copy.wanted = dict(self.wanted)
        copy.wanting = Counter(self.wanting)
        copy._summaries = dict(self._summaries)
        copy._by_name = self._by_name
        copy._ids = self._ids
        copy.answers = self.answers
        for entry in changed:
            for kind in GROUP_KINDS:
                groups = copy.groups[kind]
                for value in entry.values(kind):
                    if value in groups:
                        groups[value] = list(groups[value])
            for _, doctor in entry.answers:
                who = doctor_key(doctor)
                if who is None:
                    continue
                for kind, value in doctor_groups(doctor):
                    named = copy.group_doctors[kind]
                    if value in named:
                        named[value] = Counter(named[value])
                if who in copy.doctors:
                    copy.doctors[who] = list(copy.doctors[who])
        return copy

    def remove(self, qid: str) -> None:
        """Take a question out of every list (KeyError if it is not in the index)."""
        entry = self.entries.pop(qid)
        self.answers -= len(entry.answers)
        self._by_name = self._ids = None
        key = entry.key
        _discard(self.home, key)
        for kind in GROUP_KINDS:
            groups = self.groups[kind]
            for value in entry.values(kind):
                if not _discard(groups[value], key):
                    del groups[value]
        touched = set()
        for number, doctor in entry.answers:
            who = doctor_key(doctor)
            if who is None:
                continue
            for kind, value in doctor_groups(doctor):
                counts = self.group_doctors[kind][value]
                counts[who] -= 1
                if not counts[who]:
                    del counts[who]
                    if not counts:
                        del self.group_doctors[kind][value]
            refs = self.doctors[who]
            if not _discard(refs, (key, number, entry.source, doctor)):
                del self.doctors[who]
            touched.add(who)
        self._rename(touched)

    def _rename(self, touched: set[DoctorKey]) -> None:
        """Bring the slugs wanted by these doctors up to date: the first of a doctor's answers
        names the slug, so a new first answer may change it, and a doctor gone wants none."""
        for who in touched:
            self._summaries.pop(who, None)
            if who in self.wanted:
                before = self.wanted.pop(who)
                self.wanting[before] -= 1
                if not self.wanting[before]:
                    del self.wanting[before]
            refs = self.doctors.get(who)
            if refs:
                slug = self.wanted[who] = wanted_slug(who, refs[0][3].name)
                self.wanting[slug] += 1

    def doctor_id(self, who: DoctorKey) -> str:
        slug = self.wanted[who]
        return doctor_id(who, slug, self.wanting[slug])

    def group_slugs(self) -> dict[str, dict[str, str]]:
        """Return each kind's group slugs by label (`Browse.topic_slugs` and the others)."""
        return {kind: unique_slugs(self.groups[kind]) for kind in GROUP_KINDS}

    def doctor_ids(self) -> dict[DoctorKey, str]:
        """Return every doctor's id (`Browse.doctor_ids`), a new dict of those kept until the
        next add or remove (a delta build asks eight times: 10,000 doctors at 100k)."""
        if self._ids is None:
            self._ids = {who: self.doctor_id(who) for who in self.doctors}
        return dict(self._ids)

    def profile(self, who: DoctorKey) -> tuple[Any, ...]:
        """Return a doctor's profile as `plain_browse` gives it."""
        answers = tuple((ref[0][1], ref[1]) for ref in self.doctors[who])
        return (self.doctor_id(who), *self.summary(who)[:5], answers)

    def summary(self, who: DoctorKey) -> Summary:
        """Return what lists show of a doctor but their id: the name, place and specialty of
        the copy whose figures the profile shows, those figures, where they come from
        (question id, answer number) and how many answers the doctor has. Kept until a change
        touches the doctor: the A-Z list and each group's doctors sort all of them."""
        made = self._summaries.get(who)
        if made is None:
            refs = self.doctors[who]
            chosen = min(refs, key=lambda ref: figures_order(ref[3], ref[2], ref[1]))
            doctor = chosen[3]
            name = " ".join((doctor.name or "").split())
            figures_from = (chosen[0][1], chosen[1])
            made = (name, doctor.location, doctor.specialty, doctor, figures_from, len(refs))
            self._summaries[who] = made
        return made

    def doctors_by_name(self) -> tuple[tuple[str, str], ...]:
        """Return (id, name) of every doctor, A-Z as the doctors index lists them. Kept until
        the next add or remove: a delta build pages, renders and maps this list (10,000
        doctors sorted by name took 43 ms at 100,000 questions, each time)."""
        if self._by_name is None:
            rows = [(self.doctor_id(who), self.summary(who)[0]) for who in self.doctors]
            rows.sort(key=lambda row: (sort_name(row[1]), row[1], row[0]))
            self._by_name = tuple(rows)
        return self._by_name

    def group_doctor_ids(self, kind: str, label: str) -> list[str]:
        """Return the ids of a specialty's or location's named doctors, most answers first."""
        named = self.group_doctors[kind].get(label, ()) if kind != "topics" else ()
        rows = [(-summary[5], summary[0], self.doctor_id(who))
                for who in named for summary in (self.summary(who),)]  # fmt: skip
        return [row[2] for row in sorted(rows)]

    def plain(self) -> dict[str, Any]:
        """Return every list of the site as plain data (the shape of `plain_browse`)."""
        profiles = {who: self.profile(who) for who in self.doctors}
        by_id = {p[0]: p for p in profiles.values()}
        plain: dict[str, Any] = {
            "home": tuple(key[1] for key in self.home),
            "doctors": tuple(by_id[id_] for id_, _ in self.doctors_by_name()),
            "doctor_ids": self.doctor_ids(),
        }
        for kind, slugs in self.group_slugs().items():
            groups = self.groups[kind]
            listed = []
            for label, keys in groups.items():
                members = tuple(key[1] for key in keys)
                doctors = tuple(self.group_doctor_ids(kind, label))
                listed.append((slugs[label], label, members, doctors))
            plain[kind] = tuple(sorted(listed, key=lambda g: group_order(len(g[2]), g[1], g[0])))
            plain[f"{kind}_slugs"] = slugs
        return plain


def _entries(rows: list[tuple[Any, ...]]) -> dict[str, Entry]:
    made = map(partial(tuple.__new__, Entry), rows)
    return dict(zip(map(itemgetter(0), rows), made, strict=True))


def doctor_groups(doctor: Doctor) -> tuple[tuple[str, str], ...]:
    """Return the specialty and location groups an answer by this doctor puts them in."""
    places = (("specialties", doctor.specialty), ("locations", doctor.location))
    return tuple((kind, value) for kind, value in places if value)


def _to_place(items: list[Any]) -> None:
    """Move the last item of a list sorted but for it to its place."""
    item = items.pop()
    bisect.insort(items, item)


def _discard(items: list[Any], item: Any) -> bool:
    """Remove `item` from a sorted list; return whether the list still holds anything."""
    at = bisect.bisect_left(items, item)
    if at == len(items) or items[at] != item:
        raise KeyError(item)
    del items[at]
    return bool(items)


def plain_browse(site: Site, browse: Browse) -> dict[str, Any]:
    """Return every list of a built site as plain data, the shape `SiteIndex.plain` gives."""

    def profile(d: Any) -> tuple[Any, ...]:
        answers = tuple((ref.question.id, ref.number) for ref in d.answers)
        figures_from = (d.figures_from.question.id, d.figures_from.number)
        return (d.id, d.name, d.location, d.specialty, d.figures, figures_from, answers)

    plain: dict[str, Any] = {
        "home": tuple(q.id for q in site.questions),
        "doctors": tuple(profile(d) for d in browse.doctors),
        "doctor_ids": dict(browse.doctor_ids),
    }
    slugs = {
        "topics": browse.topic_slugs,
        "specialties": browse.specialty_slugs,
        "locations": browse.location_slugs,
    }
    for kind, groups in browse.group_kinds:
        plain[kind] = tuple(
            (g.slug, g.label, tuple(q.id for q in g.questions), tuple(d.id for d in g.doctors))
            for g in groups
        )
        plain[f"{kind}_slugs"] = dict(slugs[kind])
    return plain
