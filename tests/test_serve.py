"""The dev server adds the live-reload script to HTML responses (never to files on disk), and a
failed rebuild under `serve` keeps the last good site and names the file and line."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen import build as build_module
from sitegen import delta, snapshot
from sitegen.cli import _moved_folders, _parser, _paths, _serve_build, main
from sitegen.render import Renderer
from sitegen.serve import RELOAD_JS, SCRIPT_TAG, BuildVersion, make_server, serving
from sitegen.watch import OwnWrites
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


def test_with_live_reload_every_file_is_asked_for_again_each_time(site: Path) -> None:
    for url in serve(site / "public", BuildVersion()):
        with urllib.request.urlopen(url + "static/style.css") as response:
            assert response.headers["Cache-Control"] == "no-cache"
        with urllib.request.urlopen(url) as response:
            assert response.headers["Cache-Control"] == "no-store"


def test_the_log_shows_page_requests_not_the_reload_script_s_polls(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(make_server(site / "public", 0, version=BuildVersion())) as url:
        fetch(url + "__sitegen/version")
        fetch(url + "__sitegen/errors")
        fetch(url + "about/")
    logged = capsys.readouterr().err
    assert '"GET /about/ HTTP/1.1" 200' in logged
    assert "__sitegen" not in logged


@pytest.mark.parametrize("live", [True, False])
def test_a_file_written_again_within_the_second_it_was_fetched_in_is_sent_again(
    site: Path, live: bool
) -> None:
    css = site / "public" / "static" / "style.css"
    second = 1_700_000_000
    os.utime(css, ns=(second * 10**9 + 200_000_000,) * 2)
    for url in serve(site / "public", BuildVersion() if live else None):
        with urllib.request.urlopen(url + "static/style.css") as response:
            stamp = response.headers["Last-Modified"]
        css.write_bytes(b"body { color: teal }")
        os.utime(css, ns=(second * 10**9 + 700_000_000,) * 2)  # the same second
        again = urllib.request.Request(url + "static/style.css")
        again.add_header("If-Modified-Since", stamp)
        with urllib.request.urlopen(again) as response:
            assert response.status == 200
            assert response.read() == b"body { color: teal }"


def test_a_head_request_gives_the_length_and_type_a_get_would(site: Path) -> None:
    for url in serve(site / "public", BuildVersion()):
        for path in ("", "about/", "static/style.css", "no-such-page/"):
            try:
                with urllib.request.urlopen(url + path) as response:
                    got = response.status, response.headers, len(response.read())
            except urllib.error.HTTPError as error:
                got = error.code, error.headers, len(error.read())
            head = urllib.request.Request(url + path, method="HEAD")
            try:
                with urllib.request.urlopen(head) as response:
                    headed = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                headed = error.code, error.headers, error.read()
            assert headed[0] == got[0] and headed[2] == b""
            assert headed[1]["Content-Type"] == got[1]["Content-Type"]
            assert int(headed[1]["Content-Length"]) == got[2], path


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
    version = BuildVersion()
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), version)[0] is False
    assert "home.html:" in capsys.readouterr().err
    assert page.read_bytes() == before  # open tabs stay on the last good site...
    (error,) = version.errors  # ...and show the error over it
    assert "home.html:" in error and version.value == 1


def test_the_errors_a_build_reports_go_to_the_open_tabs_until_it_reports_none(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = site / "content" / "questions" / "does-ice-help-bruising.yaml"
    good = record.read_text("utf-8")
    record.write_text(good.replace("title:", "title: [", 1), "utf-8")
    monkeypatch.chdir(site)
    args = _parser().parse_args(["serve", "--quiet"])
    version = BuildVersion()
    assert _serve_build(args, version)[0]
    (error,) = version.errors
    assert error.startswith("content/questions/does-ice-help-bruising.yaml:")
    for url in serve(site / "public", version):
        state = json.loads(fetch(url + "__sitegen/errors"))
        assert state == {"version": str(version.value), "errors": [error]}
    record.write_text(good, "utf-8")
    _serve_build(args, version)
    assert version.errors == ()


def test_the_tabs_reload_with_the_errors_once_the_pages_are_written(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not after the search index, a minute later: a fixed record's page showed its error
    # all that time, and the tabs reloaded twice.
    record = site / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("title:", "title: [", 1), "utf-8")
    version = BuildVersion()
    seen: list[tuple[int, tuple[str, ...]]] = []
    index_site = build_module.index_site

    def indexing(output: Path, *args: Any) -> Any:
        seen.append(version.state())
        return index_site(output, *args)

    monkeypatch.setattr(build_module, "index_site", indexing)
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), version)[0]
    ((value, errors),) = seen
    assert value == 1 and len(errors) == 1 and "does-ice-help-bruising.yaml" in errors[0]
    assert version.value == 1  # once


def test_the_same_errors_again_do_not_reload_the_tabs_and_many_are_cut_short() -> None:
    version = BuildVersion()
    version.report(["a: error: x"])
    version.report(["a: error: x"])
    assert version.value == 1
    version.report([f"f{n}: error: x" for n in range(60)])
    assert len(version.errors) == 51 and version.errors[-1] == "... and 10 more"
    assert version.value == 2


def test_a_failed_rebuild_names_the_records_it_wrote_so_their_events_start_no_other(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = site / "templates" / "home.html"
    template.write_text(template.read_text("utf-8") + "{% if %}\n", "utf-8")
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    monkeypatch.chdir(site)
    built, own = _serve_build(_parser().parse_args(["serve", "--quiet"]), BuildVersion())
    assert not built
    record = site / "content" / "questions" / "is-heat-better.yaml"
    assert own.written == {record}
    assert own.explain({record})


def own_writes(site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[OwnWrites, Path, Path]:
    """Build with one seed added and one removed; return the writes and both records."""
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    (site / "seeds" / "ice.txt").unlink()
    monkeypatch.chdir(site)
    built, own = _serve_build(_parser().parse_args(["serve", "--quiet"]), BuildVersion())
    assert built
    folder = site / "content" / "questions"
    return own, folder / "is-heat-better.yaml", folder / "does-ice-help-bruising.yaml"


def test_the_events_of_a_build_s_own_record_writes_start_no_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own, added, removed = own_writes(site, monkeypatch)
    assert own.written == {added} and own.removed == {removed}
    assert own.explain({added, removed})


def test_a_save_to_a_record_the_build_just_wrote_starts_a_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The person's save and the build's write come in one batch of events.
    own, added, removed = own_writes(site, monkeypatch)
    edit(added, "Is heat better?", "Is heat better than ice?")
    assert not own.explain({added, removed})


def test_a_record_the_build_removed_made_again_by_hand_starts_a_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own, added, removed = own_writes(site, monkeypatch)
    removed.write_text(added.read_text("utf-8"), "utf-8")
    assert not own.explain({removed})


def test_a_change_to_any_other_input_starts_a_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own, added, _ = own_writes(site, monkeypatch)
    assert not own.explain({added, site / "templates" / "home.html"})


def test_serve_on_a_port_in_use_fails_before_it_builds(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    monkeypatch.chdir(site)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--quiet", "--port", str(port)]) == 1
    assert "cannot serve on 127.0.0.1" in capsys.readouterr().err
    assert not (site / "content" / "questions" / "is-heat-better.yaml").exists()


def test_open_tabs_reload_once_the_pages_are_written_before_the_search_index(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    version = BuildVersion()
    seen: list[tuple[int, bool]] = []
    index_site = build_module.index_site

    def indexing(output: Path, *args: Any) -> Any:
        seen.append((version.value, (output / "questions" / "is-heat-better").is_dir()))
        return index_site(output, *args)

    monkeypatch.setattr(build_module, "index_site", indexing)
    monkeypatch.setattr(delta, "index_site", indexing)  # adding a seed is a delta build
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), version)[0]
    assert seen == [(1, True)]
    assert version.value == 1


def test_a_rebuild_that_writes_no_file_does_not_reload_the_tabs(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = site / "seeds" / "ice.txt"
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 10**9))  # touched
    monkeypatch.chdir(site)
    version = BuildVersion()
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), version)[0]
    assert version.value == 0


def test_a_rebuild_that_changes_nothing_does_not_reload_the_tabs(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # files just written count as settled
    monkeypatch.chdir(site)
    args = _parser().parse_args(["serve", "--quiet"])
    assert _serve_build(args, BuildVersion())[0]
    version = BuildVersion()
    assert _serve_build(args, version)[0]
    assert version.value == 0


def test_a_rebuild_that_changes_nothing_prints_nothing(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Events that change no input (serve's own folders made, a file saved as it was) must
    # not fill the terminal with the site's warnings again.
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # files just written count as settled
    write_seed(site, "odd.txt", SEED.replace("Doctor Answers 1", ""))  # a warning
    monkeypatch.chdir(site)
    args = _parser().parse_args(["serve"])
    assert _serve_build(args, BuildVersion())[0]
    assert "warning" in capsys.readouterr().err
    assert _serve_build(args, BuildVersion())[0]
    assert capsys.readouterr() == ("", "")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_a_template_failing_as_it_renders_leaves_every_page_as_it_was_and_names_its_line(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {p: p.read_bytes() for p in (site / "public").rglob("*.html")}
    edit(site / "templates" / "base.html", "A read-only copy", "FOOTER-V2 A read-only copy")
    edit(
        site / "templates" / "question.html",
        "{{ question.title }}</h1>",
        "{{ question.titel }}</h1>",
    )
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), BuildVersion())[0] is False
    line = next(
        n
        for n, text in enumerate(
            (site / "templates" / "question.html").read_text("utf-8").splitlines(), 1
        )
        if "titel" in text
    )
    assert f"question.html:{line}: " in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (site / "public").rglob("*.html")} == pages


def test_an_error_a_template_s_call_raises_names_the_template_and_line(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(site / "templates" / "about.html", "<h1>", '<h1>{{ browse.topic_url("no such topic") }}')
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), BuildVersion())[0] is False
    err = capsys.readouterr().err
    assert "about.html:" in err and "KeyError" in err and "Traceback" not in err
    assert "(raised in " in err and "browse.py:" in err  # where, if it is a bug of ours


def test_files_in_templates_that_no_page_uses_do_not_fail_the_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "templates" / "old-home.html").write_text("{% if %}\n", "utf-8")
    (site / "templates" / ".#question.html").symlink_to("/nonexistent/editor-lock")
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    monkeypatch.chdir(site)
    assert _serve_build(_parser().parse_args(["serve", "--quiet"]), BuildVersion())[0]
    assert (site / "public" / "questions" / "is-heat-better" / "index.html").is_file()


def test_the_preflight_renders_only_after_the_templates_changed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    original = Renderer.preflight

    def recording(self: Renderer, render: bool = True) -> None:
        asked.append(render)
        original(self, render)

    monkeypatch.setattr(Renderer, "preflight", recording)
    monkeypatch.setattr(delta, "ENABLED", False)  # a delta build renders with no preflight
    write_seed(site, "heat.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    run_build(site)
    edit(site / "templates" / "about.html", "<h1>", "<h1>About: ")
    run_build(site)
    assert asked == [False, True]  # the templates rendered the site as they are: no need


def test_serve_says_when_the_settings_move_a_folder_it_serves_or_watches(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    args = _parser().parse_args(["serve", "--quiet"])
    started, _ = _paths(args)
    assert _moved_folders(args, started) is None
    (site / "sitegen.toml").write_text('output_dir = "site2"\n', "utf-8")
    moved = _moved_folders(args, started)
    assert moved is not None
    assert f"output is {site / 'site2'}" in moved and f"serves {site / 'public'}" in moved
