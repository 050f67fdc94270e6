"""Writing the output: only changed files, and removing only files a manifest names inside it."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.writer import MANIFEST, Output, write_output


def output(**files: bytes) -> Output:
    out = Output()
    for name, data in files.items():
        out.add(name.replace("__", "/"), data)
    return out


def test_a_file_the_last_build_wrote_and_this_one_does_not_is_removed(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(output(index_html=b"home", a__index_html=b"a"), site)
    report = write_output(output(index_html=b"home"), site)
    assert report.removed == 1 and not (site / "a").exists()
    assert (site / "index_html").read_bytes() == b"home"


def test_a_manifest_naming_files_outside_the_output_removes_none_of_them(
    tmp_path: Path,
) -> None:
    site = tmp_path / "public"
    write_output(output(index_html=b"home"), site)
    outside = tmp_path / "keep.txt"
    outside.write_text("mine", "utf-8")
    names = [str(outside), "../keep.txt", "a/../../keep.txt", "index_html"]
    (site / MANIFEST).write_text(json.dumps(names), "utf-8")
    report = write_output(output(index_html=b"home"), site)
    assert outside.read_text("utf-8") == "mine"
    assert report.removed == 0


def test_a_manifest_that_is_not_a_list_of_paths_removes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(output(index_html=b"home", a_html=b"a"), site)
    (site / MANIFEST).write_text('{"a_html": 1}', "utf-8")
    report = write_output(output(index_html=b"home"), site)
    assert report.removed == 0 and (site / "a_html").is_file()


def test_files_kept_as_they_are_stay_listed_and_on_disk(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(output(index_html=b"home", a_html=b"a", b_html=b"b"), site)
    report = write_output(output(index_html=b"home 2"), site, kept={"a_html"})
    assert report.removed == 1 and not (site / "b_html").exists()
    assert (site / "a_html").read_bytes() == b"a"
    assert json.loads((site / MANIFEST).read_text("utf-8")) == ["a_html", "index_html"]


def test_a_kept_path_outside_the_output_is_never_removed(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(output(index_html=b"home"), site)
    outside = tmp_path / "keep.txt"
    outside.write_text("mine", "utf-8")
    (site / MANIFEST).write_text(json.dumps(["../keep.txt", "index_html"]), "utf-8")
    write_output(output(index_html=b"home"), site, kept={"../keep.txt"})
    write_output(output(index_html=b"home"), site)
    assert outside.read_text("utf-8") == "mine"


def test_the_manifest_lists_one_path_a_line_in_order(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(output(b__x_html=b"b", a_html=b"a", **{"caf\u00e9_html": b"c"}), site)
    paths = ["a_html", "b/x_html", "caf\u00e9_html"]
    assert (site / MANIFEST).read_bytes() == json.dumps(paths, indent=0).encode()


def test_an_empty_output_lists_nothing(tmp_path: Path) -> None:
    site = tmp_path / "public"
    write_output(Output(), site)
    assert json.loads((site / MANIFEST).read_text("utf-8")) == []
