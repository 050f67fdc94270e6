"""Pages rendered from a site index have the bytes a full build writes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cache import key
from sitegen.config import Config, Paths
from sitegen.delta_render import DeltaSite, Lazy, Records
from sitegen.model import Doctor, Question
from sitegen.recordpack import Pack, write_pack
from sitegen.related import RelatedIndex
from sitegen.render import _title_marks
from sitegen.siteindex import SiteIndex
from tests.test_reach import DENSE, RECORDS, Built, asked, built_project


def rendered_from_index(
    paths: Paths,
    config: Config,
    built: Built,
    index: SiteIndex | None = None,
    pages: set[str] | None = None,
    records: Callable[[str], Question] | None = None,
) -> dict[str, bytes]:
    """Render every family the full build stored (only `pages`, if given) from a site index
    (the build's own, if none is given)."""
    questions = list(built.questions.values())
    related = RelatedIndex(questions)
    lists = {q.id: tuple(r.id for r in related.related(q)) for q in questions}
    delta = DeltaSite(index or built.index, records or Records(paths.content / "questions"))
    marks = _title_marks(questions)
    renderer = delta.renderer(paths.templates, config, lists, marks, paths.output)
    return delta.render_pages(renderer, built.families, pages)


def made_one_at_a_time(built: Built) -> SiteIndex:
    """Return the index of a built site made by `add`, last question first, with the first
    removed and added again."""
    index = SiteIndex()
    questions = list(built.questions.values())
    for question in reversed(questions):
        index.add(question)
    if questions:
        index.remove(questions[0].id)
        index.add(questions[0])
    return index


def question_links(page: bytes) -> set[str]:
    """Return the ids of the questions a list page links."""
    soup = BeautifulSoup(page.decode("utf-8"), "html.parser")
    return {str(a["href"]).split("/")[-2] for a in soup.select(".question-card__title a")}


def pages_on_disk(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*.html")
        if "pagefind" not in p.parts
    }


def test_a_lazy_list_pages_by_ids_and_makes_only_what_is_read() -> None:
    made: list[str] = []
    items = Lazy(["a", "b", "c"], lambda i: made.append(i) or i.upper())
    chunk = items[1:]
    assert (len(items), chunk.ids) == (3, ["b", "c"])
    assert made == []
    assert list(chunk) == ["B", "C"]
    assert made == ["b", "c"]


@settings(
    derandomize=True, max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(RECORDS, min_size=1, max_size=14))
def test_every_page_rendered_from_the_site_index_is_the_full_build_s(
    start: list[Question],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = built_project(Path(tmp), start, DENSE)
        built = Built(paths)
        on_disk = pages_on_disk(paths.output)
        rendered = rendered_from_index(paths, DENSE, built, made_one_at_a_time(built))
        assert rendered.keys() == on_disk.keys()
        for path, data in rendered.items():
            assert data == on_disk[path], path
        some = set(sorted(on_disk)[::3])
        assert rendered_from_index(paths, DENSE, built, pages=some).keys() == some


def test_a_page_reads_only_the_records_of_the_questions_it_shows(tmp_path: Path) -> None:
    lee = Doctor("Ann Lee", "Tampa", "Surgeon")
    questions = [asked(f"q-{n}", f"Question {n}?", lee) for n in range(9)]
    paths = built_project(tmp_path, questions, DENSE)
    read: set[str] = set()
    records = Records(paths.content / "questions")

    def counted(qid: str) -> Question:
        read.add(qid)
        return records(qid)

    built = Built(paths)
    page = "page/2/index.html"
    rendered = rendered_from_index(paths, DENSE, built, pages={page}, records=counted)
    assert read == question_links(rendered[page])
    assert 0 < len(read) < len(built.questions)


def test_a_specialty_with_more_doctors_than_its_page_shows_renders_its_doctor_pages(
    tmp_path: Path,
) -> None:
    doctors = [Doctor(f"Doctor {c}", "Tampa", "Dermatologist", 4.0, 1) for c in "ABCDEFGHIJKL"]
    questions = [asked(f"q-{n:02d}", f"Question {n}?", *doctors[: n + 1]) for n in range(12)]
    paths = built_project(tmp_path, questions, DENSE)
    rendered = rendered_from_index(paths, DENSE, Built(paths))
    on_disk = pages_on_disk(paths.output)
    assert "specialties/dermatologist/doctors/page/2/index.html" in rendered
    assert rendered == on_disk


def test_questions_sharing_a_title_render_from_the_index_with_their_marks(tmp_path: Path) -> None:
    lee = Doctor("Ann Lee", "Tampa", "Surgeon")
    titles = ["Is this normal?", "Is this  normal?", "Is this  normal?"]
    questions = [asked(f"q-{n}", title, lee) for n, title in enumerate(titles)]
    paths = built_project(tmp_path, questions, DENSE)
    rendered = rendered_from_index(paths, DENSE, Built(paths))
    assert b"Is this normal? (1 of 3)" in rendered["questions/q-0/index.html"]
    assert rendered == pages_on_disk(paths.output)


def test_pages_rendered_with_questions_from_a_record_pack_are_the_full_build_s(
    tmp_path: Path,
) -> None:
    lee = Doctor("Ann Lee", "Tampa", "Surgeon")
    questions = [asked(f"q-{n}", f"Question {n}?", lee) for n in range(5)]
    paths = built_project(tmp_path, questions, DENSE)
    folder = paths.content / "questions"
    digests = {p.stem: key(p.read_bytes()) for p in folder.glob("*.yaml")}
    # The pack holds another title for q-1: taken from the pack, the page would show it.
    packed = {qid: (digests[qid], Records(folder)(qid)) for qid in digests}
    packed["q-1"] = (digests["q-1"], replace(packed["q-1"][1], title="Packed title?"))
    write_pack(tmp_path / "records.pack", "v1", packed)
    pack = Pack(tmp_path / "records.pack", "v1")
    rendered = rendered_from_index(
        paths, DENSE, Built(paths), records=Records(folder, pack, digests)
    )
    assert b"Packed title?" in rendered["questions/q-1/index.html"]
    # With the record's digest changed, the record file is read instead.
    stale = {**digests, "q-1": "another digest"}
    rendered = rendered_from_index(paths, DENSE, Built(paths), records=Records(folder, pack, stale))
    assert rendered == pages_on_disk(paths.output)
