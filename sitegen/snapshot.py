"""The no-op fast path: when no input changed since the last finished build, do nothing.

The promise: `look` returns a stored report only when the fingerprint of every input (the name,
size, mtime, ctime and inode of each file under seeds/, content/, templates/ and static/, a
linked file counted as the file it points to; the settings and the code version) equals the
one stored by the last build that ran to the end, and that build's output manifest is still
there. A build removes the stored fingerprint before it changes anything, so a killed build
never leaves one behind. What a build stores is the fingerprint taken before it read the files:
a file changed while the build ran gives the next look another fingerprint, so that build runs.
A fingerprint holding a file modified within 100 ms of the moment it would be stored is not
stored (a later edit in the same clock tick could keep size and mtime), so such a build is
simply not skipped next time.

This module imports nothing heavy: at 100,000 questions a no-op build is 200,000 stat calls
(about 0.6 s on one core here), and loading Jinja and friends would add a third to that.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from stat import S_IFLNK, S_ISDIR

from sitegen import cache
from sitegen.config import Config, Paths
from sitegen.errors import Diagnostic
from sitegen.parallel import workers
from sitegen.reports import BuildReport, WriteReport
from sitegen.writer import MANIFEST

SNAPSHOT_FILE = "inputs.pickle"
RACY_NS = 100_000_000  # far above the file system clock tick (a few ms)


# Each directory walked: its path (the walked folder joined with "/" to the names below it)
# -> the names it listed and five numbers a name, as `_stats` gives them.
Listing = tuple[list[str], "array[int]"]
Listings = dict[str, Listing]
NO_FILES: Listing = ([], array("q"))  # the listing of a folder that is not there


@dataclass(frozen=True, slots=True)
class Look:
    """What a build saw of its inputs before it started."""

    inputs: str  # fingerprint of seeds, templates, static, the settings and the code version
    content: str  # fingerprint of content/
    unchanged: BuildReport | None  # what to report when nothing changed since the last build
    newest: int = 0  # the newest mtime or ctime of a file under seeds, templates or static
    # Fingerprint of the inputs but seeds and content: templates, static, settings, code.
    others: str = ""
    # What each walked folder held, for a build to take files' numbers from instead of a
    # stat each (the walk ran before the build read any file): see `Walked`.
    walked: Walked | None = None


def look(paths: Paths, config: Config, version: str, cache_dir: Path) -> Look:
    """Fingerprint the inputs and find the report of the last build that saw exactly them."""
    prints, walked = dir_prints([*input_dirs(paths), paths.content], listed=True)
    inputs, content = combine(prints[:-1], config, version), combine(prints[-1:])
    newest = max(newest for _, newest in prints[:-1])
    last = _unpacked(cache.load(cache_dir / SNAPSHOT_FILE, version).get(inputs + content))
    others = combine(prints[1:-1], config, version)
    if last is None or not (paths.output / MANIFEST).is_file():
        return Look(inputs, content, None, newest, others=others, walked=walked)
    walked.close()  # a no-op build reads no file
    files = last.written.written + last.written.unchanged if last.written else 0
    search = (
        replace(last.search, reindexed=0, recent_indexed=False, relisted=False, seconds=0.0)
        if last.search
        else None
    )
    unchanged = replace(last, written=WriteReport(0, files, 0), search=search, skipped=True)
    return Look(inputs, content, unchanged, newest, others=others)  # (--force builds on)


class Walked:
    """The listings a walk made, part of them in a forked child that sends them only when
    asked: a no-op build needs none, and sending 100,000 names and their numbers takes about
    45 ms, a tenth of a no-op build at that size."""

    def __init__(self, listings: Listings, child: tuple[int, int, int] | None = None) -> None:
        self._listings = listings
        self._child = child  # (pid, pipe to read the listings from, pipe to ask for them on)

    def take(self) -> Listings:
        """Return every walked folder's listing (the child's too: waits for it), and forget
        them: at 100,000 files a folder, they are 10 MB a build need not hold to its end."""
        if self._child is not None:
            (pid, read_end, ask), self._child = self._child, None
            data = None
            try:
                os.write(ask, b"1")
                data = _receive(read_end)
            except OSError:
                pass  # its folders go without listings: a build stats those files itself
            finally:
                _reap(pid, read_end, ask)
            if data is not None:
                self._listings.update(pickle.loads(data))
        listings, self._listings = self._listings, {}
        return listings

    def close(self) -> None:
        """Tell the child it may end without sending its listings."""
        if self._child is not None:
            child, self._child = self._child, None
            _reap(*child)


def _reap(pid: int, read_end: int, ask: int) -> None:
    """Close both pipes to a walking child (it ends on the closed one it waits on) and wait
    for it to exit."""
    os.close(ask)
    os.close(read_end)
    os.waitpid(pid, 0)


def input_dirs(paths: Paths) -> tuple[Path, ...]:
    """Return the input directories besides content/ (which a build itself writes to)."""
    return paths.seeds, paths.templates, paths.static


def fingerprint(dirs: Sequence[Path], *extra: object) -> tuple[str, int]:
    """Return (digest of every input file's identity and `extra`, newest mtime or ctime)."""
    prints, _ = dir_prints(dirs)
    return combine(prints, *extra), max((newest for _, newest in prints), default=0)


def combine(prints: Sequence[tuple[bytes, int]], *extra: object) -> str:
    """Return the digest of directory fingerprints and `extra` (settings, code version)."""
    digest = hashlib.blake2b(pickle.dumps(extra, pickle.HIGHEST_PROTOCOL), digest_size=20)
    for one, _ in prints:
        digest.update(one)
    return digest.hexdigest()


def rest_print(listings: Listings, tree: str, skip: str) -> str:
    """Return the digest of what every folder of a walk of `tree` listed but `skip`'s: the
    names and numbers of each, but a folder's (they change with the files in it, which are
    listed themselves). Equal for two walks: the tree differs in nothing but `skip`'s files."""
    digest = hashlib.blake2b(digest_size=20)
    for folder in sorted(listings):
        if folder == skip or not (folder == tree or folder.startswith(tree + "/")):
            continue
        names, numbers = listings[folder]
        kept = array("q", numbers)
        for at, mode in enumerate(numbers[4::5]):
            if S_ISDIR(mode):
                kept[5 * at : 5 * at + 4] = array("q", bytes(32))
        encoded = "\0".join(names).encode(_FS_ENCODING, _FS_ERRORS)
        folder_name = folder.encode(_FS_ENCODING, _FS_ERRORS)
        digest.update(b"%d:%s%d:%s" % (len(folder_name), folder_name, len(encoded), encoded))
        digest.update(kept.tobytes())
    return digest.hexdigest()


def dir_prints(
    dirs: Sequence[Path], listed: bool = False
) -> tuple[list[tuple[bytes, int]], Walked]:
    """Return (digest, newest mtime or ctime) of each directory tree, every other one walked in
    a forked child when there are two cores: stat calls are the whole cost and run in parallel.
    A process with threads (the dev server) walks alone, as forking it is not safe. With
    `listed`, the Walked holds what each folder listed (else nothing): ask it or close it."""
    listings: Listings | None = {} if listed else None
    if len(dirs) < 2 or workers() < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
        return [dir_print(d, listings) for d in dirs], Walked({} if listings is None else listings)
    theirs, ours = list(dirs[0::2]), list(dirs[1::2])
    read_end, write_end = os.pipe()
    asked, ask = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child, which coverage does not follow)
        status = 1
        try:
            os.close(read_end)
            os.close(ask)
            walked: Listings | None = {} if listed else None
            _send(write_end, pickle.dumps([dir_print(d, walked) for d in theirs]))
            # The listings go only when asked for (a byte; a closed pipe means no).
            if walked is not None and os.read(asked, 1):
                _send(write_end, pickle.dumps(walked, pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    os.close(asked)
    mine = [dir_print(d, listings) for d in ours]
    data = _receive(read_end)
    walked_prints = pickle.loads(data) if data is not None else None
    if walked_prints is not None and listings is not None:
        done = Walked(listings, (child, read_end, ask))
    else:
        _reap(child, read_end, ask)
        done = Walked({} if listings is None else listings)  # the fallback below may add
    if walked_prints is None:  # the child failed: walk its folders here
        walked_prints = [dir_print(d, listings) for d in theirs]
    prints = [walked_prints[i // 2] if i % 2 == 0 else mine[i // 2] for i in range(len(dirs))]
    return prints, done


def _send(fd: int, data: bytes) -> None:
    """Write one message: its length, then its bytes (unbuffered: a later one may follow)."""
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes | None:
    """Read one message `_send` wrote, or None when the pipe ends first."""
    head = _read_exactly(fd, 8)
    return None if head is None else _read_exactly(fd, int.from_bytes(head, "big"))


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def dir_print(
    directory: Path, listings: Listings | None = None, known: Listings | None = None
) -> tuple[bytes, int]:
    """Return (digest of every entry's path, size, mtime, ctime, inode and mode, newest time);
    with `listings`, note there what each folder of the tree listed. `known`: listings taken
    earlier, whose numbers stand for the files they list instead of a stat each (a file
    changed since then shows in the next fingerprint: that build runs)."""
    parts: list[bytes] = [b"\1" + os.fsencode(directory) + b"\n"]
    newest = [0]
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return hashlib.blake2b(parts[0], digest_size=20).digest(), 0
    try:
        where = (str(directory), listings) if listings is not None else None
        _walk(fd, b"", parts, newest, set(), where, (str(directory), known or {}))
    finally:
        os.close(fd)
    return hashlib.blake2b(b"".join(parts), digest_size=20).digest(), newest[0]


def _walk(
    fd: int,
    prefix: bytes,
    parts: list[bytes],
    newest: list[int],
    above: set[tuple[int, int]],
    where: tuple[str, Listings] | None = None,
    known: tuple[str, Listings] = ("", {}),
) -> None:
    # Names relative to an open directory: the kernel resolves one name per stat, not a path.
    # listdir and os.stat, not scandir: a DirEntry and its stat cost a third more per file.
    # Names in the order the directory lists them, not sorted: stat in that order is faster,
    # and a listing that comes back in another order only costs a build, never skips one.
    # A symbolic link counts as what it points to (a build reads through it), and a folder
    # reached again through a link (a loop) is not walked again. `above`: the folders on the
    # way here, by device and inode.
    here = os.fstat(fd)
    if (here.st_dev, here.st_ino) in above:
        parts.append(b"\4%d:%s" % (len(prefix), prefix))
        return
    above.add((here.st_dev, here.st_ino))
    names = os.listdir(fd)
    parts.append(b"\2%d:%s" % (len(prefix), prefix))
    modes: Sequence[int]
    earlier = known[1].get(f"{known[0]}/{os.fsdecode(prefix)}".rstrip("/")) if known[1] else None
    try:
        numbers = _stats(fd, names) if earlier is None else _known_stats(fd, names, earlier)
    except OverflowError:  # a number past 64 bits (some file systems' inodes): as text
        text, modes, latest = _stats_as_text(fd, names)
        parts.append(text)
    else:
        encoded = "\0".join(names).encode(_FS_ENCODING, _FS_ERRORS)
        parts.append(b"%d:%s" % (len(encoded), encoded))
        parts.append(numbers.tobytes())
        modes = numbers[4::5]
        if where is not None:
            folder = f"{where[0]}/{os.fsdecode(prefix)}".rstrip("/")
            where[1][folder] = (names, numbers)
        # ctime too: an edit that puts size and mtime back still moves it.
        latest = max(max(numbers[1::5], default=0), max(numbers[2::5], default=0))
    newest[0] = max(newest[0], latest)
    for name in sorted(name for name, mode in zip(names, modes, strict=True) if S_ISDIR(mode)):
        try:
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        except (FileNotFoundError, NotADirectoryError):
            continue
        try:
            below = prefix + name.encode(_FS_ENCODING, _FS_ERRORS) + b"/"
            _walk(sub, below, parts, newest, above, where, known)
        finally:
            os.close(sub)
    above.discard((here.st_dev, here.st_ino))


def _stats(fd: int, names: list[str]) -> array[int]:
    """Return size, mtime, ctime, inode and mode of each name, five numbers a name. Per file
    this is a stat and an extend: formatting a line for each took a fifth of a walk."""
    numbers = array("q")
    extend, stat_at = numbers.extend, os.stat
    for name in names:
        try:
            stat = stat_at(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:  # removed while we listed
            extend(_GONE)
            continue
        extend((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_mode))
    links = [i for i, mode in enumerate(numbers[4::5]) if mode & _S_IFMT == S_IFLNK]
    for i in links:  # rare: checked after the loop, not in it
        target = _target(fd, names[i])
        if target is not None:
            numbers[5 * i : 5 * i + 5] = array("q", target)
    return numbers


_S_IFMT = 0o170000  # the file type bits of a mode: tested inline, not by a call a file


Numbers = tuple[int, int, int, int, int]  # size, mtime, ctime, inode, mode
_GONE: Numbers = (-1, -1, -1, -1, 0)  # a file removed between the listing and its stat


def _numbers(stat: os.stat_result) -> Numbers:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_mode)


def _known_stats(fd: int, names: list[str], earlier: Listing) -> array[int]:
    """Return what `_stats` gives, taking each name's numbers from the listing `earlier`
    where it lists the name, a stat for the others."""
    added = added_alone(names, earlier[0])
    if added is not None:  # the usual case, done in C: the listing then, a few names more
        made, start = array("q"), 0
        for count, place in enumerate(added):
            made.extend(earlier[1][5 * start : 5 * (place - count)])
            made.extend(_entry(fd, names[place]))
            start = place - count
        made.extend(earlier[1][5 * start :])
        return made
    noted = dict(zip(earlier[0], range(0, len(earlier[1]), 5), strict=True))
    numbers = array("q")
    extend, was = numbers.extend, earlier[1]
    for name in names:
        at = noted.get(name)
        if at is None:
            extend(_entry(fd, name))
        else:
            extend(was[at : at + 5])
    return numbers


def added_alone(names: list[str], earlier: list[str], most: int = 32) -> list[int] | None:
    """Return where `names` holds names `earlier` does not, in order, when taking them out
    leaves `earlier` as it is and they are at most `most`; else None."""
    if not 0 <= len(names) - len(earlier) <= most:
        return None
    new = set(names).difference(earlier)
    if len(names) - len(new) != len(earlier):
        return None
    places = sorted(names.index(name) for name in new)
    kept = list(names)
    for at in reversed(places):
        del kept[at]
    return places if kept == earlier else None


def _target(fd: int, name: str) -> Numbers | None:
    """Return the five numbers of what a link points to, or None for a broken link."""
    try:
        return _numbers(os.stat(name, dir_fd=fd))
    except OSError:  # dangling, a loop of links, or removed
        return None


def _entry(fd: int, name: str) -> Numbers:
    """Return the five numbers `_stats` gives one name, one stat at a time."""
    try:
        numbers = _numbers(os.stat(name, dir_fd=fd, follow_symlinks=False))
    except FileNotFoundError:
        return _GONE
    if numbers[4] & _S_IFMT == S_IFLNK:
        return _target(fd, name) or numbers
    return numbers


def _stats_as_text(fd: int, names: list[str]) -> tuple[bytes, list[int], int]:
    """Return what `_stats` would, as one line of text a name, with the modes and the newest
    mtime or ctime."""
    lines, modes, latest = [b"\3"], [], 0
    for name in names:
        numbers = _entry(fd, name)
        lines.append(name.encode(_FS_ENCODING, _FS_ERRORS) + b"\0%d\0%d\0%d\0%d\0%d\n" % numbers)
        modes.append(numbers[4])
        latest = max(latest, numbers[1], numbers[2])
    return b"".join(lines), modes, latest


_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()


def settled(*newest: int) -> bool:
    """Return whether every file is older than a clock tick, so a later change must show."""
    return max(newest) < time.time_ns() - RACY_NS


def forget(cache_dir: Path) -> None:
    """Remove the stored fingerprint (before a build changes anything)."""
    (cache_dir / SNAPSHOT_FILE).unlink(missing_ok=True)


def store(cache_dir: Path, digest: str, version: str, value: BuildReport) -> None:
    cache.save(cache_dir / SNAPSHOT_FILE, version, {digest: _packed(value)})


# A stored report keeps its diagnostics as columns of plain values: at 100,000 questions it
# holds 20,000 warnings, and loading them as objects took 30 ms of a 0.5 s no-op (15 ms so).
Columns = tuple[tuple[object, ...], ...]


def _packed(report: BuildReport) -> tuple[BuildReport, Columns, int]:
    """Return the report without diagnostics, its diagnostics as columns, and how many of them
    are the ingest report's (its diagnostics come first), or -1 when they are not."""
    ingest = report.ingest.diagnostics
    shared = len(ingest) if list(report.diagnostics[: len(ingest)]) == ingest else -1
    bare = replace(
        report,
        diagnostics=(),
        ingest=replace(report.ingest, diagnostics=[] if shared >= 0 else ingest),
    )
    rows = ((d.path, d.line, d.message, d.severity) for d in report.diagnostics)
    return bare, tuple(zip(*rows, strict=True)), shared


def _unpacked(stored: object) -> BuildReport | None:
    """Return the report `_packed` stored, or None for anything else."""
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[0], BuildReport)):
        return None
    bare: BuildReport = stored[0]
    columns: Columns = stored[1]
    shared: int = stored[2]
    diagnostics = tuple(map(Diagnostic, *columns)) if columns else ()
    if shared >= 0:
        bare.ingest.diagnostics = list(diagnostics[:shared])
    return replace(bare, diagnostics=diagnostics)
