"""A build killed at any moment (SIGKILL, at points from a fixed random seed) leaves no
truncated page or record, and the next build completes the site exactly as a clean build."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sitegen.corpus import generate_seeds, write_corpus
from sitegen.records import load_question
from tests.test_build import REPO, make_project, site_files
from tests.test_search import fragments, indexed, languages

BUILD = [sys.executable, "-m", "sitegen", "build", "--quiet"]


def run(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # A session of its own, so the build's worker processes can be found after it is killed.
    return subprocess.Popen(
        BUILD, cwd=root, env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )


def session_alive(session: int) -> bool:
    try:
        os.killpg(session, 0)
    except ProcessLookupError:
        return False
    return True


def killed_after(root: Path, seconds: float) -> tuple[int, bool]:
    """Start a build, SIGKILL it after `seconds`, and wait up to 10 s for its session (its
    worker processes, Pagefind) to end. Return its exit code and whether the session ended."""
    process = run(root)
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    code = process.wait()
    deadline = time.monotonic() + 10
    while session_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return code, not session_alive(process.pid)


def assert_nothing_truncated(root: Path) -> None:
    for page in (root / "public").rglob("*.html"):
        assert page.read_text("utf-8").endswith("</html>\n"), page
    for record in (root / "content").rglob("*.yaml"):
        load_question(record.read_text("utf-8"), str(record))


def test_a_killed_build_leaves_whole_files_and_the_next_build_equals_a_clean_one(
    tmp_path: Path,
) -> None:
    clean = make_project(tmp_path / "clean")
    killed = make_project(tmp_path / "killed")
    for root in (clean, killed):
        write_corpus(root / "seeds", 450, seed=8)  # above parallel.MIN_ITEMS: workers too
    started = time.monotonic()
    assert run(clean).wait() == 0
    duration = time.monotonic() - started
    rng = random.Random(5)
    outcomes = []
    for attempt in range(8):
        # Start each run with pages and records to write, so a kill can land mid-write; every
        # other run also without the build cache, so kills land while it is being written too.
        shutil.rmtree(killed / "public", ignore_errors=True)
        shutil.rmtree(killed / "content", ignore_errors=True)
        if attempt % 2:
            shutil.rmtree(killed / ".sitegen-cache", ignore_errors=True)
        code, ended = killed_after(killed, rng.uniform(0.1, 0.7) * duration)
        outcomes.append(code)
        assert ended  # no worker process outlives the build
        assert_nothing_truncated(killed)
    assert outcomes.count(-signal.SIGKILL) >= 3  # kills did land mid-build
    assert run(killed).wait() == 0
    assert site_files(killed) == site_files(clean)
    assert indexed(killed) == indexed(clean)  # the search index finds the same pages


def test_a_build_killed_while_it_indexes_leaves_an_index_the_next_build_completes(
    tmp_path: Path,
) -> None:
    # Small shards, so an incremental build spends most of its time re-indexing some of them
    # while it keeps the others (and their page digests) as they were.
    clean = make_project(tmp_path / "clean")
    killed = make_project(tmp_path / "killed")
    for root in (clean, killed):
        write_corpus(root / "seeds", 60, seed=9)
        (root / "sitegen.toml").write_text("search_shard_size = 15\n", "utf-8")
    assert run(killed).wait() == 0
    seeds = sorted((killed / "seeds").glob("*.txt"))
    rng = random.Random(11)
    outcomes = []
    for attempt in range(6):
        seed = seeds[attempt * 7]
        text = seed.read_text("utf-8")
        seed.write_text(text.replace("\n\n", f"\n\nKilled run {attempt}.\n\n", 1), "utf-8")
        started = time.monotonic()
        assert run(killed).wait() == 0  # how long such a build takes, then the same again
        duration = time.monotonic() - started
        seed.write_text(text.replace("\n\n", f"\n\nKilled run {attempt}, again.\n\n", 1))
        code, _ = killed_after(killed, rng.uniform(0.3, 0.95) * duration)
        outcomes.append(code)
        assert_nothing_truncated(killed)
    assert outcomes.count(-signal.SIGKILL) >= 2  # kills did land mid-build
    assert run(killed).wait() == 0
    shutil.rmtree(clean / "seeds")
    shutil.copytree(killed / "seeds", clean / "seeds")
    assert run(clean).wait() == 0
    assert site_files(killed) == site_files(clean)
    assert fragments(killed) == fragments(clean)  # every field Pagefind holds of every page
    assert languages(killed) == languages(clean)


def test_a_delta_build_killed_at_any_moment_leaves_a_site_the_next_build_completes(
    tmp_path: Path,
) -> None:
    # Each round builds the site to the end (after a killed build: the full path), adds a seed
    # and builds again (a delta build, timed), then adds another and kills that delta build
    # part way: while it parses, renders, writes, indexes or saves its state.
    clean = make_project(tmp_path / "clean")
    killed = make_project(tmp_path / "killed")
    pool = list(generate_seeds(466, seed=12))
    for name, text in pool[:450]:
        (killed / "seeds" / name).write_text(text, "utf-8")
    rng = random.Random(13)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    outcomes, deltas, attempt = [], 0, 0
    # Until three kills land mid-build (a delta build takes a second or two: one killed late
    # on a loaded machine may have ended first), within eight rounds.
    while outcomes.count(-signal.SIGKILL) < 3 and attempt < 8:
        assert run(killed).wait() == 0
        first, second = pool[450 + 2 * attempt : 452 + 2 * attempt]
        (killed / "seeds" / first[0]).write_text(first[1], "utf-8")
        started = time.monotonic()
        done = subprocess.run(BUILD[:-1], cwd=killed, env=env, capture_output=True, text=True)
        duration = time.monotonic() - started
        deltas += done.returncode == 0 and "only seeds and records changed" in done.stdout
        (killed / "seeds" / second[0]).write_text(second[1], "utf-8")
        code, ended = killed_after(killed, rng.uniform(0.1, 0.95) * duration)
        outcomes.append(code)
        assert ended
        assert_nothing_truncated(killed)
        attempt += 1
    assert deltas == attempt
    assert outcomes.count(-signal.SIGKILL) >= 3  # kills did land mid-build
    assert run(killed).wait() == 0
    shutil.copytree(killed / "seeds", clean / "seeds", dirs_exist_ok=True)
    assert run(clean).wait() == 0
    assert site_files(killed) == site_files(clean)
    assert indexed(killed) == indexed(clean)
