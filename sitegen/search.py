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
(Pagefind's `mergeIndex`). A build re-indexes only the shards where what Pagefind reads of a
question page changed (`index_digest`: a new related list is not a change); a change in the
shard count re-indexes them all. `pagefind/shards.json` lists the shards.

The binary comes with the `pagefind[extended]` Python package; nothing is downloaded at run
time. Each shard is written beside the live one and swapped in, so no stale fragments of an
earlier build stay behind.
"""

from __future__ import annotations

import functools
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

from sitegen import cache
from sitegen.atomic import write_if_changed
from sitegen.errors import SitegenError
from sitegen.reports import SearchReport

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
INDEXED_PREFIX = "questions/"
SHARD_SIZE = 20_000
SEARCH_DIR = "search"  # in the build cache: what each shard indexed, see index_digest
DIGESTS_VERSION = "search-digests-1"  # bump when index_digest changes what it covers


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
    memory: Path | None = None,
) -> SearchReport:
    """Index the question pages under `output` into `output/pagefind/<n>/`.

    `changed` lists the output paths this build wrote or removed; only the shards holding one
    of those question pages are indexed again (None: index every shard). `memory` is a
    directory where the index digest of every page a shard indexed is kept: with it, a
    rewritten page whose digest is the one its shard indexed leaves the shard alone.
    """
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
    todo = _stale_shards(root, count, changed, listing, output, memory)
    started = time.perf_counter()
    for number in sorted(todo):
        if shards[number]:
            _index_shard(output, root / str(number), shards[number], memory, count)
    live = {str(n) for n in range(count) if shards[n]}  # a small site may leave a shard empty
    for extra in sorted(root.glob("*")):
        if extra.is_dir() and extra.name not in live:
            shutil.rmtree(extra)
    for extra in sorted(memory.glob("*.pickle")) if memory is not None else []:
        if extra.stem not in live:
            extra.unlink()
    written = {"count": count, "shards": [f"{n}/" for n in range(count) if shards[n]]}
    write_if_changed(root / SHARDS_FILE, (json.dumps(written) + "\n").encode("utf-8"))
    seconds = time.perf_counter() - started
    files = [p for p in root.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    return SearchReport(root, seconds, len(files), total, count, len(todo))


_MARK = b"data-pagefind-"
_TAG_NAME = re.compile(rb"<([a-z][a-z0-9-]*)")
# Inside these a closing tag may not close anything, so a body holding one is not delimited.
_OPAQUE = re.compile(rb"<!--|<!\[cdata\[|<(?:script|style|textarea|template|title)\b")


def index_digest(page: bytes) -> bytes:
    """Return a digest of what Pagefind reads from `page`: the <html> tag (its language), the
    <head>, each `data-pagefind-body` element, and the tags marked `data-pagefind-ignore`
    outside those. A page this cannot take apart with certainty (no body element, one holding
    a comment or raw text where a closing tag may hide, a filter, meta or sort attribute
    outside the body elements, which Pagefind also reads) gets the digest of all its bytes:
    a doubt re-indexes, never the other way round."""
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
    if 0 <= html < head[0]:
        parts.insert(0, (html, low.find(b">", html) + 1))
    for start, end in outside:
        mark = low.find(_MARK, start, end)
        while mark >= 0:
            opening = _tag_around(low, mark)
            if opening is not None:
                if not low.startswith(b"ignore", mark + len(_MARK)):
                    return whole  # a filter, meta, sort... that Pagefind reads anywhere
                parts.append((opening, low.find(b">", mark) + 1))
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
    memory: Path | None,
) -> set[int]:
    """Return the shards to index: all of them unless the existing index (its `listing`) has
    the same shard count and every shard, then only those holding a changed question page
    whose index digest is not the one its shard indexed (or unknown)."""
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
        if memory is None:
            touched.add(number)
            continue
        if number not in indexed:
            indexed[number] = cache.load(memory / f"{number}.pickle", _digests_version(count))
        try:
            page = (output / INDEXED_PREFIX / question_id / "index.html").read_bytes()
        except OSError:  # removed: the shard must forget it
            touched.add(number)
            continue
        if indexed[number].get(question_id) != index_digest(page):
            touched.add(number)
    return touched


def _digests_version(count: int) -> str:
    return f"{DIGESTS_VERSION}:{count}"


def _index_shard(
    output: Path, target: Path, ids: list[str], memory: Path | None, count: int
) -> None:
    """Index the pages of `ids` into `target`: hard-link them into a staging tree shaped like
    the site (so result URLs are /questions/<id>/), run Pagefind on it, swap the result in.
    With `memory`, keep the index digest of each page indexed, computed while Pagefind runs;
    the shard's old digests go first, so a build killed midway leaves none that lie."""
    stage = output / f".{INDEX_DIR}-stage"
    fresh = target.with_name(f".{target.name}.new")
    remembered = memory / f"{target.name}.pickle" if memory is not None else None
    if remembered is not None:
        remembered.unlink(missing_ok=True)
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
            digests = _digests(stage, ids) if remembered is not None else {}
        finally:
            stdout, stderr = process.communicate()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if process.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (stderr or stdout).strip().splitlines()
        raise SearchIndexError(
            f"{output}: pagefind failed ({process.returncode}): {detail[-1] if detail else ''}"
        )
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    if remembered is not None:
        cache.save(remembered, _digests_version(count), digests)


def _digests(site: Path, ids: list[str]) -> dict[str, bytes]:
    return {
        question_id: index_digest((site / INDEXED_PREFIX / question_id / "index.html").read_bytes())
        for question_id in ids
    }


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
