"""Watch the build's inputs and yield each batch of changes (a thin wrapper over watchfiles).

Only inputs are watched (seeds, content, templates, static and the settings file), never the
output directory or the cache; temporary files of atomic writes are ignored. Changes that are
only the records the build itself just wrote are dropped by the caller (`OwnWrites`), so a
rebuild does not trigger itself.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR
from typing import Any

import watchfiles

from sitegen.records import edited_file


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
            return edited_file(path) is False  # None: removed since, by a person
        except OSError:  # a folder in its place, unreadable: not as the build left it
            return False


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
    whether each folder is there and still the same one. When a folder comes, goes or is
    replaced (deleted and made again, moved aside and copied back: the OS watch stays on the
    old one; a folder made again may even get the old one's inode, so an event on the folder
    itself counts too), the watch starts anew on the folders there are now.

    Each start of the watch, the first one included, yields every input once it watches:
    what changed before (while the caller built, or before the first watch) is not known,
    and a build that finds nothing changed does nothing."""
    stop = stop or threading.Event()
    seen = _states(inputs)
    while not stop.is_set():
        folders = [path for path in inputs if _is_folder(seen[path])]
        started = False
        try:
            with contextlib.closing(_os_watch(folders, stop)) as batches:
                for changes in batches:
                    now = _states(inputs)
                    moved = {path for path in inputs if now[path] != seen[path]}
                    touched = {Path(path) for _, path in changes}
                    renew = bool(touched.intersection(folders)) or any(
                        _is_folder(seen[path]) or _is_folder(now[path]) for path in moved
                    )
                    seen = now  # before the caller builds: what changes meanwhile shows next
                    changed = touched | moved | (set() if started else set(inputs))
                    started = True
                    if changed:
                        yield changed
                    if renew:
                        break  # watch the folders there are now
        except FileNotFoundError:  # a folder went between the look and the watch
            stop.wait(POLL_MS / 1000)
            seen = _states(inputs)


def _os_watch(
    folders: list[Path], stop: threading.Event
) -> Generator[set[tuple[Any, str]], None, None]:
    """Yield the OS's batches of changes under `folders`, or no change, every POLL_MS."""
    if not folders:
        while not stop.wait(POLL_MS / 1000):
            yield set()
        return
    yield from watchfiles.watch(
        *folders,
        watch_filter=_interesting,
        stop_event=stop,
        debounce=200,
        step=50,
        rust_timeout=POLL_MS,
        yield_on_timeout=True,
    )


@dataclass(frozen=True, slots=True)
class _Found:
    """What an input path is: a folder by its device and inode (what is in it, the OS watch
    reports), a file by its signature too."""

    folder: bool
    identity: tuple[int, ...]


def _states(inputs: list[Path]) -> dict[Path, _Found | None]:
    """Return what each input is now, None when it is not there."""
    states: dict[Path, _Found | None] = {}
    for path in inputs:
        try:
            stat = os.stat(path)
        except OSError:
            states[path] = None
            continue
        if S_ISDIR(stat.st_mode):
            states[path] = _Found(True, (stat.st_dev, stat.st_ino))
        else:
            signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
            states[path] = _Found(False, (stat.st_dev, stat.st_ino, *signature))
    return states


def _is_folder(found: _Found | None) -> bool:
    return found is not None and found.folder
