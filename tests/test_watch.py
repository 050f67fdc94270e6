"""watch_inputs yields each batch of changed inputs, and keeps watching what editors and
people do to them: a settings file saved by renaming a new file over it, or made while the
server runs; a folder deleted and made again. Hidden files (editors' swap and lock files) are
not changes."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.watch import watch_inputs

WAIT = 10.0  # seconds a change may take to show (the watch polls every 0.3 s)


class Watching:
    def __init__(self, inputs: list[Path]) -> None:
        self.batches: queue.Queue[set[Path]] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(inputs,), daemon=True)
        self.thread.start()
        time.sleep(0.5)  # the watch is set up

    def _run(self, inputs: list[Path]) -> None:
        for batch in watch_inputs(inputs, self.stop):
            self.batches.put(batch)

    def sees(self, path: Path) -> bool:
        """Return whether a batch holding `path` comes within WAIT (batches before it are
        dropped)."""
        deadline = time.monotonic() + WAIT
        while (left := deadline - time.monotonic()) > 0:
            try:
                if path in self.batches.get(timeout=left):
                    return True
            except queue.Empty:
                break
        return False

    def quiet_for(self, seconds: float) -> set[Path]:
        """Return every path reported within `seconds`."""
        seen: set[Path] = set()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen |= self.batches.get(timeout=left)
            except queue.Empty:
                break
        return seen


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Callable[[], Watching]]:
    for name in ("seeds", "content", "templates"):
        (tmp_path / name).mkdir()
    made: list[Watching] = []

    def start() -> Watching:
        inputs = [tmp_path / n for n in ("seeds", "content", "templates", "sitegen.toml")]
        made.append(Watching(inputs))
        return made[-1]

    yield start
    for one in made:
        one.stop.set()
        one.thread.join(timeout=WAIT)


def test_a_change_in_a_folder_is_seen(tmp_path: Path, watching: Callable[[], Watching]) -> None:
    watch = watching()
    (tmp_path / "seeds" / "q.txt").write_text("Q?", "utf-8")
    assert watch.sees(tmp_path / "seeds" / "q.txt")


def test_a_settings_file_made_while_watching_is_seen(
    tmp_path: Path, watching: Callable[[], Watching]
) -> None:
    watch = watching()
    (tmp_path / "sitegen.toml").write_text('title = "Clinic"\n', "utf-8")
    assert watch.sees(tmp_path / "sitegen.toml")


def test_a_settings_file_saved_by_renaming_over_it_is_seen_every_time(
    tmp_path: Path, watching: Callable[[], Watching]
) -> None:
    settings = tmp_path / "sitegen.toml"
    settings.write_text('title = "A"\n', "utf-8")
    watch = watching()
    for title in ("B", "C"):  # as vim and VS Code save: a new file renamed over the old
        fresh = tmp_path / "sitegen.toml.new"
        fresh.write_text(f'title = "{title}"\n', "utf-8")
        os.replace(fresh, settings)
        assert watch.sees(settings), title
    settings.write_text('title = "D, in place"\n', "utf-8")
    assert watch.sees(settings)


def test_a_folder_deleted_and_made_again_is_still_watched(
    tmp_path: Path, watching: Callable[[], Watching]
) -> None:
    watch = watching()
    content = tmp_path / "content"
    content.rmdir()
    assert watch.sees(content)
    content.mkdir()
    assert watch.sees(content)
    time.sleep(0.5)  # the new folder is watched
    (content / "q.yaml").write_text("id: q\n", "utf-8")
    assert watch.sees(content / "q.yaml")


def test_hidden_files_are_no_changes(tmp_path: Path, watching: Callable[[], Watching]) -> None:
    watch = watching()
    (tmp_path / "content" / ".q.yaml.swp").write_bytes(b"vim")
    (tmp_path / "seeds" / ".#q.txt").symlink_to("someone@host.4242")
    (tmp_path / "seeds" / ".q.txt.123.tmp").write_text("atomic", "utf-8")
    assert watch.quiet_for(1.5) == set()
