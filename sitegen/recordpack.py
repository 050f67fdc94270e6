"""Questions stored in one file to be read one at a time by id: the record store a delta build
reads the questions of its pages from (docs/delta-builds.md, step 4).

The record cache (ingest.py) keeps every question in shards a build loads whole: right when a
build loads them all, 2 s for the 18 records a page shows at 100,000 questions. A pack holds each
question pickled on its own, and an index of where each is and the digest of the record it was
loaded from, so reading one costs a seek, a read and an unpickle (PyYAML took 1 ms a record).

The promise, as the cache's: a question comes back only for the digest of the record bytes it
was loaded from, from a pack written by the same code (`version`); a missing, truncated or
foreign file reads as empty.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from sitegen.atomic import atomic_file
from sitegen.model import Question

_MAGIC = b"sitegen-pack-1\n"
_TAIL = struct.Struct("<Q")  # where the index starts, the last 8 bytes of the file

Index = dict[str, tuple[int, int, str]]  # id -> (offset, length, record digest)


def write_pack(
    path: Path,
    version: str,
    entries: Mapping[str, tuple[str, Question]],
    reuse: str | None = None,
) -> None:
    """Write the questions (id -> (record digest, question)), in id order, atomically, as
    they are pickled: at 100,000 questions the whole file held in memory is 400 MB.
    `reuse`: the start of a version (the same code's) whose pack, there now, lends the bytes
    of each question stored for the same digest: pickling them all took a build that
    changed one record 2.7 s at 100,000 questions; copying them, a tenth of that."""
    old = Pack(path, reuse, prefix=True) if reuse is not None else None
    if old is not None and not _sound(old):
        old.close()
        old = None  # (pickled afresh, all of them)
    try:
        with atomic_file(path) as file:
            head = _MAGIC + pickle.dumps(version, pickle.HIGHEST_PROTOCOL)
            file.write(head)
            offset = len(head)
            index: Index = {}
            copy = _Copy(old, file)
            for qid in sorted(entries):
                digest, question = entries[qid]
                stored = old.index.get(qid) if old is not None else None
                if stored is not None and stored[2] == digest:
                    copy.add(stored[0], stored[1])
                    index[qid] = (offset, stored[1], digest)
                    offset += stored[1]
                    continue
                copy.flush()
                data = pickle.dumps(question, pickle.HIGHEST_PROTOCOL)
                index[qid] = (offset, len(data), digest)
                file.write(data)
                offset += len(data)
            copy.flush()
            file.write(pickle.dumps(index, pickle.HIGHEST_PROTOCOL))
            file.write(_TAIL.pack(offset))
    finally:
        if old is not None:
            old.close()


def _sound(pack: Pack) -> bool:
    """Return whether every entry of a pack's index lies within its file, in order and apart
    (a damaged index that still unpickles would copy wrong bytes, or fail the build)."""
    if pack.size is None:
        return False
    size, end = pack.size - _TAIL.size, 0
    for entry in pack.index.values():
        if not (isinstance(entry, tuple) and len(entry) == 3):
            return False
        offset, length, digest = entry
        if not (type(offset) is int and type(length) is int and isinstance(digest, str)):
            return False
        if offset < end or length < 0 or offset + length > size:
            return False
        end = offset + length
    return True


class _Copy:
    """Byte ranges of the old pack, written out in runs of adjacent ones."""

    RUN = 1 << 23  # bytes read at a time

    def __init__(self, old: Pack | None, file: BinaryIO) -> None:
        self.old, self.file = old, file
        self.start = self.end = 0

    def add(self, offset: int, length: int) -> None:
        if offset != self.end or self.end - self.start >= self.RUN:
            self.flush()
            self.start = offset
        self.end = offset + length

    def flush(self) -> None:
        if self.end > self.start and self.old is not None:
            data = self.old.read(self.start, self.end - self.start)
            if data is None or len(data) != self.end - self.start:
                raise OSError("the old record pack is shorter than its index says")
            self.file.write(data)
        self.start = self.end = 0


class Pack:
    """The questions of a pack, read by id on demand."""

    def __init__(self, path: Path, version: str, *, prefix: bool = False) -> None:
        """`prefix`: read a pack whose version starts with `version`."""
        self.index: Index = {}
        self._fd: int | None = None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return
        try:
            self.index = _index(fd, version, prefix)
        except Exception:  # any damage at all means: an empty pack
            self.index = {}
        if self.index:
            self._fd = fd
        else:
            os.close(fd)

    def digest(self, qid: str) -> str | None:
        """Return the digest of the record the pack's question `qid` was loaded from."""
        entry = self.index.get(qid)
        return entry[2] if entry is not None else None

    def get(self, qid: str, digest: str) -> Question | None:
        """Return the question loaded from the record whose bytes have this digest, or None."""
        entry = self.index.get(qid)
        if entry is None or entry[2] != digest:
            return None
        try:
            data = self.read(entry[0], entry[1])
            question = pickle.loads(data) if data is not None else None
        except Exception:  # a damaged entry reads as a missing one
            return None
        return question if isinstance(question, Question) and question.id == qid else None

    @property
    def size(self) -> int | None:
        """The pack file's size in bytes, or None when no pack was read."""
        return os.fstat(self._fd).st_size if self._fd is not None else None

    def read(self, offset: int, length: int) -> bytes | None:
        """Return `length` bytes of the pack file from `offset`, or None when no pack was read."""
        return os.pread(self._fd, length, offset) if self._fd is not None else None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _index(fd: int, version: str, prefix: bool) -> Index:
    size = os.fstat(fd).st_size
    head = os.pread(fd, min(size, 4096), 0)
    if not head.startswith(_MAGIC) or size < len(_MAGIC) + _TAIL.size:
        return {}
    stored = pickle.loads(head[len(_MAGIC) :])  # the version; unpickling stops after it
    if not isinstance(stored, str) or not (
        stored.startswith(version) if prefix else stored == version
    ):
        return {}
    (start,) = _TAIL.unpack(os.pread(fd, _TAIL.size, size - _TAIL.size))
    index = pickle.loads(os.pread(fd, size - _TAIL.size - start, start))
    return index if isinstance(index, dict) else {}
