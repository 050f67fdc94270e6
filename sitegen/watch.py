"""Watch the build's inputs and yield each batch of changes (a thin wrapper over watchfiles).

Only inputs are watched (seeds, content, templates, static and the settings file), never the
output directory or the cache; temporary files of atomic writes are ignored. Paths the build
itself just wrote (records) are dropped by the caller, so a rebuild does not trigger itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles


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
