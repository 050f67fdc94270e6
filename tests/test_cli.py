"""The command line (sitegen.cli): commands, flags, exit codes and what it prints."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitegen import snapshot
from sitegen.cli import _parser, _progress, main

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("parse", "build", "check", "serve")
SEED = """
    Does ice help bruising?

    I bruise easily.

    Doctor Answers 1

    Use ice for two days.

    Tampa Plastic Surgeon
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "ice.txt").write_text(textwrap.dedent(SEED).lstrip(), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"usage: sitegen {command}" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"sitegen {command}" in (REPO / "README.md").read_text("utf-8")


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_python_dash_m_sitegen_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("sitegen ")


def test_a_build_run_as_a_command_prints_everything_and_exits_with_its_status(
    project: Path,
) -> None:
    (project / "seeds" / "empty.txt").write_text("", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--no-search"],
        capture_output=True,  # pipes: output is buffered until the exit flushes it
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
    assert done.returncode == 1
    assert "built 1 questions" in done.stdout
    assert "seeds/empty.txt" in done.stderr.splitlines()[-1]


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_build_whose_reader_stops_early_ends_without_a_traceback(
    project: Path, unbuffered: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    done = subprocess.run(
        f"{sys.executable} -m sitegen build --no-search | head -c 0",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert (project / "public" / "questions" / "does-ice-help-bruising" / "index.html").is_file()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_a_bar_for_each_long_step_and_a_log_file_none() -> None:
    args = _parser().parse_args(["build"])
    assert _progress(args, io.StringIO()) is None
    terminal = Terminal()
    show = _progress(args, terminal)
    assert show is not None
    for step in ("parsing seeds", "writing records"):
        for done in range(1, 401):
            show(step, done, 400)
    show("parsing seeds", 1, 2)  # a step this short draws nothing
    lines = terminal.getvalue().split("\n")
    assert [line.rsplit("\r", 1)[-1] for line in lines] == [
        f"parsing seeds [{'#' * 25}] 400/400",
        f"writing records [{'#' * 25}] 400/400",
        "",
    ]
    assert lines[0].count("\r") == 101  # redrawn once a percent, from 0 to 100


def test_parse_writes_records_only(project: Path) -> None:
    assert main(["parse", "--quiet"]) == 0
    assert (project / "content" / "questions" / "does-ice-help-bruising.yaml").is_file()
    assert not (project / "public").exists()


def test_build_writes_the_site(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    assert (project / "public" / "questions" / "does-ice-help-bruising" / "index.html").is_file()
    assert "built 1 questions" in capsys.readouterr().out


def test_a_build_after_an_edit_names_the_files_it_changed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--no-search"]) == 0
    record = project / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("two days", "three days"), "utf-8")
    capsys.readouterr()
    assert main(["build", "--no-search"]) == 0
    out = capsys.readouterr().out
    assert "1 file written" in out
    assert "  changed: questions/does-ice-help-bruising/index.html\n" in out


def test_a_build_after_an_edit_says_where_the_search_index_took_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build"]) == 0
    record = project / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("two days", "three days"), "utf-8")
    capsys.readouterr()
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert "search index: 0 of 1 shard(s) indexed, recent shard: 1 question(s) in " in out
    assert "; 1 stale fragment(s) left out;" in out


def test_a_build_that_changes_many_files_does_not_list_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--no-search"]) == 0
    assert "changed:" not in capsys.readouterr().out


def test_timings_print_each_phase_with_its_time_and_memory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--timings"]) == 0
    lines = capsys.readouterr().err.splitlines()
    timed = [line for line in lines if "s  " in line and "rss " in line]
    assert any("parse seeds into records" in line for line in timed)
    assert any("render and write pages" in line for line in timed)
    for line in timed:
        rss, peak = (int(line.split(word)[1].split()[0]) for word in ("rss ", "peak "))
        assert 0 < rss <= peak


def test_build_takes_other_directories(project: Path) -> None:
    (project / "seeds").rename(project / "in")
    assert main(["build", "-q", "--seeds", "in", "--content", "recs", "--output", "site"]) == 0
    assert (project / "recs" / "questions" / "does-ice-help-bruising.yaml").is_file()
    assert (project / "site" / "index.html").is_file()


def test_a_bad_seed_fails_the_run_and_is_listed_at_the_end(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "empty.txt").write_text("\n", "utf-8")
    assert main(["build", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.rstrip().splitlines()[-2:] == [
        "1 file(s) failed:",
        "  seeds/empty.txt: error: empty file (nothing but whitespace)",
    ]
    assert (project / "public" / "questions" / "does-ice-help-bruising").is_dir()


def test_build_prints_the_first_warnings_and_counts_the_rest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(12):  # 12 more seeds with one title, each with a miscounted answer line
        seed = textwrap.dedent(SEED).lstrip().replace("Doctor Answers 1", "Doctor Answers 2")
        (project / "seeds" / f"ice-{n:02}.txt").write_text(seed, "utf-8")
    assert main(["build", "--no-search"]) == 0
    err = capsys.readouterr().err
    assert err.count(": warning: ") == 20
    assert "... and 5 more warnings: `sitegen check` lists every one" in err
    main(["check"])
    assert capsys.readouterr().out.count("  warning: ") == 25


def test_a_kept_hand_edit_is_printed_however_many_warnings_come_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--no-search"]) == 0
    record = project / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("I bruise easily", "I bruise"), "utf-8")
    for n in range(25):  # 25 seeds, each with a warning, listed before the edited record's
        seed = textwrap.dedent(SEED).lstrip().replace("Doctor Answers 1", "Doctor Answers 2")
        (project / "seeds" / f"a-{n:02}.txt").write_text(seed, "utf-8")
    seed = project / "seeds" / "ice.txt"
    seed.write_text(seed.read_text("utf-8").replace("two days", "three days"), "utf-8")
    capsys.readouterr()
    assert main(["build", "--no-search"]) == 0
    err = capsys.readouterr().err
    assert "content/questions/does-ice-help-bruising.yaml: warning: kept your edit" in err
    assert "more warnings" in err


def test_a_build_with_no_input_changed_says_it_checked_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))  # every file older than a clock tick
    assert main(["build", "--no-search"]) == 0
    assert "built 1 questions" in capsys.readouterr().out
    assert main(["build", "--no-search"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no input changed since the last build: nothing to do (1 questions,")
    assert "`sitegen build --verify`" in out and "unchanged" not in out


def test_check_reports_per_file_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "bin.txt").write_bytes(b"Title\x00\n")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "seeds/bin.txt\n  error: line 1:" in out
    assert out.rstrip().endswith("checked 1 questions: 1 error(s), 0 warning(s)")
    assert not (project / "content").exists()
    assert not (project / "public").exists()


def test_check_passes_a_clean_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "checked 1 questions: 0 error(s)" in capsys.readouterr().out


def test_a_bad_setting_is_an_error_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "sitegen.toml").write_text('titel = "x"\n', "utf-8")
    assert main(["build"]) == 1
    assert capsys.readouterr().err == ("sitegen.toml: error: unknown setting 'titel'\n")


def test_a_settings_file_that_is_not_toml_is_an_error_naming_its_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "sitegen.toml").write_text('title = "x"\npage_size = \n', "utf-8")
    assert main(["build"]) == 1
    assert capsys.readouterr().err == (
        "sitegen.toml:2: error: not valid TOML: Invalid value (column 13)\n"
    )


def test_serve_on_a_busy_port_fails_with_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--quiet", "--port", str(port)]) == 1
    assert f"error: cannot serve on 127.0.0.1:{port}: Address already in use" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("url", ["https://example.org/a b/", "https://example.org/\\u0000/"])
def test_a_base_url_with_a_space_or_control_character_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    (project / "sitegen.toml").write_text(f'base_url = "{url}"\n', "utf-8")
    assert main(["build"]) == 1
    assert capsys.readouterr().err == (
        "sitegen.toml: error: setting 'base_url' must be an http(s) URL\n"
    )
