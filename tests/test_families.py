"""A family of pages whose source did not change is not keyed page by page, and still every
page comes out as a clean full build writes it: a lookup that answers differently, or a file
changed under public/, renders the page again."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen import build as build_module
from sitegen import delta
from sitegen.build import _kept_answers, build
from sitegen.config import Config, Paths
from sitegen.families import FAMILIES_DIR, Families
from sitegen.render import Renderer
from sitegen.verify import verify
from sitegen.version import code_version
from tests.test_build import make_project, site_files, write_seed

CONFIG = Config(search=False)


def add(root: Path, name: str, title: str, tag: str, doctor: str, where: str) -> None:
    """Write a one-answer seed; `where` is the doctor's "City Specialty" line."""
    write_seed(root, name, seed(title, tag, doctor, where))


def seed(title: str, tag: str, doctor: str, where: str) -> str:
    return f"""
    {title}

    A question about {tag}.

    Doctor Answers 1

    An answer. #{tag}

    {doctor}
    {where}
    4.8 out of 5 stars 12 reviews
    """


def run(root: Path) -> None:
    build(Paths.from_config(root, CONFIG), CONFIG)


def keyed_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the URL of every page keyed one by one from here on (not those the preflight
    renders without keys to try the templates)."""
    keyed: list[str] = []
    original = Renderer._render

    def recording(self: Renderer, template: str, page: Any, *args: Any, **kw: Any) -> Any:
        if self.keys is not None:
            keyed.append(page.url)
        return original(self, template, page, *args, **kw)

    monkeypatch.setattr(Renderer, "_render", recording)
    return keyed


def clean_build_of(root: Path, tmp_path: Path) -> dict[str, bytes]:
    fresh = make_project(tmp_path / "fresh")
    shutil.rmtree(fresh / "seeds")
    shutil.copytree(root / "seeds", fresh / "seeds")
    run(fresh)
    return site_files(fresh)


@pytest.fixture(autouse=True, scope="module")
def full_path_only() -> Iterator[None]:
    """These are the full path's families: a delta build leaves them as they were."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delta, "ENABLED", False)
        yield


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "site")
    add(root, "ice.txt", "Does ice help?", "bruising", "Dr. Ann Lee", "Tampa Dermatologist")
    add(root, "scar.txt", "Will it scar?", "scars", "Dr. Bo Chen", "Ohio Plastic Surgeon")
    add(root, "nose.txt", "Nose swelling?", "rhinoplasty", "Dr. Cy Diaz", "Utah Plastic Surgeon")
    run(root)
    return root


def test_a_question_page_whose_source_did_not_change_is_not_keyed_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyed = keyed_pages(monkeypatch)
    add(root, "new.txt", "Lip filler lumps?", "fillers", "Dr. Di Eng", "Iowa Nurse")
    run(root)
    assert "questions/lip-filler-lumps/" in keyed  # new: keyed and rendered
    assert "" in keyed  # the home list changed
    assert "questions/does-ice-help/" not in keyed  # shares nothing with the new question
    assert "doctors/dr-ann-lee-tampa-dermatologist/" not in keyed


def test_a_skipped_page_whose_lookup_answers_differently_renders_again(
    root: Path, tmp_path: Path
) -> None:
    # A place spelled "TAMPA": its slug clashes with "Tampa", so both now carry a digest,
    # and the unchanged question's page must link to the new URL.
    add(root, "other.txt", "Hair loss?", "hair", "Dr. Di Eng", "TAMPA Dentist")
    run(root)
    page = (root / "public/questions/does-ice-help/index.html").read_text("utf-8")
    assert 'href="../../locations/tampa/"' not in page
    assert site_files(root) == clean_build_of(root, tmp_path)


def test_a_page_changed_under_public_is_written_again_though_its_family_is_unchanged(
    root: Path,
) -> None:
    page = root / "public/questions/will-it-scar/index.html"
    written = page.read_bytes()
    page.write_bytes(written.replace(b"Will it scar?", b"Will it scar!"))
    add(root, "new.txt", "Lip filler lumps?", "fillers", "Dr. Di Eng", "Iowa Nurse")
    run(root)
    assert page.read_bytes() == written


def test_a_deleted_question_leaves_no_family_behind(root: Path) -> None:
    (root / "seeds" / "nose.txt").unlink()
    run(root)
    stored = Families(root / ".sitegen-cache" / FAMILIES_DIR, code_version()).previous
    assert "q:nose-swelling" not in stored
    assert "q:does-ice-help" in stored and "home" in stored


def test_a_question_whose_title_becomes_shared_is_titled_again(root: Path) -> None:
    """Five closer questions fill its related list, so only the shared title changes it."""
    for n in range(5):
        add(root, f"b{n}.txt", f"Bruise {n}?", "bruising", "Dr. Ann Lee", "Tampa Dermatologist")
    run(root)
    add(root, "again.txt", "Does ice help?", "hair", "Dr. Fay Gu", "Reno Dentist")
    run(root)
    page = (root / "public/questions/does-ice-help/index.html").read_text("utf-8")
    assert "<title>Does ice help? (1 of 2)" in page


def test_url_answers_count_as_kept_while_the_maps_only_grow() -> None:
    before = ({("ann", "", ""): "ann"}, {"bruising": "bruising"})
    grown = ({("ann", "", ""): "ann", ("bo", "", ""): "bo"}, {"bruising": "bruising"})
    renamed = ({("ann", "", ""): "ann-tampa"}, {"bruising": "bruising"})
    dropped = ({}, {"bruising": "bruising"})
    assert _kept_answers(before, grown)
    assert not _kept_answers(before, renamed)
    assert not _kept_answers(before, dropped)
    assert not _kept_answers(None, grown)  # nothing stored: nothing known


@pytest.mark.parametrize("dies_in", ["families", "url maps"])
def test_a_build_killed_after_saving_page_keys_is_not_trusted_after_a_verify(
    root: Path, monkeypatch: pytest.MonkeyPatch, dies_in: str
) -> None:
    """Killed with its page keys saved but not its families (or URL maps), then `verify` (a
    build without cache), then the inputs put back: nothing may be skipped on stale grounds."""
    ice = (root / "seeds" / "ice.txt").read_text("utf-8")
    namesake = ("other.txt", "Hair loss?", "hair", "Dr. Ann Lee", "Reno Dentist")
    if dies_in == "families":
        (root / "seeds" / "ice.txt").write_text(ice.replace("A question", "EDITED"), "utf-8")
    else:
        add(root, *namesake)
    with monkeypatch.context() as patch:
        if dies_in == "families":
            patch.setattr(Families, "save", _killed)
        else:
            save = build_module.cache_files.save

            def save_but_the_maps(path: Path, *args: Any) -> None:
                if path.name == build_module.URL_MAPS_FILE:
                    _killed()
                save(path, *args)

            patch.setattr(build_module.cache_files, "save", save_but_the_maps)
        with pytest.raises(OSError):
            run(root)
    verify(Paths.from_config(root, CONFIG), CONFIG)
    if dies_in == "families":
        (root / "seeds" / "ice.txt").write_text(ice, "utf-8")
    else:
        (root / "seeds" / namesake[0]).unlink()
    run(root)
    assert verify(Paths.from_config(root, CONFIG), CONFIG) == []


def _killed(*args: object) -> None:
    raise OSError("killed")


def test_a_page_changed_under_public_is_written_again_when_shares_split_its_family(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two render processes each check only their own pages of an unchanged family: each must
    count the pages as it renders them, or one keeps a page the other was to check."""
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(build_module, "workers", lambda: 2)
    config = Config(search=False, page_size=1)
    root = make_project(tmp_path)
    for n in range(6):
        add(root, f"s{n}.txt", f"Scar {n}?", "scars", f"Dr. Bo Chen{n}", "Ohio Plastic Surgeon")
    add(root, "ice.txt", "Does ice help?", "bruising", "Dr. Ann Lee", "Tampa Dermatologist")
    paths = Paths.from_config(root, config)
    build(paths, config)
    pages = sorted((root / "public/topics/scars").rglob("index.html"))
    assert len(pages) > 2
    written = {page: page.read_bytes() for page in pages}
    for page in pages:  # one page at a time: whichever process owns it must notice
        page.write_bytes(written[page].replace(b"Scar", b"Scab"))
        ice = root / "seeds" / "ice.txt"
        ice.write_text(ice.read_text("utf-8") + "\nMore.\n", "utf-8")  # scars stays unchanged
        build(paths, config)
        assert page.read_bytes() == written[page]
