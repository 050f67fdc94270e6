"""`sitegen build --verify` compares the site on disk with a clean build, byte for byte."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.verify import verify
from tests.test_build import make_project


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 4, seed=6)
    monkeypatch.chdir(root)
    assert main(["build", "--quiet"]) == 0
    return root


def differences(root: Path) -> list[str]:
    return verify(Paths.from_config(root, Config()), Config())


def test_build_verify_passes_after_an_incremental_build(built: Path) -> None:
    sorted((built / "seeds").iterdir())[0].unlink()
    assert main(["build", "--quiet", "--verify"]) == 0


def test_build_verify_exits_non_zero_when_the_output_differs(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build that leaves a page stale, as a buggy incremental build would.
    monkeypatch.setattr("sitegen.verify.verify", lambda paths, config: ["output: x: differs"])
    assert main(["build", "--quiet", "--verify"]) == 1


def test_verify_lists_a_page_that_differs(built: Path) -> None:
    (built / "public" / "about" / "index.html").write_text("<p>stale</p>", "utf-8")
    assert differences(built) == ["output: about/index.html: differs from a clean build"]


def test_verify_lists_a_record_a_clean_build_would_write(built: Path) -> None:
    record = sorted((built / "content" / "questions").glob("*.yaml"))[0]
    record.unlink()
    assert differences(built) == [
        f"records: questions/{record.name}: missing (a clean build produces it)"
    ]


def test_verify_lists_a_page_a_clean_build_no_longer_produces(built: Path) -> None:
    record = sorted((built / "content" / "questions").glob("*.yaml"))[0]
    record.write_text(record.read_text("utf-8") + "hidden: true\n", "utf-8")
    assert (
        f"output: questions/{record.stem}/index.html: on disk but a clean build does not produce it"
    ) in differences(built)


def test_verify_lists_the_pages_of_a_lost_search_shard(built: Path) -> None:
    index = built / "public" / "pagefind"
    (shard,) = [p for p in index.iterdir() if p.is_dir()]
    urls = sorted(
        json.loads(gzip.decompress(f.read_bytes())[12:])["url"]
        for f in (shard / "fragment").iterdir()
    )
    shutil.rmtree(shard)
    assert differences(built) == [
        *(f"search index: {url}: not found (a clean build's index finds it)" for url in urls),
        f"search index: {shard.name}/pagefind-entry.json: missing or unreadable",
    ]


def test_verify_lists_a_lost_word_index_of_a_search_shard(built: Path) -> None:
    (shard,) = [p for p in (built / "public" / "pagefind").iterdir() if p.is_dir()]
    shutil.rmtree(shard / "index")
    assert differences(built) == [f"search index: {shard.name}/index/: no word index files"]
