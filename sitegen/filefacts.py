"""Know what a file holds without reading it, when a walk lists it unchanged since a build noted
it (as git's index does), so a build over 100,000 seeds and records reads only the files that
changed, and finds them with one comparison a folder, not a lookup a file.

The promise: `FolderFacts.unchanged(role, listing)` returns the value noted for a file only when
`listing` (a walk's, taken before the caller reads any file) shows the file with the size, mtime,
ctime, inode and mode it had when the value was noted, and the value was noted more than a clock
tick after the file last changed: a change within the same tick could leave size and mtime as
they were, so such a file is simply read again next time. Callers note a value with numbers
taken before they read the bytes it comes from, so a change racing the read shows as new
numbers. A missing or damaged store notes nothing.

Per-file lookups (a signature tuple built and compared for each of 200,000 seeds and records)
took about 1.5 s of every build at 100,000 questions; comparing a folder's whole listing with
the noted one is a set operation in C.
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISLNK
from typing import Any

from sitegen import cache
from sitegen.snapshot import RACY_NS, Listing, Numbers


def rows(listing: Listing) -> Iterator[Numbers]:
    """Return the five numbers of each name of a listing, in its order."""
    _, numbers = listing
    return zip(*(numbers[i::5] for i in range(5)), strict=True)


def by_name(listing: Listing) -> dict[str, Numbers]:
    """Return the five numbers of each name of a listing, by name."""
    return dict(zip(listing[0], rows(listing), strict=True))


def differing(before: Listing, after: Listing) -> set[str]:
    """Return the names listed in only one of two listings, or with other numbers."""
    return {name for name, _ in by_name(before).items() ^ by_name(after).items()}


def numbers_of(path: str | Path) -> Numbers | None:
    """Return a file's five numbers as a walk gives them (a link counts as what it points to),
    or None when it is gone."""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_mode)


def _notable(numbers: Numbers | None, read_at: int) -> bool:
    """Return whether a value read at `read_at` from a file with these numbers may be noted: a
    regular file (a walk gives a broken link's own numbers, a vanished file zeros) that had
    not changed within a clock tick of the read."""
    return (
        numbers is not None
        and numbers[4] != 0
        and not S_ISLNK(numbers[4])
        and max(numbers[1], numbers[2]) < read_at - RACY_NS
    )


class FolderFacts:
    """Values derived from the files of a few folders (by role: "seeds", "records"), noted by
    one build for the next."""

    def __init__(self, path: Path | None, version: str) -> None:
        """`path`: a folder holding one store a role (an add rewrites the two it touches)."""
        self._path = path
        self._version = version
        self._new: dict[str, dict[str, tuple[Numbers, Any]]] = {}  # role -> name -> noted
        self._changed: set[str] = set()  # roles whose store differs from the one loaded

    def _stored(self, role: str) -> dict[str, tuple[Numbers, Any]]:
        if self._path is None:
            return {}
        stored = cache.load(self._path / f"{role}.pickle", self._version).get("facts")
        try:
            names, numbers, values = stored  # type: ignore[misc]
            return dict(zip(names, zip(rows((names, numbers)), values, strict=True), strict=True))
        except (TypeError, ValueError):  # none, or damaged
            return {}

    def unchanged(self, role: str, listing: Listing) -> dict[str, Any]:
        """Return the value noted for each name that `listing` shows as it was when noted; they
        are noted again for the next build, and only they (with what `note` adds)."""
        old = self._stored(role)
        now = dict(zip(listing[0], rows(listing), strict=True))
        kept = {
            name: noted
            for name, noted in old.items()
            if now.get(name) == noted[0]  # (a name no longer listed gives None)
        }
        if len(kept) != len(old):
            self._changed.add(role)
        self._new[role] = kept
        return {name: value for name, (_, value) in kept.items()}

    def matching(self, role: str, listing: Listing) -> dict[str, Any]:
        """Return the value noted so far (this build's notes included) for each name that
        `listing` shows with the numbers it was noted with."""
        noted = self._new.get(role, {})
        return {
            name: noted[name][1]
            for name, numbers in zip(listing[0], rows(listing), strict=True)
            if name in noted and noted[name][0] == numbers
        }

    def note(
        self, role: str, name: str, numbers: Numbers | None, value: Any, read_at: int | None = None
    ) -> None:
        """Note `value`, derived from bytes read after the file had `numbers`; `read_at` is when
        they were read (time.time_ns(), now when not given): a file changed within a clock tick
        of its read is not noted."""
        read_at = time.time_ns() if read_at is None else read_at
        if numbers is not None and _notable(numbers, read_at):
            noted = self._new.setdefault(role, {})
            if noted.get(name) != (numbers, value):
                noted[name] = (numbers, value)
                self._changed.add(role)

    def save(self) -> None:
        """Keep what this build noted, for each role it changed (files it did not look at are
        forgotten)."""
        if self._path is None:
            return
        for role in sorted(self._changed):
            noted = self._new.get(role, {})
            names = list(noted)
            numbers = array("q")
            for file_numbers, _ in noted.values():
                numbers.extend(file_numbers)
            values = [value for _, value in noted.values()]
            self._path.mkdir(parents=True, exist_ok=True)
            stored = {"facts": (names, numbers, values)}
            cache.save(self._path / f"{role}.pickle", self._version, stored)
        self._changed.clear()
