"""Which page families a change of a few questions reaches: step 3 of docs/delta-builds.md.

A family (render.py names them, families.py stores them) is the pages made from one source: a
question's page, every page of one list. `reached` names every family whose source can differ
between two site indexes that differ only in the `changed` questions, given which questions'
related lists and shared-title marks changed (related_lists.py and the render know those).

The promise, held by a test against full builds: when `urls_changed` is false, every family
whose stored source digest a full build changes is named. Not covered here, and left to the
caller: pages whose templates made site-wide lookups other than URLs (`pagekeys.Lookups`: the
home page counts questions), and a change of a doctor id or group slug that existed before
(`urls_changed`: every page linking to it changes), which takes the full path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from sitegen.browse import DoctorKey, doctor_key, group_order
from sitegen.pages import page_ranges, paged_url
from sitegen.render import DOCTOR_PREVIEW, PAGES_AHEAD, initial
from sitegen.siteindex import GROUP_KINDS, SiteIndex, doctor_groups

# Families whose source is the whole site, or that show a figure of every list.
SITE_WIDE = ("home", "about", "doctors", *GROUP_KINDS)


def reached(
    before: SiteIndex,
    after: SiteIndex,
    changed: Iterable[str],
    related: Iterable[str] = (),
    marks: Iterable[str] = (),
) -> set[str]:
    """Return the names of the families whose source may differ from `before` to `after`
    (added, in either index or both): `changed` the questions added, removed or edited,
    `related` those whose related list changed or shows a changed question, `marks` those
    whose title mark changed."""
    names = set(SITE_WIDE)
    names.update(f"q:{qid}" for qid in (*changed, *related, *marks))
    indexes = (before, after)
    slugs = [index.group_slugs() for index in indexes]
    doctors: set[DoctorKey] = set()
    for index, slug in zip(indexes, slugs, strict=True):
        for qid in changed:
            entry = index.entry(qid)
            if entry is None:
                continue
            for kind in GROUP_KINDS:
                names.update(f"g:{kind}:{slug[kind][v]}" for v in entry.values(kind))
            doctors.update(who for _, d in entry.answers if (who := doctor_key(d)) is not None)
    for index, slug in zip(indexes, slugs, strict=True):
        for who in doctors:
            refs = index.doctors.get(who)
            if not refs:
                continue
            names.add(f"d:{index.doctor_id(who)}")
            # Every specialty and location list that shows this doctor holds their profile.
            for _, _, _, written in refs:
                for kind, value in doctor_groups(written):
                    names.add(f"g:{kind}:{slug[kind][value]}")
                    names.add(f"gd:{kind}:{slug[kind][value]}")
    return names


def urls_changed(before: SiteIndex, after: SiteIndex) -> bool:
    """Return whether a doctor id or a group slug that both indexes have differs: a new
    namesake puts a digest in a doctor's id, a new label whose slug clashes in a group's."""
    old_ids, new_ids = before.doctor_ids(), after.doctor_ids()  # (kept: asked again later)
    if any(new_ids[who] != id_ for who, id_ in old_ids.items() if who in new_ids):
        return True
    for old, new in zip(before.group_slugs().values(), after.group_slugs().values(), strict=True):
        if any(new[label] != slug for label, slug in old.items() if label in new):
            return True
    return False


def pages_reached(
    before: SiteIndex, after: SiteIndex, families: set[str], changed: set[str], page_size: int
) -> tuple[set[str], set[str]]:
    """Return the output paths of the pages of these families whose context can differ from
    `before` to `after`, and of those no family makes any more. A list's page is reached when
    it is the first (it shows the list's counts), when its members or place differ, when it
    shows a changed member, or when what it knows of the pages after it differs; every page
    of a list is reached when what they all show of it differs."""
    render: set[str] = set()
    gone: set[str] = set()
    lists = (_Lists(before, changed, page_size), _Lists(after, changed, page_size))
    for name in sorted(families):
        old, new = lists[0].of(name, families), lists[1].of(name, families)
        if new is None:
            if old is not None:
                gone.update(_paths(old, page_size))
            continue
        if old is None or not new.paged:
            render.update(_paths(new, page_size))
            if old is not None:
                gone.update(_paths(old, page_size) - _paths(new, page_size))
            continue
        ranges_before = page_ranges(old.ids, page_size)
        ranges_after = page_ranges(new.ids, page_size)
        every = new.dirty or old.whole != new.whole
        shown = old.shown | new.shown
        for number, span in enumerate(ranges_after, 1):
            members = new.ids[span.start : span.stop]
            was = ranges_before[number - 1] if number <= len(ranges_before) else None
            if (
                every
                or number == 1
                or was is None
                or old.ids[was.start : was.stop] != members
                or _ahead(number, len(ranges_before)) != _ahead(number, len(ranges_after))
                or not shown.isdisjoint(members)
            ):
                render.add(_path(paged_url(new.first, number)))
        for number in range(len(ranges_after) + 1, len(ranges_before) + 1):
            gone.add(_path(paged_url(new.first, number)))
    return render, gone


@dataclass(frozen=True, slots=True)
class ListView:
    """A family as `_Lists.of` gives it."""

    first: str  # its first page's URL
    paged: bool = False  # whether it is a list, paged by its members' ids
    ids: tuple[str, ...] = ()  # the members, in order
    shown: frozenset[str] = frozenset()  # members whose card may show something else now
    whole: object = None  # what every page shows of the list: when it differs, all change
    dirty: bool = False  # every page shows something that changed


def _paths(view: ListView, page_size: int) -> set[str]:
    return set(_ordered(view, page_size))


def _ordered(view: ListView, page_size: int) -> tuple[str, ...]:
    if not view.paged:
        return (_path(view.first),)
    count = len(page_ranges(view.ids, page_size))
    return tuple(_path(paged_url(view.first, number)) for number in range(1, count + 1))


def family_pages(index: SiteIndex, names: set[str], page_size: int) -> dict[str, tuple[str, ...]]:
    """Return the output paths of each of these families' pages, in the order the render
    makes them; a family the index makes no page of is left out."""
    lists = _Lists(index, set(), page_size)
    found = {}
    for name in sorted(names):
        view = lists.of(name, names)
        if view is not None:
            found[name] = _ordered(view, page_size)
    return found


def _ahead(number: int, count: int) -> int:
    """What page `number` of `count` knows of the pages after it (render.Pagination)."""
    return count - 1 if number == 1 else min(count - number, PAGES_AHEAD)


def _path(url: str) -> str:
    return url if url.endswith(".html") else f"{url}index.html"


_SINGLE = {"about": "about/", "search": "search/", "404": "404.html"}
_second = itemgetter(1)  # a list key's id, taken in C: lists of 100,000


class _Lists:
    """The lists of one site index, by family name."""

    def __init__(self, index: SiteIndex, changed: set[str], page_size: int) -> None:
        self.index = index
        self.changed = frozenset(changed)
        self.page_size = page_size
        self.ids = index.doctor_ids()
        self.by_id = {id_: who for who, id_ in self.ids.items()}
        self.slugs = index.group_slugs()
        self.labels = {k: {s: label for label, s in v.items()} for k, v in self.slugs.items()}
        # Doctors whose card may differ: they answered a changed question.
        self.touched = frozenset(
            self.ids[who]
            for qid in changed
            if (entry := index.entry(qid)) is not None
            for _, doctor in entry.answers
            if (who := doctor_key(doctor)) is not None
        )

    def of(self, name: str, families: set[str]) -> ListView | None:
        index = self.index
        kind, _, rest = name.partition(":")
        if name in _SINGLE:
            return ListView(_SINGLE[name])
        if kind == "q":
            return ListView(f"questions/{rest}/") if index.has(rest) else None
        if name == "home":
            return ListView("", True, tuple(map(_second, index.home)), self.changed)
        if name == "doctors":
            order = index.doctors_by_name()
            ids = tuple(id_ for id_, _ in order)
            letters: dict[str, int] = {}  # what every page links: a letter's first page
            for number, span in enumerate(page_ranges(ids, self.page_size), 1):
                for _, name in order[span.start : span.stop]:
                    letters.setdefault(initial(name), number)
            # The letters link in the order first seen: compared as pairs in order.
            return ListView("doctors/", True, ids, self.touched, tuple(letters.items()))
        if name in GROUP_KINDS:
            groups, slugs = index.groups[name], self.slugs[name]
            by_size = sorted(groups, key=lambda v: group_order(len(groups[v]), v, slugs[v]))
            ids = tuple(slugs[v] for v in by_size)
            # Each card shows its group's counts: those of the groups reached may differ.
            counts = frozenset(f.rpartition(":")[2] for f in families if f.startswith(f"g:{name}:"))
            return ListView(f"{name}/", True, ids, counts)
        if kind == "d":
            who = self.by_id.get(rest)
            if who is None:
                return None
            profile = index.profile(who)
            refs = tuple(f"{qid}#{number}" for qid, number in profile[6])
            shown = frozenset(r for r in refs if r.partition("#")[0] in self.changed)
            # Later pages show the profile's header, with the title of the question whose
            # copy gives the doctor's figures.
            dirty = profile[5][0] in self.changed
            return ListView(f"doctors/{rest}/", True, refs, shown, profile[:6], dirty)
        group_kind, _, slug = rest.partition(":")
        label = self.labels.get(group_kind, {}).get(slug)
        if label is None:
            return None
        if kind == "g":
            members = tuple(map(_second, index.groups[group_kind][label]))
            return ListView(f"{group_kind}/{slug}/", True, members, self.changed)
        if kind == "gd":
            named = index.group_doctors[group_kind].get(label, Counter())
            if len(named) <= DOCTOR_PREVIEW:
                return None
            ids = tuple(index.group_doctor_ids(group_kind, label))
            return ListView(f"{group_kind}/{slug}/doctors/", True, ids, self.touched)
        raise ValueError(f"no such family: {name}")
