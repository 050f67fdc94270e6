"""Pages rendered by several forked processes are byte for byte the pages one process renders,
and the page keys they bring back make the next build skip every page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import build as build_module
from sitegen.corpus import write_corpus
from sitegen.parallel import run_forked
from tests.test_build import make_project, run_build, site_files


def built(root: Path, monkeypatch: pytest.MonkeyPatch, processes: int, share: int = 10**9) -> Path:
    write_corpus(root / "seeds", 40, seed=12)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1 if processes > 1 else 10**9)
    monkeypatch.setattr(build_module, "SHARE_QUESTIONS", share)
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


def test_more_shares_than_processes_write_the_same_files_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = built(make_project(tmp_path / "one"), monkeypatch, 1)
    shared = built(make_project(tmp_path / "eight"), monkeypatch, 2, share=10)  # 2 x 4 shares
    assert site_files(shared) == site_files(one)


def test_after_a_parallel_build_the_next_build_renders_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = built(make_project(tmp_path), monkeypatch, 3, share=10)  # 12 shares
    (root / "seeds" / "unrelated.txt").write_text("", "utf-8")  # any input change: no fast path
    rendered: list[str] = []
    original = build_module.Renderer.render

    def counting(self: build_module.Renderer, template: str, *args: object, **kw: object) -> object:
        data = original(self, template, *args, **kw)  # type: ignore[arg-type]
        # (Without keys: the preflight trying the templates, whose pages are thrown away.)
        if data is not None and data is not build_module.NOT_MINE and self.keys is not None:
            rendered.append(template)
        return data

    monkeypatch.setattr(build_module.Renderer, "render", counting)
    monkeypatch.setattr(build_module, "workers", lambda: 1)
    run_build(root)
    assert rendered == []


def test_more_calls_than_processes_run_each_once_results_in_order() -> None:
    pids = run_forked(lambda k, n: (k, n, os.getpid()), 5, processes=2)
    assert [(k, n) for k, n, _ in pids] == [(k, 5) for k in range(5)]
    assert len({pid for *_, pid in pids}) == 5  # a process per call: its memory ends with it
    assert os.getpid() not in {pid for *_, pid in pids}


def test_an_error_in_a_forked_call_is_raised_in_the_caller() -> None:
    def fail_on_two(k: int, n: int) -> int:
        if k == 2:
            raise ValueError("share 2 failed")
        return k

    with pytest.raises(ValueError, match="share 2 failed"):
        run_forked(fail_on_two, 4, processes=2)


def test_a_forked_call_that_dies_is_an_error_not_a_hang() -> None:
    def die(k: int, n: int) -> int:
        if k == 1:
            os._exit(3)
        return k

    with pytest.raises(RuntimeError, match="died"):
        run_forked(die, 3, processes=2)
