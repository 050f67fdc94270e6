"""Atomic writes: whole files or none, in new directories too, readable by a web server."""

import os
import stat
from pathlib import Path

from sitegen.atomic import write_atomic


def test_write_creates_missing_directories_and_a_world_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "index.html"
    write_atomic(target, b"<p>hi</p>")
    assert target.read_bytes() == b"<p>hi</p>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temporary left


def test_a_leftover_temporary_with_this_process_id_does_not_block_a_write(
    tmp_path: Path,
) -> None:
    target = tmp_path / "page.html"
    leftover = tmp_path / f".page.html.{os.getpid()}.tmp"
    leftover.write_bytes(b"half a page")  # a killed build whose process id came round again
    write_atomic(target, b"whole page")
    assert target.read_bytes() == b"whole page"


def test_a_rewrite_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    write_atomic(target, b"a much longer first version")
    write_atomic(target, b"short")
    assert target.read_bytes() == b"short"
