"""Full-text search: index the built site with Pagefind after every page is written.

Pagefind reads the rendered HTML (only elements marked `data-pagefind-body`, i.e. question
pages) and writes a static index of small fragments that the reader's browser loads on demand.
Each index is one subprocess over a directory: its Python API adds pages one by one (about
0.1 s a page), far slower than letting the binary walk a tree.

Pagefind holds a whole index in memory while it builds it (about 2 GB at 10,000 questions), so
the questions are split into ceil(n / shard_size) numbered shards, shard = crc32(id) mod count
(about `shard_size` pages each, a few more or fewer; a later build keeps the count while shards
stay within a quarter of `shard_size`), each indexed on its own into `pagefind/<n>/`, and the
search page searches them all in the browser.

Pagefind cannot add a page to an index or take one out, and indexing a numbered shard again
takes 20 s at 10,000 questions. So a build that changes a few question pages indexes only
those, into the recent shard `pagefind/recent/`, and lists the stale copies in their numbered
shards (and of removed pages) as `dropped` in `pagefind/shards.json`, by shard; the search
page searches the numbered shards as one index and the recent shard as another, leaves the
dropped fragment ids out and orders all by score. A page counts as changed
only where what Pagefind reads of it changed (`index_digest`, with the shipped question
templates: a new related list is no change), and a page changed back to what its shard indexed
leaves the recent shard. Once more than `recent_limit(shard_size)` pages are stale, the numbered
shards with most of them are indexed again; so are all of them when the shard count changes
or a build was killed. A search finds exactly the pages a clean build's index finds
(`searchable`, checked by `sitegen build --verify`); only the ranking of the pages in the
recent shard differs a little (see `_ballast`).

The binary comes with the `pagefind[extended]` Python package; nothing is downloaded at run
time. Each shard is written beside the live one and swapped in, so no stale fragments of an
earlier build stay behind.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import heapq
import json
import math
import os
import re
import shutil
import subprocess
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from sitegen import cache
from sitegen.atomic import write_if_changed
from sitegen.errors import SitegenError
from sitegen.reports import SearchReport

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
INDEXED_PREFIX = "questions/"
SHARD_SIZE = 20_000
DIGESTS_FILE = ".sitegen-digests"  # in each shard: each page's digest and fragment id
DIGESTS_VERSION = "search-digests-4"  # bump when index_digest changes what it covers
# The question page templates (question.html and all it uses, see `templates_digest`) whose
# pages `index_digest` may take apart: checked against Pagefind itself by
# tests/test_search.py. Any other templates, say with an <h1> or <img> outside the
# data-pagefind-body element (Pagefind reads both anywhere), re-index a shard for any change.
VERIFIED_TEMPLATES = "edec2424b40420e6e356d72ce9398510"


class SearchIndexError(SitegenError):
    """Pagefind is missing or failed to index the site."""


def pagefind_executable() -> Path:
    """Return the Pagefind binary shipped by the `pagefind[extended]` package."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        path = None
    else:
        path = get_executable()
    if path is None:
        raise SearchIndexError(
            "search: Pagefind is not installed; run `pip install 'pagefind[extended]'`"
            " or build with --no-search"
        )
    return path


def shard_of(question_id: str, count: int) -> int:
    return zlib.crc32(question_id.encode("utf-8")) % count


def index_site(
    output: Path,
    changed: Sequence[str] | None = None,
    shard_size: int = SHARD_SIZE,
    templates: str | None = None,
    pages: Iterable[str] | None = None,
) -> SearchReport:
    """Index the question pages under `output` into `output/pagefind/`.

    `pages`: the output paths of every file the build made (the question pages among them are
    indexed), else the question pages found under `output` (a glob of 100,000 folders took
    1.7 s of each build at that size).

    `changed` lists the output paths this build wrote or removed (None: index every shard
    anew). A changed question page whose indexed part differs from what its numbered shard
    indexed goes into the recent shard, and the stale copy in its numbered shard is listed as
    dropped; a numbered shard is indexed again only when the recent shard would grow past
    `recent_limit(shard_size)` pages (the shard with most stale pages first), when its digests
    are unknown, or when the shard count changes. What Pagefind reads of a page is told by
    `index_digest` when the pages come from VERIFIED_TEMPLATES (their `templates_digest` is
    `templates`: a new related list is no change), else by all its bytes.
    """
    partial = templates == VERIFIED_TEMPLATES
    root = output / INDEX_DIR
    ids = _question_ids(output, pages)
    if not ids:
        # Pagefind refuses an empty site; a site without questions has nothing to search.
        remove_index(output)
        return SearchReport(root, 0.0, 0, 0)
    listing = _read_listing(root)
    count = shard_count(len(ids), shard_size, listing.count if listing else None)
    shards: list[list[str]] = [[] for _ in range(count)]
    for question_id in ids:
        shards[shard_of(question_id, count)].append(question_id)
    if not (root / SHARDS_FILE).is_file():
        remove_index(output)  # an index of another layout, or half of one
    version = _digests_version(count, partial)
    started = time.perf_counter()
    known: dict[int, Indexed] = {}  # what each numbered shard kept as it is indexed
    sizes: dict[Path, Size] = {}  # each shard's files and bytes (but its digests file)
    held: Indexed = {}  # what the recent shard holds
    ballast: dict[str, str] = {}  # its ballast: id -> fragment id of the copy
    wanted: dict[str, bytes] = {}  # what it must hold: id -> digest
    current = set(ids)
    todo = set(range(count))
    if listing is not None and changed is not None and listing.count == count:
        todo, known, (held, ballast), sizes = _kept(root, count, listing, version, shards)
        wanted = _recent_pages(output, changed, count, todo, known, held, current, partial)
    limit = recent_limit(shard_size)
    fresh: dict[Path, Path] = {}  # where each new shard goes: swapped in together
    indexed: set[int] = set()
    recent_indexed = False
    try:
        while True:
            todo |= _folds(wanted, known, todo, current, count, limit)
            wanted = {i: d for i, d in wanted.items() if shard_of(i, count) not in todo}
            if wanted and not partial and not _any_body(output, wanted):
                # Alone, pages without a body element are indexed whole (as no clean build
                # does): index their own shards instead.
                todo |= {shard_of(i, count) for i in wanted}
                continue
            for number in sorted(todo - indexed):
                known.pop(number, None)
                indexed.add(number)
                if shards[number]:
                    target = root / str(number)
                    known[number], _, fresh[target], sizes[target] = _index_shard(
                        output, target, shards[number], version, partial
                    )
            if {i: d for i, (d, _) in held.items()} != wanted:
                recent_indexed = True
                held, ballast = {}, {}
                target = root / RECENT
                if target in fresh:
                    shutil.rmtree(fresh.pop(target), ignore_errors=True)
                if wanted:
                    sample = _ballast(known, wanted, current)
                    held, ballast, fresh[target], sizes[target] = _index_shard(
                        output, target, sorted(wanted), version, partial, sample
                    )
            dropped, clashes = _dropped(known, held, ballast, current)
            if not clashes:
                break
            todo |= clashes
    except BaseException:
        for new_shard in fresh.values():
            shutil.rmtree(new_shard, ignore_errors=True)
        raise
    # All at once, right before the listing that goes with them: a reader searching while a
    # shard takes a minute to index sees the old index whole.
    for target, new_shard in fresh.items():
        _swap(new_shard, target)
    live = {str(n) for n in range(count) if shards[n]}  # a small site may leave a shard empty
    if held:
        live.add(RECENT)
    for extra in sorted(root.glob("*")):
        if extra.is_dir() and extra.name not in live:
            shutil.rmtree(extra)
    written: dict[str, object] = {
        "count": count,
        "shards": [f"{n}/" for n in range(count) if shards[n]],
    }
    if held:
        written["recent"] = f"{RECENT}/"
    if dropped:
        written["dropped"] = dropped
    relisted = write_if_changed(root / SHARDS_FILE, (json.dumps(written) + "\n").encode("utf-8"))
    seconds = time.perf_counter() - started
    files, total = _index_size(root, live, sizes)
    return SearchReport(
        root,
        seconds,
        files,
        total,
        count,
        sum(bool(shards[n]) for n in indexed),
        len(held),
        recent_indexed,
        sum(len(ids) for shard, ids in dropped.items() if shard != f"{RECENT}/"),
        relisted,
    )


def _question_ids(output: Path, pages: Iterable[str] | None) -> list[str]:
    """Return the ids of the question pages among `pages` (or under `output`), sorted."""
    if pages is None:
        return sorted(p.parent.name for p in (output / INDEXED_PREFIX).glob("*/index.html"))
    found = []
    for path in pages:
        if path.startswith(INDEXED_PREFIX) and path.endswith(_PAGE):
            question_id = path[len(INDEXED_PREFIX) : -len(_PAGE)]
            if question_id and "/" not in question_id:
                found.append(question_id)
    return sorted(found)


_PAGE = "/index.html"


# Question id -> (index digest of the page as a shard indexed it, its Pagefind fragment id,
# None when Pagefind left the page out).
Indexed = dict[str, tuple[bytes, str | None]]

RECENT = "recent"  # the shard of question pages changed since their numbered shard was indexed


def recent_limit(shard_size: int) -> int:
    """Return how many stale pages (in the recent shard, or removed from the site) the index
    may hold before a numbered shard is indexed again. Pagefind takes about 1.4 ms a page:
    500 pages, at the default shard size, keep the recent shard under a second, and bound
    how far the reader's ranking drifts (see README, Search)."""
    return max(1, shard_size // 40)


def _kept(
    root: Path, count: int, listing: Listing, version: str, shards: list[list[str]]
) -> tuple[set[int], dict[int, Indexed], tuple[Indexed, dict[str, str]], dict[Path, Size]]:
    """Return the numbered shards that must be indexed anew (their digests are unknown, or
    they hold no page now), what the others hold, what the recent shard holds (its pages
    and its ballast) and the sizes the kept shards noted. A recent shard listed but
    unreadable makes every shard unknown: its pages' stale copies are."""
    todo: set[int] = set()
    known: dict[int, Indexed] = {}
    sizes: dict[Path, Size] = {}
    for number in range(count):
        shard = root / str(number)
        stored = _load_indexed(shard, version) if number in listing.shards else None
        if stored is None or not shards[number]:
            todo.add(number)
            continue
        known[number], sizes[shard] = stored[0], stored[2]
    if not listing.recent:
        return todo, known, ({}, {}), sizes
    held = _load_indexed(root / RECENT, version)
    if held is None:
        return set(range(count)), {}, ({}, {}), {}
    sizes[root / RECENT] = held[2]
    return todo, known, (held[0], held[1]), sizes


def _recent_pages(
    output: Path,
    changed: Sequence[str],
    count: int,
    todo: set[int],
    known: dict[int, Indexed],
    held: Indexed,
    current: set[str],
    partial: bool,
) -> dict[str, bytes]:
    """Return what the recent shard must hold after this build's changes: id -> digest of
    each question page of the site (`current`) that differs from what its numbered shard
    indexed. A page the site no longer has leaves it even when its file is still there (a
    person's, once the build forgot it)."""
    wanted = {i: digest for i, (digest, _) in held.items() if i in current}
    for path in changed:
        if not path.startswith(INDEXED_PREFIX) or path.count("/") < 2:
            continue
        question_id = path.split("/")[1]
        number = shard_of(question_id, count)
        if number in todo or question_id not in current:
            wanted.pop(question_id, None)
            continue
        try:
            page = (output / INDEXED_PREFIX / question_id / "index.html").read_bytes()
        except OSError:  # removed: its numbered shard's copy is dropped
            wanted.pop(question_id, None)
            continue
        digest = _page_digest(page, partial)
        indexed = known[number].get(question_id)
        if indexed is not None and indexed[0] == digest:
            wanted.pop(question_id, None)  # changed back to what its shard indexed
        else:
            wanted[question_id] = digest
    return wanted


def _folds(
    wanted: dict[str, bytes],
    known: dict[int, Indexed],
    todo: set[int],
    current: set[str],
    count: int,
    limit: int,
) -> set[int]:
    """Return the numbered shards to index anew so that at most `limit` stale pages are left:
    those with most stale pages first (the lowest number of equals)."""
    stale: dict[int, int] = {}
    for question_id in wanted:
        number = shard_of(question_id, count)
        stale[number] = stale.get(number, 0) + 1
    for number, digests in known.items():
        gone = sum(f is not None and i not in current for i, (_, f) in digests.items())
        if gone:
            stale[number] = stale.get(number, 0) + gone
    folds: set[int] = set()
    left = sum(n for number, n in stale.items() if number not in todo)
    for number in sorted(stale, key=lambda number: (-stale[number], number)):
        if left <= limit:
            break
        if number not in todo:
            folds.add(number)
            left -= stale[number]
    return folds


def _dropped(
    known: dict[int, Indexed], held: Indexed, ballast: dict[str, str], current: set[str]
) -> tuple[dict[str, list[str]], set[int]]:
    """Return, by shard ("0/", "recent/"), the fragment ids a search must leave out (the
    numbered shards' copies of pages removed or in the recent shard, and the ballast), and the
    numbered shards to index anew because an id they drop is also a live page's in a numbered
    shard. The search page searches the numbered shards as one index and the recent shard as
    another, and Pagefind names a fragment by the shortest prefix of its hash unique in its
    own shard: an id can stand for two pages in two shards, and for the same page unchanged
    in a numbered shard and the recent one."""
    stale: dict[int, list[str]] = {}
    live: set[str] = set()
    for number, digests in sorted(known.items()):
        for question_id, (_, fragment) in digests.items():
            if fragment is None:
                continue
            if question_id in held or question_id not in current:
                stale.setdefault(number, []).append(fragment)
            else:
                live.add(fragment)
    dropped = {f"{number}/": sorted(ids) for number, ids in stale.items()}
    if ballast:
        dropped[f"{RECENT}/"] = sorted(ballast.values())
    return dropped, {number for number, ids in stale.items() if not live.isdisjoint(ids)}


BALLAST_PREFIX = "__sitegen-ballast/"  # where the recent shard's ballast pages are staged
BALLAST = 200  # pages


def _ballast(known: dict[int, Indexed], wanted: dict[str, bytes], current: set[str]) -> list[str]:
    """Return the pages to index into the recent shard beside its own, under another URL, and
    drop from every search: a fixed sample of BALLAST pages as their numbered shards hold
    them. Pagefind ranks a page by how rare the query's words are in its own index (BM25);
    alone in a shard of a few pages, a new question would rank by its few neighbours' words
    (first for a word on every page, last for most others). The sample gives the recent
    shard about the word frequencies and page lengths of the whole site."""
    candidates = (
        question_id
        for digests in known.values()
        for question_id, (_, fragment) in digests.items()
        if fragment is not None and question_id in current and question_id not in wanted
    )
    return sorted(
        heapq.nsmallest(BALLAST, candidates, key=lambda i: (zlib.crc32(i.encode("utf-8")), i))
    )


def _page_digest(page: bytes, partial: bool) -> bytes:
    return index_digest(page) if partial else b"W" + hashlib.blake2b(page, digest_size=16).digest()


_MARK = b"data-pagefind-"
_TAG_NAME = re.compile(rb"<([a-z][a-z0-9-]*)")
# Inside these a closing tag may not close anything, so a body holding one is not delimited.
_OPAQUE = re.compile(
    rb"<!--|<!\[cdata\[|<(?:script|style|textarea|template|title|xmp|iframe|noembed"
    rb"|noframes|noscript|plaintext)\b"
)


def index_digest(page: bytes) -> bytes:
    """Return a digest of what Pagefind reads from a page of VERIFIED_TEMPLATES: the <html>
    tag (its language), the <head>, each `data-pagefind-body` element, and the elements marked
    `data-pagefind-ignore` outside those. Pagefind also reads an <h1> or <img> anywhere (a
    result's title and image), which is why only pages of templates checked to have none
    outside those parts may be taken apart. A page this cannot take apart with certainty (no
    body element, one holding a comment or raw text where a closing tag may hide, a filter,
    meta or sort attribute outside the body elements) gets the digest of all its bytes: a
    doubt re-indexes, never the other way round."""
    whole = b"W" + hashlib.blake2b(page, digest_size=16).digest()
    low = page.lower()  # ASCII only: every position in it is the same in `page`
    head_tag = _same_tags(b"head").search(low)
    head = _element(low, head_tag.start()) if head_tag and not head_tag.group(1) else None
    if head is None:
        return whole
    parts = [head]
    position = head[1]
    outside = [(0, head[0])]
    while (mark := low.find(_MARK + b"body", position)) >= 0:
        body = _element(low, _tag_around(low, mark))
        if body is None or _OPAQUE.search(low, *body):
            return whole
        outside.append((position, body[0]))
        parts.append(body)
        position = body[1]
    if len(parts) == 1:
        return whole
    outside.append((position, len(low)))
    html = low.find(b"<html")
    if low.find(b"<html", html + 1) >= 0:
        return whole  # Pagefind takes the language from any of them
    if 0 <= html < head[0]:
        parts.insert(0, (html, low.find(b">", html) + 1))
    for start, end in outside:
        mark = low.find(_MARK, start, end)
        while mark >= 0:
            opening = _tag_around(low, mark)
            if opening is not None:
                ignored = _element(low, opening)
                if ignored is None or not low.startswith(b"ignore", mark + len(_MARK)):
                    return whole  # a filter, meta, sort... that Pagefind reads anywhere
                parts.append(ignored)  # what it holds: it may yet hold a body element
            mark = low.find(_MARK, mark + 1, end)
    digest = hashlib.blake2b(digest_size=16)
    for start, end in parts:
        digest.update(b"%d:" % (end - start) + page[start:end])
    return b"P" + digest.digest()


def _tag_around(low: bytes, position: int) -> int | None:
    """Return where the tag holding `position` opens, or None when it is in text."""
    opening = low.rfind(b"<", 0, position)
    return opening if opening > low.rfind(b">", 0, position) else None


def _element(low: bytes, opening: int | None) -> tuple[int, int] | None:
    """Return the span of the element whose tag opens at `opening`, from its opening tag to
    the end of its closing tag, counting same-named tags nested in it; None when it is never
    closed (or `opening` is None)."""
    name = _TAG_NAME.match(low, opening) if opening is not None else None
    if name is None:
        return None
    depth = 0
    for tag in _same_tags(name.group(1)).finditer(low, name.start()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            close = low.find(b">", tag.end() - 1)
            return None if close < 0 else (name.start(), close + 1)
    return None


@functools.cache
def _same_tags(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"<(/?)" + re.escape(name) + rb"[\s/>]")


def shard_count(questions: int, shard_size: int, previous: int | None) -> int:
    """Return how many shards to index `questions` question pages in: ceil(questions /
    shard_size), except that the last build's count stays while it still fits, from more than
    (count - 1) x 3/4 shard_size questions up to count x 5/4 shard_size. A count that follows
    ceil() flips at every multiple of shard_size, and a new count re-indexes every shard
    (about 230 s at 100,000 questions). Search results never depend on the count."""
    wanted = max(1, math.ceil(questions / shard_size))
    last = previous if previous is not None and previous >= 1 else wanted
    if (last - 1) * shard_size * 3 / 4 < questions <= last * shard_size * 5 / 4:
        return last
    return wanted


@dataclass(frozen=True)
class Listing:
    count: int
    shards: set[int]  # the numbered shards listed
    recent: bool  # whether a recent shard is listed


def _read_listing(root: Path) -> Listing | None:
    """Return what the shards.json the last build wrote lists, or None when it is missing or
    unreadable."""
    listing = _listing_json(root.parent)
    try:
        listed = {int(shard.rstrip("/")) for shard in listing["shards"]}
        count = listing["count"]
        recent = listing.get("recent") == f"{RECENT}/"
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return Listing(count, listed, recent) if isinstance(count, int) else None


def _load_indexed(shard: Path, version: str) -> tuple[Indexed, dict[str, str], Size] | None:
    """Return what a shard indexed, its ballast's fragment ids and its size, or None when
    unknown (no digests of this version, or no index entry: a shard half written). A shard
    indexed before sizes were noted is measured once, and its size noted."""
    if not (shard / "pagefind-entry.json").is_file():
        return None
    stored = cache.load(shard / DIGESTS_FILE, version)
    pages, ballast, size = stored.get("pages"), stored.get("ballast"), stored.get("size")
    if not isinstance(pages, dict) or not isinstance(ballast, dict):
        return None
    if _is_size(size):
        return pages, ballast, size
    files, total = _tree_size(shard)
    measured = (files - 1, total - (shard / DIGESTS_FILE).stat().st_size)
    cache.save(shard / DIGESTS_FILE, version, {**stored, "size": measured})
    return pages, ballast, measured


Size = tuple[int, int]  # files and bytes


def _is_size(value: object) -> TypeGuard[Size]:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(n, int) for n in value)


def _tree_size(folder: Path) -> Size:
    """Return how many files a folder tree holds and their bytes."""
    files = total = 0
    for here, _, names in os.walk(folder):
        for name in names:
            files += 1
            total += os.stat(os.path.join(here, name), follow_symlinks=False).st_size
    return files, total


def _index_size(root: Path, live: set[str], sizes: dict[Path, Size]) -> Size:
    """Return the files and bytes of the index: each live shard's as it noted them when it was
    indexed, its digests file, and the files beside the shards (shards.json). A walk of the
    whole index took 1.8 s of each build at 100,000 questions."""
    files = total = 0
    for entry in os.scandir(root):
        noted = sizes.get(Path(entry.path)) if entry.name in live else None
        if not entry.is_dir(follow_symlinks=False):
            size = (1, entry.stat(follow_symlinks=False).st_size)
        elif noted is not None:
            digests = os.stat(os.path.join(entry.path, DIGESTS_FILE)).st_size
            size = (noted[0] + 1, noted[1] + digests)
        else:  # a folder a failed or killed index left behind (.0.new): walked
            size = _tree_size(Path(entry.path))
        files, total = files + size[0], total + size[1]
    return files, total


def _digests_version(count: int, partial: bool) -> str:
    """Digests taken from pages of other verified templates or another shard layout never
    match: those pages may hold what Pagefind reads outside the parts digested. Nor do index
    digests and digests of whole pages."""
    return f"{DIGESTS_VERSION}:{count}:{VERIFIED_TEMPLATES}:{'P' if partial else 'W'}"


def templates_digest(sources: Sequence[tuple[str, str]]) -> str:
    """Return the digest of templates given as (name, source) pairs."""
    digest = hashlib.blake2b(digest_size=16)
    for name, source in sources:
        for part in (name.encode("utf-8"), source.encode("utf-8")):
            digest.update(b"%d:" % len(part) + part)
    return digest.hexdigest()


def _index_shard(
    output: Path,
    target: Path,
    ids: list[str],
    version: str,
    partial: bool,
    ballast: Sequence[str] = (),
) -> tuple[Indexed, dict[str, str], Path, Size]:
    """Index the pages of `ids` for `target`: hard-link them into a staging tree shaped like
    the site (so result URLs are /questions/<id>/), run Pagefind on it into a new shard beside
    `target`. The pages of `ballast` go in too, under BALLAST_PREFIX (see `_ballast`).
    The digest of each page (taken while Pagefind runs, from the very bytes it reads) and its
    fragment id go into the new shard (DIGESTS_FILE), with the ballast's fragment ids, so they
    and the index are swapped in together (`_swap`), with the shard's size (its files and bytes,
    but the digests file). Return them, the new shard and its size. A page
    Pagefind left out (one without a body element, when others have one) has no fragment."""
    stage = output / f".{INDEX_DIR}-stage"
    fresh = target.with_name(f".{target.name}.new")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    staged = [(INDEXED_PREFIX, i) for i in ids] + [(BALLAST_PREFIX, i) for i in ballast]
    for prefix, question_id in staged:
        page = Path(prefix, question_id, "index.html")
        (stage / page).parent.mkdir(parents=True, exist_ok=True)
        source = output / INDEXED_PREFIX / question_id / "index.html"
        try:
            os.link(source, stage / page)
        except OSError:  # a file system without hard links
            shutil.copyfile(source, stage / page)
    command = [
        str(pagefind_executable()),
        "--site",
        str(stage),
        "--output-path",
        str(fresh),
        "--silent",
    ]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:  # the staged pages are the very bytes Pagefind reads
            digests = _digests(stage, ids, partial)
            stdout, stderr = process.communicate()
        finally:
            if process.returncode is None:  # interrupted: Pagefind must not write on
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if process.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (stderr or stdout).strip().splitlines()
        raise SearchIndexError(
            f"{output}: pagefind failed ({process.returncode}): {detail[-1] if detail else ''}"
        )
    fragments = _fragment_ids(fresh)
    indexed = {i: (digests[i], fragments.get(f"/{INDEXED_PREFIX}{i}/")) for i in ids}
    copies = {i: f for i in ballast if (f := fragments.get(f"/{BALLAST_PREFIX}{i}/"))}
    size = _tree_size(fresh)
    cache.save(fresh / DIGESTS_FILE, version, {"pages": indexed, "ballast": copies, "size": size})
    return indexed, copies, fresh, size


def _swap(fresh: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _any_body(output: Path, ids: dict[str, bytes]) -> bool:
    """Return whether any of these question pages has a `data-pagefind-body` element."""
    return any(
        _MARK + b"body" in (output / INDEXED_PREFIX / i / "index.html").read_bytes().lower()
        for i in ids
    )


def _digests(site: Path, ids: list[str], partial: bool) -> dict[str, bytes]:
    return {
        question_id: _page_digest(
            (site / INDEXED_PREFIX / question_id / "index.html").read_bytes(), partial
        )
        for question_id in ids
    }


def _fragment_ids(shard: Path) -> dict[str, str]:
    """Return {page URL: fragment id} of the pages a shard holds."""
    found = {}
    for path in (shard / "fragment").glob("*.pf_fragment"):
        found[_fragment(path)["url"]] = path.name.removesuffix(".pf_fragment")
    return found


def _fragment(path: Path) -> dict[str, Any]:
    """Return what a Pagefind fragment file holds of its page."""
    page: dict[str, Any] = json.loads(
        gzip.decompress(path.read_bytes()).removeprefix(FRAGMENT_PREFIX)
    )
    return page


def listed_shards(output: Path) -> list[str]:
    """Return the shards ("0/", "1/", ..., then "recent/" if listed) `shards.json` under
    `output` lists: those the search page loads. None when it is missing or unreadable."""
    listing = _listing_json(output)
    try:
        shards = [str(shard) for shard in listing["shards"]]
        recent = listing.get("recent")
    except (KeyError, TypeError, AttributeError):
        return []
    return shards + ([str(recent)] if recent else [])


def _listing_json(output: Path) -> Any:
    try:
        return json.loads((output / INDEX_DIR / SHARDS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def searchable(output: Path) -> list[tuple[str, dict[str, Any]]]:
    """Return (fragment id, page) of each page a search of the index under `output` can find,
    in the order of the shards `shards.json` lists, leaving out the fragments it lists as
    dropped, as the search page does. A page is what Pagefind holds of it
    (url, content, meta, filters, anchors); a fragment id starts with the page's language."""
    index = output / INDEX_DIR
    listing = _listing_json(output)
    dropped = listing.get("dropped", {}) if isinstance(listing, dict) else {}
    found = []
    recent = f"{RECENT}/"
    # The page searches the numbered shards as one index: what one of them drops, all do.
    numbered = {f for shard, ids in dropped.items() if shard != recent for f in ids}
    for shard in listed_shards(output):
        left_out = set(dropped.get(recent, ())) if shard == recent else numbered
        for path in sorted((index / shard / "fragment").glob("*.pf_fragment")):
            fragment = path.name.removesuffix(".pf_fragment")
            if fragment in left_out:
                continue
            found.append((fragment, _fragment(path)))
    return found


FRAGMENT_PREFIX = b"pagefind_dcd"  # what a fragment's JSON follows, once inflated


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
