"""The build cache saves work and never changes output: damaged or stale entries are ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment
from jinja2.bccache import bc_magic

from sitegen import cache, delta
from sitegen.cache import CACHE_DIR
from sitegen.corpus import write_corpus
from sitegen.render import make_environment
from tests.test_build import make_project, run_build, site_files


def test_a_cache_written_by_other_code_reads_as_empty(tmp_path: Path) -> None:
    cache.save(tmp_path / "c.pickle", "v1", {"a": 1})
    assert cache.load(tmp_path / "c.pickle", "v1") == {"a": 1}
    assert cache.load(tmp_path / "c.pickle", "v2") == {}


def test_a_truncated_cache_reads_as_empty(tmp_path: Path) -> None:
    cache.save(tmp_path / "c.pickle", "v1", {"a": 1})
    data = (tmp_path / "c.pickle").read_bytes()
    (tmp_path / "c.pickle").write_bytes(data[: len(data) // 2])
    assert cache.load(tmp_path / "c.pickle", "v1") == {}


def test_a_build_with_a_corrupted_cache_equals_a_clean_build(tmp_path: Path) -> None:
    clean = make_project(tmp_path / "clean")
    cached = make_project(tmp_path / "cached")
    for root in (clean, cached):
        write_corpus(root / "seeds", 5, seed=4)
        run_build(root)
    for file in (cached / CACHE_DIR).rglob("*"):
        if file.is_file():
            file.write_bytes(b"\x80\x05garbage")
    run_build(cached)
    assert site_files(cached) == site_files(clean)


def test_a_hand_edit_is_seen_although_the_record_is_cached(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=4)
    run_build(root)
    run_build(root)  # every record now comes from the cache
    record = sorted((root / "content" / "questions").glob("*.yaml"))[0]
    text = record.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    record.write_text(text.replace(title, "title: Edited by hand", 1), "utf-8")
    run_build(root)
    page = root / "public" / "questions" / record.stem / "index.html"
    assert "Edited by hand" in page.read_text("utf-8")


def test_saving_shards_rewrites_only_the_shards_that_changed(tmp_path: Path) -> None:
    entries = {f"k{i}": i for i in range(200)}
    assert cache.save_shards(tmp_path, "v1", entries, {}) == cache.SHARDS
    loaded = cache.load_shards(tmp_path, "v1")
    assert loaded == entries
    changed = {**loaded, "k7": -7}
    assert cache.save_shards(tmp_path, "v1", changed, loaded) == 1
    assert cache.load_shards(tmp_path, "v1") == changed


def test_saving_unchanged_shards_writes_nothing(tmp_path: Path) -> None:
    entries = {f"k{i}": [i] for i in range(200)}
    cache.save_shards(tmp_path, "v1", entries, {})
    loaded = cache.load_shards(tmp_path, "v1")
    equal = {key: list(value) for key, value in loaded.items()}  # equal, not the same objects
    assert cache.save_shards(tmp_path, "v1", equal, loaded) == 0


def test_a_shard_whose_file_was_lost_is_written_again(tmp_path: Path) -> None:
    entries = {f"k{i}": i for i in range(200)}
    cache.save_shards(tmp_path, "v1", entries, {})
    lost = tmp_path / f"{cache.hashed_shard('k7')}.pickle"
    lost.unlink()
    assert cache.save_shards(tmp_path, "v1", entries, cache.load_shards(tmp_path, "v1")) == 1
    assert cache.load_shards(tmp_path, "v1") == entries


def test_a_shard_no_entry_falls_in_is_removed(tmp_path: Path) -> None:
    cache.save_shards(tmp_path, "v1", {"a": 1, "b": 2}, {})
    cache.save_shards(tmp_path, "v1", {"a": 1}, cache.load_shards(tmp_path, "v1"))
    assert cache.load_shards(tmp_path, "v1") == {"a": 1}
    assert len(list(tmp_path.glob("*.pickle"))) == 1


def test_adding_a_seed_rewrites_few_cache_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delta, "ENABLED", False)  # the full path's stores (a delta build's: none)
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 40, seed=11)
    run_build(root)
    shards = {
        path: path.stat().st_mtime_ns
        for path in (root / CACHE_DIR).rglob("*.pickle")
        if path.parent.name in ("pages", "records")
    }
    added = write_corpus(tmp_path / "more", 1, seed=12)[0]
    (root / "seeds" / added.name).write_bytes(added.read_bytes())
    run_build(root)
    rewritten = [path for path, mtime in shards.items() if path.stat().st_mtime_ns != mtime]
    assert 0 < len(rewritten) < len(shards) / 2


def test_compiled_templates_are_kept_for_this_code_alone(tmp_path: Path) -> None:
    old = tmp_path / cache.COMPILED_DIR / "v1"
    old.mkdir(parents=True)
    (old / "t.cache").write_bytes(b"compiled by other code")
    folder = cache.compiled_dir(tmp_path, "v2")
    assert folder == tmp_path / cache.COMPILED_DIR / "v2" and folder.is_dir()
    assert [p.name for p in (tmp_path / cache.COMPILED_DIR).iterdir()] == ["v2"]


def test_a_compiled_template_a_killed_build_left_half_written_is_removed(tmp_path: Path) -> None:
    folder = cache.compiled_dir(tmp_path, "v1")
    assert folder is not None
    (folder / "__jinja2_x.cache").write_bytes(b"whole")
    (folder / "__jinja2_x.cacheab12.tmp").write_bytes(b"ha")
    cache.compiled_dir(tmp_path, "v1")
    assert sorted(p.name for p in folder.iterdir()) == ["__jinja2_x.cache"]


def test_no_cache_keeps_no_compiled_templates(tmp_path: Path) -> None:
    assert cache.compiled_dir(None, "v1") is None


def test_a_template_compiled_by_an_earlier_build_is_not_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "t.html").write_text("<p>{{ name }}</p>\n", "utf-8")
    folder = cache.compiled_dir(tmp_path / CACHE_DIR, "v1")
    assert (
        make_environment(tmp_path, folder).get_template("t.html").render(name="a") == "<p>a</p>\n"
    )
    compiled: list[str] = []
    real = Environment.compile

    def counted(env: Environment, *args: Any, **kwargs: Any) -> Any:
        compiled.append(args[0])
        return real(env, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counted)
    assert (
        make_environment(tmp_path, folder).get_template("t.html").render(name="b") == "<p>b</p>\n"
    )
    assert compiled == []


def test_a_template_edited_since_it_was_compiled_renders_as_it_is_now(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("<p>{{ name }}</p>\n", "utf-8")
    folder = cache.compiled_dir(tmp_path / CACHE_DIR, "v1")
    make_environment(tmp_path, folder).get_template("t.html").render(name="a")
    (tmp_path / "t.html").write_text("<h1>{{ name }}</h1>\n", "utf-8")
    env = make_environment(tmp_path, folder)
    assert env.get_template("t.html").render(name="a") == "<h1>a</h1>\n"


def test_a_cache_folder_that_cannot_be_written_costs_a_compile_not_the_build(
    tmp_path: Path,
) -> None:
    (tmp_path / "t.html").write_text("<p>{{ name }}</p>\n", "utf-8")
    folder = tmp_path / "gone"  # removed under the build: Jinja cannot write its file there
    env = make_environment(tmp_path, folder)
    assert env.get_template("t.html").render(name="a") == "<p>a</p>\n"


def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("<p>{{ name }}</p>\n", "utf-8")
    folder = cache.compiled_dir(tmp_path / CACHE_DIR, "v1")
    assert folder is not None
    make_environment(tmp_path, folder).get_template("t.html")
    [compiled] = folder.iterdir()
    header = bc_magic
    compiled.write_bytes(header + b"\xff" * 40)  # the header Jinja checks, then garbage
    again = make_environment(tmp_path, folder).get_template("t.html")
    assert again.render(name="a") == "<p>a</p>\n"
