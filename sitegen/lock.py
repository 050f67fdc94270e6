"""One build at a time per project: two at once (a `sitegen build` while `serve` rebuilds) would
write the same records, cache shards and search stage under each other."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"


@contextmanager
def project_lock(cache_dir: Path) -> Iterator[None]:
    """Hold the project's build lock (in its cache dir), waiting for another build to finish.
    The kernel drops the lock when its process ends, however it ends."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(cache_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another sitegen build of this project to finish", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
