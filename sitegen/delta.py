"""Delta builds: when the only change since the last finished build is seed files added, saved
again or removed (a few), render the pages their questions reach and nothing else
(docs/delta-builds.md).

A full build leaves a `State`: the site index, the related lists with what tells which of them a
question enters or leaves, every family's pages, the pages whose templates made site-wide
lookups, and the fingerprints of the inputs it saw. The next build takes the delta path only
when its look finds every input as that state saw it but for seeds; it parses them as any build
does, then takes the full path after all when the ingest did more than write and remove records
of published questions (a hidden one, or one that did not load, changes counts the state does
not keep), when a doctor id or group slug changes (a namesake, a clashing tag), a record is
changed by someone while it ran, or a template fails.

The promise, held by the incremental-equals-full property test run through both paths: a delta
build writes the bytes a full build would write, removes what it would remove, and leaves the
stores of the full path (page keys, families, related memo) as they were: each of their
entries is checked against the output file's size and mtime, so a page the delta rewrote is
rendered again by the next full build rather than trusted.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path

from sitegen import cache, snapshot
from sitegen.atomic import (
    atomic_file,
    mark_build_finished,
    write_atomic,
)
from sitegen.browse import URL_LOOKUPS
from sitegen.config import Config, Paths
from sitegen.delta_render import DeltaSite, Records
from sitegen.errors import Diagnostic, RecordError
from sitegen.filefacts import by_name, differing
from sitegen.ingest import Settled, records_shown
from sitegen.model import Question
from sitegen.pagekeys import PageKey
from sitegen.pages import breaks_among, long_lists_remembered, note_breaks
from sitegen.reach import SITE_WIDE, family_pages, pages_reached, reached, urls_changed
from sitegen.recordpack import Pack, write_pack
from sitegen.records import load_question
from sitegen.related_entry import Entries
from sitegen.related_lists import Features, features_of
from sitegen.render import DOCTOR_PREVIEW, Renderer
from sitegen.reports import BuildReport, IngestReport
from sitegen.search import index_site, remove_index, templates_digest
from sitegen.site import (
    Site,
    build_site,
    numbered_marks,
    title_groups,
    title_key,
    title_warnings,
)
from sitegen.siteindex import SiteIndex
from sitegen.sitemap import MAX_URLS, sitemap_files
from sitegen.timings import phase
from sitegen.writer import MANIFEST, Output, read_manifest, write_output

STATE_FILE = "delta.pickle"
# What a build checks before loading the state (1 s at 100,000 questions): the fingerprints
# of the inputs but seeds and of content/, and the manifest's stamp, as the state holds them.
HEAD_FILE = "delta-head.pickle"
JOURNAL_FILE = "delta-steps.pickle"  # the steps of the delta builds since, one pickle each
MAX_STEPS = 64  # then a delta build writes the state whole again: replaying costs ~3 ms a step
_MAGIC = "sitegen-delta-1"
PACK_FILE = "records.pack"  # the published questions, read one by one (recordpack.py)
ENABLED = True  # tests turn it off to hold the full path alone to the same outputs
# Pages making site-wide lookups are rendered by every delta build; past this many, or in a
# family a delta can add pages to, the state is not kept (the templates count the site).
MAX_LOOKUP_PAGES = 20
LOOKUP_FAMILIES = frozenset({*SITE_WIDE, "search", "404"})


@dataclass(slots=True)
class State:
    """What a delta build starts from: the site as the last full or delta build left it."""

    others: str  # fingerprint of templates, static, settings and code (snapshot.Look.others)
    content: str  # fingerprint of content/ as the build left it
    # content/ but the records' folder (snapshot.rest_print), and the records' folder, as the
    # build left them: a record changed by hand is told from them.
    content_rest: str
    record_files: snapshot.Listing
    seeds: snapshot.Listing  # the seeds folder as the build's look listed it
    index: SiteIndex
    entries: Entries  # every published question's related list, and what a new one enters
    marks: dict[str, str]  # shared-title marks, by id
    titles: dict[str, tuple[str, ...]]  # title key -> every loaded question's id, hidden too
    records: str  # the records' folder as diagnostics show it
    # Each title more than one question has: its warnings (`shared_titles`).
    warned: dict[str, list[Diagnostic]]
    # Every family's pages, in render order, but question pages' (questions/<id>/index.html).
    families: dict[str, tuple[str, ...]]
    lookups: dict[str, str]  # page -> its family, for pages that made site-wide lookups
    problems: tuple[Diagnostic, ...]  # what loading the records found wrong
    hidden: int  # questions loaded but not published (`hidden: true`)
    # The output manifest's (size, mtime) as the build left it: public/ is the build's.
    manifest: tuple[int, int] | None
    pack: str  # the version of the record pack written with the state (its records unchanged)
    settled: Settled  # what the ingest of the next build starts from
    # The page size, and the published questions that end a page (`pages.breaks_among`), as
    # the state was last written whole: the steps after add questions the pages hash anew.
    breaks: tuple[int, tuple[str, ...]]
    steps: int = 0  # delta builds since the state was written whole (see `Step`)
    # The questions a delta build changed or removed since the record pack was written: the
    # pack's copies are stale, so they are read from content/ (a removed id may come back).
    unpacked: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ListingEdit:
    """What changed of a folder's listing, by name: applied to it, the listing becomes the
    other (in the other's order, when the names in both are in the same order in each)."""

    gone: tuple[str, ...]
    renumbered: tuple[tuple[str, snapshot.Numbers], ...]
    inserted: tuple[tuple[int, str, snapshot.Numbers], ...]  # by place in the other, in order

    @classmethod
    def of(
        cls, before: snapshot.Listing, after: snapshot.Listing, names: AbstractSet[str]
    ) -> ListingEdit:
        """Return the edit of `before` into `after`, which differ in these names alone."""
        here = {name: at for at, name in enumerate(after[0]) if name in names}
        there = {name for name in before[0] if name in names}
        numbers = after[1]

        def five(at: int) -> snapshot.Numbers:
            return tuple(numbers[5 * at : 5 * at + 5])  # type: ignore[return-value]

        return cls(
            tuple(sorted(there.difference(here))),
            tuple((name, five(here[name])) for name in sorted(there.intersection(here))),
            tuple(sorted((at, name, five(at)) for name, at in here.items() if name not in there)),
        )

    def apply(self, listing: snapshot.Listing) -> None:
        names, numbers = listing
        for name in self.gone:
            at = names.index(name)
            del names[at], numbers[5 * at : 5 * at + 5]
        for name, five in self.renumbered:
            at = names.index(name)
            numbers[5 * at : 5 * at + 5] = array("q", five)
        # Each where the other listed it: the next delta build then finds the state's listing
        # in its look's, less the seeds added since (compared in C, see `seeds_differ`).
        for at, name, five in self.inserted:
            names.insert(at, name)
            numbers[5 * at : 5 * at] = array("q", five)


@dataclass(frozen=True, slots=True)
class Step:
    """What one delta build changed of the state, appended to a journal the next build
    replays: writing the state whole after each add took a second at 100,000 questions."""

    added: tuple[Question, ...]  # the new and rewritten records' questions, as loaded
    removed: tuple[str, ...]  # the questions taken out (removed, or rewritten: then added)
    families: dict[str, tuple[str, ...] | None]  # pages of each family reached; None: gone
    seeds: ListingEdit  # the seeds' folder as the look listed it, from the state's
    records: ListingEdit  # the records' folder as the build left it, from the state's
    content: str
    content_rest: str
    manifest: tuple[int, int] | None
    lookups: dict[str, str]  # pages whose render made a site-wide lookup for the first time
    settled: Settled  # what the delta build's ingest left

    def apply(self, state: State) -> None:
        """Bring the state to what it is after the delta build that made this step."""
        change_questions(state, self.removed, self.added)
        reshape(state, self.families)
        self.finish(state)

    def finish(self, state: State) -> None:
        """Everything `apply` does but what a delta build does as it goes (the questions, their
        titles and the families' pages)."""
        self.seeds.apply(state.seeds)
        self.records.apply(state.record_files)
        state.lookups.update(self.lookups)
        state.settled = self.settled
        state.content = self.content
        state.content_rest = self.content_rest
        state.manifest = self.manifest
        state.steps += 1


def retitle(state: State, removed: Iterable[str], added: Sequence[Question]) -> set[str]:
    """Note the titles of questions taken out of the index and of those added to it; return
    the published questions whose shared-title mark changed (a question sharing its title
    with a new one gets one; the last left of a title loses it)."""
    gone = set(removed)
    keys: set[str] = set()
    if gone:  # (a scan: about 10 ms over 100,000 titles)
        keys.update(key for key, ids in state.titles.items() if not gone.isdisjoint(ids))
        for key in keys:
            state.titles[key] = tuple(id_ for id_ in state.titles[key] if id_ not in gone)
    for question in added:
        key = title_key(question.title)
        keys.add(key)
        state.titles[key] = tuple(sorted((*state.titles.get(key, ()), question.id)))
    changed: set[str] = set()
    published = state.index.has
    for key in sorted(keys):
        ids = state.titles[key]
        if not ids:
            del state.titles[key]
        if len(ids) > 1:
            state.warned[key] = _warnings(state.records, ids)
        else:
            state.warned.pop(key, None)
        shown = [id_ for id_ in ids if published(id_)]
        marks = numbered_marks(shown)
        for id_ in shown:
            if state.marks.get(id_) != marks.get(id_):
                changed.add(id_)
                if id_ in marks:
                    state.marks[id_] = marks[id_]
                else:
                    state.marks.pop(id_, None)
    for id_ in gone:  # (one added again has its mark, made above)
        if not published(id_) and state.marks.pop(id_, None) is not None:
            changed.add(id_)
    return changed


def reshape(state: State, families: Mapping[str, tuple[str, ...] | None]) -> None:
    """Note the pages of the families a delta build reached (None: the family is gone)."""
    for name, pages in families.items():
        if pages is None:
            state.families.pop(name, None)
        else:
            state.families[name] = pages


def shared_titles(state: State) -> list[Diagnostic]:
    """Return the warnings of questions sharing a title, as the full build gives them
    (site.duplicate_titles): each title's kept, as a delta build repeats them all (20,000
    at 100,000 questions of the bench's corpus, 0.12 s to make)."""
    return sorted(chain.from_iterable(state.warned.values()), key=attrgetter("path"))


def _warnings(records: str, ids: tuple[str, ...]) -> list[Diagnostic]:
    return title_warnings([[f"{records}{id_}.yaml" for id_ in ids]])


def change_questions(
    state: State, removed: Sequence[str], loaded: Sequence[Question]
) -> tuple[set[str], set[str]]:
    """Take the `removed` questions (published or hidden) out of the index, the related lists
    and the titles, then add the `loaded` ones (new, or rewritten: removed first). Return the
    questions whose related list changed or held a removed one, and those whose shared-title
    mark changed."""
    related: set[str] = set()
    for qid in removed:
        if state.index.has(qid):
            state.index.remove(qid)
            related.update(state.entries.remove(qid))
        else:
            state.hidden -= 1
    published = build_site(list(loaded)).questions
    state.hidden += len(loaded) - len(published)
    for question in published:
        state.index.add(question)
    for question in published:
        related.update(state.entries.add(question.id, features_of(question)))
    marked = retitle(state, removed, loaded)
    state.unpacked.update(removed)
    return related, marked


def forget(cache_dir: Path, *, pack: bool = True) -> None:
    """Remove the stored state (before a full build changes anything). `pack=False`: the
    record pack stays, for the state the full build stores to copy from (`keep`); no state
    reads it before then, and a state reads only the pack written for it (`Pack`)."""
    for name in (HEAD_FILE, STATE_FILE, JOURNAL_FILE, *([PACK_FILE] if pack else [])):
        (cache_dir / name).unlink(missing_ok=True)


def save(cache_dir: Path, version: str, state: State) -> None:
    """Write the state atomically, pickled straight to the file (at 100,000 questions its
    bytes, compressed as the other caches are, would add 200 MB to the build's peak), in
    parts: the pickler remembers each object it wrote, 40 bytes apiece, so the index, its
    entries and the related lists, which share their strings within, each have their own
    memo, and the rest, whose objects appear once, none (one memo over all set the cold
    build's peak: 80 MB). The entries go after their length: a load keeps them unread."""
    (cache_dir / JOURNAL_FILE).unlink(missing_ok=True)
    state.steps = 0
    size = state.breaks[0]
    state.breaks = (size, breaks_among(map(_second, state.index.home), size))
    fields = {f: getattr(state, f) for f in State.__dataclass_fields__}
    index, entries = fields.pop("index"), fields.pop("entries")
    with atomic_file(cache_dir / STATE_FILE) as file:
        pickler = pickle.Pickler(file, pickle.HIGHEST_PROTOCOL)
        pickler.fast = True
        pickler.dump((_MAGIC, version, fields))
        pickler.fast = False
        pickler.dump(index.without_entries())
        pickler.clear_memo()
        at = file.tell()
        file.write(bytes(_LENGTH))
        pickler.dump(index.entry_rows())
        pickler.clear_memo()
        end = file.tell()
        file.seek(at)
        file.write((end - at - _LENGTH).to_bytes(_LENGTH, "big"))
        file.seek(end)
        pickler.dump(entries)
    _save_head(cache_dir, version, state)


_LENGTH = 8  # bytes of the length written before the index's entries
_second = itemgetter(1)  # a list key's id


def _load_state(data: bytes, version: str) -> State | None:
    """Return the state `save` wrote in `data`, or None when it is another code's."""
    parts = io.BytesIO(data)
    magic, stored_version, fields = pickle.load(parts)
    if magic != _MAGIC or stored_version != version:
        return None
    index = pickle.load(parts)
    length = int.from_bytes(parts.read(_LENGTH), "big")
    at = parts.tell()
    index.stored_apart(functools.partial(pickle.loads, data[at : at + length]))
    parts.seek(at + length)
    state = State(**fields, index=index, entries=pickle.load(parts))
    size, breaks = state.breaks
    note_breaks(map(_second, state.index.home), breaks, size)
    return state


def _save_head(cache_dir: Path, version: str, state: State) -> None:
    head = (_MAGIC, version, state.others, state.content, state.manifest)
    write_atomic(cache_dir / HEAD_FILE, pickle.dumps(head, pickle.HIGHEST_PROTOCOL))


def load(
    cache_dir: Path,
    version: str,
    look: snapshot.Look,
    output: Path,
    seeds_now: snapshot.Listing | None,
) -> State | None:
    """Return the stored state, or None when there is none from this code, or when the
    inputs but seeds and content/ or the output differ from what it saw: told by its head
    alone (loading the state takes a second at 100,000 questions)."""
    try:
        head = pickle.loads((cache_dir / HEAD_FILE).read_bytes())
    except Exception:  # any damage at all means: no state
        return None
    if not isinstance(head, tuple) or len(head) != 5:
        return None
    if head[:3] != (_MAGIC, version, look.others) or head[4] != manifest_stamp(output):
        return None
    if seeds_now is None:
        return None
    try:
        state = _load_state((cache_dir / STATE_FILE).read_bytes(), version)
    except Exception:  # any damage at all means: no state
        return None
    if state is None:
        return None
    try:
        journal = (cache_dir / JOURNAL_FILE).read_bytes()
    except FileNotFoundError:
        journal = b""
    steps = io.BytesIO(journal)
    while steps.tell() < len(journal):
        try:
            token, step = pickle.load(steps)
        except Exception:  # a damaged journal: the state it continues is unknown
            return None
        if token != state.pack or not isinstance(step, Step):
            return None
        step.apply(state)
    return state


def note_step(cache_dir: Path, version: str, state: State, step: Step) -> None:
    """Store what a delta build changed: a step appended to the journal, or, every
    MAX_STEPS steps, the whole state. A build killed while it appends leaves its mark, and
    the next build takes the full path, which removes both."""
    if state.steps >= MAX_STEPS:
        try:
            save(cache_dir, version, state)
        except Exception:  # damage in the index's entries, read only now, or a full disk:
            forget(cache_dir)  # the next build takes the full path (save removed the journal)
        return
    with open(cache_dir / JOURNAL_FILE, "ab") as journal:
        journal.write(pickle.dumps((state.pack, step), pickle.HIGHEST_PROTOCOL))
    _save_head(cache_dir, version, state)


def keep(
    cache_dir: Path,
    version: str,
    state: State,
    questions: Sequence[Question],
    digests: Mapping[str, str],
) -> None:
    """Store the state a full build made, and a pack of its published questions' records
    (content/ is as the state saw it whenever a delta build starts from it)."""
    published = state.index.entries
    entries = {q.id: (digests[q.id], q) for q in questions if q.id in published}
    if len(entries) != len(published):
        (cache_dir / PACK_FILE).unlink(missing_ok=True)  # (the state reads the records)
    else:
        with phase("write the delta state's record pack"):
            # The last pack's questions, when the same code wrote it, are as good as new.
            write_pack(cache_dir / PACK_FILE, state.pack, entries, reuse=f"{state.others}:")
    with phase("write the delta state"):
        save(cache_dir, version, state)


def state_of(
    site: Site,
    questions: Sequence[Question],
    renderer: Renderer,
    families: dict[str, tuple[bytes, tuple[str, ...]]],
    lookups: dict[str, str] | None,
    problems: tuple[Diagnostic, ...],
    look: snapshot.Look,
    content: str,
    content_files: snapshot.Listings,
    paths: Paths,
    seeds: snapshot.Listing,
    settled: Settled,
    records: str,
) -> State | None:
    """Return the state a full build leaves for a delta build, or None when no delta build
    could start from it (a related list not ranked, too many pages with site-wide lookups:
    `lookups` is None, see `lookup_pages`)."""
    noted, lists = renderer.related.memo()
    features: dict[str, Features] = renderer.related.features
    if any(q.id not in lists for q in site.questions):
        return None
    if lookups is None:
        return None
    folder = paths.content / "questions"
    index = SiteIndex.of(site)
    index.doctors_by_name()  # every doctor's summary, kept with the index: a delta needs them all
    titles = _titles(questions)
    return State(
        others=look.others,
        content=content,
        content_rest=snapshot.rest_print(content_files, str(paths.content), str(folder)),
        record_files=content_files.get(str(folder), snapshot.NO_FILES),
        seeds=seeds,
        index=index,
        entries=Entries(
            features,
            {q.id: lists[q.id] for q in site.questions},
            {q.id: noted[q.id][1] for q in site.questions},  # as the related memo stores them
        ),
        marks=dict(renderer.title_marks),
        titles=titles,
        records=records,
        warned={key: _warnings(records, ids) for key, ids in titles.items() if len(ids) > 1},
        families={n: pages for n, (_, pages) in families.items() if not n.startswith("q:")},
        lookups=lookups,
        problems=problems,
        hidden=len(questions) - len(site.questions),
        manifest=manifest_stamp(renderer.out_dir),
        pack=f"{look.others}:{content}",
        settled=settled,
        breaks=(renderer.config.page_size, ()),  # found as `save` writes it
    )


def manifest_stamp(out_dir: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(out_dir / MANIFEST)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _titles(questions: Sequence[Question]) -> dict[str, tuple[str, ...]]:
    groups = title_groups(questions)
    return {key: tuple(sorted(q.id for q in group)) for key, group in groups.items()}


def lookup_pages(
    keys: dict[str, PageKey], families: dict[str, tuple[bytes, tuple[str, ...]]]
) -> dict[str, str] | None:
    """Return the pages whose last render made a site-wide lookup other than a URL, with
    their families, or None when a delta could not re-render them all."""
    found = {
        path
        for path, key in keys.items()
        if any(label != "browse" or name not in URL_LOOKUPS for label, name, _, _ in key.lookups)
    }
    if len(found) > MAX_LOOKUP_PAGES:
        return None
    owners = {p: name for name, (_, pages) in families.items() for p in pages if p in found}
    if owners.keys() != found or not LOOKUP_FAMILIES.issuperset(owners.values()):
        return None
    return owners


@dataclass(frozen=True, slots=True)
class Changes:
    """The seed files added, saved again and removed since the state (a non-seed file in the
    folder counts too: the ingest ignores it, with a word), and the records' folder's files
    added, changed or removed by someone else."""

    added: frozenset[str]
    changed: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    records: frozenset[str] = frozenset()

    @property
    def only_added(self) -> bool:
        return not (self.changed or self.removed or self.records)


def changes_since(
    state: State, look: snapshot.Look, listings: snapshot.Listings, paths: Paths
) -> Changes | None:
    """Return what changed of the seeds and the records since the state, by the look's
    listings, or None when anything else changed too, or nothing, or more than `MAX_CHANGED`
    seeds changed or removed and records changed."""
    # (`load` compared the rest of the inputs and the manifest's stamp, by the state's head.)
    seeds_now = listings.get(str(paths.seeds))
    if seeds_now is None or state.manifest is None:
        return None  # no manifest then: the full path checks every page
    added, changed, removed = seeds_differ(state, seeds_now)
    records: frozenset[str] = frozenset()
    if look.content != state.content:
        content, folder = str(paths.content), str(paths.content / "questions")
        if snapshot.rest_print(listings, content, folder) != state.content_rest:
            return None
        records = frozenset(differing(state.record_files, listings.get(folder, snapshot.NO_FILES)))
        if not records:
            return None  # (a folder's numbers alone: a file made and removed since, say)
    if not (added or changed or removed or records):
        return None
    if len(changed) + len(removed) + len(records) > MAX_CHANGED:
        return None
    return Changes(added, changed, removed, records)


def seeds_differ(
    state: State, seeds_now: snapshot.Listing
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Return the seed files added, changed and removed since the state."""
    # The usual case, in C: the state's names are the listing's less a few, where the look
    # listed them, and the numbers of the rest are the state's.
    names, numbers = seeds_now
    places = snapshot.added_alone(names, state.seeds[0], _FEW_ADDED)
    if places is not None and _without(numbers, places) == state.seeds[1]:
        return frozenset(names[at] for at in places), frozenset(), frozenset()
    was, now = by_name(state.seeds), by_name(seeds_now)  # (listed in another order, say)
    differ = {name for name, _ in was.items() ^ now.items()}
    added = frozenset(differ.difference(was))
    removed = frozenset(differ.difference(now))
    return added, frozenset(differ - added - removed), removed


_FEW_ADDED = 32
# Seeds changed or removed and records changed that a delta build takes on (each reaches its
# lists' pages and the related lists that held it); more take the full path.
MAX_CHANGED = 32


def _without(numbers: array[int], places: Sequence[int]) -> array[int]:
    """Return a listing's numbers with those of the names at these places (few) taken out."""
    kept = numbers[:]
    for at in reversed(places):
        del kept[5 * at : 5 * at + 5]
    return kept


@dataclass(frozen=True, slots=True)
class Context:
    """What the build hands a delta: its inputs and what it saw and did so far."""

    paths: Paths
    config: Config
    version: str
    cache_dir: Path
    look: snapshot.Look
    seeds: snapshot.Listing  # the seeds folder as the look listed it
    changes: Changes  # the seed files and records the state has not seen as they are
    records: snapshot.Listing  # the records folder as the look listed it, before the ingest
    settled: Settled  # what the ingest, started from the state's, leaves the next


def run(
    state: State,
    context: Context,
    report: IngestReport,
    pages_written: Callable[[Sequence[Diagnostic]], None] | None,
) -> BuildReport | None:
    """Build the site from the state and the records the ingest just wrote and removed, or
    return None, having written no page, when only the full path can build it."""
    with long_lists_remembered():
        return _run(state, context, report, pages_written)


def _run(
    state: State,
    context: Context,
    report: IngestReport,
    pages_written: Callable[[Sequence[Diagnostic]], None] | None,
) -> BuildReport | None:
    paths, config = context.paths, context.config
    folder = paths.content / "questions"
    if state.records != records_shown(paths.content, paths.root):
        return None  # the state's warnings name records elsewhere (the project moved)
    made = _changes(state, context, report)
    if made is None:
        return None
    loaded, removed = made
    # What the next look must find of content/, walked before the new records are read back:
    # the records as the look listed them (one changed since shows to the next look: that
    # build runs), but those the ingest wrote or removed. Any other name added or gone since
    # is someone else's.
    ours = {where.rpartition("/")[2] for where in report.written}
    unlinked = {where.rpartition("/")[2] for where in report.removed}
    listings: snapshot.Listings = {}
    known = {str(folder): _listing_without(context.records, ours | unlinked)}
    printed = snapshot.dir_print(paths.content, listings, known)
    content = snapshot.combine([printed]), printed[1]
    names = listings.get(str(folder), snapshot.NO_FILES)[0]
    if set(names) != ours.union(context.records[0]).difference(unlinked):
        return None  # a record added or removed by someone else since the look
    if not _read_back(folder, report):
        return None  # or since the ingest wrote it
    with phase("delta: change the questions, find the pages they reach"):
        before = state.index.before_changing(loaded, filter(state.index.has, removed))
        after = state.index
        related, marked = change_questions(state, removed, loaded)
        if urls_changed(before, after):
            return None
        changed = {q.id for q in loaded}.union(removed)
        families = reached(before, after, changed, related - changed, marked - changed)
        pages, gone = pages_reached(before, after, families, changed, config.page_size)
        families.update(state.lookups.values())
        pages.update(state.lookups)
        if not config.search:
            families.discard("search")
    with phase("delta: render the pages reached"):
        pack = Pack(context.cache_dir / PACK_FILE, state.pack)
        site = DeltaSite(after, Records(folder, pack, stale=state.unpacked))
        compiled = cache.compiled_dir(context.cache_dir, context.version)
        renderer = site.renderer(
            paths.templates, config, state.entries.lists, state.marks, paths.output, compiled
        )
        # A page may make site-wide lookups for the first time (a new list page, or data its
        # template tests): noted, it is rendered by every delta build after this one too.
        renderer.watched = set()
        try:
            rendered = site.render_pages(renderer, families, pages)
        except Exception:  # the full path renders again, and reports it as it should
            return None
        finally:
            pack.close()
    with phase("delta: write them, the sitemap and the manifest"):
        now = family_pages(after, families, config.page_size)
        reshaped = {n: now.get(n) for n in sorted(families) if not n.startswith("q:")}
        reshape(state, reshaped)
        sitemap = dict(sitemap_files(_sitemap_urls(site, state.families), config.base_url))
        out = paths.output
        manifest = read_manifest(out)
        # Every file the last build made and this one keeps as it is, then what it made anew: the
        # pages gone and the sitemap parts no more are removed with the files no build makes.
        output = Output()
        for path, data in sorted({**rendered, **sitemap}.items()):
            output.add(path, data)
        kept = manifest - gone - output.files.keys()
        # The sitemap's parts the last build wrote: at most one per MAX_URLS of its files.
        kept -= {f"sitemap-{n}.xml" for n in range(1, len(manifest) // MAX_URLS + 2)}
        wrote = write_output(output, out, manifest, kept)
    files = output.files.keys() | kept
    changed_files = wrote.changed
    shared = shared_titles(state)
    diagnostics = (*report.diagnostics, *state.problems, *shared)
    if pages_written is not None and changed_files:
        pages_written(diagnostics)
    if config.search:
        templates = templates_digest(renderer.template_sources("question.html"))
        with phase("search index"):
            search = index_site(out, changed_files, config.search_shard_size, templates, files)
    else:
        search = None
        remove_index(out)
    seeds = context.changes
    step = Step(
        added=tuple(loaded),
        removed=tuple(removed),
        families=reshaped,
        seeds=ListingEdit.of(
            state.seeds, context.seeds, seeds.added | seeds.changed | seeds.removed
        ),
        records=ListingEdit.of(
            state.record_files, listings[str(folder)], ours | unlinked | seeds.records
        ),
        content=content[0],
        content_rest=snapshot.rest_print(listings, str(paths.content), str(folder)),
        manifest=manifest_stamp(out),
        lookups={p: site.family_of[p] for p in sorted(renderer.watched) if p not in state.lookups},
        settled=context.settled,
    )
    step.finish(state)
    page_count = sum(map(len, state.families.values())) + len(after.home)  # questions' too
    files_made = page_count + len(sitemap) + 1  # and robots.txt
    writes = replace(wrote, unchanged=len(files) - wrote.written)
    result = BuildReport(
        ingest=report,
        diagnostics=diagnostics,
        questions=len(after.home),
        pages=files_made,
        written=writes,
        hidden=state.hidden,
        search=search,
        delta=True,
    )
    # As the full path: nothing is noted of inputs that could change unseen within a clock tick.
    settled = snapshot.settled(context.look.newest, content[1])
    if settled and len(state.lookups) <= MAX_LOOKUP_PAGES:
        # Appended before the mark goes: a build killed while it appends leaves the mark,
        # and the next build takes the full path, which removes the journal.
        note_step(context.cache_dir, context.version, state, step)
    else:
        forget(context.cache_dir)  # inputs unsettled, or too many pages to render each time
    mark_build_finished(context.cache_dir)  # as the full path: before the snapshot
    if settled:
        ingested = replace(report, fresh={}, written=[], removed=[], written_facts={})
        unwritten = replace(writes, changed=())
        stored = replace(result, ingest=ingested, written=unwritten, delta=False)
        snapshot.store(context.cache_dir, context.look.inputs + content[0], context.version, stored)
    return result


def _changes(
    state: State, context: Context, report: IngestReport
) -> tuple[list[Question], list[str]] | None:
    """Return the questions of the records the ingest wrote (new, or rewritten) and of those
    changed by someone else, and the questions taken out (removed, or rewritten or changed:
    then added again), or None when the ingest did more than write and remove records, or a
    record does not load, or did not when the state was made (the full path tells why)."""
    if len(report.written) != len(report.fresh):
        return None
    written = {where.rpartition("/")[2].removesuffix(".yaml") for where in report.written}
    if written != report.fresh.keys():
        return None
    taken = {where.rpartition("/")[2].removesuffix(".yaml") for where in report.removed}
    hand = {
        name.removesuffix(".yaml") for name in context.changes.records if name.endswith(".yaml")
    }
    hand -= written | taken
    was = set(state.record_files[0]) if written or hand else set()
    there = taken.union(qid for qid in written | hand if f"{qid}.yaml" in was)
    if state.problems:
        failed = {problem.path for problem in state.problems}
        if any(f"{state.records}{qid}.yaml" in failed for qid in there | hand):
            return None
    # Taken out: the questions the state loaded, published or hidden (a hidden one has a
    # title); not a file that never loaded (a record put back after its seed was deleted,
    # which the ingest removes again, or an editor's lock file).
    removed = set(filter(state.index.has, there))
    if there - removed:
        removed.update(id_ for ids in state.titles.values() for id_ in ids if id_ in there)
    loaded = [report.fresh[qid] for qid in sorted(written)]
    folder = context.paths.content / "questions"
    for qid in sorted(hand):
        path = folder / f"{qid}.yaml"
        try:
            question = load_question(path.read_text("utf-8"), f"{state.records}{qid}.yaml")
        except FileNotFoundError:
            continue  # (removed: taken out)
        except (OSError, UnicodeDecodeError, RecordError):
            return None
        if question.id != qid:
            return None
        loaded.append(question)
    return sorted(loaded, key=attrgetter("id")), sorted(removed)


def _listing_without(listing: snapshot.Listing, drop: set[str]) -> snapshot.Listing:
    """Return a listing less these names (few)."""
    names = listing[0]
    if drop.isdisjoint(names):
        return listing
    places = [at for at, name in enumerate(names) if name in drop]
    kept = list(names)
    for at in reversed(places):
        del kept[at]
    return kept, _without(listing[1], places)


def _read_back(folder: Path, report: IngestReport) -> bool:
    """Return whether each record the ingest wrote holds the bytes it wrote (else a person
    edited it since: the full path loads it as it is now)."""
    for qid, made in sorted(report.written_facts.items()):
        try:
            with open(f"{folder}/{qid}.yaml", "rb") as record:
                if cache.key(record.read()) != made[3]:
                    return False
        except OSError:
            return False
    return True


def _sitemap_urls(site: DeltaSite, families: dict[str, tuple[str, ...]]) -> list[str]:
    """Return every page's URL in the order the full build's render makes them."""
    browse = site.browse
    urls = [path.removesuffix("index.html") for path in families.get("home", ())]
    urls += (f"questions/{qid}/" for _, qid in site.index.home)
    order = ["doctors", *(f"d:{id_}" for id_, _ in site.index.doctors_by_name())]
    for kind, groups in browse.group_kinds:
        order.append(kind)
        named = site.index.group_doctors.get(kind, {})
        for group in groups:
            order.append(f"g:{kind}:{group.slug}")
            if kind != "topics" and len(named.get(group.label, ())) > DOCTOR_PREVIEW:
                order.append(f"gd:{kind}:{group.slug}")
    order += ("about", "search")
    urls += (path.removesuffix("index.html") for name in order for path in families.get(name, ()))
    return urls
