"""Full-text search: index the built site with Pagefind after every page is written.

Pagefind reads the rendered HTML (only elements marked `data-pagefind-body`, i.e. question
pages) and writes a static index of small fragments that the reader's browser loads on demand.
Each index is one subprocess over a directory: its Python API adds pages one by one (about
0.1 s a page), far slower than letting the binary walk a tree.

Pagefind holds a whole index in memory while it builds it (about 2 GB at 10,000 questions), so
the questions are split into ceil(n / shard_size) shards, shard = crc32(id) mod count (about
`shard_size` pages each, a few more or fewer; a later build keeps the count while shards stay
within a quarter of `shard_size`), each indexed on its own into `pagefind/<n>/`, and the search
page merges them in the browser (Pagefind's `mergeIndex`). Pagefind cannot add a page to an
index, so a changed question page (with the shipped question templates, only one whose indexed
part changed, `index_digest`: a new related list is not a change) goes to the recent shard,
`pagefind/recent/`, indexed again by every build that changes it: a few pages where its own
shard has 20,000. Its own shard keeps its older copy until it is indexed again; `shards.json`
lists the shards and, by fragment id, the copies they hold of pages changed since or removed,
which the search page drops. Past `recent_limit` pages the shards holding such copies are indexed
again and the recent shard goes; a new shard count indexes them all.

The binary comes with the `pagefind[extended]` Python package; nothing is downloaded at run
time. Each shard is written beside the live one and swapped in, so no stale fragments of an
earlier build stay behind.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import cache
from sitegen.atomic import write_if_changed
from sitegen.errors import SitegenError
from sitegen.reports import SearchReport

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
INDEXED_PREFIX = "questions/"
SHARD_SIZE = 20_000
DIGESTS_FILE = ".sitegen-digests"  # in each shard: the digest of every page it indexed
DIGESTS_VERSION = "search-digests-3"  # bump when index_digest changes what it covers
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
) -> SearchReport:
    """Index the question pages under `output` into `output/pagefind/<n>/` and, for pages
    changed since their shard indexed them, `output/pagefind/recent/`.

    `changed` lists the output paths this build wrote or removed (None: index every shard
    afresh). A question page whose indexed part changed, a new one included, goes to the
    recent shard, which is indexed again instead of the page's own shard: a few pages, not
    20,000. Its own shard's copy, or a removed page's, is listed in `shards.json` as
    superseded, and the search page drops it from the results. When the recent shard's pages
    and the removed ones outgrow `recent_limit`, the shards holding superseded pages are
    indexed again and the recent shard goes. When the pages come from VERIFIED_TEMPLATES (their
    `templates_digest` is `templates`), a changed page whose `index_digest` is the one its
    indexed copy had is left as it is.
    """
    partial = templates == VERIFIED_TEMPLATES
    root = output / INDEX_DIR
    ids = sorted(p.parent.name for p in (output / INDEXED_PREFIX).glob("*/index.html"))
    if not ids:
        # Pagefind refuses an empty site; a site without questions has nothing to search.
        remove_index(output)
        return SearchReport(root, 0.0, 0, 0)
    listing = _read_listing(root)
    count = shard_count(len(ids), shard_size, listing)
    shards: list[list[str]] = [[] for _ in range(count)]
    for question_id in ids:
        shards[shard_of(question_id, count)].append(question_id)
    if listing is None:
        remove_index(output)  # an index of another layout, or half of one
    started = time.perf_counter()
    version = _digests_version(count)
    present = set(ids)
    states: dict[int, _State | None] = {}
    before: _State | None = None
    if listing == count and changed is not None:
        states = {n: _load_state(root / str(n), version) for n in range(count) if shards[n]}
        before = _load_state(root / RECENT, version)
    todo, recent, stale = _plan(output, count, changed, states, before, present, partial)
    removed = {q for state in states.values() if state for q in state.pages.keys() - present}
    if len(recent) + len(removed) > recent_limit(len(ids), shard_size):
        # Fold the recent shard back into the shards its pages belong to.
        todo |= {shard_of(question_id, count) for question_id in recent | removed}
        recent, stale = set(), True
    indexed = {number for number in todo if shards[number]}
    for number in sorted(indexed):
        target = root / str(number)
        states[number] = _index_shard(output, target, shards[number], version, partial)
    while recent and stale:
        before = _index_shard(output, root / RECENT, sorted(recent), version, partial)
        indexed.add(-1)  # the recent shard, however many times
        # A recent copy that is the very fragment its own shard holds supersedes nothing.
        same = {q for q in recent if before.pages.get(q) == _home(states, q, count)}
        recent -= same
        stale = bool(same)
    if not recent:
        shutil.rmtree(root / RECENT, ignore_errors=True)
    live = {str(n) for n in range(count) if shards[n]} | ({RECENT} if recent else set())
    for extra in sorted(root.glob("*")):
        if extra.is_dir() and extra.name not in live:
            shutil.rmtree(extra)
    listed = [f"{n}/" for n in range(count) if shards[n]] + ([f"{RECENT}/"] if recent else [])
    written = {
        "layout": LAYOUT,
        "count": count,
        "shards": listed,
        "superseded": _superseded(states, recent, present),
    }
    write_if_changed(root / SHARDS_FILE, (json.dumps(written) + "\n").encode("utf-8"))
    seconds = time.perf_counter() - started
    # Each shard's size as noted when it was indexed: a walk of 300,000 index files at
    # 100,000 questions took longer than indexing the recent shard.
    sizes = [state.size for state in [*states.values(), before if recent else None] if state]
    files, total = sum(n for n, _ in sizes), sum(b for _, b in sizes)
    return SearchReport(root, seconds, files, total, count, len(indexed), len(recent))


LAYOUT = 2  # shards.json: numbered shards, the recent shard and the superseded pages
RECENT = "recent"  # the shard of question pages changed since their own shard indexed them
FRAGMENTS_FILE = ".sitegen-fragments"  # in each shard: the Pagefind fragment of each page
FRAGMENT_PREFIX = b"pagefind_dcd"  # what a fragment's JSON follows, once inflated


def recent_limit(questions: int, shard_size: int) -> int:
    """Return how many changed or removed pages the recent shard may stand for before the
    shards are indexed again: a twentieth of a shard, so indexing the recent shard after each
    change stays a small part of indexing a shard (1,000 pages, a few seconds, at 20,000), and
    at least RECENT_MIN (a small site folds after a few edits, not after each)."""
    return max(RECENT_MIN, min(questions, shard_size) // 20)


RECENT_MIN = 10


@dataclass(frozen=True, slots=True)
class _State:
    """What a shard holds: each page's index digest (with verified templates) and the id of
    the Pagefind fragment Pagefind made of it (what a search result names), by question."""

    digests: dict[str, bytes]
    pages: dict[str, str]
    size: tuple[int, int]  # Pagefind's files in the shard and their bytes


def _load_state(shard: Path, version: str) -> _State | None:
    """Return what a shard holds, or None when it is not whole (a build killed while it
    swapped the shard in, or one from an older sitegen) and must be indexed again."""
    if not (shard / "pagefind-entry.json").is_file():
        return None
    held = cache.load(shard / FRAGMENTS_FILE, version)
    pages, size = held.get("pages"), held.get("size")
    if not isinstance(pages, dict) or not isinstance(size, tuple):
        return None
    return _State(cache.load(shard / DIGESTS_FILE, version), pages, size)


def _home(states: dict[int, _State | None], question_id: str, count: int) -> str | None:
    """Return the fragment of a question in its own shard, if that shard holds it."""
    state = states.get(shard_of(question_id, count))
    return state.pages.get(question_id) if state is not None else None


def _superseded(
    states: dict[int, _State | None], recent: set[str], present: set[str]
) -> dict[str, str]:
    """Return {fragment: its page's URL} of each copy a numbered shard holds of a page that
    is gone or in the recent shard."""
    return {
        fragment: f"/{INDEXED_PREFIX}{question_id}/"
        for _, state in sorted(states.items())
        if state is not None
        for question_id, fragment in sorted(state.pages.items())
        if question_id in recent or question_id not in present
    }


def _plan(
    output: Path,
    count: int,
    changed: Sequence[str] | None,
    states: dict[int, _State | None],
    before: _State | None,
    present: set[str],
    partial: bool,
) -> tuple[set[int], set[str], bool]:
    """Return the numbered shards to index again, the questions the recent shard must hold
    and whether it must be indexed again. Without `states` (a new layout, a new shard count
    or no list of changes) every shard is indexed afresh and there is no recent shard. Else
    a shard that is not whole is indexed again, and the recent shard holds what it held and
    each page changed since, but pages now gone or again as their own shard indexed them."""
    if not states:
        return set(range(count)), set(), False
    todo = {n for n, state in states.items() if state is None}
    held = before.pages if before is not None else {}
    recent = held.keys() & present
    stale = False
    for path in changed or ():
        if not path.startswith(INDEXED_PREFIX) or path.count("/") < 2:
            continue
        question_id = path.split("/")[1]
        own = states.get(shard_of(question_id, count))
        if own is None or question_id not in present:
            continue  # indexed with its shard, or gone: its copies are superseded
        if not partial:
            recent.add(question_id)
            stale = True
            continue
        digest = index_digest((output / INDEXED_PREFIX / question_id / "index.html").read_bytes())
        if own.digests.get(question_id) == digest:
            recent.discard(question_id)  # as its own shard indexed it
        elif before is None or before.digests.get(question_id) != digest:
            recent.add(question_id)
            stale = True
    recent = {q for q in recent if shard_of(q, count) not in todo}
    return todo, recent, stale or recent != held.keys()


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


def _read_listing(root: Path) -> int | None:
    """Return the shard count of the shards.json the last build wrote, or None when it is
    missing, unreadable or of another layout."""
    try:
        listing = json.loads((root / SHARDS_FILE).read_text("utf-8"))
        count = listing["count"]
        layout = listing["layout"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return count if layout == LAYOUT and isinstance(count, int) and count >= 1 else None


def _digests_version(count: int) -> str:
    """Digests taken from pages of other verified templates or another shard layout never
    match: those pages may hold what Pagefind reads outside the parts digested."""
    return f"{DIGESTS_VERSION}:{count}:{VERIFIED_TEMPLATES}"


def templates_digest(sources: Sequence[tuple[str, str]]) -> str:
    """Return the digest of templates given as (name, source) pairs."""
    digest = hashlib.blake2b(digest_size=16)
    for name, source in sources:
        for part in (name.encode("utf-8"), source.encode("utf-8")):
            digest.update(b"%d:" % len(part) + part)
    return digest.hexdigest()


def _index_shard(output: Path, target: Path, ids: list[str], version: str, partial: bool) -> _State:
    """Index the pages of `ids` into `target`: hard-link them into a staging tree shaped like
    the site (so result URLs are /questions/<id>/), run Pagefind on it, swap the result in, and
    return what the shard holds. The fragment of each page (FRAGMENTS_FILE) and, with
    `partial`, the index digest of each page, taken while Pagefind runs (DIGESTS_FILE), are
    saved in the new shard, so they are swapped in with the index."""
    stage = output / f".{INDEX_DIR}-stage"
    fresh = target.with_name(f".{target.name}.new")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(fresh, ignore_errors=True)
    for question_id in ids:
        page = Path(INDEXED_PREFIX, question_id, "index.html")
        (stage / page).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output / page, stage / page)
        except OSError:  # a file system without hard links
            shutil.copyfile(output / page, stage / page)
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
            digests = _digests(stage, ids) if partial else {}
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
    pages = _fragments(fresh, ids)
    size = _size(fresh)
    if digests:
        cache.save(fresh / DIGESTS_FILE, version, digests)
    cache.save(fresh / FRAGMENTS_FILE, version, {"pages": pages, "size": size})
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return _State(digests, pages, size)


def _size(index: Path) -> tuple[int, int]:
    """Return how many files Pagefind wrote into `index` and their bytes."""
    files = [p for p in index.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _fragments(index: Path, ids: list[str]) -> dict[str, str]:
    """Return {question id: the id of its fragment} of the pages Pagefind indexed into
    `index` (a search result names its page by that id: a fragment file's name). A page
    Pagefind left out (one with no text to index) has none."""
    urls = {f"/{INDEXED_PREFIX}{question_id}/": question_id for question_id in ids}
    pages: dict[str, str] = {}
    for path in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes()).removeprefix(FRAGMENT_PREFIX)
        question_id = urls.get(json.loads(data).get("url"))
        if question_id is None:
            raise SearchIndexError(f"{path}: a fragment of no page sitegen gave Pagefind")
        pages[question_id] = path.name.removesuffix(".pf_fragment")
    return pages


def _digests(site: Path, ids: list[str]) -> dict[str, bytes]:
    return {
        question_id: index_digest((site / INDEXED_PREFIX / question_id / "index.html").read_bytes())
        for question_id in ids
    }


def searchable(output: Path) -> list[tuple[str, dict[str, Any]]]:
    """Return (fragment id, page) of each page a search of the index under `output` can find,
    in the order of the shards `shards.json` lists: every fragment of those shards but the
    copies it lists as superseded. A page is what Pagefind holds of it (url, content, meta,
    filters, anchors); a fragment id starts with the page's language."""
    index = output / INDEX_DIR
    try:
        listing = json.loads((index / SHARDS_FILE).read_text("utf-8"))
        shards, superseded = listing["shards"], listing.get("superseded", {})
    except (OSError, ValueError, KeyError, TypeError):
        return []
    found = []
    for shard in shards:
        for path in sorted((index / shard / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes()).removeprefix(FRAGMENT_PREFIX)
            page = json.loads(data)
            fragment = path.name.removesuffix(".pf_fragment")
            if superseded.get(fragment) != page.get("url"):
                found.append((fragment, page))
    return found


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
