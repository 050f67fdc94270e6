"""The wall time and memory of each phase of a build, for `sitegen build --timings`: where a
build spends its time and memory, measured in the process that spends it (profile before
optimising)."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    seconds: float
    rss: int  # bytes resident at its end (0 where the system does not say)
    peak: int  # the most bytes this process held resident so far
    # The most any finished child process held: a render worker (or the look's walker).
    workers_peak: int


_PHASES: list[Phase] = []


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        rss, peak = _resident()
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * _RU_UNIT
        _PHASES.append(Phase(name, seconds, rss, peak, children))


def _resident() -> tuple[int, int]:
    """Return this process's resident and peak resident bytes (Linux: /proc; elsewhere the
    peak alone, from getrusage)."""
    try:
        with open("/proc/self/status", "rb") as status:
            fields = dict(line.split(b":", 1) for line in status if b":" in line)
        return int(fields[b"VmRSS"].split()[0]) * 1024, int(fields[b"VmHWM"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _RU_UNIT


_RU_UNIT = 1 if sys.platform == "darwin" else 1024  # getrusage's peak: bytes there, else KB


def take() -> list[Phase]:
    """Return the phases timed since the last call, in the order they ended."""
    taken = list(_PHASES)
    _PHASES.clear()
    return taken


def line(phase: Phase) -> str:
    """Return a phase as `--timings` prints it: seconds, name, then memory in MB."""
    mb = 1 << 20
    memory = f"rss {phase.rss // mb} MB, peak {phase.peak // mb} MB"
    if phase.workers_peak:
        memory += f", workers' peak {phase.workers_peak // mb} MB"
    return f"{phase.seconds:8.2f}s  {phase.name}  ({memory})"
