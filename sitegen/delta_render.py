"""Pages rendered from a site index, reading only the records they show: step 4 of
docs/delta-builds.md.

The templates and the `Renderer` stay as they are; what changes is what they are given. The
site, its browse and every list are made from a `SiteIndex`, and each list is `Lazy`: it knows
its members' ids (so it pages without making them) and makes a member only when a page reads it.
A question is read from its record once, by `Records`; a doctor's profile is made from the
index, its figures' question read only if a page shows it. So a page of 50 questions reads 50
records, and a list's first page reads none of the list beyond its own chunk.

The promise, held by a test against full builds: every page `render_pages` makes has the bytes
the full build writes for it. Stores the full build keeps (page keys, families) are not written
here: the caller drops the entries of the pages it renders, and the next full build checks them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, overload

from sitegen.browse import (
    AnswerRef,
    Browse,
    DoctorKey,
    DoctorProfile,
    Group,
    by_size,
)
from sitegen.config import Config
from sitegen.model import Answer, Question
from sitegen.recordpack import Pack
from sitegen.records import load_question
from sitegen.render import DOCTOR_PREVIEW, NOT_MINE, Renderer, make_environment
from sitegen.site import Site, build_site
from sitegen.siteindex import GROUP_KINDS, SiteIndex

T = TypeVar("T")
_second = itemgetter(1)


class Lazy(Sequence[T]):
    """A list known by its members' ids; a member is made (`make(id)`) when read."""

    __slots__ = ("_make", "ids")

    def __init__(self, ids: Sequence[str], make: Callable[[str], T]) -> None:
        self.ids = ids
        self._make = make

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, at: int) -> T: ...
    @overload
    def __getitem__(self, at: slice) -> Lazy[T]: ...
    def __getitem__(self, at: int | slice) -> T | Lazy[T]:
        if isinstance(at, slice):
            return Lazy(self.ids[at], self._make)
        return self._make(self.ids[at])

    def __iter__(self) -> Iterator[T]:
        return map(self._make, self.ids)


class _Ids(Sequence[str]):
    """The ids of a list of list keys `(-answers, id)`, read through (a group of 71,000
    questions is not copied to page it: a delta build makes every group's list)."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Sequence[tuple[int, str]]) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, at: int) -> str: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[str]: ...
    def __getitem__(self, at: int | slice) -> str | Sequence[str]:
        if isinstance(at, slice):
            return list(map(_second, self._keys[at]))
        return self._keys[at][1]

    def __iter__(self) -> Iterator[str]:
        return map(_second, self._keys)  # in C: paging walks lists of 100,000


class _Later(Sequence[T]):
    """A list made on first use (a group's doctors, sorted by their answer counts; a doctor's
    answers, whose number alone the doctors index shows: `length`, when known before)."""

    __slots__ = ("_items", "_length", "_make")

    def __init__(self, make: Callable[[], Sequence[T]], length: int | None = None) -> None:
        self._make = make
        self._items: Sequence[T] | None = None
        self._length = length

    def _made(self) -> Sequence[T]:
        if self._items is None:
            self._items = self._make()
        return self._items

    def __len__(self) -> int:
        return len(self._made()) if self._length is None else self._length

    @overload
    def __getitem__(self, at: int) -> T: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[T]: ...
    def __getitem__(self, at: int | slice) -> T | Sequence[T]:
        return self._made()[at]

    def __iter__(self) -> Iterator[T]:
        return iter(self._made())


class Records:
    """Published questions read from their records by id, each once: from a record pack when
    it holds the question for the record's digest (`digests`: id -> digest of the record's
    bytes, as the last walk found them; None: the records are known to be those the pack was
    written from, but the `stale` ones), else from the record file."""

    def __init__(
        self,
        folder: Path,
        pack: Pack | None = None,
        digests: Mapping[str, str] | None = None,
        stale: Container[str] = (),
    ) -> None:
        self.folder = folder
        self.pack = pack
        self.digests = digests
        self.stale = stale
        self._read: dict[str, Question] = {}

    def __call__(self, qid: str) -> Question:
        question = self._read.get(qid)
        if question is None:
            pack = self.pack
            if qid in self.stale:
                digest = None
            elif self.digests is not None:
                digest = self.digests.get(qid)
            else:
                digest = pack.digest(qid) if pack is not None else None
            loaded = self.pack.get(qid, digest) if self.pack and digest else None
            if loaded is None:
                path = self.folder / f"{qid}.yaml"
                loaded = load_question(path.read_text("utf-8"), str(path))
            # As the site publishes it: hidden answers dropped, the rest numbered as before.
            [question] = build_site([loaded]).questions
            self._read[qid] = question
        return question


class _LazyRef:
    """An answer in a doctor's list, its question read on first use."""

    __slots__ = ("_qid", "_records", "number")

    def __init__(self, qid: str, number: int, records: Callable[[str], Question]) -> None:
        self._qid, self.number, self._records = qid, number, records

    @property
    def question(self) -> Question:
        return self._records(self._qid)

    @property
    def answer(self) -> Answer:
        return _numbered(self.question, self.number)


def _answer_refs(index: SiteIndex, who: DoctorKey) -> list[str]:
    """Return a doctor's answers as `DeltaSite._ref` reads them ("<question id>#<number>")."""
    return [f"{key[1]}#{number}" for key, number, _, _ in index.doctors[who]]


def _numbered(question: Question, number: int) -> Answer:
    """Return a published question's answer by its number (its place in the record)."""
    return next(a for a in question.answers if a.number == number)


class _Related:
    """Each question's related list, from ids ranked before (related_entry.Entries)."""

    def __init__(
        self, lists: dict[str, tuple[str, ...]], records: Callable[[str], Question]
    ) -> None:
        self.lists = lists
        self.records = records

    def related_ids(self, question: Question) -> tuple[str, ...]:
        return self.lists.get(question.id, ())

    def related(self, question: Question) -> tuple[Question, ...]:
        return tuple(self.records(i) for i in self.related_ids(question))

    def prepare(self) -> None:
        """Nothing to rank: every list was ranked before."""


class DeltaSite:
    """The site, browse and lists of a site index, made lazily (see the module docstring)."""

    def __init__(self, index: SiteIndex, records: Callable[[str], Question]) -> None:
        self.index = index
        self.records = records
        self.ids = index.doctor_ids()
        self.by_id = {id_: who for who, id_ in self.ids.items()}
        self._profiles: dict[str, DoctorProfile] = {}
        self.site = self._site()
        self.browse = self._browse()
        self.groups = {f"{g.kind}:{g.slug}": g for g in self.browse.groups}
        self.family_of: dict[str, str] = {}  # each page rendered: its family's name

    def _site(self) -> Site:
        site = object.__new__(Site)  # its answer count from the index, not a walk of them all
        home = Lazy(tuple(k[1] for k in self.index.home), self.records)
        object.__setattr__(site, "questions", home)
        answers = self.index.answers
        object.__setattr__(site, "answer_count", answers)
        return site

    def profile(self, id_: str) -> DoctorProfile:
        made = self._profiles.get(id_)
        if made is None:
            # Its answers listed only when a page reads them: the doctors index pages every
            # doctor (10,000 at 100,000 questions) and shows each one's number of answers.
            who = self.by_id[id_]
            name, location, specialty, figures, (qid, number), count = self.index.summary(who)
            answers = _Later(functools.partial(_answer_refs, self.index, who), count)
            refs: Any = Lazy(answers, self._ref)
            figures_from: Any = _LazyRef(qid, number, self.records)
            made = DoctorProfile(id_, name, location, specialty, figures, figures_from, refs)
            self._profiles[id_] = made
        return made

    def _ref(self, ref: str) -> AnswerRef:
        qid, _, number = ref.rpartition("#")
        question = self.records(qid)
        return AnswerRef(question, int(number), _numbered(question, int(number)))

    def _browse(self) -> Browse:
        index, ids = self.index, self.ids
        doctors: Any = Lazy([id_ for id_, _ in index.doctors_by_name()], self.profile)
        slugs = index.group_slugs()
        groups: dict[str, tuple[Group, ...]] = {}
        for kind in GROUP_KINDS:
            made = []
            for label, keys in index.groups[kind].items():
                members: Any = Lazy(_Ids(keys), self.records)
                named = functools.partial(index.group_doctor_ids, kind, label)
                in_group: Any = Lazy(_Later(named), self.profile)
                made.append(Group(kind, slugs[kind][label], label, members, in_group))
            groups[kind] = by_size(made)
        return Browse(
            doctors=doctors,
            topics=groups["topics"],
            specialties=groups["specialties"],
            locations=groups["locations"],
            doctor_ids=ids,
            topic_slugs=slugs["topics"],
            specialty_slugs=slugs["specialties"],
            location_slugs=slugs["locations"],
        )

    def renderer(
        self,
        templates: Path,
        config: Config,
        related: dict[str, tuple[str, ...]],
        marks: dict[str, str],
        out_dir: Path,
        compiled: Path | None = None,
    ) -> Renderer:
        """Return a renderer of this site (no page keys, no families); `compiled`: see
        `make_environment`."""
        made = (self.browse, _Related(related, self.records), marks)
        env = make_environment(templates, compiled)
        return Renderer(env, config, self.site, out_dir=out_dir, made=made)

    def render_pages(
        self, renderer: Renderer, families: Iterable[str], pages: set[str] | None = None
    ) -> dict[str, bytes]:
        """Return the bytes of these pages of the families (all their pages when None)."""
        renderer.only = frozenset(pages) if pages is not None else None
        try:
            return self._render(renderer, families, pages)
        finally:
            renderer.only = None

    def _render(
        self, renderer: Renderer, families: Iterable[str], pages: set[str] | None
    ) -> dict[str, bytes]:
        browse = self.browse
        found: dict[str, bytes] = {}
        for name in sorted(families):
            kind, _, rest = name.partition(":")
            made: Iterable[tuple[str, bytes | None]] = ()
            if name == "home":
                made = renderer.home_pages()
            elif kind == "q":
                path = f"questions/{rest}/index.html"
                if self.index.has(rest) and (pages is None or path in pages):
                    made = [renderer.question_page(self.records(rest))]
            elif name == "doctors":
                made = renderer.doctor_index_pages()
            elif kind == "d":
                if rest in self.by_id:
                    made = renderer.doctor_pages(self.profile(rest))
            elif name in GROUP_KINDS:
                made = renderer.group_index_pages(name, dict(browse.group_kinds)[name])
            elif kind in ("g", "gd"):
                group = self.groups.get(rest)
                if group is not None and kind == "g":
                    made = renderer.group_pages(group)
                elif group is not None and len(group.doctors) > DOCTOR_PREVIEW:
                    made = renderer.group_doctor_pages(group)
            elif name == "about":
                made = [renderer.about_page()]
            elif name == "search":
                made = [renderer.search_page()] if renderer.config.search else []
            elif name == "404":
                made = [renderer.not_found_page()]
            else:
                raise ValueError(f"no such family: {name}")
            for path, data in made:  # a page not in `pages` comes as NOT_MINE (renderer.only)
                if data is not NOT_MINE and data is not None:
                    found[path] = data
                    self.family_of[path] = name
        return found
