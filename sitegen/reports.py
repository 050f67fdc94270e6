"""What each stage of a build reports to its caller: plain data, and nothing here imports the
rendering machinery, so a no-op build can read back its stored report without loading Jinja."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Diagnostic
from sitegen.model import Question

# What a long step does ("parsing seeds"), how many of its items are done, and of how many.
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class IngestReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    unchanged: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Questions parsed in this run, by id, so the build need not read back what it just wrote.
    fresh: dict[str, Question] = field(default_factory=dict)
    # What scanning will find in each record written in this run, by id (see ingest._record).
    written_facts: dict[str, tuple[str | None, str | None, bool, str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] = ()  # paths written or removed, sorted


@dataclass(frozen=True, slots=True)
class SearchReport:
    index_dir: Path
    seconds: float
    files: int
    bytes: int
    shards: int = 0
    reindexed: int = 0  # numbered shards indexed by this build
    recent: int = 0  # question pages in the recent shard (see sitegen.search)
    recent_indexed: bool = False  # whether this build indexed the recent shard or removed it
    dropped: int = 0  # stale fragments the search page leaves out (the ballast not counted)
    relisted: bool = False  # whether this build rewrote shards.json (say, to drop a page)

    @property
    def reused(self) -> bool:
        """Whether the build left the index as it was."""
        return (
            self.shards > 0
            and self.reindexed == 0
            and not self.recent_indexed
            and not self.relisted
        )


@dataclass(frozen=True, slots=True)
class BuildReport:
    ingest: IngestReport
    diagnostics: tuple[Diagnostic, ...]
    questions: int
    pages: int
    written: WriteReport | None = None
    hidden: int = 0
    search: SearchReport | None = None
    # No input changed since the last build: it returned at once, checking no output file.
    skipped: bool = False
    delta: bool = False  # only seeds and records changed: only the pages they reach rendered

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")
