"""The dev server adds the live-reload script to HTML responses (never to files on disk), and a
failed rebuild under `serve` keeps the last good site and names the file and line."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.cli import _parser, _serve_build
from sitegen.serve import RELOAD_JS, SCRIPT_TAG, BuildVersion, make_server, serving
from tests.test_build import SEED, make_project, run_build, write_seed


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    return root


def serve(output: Path, version: BuildVersion | None) -> Iterator[str]:
    with serving(make_server(output, 0, quiet=True, version=version)) as url:
        yield url


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        body: bytes = response.read()
        return body


def test_html_responses_get_the_reload_script_and_files_on_disk_do_not(site: Path) -> None:
    for url in serve(site / "public", BuildVersion()):
        assert SCRIPT_TAG in fetch(url)
        assert SCRIPT_TAG in fetch(url + "questions/does-ice-help-bruising/")
        assert b"location.reload" in fetch(url.rstrip("/") + RELOAD_JS)
    assert all(SCRIPT_TAG not in p.read_bytes() for p in (site / "public").rglob("*.html"))


def test_the_version_changes_after_each_rebuild(site: Path) -> None:
    version = BuildVersion()
    for url in serve(site / "public", version):
        before = fetch(url + "__sitegen/version")
        version.bump()
        assert fetch(url + "__sitegen/version") != before


def test_without_live_reload_pages_are_served_as_they_are(site: Path) -> None:
    for url in serve(site / "public", None):
        assert fetch(url) == (site / "public" / "index.html").read_bytes()


def test_a_failed_rebuild_keeps_the_last_good_site_and_prints_file_and_line(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = site / "public" / "index.html"
    before = page.read_bytes()
    template = site / "templates" / "home.html"
    template.write_text(template.read_text("utf-8") + "{% if %}\n", "utf-8")
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"])) is None
    assert "home.html:" in capsys.readouterr().err
    assert page.read_bytes() == before
