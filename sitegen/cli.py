"""The command line: the only module that prints and picks exit codes."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from sitegen import __version__, snapshot, timings
from sitegen.cache import CACHE_DIR
from sitegen.config import CONFIG_FILE, Config, Paths, load_config
from sitegen.errors import KEPT_EDIT, Diagnostic, SeedError, SitegenError
from sitegen.lock import project_lock
from sitegen.reports import BuildReport, IngestReport, Progress
from sitegen.version import code_version

if TYPE_CHECKING:
    from sitegen.serve import BuildVersion
    from sitegen.watch import OwnWrites

# The modules that parse, render and serve are imported where a command needs them: a build
# that finds nothing changed must not spend a third of its time loading Jinja and friends.

PROGRESS_THRESHOLD = 300
# Warnings a build or parse prints before it sums up the rest: every build repeats them, and a
# corpus with many shared titles would print thousands. `sitegen check` lists them all.
WARNINGS_SHOWN = 20
# A build that wrote or removed at most this many files names them.
CHANGES_SHOWN = 8


def run() -> NoReturn:
    """The `sitegen` command: run `main` and exit. A build leaves its loaded records, pages'
    keys and indexes to the exit instead of taking them apart object by object (1.4 s of an
    18 s build at 100,000 questions), and the exit skips that too."""
    left: list[object] = []
    try:
        code = main(left=left)
        sys.stdout.flush()
    except BrokenPipeError:
        # Whoever read the output stopped (`sitegen build | head`): end quietly, as the
        # Python docs advise, with stdout pointed at devnull so no later flush fails.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    if left:
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None, left: list[object] | None = None) -> int:
    """Run the sitegen command line; return the exit code. `left`: a list that `build` puts
    what it built in (see `run`), for a process that exits right after."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.left = left
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except SitegenError as exc:
        print(_error_text(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a static Q&A website from copied doctor-answer pages.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    parse = commands.add_parser("parse", help="parse seeds/ into content/questions/*.yaml")
    _add_dirs(parse, output=False)
    _add_force(parse)
    parse.set_defaults(run=_run_parse)

    build_ = commands.add_parser("build", help="parse new seeds, then render the site")
    _add_dirs(build_)
    _add_force(build_)
    _add_no_search(build_)
    build_.add_argument(
        "--timings", action="store_true", help="print the wall time and memory of each build phase"
    )
    build_.add_argument(
        "--verify",
        action="store_true",
        help="then rebuild from scratch in a temporary directory and compare byte for byte",
    )
    build_.set_defaults(run=_run_build)

    check_ = commands.add_parser(
        "check", help="parse and validate everything, write nothing, report problems"
    )
    _add_dirs(check_, output=False)
    check_.set_defaults(run=_run_check)

    serve = commands.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    _add_dirs(serve)
    _add_force(serve)
    _add_no_search(serve)
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.set_defaults(run=_run_serve)
    return parser


def _add_dirs(parser: argparse.ArgumentParser, output: bool = True) -> None:
    parser.add_argument("--seeds", type=Path, help="seed directory (default: seeds)")
    parser.add_argument("--content", type=Path, help="records directory (default: content)")
    if output:
        parser.add_argument("--output", type=Path, help="output directory (default: public)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only problems")


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force", action="store_true", help="re-parse every seed, replacing hand-edited records"
    )


def _add_no_search(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="build without the search index, search page and search box",
    )


def _error_text(exc: SitegenError) -> str:
    """Return how the CLI shows an error that stopped a command: "error: …", or for one
    about a place in a file (the settings file), "file:line: error: …" as a build shows it."""
    return str(exc) if isinstance(exc, SeedError) else f"error: {exc}"


def _paths(args: argparse.Namespace) -> tuple[Paths, Config]:
    root = Path.cwd()
    config = load_config(root)
    if getattr(args, "no_search", False):
        config = replace(config, search=False)
    paths = Paths.from_config(root, config, args.seeds, args.content, getattr(args, "output", None))
    return paths, config


def _progress(args: argparse.Namespace, stream: TextIO = sys.stderr) -> Progress | None:
    """Return what draws a progress bar for each long step of a build (parsing seeds, writing
    records) on a terminal: a log file would get a hundred redrawn bars on one line."""
    if args.quiet or not stream.isatty():
        return None
    state: dict[str, object] = {"step": None, "last": -1}

    def show(step: str, done: int, total: int) -> None:
        if total < PROGRESS_THRESHOLD:
            return
        percent = done * 100 // total
        if step == state["step"] and percent == state["last"] and done != total:
            return
        state["step"], state["last"] = step, percent
        bar = "#" * (percent // 4)
        end = "\n" if done == total else ""
        stream.write(f"\r{step} [{bar:<25}] {done}/{total}{end}")
        stream.flush()

    return show


def _print_diagnostics(diagnostics: Sequence[Diagnostic], quiet: bool) -> None:
    """Print every error and every hand edit kept (a person's work: never lost in a long
    list), and unless quiet the first WARNINGS_SHOWN other warnings and a count of the rest."""
    warnings = 0
    for diagnostic in diagnostics:
        if diagnostic.severity == "error" or diagnostic.message.startswith(KEPT_EDIT):
            print(diagnostic, file=sys.stderr)
        elif not quiet:
            warnings += 1
            if warnings <= WARNINGS_SHOWN:
                print(diagnostic, file=sys.stderr)
    if warnings > WARNINGS_SHOWN:
        more = warnings - WARNINGS_SHOWN
        print(
            f"... and {more} more warning{'s' * (more != 1)}: `sitegen check` lists every one",
            file=sys.stderr,
        )


def _finish(report: BuildReport) -> int:
    return _list_failures(report.errors)


def _list_failures(errors: Sequence[Diagnostic]) -> int:
    """Print every failed file once more at the end, where it is seen; return the exit code."""
    if errors:
        print(f"\n{len(errors)} file(s) failed:", file=sys.stderr)
        for error in errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    return 0


def _run_parse(args: argparse.Namespace) -> int:
    from sitegen.ingest import ingest

    paths, _ = _paths(args)
    with project_lock(paths.root / CACHE_DIR):
        report = ingest(
            paths.seeds, paths.content, paths.root, force=args.force, progress=_progress(args)
        )
    _print_diagnostics(report.diagnostics, args.quiet)
    if not args.quiet:
        print(
            f"records: {len(report.written)} written, {report.unchanged} unchanged,"
            f" {len(report.kept_edits)} hand edits kept, {len(report.removed)} removed"
        )
    return _list_failures(report.errors)


def _do_build(
    args: argparse.Namespace,
    locked: bool = False,
    pages_written: Callable[[Sequence[Diagnostic]], None] | None = None,
    left: list[object] | None = None,
    ingest_reports: list[IngestReport] | None = None,
    quiet_noop: bool = False,
) -> tuple[BuildReport, Paths]:
    """Build once; `locked`: the caller holds the project's build lock already.
    `pages_written`, `left` and `ingest_reports`: see `build.build` (not called when nothing
    changed). `quiet_noop`: print nothing when nothing changed (the dev server's builds after
    events that changed no input: its own folders made, a file saved as it was)."""
    paths, config = _paths(args)
    started = time.perf_counter()
    timings.take()  # only this build's phases
    with contextlib.nullcontext() if locked else project_lock(paths.root / CACHE_DIR):
        with timings.phase("look for changed inputs"):
            version = code_version()
            look = snapshot.look(paths, config, version, paths.root / CACHE_DIR)
        if look.unchanged is not None and not args.force:
            report = look.unchanged
        else:
            from sitegen.build import build

            report = build(
                paths,
                config,
                force=args.force,
                progress=_progress(args),
                looked=look,
                pages_written=pages_written,
                left=left,
                ingest_reports=ingest_reports,
            )
    if quiet_noop and report.skipped:
        return report, paths
    if getattr(args, "timings", False):
        for timed in timings.take():
            print(timings.line(timed), file=sys.stderr)
    _print_diagnostics(report.diagnostics, args.quiet)
    if not args.quiet and report.skipped and report.written is not None:
        print(
            f"no input changed since the last build: nothing to do ({report.questions} questions,"
            f" {_files(report.written.unchanged)} as it left them in {paths.output}; not checked"
            " again: `sitegen build --verify` compares them with a clean build)"
        )
    elif not args.quiet and report.written is not None:
        seconds = time.perf_counter() - started
        written = report.written
        print(
            f"built {report.questions} questions ({report.hidden} hidden), {report.pages} pages"
            f" in {seconds:.2f}s: {_files(written.written)} written,"
            f" {written.unchanged} unchanged, {written.removed} removed -> {paths.output}"
        )
        if report.delta:
            print("  only seeds and records changed: rendered just the pages they reach")
        if written.changed and len(written.changed) <= CHANGES_SHOWN:
            # After one edit, the pages it reached: an editor sees the edit was taken.
            print(f"  changed: {', '.join(written.changed)}")
        search = report.search
        if search is not None and search.reused:
            print("search index: no question page changed, index kept")
        elif search is not None:
            recent = f", recent shard: {search.recent} question(s)" if search.recent_indexed else ""
            print(
                f"search index: {search.reindexed} of {search.shards} shard(s) indexed{recent}"
                f" in {search.seconds:.2f}s; {search.dropped} stale fragment(s) left out;"
                f" {search.files} files, {search.bytes / 1e6:.1f} MB"
            )
    return report, paths


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _run_build(args: argparse.Namespace) -> int:
    paths, config = _paths(args)
    differences: list[str] = []
    # The lock covers the check too: its scratch build reads content/ and the seeds, and
    # notes a started build in the project's cache dir, as any build does.
    with project_lock(paths.root / CACHE_DIR):
        # What the build leaves behind is only left to the exit when nothing follows it.
        left = None if args.verify else args.left
        report, paths = _do_build(args, locked=True, left=left)
        status = _finish(report)
        if args.verify:
            from sitegen.verify import verify

            differences = verify(paths, config)  # the same settings, --no-search too
    if args.verify:
        for difference in differences:
            print(difference, file=sys.stderr)
        if differences:
            print(f"verify: {len(differences)} difference(s) from a clean build", file=sys.stderr)
            return 1
        if not args.quiet:
            print("verify: identical to a clean build")
    return status


def _run_check(args: argparse.Namespace) -> int:
    from sitegen.build import check

    paths, _ = _paths(args)
    report = check(paths)
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in report.diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    for path in sorted(by_file):
        print(path)
        for diagnostic in by_file[path]:
            where = f"line {diagnostic.line}" if diagnostic.line else "file"
            print(f"  {diagnostic.severity}: {where}: {diagnostic.message}")
    errors = len(report.errors)
    warnings = len(report.diagnostics) - errors
    print(f"checked {report.questions} questions: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def _run_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import BuildVersion, make_server, serving
    from sitegen.watch import OwnWrites, watch_inputs

    paths, _ = _paths(args)
    version = BuildVersion()
    try:  # before the first build, which at 10,000 questions takes a minute: fail fast
        server = make_server(paths.output, args.port, quiet=args.quiet, version=version)
    except OSError as exc:
        print(f"error: cannot serve on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        print("  (another server may be running; pick another port with --port)", file=sys.stderr)
        return 1
    inputs = [paths.seeds, paths.content, paths.templates, paths.static, paths.root / CONFIG_FILE]
    own = OwnWrites()
    url = None  # until the first build is done
    with contextlib.ExitStack() as running:
        try:
            # The first batch is every input, once they are watched: the first build runs
            # then, so a file saved while it runs starts the next one.
            for changed in watch_inputs(inputs):
                if own.explain(changed):
                    own = OwnWrites()  # later events on these records are a person's
                    continue  # only the records the last build wrote or removed itself
                _, own = _serve_build(args, version)
                moved = _moved_folders(args, paths)
                if moved:
                    print(f"warning: {moved}", file=sys.stderr, flush=True)
                if url is None:  # the first build is done: serve it
                    url = running.enter_context(serving(server))
                    print(f"serving {paths.output} at {url} (Ctrl+C stops)", flush=True)
        except KeyboardInterrupt:
            pass
    return 0


def _moved_folders(args: argparse.Namespace, started: Paths) -> str | None:
    """Say which folders the settings now name other than those `serve` started with (it
    serves and watches those), or None."""
    try:
        now, _ = _paths(args)
    except SitegenError:
        return None  # the build reported it
    moved = [
        f"{name} is {getattr(now, name)}"
        for name in ("seeds", "content", "output", "templates", "static")
        if getattr(now, name) != getattr(started, name)
    ]
    if not moved:
        return None
    return (
        f"the settings changed the folders ({', '.join(moved)} now), but this server still"
        f" serves {started.output} and watches the folders it started with: stop it and run"
        " `sitegen serve` again"
    )


def _serve_build(args: argparse.Namespace, version: BuildVersion) -> tuple[bool, OwnWrites]:
    """Build once for `serve`; on failure print the error (file:line) and keep serving the
    site as it is. Return whether it built, and the records it wrote and removed: a failed
    build's too, or the events of its writes start it again (a build that wrote a new seed's
    record and then failed on a template printed its error twice). Open tabs reload
    (`version` moves on) once the pages are written, not after the search index: at 10,000
    questions the pages of a new seed take a second and its index twenty. The build's errors
    go to `version` too, which shows them in the open tabs."""
    from sitegen.watch import OwnWrites

    reports: list[IngestReport] = []
    built = False

    def shown(diagnostics: Sequence[Diagnostic]) -> None:  # the tabs reload with the errors
        version.report([str(d) for d in diagnostics if d.severity == "error"], reload=True)

    try:
        report, _ = _do_build(args, pages_written=shown, ingest_reports=reports, quiet_noop=True)
    except SitegenError as exc:
        failure = _error_text(exc)
        print(failure, file=sys.stderr, flush=True)
        version.report([failure])
    except Exception as exc:  # a bug, not bad input: say so, and keep serving
        traceback.print_exc()
        print("error: the build failed unexpectedly (above); still serving", file=sys.stderr)
        sys.stderr.flush()
        version.report([f"error: the build failed unexpectedly: {exc!r} (see the terminal)"])
    else:
        if not report.skipped:  # else its problems were said when they came
            _finish(report)
        sys.stdout.flush()
        version.report([str(error) for error in report.errors])
        built = True
    root = Path.cwd()  # the root _paths takes: the reports' paths are relative to it
    written = frozenset(root / path for done in reports for path in done.written)
    removed = frozenset(root / path for done in reports for path in done.removed)
    return built, OwnWrites(written, removed)
