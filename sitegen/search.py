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
(Pagefind's `mergeIndex`). A build re-indexes only the shards whose question pages changed; a
change in the shard count re-indexes them all. `pagefind/shards.json` lists the shards.

The binary comes with the `pagefind[extended]` Python package; nothing is downloaded at run
time. Each shard is written beside the live one and swapped in, so no stale fragments of an
earlier build stay behind.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from sitegen.atomic import write_if_changed
from sitegen.errors import SitegenError
from sitegen.reports import SearchReport

INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
INDEXED_PREFIX = "questions/"
SHARD_SIZE = 20_000


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
    output: Path, changed: Sequence[str] | None = None, shard_size: int = SHARD_SIZE
) -> SearchReport:
    """Index the question pages under `output` into `output/pagefind/<n>/`.

    `changed` lists the output paths this build wrote or removed; only the shards holding one
    of those question pages are indexed again (None: index every shard).
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
    todo = _stale_shards(root, count, changed, listing)
    started = time.perf_counter()
    for number in sorted(todo):
        if shards[number]:
            _index_shard(output, root / str(number), shards[number])
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
    root: Path, count: int, changed: Sequence[str] | None, listing: tuple[int, set[int]] | None
) -> set[int]:
    """Return the shards to index: all of them unless the existing index (its `listing`) has
    the same shard count and every shard, then only those holding a changed question page."""
    if listing is None or changed is None or listing[0] != count:
        return set(range(count))
    missing = {n for n in listing[1] if not (root / str(n) / "pagefind-entry.json").is_file()}
    touched = {
        shard_of(path.split("/")[1], count)
        for path in changed
        if path.startswith(INDEXED_PREFIX) and path.count("/") >= 2
    }
    return missing | touched


def _index_shard(output: Path, target: Path, ids: list[str]) -> None:
    """Index the pages of `ids` into `target`: hard-link them into a staging tree shaped like
    the site (so result URLs are /questions/<id>/), run Pagefind on it, swap the result in."""
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
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(
            f"{output}: pagefind failed ({result.returncode}): {detail[-1] if detail else ''}"
        )
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
