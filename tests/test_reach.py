"""The families a change reaches include every family a full build finds changed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import delta
from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.config import Config, Paths
from sitegen.families import FAMILIES_DIR, Families, Family
from sitegen.ingest import load_records
from sitegen.model import Answer, Doctor, Question
from sitegen.reach import pages_reached, reached, urls_changed
from sitegen.records import dump_question
from sitegen.related import RelatedIndex
from sitegen.render import _title_marks
from sitegen.site import build_site
from sitegen.siteindex import SiteIndex
from sitegen.version import code_version
from tests.test_build import make_project
from tests.test_incremental_properties import CHANGES, POOL, Change, apply


@pytest.fixture(autouse=True, scope="module")
def full_path_only() -> Iterator[None]:
    """Full builds' stored family digests are what `reached` is held to: a delta build stores
    none."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delta, "ENABLED", False)
        yield


class Built:
    """What a full build left: its published questions, their lists and its families, and
    the pages it wrote or removed."""

    def __init__(self, paths: Paths, written: tuple[str, ...] = ()) -> None:
        self.written = {p for p in written if p.endswith(".html")}  # not sitemap, robots
        output = paths.output
        self.pages = {
            p.relative_to(output).as_posix()
            for p in output.rglob("*.html")
            if "pagefind" not in p.parts
        }
        questions, _ = load_records(paths.content, paths.root)
        site = build_site(questions)
        self.questions: dict[str, Question] = {q.id: q for q in site.questions}
        self.index = SiteIndex.of(site)
        related = RelatedIndex(site.questions)
        self.related = {q.id: [r.id for r in related.related(q)] for q in site.questions}
        self.marks = _title_marks(site.questions)
        folder = paths.root / CACHE_DIR / FAMILIES_DIR
        self.families: dict[str, Family] = Families(folder, code_version()).previous


def changed_families(before: Built, after: Built) -> set[str]:
    names = before.families.keys() | after.families.keys()
    return {
        n for n in names if before.families.get(n, (b"",))[0] != after.families.get(n, (b"",))[0]
    }


def changed_questions(before: Built, after: Built) -> set[str]:
    ids = before.questions.keys() | after.questions.keys()
    return {i for i in ids if before.questions.get(i) != after.questions.get(i)}


def pages_of(before: Built, after: Built, page_size: int = 3) -> set[str]:
    """Return the pages reached, and those gone, of the families reached, and the pages whose
    templates look up more than URLs (home page 1 counts the site; search lists topics)."""
    render, gone = reached_pages(before, after, page_size)
    return render | gone | {"index.html", "search/index.html"}


def reached_pages(before: Built, after: Built, page_size: int) -> tuple[set[str], set[str]]:
    families = reach_of(before, after)
    changed = changed_questions(before, after)
    return pages_reached(before.index, after.index, families, changed, page_size)


def assert_reached(before: Built, after: Built, page_size: int) -> None:
    """Assert that a step's families and pages are reached, and that the pages reached exist
    after it and those gone existed before and exist no more, unless an id or slug that
    existed changed (the full path's case)."""
    if urls_changed(before.index, after.index):
        return
    assert not changed_families(before, after) - reach_of(before, after)
    assert not after.written - pages_of(before, after, page_size)
    render, gone = reached_pages(before, after, page_size)
    assert render <= after.pages
    assert gone <= before.pages
    assert gone.isdisjoint(after.pages)


# Pages of three: a few seeds make lists of several pages, whose breaks move.
CONFIG = Config(page_size=3)


def reach_of(before: Built, after: Built) -> set[str]:
    ids = before.questions.keys() | after.questions.keys()
    changed = changed_questions(before, after)
    related = {
        i
        for i in ids
        if before.related.get(i) != after.related.get(i)
        or not changed.isdisjoint(before.related.get(i, ()))
    }
    marks = {i for i in ids if before.marks.get(i) != after.marks.get(i)}
    return reached(before.index, after.index, changed, related, marks)


def test_adding_a_seed_reaches_its_page_its_lists_and_its_doctors_profiles() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp))
        paths = Paths.from_config(root, CONFIG)
        for name, text in POOL[:3]:
            (root / "seeds" / name).write_text(text, "utf-8")
        build(paths, CONFIG)
        before = Built(paths)
        (root / "seeds" / POOL[3][0]).write_text(POOL[3][1], "utf-8")
        report = build(paths, CONFIG)
        after = Built(paths, report.written.changed)
        [added] = after.questions.keys() - before.questions.keys()
        found = changed_families(before, after)
        assert {"home", f"q:{added}"} <= found
        assert found <= reach_of(before, after)
        assert f"questions/{added}/index.html" in after.written
        assert after.written <= pages_of(before, after)


@settings(
    derandomize=True, max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(CHANGES.filter(lambda c: c.kind != "template"), min_size=1, max_size=5))
def test_every_family_a_full_build_changes_is_reached(changes: list[Change]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp))
        paths = Paths.from_config(root, CONFIG)
        for name, text in POOL[:3]:
            (root / "seeds" / name).write_text(text, "utf-8")
        build(paths, CONFIG)
        before = Built(paths)
        for change in changes:
            apply(root, change)
            report = build(paths, CONFIG)
            after = Built(paths, report.written.changed)
            assert_reached(before, after, CONFIG.page_size)
            before = after


def write_record(root: Path, question: Question) -> None:
    folder = root / "content" / "questions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{question.id}.yaml").write_text(dump_question(question), "utf-8")


def built_project(root: Path, questions: list[Question], config: Config) -> Paths:
    """Make a project at `root` holding these records, build it and return its paths."""
    make_project(root)
    paths = Paths.from_config(root, config)
    for question in questions:
        write_record(root, question)
    build(paths, config)
    return paths


def asked(qid: str, title: str, *doctors: Doctor) -> Question:
    answers = tuple(Answer(None, f"Answer {n}.", (), d, False, n) for n, d in enumerate(doctors, 1))
    return Question(qid, f"seeds/{qid}.txt", title, "Body.", None, answers)


def built_after(root: Path, *questions: Question) -> tuple[Built, Built]:
    """Build, write these records, build again; return what each build left."""
    paths = Paths.from_config(root, CONFIG)
    build(paths, CONFIG)
    before = Built(paths)
    for question in questions:
        write_record(root, question)
    report = build(paths, CONFIG)
    return before, Built(paths, report.written.changed)


def test_a_doctor_s_new_answer_reaches_every_list_that_shows_their_profile(tmp_path: Path) -> None:
    # Lee is in two specialty lists, written two ways; a new answer written the second way
    # changes her profile, which the first list (and its page of doctors) shows too.
    root = make_project(tmp_path)
    lee = Doctor("Ann Lee", "Tampa", "Dermatologist", 4.5, 10)
    lee_lower = Doctor("Ann Lee", "Tampa", "dermatologist", 4.5, 11)
    others = [Doctor(f"Doctor {c}", "Tampa", "Dermatologist", 4.0, 1) for c in "ABCDEFGHIJK"]
    write_record(root, asked("q-first", "First question?", lee, *others))
    write_record(root, asked("q-lower", "Lower case question?", lee_lower))
    before, after = built_after(root, asked("q-new", "New question?", lee_lower))
    upper = [g[0] for g in after.index.plain()["specialties"] if g[1] == "Dermatologist"]
    found = changed_families(before, after)
    assert {f"g:specialties:{upper[0]}", f"gd:specialties:{upper[0]}"} <= found
    assert found <= reach_of(before, after)
    assert f"specialties/{upper[0]}/doctors/index.html" in after.written
    assert after.written <= pages_of(before, after)


def test_a_new_question_sharing_a_title_reaches_the_page_of_the_one_it_shares_it_with(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    lee = Doctor("Ann Lee", "Tampa", "Dermatologist", 4.5, 10)
    park = Doctor("Bo Park", "Boston", "Surgeon", 4.0, 3)
    write_record(root, asked("q-old", "Is this normal?", lee))
    # No topic, specialty or title word in common: neither is in the other's related list.
    before, after = built_after(root, asked("q-new", "Is this  NORMAL?", park))
    found = changed_families(before, after)
    assert "q:q-old" in found
    assert after.related["q-old"] == []
    assert "questions/q-old/index.html" in after.written
    assert after.written <= pages_of(before, after)
    assert found <= reach_of(before, after)


# A dense site for the pages of lists: few doctors and tags, pages of two.
DENSE = Config(page_size=2)
PEOPLE = [
    Doctor("Ann Lee", "Tampa", "Dermatologist", 4.5, 10),
    Doctor("Ann Lee", "Tampa", "Dermatologist", 4.6, 12),
    Doctor("Bo Park", "Boston", "Dermatologist", 4.0, 3),
    Doctor("Cy Diaz", "Tampa", "Plastic Surgeon", 3.9, 8),
    Doctor("Di Wu", "Austin", "Plastic Surgeon", None, None),
    Doctor(None, "Tampa", "Dermatologist", None, None),
]
RECORDS = st.builds(
    lambda n, title, picks, hidden: Question(
        f"q-{n:02d}",
        f"seeds/q-{n:02d}.txt",
        f"{title} {n % 4}?",  # a title some other ids share
        "Body.",
        None,
        tuple(
            Answer(None, f"Answer {k}.", tags, PEOPLE[who], hide, k)
            for k, (who, tags, hide) in enumerate(picks, 1)
        ),
        hidden,
    ),
    st.integers(0, 19),
    st.sampled_from(["Lumps after filler", "Botox for lines", "Scar care"]),
    st.lists(
        st.tuples(
            st.integers(0, len(PEOPLE) - 1),
            st.sampled_from([(), ("botox",), ("lips",)]),
            st.sampled_from([False, False, False, True]),  # hidden answer
        ),
        max_size=3,
    ),
    st.sampled_from([False] * 7 + [True]),  # hidden question
)


@settings(
    derandomize=True, max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(RECORDS, min_size=6, max_size=12), st.lists(RECORDS, min_size=1, max_size=4))
def test_every_page_a_full_build_writes_is_reached_in_lists_of_many_pages(
    start: list[Question], changes: list[Question]
) -> None:
    # Each change writes its record, or removes the record of that id when there is one.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = built_project(root, start, DENSE)
        before = Built(paths)
        for question in changes:
            record = root / "content" / "questions" / f"{question.id}.yaml"
            if record.exists():
                record.unlink()
            else:
                write_record(root, question)
            report = build(paths, DENSE)
            after = Built(paths, report.written.changed)
            assert_reached(before, after, DENSE.page_size)
            before = after


def test_a_new_title_of_the_question_giving_a_doctor_s_figures_reaches_each_of_their_pages(
    tmp_path: Path,
) -> None:
    # Every page of a doctor's answers links the question whose copy gives their figures.
    root = make_project(tmp_path)
    paths = Paths.from_config(root, DENSE)
    lee, latest = PEOPLE[0], PEOPLE[1]
    for n in range(4):
        write_record(root, asked(f"q-{n}", f"Question {n}?", lee))
    write_record(root, asked("q-latest", "Latest question?", latest))
    build(paths, DENSE)
    before = Built(paths)
    write_record(root, asked("q-latest", "Latest question, asked again?", latest))
    report = build(paths, DENSE)
    after = Built(paths, report.written.changed)
    [doctor] = after.index.plain()["doctors"]
    assert f"doctors/{doctor[0]}/page/3/index.html" in after.written
    assert after.written <= pages_of(before, after, DENSE.page_size)


def test_a_new_doctor_moving_a_letter_in_the_a_to_z_links_reaches_every_page_of_the_index(
    tmp_path: Path,
) -> None:
    # "Ø" sorts as "O" but is its own letter; "1st" files under "#" before the rest: the
    # letters keep their pages but link in another order on every page.
    root = make_project(tmp_path)
    names = ["Ann Abel", "Ødegaard Ola", "Eve Ernst", "Fay Fox", "Gus Gray", "Hal Hunt"]
    for n, name in enumerate([*names, "Ivy Ito", "Jo Jung"]):
        write_record(
            root, asked(f"q-{n}", f"Question {n}?", Doctor(name, "Tampa", "Dermatologist", 4.0, 1))
        )
    clinic = Doctor("1st Choice Clinic", "Tampa", "Dermatologist", 4.0, 1)
    before, after = built_after(root, asked("q-new", "New question?", clinic))
    assert {"doctors/page/2/index.html", "doctors/page/3/index.html"} <= after.written
    assert after.written <= pages_of(before, after)


def test_a_new_namesake_changing_a_doctor_s_id_is_told_as_a_change_of_urls(
    tmp_path: Path,
) -> None:
    # "Ann Lée" is another doctor whose id would spell the same: both ids take a digest,
    # and every page linking to Ann Lee's profile changes (the full path's case).
    root = make_project(tmp_path)
    lee = Doctor("Ann Lee", "Tampa", "Dermatologist", 4.0, 1)
    write_record(root, asked("q-1", "First question?", lee))
    before, after = built_after(
        root, asked("q-2", "Second question?", Doctor("Ann Lée", "Tampa", "Dermatologist"))
    )
    assert urls_changed(before.index, after.index)
    assert "questions/q-1/index.html" in after.written


def test_a_new_doctor_with_an_id_of_their_own_changes_no_url(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_record(root, asked("q-1", "First question?", Doctor("Ann Lee", "Tampa", "Dermatologist")))
    before, after = built_after(
        root, asked("q-2", "Second?", Doctor("Bo Park", "Tampa", "Dermatologist"))
    )
    assert not urls_changed(before.index, after.index)


def test_a_new_topic_whose_slug_clashes_with_one_there_is_told_as_a_change_of_urls(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    lee = Doctor("Ann Lee", "Tampa", "Dermatologist")

    def tagged(qid: str, tag: str) -> Question:
        return Question(
            qid,
            f"seeds/{qid}.txt",
            f"{qid}?",
            "",
            None,
            (Answer(None, "A.", (tag,), lee, False, 1),),
        )

    write_record(root, tagged("q-1", "botox"))
    before, after = built_after(root, tagged("q-2", "Botox"))
    assert urls_changed(before.index, after.index)
    assert "questions/q-1/index.html" in after.written
