"""Run a pure function over many items on every core, results in input order.

The promise: `map_ordered(fn, items)` returns exactly `[fn(x) for x in items]` (and
`imap_ordered` yields the same, one by one), so using either never changes a byte of output;
small inputs (and one-core machines) skip the process pool, whose start-up would cost more
than it saves. `fn` and the items must be picklable.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

# multiprocessing, concurrent.futures and ctypes are imported where a pool starts: a no-op
# build asks `workers()` and must not pay 20 ms for loading them.

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool (about 50 ms to start) is not worth it.
MIN_ITEMS = 400


def workers() -> int:
    """Return how many processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_ordered(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """Return `[fn(x) for x in items]`, computed in worker processes when that pays."""
    return list(imap_ordered(fn, items))


def imap_ordered(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """Yield `fn(x)` for each x in order, computed in worker processes when that pays; a
    result can be used (and dropped) before the later ones are all done."""
    count = workers()
    if count < 2 or len(items) < MIN_ITEMS:
        yield from (fn(item) for item in items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where available: workers inherit imported modules instead of re-importing them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, len(items) // (count * 8))
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(fn, items, chunksize=chunk)


_FORKED: list[Callable[[int, int], object]] = []  # the function forked workers run


def run_forked(fn: Callable[[int, int], R], count: int) -> list[R]:
    """Return `[fn(k, count) for k in range(count)]`, each call in its own forked process, so
    `fn` may close over anything (the workers inherit it); on one core or without fork, in here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(k, count) for k in range(count)]
    _FORKED[:] = [fn]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            count, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            return list(pool.map(_call_forked, range(count), [count] * count))  # type: ignore[arg-type]
    finally:
        _FORKED.clear()


def _call_forked(k: int, count: int) -> object:
    return _FORKED[0](k, count)


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the build process dies, even by SIGKILL: a forked worker
    holds the pool's pipes itself, so it would never see them close and would wait forever.
    Also turn the garbage collector on: the build may have paused it before forking."""
    gc.enable()
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1
