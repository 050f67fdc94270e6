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
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

# multiprocessing, concurrent.futures and ctypes are imported where a pool starts: a no-op
# build asks `workers()` and must not pay 20 ms for loading them.

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool (about 50 ms to start) is not worth it.
MIN_ITEMS = 400
CHUNK_ITEMS = 200  # items per task sent to a worker process, at most
AHEAD = 3  # chunks per process submitted ahead of the one the caller waits for


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
    # Small chunks, and only a few ahead of the caller: results wait in this process until
    # it takes them, and at 100,000 seeds in 16 chunks that was 250 MB of waiting records.
    size = max(1, min(CHUNK_ITEMS, len(items) // (count * 8)))
    chunks = (items[start : start + size] for start in range(0, len(items), size))
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending = deque(pool.submit(_map_chunk, fn, c) for c in islice(chunks, count * AHEAD))
        while pending:
            done = pending.popleft().result()
            for later in islice(chunks, 1):
                pending.append(pool.submit(_map_chunk, fn, later))
            yield from done


def _map_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


def run_forked(fn: Callable[[int, int], R], count: int, processes: int | None = None) -> list[R]:
    """Return `[fn(k, count) for k in range(count)]`, each call in its own forked process, at
    most `processes` (default: one per core) at a time, so `fn` may close over anything (the
    processes inherit it). A process ends with its call: what it allocated is gone before the
    next starts, so splitting work into more calls than cores bounds each one's memory. On one
    core or without fork, the calls run in here."""
    processes = min(count, processes or workers())
    if count < 2 or processes < 2 or not hasattr(os, "fork"):
        return [fn(k, count) for k in range(count)]
    import pickle
    import selectors

    results: dict[int, tuple[bool, Any]] = {}  # k -> (returned, value or exception)
    running: dict[int, tuple[int, int, list[bytes]]] = {}  # fd -> (k, pid, chunks read)
    waiting = iter(range(count))
    with selectors.DefaultSelector() as selector:
        try:
            while len(results) < count:
                while len(running) < processes and (k := next(waiting, None)) is not None:
                    fd, pid = _fork_call(fn, k, count)
                    running[fd] = (k, pid, [])
                    selector.register(fd, selectors.EVENT_READ)
                for key, _ in selector.select():
                    fd = key.fd
                    k, pid, chunks = running[fd]
                    chunk = os.read(fd, 1 << 20)
                    if chunk:
                        chunks.append(chunk)
                        continue
                    selector.unregister(fd)
                    os.close(fd)
                    del running[fd]
                    _, status = os.waitpid(pid, 0)
                    if not chunks or status != 0:
                        raise RuntimeError(f"a worker process died (wait status {status})")
                    results[k] = pickle.loads(b"".join(chunks))  # now: bytes go, objects stay
        finally:
            for fd, (_, pid, _) in running.items():  # an error: stop the others
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(fd)
    for ok, value in (results[k] for k in range(count)):
        if not ok:
            raise value
    return [results[k][1] for k in range(count)]


def _fork_call(fn: Callable[[int, int], object], k: int, count: int) -> tuple[int, int]:
    """Start `fn(k, count)` in a forked process; return the pipe its pickled result comes
    through and its pid."""
    import pickle

    read, write = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child would write the parent's buffered text again
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(write)
        return read, pid
    code = 1
    try:
        os.close(read)
        _die_with_parent(parent)
        try:
            outcome: tuple[bool, object] = (True, fn(k, count))
        except Exception as exc:  # the parent raises it
            outcome = (False, exc)
        try:
            pickled = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result or error that does not pickle: say which
            pickled = pickle.dumps((False, RuntimeError(f"worker {k}: {exc!r}")))
        data = memoryview(pickled)
        while data:
            data = data[os.write(write, data) :]
        code = 0
    finally:
        os._exit(code)  # never return into the parent's code, run its atexit hooks or flush


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
