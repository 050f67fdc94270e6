"""watch_inputs yields each batch of changed inputs, and keeps watching what editors and
people do to them: a settings file saved by renaming a new file over it, or made while the
server runs; a folder deleted and made again. Hidden files (editors' swap and lock files) are
not changes."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sitegen import watch as watch_module
from sitegen.watch import watch_inputs

WAIT = 10.0  # seconds a change may take to show (the watch polls every 0.3 s)


class Watching:
    def __init__(self, inputs: list[Path], during: Callable[[set[Path]], None]) -> None:
        """Watch `inputs` on a thread; `during(batch)` runs before the watch goes on, as the
        caller's build of that batch does."""
        self.batches: queue.Queue[set[Path]] = queue.Queue()
        self.stop = threading.Event()
        self.during = during
        self.thread = threading.Thread(target=self._run, args=(inputs,), daemon=True)
        self.thread.start()
        assert self.batches.get(timeout=WAIT) == set(inputs)  # watching now

    def _run(self, inputs: list[Path]) -> None:
        for batch in watch_inputs(inputs, self.stop):
            self.batches.put(batch)
            self.during(batch)

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
def watching(tmp_path: Path) -> Iterator[Callable[..., Watching]]:
    for name in ("seeds", "content", "templates"):
        (tmp_path / name).mkdir()
    made: list[Watching] = []

    def start(during: Callable[[set[Path]], None] = lambda batch: None) -> Watching:
        inputs = [tmp_path / n for n in ("seeds", "content", "templates", "sitegen.toml")]
        made.append(Watching(inputs, during))
        return made[-1]

    yield start
    for one in made:
        one.stop.set()
        one.thread.join(timeout=WAIT)


def test_a_change_in_a_folder_is_seen(tmp_path: Path, watching: Callable[..., Watching]) -> None:
    watch = watching()
    (tmp_path / "seeds" / "q.txt").write_text("Q?", "utf-8")
    assert watch.sees(tmp_path / "seeds" / "q.txt")


def test_a_settings_file_made_while_watching_is_seen(
    tmp_path: Path, watching: Callable[..., Watching]
) -> None:
    watch = watching()
    (tmp_path / "sitegen.toml").write_text('title = "Clinic"\n', "utf-8")
    assert watch.sees(tmp_path / "sitegen.toml")


def test_a_settings_file_saved_by_renaming_over_it_is_seen_every_time(
    tmp_path: Path, watching: Callable[..., Watching]
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


def test_a_folder_deleted_and_made_again_at_once_is_still_watched(
    tmp_path: Path, watching: Callable[..., Watching], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The new folder may get the old one's inode (ext4 reuses them at once): then only the
    # OS's event on the folder itself tells. Here every folder looks the same throughout.
    states = watch_module._states

    def same_inodes(inputs: list[Path]) -> dict[Path, Any]:
        return {
            path: replace(found, identity=(0, 0)) if found and found.folder else found
            for path, found in states(inputs).items()
        }

    monkeypatch.setattr(watch_module, "_states", same_inodes)
    watch = watching()
    content = tmp_path / "content"
    (content / "old.yaml").write_text("id: old\n", "utf-8")
    assert watch.sees(content / "old.yaml")
    shutil.rmtree(content)
    content.mkdir()
    assert watch.sees(content)
    (content / "q.yaml").write_text("id: q\n", "utf-8")
    assert watch.sees(content / "q.yaml")


def test_a_folder_moved_aside_and_copied_back_is_still_watched(
    tmp_path: Path, watching: Callable[..., Watching]
) -> None:
    watch = watching()
    templates = tmp_path / "templates"
    (templates / "base.html").write_text("<p>", "utf-8")
    assert watch.sees(templates / "base.html")
    templates.rename(tmp_path / "aside")
    shutil.copytree(tmp_path / "aside", templates)
    assert watch.sees(templates)
    (templates / "base.html").write_text("<p>new", "utf-8")
    assert watch.sees(templates / "base.html")


def test_a_change_made_while_the_caller_builds_after_a_folder_moved_is_not_lost(
    tmp_path: Path, watching: Callable[..., Watching]
) -> None:
    seed = tmp_path / "seeds" / "q.txt"
    content = tmp_path / "content"

    def build(batch: set[Path]) -> None:
        if content in batch and not seed.exists():
            seed.write_text("Saved while the build ran?", "utf-8")
            time.sleep(0.5)

    watch = watching(build)
    content.rename(tmp_path / "aside")
    shutil.copytree(tmp_path / "aside", content)
    assert watch.sees(content)
    later = watch.quiet_for(2.0)
    assert seed in later or seed.parent in later


def test_a_folder_deleted_and_made_again_is_still_watched(
    tmp_path: Path, watching: Callable[..., Watching]
) -> None:
    watch = watching()
    content = tmp_path / "content"
    content.rmdir()
    assert watch.sees(content)
    content.mkdir()
    assert watch.sees(content)
    (content / "q.yaml").write_text("id: q\n", "utf-8")
    assert watch.sees(content / "q.yaml")


def test_every_input_comes_first_once_watched(
    tmp_path: Path, watching: Callable[..., Watching]
) -> None:
    # (Watching checks that first batch.) What changed before the watch started is not
    # known: the caller builds once it watches, and nothing made meanwhile is missed.
    watch = watching()
    assert watch.quiet_for(1.0) == set()


def test_hidden_files_are_no_changes(tmp_path: Path, watching: Callable[..., Watching]) -> None:
    watch = watching()
    (tmp_path / "content" / ".q.yaml.swp").write_bytes(b"vim")
    (tmp_path / "seeds" / ".#q.txt").symlink_to("someone@host.4242")
    (tmp_path / "seeds" / ".q.txt.123.tmp").write_text("atomic", "utf-8")
    assert watch.quiet_for(1.5) == set()
