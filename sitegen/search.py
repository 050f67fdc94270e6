"""Full-text search: index the built site with Pagefind after every page is written.

Pagefind reads the rendered HTML (only elements marked `data-pagefind-body`, i.e. question
pages) and writes a static index of small fragments that the reader's browser loads on demand.
Each index is one subprocess over a directory: its Python API adds pages one by one (about
0.1 s a page), far slower than letting the binary walk a tree.

Pagefind holds a whole index in memory while it builds it (about 2 GB at 10,000 questions), so
the questions are split into ceil(n / shard_size) shards, shard = crc32(id) mod count (about
`shard_size` pages each, a few more or fewer; a later build keeps the count while shards stay
within a quarter of `shard_size`), each indexed on its own into `pagefind/<n>/`,
and the search page merges them in the browser
(Pagefind's `mergeIndex`). A build re-indexes only the shards holding a question page it
changed, and with the shipped question templates only where what Pagefind reads of the page
changed (`index_digest`: a new related list is not a change); a change in the shard count
re-indexes them all. `pagefind/shards.json` lists the shards.

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
    """Index the question pages under `output` into `output/pagefind/<n>/`.

    `changed` lists the output paths this build wrote or removed; only the shards holding one
    of those question pages are indexed again (None: index every shard). When the pages come
    from VERIFIED_TEMPLATES (their `templates_digest` is `templates`), a shard is left alone if
    each of its changed pages has the `index_digest` it had when the shard was indexed.
    """
    partial = templates == VERIFIED_TEMPLATES
    root = output / INDEX_DIR
    ids = sorted(p.parent.name for p in (output / INDEXED_PREFIX).glob("*/index.html"))
    if not ids:
        # Pagefind refuses an empty site; a site without questions has nothing to search.
        remove_index(output)
        return SearchReport(root, 0.0, 0, 0)
    listing = _read_listing(root)
    count = shard_count(len(ids), shard_size, listing[0] if listing else None)
    shards: list[list[str]] = [[] for _ in range(count)]
    for question_id in ids:
        shards[shard_of(question_id, count)].append(question_id)
    if not (root / SHARDS_FILE).is_file():
        remove_index(output)  # an index of another layout, or half of one
    todo = _stale_shards(root, count, changed, listing, output, partial)
    started = time.perf_counter()
    for number in sorted(todo):
        if shards[number]:
            _index_shard(output, root / str(number), shards[number], count, partial)
    live = {str(n) for n in range(count) if shards[n]}  # a small site may leave a shard empty
    for extra in sorted(root.glob("*")):
        if extra.is_dir() and extra.name not in live:
            shutil.rmtree(extra)
    written = {"count": count, "shards": [f"{n}/" for n in range(count) if shards[n]]}
    write_if_changed(root / SHARDS_FILE, (json.dumps(written) + "\n").encode("utf-8"))
    seconds = time.perf_counter() - started
    files = [p for p in root.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    return SearchReport(root, seconds, len(files), total, count, len(todo))


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


def _read_listing(root: Path) -> tuple[int, set[int]] | None:
    """Return (shard count, shards listed) from the shards.json the last build wrote, or None
    when it is missing or unreadable."""
    try:
        listing = json.loads((root / SHARDS_FILE).read_text("utf-8"))
        listed = {int(shard.rstrip("/")) for shard in listing["shards"]}
        count = listing["count"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return (count, listed) if isinstance(count, int) else None


def _stale_shards(
    root: Path,
    count: int,
    changed: Sequence[str] | None,
    listing: tuple[int, set[int]] | None,
    output: Path,
    partial: bool,
) -> set[int]:
    """Return the shards to index: all of them unless the existing index (its `listing`) has
    the same shard count and every shard, then only those holding a changed question page
    (with `partial`: one whose index digest is not the one its shard indexed, or unknown)."""
    if listing is None or changed is None or listing[0] != count:
        return set(range(count))
    touched = {n for n in listing[1] if not (root / str(n) / "pagefind-entry.json").is_file()}
    indexed: dict[int, dict[str, bytes]] = {}
    for path in changed:
        if not path.startswith(INDEXED_PREFIX) or path.count("/") < 2:
            continue
        question_id = path.split("/")[1]
        number = shard_of(question_id, count)
        if number in touched:
            continue
        if not partial:
            touched.add(number)
            continue
        if number not in indexed:
            indexed[number] = cache.load(root / str(number) / DIGESTS_FILE, _digests_version(count))
        try:
            page = (output / INDEXED_PREFIX / question_id / "index.html").read_bytes()
        except OSError:  # removed: the shard must forget it
            touched.add(number)
            continue
        if indexed[number].get(question_id) != index_digest(page):
            touched.add(number)
    return touched


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


def _index_shard(output: Path, target: Path, ids: list[str], count: int, partial: bool) -> None:
    """Index the pages of `ids` into `target`: hard-link them into a staging tree shaped like
    the site (so result URLs are /questions/<id>/), run Pagefind on it, swap the result in.
    With `partial`, the index digest of each page, taken while Pagefind runs, goes into the
    new shard (DIGESTS_FILE), so digests and index are swapped in together."""
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
            digests = _digests(stage, ids) if partial else None
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
    if digests is not None:
        cache.save(fresh / DIGESTS_FILE, _digests_version(count), digests)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _digests(site: Path, ids: list[str]) -> dict[str, bytes]:
    return {
        question_id: index_digest((site / INDEXED_PREFIX / question_id / "index.html").read_bytes())
        for question_id in ids
    }


def listed_shards(output: Path) -> list[str]:
    """Return the shards ("0/", "1/", ...) `shards.json` under `output` lists, or none when it
    is missing or unreadable."""
    try:
        shards = json.loads((output / INDEX_DIR / SHARDS_FILE).read_text("utf-8"))["shards"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [str(shard) for shard in shards]


def searchable(output: Path) -> list[tuple[str, dict[str, Any]]]:
    """Return (fragment id, page) of each page a search of the index under `output` can find,
    in the order of the shards `shards.json` lists. A page is what Pagefind holds of it (url,
    content, meta, filters, anchors); a fragment id starts with the page's language."""
    index = output / INDEX_DIR
    found = []
    for shard in listed_shards(output):
        for path in sorted((index / shard / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes()).removeprefix(FRAGMENT_PREFIX)
            found.append((path.name.removesuffix(".pf_fragment"), json.loads(data)))
    return found


FRAGMENT_PREFIX = b"pagefind_dcd"  # what a fragment's JSON follows, once inflated


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
