"""Pages rendered from a site index have the bytes a full build writes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.delta_render import DeltaSite, Lazy, Records
from sitegen.model import Doctor, Question
from sitegen.related import RelatedIndex
from sitegen.render import _title_marks
from tests.test_build import make_project
from tests.test_reach import DENSE, RECORDS, Built, asked, write_record


def rendered_from_index(paths: Paths, config: Config, built: Built) -> dict[str, bytes]:
    """Render every family the full build stored, from its site index."""
    questions = list(built.questions.values())
    related = RelatedIndex(questions)
    lists = {q.id: tuple(r.id for r in related.related(q)) for q in questions}
    delta = DeltaSite(built.index, Records(paths.content / "questions"))
    renderer = delta.renderer(paths.templates, config, lists, _title_marks(questions), paths.output)
    return delta.render_pages(renderer, built.families)


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
        root = make_project(Path(tmp))
        paths = Paths.from_config(root, DENSE)
        for question in start:
            write_record(root, question)
        build(paths, DENSE)
        built = Built(paths)
        on_disk = pages_on_disk(paths.output)
        rendered = rendered_from_index(paths, DENSE, built)
        assert rendered.keys() == on_disk.keys()
        for path, data in rendered.items():
            assert data == on_disk[path], path


def test_a_specialty_with_more_doctors_than_its_page_shows_renders_its_doctor_pages(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    paths = Paths.from_config(root, DENSE)
    doctors = [Doctor(f"Doctor {c}", "Tampa", "Dermatologist", 4.0, 1) for c in "ABCDEFGHIJKL"]
    for n in range(len(doctors)):
        write_record(root, asked(f"q-{n:02d}", f"Question {n}?", *doctors[: n + 1]))
    build(paths, DENSE)
    rendered = rendered_from_index(paths, DENSE, Built(paths))
    on_disk = pages_on_disk(paths.output)
    assert "specialties/dermatologist/doctors/page/2/index.html" in rendered
    assert rendered == on_disk
