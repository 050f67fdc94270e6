"""The families a change reaches include every family a full build finds changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import build
from sitegen.cache import CACHE_DIR
from sitegen.config import Config, Paths
from sitegen.families import FAMILIES_DIR, Families, Family
from sitegen.ingest import load_records
from sitegen.model import Answer, Doctor, Question
from sitegen.reach import reached
from sitegen.records import dump_question
from sitegen.related import RelatedIndex
from sitegen.render import _title_marks
from sitegen.site import build_site
from sitegen.siteindex import SiteIndex
from sitegen.version import code_version
from tests.test_build import make_project
from tests.test_incremental_properties import CHANGES, POOL, Change, apply


class Built:
    """What a full build left: its published questions, their lists and its families."""

    def __init__(self, paths: Paths) -> None:
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


def reach_of(before: Built, after: Built) -> set[str]:
    ids = before.questions.keys() | after.questions.keys()
    changed = {i for i in ids if before.questions.get(i) != after.questions.get(i)}
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
        paths = Paths.from_config(root, Config())
        for name, text in POOL[:3]:
            (root / "seeds" / name).write_text(text, "utf-8")
        build(paths, Config())
        before = Built(paths)
        (root / "seeds" / POOL[3][0]).write_text(POOL[3][1], "utf-8")
        build(paths, Config())
        after = Built(paths)
        [added] = after.questions.keys() - before.questions.keys()
        found = changed_families(before, after)
        assert {"home", f"q:{added}"} <= found
        assert found <= reach_of(before, after)


@settings(
    derandomize=True, max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(CHANGES.filter(lambda c: c.kind != "template"), min_size=1, max_size=5))
def test_every_family_a_full_build_changes_is_reached(changes: list[Change]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp))
        paths = Paths.from_config(root, Config())
        for name, text in POOL[:3]:
            (root / "seeds" / name).write_text(text, "utf-8")
        build(paths, Config())
        before = Built(paths)
        for change in changes:
            apply(root, change)
            build(paths, Config())
            after = Built(paths)
            missed = changed_families(before, after) - reach_of(before, after)
            assert not missed, change
            before = after


def write_record(root: Path, question: Question) -> None:
    folder = root / "content" / "questions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{question.id}.yaml").write_text(dump_question(question), "utf-8")


def asked(qid: str, title: str, *doctors: Doctor) -> Question:
    answers = tuple(Answer(None, f"Answer {n}.", (), d, False, n) for n, d in enumerate(doctors, 1))
    return Question(qid, f"seeds/{qid}.txt", title, "Body.", None, answers)


def built_after(root: Path, *questions: Question) -> tuple[Built, Built]:
    """Build, write these records, build again; return what each build left."""
    paths = Paths.from_config(root, Config())
    build(paths, Config())
    before = Built(paths)
    for question in questions:
        write_record(root, question)
    build(paths, Config())
    return before, Built(paths)


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
    assert found <= reach_of(before, after)
