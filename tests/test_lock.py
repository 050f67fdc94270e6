"""One build at a time per project: a second one waits for the first to finish."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitegen.cache import CACHE_DIR
from sitegen.cli import main
from sitegen.config import Config, Paths
from sitegen.lock import LOCK_FILE, project_lock
from tests.test_build import SEED, make_project, write_seed

HOLD = """
import sys
from pathlib import Path
from sitegen.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_second_build_waits_until_the_first_releases_the_lock(tmp_path: Path) -> None:
    got = threading.Event()

    def second() -> None:
        with project_lock(tmp_path):
            got.set()

    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "held\n"
        waiter = threading.Thread(target=second)
        waiter.start()
        assert not got.wait(0.5)  # still held by the other process
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait()
    waiter.join(10)
    assert got.is_set()


def test_the_lock_is_released_when_its_holder_raises(tmp_path: Path) -> None:
    try:
        with project_lock(tmp_path):
            raise ValueError
    except ValueError:
        pass
    with (tmp_path / LOCK_FILE).open("rb") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises while it is still held


def test_build_verify_checks_under_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    held: list[bool] = []

    def verify(paths: Paths, config: Config) -> list[str]:
        with (root / CACHE_DIR / LOCK_FILE).open("rb") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(True)
            else:
                held.append(False)
        return []

    monkeypatch.setattr("sitegen.verify.verify", verify)
    monkeypatch.chdir(root)
    assert main(["build", "--verify", "--quiet"]) == 0
    assert held == [True]
