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
    not changed within a clock tick of the read, with numbers a store can hold (an inode past
    64 bits, on some file systems, cannot be)."""
    return (
        numbers is not None
        and all(_INT64[0] <= n <= _INT64[1] for n in numbers)
        and numbers[4] != 0
        and not S_ISLNK(numbers[4])
        and max(numbers[1], numbers[2]) < read_at - RACY_NS
    )


_INT64 = (-(2**63), 2**63 - 1)


class FolderFacts:
    """Values derived from the files of a few folders (by role: "seeds", "records"), noted by
    one build for the next. A build checks each role with `unchanged` before it notes anything
    of it: what that call does not keep is forgotten when the role is saved."""

    def __init__(self, path: Path | None, version: str) -> None:
        """`path`: a folder holding one store a role (an add rewrites the two it touches)."""
        self._path = path
        self._version = version
        # Per role: a listing whose every name is noted with the numbers it lists, and the
        # values in its order (a folder unchanged since the last build: nothing per file)...
        self._whole: dict[str, tuple[Listing, list[Any]]] = {}
        # ...and the other notes, by name (over the whole listing's, when there is one).
        self._notes: dict[str, dict[str, tuple[Numbers, Any]]] = {}
        self._latest: dict[str, Listing] = {}  # the last listing a role was checked against
        self._changed: set[str] = set()  # roles whose store differs from the one loaded

    def _stored(self, role: str) -> tuple[list[str], array[int], list[Any]] | None:
        if self._path is None:
            return None
        stored = cache.load(self._path / f"{role}.pickle", self._version).get("facts")
        if (
            isinstance(stored, tuple)
            and len(stored) == 3
            and isinstance(stored[0], list)
            and isinstance(stored[1], array)
            and isinstance(stored[2], list)
            and len(stored[0]) * 5 == len(stored[1])
            and len(stored[0]) == len(stored[2])
        ):
            return stored
        return None  # none, or damaged

    def _entries(self, role: str) -> dict[str, tuple[Numbers, Any]]:
        """Return every note of a role by name (the whole listing's are spelled out)."""
        whole = self._whole.pop(role, None)
        notes = self._notes.setdefault(role, {})
        if whole is not None:
            listing, values = whole
            spelled = dict(zip(listing[0], zip(rows(listing), values, strict=True), strict=True))
            spelled.update(notes)
            notes = self._notes[role] = spelled
        return notes

    def unchanged(self, role: str, listing: Listing) -> dict[str, Any]:
        """Return the value noted for each name that `listing` shows as it was when noted; they
        are noted again for the next build, and only they (with what `note` adds)."""
        self._latest[role] = listing
        stored = self._stored(role)
        notes = self._notes.setdefault(role, {})  # (notes made before this call win)
        if stored is None:
            self._changed.add(role)
            return {}
        names, numbers, values = stored
        if names == listing[0] and numbers == listing[1]:
            self._whole[role] = (listing, values)
            return dict(zip(names, values, strict=True))
        now = by_name(listing)
        kept = {
            name: noted
            for name, noted in zip(names, zip(rows(stored[:2]), values, strict=True), strict=True)
            if now.get(name) == noted[0]  # (a name no longer listed gives None)
        }
        self._changed.add(role)  # (saved again in the listing's order: see save)
        self._notes[role] = {**kept, **notes}
        return {name: value for name, (_, value) in kept.items()}

    def matching(self, role: str, listing: Listing) -> dict[str, Any]:
        """Return the value noted so far (this build's notes included) for each name that
        `listing` shows with the numbers it was noted with."""
        self._latest[role] = listing
        whole = self._whole.get(role)
        if whole is not None and not self._notes.get(role) and whole[0] == listing:
            return dict(zip(listing[0], whole[1], strict=True))
        noted = self._entries(role)
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
            self._notes.setdefault(role, {})[name] = (numbers, value)
            self._changed.add(role)

    def save(self) -> None:
        """Keep what this build noted, for each role it changed, in the order of the last
        listing the role was checked against (the next build's walk lists an unchanged folder
        in that order: then its notes are taken whole). Notes of files that listing does not
        show with the numbers noted are forgotten."""
        if self._path is None:
            return
        for role in sorted(self._changed):
            noted = self._entries(role)
            latest = self._latest.get(role)
            order = (
                zip(latest[0], rows(latest), strict=True)
                if latest is not None
                else ((name, numbers) for name, (numbers, _) in noted.items())
            )
            names: list[str] = []
            numbers = array("q")
            values: list[Any] = []
            missing = (None, None)
            for name, listed_numbers in order:
                file_numbers, value = noted.get(name, missing)
                if file_numbers == listed_numbers:
                    names.append(name)
                    numbers.extend(listed_numbers)
                    values.append(value)
            self._path.mkdir(parents=True, exist_ok=True)
            stored = {"facts": (names, numbers, values)}
            cache.save(self._path / f"{role}.pickle", self._version, stored)
        self._changed.clear()
