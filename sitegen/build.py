"""The build, top to bottom: seeds -> records -> site -> pages -> output directory.

Every stage collects problems instead of stopping: one bad seed or record is reported and left
out, and the rest of the site still builds. The caller decides the exit code from the report.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import shutil
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2

from sitegen import browse_digests, delta, snapshot
from sitegen import cache as cache_files
from sitegen.atomic import (
    build_unfinished,
    mark_build_finished,
    mark_build_started,
    write_if_changed,
)
from sitegen.browse import URL_LOOKUPS
from sitegen.cache import CACHE_DIR, compiled_dir
from sitegen.config import Config, Paths
from sitegen.errors import Diagnostic, SitegenError
from sitegen.families import FAMILIES_DIR, Families, Family
from sitegen.filefacts import FolderFacts
from sitegen.ingest import (
    FACTS_VERSION,
    RECORDS,
    Settled,
    changed_by_others,
    ingest,
    load_records,
    records_shown,
)
from sitegen.model import Question
from sitegen.pagekeys import KEYS_DIR, Digests, PageKey, PageKeys
from sitegen.parallel import run_forked, workers
from sitegen.related_lists import load_memo, save_memo
from sitegen.render import NOT_MINE, Renderer, make_environment
from sitegen.reports import BuildReport, IngestReport, Progress, WriteReport
from sitegen.search import index_site, remove_index, templates_digest
from sitegen.site import build_site, duplicate_titles
from sitegen.timings import phase
from sitegen.version import code_version
from sitegen.writer import Output, write_output


class TemplateError(SitegenError):
    """A template that does not compile or render."""


def template_error(exc: Exception) -> TemplateError | None:
    """Return the error a template raised while it rendered, naming the template file and
    line: a syntax error knows them; for any other error they are the innermost template frame
    of its traceback. When the error came from Python code a template called (a filter, a URL
    lookup given an unknown topic), that code's file and line are named too: the template's
    call may be at fault, or sitegen. None when no template was involved: a bug of ours,
    to be shown as one."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}")
    frames = traceback.extract_tb(exc.__traceback__)
    templates = [f for f in frames if f.filename.endswith(".html")]
    if not templates:
        return (
            TemplateError(f"template error: {exc}")
            if isinstance(exc, jinja2.TemplateError)
            else None
        )
    if isinstance(exc, jinja2.TemplateError):
        message = exc.message or str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}"
        inner = frames[-1]
        if inner is not templates[-1]:
            message += f" (raised in {inner.filename}:{inner.lineno}, {inner.name})"
    return TemplateError(f"{templates[-1].filename}:{templates[-1].lineno}: {message}")


@contextlib.contextmanager
def _template_errors() -> Iterator[None]:
    """Raise what goes wrong in a template as a TemplateError naming it (see template_error);
    anything else as it is."""
    try:
        yield
    except Exception as exc:
        failure = template_error(exc)
        if failure is None:
            raise
        raise failure from None


def build(
    paths: Paths,
    config: Config,
    *,
    force: bool = False,
    progress: Progress | None = None,
    cache: bool = True,
    looked: snapshot.Look | None = None,
    pages_written: Callable[[Sequence[Diagnostic]], None] | None = None,
    left: list[object] | None = None,
    ingest_reports: list[IngestReport] | None = None,
) -> BuildReport:
    """Parse new seeds, load every record, render every page and write what changed.
    `looked` is what `snapshot.look` saw of the inputs just before, if the caller looked.
    `pages_written` is called with the build's diagnostics once every page is written, before
    the search index is made, when a file was written or removed (the dev server reloads the
    open tabs then, showing the errors: the index can take a minute). `left`: a list to put
    the build's records, pages' keys and indexes in, instead of freeing them, for a process
    that exits right after (see cli.run).
    `ingest_reports`: a list to put the report of the records the build wrote and removed in, as
    soon as it has (a build that fails later has changed them all the same: the dev server
    must not take their events for a person's edits)."""
    with _collector_paused(exiting=left is not None) as rendering:
        return _build(
            paths,
            config,
            force,
            progress,
            cache,
            looked,
            rendering,
            pages_written,
            left,
            ingest_reports,
        )


@contextlib.contextmanager
def _collector_paused(exiting: bool = False) -> Iterator[Callable[[], None]]:
    """Pause the cyclic garbage collector while records load and the site is assembled, and
    put it back as it was after the build. Loading 100,000 questions makes it walk the whole
    growing heap again and again (a third of the time of those phases). The function this
    yields turns it back on for the render, which leaves cyclic garbage behind, with what is
    loaded so far frozen: never scanned again, and forked render workers never write to its
    pages for the collector's sake. A caller that froze objects itself keeps them frozen.
    `exiting`: the process ends right after the build: what it loaded stays frozen (else the
    first collection after the build walks every object it left: 0.6 s of a delta build's 4 s
    at 100,000 questions)."""
    enabled = gc.isenabled()
    ours = gc.get_freeze_count() == 0  # else the caller froze objects: leave freezing alone

    def rendering() -> None:
        if ours:
            gc.freeze()
        gc.enable()

    gc.disable()
    try:
        yield rendering
    finally:
        if exiting:
            gc.freeze()
        elif ours:
            gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()


def _build(
    paths: Paths,
    config: Config,
    force: bool,
    progress: Progress | None,
    cache: bool,
    looked: snapshot.Look | None,
    rendering: Callable[[], None],
    pages_written: Callable[[Sequence[Diagnostic]], None] | None,
    left: list[object] | None,
    ingest_reports: list[IngestReport] | None,
) -> BuildReport:
    version = code_version()
    cache_dir = paths.root / CACHE_DIR if cache else None
    seen: snapshot.Listings | None = None  # what the look listed: seeds' and records' numbers
    if cache_dir is not None:
        if looked is None:
            with phase("look for changed inputs"):
                looked = snapshot.look(paths, config, version, cache_dir)
        if looked.unchanged is not None and not force:
            return looked.unchanged
        if looked.walked is not None:  # now, before any fork: a forked child holds its pipes
            seen = looked.walked.take()
        if seen is None:  # --force after a look that found nothing changed (and kept no listing)
            folders = [paths.seeds, paths.content / "questions"]
            seen = snapshot.dir_prints(folders, listed=True)[1].take()
        snapshot.forget(cache_dir)
    elif looked is not None and looked.walked is not None:
        looked.walked.close()
    records_dir = str(paths.content / "questions")
    seeds_listing = seen.get(str(paths.seeds)) if seen is not None else None
    state, changes = None, None
    if (
        cache_dir is not None
        and delta.ENABLED
        and not force
        and looked is not None
        and not build_unfinished(cache_dir)  # then the full path runs: load no state for it
    ):
        with phase("load the state of the last build"):
            state = delta.load(cache_dir, version, looked, paths.output, seeds_listing)
        if state is not None and seen is not None:
            changes = delta.changes_since(state, looked, seen, paths)
    # The mark lives in the cache dir so it survives a person deleting public/.
    unfinished = mark_build_started(
        paths.root / CACHE_DIR, paths.output, paths.content, paths.root / CACHE_DIR
    )
    facts = None
    if cache_dir is not None:
        facts = FolderFacts(cache_dir / FACTS_DIR, FACTS_VERSION)
        for retired in RETIRED_CACHE_FILES:
            (cache_dir / retired).unlink(missing_ok=True)
        for retired in RETIRED_CACHE_DIRS:
            shutil.rmtree(cache_dir / retired, ignore_errors=True)
    # A delta build of seeds added alone starts its ingest from the state's: it looks at them
    # and the seeds not up to date alone (the rest are as the state saw them, as content/ is).
    # Seeds changed or removed, or records changed by hand, need the records' facts: that
    # ingest looks at every seed (1.2 to 2.5 s at 100,000; docs/delta-builds.md).
    if unfinished:  # the last build was killed: the full path completes the site
        state, changes = None, None
    start = None
    if state is not None and changes is not None and changes.only_added:
        start = (state.settled, changes.added)
    settled: list[Settled] = []
    with phase("parse seeds into records"):
        report = ingest(
            paths.seeds,
            paths.content,
            paths.root,
            force=force,
            progress=progress,
            facts=facts if start is None else None,
            listings=seen,
            start=start,
            settled=settled if cache_dir is not None and delta.ENABLED else None,
        )
        # What the look listed of the records, to tell those changed since (below); the rest
        # (10 MB at 100,000 files) is not held through the build.
        looked_records = seen.get(records_dir, snapshot.NO_FILES) if seen is not None else None
        seen = None
        if ingest_reports is not None:
            ingest_reports.append(report)
    if state is not None and changes is not None and looked is not None and settled:
        assert cache_dir is not None and looked_records is not None and seeds_listing is not None
        context = delta.Context(
            paths,
            config,
            version,
            cache_dir,
            looked,
            seeds_listing,
            changes,
            looked_records,
            settled[0],
        )
        with phase("render what the new seeds reach"):
            made = delta.run(state, context, report, pages_written)
        if made is not None:  # (it cleared the build's mark)
            if left is not None:  # freeing the state's millions of objects takes 0.5 s at 100k
                left.append(state)
            return made
    if cache_dir is not None:
        # The full path runs: it stores the state anew, or none (then the pack goes too).
        delta.forget(cache_dir, pack=False)
    if start is not None and facts is not None and looked_records is not None:
        # The started ingest read no record facts: taken now, the load reads only the records
        # changed since they were noted (else it reads all, and keeps only the new ones' facts).
        facts.unchanged(RECORDS, looked_records)
    state = None
    with phase("load records"):
        content_read: tuple[str, int] | None = None
        loaded_records: snapshot.Listing | None = None
        content_files: snapshot.Listings = {}  # content/ as walked: the state keeps it
        if cache_dir is not None:
            # What the next build's look must find of content/, and each record's numbers
            # as load_records takes it: one walk, before any record is read.
            prints, walked = snapshot.dir_prints([paths.content], listed=True)
            content_read = snapshot.combine(prints), prints[0][1]
            content_files = walked.take()
            loaded_records = content_files.get(records_dir, snapshot.NO_FILES)
        record_digests: dict[str, str] = {}
        rewritten: list[str] = []  # records this build wrote that hold other bytes by the load
        questions, problems = load_records(
            paths.content,
            paths.root,
            report.fresh,
            cache_dir,
            facts,
            record_digests,
            report.written_facts,
            loaded_records,
            rewritten,
        )
        # A record changed between the look and this load, but not by this build, may have
        # been decided on (kept, regenerated or left) as it was before: the content this build
        # stores for the next look holds the change, so that build would be skipped.
        raced = (
            looked_records is None
            or loaded_records is None
            or bool(rewritten)
            or changed_by_others(looked_records, loaded_records, report)
        )
        looked_records = loaded_records = None
        if facts is not None:
            facts.save()
    with phase("assemble the site"):
        records = records_shown(paths.content, paths.root)
        shared = duplicate_titles(questions, lambda q: f"{records}{q.id}.yaml")
        diagnostics = [*report.diagnostics, *problems, *shared]
        site = build_site(questions)
        keys = PageKeys(cache_dir / KEYS_DIR if cache_dir else None, version, {})
        for question in questions:
            if question.id in record_digests:
                keys.digests.known(question, record_digests[question.id])
        memo, noted = load_memo(cache_dir, version)
        families = Families(
            cache_dir / FAMILIES_DIR if cache_dir else None, version, trust=not unfinished
        )
        renderer = Renderer(
            make_environment(paths.templates, compiled_dir(cache_dir, version)),
            config,
            site,
            keys,
            paths.output,
            memo,
            families,
            record_digests,
        )
        if cache_dir is not None and not unfinished:
            stored = cache_files.load(cache_dir / URL_MAPS_FILE, version).get("maps")
            if _kept_answers(stored, renderer.browse.url_maps()):
                keys.settled = URL_LOOKUPS  # every URL a page looked up is as it was
        if browse_digests.valid(noted):
            unsure = renderer.related.changed_questions()
            if unsure is not None:
                browse_digests.reuse(renderer.browse, noted, unsure, keys.digests)
        # Here, not in each render process: every process's pages need most of them.
        renderer.digest_browse()
    rendered_with = None  # the page templates' keys when they last rendered a whole site
    if cache_dir is not None and not unfinished:
        rendered_with = cache_files.load(cache_dir / TEMPLATES_FILE, version).get("keys")
    with _template_errors():
        template_keys = renderer.template_keys()
        renderer.preflight(render=template_keys is None or template_keys != rendered_with)
    rendering()
    processes = workers() if len(site.questions) >= PARALLEL_PAGES else 1
    # More shares than processes at large sizes: a process's memory grows with the pages it
    # renders (page keys, digests), and each share's process ends before the next.
    per_process = -(-len(site.questions) // SHARE_QUESTIONS) if processes > 1 else 1
    if per_process > 1:
        with phase("prepare the render shares"):
            renderer.prepare_shares()
    with phase("render and write pages"):
        share = functools.partial(_render_share, renderer, paths.output)
        shares = run_forked(share, processes * per_process, processes)
    output = Output()
    prewritten: list[str] = []  # pages the render processes wrote themselves
    preunchanged = 0
    for share_files, share_keys, share_related, share_written, share_unchanged, found in shares:
        renderer.related.computed.update(share_related)
        families.merge(*found)
        for path, data in share_files:
            output.add(path, data)
        keys.current.update(share_keys)
        keys.keep_unchanged(share_files)
        prewritten += share_written
        preunchanged += share_unchanged
    pages = len(output.files)
    for asset in sorted(paths.static.rglob("*")) if paths.static.is_dir() else []:
        if asset.is_file() and not asset.name.startswith("."):
            output.add(f"static/{asset.relative_to(paths.static).as_posix()}", asset.read_bytes())
    with phase("write the rest, remove stale files"):
        written = write_output(output, paths.output)
    written = WriteReport(
        written.written + len(prewritten),
        written.unchanged + preunchanged,
        written.removed,
        tuple(sorted((*written.changed, *prewritten))),
    )
    with phase("save page keys"):
        keys.stamp_and_save(paths.output)
        noted = browse_digests.note(renderer.browse, keys.digests)
        save_memo(cache_dir, version, renderer.related.memo(), noted)
        families.save()  # after the keys: a family is skipped only with its pages' keys saved
        if cache_dir is not None:  # the maps the saved keys' URL lookups were answered from
            maps = {"maps": renderer.browse.url_maps()}
            cache_files.save(cache_dir / URL_MAPS_FILE, version, maps)
            cache_files.save(cache_dir / TEMPLATES_FILE, version, {"keys": template_keys})
    if left is not None:
        left += (questions, site, renderer, keys, families, output)
    if pages_written is not None and written.changed:
        pages_written(diagnostics)
    # The index reads the written pages, so it comes last; without search, drop an old index.
    if config.search:
        # After a killed build, pages it wrote may not be indexed yet: index every shard.
        changed = None if unfinished else written.changed
        with phase("search index"):
            templates = templates_digest(renderer.template_sources("question.html"))
            search = index_site(
                paths.output, changed, config.search_shard_size, templates, output.files
            )
    else:
        search = None
        remove_index(paths.output)
    if cache_dir is not None or not unfinished:
        # A build without the cache (`verify` runs one) leaves a killed build's mark: the
        # caches and the search index that build left are as suspect as before.
        mark_build_finished(paths.root / CACHE_DIR)
    result = BuildReport(
        ingest=report,
        diagnostics=tuple(diagnostics),
        questions=len(site.questions),
        pages=pages,
        written=written,
        hidden=len(questions) - len(site.questions),
        search=search,
    )
    if (
        cache_dir is not None
        and looked is not None
        and content_read is not None
        and not raced
        and snapshot.settled(looked.newest, content_read[1])
    ):
        # The fingerprints taken before this build read the files: a file changed while it
        # ran gives the next look another fingerprint, and that build runs. (Taken again
        # here, they cost 0.8 s at 100,000 questions and told nothing more.)
        with phase("note the inputs for the next build"):
            # What a no-op build reports: this build's problems again, nothing written.
            ingested = replace(report, fresh={}, written=[], removed=[], written_facts={})
            stored = replace(result, ingest=ingested, written=replace(written, changed=()))
            snapshot.store(cache_dir, looked.inputs + content_read[0], version, stored)
            # A delta build may come next: seeds or records changed (a few), and no other input.
            # Keeping the state costs a full build 10 to 15 s at 100,000 questions, and saves
            # each delta build after it 30 s or more.
            if seeds_listing is not None and settled:
                with phase("note the site for a delta build"):
                    current = families.current()
                    lookups = delta.lookup_pages(keys.current, current)
                    # What no delta needs goes first: the state's making reuses its memory (it
                    # set this build's peak at 100,000 questions).
                    keys.current.clear()
                    keys.digests = Digests()
                    output.files.clear()
                    kept = delta.state_of(
                        site,
                        questions,
                        renderer,
                        current,
                        lookups,
                        tuple(problems),
                        looked,
                        content_read[0],
                        content_files,
                        paths,
                        seeds_listing,
                        settled[0],
                        records,
                    )
                try:
                    if kept is not None:
                        delta.keep(cache_dir, version, kept, questions, record_digests)
                except OSError:  # a full disk: the site is built; only the delta is lost
                    delta.forget(cache_dir)
    if cache_dir is not None and not (cache_dir / delta.STATE_FILE).exists():
        delta.forget(cache_dir)  # no state kept: nor the record pack kept for it to copy from
    return result


FACTS_DIR = "facts"  # what each seed and record held, a file each for seeds and records
URL_MAPS_FILE = "urls.pickle"
TEMPLATES_FILE = "templates.pickle"  # the page templates' keys of the last whole render
# Caches earlier versions kept in one file each (up to 400 MB at 100,000 questions).
RETIRED_CACHE_FILES = ("records.pickle", "pages.pickle", "markdown.pickle", "files.pickle")
RETIRED_CACHE_DIRS = ("files",)  # what each seed and record held, by path, in 64 shards

# From this many questions on, pages render in one forked process per core.
PARALLEL_PAGES = 1000
# Each render process takes the pages of at most about this many questions.
SHARE_QUESTIONS = 50_000


def _kept_answers(before: object, now: tuple[dict[Any, str], ...]) -> bool:
    """Return whether every entry of the maps `before` is in `now` with the same value: then
    each lookup answered from them gives the same answer now (a lookup that failed made its
    page fail, so no stored page holds it). Entries only added, as a new doctor's, change no
    answer."""
    if not isinstance(before, tuple) or len(before) != len(now):
        return False
    missing = object()
    return all(
        isinstance(old, dict) and all(new.get(key, missing) == value for key, value in old.items())
        for old, new in zip(before, now, strict=True)
    )


def _render_share(
    renderer: Renderer, out_dir: Path, k: int, n: int
) -> tuple[
    list[tuple[str, bytes | None]],
    dict[str, PageKey],
    dict[str, tuple[str, ...]],
    list[str],
    int,
    tuple[dict[str, Family], set[str]],
]:
    """Render and write every n-th page, starting at k (in a forked worker when n > 1).

    Return the pages as (path, None) (already on disk), the files that are not pages (sitemap,
    robots.txt) with their bytes from share 0 only, the page keys this share made, the related
    lists it ranked, the page files it wrote, how many it left unchanged and the page families
    it found changed and kept. A page's bytes never depend on which share renders it.
    """
    if n > 1:
        renderer.share = (k, n)
    files: list[tuple[str, bytes | None]] = []
    written: list[str] = []
    unchanged = 0
    with _template_errors():
        for path, data in renderer.pages():
            if data is NOT_MINE:
                continue
            if path in (renderer.keys.current if renderer.keys else {}):
                if data is not None and write_if_changed(out_dir / path, data):
                    written.append(path)
                else:
                    unchanged += 1
                files.append((path, None))
            elif k == 0:
                files.append((path, data))  # not a page: sitemap, robots.txt
    # Keys of pages left as they were go back as their path only (in `files`): the parent
    # holds the very same entries, and 130,000 keys are slow to pickle and compare.
    fresh = renderer.keys.fresh() if renderer.keys else {}
    families = renderer.families
    found = (families.fresh, families.kept) if families is not None else ({}, set())
    return files, fresh, renderer.related.computed, written, unchanged, found


def check(paths: Paths) -> BuildReport:
    """Parse every seed and validate every record without writing anything."""
    report = ingest(paths.seeds, paths.content, paths.root, write=False, reparse_all=True)
    questions, problems = load_records(paths.content, paths.root, report.fresh)
    records = records_shown(paths.content, paths.root)
    folder = paths.content / "questions"

    def where(question: Question) -> str:  # check writes no record: a new seed's is not there
        written = (folder / f"{question.id}.yaml").is_file()
        return f"{records}{question.id}.yaml" if written else question.source

    shared = duplicate_titles(questions, where)
    diagnostics = [*report.diagnostics, *problems, *shared]
    return BuildReport(
        ingest=report, diagnostics=tuple(diagnostics), questions=len(questions), pages=0
    )
