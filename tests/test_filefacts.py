"""Files unchanged since a build noted them are not read again (sitegen.filefacts)."""

from __future__ import annotations

import os
import textwrap
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen import build as build_module
from sitegen import delta, filefacts, ingest, snapshot
from sitegen.cache import CACHE_DIR
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.filefacts import FolderFacts, by_name, numbers_of
from sitegen.reports import BuildReport
from sitegen.snapshot import RACY_NS, Listing
from sitegen.version import code_version
from tests.test_build import SEED, make_project, run_build, site_files


def settle(*files: Path) -> None:
    """Date files a minute back, and let their ctime (which moves to now) age past the racy
    tick, as if they were written long before this build."""
    past = time.time_ns() - 60 * 10**9
    for file in files:
        os.utime(file, ns=(past, past))
    time.sleep(RACY_NS / 1e9 * 1.5)


def settled_files(folder: Path, count: int) -> list[Path]:
    """Make a folder of `count` files holding "abc", written long before (see settle)."""
    folder.mkdir()
    files = [folder / f"f{n}.txt" for n in range(count)]
    for file in files:
        file.write_text("abc", "utf-8")
    settle(*files)
    return files


def listing(folder: Path) -> Listing:
    """Return a walk's listing of the folder, as a build's look takes it."""
    _, walked = snapshot.dir_prints([folder], listed=True)
    return walked.take()[str(folder)]


def note_all(folder: Path, store: Path, value: str = "value", version: str = "v1") -> None:
    """Note `value` for every file of the folder, as a build would, and save."""
    facts = FolderFacts(store, version)
    seen = listing(folder)
    facts.unchanged("files", seen)
    numbers = by_name(seen)
    for name in seen[0]:
        facts.note("files", name, numbers[name], value)
    facts.save()


def noted(tmp_path: Path, text: str = "abc") -> tuple[Path, Path]:
    """Return a file noted with "value", and the store it is noted in."""
    folder = tmp_path / "folder"
    folder.mkdir()
    file = folder / "f.txt"
    file.write_text(text, "utf-8")
    settle(file)
    note_all(folder, tmp_path / "facts")
    return file, tmp_path / "facts"


def known(file: Path, store: Path, version: str = "v1") -> dict[str, Any]:
    return FolderFacts(store, version).unchanged("files", listing(file.parent))


def test_an_unchanged_file_gives_the_value_noted(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    assert known(file, store) == {"f.txt": "value"}


def test_a_changed_file_gives_nothing(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    file.write_text("abd", "utf-8")
    assert known(file, store) == {}


def test_a_file_rewritten_with_its_old_size_and_mtime_gives_nothing(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    before = os.stat(file)
    file.write_text("xyz", "utf-8")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # ctime still moves
    assert known(file, store) == {}


def test_a_file_replaced_by_another_gives_nothing(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    before = os.stat(file)
    other = file.with_name("other.tmp")
    other.write_text("xyz", "utf-8")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    other.replace(file)  # same size and mtime, another inode
    assert known(file, store) == {}


def test_a_file_changed_within_the_last_clock_tick_is_not_noted(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "f.txt").write_text("abc", "utf-8")  # just now: a change in the same tick could hide
    note_all(folder, tmp_path / "facts")
    assert known(folder / "f.txt", tmp_path / "facts") == {}


def test_facts_from_other_code_are_not_used(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    assert known(file, store, version="v2") == {}


def test_a_damaged_store_notes_nothing(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    (store / "files.pickle").write_bytes(b"not a store")
    assert known(file, store) == {}


def test_only_the_files_listed_unchanged_are_kept_for_the_next_build(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    files = settled_files(folder, 3)
    note_all(folder, tmp_path / "facts")
    files[0].write_text("changed", "utf-8")
    files[1].unlink()
    facts = FolderFacts(tmp_path / "facts", "v1")
    assert facts.unchanged("files", listing(folder)) == {"f2.txt": "value"}
    facts.save()
    files[1].write_text("abc", "utf-8")  # back, but never read: not known
    settle(files[1])
    assert known(files[2], tmp_path / "facts") == {"f2.txt": "value"}


def test_matching_checks_what_is_noted_against_a_later_listing(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    facts = FolderFacts(store, "v1")
    first = listing(file.parent)
    facts.unchanged("files", first)
    assert facts.matching("files", first) == {"f.txt": "value"}
    file.write_text("abd", "utf-8")
    assert facts.matching("files", listing(file.parent)) == {}


def test_a_build_that_noted_nothing_new_rewrites_no_store(tmp_path: Path) -> None:
    file, store = noted(tmp_path)
    before = (store / "files.pickle").stat().st_mtime_ns
    time.sleep(0.01)
    facts = FolderFacts(store, "v1")
    facts.unchanged("files", listing(file.parent))
    facts.save()
    assert (store / "files.pickle").stat().st_mtime_ns == before


def test_a_walks_numbers_are_what_a_stat_of_each_file_gives(tmp_path: Path) -> None:
    files = walked_tree(tmp_path)
    numbers = {**by_name(listing(tmp_path)), **by_name(listing(tmp_path / "sub"))}
    for file in files[:-1]:
        assert numbers[file.name] == numbers_of(file)
    assert numbers_of(files[-1]) is None  # the broken link


def test_a_broken_link_is_not_noted(tmp_path: Path) -> None:
    walked_tree(tmp_path)
    facts = FolderFacts(tmp_path / "facts", "v1")
    seen = listing(tmp_path)
    facts.unchanged("files", seen)
    facts.note("files", "broken.txt", by_name(seen)["broken.txt"], "value", time.time_ns() + 10**12)
    facts.note("files", "a.txt", by_name(seen)["a.txt"], "value", time.time_ns() + 10**12)
    assert facts.matching("files", seen) == {"a.txt": "value"}


def folders_read_adding_a_seed(root: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Add a seed, build, and return the folder of each file the build read."""
    added = write_corpus(tmp / "more", 1, seed=9)[0]
    (root / "seeds" / added.name).write_bytes(added.read_bytes())
    read: list[str] = []
    real, real_read = Path.read_bytes, ingest._read

    def counting(path: Path) -> bytes:
        read.append(path.parent.name)
        return real(path)

    def counting_text(path: str) -> bytes:
        read.append(Path(path).parent.name)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    monkeypatch.setattr(ingest, "_read", counting_text)
    run_build(root)
    return read


def test_a_build_after_adding_a_seed_reads_only_that_seed_and_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 6, seed=8)
    run_build(root)
    settle(*(root / "seeds").iterdir(), *(root / "content" / "questions").iterdir())
    run_build(root)  # notes every seed and record
    read = folders_read_adding_a_seed(root, tmp_path, monkeypatch)
    assert read.count("seeds") == 1
    assert read.count("questions") <= 2  # the new record, once for scanning and once to load


def test_the_build_after_the_one_that_wrote_the_records_does_not_read_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 6, seed=8)
    settle(*(root / "seeds").iterdir())
    # As if the build's records had aged past the racy tick before it loaded them (at 100,000
    # seeds, all but the last few have).
    monkeypatch.setattr(filefacts, "RACY_NS", 0)
    monkeypatch.setattr(delta, "ENABLED", False)  # the full path, which loads every record
    run_build(root)  # parses every seed and writes every record
    read = folders_read_adding_a_seed(root, tmp_path, monkeypatch)
    assert read.count("seeds") == 1
    assert read.count("questions") == 1  # the new record, to load it


def test_a_record_edited_between_its_write_and_the_load_shows_the_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=8)
    real = build_module.load_records

    def edit_first(content: Path, *args: Any) -> Any:
        record = sorted((content / "questions").iterdir())[0]
        text = record.read_text("utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))
        record.write_text(text.replace(title, "title: Edited in between", 1), "utf-8")
        return real(content, *args)

    monkeypatch.setattr(build_module, "load_records", edit_first)
    run_build(root)
    monkeypatch.undo()
    record = sorted((root / "content" / "questions").iterdir())[0]
    page = root / "public" / "questions" / record.stem / "index.html"
    assert "Edited in between" in page.read_text("utf-8")
    run_build(root)
    assert "Edited in between" in page.read_text("utf-8")


def test_a_hand_edit_with_the_old_size_and_mtime_still_shows(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=8)
    run_build(root)
    records = sorted((root / "content" / "questions").iterdir())
    settle(*(root / "seeds").iterdir(), *records)
    run_build(root)
    record = records[0]
    before = os.stat(record)
    text = record.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    edited = text.replace(title, "title: " + "E" * (len(title) - len("title: ")), 1)
    record.write_text(edited, "utf-8")
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    run_build(root)
    page = root / "public" / "questions" / record.stem / "index.html"
    assert "E" * (len(title) - len("title: ")) in page.read_text("utf-8")
    assert site_files(root)  # the build finished


def test_a_value_read_within_a_tick_of_the_files_change_is_not_noted(tmp_path: Path) -> None:
    # A parse worker read the file right after it changed; its result reaches the build later.
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "f.txt").write_text("abc", "utf-8")
    read_at = time.time_ns()
    time.sleep(RACY_NS / 1e9 * 1.5)  # by now the change is old, but it was fresh at the read
    facts = FolderFacts(tmp_path / "facts", "v1")
    seen = listing(folder)
    facts.unchanged("files", seen)
    facts.note("files", "f.txt", by_name(seen)["f.txt"], "value", read_at)
    assert facts.matching("files", seen) == {}


def walked_tree(tmp_path: Path) -> list[Path]:
    """Make a folder of files, a link to one, a broken link and a subfolder; return them."""
    (tmp_path / "sub").mkdir()
    files = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "sub" / "c.txt"]
    for i, file in enumerate(files):
        file.write_text("x" * i, "utf-8")
    (tmp_path / "link.txt").symlink_to(files[0])
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    return [*files, tmp_path / "link.txt", tmp_path / "broken.txt"]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Let walks fork as on two cores, and collect the children's process ids. (Threads an
    earlier test left running would make a walk stay in one process.)"""
    monkeypatch.setattr(snapshot, "workers", lambda: 2)
    monkeypatch.setattr(snapshot.threading, "active_count", lambda: 1)
    children: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    return children


def test_a_forked_walk_sends_its_folders_listings_when_asked(
    tmp_path: Path, forks: list[int]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    files = [*walked_tree(first), *walked_tree(second)]
    alone = snapshot.dir_prints([first], listed=True), snapshot.dir_prints([second], listed=True)
    prints, walked = snapshot.dir_prints([first, second], listed=True)
    assert len(forks) == 1  # `first` was walked in a child
    assert prints == [*alone[0][0], *alone[1][0]]
    listings = walked.take()
    assert listings == {**alone[0][1].take(), **alone[1][1].take()}
    assert walked.take() == {}  # handed over, not held
    for file in files:
        if file.name != "broken.txt":  # (a link to nowhere: its own numbers)
            assert by_name(listings[str(file.parent)])[file.name] == numbers_of(file)
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped


def test_a_forked_walk_closed_unasked_leaves_no_child(tmp_path: Path, forks: list[int]) -> None:
    walked_tree(tmp_path)
    _, walked = snapshot.dir_prints([tmp_path, tmp_path / "sub"], listed=True)
    walked.close()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)


def look_then(root: Path, change: Callable[[], object]) -> BuildReport:
    """Look at the inputs as the CLI does, make `change` (as if during the build), then build
    with what the look saw."""
    config = Config()
    paths = Paths.from_config(root, config)
    looked = snapshot.look(paths, config, code_version(), root / CACHE_DIR)
    change()
    return build_module.build(paths, config, looked=looked)


def noted_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Return a project built twice, its seeds and records noted, with its seed and record."""
    root = make_project(tmp_path)
    seed = root / "seeds" / "ice.txt"
    seed.write_text(textwrap.dedent(SEED).lstrip("\n"), "utf-8")
    run_build(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    settle(seed, record)
    run_build(root)
    return root, seed, record


def test_a_record_edited_after_the_look_is_kept_when_its_seed_changed(tmp_path: Path) -> None:
    root, seed, record = noted_project(tmp_path)
    seed.write_text(seed.read_text("utf-8").replace("I bruise", "I do bruise"), "utf-8")

    def edit() -> None:
        record.write_text(record.read_text("utf-8").replace("two days", "three days"), "utf-8")

    report = look_then(root, edit)
    assert report.ingest.kept_edits == ["content/questions/does-ice-help-bruising.yaml"]
    assert "three days" in record.read_text("utf-8")


def test_a_seed_changed_after_the_look_is_built_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, seed, _ = noted_project(tmp_path)
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # every build stores its fingerprint
    other = seed.with_name("other.txt")
    other.write_text(seed.read_text("utf-8").replace("Does ice", "Does heat"), "utf-8")
    report = look_then(
        root, lambda: seed.write_text(seed.read_text("utf-8").replace("two", "2"), "utf-8")
    )
    assert report.ingest.written == ["content/questions/does-heat-help-bruising.yaml"]
    run_build(root)  # not a no-op: the build before stored what its look saw
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    assert "Use ice for 2 days." in page.read_text("utf-8")


def test_a_record_edited_after_the_look_is_kept_when_its_seed_is_gone(tmp_path: Path) -> None:
    root, seed, record = noted_project(tmp_path)
    seed.unlink()

    def edit() -> None:
        record.write_text(record.read_text("utf-8").replace("two days", "three days"), "utf-8")

    report = look_then(root, edit)
    assert report.ingest.removed == []
    assert "three days" in record.read_text("utf-8")


def assert_the_next_build_makes_the_record_again(root: Path, record: Path) -> None:
    """Build, and check the build ran and made the record and page from the changed seed."""
    report = run_build(root)
    assert not report.skipped
    assert "2 days" in record.read_text("utf-8")
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    assert "Use ice for 2 days." in page.read_text("utf-8")


def test_a_record_put_back_to_an_older_copy_after_the_look_is_made_again_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, seed, record = noted_project(tmp_path)
    older = record.read_text("utf-8")
    seed.write_text(seed.read_text("utf-8").replace("two days", "2 days"), "utf-8")
    run_build(root)
    settle(seed, record)
    run_build(root)  # the record is made from the changed seed, and noted
    other = seed.with_name("other.txt")  # so the look finds a change and the build runs
    other.write_text(seed.read_text("utf-8").replace("Does ice", "Does heat"), "utf-8")
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # every build may store its fingerprint
    look_then(root, lambda: record.write_text(older, "utf-8"))
    # That build took the record as its look saw it; the next one is not skipped.
    assert_the_next_build_makes_the_record_again(root, record)


def test_a_record_deleted_after_the_look_is_made_again_by_the_next_build(tmp_path: Path) -> None:
    root, seed, record = noted_project(tmp_path)
    other = seed.with_name("other.txt")  # so the look finds a change and the build runs
    other.write_text(seed.read_text("utf-8").replace("Does ice", "Does heat"), "utf-8")
    report = look_then(root, record.unlink)
    # The last build kept a state, so this one's ingest started from the last (only other.txt
    # is new) and did not see the record go; the delta found the records' folder changed since
    # the look and took the full path, which stores no fingerprint: the next build runs.
    assert not report.delta
    assert not record.exists()
    report = run_build(root)
    assert not report.skipped
    assert "content/questions/does-ice-help-bruising.yaml" in report.ingest.written
    assert record.is_file()


def test_a_folder_unchanged_since_the_save_is_taken_whole_without_a_lookup_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "folder"
    files = settled_files(folder, 5)
    facts = FolderFacts(tmp_path / "facts", "v1")
    seen = listing(folder)
    facts.unchanged("files", seen)
    numbers = by_name(seen)
    for name in sorted(seen[0], reverse=True):  # noted in another order than listed
        facts.note("files", name, numbers[name], name.upper())
    facts.save()
    monkeypatch.setattr(filefacts, "by_name", None)  # any lookup by name would fail
    facts = FolderFacts(tmp_path / "facts", "v1")
    assert facts.unchanged("files", listing(folder)) == {f.name: f.name.upper() for f in files}
    assert facts.matching("files", listing(folder)) == {f.name: f.name.upper() for f in files}


def test_numbers_of_a_file_gone_mid_walk_or_past_64_bits_are_not_noted(tmp_path: Path) -> None:
    facts = FolderFacts(tmp_path / "facts", "v1")
    facts.unchanged("files", ([], array("q")))
    later = time.time_ns() + 10**12
    facts.note("files", "gone.txt", (-1, -1, -1, -1, 0), "value", later)
    facts.note("files", "huge.txt", (3, 1, 1, 2**64, 0o100644), "value", later)
    facts.note("files", "fine.txt", (3, 1, 1, 5, 0o100644), "value", later)
    seen: Listing = (
        ["gone.txt", "fine.txt"],
        array("q", [-1, -1, -1, -1, 0, 3, 1, 1, 5, 0o100644]),
    )
    assert facts.matching("files", seen) == {"fine.txt": "value"}
    facts.save()  # no OverflowError
    fine: Listing = (["fine.txt"], array("q", [3, 1, 1, 5, 0o100644]))
    assert FolderFacts(tmp_path / "facts", "v1").unchanged("files", fine) == {"fine.txt": "value"}


def older_copy_put_back_before_the_load(
    root: Path, record: Path, older: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Make the next build's load (its walk of content/ included), or a delta build's walk of
    content/, find `older` in `record`, as if a sync tool put it back after the ingest wrote or
    removed the record."""
    real, real_one = snapshot.dir_prints, snapshot.dir_print

    def put_back(dirs: Any, *args: Any, **kwargs: Any) -> Any:
        if list(dirs) == [root / "content"]:  # the load's walk, right after the ingest
            record.write_text(older, "utf-8")
        return real(dirs, *args, **kwargs)

    def put_back_one(directory: Path, *args: Any) -> Any:
        if directory == root / "content" and len(args) == 2:  # a delta's walk (known numbers)
            record.write_text(older, "utf-8")
        return real_one(directory, *args)

    monkeypatch.setattr(snapshot, "dir_prints", put_back)
    monkeypatch.setattr(snapshot, "dir_print", put_back_one)


def test_a_record_put_back_after_the_ingest_rewrote_it_is_made_again_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, seed, record = noted_project(tmp_path)
    older = record.read_text("utf-8")
    seed.write_text(seed.read_text("utf-8").replace("two days", "2 days"), "utf-8")
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # every build may store its fingerprint
    with monkeypatch.context() as during:
        older_copy_put_back_before_the_load(root, record, older, during)
        run_build(root)
    assert_the_next_build_makes_the_record_again(root, record)


def test_a_record_put_back_after_the_ingest_removed_it_is_removed_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, seed, record = noted_project(tmp_path)
    older = record.read_text("utf-8")
    seed.unlink()
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # every build may store its fingerprint
    with monkeypatch.context() as during:
        older_copy_put_back_before_the_load(root, record, older, during)
        run_build(root)
    report = run_build(root)
    assert not report.skipped
    assert not record.exists()
    assert not (root / "public" / "questions" / "does-ice-help-bruising").exists()
