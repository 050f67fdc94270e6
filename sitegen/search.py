"""Full-text search: index the built site with Pagefind, once, after every page is written.

Pagefind reads the rendered HTML (only elements marked `data-pagefind-body`, i.e. question
pages) and writes a static index of small fragments that the reader's browser loads on demand.
It runs as one subprocess over the whole output directory: its Python API adds pages one by one
(about 0.1 s a page), which is far slower than letting the binary walk the tree.

The binary comes with the `pagefind[extended]` Python package; nothing is downloaded at run
time. The index is written beside the live one and swapped in, so a server never sees half an
index, and no stale fragments of an earlier build stay behind.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SitegenError

INDEX_DIR = "pagefind"
# Only question pages carry data-pagefind-body; globbing them saves parsing every listing page.
INDEXED_PREFIX = "questions/"
PAGE_GLOB = f"{INDEXED_PREFIX}**/*.html"


class SearchIndexError(SitegenError):
    """Pagefind is missing or failed to index the site."""


@dataclass(frozen=True, slots=True)
class SearchReport:
    index_dir: Path
    seconds: float
    files: int
    bytes: int
    reused: bool = False  # no question page changed: the existing index was kept


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


def index_site(output: Path, changed: Sequence[str] | None = None) -> SearchReport:
    """Index the question pages under `output` into `output/pagefind/`, replacing the old index.

    `changed` lists the output paths this build wrote or removed: when no question page is among
    them and an index exists, the index is still current and is left alone (None: always index).
    """
    final = output / INDEX_DIR
    fresh = output / f".{INDEX_DIR}.new"
    if (
        changed is not None
        and (final / "pagefind-entry.json").is_file()
        and not any(path.startswith(INDEXED_PREFIX) for path in changed)
    ):
        return SearchReport(final, 0.0, 0, 0, reused=True)
    if not any(output.glob(PAGE_GLOB)):
        # Pagefind refuses an empty site; a site without questions has nothing to search.
        remove_index(output)
        return SearchReport(final, 0.0, 0, 0)
    shutil.rmtree(fresh, ignore_errors=True)
    command = [
        str(pagefind_executable()),
        "--site",
        str(output),
        "--glob",
        PAGE_GLOB,
        "--output-path",
        str(fresh),
        "--silent",
    ]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(
            f"{output}: pagefind failed ({result.returncode}): {detail[-1] if detail else ''}"
        )
    remove_index(output)
    fresh.rename(final)
    files = [p for p in final.rglob("*") if p.is_file()]
    return SearchReport(final, seconds, len(files), sum(p.stat().st_size for p in files))


def remove_index(output: Path) -> None:
    """Remove a search index an earlier build left, so a build without search serves none."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
