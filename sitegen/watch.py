"""Watch the build's inputs and yield each batch of changes (a thin wrapper over watchfiles).

Only inputs are watched (seeds, content, templates, static and the settings file), never the
output directory or the cache; temporary files of atomic writes are ignored. Changes that are
only the records the build itself just wrote are dropped by the caller (`OwnWrites`), so a
rebuild does not trigger itself.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR

import watchfiles

from sitegen.records import is_edited


@dataclass(frozen=True, slots=True)
class OwnWrites:
    """The records a build wrote and removed, whose events the watcher reports next."""

    written: frozenset[Path] = frozenset()
    removed: frozenset[Path] = frozenset()

    def explain(self, changed: set[Path]) -> bool:
        """Return whether every change is one of these writes as the build left it: a record
        it wrote that holds no edit, a record it removed that is still gone. By what the files
        hold now, not by their names: a person's save to a record while the build wrote it
        comes in the same batch as the build's write, and must start a build."""
        return all(self._ours(path) for path in changed)

    def _ours(self, path: Path) -> bool:
        if path in self.removed:
            return not os.path.lexists(path)
        if path not in self.written:
            return False
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:  # removed since: by a person
            return False
        return not is_edited(text)


POLL_MS = 300  # how often what the OS watch cannot follow is looked at


def _interesting(change: watchfiles.Change, path: str) -> bool:
    # Hidden files are no inputs: editors' swap and lock files, and our atomic writes'
    # temporary files. (Static files, seeds and records skip them too.)
    return not os.path.basename(path).startswith(".")


def watch_inputs(inputs: list[Path], stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Yield the set of changed paths under `inputs`, batch by batch, until `stop` is set.

    Folders are watched by the OS (watchfiles). What that watch cannot follow is looked at
    every POLL_MS: a file input (the settings file: editors save one by renaming a new file
    over it, which an OS watch of the old file never sees, and it may not exist yet), and
    whether each folder is there and still the same one (a folder deleted and made again, or
    moved aside and copied back, leaves the watch on the old one): then the watch starts
    anew on the folders there are now."""
    stop = stop or threading.Event()
    while not stop.is_set():
        seen = _states(inputs)
        folders = [str(path) for path in inputs if _is_folder(seen[path])]
        batches = (
            watchfiles.watch(
                *folders,
                watch_filter=_interesting,
                stop_event=stop,
                debounce=200,
                step=50,
                rust_timeout=POLL_MS,
                yield_on_timeout=True,
            )
            if folders
            else _ticks(stop)
        )
        for changes in batches:
            now = _states(inputs)
            moved = {path for path in inputs if now[path] != seen[path]}
            changed = {Path(path) for _, path in changes} | moved
            if changed:
                yield changed
            if any(_is_folder(seen[path]) or _is_folder(now[path]) for path in moved):
                break  # watch the folders there are now
            seen = now


State = tuple[int, ...] | None  # see _states


def _states(inputs: list[Path]) -> dict[Path, State]:
    """Return what each input is: None when it is not there; a folder by its device and
    inode (what is in it, the OS watch reports); a file by its signature too."""
    states: dict[Path, State] = {}
    for path in inputs:
        try:
            stat = os.stat(path)
        except OSError:
            states[path] = None
            continue
        if S_ISDIR(stat.st_mode):
            states[path] = (1, stat.st_dev, stat.st_ino)
        else:
            states[path] = (
                0,
                stat.st_dev,
                stat.st_ino,
                stat.st_size,
                stat.st_mtime_ns,
                stat.st_ctime_ns,
            )
    return states


def _is_folder(state: State) -> bool:
    return state is not None and state[0] == 1


def _ticks(stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Yield no change every POLL_MS until `stop` is set (no folder to watch)."""
    while not stop.wait(POLL_MS / 1000):
        yield set()
