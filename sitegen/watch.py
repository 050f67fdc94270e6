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


def _interesting(change: watchfiles.Change, path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(".") and name.endswith(".tmp"))


def watch_inputs(inputs: list[Path], stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Yield the set of changed paths under `inputs` (those that exist), batch by batch."""
    existing = [str(p) for p in inputs if p.exists()]
    for changes in watchfiles.watch(
        *existing, watch_filter=_interesting, stop_event=stop, debounce=200, step=50
    ):
        yield {Path(path) for _, path in changes}
