"""Seeds dir -> content/questions/*.yaml (sitegen.ingest): ids, edit protection, failures."""

from __future__ import annotations

import difflib
import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SeedFactory

from sitegen import cache
from sitegen import ingest as ingest_module
from sitegen.ingest import ingest, load_records
from sitegen.records import is_edited, load_question
from sitegen.reports import IngestReport

SEED = """
    Will my twitch go away?

    I had a facelift.

    Doctor Answers 1

    Twitching after surgery

    It should settle with time.

    Tampa Plastic Surgeon
"""


def run(project: Path, force: bool = False) -> IngestReport:
    return ingest(project / "seeds", project / "content", project, force=force)


def records(project: Path) -> dict[str, str]:
    folder = project / "content" / "questions"
    return {p.stem: p.read_text("utf-8") for p in sorted(folder.glob("*.yaml"))}


def test_seed_becomes_a_record_named_by_its_id(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    report = run(project)
    assert report.written == ["content/questions/will-my-twitch-go-away.yaml"]
    question = load_question(records(project)["will-my-twitch-go-away"], "x.yaml")
    assert question.id == "will-my-twitch-go-away"
    assert question.source == "seeds/q.txt"
    assert question.title == "Will my twitch go away?"
    assert report.errors == []


def test_a_seeds_folder_linked_from_elsewhere_still_gives_sources_under_seeds(
    tmp_path: Path,
) -> None:
    """A record's source names the seed as the project sees it, never a machine's path."""
    elsewhere, project = tmp_path / "elsewhere", tmp_path / "project"
    elsewhere.mkdir()
    project.mkdir()
    (elsewhere / "q.txt").write_text(textwrap.dedent(SEED).lstrip("\n"), "utf-8")
    (project / "seeds").symlink_to(elsewhere)
    ingest(project.absolute() / "seeds", project / "content", project.absolute())
    question = load_question(records(project)["will-my-twitch-go-away"], "x.yaml")
    assert question.source == "seeds/q.txt"


def test_records_are_byte_identical_across_runs(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    first = records(project)
    (project / "content").rename(project / "old")
    run(project)
    assert records(project) == first


def test_unchanged_seed_is_not_parsed_or_rewritten(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    before = path.stat().st_mtime_ns
    report = run(project)
    assert report.written == []
    assert report.unchanged == 1
    assert path.stat().st_mtime_ns == before


def test_progress_counts_the_seeds_parsed_and_the_records_written_not_those_unchanged(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    seed(SEED.replace("twitch", "bruise"), "other.txt")
    steps: list[tuple[str, int, int]] = []
    ingest(project / "seeds", project / "content", project, progress=lambda *s: steps.append(s))
    assert steps == [("parsing seeds", 1, 1), ("writing records", 1, 1)]


def test_untouched_record_is_regenerated_when_its_seed_changes(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    seed(SEED.replace("settle with time", "settle within weeks"))
    report = run(project)
    assert report.written == ["content/questions/will-my-twitch-go-away.yaml"]
    assert "settle within weeks" in records(project)["will-my-twitch-go-away"]


def test_changed_seed_keeps_its_id_even_when_its_title_changes(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    seed(SEED.replace("Will my twitch go away?", "Will my twitching stop?"))
    run(project)
    assert list(records(project)) == ["will-my-twitch-go-away"]


def edit_record(project: Path) -> Path:
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    path.write_text(path.read_text("utf-8").replace("settle with time", "settle, edited"), "utf-8")
    return path


def test_edited_record_is_kept_when_its_seed_changes_with_a_warning(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    path = edit_record(project)
    seed(SEED.replace("settle with time", "settle within weeks"))
    report = run(project)
    assert "settle, edited" in path.read_text("utf-8")
    assert report.kept_edits == ["content/questions/will-my-twitch-go-away.yaml"]
    assert report.written == []
    (warning,) = report.diagnostics
    assert warning.severity == "warning"
    assert warning.path == "content/questions/will-my-twitch-go-away.yaml"
    assert "kept your edit" in warning.message
    assert "--force" in warning.message


def test_a_record_edited_while_the_build_runs_is_kept_with_a_warning(
    project: Path, seed: SeedFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scan finds the record untouched; a person saves an edit before its new bytes are
    # written (its seed changed too, as after a `git pull`): the edit must not be lost.
    seed(SEED)
    run(project)
    seed(SEED.replace("settle with time", "settle within weeks"))
    scan = ingest_module.scan_records

    def scan_then_edit(*args: Any, **kwargs: Any) -> Any:
        found = scan(*args, **kwargs)
        edit_record(project)
        return found

    monkeypatch.setattr(ingest_module, "scan_records", scan_then_edit)
    report = run(project)
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    assert "settle, edited" in path.read_text("utf-8")
    assert report.kept_edits == ["content/questions/will-my-twitch-go-away.yaml"]
    assert report.written == [] and report.fresh == {}
    (warning,) = report.diagnostics
    assert warning.path == "content/questions/will-my-twitch-go-away.yaml"
    assert "edited by hand while the build ran" in warning.message


def test_edited_record_survives_an_unchanged_seed(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    path = edit_record(project)
    report = run(project)
    assert "settle, edited" in path.read_text("utf-8")
    assert report.written == []


def test_force_overwrites_an_edited_record(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    path = edit_record(project)
    report = run(project, force=True)
    assert "settle with time" in path.read_text("utf-8")
    assert not is_edited(path.read_text("utf-8"))
    assert report.written == ["content/questions/will-my-twitch-go-away.yaml"]


def test_orphan_untouched_record_is_removed(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    (project / "seeds" / "q.txt").unlink()
    report = run(project)
    assert records(project) == {}
    assert report.removed == ["content/questions/will-my-twitch-go-away.yaml"]


def drop_mark(project: Path) -> Path:
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    path.write_text(path.read_text("utf-8").split("\n", 1)[1], "utf-8")
    return path


def test_a_record_without_its_mark_is_kept_with_a_warning_when_its_seed_changes(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    path = drop_mark(project)
    before = path.read_text("utf-8")
    seed(SEED.replace("settle with time", "settle within weeks"))
    report = run(project)
    assert path.read_text("utf-8") == before
    assert report.kept_edits == ["content/questions/will-my-twitch-go-away.yaml"]
    assert "no first line with sitegen's checksums" in report.diagnostics[0].message


@pytest.mark.parametrize("touch", [edit_record, drop_mark], ids=["edited", "mark deleted"])
def test_an_orphan_record_edited_by_hand_is_kept_with_a_warning(
    project: Path, seed: SeedFactory, touch: Callable[[Path], Path]
) -> None:
    seed(SEED)
    run(project)
    touch(project)
    (project / "seeds" / "q.txt").unlink()
    report = run(project)
    assert list(records(project)) == ["will-my-twitch-go-away"]
    assert report.removed == []
    assert "kept your edited record" in report.diagnostics[0].message


def test_hand_made_record_is_left_alone(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    folder = project / "content" / "questions"
    text = records(project)["will-my-twitch-go-away"].split("\n", 1)[1]
    text = text.replace("will-my-twitch-go-away", "by-hand").replace("seeds/q.txt", "notes/x")
    (folder / "by-hand.yaml").write_text(text, "utf-8")
    run(project)
    assert "by-hand" in records(project)


def test_a_file_in_seeds_that_is_not_txt_is_reported_and_ignored(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    (project / "seeds" / "notes.md").write_text("Will it scar?\n", "utf-8")
    (project / "seeds" / ".DS_Store").write_bytes(b"\0")
    report = run(project)
    assert [(d.path, d.message) for d in report.diagnostics] == [
        ("seeds/notes.md", "not a .txt file: ignored")
    ]
    assert list(records(project)) == ["will-my-twitch-go-away"]


def test_hidden_files_in_seeds_are_no_seeds(project: Path, seed: SeedFactory) -> None:
    # An editor's lock file (Emacs: a link to nowhere) or swap file beside the seed it edits.
    seed(SEED)
    (project / "seeds" / ".#q.txt").symlink_to("someone@host.4242:1700000000")
    seed("Not a seed", name=".q.txt.swp.txt")
    report = run(project)
    assert report.diagnostics == []
    assert list(records(project)) == ["will-my-twitch-go-away"]


def test_a_renamed_seed_keeps_its_id(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    (project / "seeds" / "q.txt").rename(project / "seeds" / "renamed.txt")
    report = run(project)
    assert list(records(project)) == ["will-my-twitch-go-away"]
    assert "source: seeds/renamed.txt" in records(project)["will-my-twitch-go-away"]
    assert report.removed == []


def test_a_renamed_seed_whose_record_was_edited_leaves_the_edit_alone(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    edit_record(project)
    (project / "seeds" / "q.txt").rename(project / "seeds" / "renamed.txt")
    run(project)
    kept = records(project)
    assert "settle, edited" in kept["will-my-twitch-go-away"]
    assert len(kept) == 2


def test_write_false_writes_nothing(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    report = ingest(project / "seeds", project / "content", project, write=False)
    assert report.written == ["content/questions/will-my-twitch-go-away.yaml"]
    assert records(project) == {}


# --- ids -------------------------------------------------------------------------------------


def test_id_is_a_lower_case_ascii_slug_of_the_title(project: Path, seed: SeedFactory) -> None:
    seed(SEED.replace("Will my twitch go away?", "Ästhetik: Botox & Fillers — 2 Weeks?"))
    run(project)
    assert list(records(project)) == ["asthetik-botox-fillers-2-weeks"]


def test_id_is_at_most_80_characters_cut_at_a_word(project: Path, seed: SeedFactory) -> None:
    title = "Twitching in cheek four months after a lower facelift, " * 3
    seed(SEED.replace("Will my twitch go away?", title.strip()))
    run(project)
    (qid,) = records(project)
    assert len(qid) <= 80
    assert not qid.endswith("-")
    assert title.lower().replace(",", "").replace(" ", "-").startswith(qid)


def test_title_without_ascii_letters_falls_back_to_the_file_name(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED.replace("Will my twitch go away?", "ボトックス?"), name="007_abc.txt")
    run(project)
    assert list(records(project)) == ["007-abc"]


def test_title_and_file_name_without_ascii_letters_give_a_digest_id(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED.replace("Will my twitch go away?", "淤青怎么办"), name="淤青.txt")
    seed(SEED.replace("Will my twitch go away?", "ボトックス?"), name="ボトックス.txt")
    report = run(project)
    ids = list(records(project))
    assert report.errors == []
    assert len(ids) == 2 and all(i.startswith("q-") and len(i) == 10 for i in ids)
    assert run(project).written == [] and list(records(project)) == ids  # stable


def test_a_record_named_dot_yaml_is_an_error_naming_it(project: Path, seed: SeedFactory) -> None:
    seed(SEED)
    run(project)
    folder = project / "content" / "questions"
    (folder / "will-my-twitch-go-away.yaml").rename(folder / ".yaml")
    _, problems = load_records(project / "content", project)
    assert [(d.path, d.severity) for d in problems] == [("content/questions/.yaml", "error")]


def test_same_title_in_two_seeds_gets_suffixes_from_file_names(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED, name="a.txt")
    seed(SEED, name="b.txt")
    run(project)
    assert list(records(project)) == ["will-my-twitch-go-away-a", "will-my-twitch-go-away-b"]


def test_ids_in_one_run_do_not_depend_on_processing_order(project: Path, seed: SeedFactory) -> None:
    # Neither seed wins the plain slug by being read first: both take their file-name suffix.
    seed(SEED, name="z.txt")
    seed(SEED, name="a.txt")
    run(project)
    assert set(records(project)) == {"will-my-twitch-go-away-a", "will-my-twitch-go-away-z"}


def test_existing_id_is_kept_when_a_same_titled_seed_arrives(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED, name="b.txt")
    run(project)
    seed(SEED, name="a.txt")
    run(project)
    assert set(records(project)) == {"will-my-twitch-go-away", "will-my-twitch-go-away-a"}


def test_id_is_stable_when_a_colliding_seed_appears_later(project: Path, seed: SeedFactory) -> None:
    seed(SEED, name="a.txt")
    run(project)
    seed(SEED, name="b.txt")
    run(project)
    loaded = {k: load_question(v, k).source for k, v in records(project).items()}
    assert loaded == {
        "will-my-twitch-go-away": "seeds/a.txt",
        "will-my-twitch-go-away-b": "seeds/b.txt",
    }


def test_a_seed_whose_twin_has_its_record_already_gets_the_id_a_clean_run_gives(
    project: Path, seed: SeedFactory
) -> None:
    # A run killed while it wrote records leaves one twin's record and not the other's: the
    # next run must still suffix the other, as a run over both seeds from scratch does.
    seed(SEED, name="a.txt")
    seed(SEED, name="b.txt")
    run(project)
    (project / "content" / "questions" / "will-my-twitch-go-away-b.yaml").unlink()
    run(project)
    assert list(records(project)) == ["will-my-twitch-go-away-a", "will-my-twitch-go-away-b"]


@pytest.mark.parametrize("cut", [0, 60], ids=["emptied", "half-written"])
def test_a_seed_whose_record_cannot_be_read_waits_for_it_and_gets_no_second_record(
    project: Path, seed: SeedFactory, cut: int
) -> None:
    # An editor that truncates a record before it writes it (or a half-saved file) leaves a
    # record whose seed cannot be told: parsing its seed as a new one would publish the
    # question twice, under a second id, for good.
    seed(SEED)
    run(project)
    record = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    saved = record.read_bytes()
    record.write_bytes(saved[:cut])
    report = run(project)
    assert list(records(project)) == ["will-my-twitch-go-away"]
    (error,) = report.errors
    assert str(error).startswith("seeds/q.txt: error: not parsed")
    assert "content/questions/will-my-twitch-go-away.yaml" in error.message
    record.write_bytes(saved)
    report = run(project)
    assert report.errors == [] and report.written == [] and report.unchanged == 1
    assert list(records(project)) == ["will-my-twitch-go-away"]


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "seeds/bad.txt: error: empty file"),
        (b"  \n\n ", "seeds/bad.txt: error: empty file"),
        (b"Title\n\x00\x01", "seeds/bad.txt:2: error: binary content"),
        (b"It is odd. The nerves are deep. Massage helps.\n", "seeds/bad.txt:1: error: no title"),
    ],
)
def test_bad_seed_is_reported_and_the_others_still_build(
    project: Path, seed: SeedFactory, data: bytes, message: str
) -> None:
    seed(data, name="bad.txt")
    seed(SEED, name="good.txt")
    report = run(project)
    (error,) = report.errors
    assert str(error).startswith(message)
    assert list(records(project)) == ["will-my-twitch-go-away"]


def test_parser_warnings_are_passed_on(project: Path, seed: SeedFactory) -> None:
    seed(SEED.replace("Doctor Answers 1", "Doctor Answers 4"))
    report = run(project)
    assert [d.message for d in report.diagnostics] == [
        "the page says 4 doctor answers but 1 was found"
    ]
    assert report.diagnostics[0].path == "seeds/q.txt"


def test_load_records_reports_invalid_records_with_file_and_line(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    folder = project / "content" / "questions"
    (folder / "broken.yaml").write_text("id: broken\ntitle: [oops\n", "utf-8")
    questions, problems = load_records(project / "content", project)
    assert [q.id for q in questions] == ["will-my-twitch-go-away"]
    (problem,) = problems
    assert str(problem).startswith("content/questions/broken.yaml:")
    assert problem.line is not None


def test_load_records_rejects_an_id_that_does_not_match_the_file_name(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    folder = project / "content" / "questions"
    path = folder / "will-my-twitch-go-away.yaml"
    path.rename(folder / "renamed.yaml")
    _, problems = load_records(project / "content", project)
    assert "does not match the file name" in problems[0].message
    lines = (folder / "renamed.yaml").read_text("utf-8").splitlines()
    line = problems[0].line
    assert line is not None and lines[line - 1].startswith("id: will-my-twitch-go-away")


def test_load_records_names_the_line_of_bytes_that_are_not_utf8(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    text = path.read_bytes()
    path.write_bytes(text.replace(b"It should settle", b"It sh\xf6uld settle"))
    _, problems = load_records(project / "content", project)
    (problem,) = problems
    assert (problem.message, problem.line) == (
        "not UTF-8 text",
        text[: text.index(b"It should settle")].count(b"\n") + 1,
    )


def test_load_records_gives_the_digest_of_each_record_it_loaded(
    project: Path, seed: SeedFactory
) -> None:
    seed(SEED)
    run(project)
    path = project / "content" / "questions" / "will-my-twitch-go-away.yaml"
    for _ in range(2):  # read from the file, then from the cache
        digests: dict[str, str] = {}
        load_records(
            project / "content", project, cache_dir=project / "cache", record_digests=digests
        )
        assert digests == {"will-my-twitch-go-away": cache.key(path.read_bytes())}


# --- the real seeds: golden records ----------------------------------------------------------

REAL_SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def real_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Ingest copies of the real seeds; return each record's text by its seed's file stem."""
    root = tmp_path_factory.mktemp("real")
    (root / "seeds").mkdir()
    for path in REAL_SEEDS:
        (root / "seeds" / path.name).write_bytes(path.read_bytes())
    report = ingest(root / "seeds", root / "content", root)
    assert report.errors == []
    by_stem = {}
    for text in records(root).values():
        by_stem[Path(load_question(text, "x.yaml").source).stem] = text
    return by_stem


@pytest.mark.parametrize("seed_path", REAL_SEEDS, ids=[p.stem for p in REAL_SEEDS])
def test_real_seed_matches_its_golden_record(seed_path: Path, real_records: dict[str, str]) -> None:
    """Set SITEGEN_REGEN_GOLDEN=1 to rewrite tests/golden/ after an intended change."""
    golden = GOLDEN / f"{seed_path.stem}.yaml"
    actual = real_records[seed_path.stem]
    if os.environ.get("SITEGEN_REGEN_GOLDEN") == "1":
        golden.write_text(actual, "utf-8")
    expected = golden.read_text("utf-8") if golden.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=str(golden.relative_to(GOLDEN.parent.parent)),
            tofile="parsed",
        )
        pytest.fail(
            "record differs from its golden file (SITEGEN_REGEN_GOLDEN=1 to accept):\n"
            + "".join(diff),
            pytrace=False,
        )


def test_every_real_seed_has_a_golden_record() -> None:
    assert REAL_SEEDS
    assert sorted(p.stem for p in GOLDEN.glob("*.yaml")) == [p.stem for p in REAL_SEEDS]


def test_a_seed_that_vanishes_before_it_is_read_is_an_error_naming_it(
    project: Path, seed: SeedFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(SEED)
    listed = ingest.__globals__["listed"]

    def listed_then_deleted(
        directory: Path, suffix: str, others: list[str] | None = None
    ) -> list[str]:
        found = listed(directory, suffix, others)
        if suffix == ".txt":
            for name in found:
                (directory / name).unlink()  # deleted after the listing, before a worker reads it
        return found

    monkeypatch.setattr("sitegen.ingest.listed", listed_then_deleted)
    report = run(project)
    assert [(d.path, d.severity) for d in report.errors] == [("seeds/q.txt", "error")]
    assert "cannot read the seed" in report.errors[0].message
    assert report.written == []


def test_a_seed_that_vanishes_after_its_record_was_made_keeps_the_record(
    project: Path, seed: SeedFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(SEED)
    run(project)
    before = records(project)
    (project / "seeds" / "q.txt").write_text("changed", "utf-8")  # so its checksum is read
    listed = ingest.__globals__["listed"]

    def listed_then_deleted(
        directory: Path, suffix: str, others: list[str] | None = None
    ) -> list[str]:
        found = listed(directory, suffix, others)
        if suffix == ".txt":
            for name in found:
                (directory / name).unlink()
        return found

    monkeypatch.setattr("sitegen.ingest.listed", listed_then_deleted)
    report = run(project)
    assert [(d.path, d.severity) for d in report.errors] == [("seeds/q.txt", "error")]
    assert records(project) == before  # not removed as "gone", not rewritten


# An ingest started from the last one's result (a delta build's): it looks at the seeds added
# and those not up to date alone, and reports what an ingest of every seed would.


def _titled(title: str) -> str:
    return SEED.replace("Will my twitch go away?", title)


def _mixed(project: Path, seed: SeedFactory) -> None:
    """Seeds and records of every kind an ingest treats apart, built by two ingests."""
    seed(SEED, "a.txt")
    seed(_titled("Is bruising normal?"), "b.txt")
    seed(_titled("Shared title?"), "p.txt")  # twins: both take a suffixed id
    seed(_titled("Shared title?"), "q.txt")
    seed("  \n", "broken.txt")  # does not parse: parsed again by every ingest
    seed(_titled("Edited then changed?"), "d.txt")
    seed(_titled("Edited then gone?"), "gone.txt")
    seed("not a seed", "notes.md")
    run(project)
    folder = project / "content" / "questions"
    for stem in ("edited-then-changed", "edited-then-gone"):
        path = folder / f"{stem}.yaml"
        path.write_text(path.read_text("utf-8").replace("settle with time", "edited"), "utf-8")
    seed(_titled("Edited then changed?").replace("settle", "calm"), "d.txt")
    (project / "seeds" / "gone.txt").unlink()


def _same(one: IngestReport, other: IngestReport) -> None:
    for field in ("written", "removed", "kept_edits", "unchanged", "diagnostics", "fresh"):
        assert getattr(one, field) == getattr(other, field), field


def test_an_ingest_started_from_the_last_reports_what_one_of_every_seed_does(
    project: Path, seed: SeedFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _mixed(project, seed)
    settled: list[ingest_module.Settled] = []
    ingest(project / "seeds", project / "content", project, settled=settled)
    twin = tmp_path_factory.mktemp("twin")
    shutil.copytree(project, twin, dirs_exist_ok=True)
    rounds = [
        # a title a record has; a twin of the suffixed pair; one that does not parse
        {"new.txt": SEED, "r.txt": _titled("Shared title?"), "bad.txt": "\n"},
        {"later.txt": _titled("Later?"), "s.txt": _titled("Shared title?")},
    ]
    for added in rounds:
        for root in (project, twin):
            for name, text in added.items():
                (root / "seeds" / name).write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
        start = (settled.pop(), frozenset(added))
        started = ingest(
            project / "seeds", project / "content", project, start=start, settled=settled
        )
        _same(started, run(twin))
        assert records(project) == records(twin)
    assert "r-shared-title-r" not in records(project)  # (the twins' rule was taken)
    assert {"shared-title-r", "shared-title-s"} <= records(project).keys()
    assert settled[0].unsettled == {"broken.txt", "bad.txt", "d.txt"}


def _settled_after_one_seed(project: Path, seed: SeedFactory) -> ingest_module.Settled:
    """Ingest a.txt alone; return what that ingest leaves the next."""
    seed(SEED, "a.txt")
    settled: list[ingest_module.Settled] = []
    ingest(project / "seeds", project / "content", project, settled=settled)
    return settled[0]


def test_an_ingest_started_from_the_last_reads_no_seed_it_left_up_to_date(
    project: Path, seed: SeedFactory
) -> None:
    last = _settled_after_one_seed(project, seed)
    seed("Just a title\n", "a.txt")  # (a build starts from the last ingest only when unchanged)
    seed(_titled("Is bruising normal?"), "b.txt")
    start = (last, frozenset({"b.txt"}))
    report = ingest(project / "seeds", project / "content", project, start=start)
    assert report.unchanged == 1
    assert report.diagnostics == []
    assert report.written == ["content/questions/is-bruising-normal.yaml"]


def _started_as_listed(
    project: Path, start: tuple[ingest_module.Settled, frozenset[str]], listings: Any
) -> tuple[IngestReport, list[ingest_module.Settled]]:
    """Ingest started from `start` by a caller whose seeds listing is `listings`; return
    the report and what it leaves the next ingest."""
    settled: list[ingest_module.Settled] = []
    report = ingest(
        project / "seeds",
        project / "content",
        project,
        listings=listings,
        start=start,
        settled=settled,
    )
    return report, settled


def test_an_ingest_that_lists_seeds_its_caller_did_not_looks_at_all_and_leaves_no_settled(
    project: Path, seed: SeedFactory
) -> None:
    # A seed saved after the caller's listing: the caller's state would not list it.
    start = (_settled_after_one_seed(project, seed), frozenset({"b.txt"}))
    seed(_titled("Is bruising normal?"), "b.txt")
    listings = {str(project / "seeds"): ingest_module._walked(project / "seeds")}
    seed(_titled("Saved late?"), "late.txt")
    report, settled = _started_as_listed(project, start, listings)
    assert report.written == [
        "content/questions/is-bruising-normal.yaml",
        "content/questions/saved-late.yaml",
    ]
    assert report.unchanged == 1
    assert settled == []


def test_an_ingest_missing_a_seed_its_caller_listed_looks_at_all_and_leaves_no_settled(
    project: Path, seed: SeedFactory
) -> None:
    # A seed removed after the caller's listing: the caller's state would still list it.
    seed(_titled("Is bruising normal?"), "b.txt")
    start = (_settled_after_one_seed(project, seed), frozenset({"b.txt"}))
    seed(_titled("Removed late?"), "late.txt")
    listings = {str(project / "seeds"): ingest_module._walked(project / "seeds")}
    (project / "seeds" / "late.txt").unlink()
    (project / "seeds" / "notes.md").write_text("not a seed", "utf-8")  # no seed: no matter
    report, settled = _started_as_listed(project, start, listings)
    assert report.unchanged == 2 and settled == []


def test_an_ingest_whose_caller_listed_files_that_are_no_seeds_leaves_what_it_settled(
    project: Path, seed: SeedFactory
) -> None:
    start = (_settled_after_one_seed(project, seed), frozenset({"b.txt"}))
    seed(_titled("Is bruising normal?"), "b.txt")
    for other in ("notes.md", ".b.txt.swp", ".#b.txt"):
        (project / "seeds" / other).write_text("no seed", "utf-8")
    listings = {str(project / "seeds"): ingest_module._walked(project / "seeds")}
    report, settled = _started_as_listed(project, start, listings)
    assert report.written == ["content/questions/is-bruising-normal.yaml"]
    assert len(settled) == 1
    assert [d.message for d in report.diagnostics] == ["not a .txt file: ignored"]
