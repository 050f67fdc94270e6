"""A build finding no input changed since the last finished build does nothing, and any change
to an input (or a missing output directory) makes it build again."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sitegen import build as build_module
from sitegen import snapshot
from tests.test_build import SEED, make_project, run_build, write_seed

PAGE = Path("public/questions/does-ice-help-bruising/index.html")


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Treat every file as older than a clock tick, so the first build stores its fingerprint.
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    return root


def refuse_to_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any build past the no-op check fail. (Not rendering proves less: a build also
    leaves every page alone whose inputs it finds unchanged.)"""

    def assemble(*args: object, **kwargs: object) -> object:
        raise AssertionError("assembled the site")

    monkeypatch.setattr(build_module, "build_site", assemble)


def test_a_build_with_no_change_does_not_build(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_to_build(monkeypatch)
    report = run_build(built)
    assert report.written is not None and report.written.written == 0
    assert report.questions == 1


def test_a_changed_seed_is_built_after_a_no_op_build(built: Path) -> None:
    run_build(built)
    write_seed(
        built, "ice.txt", SEED.replace("Does ice help bruising?", "Does ice help bruising?!")
    )
    run_build(built)
    assert "bruising?!" in (built / PAGE).read_text("utf-8")


def test_a_changed_template_is_built_after_a_no_op_build(built: Path) -> None:
    base = built / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<p>changed</p></body>"), "utf-8")
    run_build(built)
    assert "<p>changed</p>" in (built / PAGE).read_text("utf-8")


def test_a_deleted_output_directory_is_built_again(built: Path) -> None:
    for page in sorted((built / "public").rglob("*"), reverse=True):
        page.unlink() if page.is_file() else page.rmdir()
    run_build(built)
    assert (built / PAGE).is_file()


def test_a_file_changed_within_a_clock_tick_of_the_build_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clock tick longer than the whole test: every file counts as just modified, so a later
    # change could keep its size and mtime, and no build may trust the fingerprint.
    monkeypatch.setattr(snapshot, "RACY_NS", 10**18)
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    refuse_to_build(monkeypatch)
    with pytest.raises(AssertionError, match="assembled the site"):
        run_build(root)


def prints(folder: Path) -> bytes:
    return snapshot.dir_print(folder)[0]


def test_the_fingerprint_of_an_untouched_tree_stays_the_same(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    (tmp_path / "y.txt").write_text("y")
    assert prints(tmp_path) == prints(tmp_path)
    everything = [tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "x.txt"]
    assert snapshot.dir_print(tmp_path)[1] == newest_time(*everything, tmp_path / "y.txt")


def _listed(root: Path) -> tuple[tuple[bytes, int], snapshot.Listings]:
    folder = root / "a"
    folder.mkdir()
    (folder / "x.txt").write_text("x")
    (folder / "y.txt").write_text("y")
    listings: snapshot.Listings = {}
    before = snapshot.dir_print(root, listings)
    return before, {str(folder): listings[str(folder)]}


def test_a_print_taking_numbers_from_an_earlier_listing_of_an_untouched_tree_is_its_print(
    tmp_path: Path,
) -> None:
    before, earlier = _listed(tmp_path)
    assert snapshot.dir_print(tmp_path, known=earlier) == before == snapshot.dir_print(tmp_path)


def test_a_print_taking_numbers_from_an_earlier_listing_keeps_a_file_edited_since_as_it_was(
    tmp_path: Path,
) -> None:
    before, earlier = _listed(tmp_path)
    edit_in_place(tmp_path / "a" / "x.txt", "z")  # so the next look sees the edit
    assert snapshot.dir_print(tmp_path, known=earlier) == before != snapshot.dir_print(tmp_path)


def test_a_print_taking_numbers_from_an_earlier_listing_looks_at_a_file_added_since(
    tmp_path: Path,
) -> None:
    _, earlier = _listed(tmp_path)
    (tmp_path / "a" / "new.txt").write_text("new")
    assert snapshot.dir_print(tmp_path, known=earlier) == snapshot.dir_print(tmp_path)


def newest_time(*paths: Path) -> int:
    return max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in paths)


def edit_in_place(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime a second on, as a later edit on a coarse clock would."""
    mtime = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(mtime, mtime + 10**9))


@pytest.mark.parametrize(
    "change",
    [
        lambda root: edit_in_place(root / "a" / "b" / "x.txt", "z"),  # same size
        lambda root: (root / "a" / "b" / "new.txt").write_text(""),
        lambda root: (root / "a" / "b" / "x.txt").rename(root / "a" / "b" / "w.txt"),
        lambda root: (root / "a" / "b" / "x.txt").unlink(),
        lambda root: (root / "a" / "c").mkdir(),
    ],
    ids=["edit", "add in a subfolder", "rename", "delete", "new folder"],
)
def test_any_change_in_the_tree_changes_its_fingerprint(tmp_path: Path, change: Any) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    before = prints(tmp_path)
    change(tmp_path)
    assert prints(tmp_path) != before


def stats_that_never_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every entry's size, times and inode the same, so only names and places differ."""
    real_stat = os.stat

    def same(*args: Any, **kwargs: Any) -> SimpleNamespace:
        mode = real_stat(*args, **kwargs).st_mode
        return SimpleNamespace(st_size=1, st_mtime_ns=2, st_ctime_ns=3, st_ino=4, st_mode=mode)

    monkeypatch.setattr(snapshot.os, "stat", same)


def test_the_fingerprint_covers_names_and_the_folders_they_sit_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats_that_never_change(monkeypatch)
    for folder in ("a/b", "a/c"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    before = prints(tmp_path)
    (tmp_path / "a" / "b" / "x.txt").rename(tmp_path / "a" / "b" / "y.txt")
    renamed = prints(tmp_path)
    (tmp_path / "a" / "b" / "y.txt").rename(tmp_path / "a" / "c" / "y.txt")
    assert len({before, renamed, prints(tmp_path)}) == 3


def test_the_newest_time_counts_a_ctime_after_an_mtime_put_back(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    os.utime(tmp_path / "x.txt", ns=(10**9, 10**9))  # mtime in 1970; ctime is now
    assert snapshot.dir_print(tmp_path)[1] == (tmp_path / "x.txt").stat().st_ctime_ns


def test_a_tree_whose_inodes_pass_64_bits_is_fingerprinted_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stat, as_text = os.stat, snapshot._stats_as_text
    texts: list[object] = []

    def huge_inodes(*args: Any, **kwargs: Any) -> SimpleNamespace:
        stat = real_stat(*args, **kwargs)
        return SimpleNamespace(
            st_size=stat.st_size,
            st_mtime_ns=stat.st_mtime_ns,
            st_ctime_ns=stat.st_ctime_ns,
            st_ino=2**64 - 1 - stat.st_ino,
            st_mode=stat.st_mode,
        )

    def counted(*args: Any) -> Any:
        texts.append(args)
        return as_text(*args)

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text("x")
    monkeypatch.setattr(snapshot.os, "stat", huge_inodes)
    monkeypatch.setattr(snapshot, "_stats_as_text", counted)
    before = snapshot.dir_print(tmp_path)
    assert len(texts) == 2  # the top folder and sub/
    assert before == snapshot.dir_print(tmp_path)
    assert before[1] == newest_time(tmp_path / "sub", tmp_path / "sub" / "x.txt")
    edit_in_place(tmp_path / "sub" / "x.txt", "y")
    assert snapshot.dir_print(tmp_path)[0] != before[0]


def test_a_no_op_build_reports_the_problems_of_the_build_it_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED + "\n    +2\n")  # page chrome: a parse warning
    write_seed(root, "ice-again.txt", SEED)  # the same title: a warning about both
    write_seed(root, "broken.txt", "")  # an error
    first = run_build(root)
    refuse_to_build(monkeypatch)
    again = run_build(root)
    assert first.ingest.diagnostics and len(first.diagnostics) > len(first.ingest.diagnostics)
    assert first.errors
    assert again.diagnostics == first.diagnostics
    assert again.ingest.diagnostics == first.ingest.diagnostics


def test_a_linked_file_counts_as_what_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text("x")
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "x.txt").symlink_to(tmp_path / "elsewhere" / "x.txt")
    before = prints(tmp_path / "tree")
    edit_in_place(tmp_path / "elsewhere" / "x.txt", "y")
    assert prints(tmp_path / "tree") != before


def test_a_broken_link_is_fingerprinted_and_mending_it_shows(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "x.txt").symlink_to(tmp_path / "missing.txt")
    before = prints(tmp_path / "tree")
    assert prints(tmp_path / "tree") == before
    (tmp_path / "missing.txt").write_text("x")
    assert prints(tmp_path / "tree") != before


def test_a_loop_of_linked_folders_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    before = prints(tmp_path)
    assert prints(tmp_path) == before
    edit_in_place(tmp_path / "a" / "x.txt", "y")
    assert prints(tmp_path) != before


def test_editing_the_file_a_linked_seed_points_to_rebuilds_its_page(
    built: Path, tmp_path: Path
) -> None:
    seed = built / "seeds" / "ice.txt"
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(seed.read_bytes())
    seed.unlink()
    seed.symlink_to(target)
    run_build(built)
    edit_in_place(target, target.read_text("utf-8").replace("two days", "six days"))
    run_build(built)
    assert "Use ice for six days." in (built / PAGE).read_text("utf-8")


def test_a_forced_build_of_an_unchanged_project_lets_the_next_one_be_skipped(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_build(built, force=True)
    refuse_to_build(monkeypatch)
    assert run_build(built).skipped


@pytest.mark.parametrize(("added", "removed"), [(3, 0), (40, 0), (2, 1), (0, 0), (0, 2)])
def test_a_print_taking_numbers_from_an_earlier_listing_of_files_added_and_removed_since(
    tmp_path: Path, added: int, removed: int
) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    for n in range(20):
        (folder / f"r{n}.yaml").write_text(str(n))
    listings: snapshot.Listings = {}
    snapshot.dir_print(tmp_path, listings)
    earlier = {str(folder): listings[str(folder)]}
    for n in range(added):
        (folder / f"new{n}.yaml").write_text("new")
    for n in range(removed):
        (folder / f"r{n}.yaml").unlink()
    assert snapshot.dir_print(tmp_path, known=earlier) == snapshot.dir_print(tmp_path)


@pytest.mark.parametrize(
    ("names", "earlier", "places"),
    [
        (["a", "n", "b", "c", "m"], ["a", "b", "c"], [1, 4]),
        (["n", "a"], ["a"], [0]),
        (["a", "b"], ["a", "b"], []),
        (["b", "a", "n"], ["a", "b"], None),  # listed in another order
        (["a", "n"], ["a", "b"], None),  # one gone
        (["a", *(f"n{i}" for i in range(33))], ["a"], None),  # too many to take out one by one
    ],
)
def test_names_added_alone_are_found_where_they_are_listed(
    names: list[str], earlier: list[str], places: list[int] | None
) -> None:
    assert snapshot.added_alone(names, earlier) == places


def _rest(tree: Path) -> str:
    listings: snapshot.Listings = {}
    snapshot.dir_print(tree, listings)
    return snapshot.rest_print(listings, str(tree), str(tree / "questions"))


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ("add a record", True),
        ("edit a record", True),
        ("remove a record", True),
        ("add a file beside the records' folder", False),
        ("edit a file in another folder", False),
        ("add a folder", False),
    ],
)
def test_the_rest_of_a_tree_is_told_apart_from_its_records(
    tmp_path: Path, change: str, same: bool
) -> None:
    tree = tmp_path / "content"
    (tree / "questions").mkdir(parents=True)
    (tree / "pages").mkdir()
    (tree / "questions" / "a.yaml").write_text("a", "utf-8")
    (tree / "pages" / "about.md").write_text("about", "utf-8")
    before = _rest(tree)
    if change == "add a record":
        (tree / "questions" / "b.yaml").write_text("b", "utf-8")
    elif change == "edit a record":
        (tree / "questions" / "a.yaml").write_text("a, edited", "utf-8")
    elif change == "remove a record":
        (tree / "questions" / "a.yaml").unlink()
    elif change == "add a file beside the records' folder":
        (tree / "notes.txt").write_text("n", "utf-8")
    elif change == "edit a file in another folder":
        (tree / "pages" / "about.md").write_text("about us", "utf-8")
    else:
        (tree / "more").mkdir()
    assert (_rest(tree) == before) is same
