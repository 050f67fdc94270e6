"""The wall time of each phase of a build, for `sitegen build --timings`: where a build spends
its time, measured in the process that spends it (profile before optimising)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_PHASES: list[tuple[str, float]] = []


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _PHASES.append((name, time.perf_counter() - started))


def take() -> list[tuple[str, float]]:
    """Return the phases timed since the last call, in the order they ended."""
    taken = list(_PHASES)
    _PHASES.clear()
    return taken
