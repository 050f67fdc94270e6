"""Pages rendered by several forked processes are byte for byte the pages one process renders,
and the page keys they bring back make the next build skip every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import build as build_module
from sitegen.corpus import write_corpus
from tests.test_build import make_project, run_build, site_files


def built(root: Path, monkeypatch: pytest.MonkeyPatch, processes: int) -> Path:
    write_corpus(root / "seeds", 40, seed=12)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1 if processes > 1 else 10**9)
    monkeypatch.setattr(build_module, "workers", lambda: processes)
    report = run_build(root)
    assert report.written is not None and report.written.written > 0
    return root


def test_three_processes_write_the_same_files_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = built(make_project(tmp_path / "one"), monkeypatch, 1)
    three = built(make_project(tmp_path / "three"), monkeypatch, 3)
    assert site_files(three) == site_files(one)


def test_after_a_parallel_build_the_next_build_renders_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = built(make_project(tmp_path), monkeypatch, 3)
    (root / "seeds" / "unrelated.txt").write_text("", "utf-8")  # any input change: no fast path
    rendered: list[str] = []
    original = build_module.Renderer.render

    def counting(self: build_module.Renderer, template: str, *args: object, **kw: object) -> object:
        data = original(self, template, *args, **kw)  # type: ignore[arg-type]
        if data is not None and data is not build_module.NOT_MINE:
            rendered.append(template)
        return data

    monkeypatch.setattr(build_module.Renderer, "render", counting)
    monkeypatch.setattr(build_module, "workers", lambda: 1)
    run_build(root)
    assert rendered == []
