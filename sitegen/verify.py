"""`sitegen build --verify`: rebuild from scratch and compare, byte for byte.

The promise: `verify` builds the site again from the seeds and a copy of content/ into a
temporary directory, with no build cache, and returns every difference from what is on disk
(records and output files). An empty list means the incremental output equals a clean build.
The search index (pagefind/) is compared by what a search finds, not byte for byte: Pagefind's
files are not byte-stable between runs (Pagefind/pagefind#638). Each page a search can find
must be found once, holding what a clean build's index holds of it (text, meta, filters).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.search import INDEX_DIR, listed_shards, searchable
from sitegen.writer import MANIFEST


def verify(paths: Paths, config: Config) -> list[str]:
    """Return the differences between the files on disk and a clean build (none: equal)."""
    with tempfile.TemporaryDirectory(prefix="sitegen-verify-") as tmp:
        scratch = replace(paths, content=Path(tmp) / "content", output=Path(tmp) / "public")
        if paths.content.is_dir():
            shutil.copytree(paths.content, scratch.content)
        build(scratch, config, cache=False)
        records = _compare(scratch.content, paths.content, "records", _all_files(scratch.content))
        produced = _all_files(scratch.output)
        output = _compare(
            scratch.output, paths.output, "output", produced | _manifest(paths.output)
        )
        found = (
            _compare_index(scratch.output, paths.output) + _index_parts(paths.output)
            if config.search
            else []
        )
        return records + output + found


def _compare_index(expected_dir: Path, actual_dir: Path) -> list[str]:
    """Return how what a search finds in the index on disk differs from a clean build's."""
    expected = {page["url"]: page for _, page in searchable(expected_dir)}
    found = searchable(actual_dir)
    actual = {page["url"]: page for _, page in found}
    differences = []
    twice = {url for url, n in Counter(page["url"] for _, page in found).items() if n > 1}
    for url in sorted(expected.keys() | actual.keys()):
        if url not in actual:
            differences.append(f"search index: {url}: not found (a clean build's index finds it)")
        elif url not in expected:
            differences.append(f"search index: {url}: found, but a clean build does not index it")
        elif url in twice:
            differences.append(f"search index: {url}: found twice")
        elif actual[url] != expected[url]:
            differences.append(f"search index: {url}: differs from a clean build's index")
    return differences


def _index_parts(output: Path) -> list[str]:
    """Return what a search needs of each listed shard besides its fragments and is missing:
    its entry, each language's meta file and its word index (a search finds nothing without
    them, though every fragment is there)."""
    index = output / INDEX_DIR
    missing = []
    for shard in listed_shards(output):
        try:
            entry = json.loads((index / shard / "pagefind-entry.json").read_text("utf-8"))
            languages = sorted(entry["languages"].items())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            missing.append(f"search index: {shard}pagefind-entry.json: missing or unreadable")
            continue
        for _, facts in languages:
            meta = f"{shard}pagefind.{facts.get('hash')}.pf_meta"
            if not (index / meta).is_file():
                missing.append(f"search index: {meta}: missing")
        if not any((index / shard / "index").glob("*.pf_index")):
            missing.append(f"search index: {shard}index/: no word index files")
    return missing


def _all_files(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    found = (p.relative_to(directory) for p in directory.rglob("*") if p.is_file())
    return {p.as_posix() for p in found if not p.name.endswith(".tmp") and p.parts[0] != INDEX_DIR}


def _manifest(out_dir: Path) -> set[str]:
    """Return what the last build says it wrote (files a person put there are not compared)."""
    try:
        listed = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    return {p for p in listed if isinstance(p, str)} if isinstance(listed, list) else set()


def _compare(expected_dir: Path, actual_dir: Path, label: str, names: set[str]) -> list[str]:
    differences = []
    for name in sorted(names):
        expected, actual = expected_dir / name, actual_dir / name
        if not expected.is_file():
            differences.append(f"{label}: {name}: on disk but a clean build does not produce it")
        elif not actual.is_file():
            differences.append(f"{label}: {name}: missing (a clean build produces it)")
        elif expected.read_bytes() != actual.read_bytes():
            differences.append(f"{label}: {name}: differs from a clean build")
    actual_records = _all_files(actual_dir) if label == "records" else set()
    for name in sorted(actual_records - names):
        differences.append(f"{label}: {name}: on disk but a clean build does not produce it")
    return differences
