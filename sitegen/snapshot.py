"""The no-op fast path: when no input changed since the last finished build, do nothing.

The promise: `unchanged` is true only when the fingerprint of every input (the name, size,
mtime, ctime and inode of each file under seeds/, content/, templates/ and static/, the settings and
the code version) equals the one stored by the last build that ran to the end, and that build's
output manifest is still there. A build removes the stored fingerprint before it changes
anything, so a killed build never leaves one behind. Like git, a fingerprint taken while a file
was modified within the last 100 ms is not stored (a later edit in the same clock tick
could keep size and mtime), so such a build is simply not skipped next time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitegen import cache

SNAPSHOT_FILE = "inputs.pickle"
RACY_NS = 100_000_000  # far above the file system clock tick (a few ms)


def fingerprint(dirs: Iterable[Path], *extra: object) -> tuple[str, int]:
    """Return (digest of every input file's identity and `extra`, newest mtime or ctime)."""
    digest = hashlib.blake2b(pickle.dumps(extra, pickle.HIGHEST_PROTOCOL), digest_size=20)
    newest = 0
    for directory in dirs:
        digest.update(b"\1" + os.fsencode(directory))
        for entry in _walk(str(directory)):
            stat = entry.stat(follow_symlinks=False)
            newest = max(newest, stat.st_mtime_ns, stat.st_ctime_ns)
            digest.update(
                b"%s\0%d\0%d\0%d\0%d\n"
                % (
                    os.fsencode(entry.path),
                    stat.st_size,
                    stat.st_mtime_ns,
                    stat.st_ctime_ns,  # an edit that puts size and mtime back still moves it
                    stat.st_ino,
                )
            )
    return digest.hexdigest(), newest


def settled(*newest: int) -> bool:
    """Return whether every file is older than a clock tick, so a later change must show."""
    return max(newest) < time.time_ns() - RACY_NS


def _walk(directory: str) -> Iterable[os.DirEntry[str]]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield entry
            yield from _walk(entry.path)
        else:
            yield entry


def previous(cache_dir: Path, digest: str, version: str) -> Any | None:
    """Return what the last finished build stored with this exact fingerprint, else None."""
    stored = cache.load(cache_dir / SNAPSHOT_FILE, version)
    return stored.get(digest)


def forget(cache_dir: Path) -> None:
    """Remove the stored fingerprint (before a build changes anything)."""
    (cache_dir / SNAPSHOT_FILE).unlink(missing_ok=True)


def store(cache_dir: Path, digest: str, version: str, value: Any) -> None:
    cache.save(cache_dir / SNAPSHOT_FILE, version, {digest: value})
