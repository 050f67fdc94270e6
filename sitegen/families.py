"""Skip a whole family of pages (a question's page, every page of one list) whose source did not
change since the last build, without building each page's context to key it.

The promise: every page of a family is a function of the family's source, of the template it
renders with (and what that template uses), of the settings and of the code, plus the
site-wide lookups its template made (see `pagekeys.Lookups`). So when the digest of all of those
equals the one the last build stored, the family has the same pages at the same paths with the
same contexts, and a page of it needs only what `PageKeys.still` checks: each lookup gives the
same answer and the file is as written. When one page fails that, the family goes through the
per-page keys as a changed one does. Like a page key, an entry can only save a render, never
skip one that is due.

The sources (render.py names them): a question page's question, whether its title is shared
and its related questions; a list's pages, the value holding the list (a group, a doctor
profile, the site's questions, an index's groups or doctors).

At 100,000 questions, keying each of 131,700 pages from its context was most of the time an
added seed took to build (8 of 24 seconds).
"""

from __future__ import annotations

from pathlib import Path

from sitegen import cache

FAMILIES_DIR = "families"  # shards: question families by hash, the others by kind

# A family's entry: the digest of its source and its pages' output paths, in order.
Family = tuple[bytes, tuple[str, ...]]


def family_shard(name: str) -> str:
    kind, _, rest = name.partition(":")
    return f"q{cache.hashed_shard(rest)}" if kind == "q" else kind


class Families:
    """The families of the last build, and what this build found of each."""

    def __init__(self, path: Path | None, version: str, *, trust: bool = True) -> None:
        """`trust=False` (after a build that was killed) starts from nothing: its pages may
        have been written after their families were stored."""
        self.path = path
        self.version = version
        self.previous: dict[str, Family] = (
            cache.load_shards(path, version) if path is not None and trust else {}
        )
        self.fresh: dict[str, Family] = {}  # changed or new this build
        self.kept: set[str] = set()  # found as the last build stored them (digest and pages)

    def skip(self, name: str, digest: bytes) -> tuple[str, ...] | None:
        """Return the pages of family `name` if its source digest is the stored one."""
        before = self.previous.get(name)
        return before[1] if before is not None and before[0] == digest else None

    def add(self, name: str, digest: bytes, paths: tuple[str, ...]) -> None:
        before = self.previous.get(name)
        if before is not None and before == (digest, paths):
            self.kept.add(name)
        else:
            self.fresh[name] = (digest, paths)

    def merge(self, fresh: dict[str, Family], kept: set[str]) -> None:
        """Take in what a render process found (forked: its families reach the parent here)."""
        self.fresh.update(fresh)
        self.kept |= kept

    def save(self) -> None:
        """Store this build's families: those it kept and those it found changed or new."""
        if self.path is None:
            return
        cache.save_shards(self.path, self.version, self.current(), self.previous, family_shard)

    def current(self) -> dict[str, Family]:
        """Return this build's families: those it kept and those it found changed or new."""
        current = {name: self.previous[name] for name in self.kept if name in self.previous}
        current.update(self.fresh)
        return current
