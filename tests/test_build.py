"""End to end: seeds -> records -> public/, read back page by page with BeautifulSoup."""

from __future__ import annotations

import gc
import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from sitegen.build import build, check
from sitegen.config import DEFAULT_DISCLAIMER, Config, Paths
from sitegen.corpus import write_corpus
from sitegen.pages import page_ranges, paged_url
from sitegen.render import PAGES_AHEAD, Renderer
from sitegen.reports import BuildReport
from sitegen.site import Site
from sitegen.slugs import slugify
from sitegen.writer import MANIFEST

REPO = Path(__file__).resolve().parents[1]
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
)
HOSTILE_SEED = f"""\
Is {PAYLOADS[0]} safe for my face?

My body says {PAYLOADS[1]} and [click](javascript:alert(1)) and <b>bold</b>.

Doctor Answers 2

Heading {PAYLOADS[2]}

Answer text {PAYLOADS[0]} with #tag{PAYLOADS[1]} and https://example.org/a?b=<c> too.

{PAYLOADS[1]}
Tampa Plastic Surgeon
4.9 out of 5 stars 10 reviews

Second answer.

Dr. <script>x</script> Lee
{PAYLOADS[2]} Wizard
"""


def make_project(root: Path) -> Path:
    """Return a project root holding the repo's templates and static files and a seeds/ dir."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "seeds").mkdir()
    return root


def run_build(root: Path, **kwargs: bool) -> BuildReport:
    return build(Paths.from_config(root, Config()), Config(), **kwargs)


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def site_files(root: Path) -> dict[str, bytes]:
    """Return the bytes of every file under public/ and content/ by path, but the search index:
    Pagefind's files are not byte-stable from run to run (Pagefind/pagefind#638)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for d in ("public", "content")
        for p in sorted((root / d).rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(root).parts
    }


def write_seed(root: Path, name: str, text: str) -> Path:
    path = root / "seeds" / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site from the real seeds, 40 generated seeds, a hostile seed and an empty seed."""
    root = make_project(tmp_path_factory.mktemp("site"))
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy(seed, root / "seeds" / seed.name)
    write_corpus(root / "seeds", 40, seed=7)
    (root / "seeds" / "hostile.txt").write_text(HOSTILE_SEED, "utf-8")
    (root / "seeds" / "empty.txt").write_text("  \n", "utf-8")
    report = run_build(root)
    assert [d.path for d in report.errors] == ["seeds/empty.txt"]
    return root


def test_every_page_carries_the_medical_disclaimer(site: Path) -> None:
    pages = html_files(site / "public")
    assert len(pages) > 40
    for page in pages:
        text = " ".join(soup(page).get_text(" ").split())
        assert DEFAULT_DISCLAIMER in text, page
        assert "If you have a medical emergency, please call 911" in text, page


def test_every_internal_link_resolves(site: Path) -> None:
    output = site / "public"
    for page in html_files(output):
        if page.name == "404.html":
            continue  # links from the site root, checked below
        for element in soup(page).find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if not target or urlsplit(target).scheme or target.startswith("#"):
                continue
            path = unquote(urlsplit(target).path)
            resolved = (page.parent / path).resolve()
            if path.endswith("/") or resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{page.relative_to(output)} links to missing {target}"


def test_not_found_page_links_from_the_site_root(site: Path) -> None:
    output = site / "public"
    for element in soup(output / "404.html").find_all(["a", "link"]):
        target = str(element["href"])
        if target.startswith("#") or urlsplit(target).scheme:
            continue
        assert target.startswith("/"), target
        path = target.lstrip("/")
        resolved = output / path / "index.html" if not path or path.endswith("/") else output / path
        assert resolved.is_file(), target


def test_not_found_page_claims_no_address_and_asks_not_to_be_indexed(site: Path) -> None:
    page = soup(site / "public" / "404.html")
    assert page.find("link", rel="canonical") is None
    assert page.find("meta", property="og:url") is None
    assert page.find("script", type="application/ld+json") is None
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_one_page_per_question_at_questions_id(site: Path) -> None:
    records = sorted(p.stem for p in (site / "content" / "questions").glob("*.yaml"))
    pages = sorted(p.name for p in (site / "public" / "questions").iterdir())
    assert pages == records
    assert len(records) == 43  # 2 real + 40 generated + hostile; the empty seed failed alone


def test_hostile_seed_text_shows_as_text(site: Path) -> None:
    page = next((site / "public" / "questions").glob("is-script-alert*/index.html"))
    text = soup(page).get_text(" ")
    for payload in PAYLOADS:
        assert payload in text
    assert "javascript:alert(1)" in text


def test_no_page_has_injected_markup_inline_script_or_event_handlers(site: Path) -> None:
    for page in html_files(site / "public"):
        document = soup(page)
        for script in document.find_all("script"):
            if script.get("type") == "application/ld+json":
                continue  # data, not code: browsers never run it, CSP does not govern it
            assert script.get("src"), f"inline script in {page}"
            assert not script.string, f"inline script in {page}"
        assert not document.find_all(["svg", "img", "b", "iframe"]), page
        for element in document.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), f"{page}: {element}"
                if name in {"href", "src"}:
                    assert not str(value).lower().startswith("javascript:"), f"{page}: {element}"


def test_seed_links_carry_nofollow_ugc(site: Path) -> None:
    page = next((site / "public" / "questions").glob("is-script-alert*/index.html"))
    links = soup(page).select(".answer__body a")
    assert [link["href"] for link in links] == ["https://example.org/a?b="]
    assert all(link["rel"] == ["nofollow", "ugc"] for link in links)


def test_every_page_declares_a_strict_content_security_policy(site: Path) -> None:
    for page in html_files(site / "public"):
        meta = soup(page).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, page
        policy = str(meta["content"])
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_unnamed_doctor_is_described_not_named(site: Path) -> None:
    page = site / "public" / "questions"
    page = page / "twitching-on-my-left-cheek-is-botox-the-solution" / "index.html"
    names = [p.get_text() for p in soup(page).select(".doctor-card__name")]
    assert names[0] == "A Dermatologic Surgeon in Manhattan"
    assert names[1] == "Sanusi Umar, MD"


def test_stars_say_what_they_rate(site: Path) -> None:
    page = site / "public" / "questions"
    page = page / "twitching-on-my-left-cheek-is-botox-the-solution" / "index.html"
    rating = soup(page).select_one(".doctor-card__rating")
    assert rating is not None
    text = " ".join(rating.get_text(" ").split())
    assert "4.9 out of 5 stars, 37 reviews" in text
    assert "not a rating of this answer" in text


def test_home_lists_every_question_once_across_its_pages(site: Path) -> None:
    output = site / "public"
    listed: list[str] = []
    for page in [output / "index.html", *sorted(output.glob("page/*/index.html"))]:
        links = soup(page).select(".question-card__title a")
        listed += [str(a["href"]).split("questions/")[1] for a in links]
    records = sorted(f"{p.stem}/" for p in (site / "content" / "questions").glob("*.yaml"))
    assert sorted(listed) == records
    assert len(listed) == len(set(listed))


def test_about_page_says_where_content_comes_from(site: Path) -> None:
    text = soup(site / "public" / "about" / "index.html").get_text(" ")
    assert "RealSelf" in text
    assert "not medically reviewed" in " ".join(text.split())


# --- the user's loop: add a seed, edit a record, rebuild ------------------------------------

SEED = """
    Does ice help bruising?

    I bruise easily.

    Doctor Answers 1

    Ice helps

    Use ice for two days.

    Ann Lee, MD
    Tampa Plastic Surgeon
    5.0 out of 5 stars 3 reviews
"""


def test_a_build_asked_to_leave_what_it_built_puts_it_in_the_list(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    left: list[object] = []
    try:
        build(Paths.from_config(root, Config()), Config(), left=left)
    finally:
        gc.unfreeze()  # (a process given `left` ends after the build: it leaves the heap frozen)
    sites = [item for item in left if isinstance(item, Site)]
    assert [q.id for site in sites for q in site.questions] == ["does-ice-help-bruising"]


def test_questions_sharing_a_title_are_told_apart_in_page_titles_by_number(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    write_seed(
        root, "ice-2.txt", SEED.replace("Does ice help bruising?", "Does ICE help bruising?")
    )
    run_build(root)
    titles, headings = [], []
    for page in sorted((root / "public" / "questions").glob("*/index.html")):
        html = soup(page)
        titles.append(html.title.get_text().split(" · ")[0])
        headings.append(html.h1.get_text())
    assert titles == ["Does ice help bruising? (1 of 2)", "Does ICE help bruising? (2 of 2)"]
    assert headings == ["Does ice help bruising?", "Does ICE help bruising?"]


def test_a_shared_title_warning_names_the_records_when_a_seed_is_gone(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    write_seed(root, "ice-2.txt", SEED.replace("Use ice", "Try ice"))
    run_build(root)
    records = sorted(f"content/questions/{p.name}" for p in (root / "content/questions").iterdir())
    (record,) = (root / "content" / "questions").glob("*-2.yaml")
    record.write_text(record.read_text("utf-8").replace("Try ice", "Use cold"), "utf-8")
    (root / "seeds" / "ice-2.txt").unlink()  # the edited record is kept
    report = run_build(root)
    shared = sorted(d.path for d in report.diagnostics if "same title" in d.message)
    assert len(records) == 2 and shared == records


def test_check_names_the_seeds_of_records_not_written_yet(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    write_seed(root, "ice-2.txt", SEED)
    report = check(Paths.from_config(root, Config()))
    shared = sorted((d.path, d.message) for d in report.diagnostics if "same title" in d.message)
    assert shared == [
        ("seeds/ice-2.txt", "same title as seeds/ice.txt"),
        ("seeds/ice.txt", "same title as seeds/ice-2.txt"),
    ]


def test_a_new_seed_appears_after_a_rebuild(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    run_build(root)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    assert "Use ice for two days." in page.read_text("utf-8")
    assert "does-ice-help-bruising" in (root / "public" / "index.html").read_text("utf-8")


def test_a_hand_edit_of_a_record_shows_after_a_rebuild(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("two days", "48 hours"), "utf-8")
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    assert "Use ice for 48 hours." in page.read_text("utf-8")
    assert "48 hours" in record.read_text("utf-8")


def test_a_deleted_seed_takes_its_page_away(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    seed = write_seed(root, "ice.txt", SEED)
    run_build(root)
    seed.unlink()
    run_build(root)
    assert not (root / "public" / "questions" / "does-ice-help-bruising").exists()
    assert not (root / "content" / "questions" / "does-ice-help-bruising.yaml").exists()


def test_a_hidden_question_gets_no_page_and_no_listing(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8") + "hidden: true\n", "utf-8")
    report = run_build(root)
    assert report.hidden == 1
    assert not (root / "public" / "questions" / "does-ice-help-bruising").exists()
    assert "Does ice help bruising?" not in (root / "public" / "index.html").read_text("utf-8")


def test_hiding_an_answer_keeps_the_anchors_of_the_others(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    second = "Second view\n\nRest it.\n\nBo Chu, MD\nTampa Plastic Surgeon\n"
    second += "4.0 out of 5 stars 9 reviews\n"
    write_seed(root, "ice.txt", SEED.replace("Doctor Answers 1", "Doctor Answers 2"))
    with (root / "seeds" / "ice.txt").open("a", encoding="utf-8") as seed:
        seed.write("\n" + second)
    run_build(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(
        record.read_text("utf-8").replace(
            "- title: Ice helps", "- hidden: true\n  title: Ice helps"
        ),
        "utf-8",
    )
    run_build(root)
    page = soup(root / "public" / "questions" / "does-ice-help-bruising" / "index.html")
    assert page.find(id="answer-1") is None
    assert "Rest it." in page.find(id="answer-2").get_text()
    profile = soup(root / "public" / "doctors" / "bo-chu-md-tampa-plastic-surgeon" / "index.html")
    assert profile.find("a", href="../../questions/does-ice-help-bruising/#answer-2") is not None


def test_a_stated_count_that_differs_shows_both_counts(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED.replace("Doctor Answers 1", "Doctor Answers 4"))
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    text = " ".join(soup(page).get_text(" ").split())
    assert "1 doctor answer (the original page said 4; 1 is included here)" in text


def test_a_question_without_answers_says_so_in_words_on_its_page_and_in_lists(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", "Does ice help bruising?\n\nI bruise easily after filler.\n")
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    assert soup(page).find(class_="answer-count").get_text(" ", strip=True) == "No doctor answers"
    card = soup(root / "public" / "index.html").find(class_="question-card__meta")
    assert card.get_text(" ", strip=True) == "No doctor answers"


def test_a_page_whose_answers_were_not_copied_says_none_is_included(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", "Does ice help bruising?\n\nI bruise easily.\n\nDoctor Answers 2\n")
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    text = " ".join(soup(page).find(class_="answer-count").get_text(" ").split())
    assert text == "No doctor answers (the original page said 2; none is included here)"


def test_a_bad_record_is_reported_with_file_and_line_and_the_rest_builds(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    write_seed(root, "other.txt", SEED.replace("Does ice help bruising?", "Is heat better?"))
    run_build(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("rating: 5.0", "rating: high"), "utf-8")
    report = run_build(root)
    assert [(e.path, e.line is not None) for e in report.errors] == [
        ("content/questions/does-ice-help-bruising.yaml", True)
    ]
    assert (root / "public" / "questions" / "is-heat-better" / "index.html").is_file()


def test_unchanged_pages_are_not_rewritten(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    run_build(root)
    page = root / "public" / "questions" / "does-ice-help-bruising" / "index.html"
    before = page.stat().st_mtime_ns
    report = run_build(root)
    assert report.written is not None and report.written.written == 0
    assert page.stat().st_mtime_ns == before


def test_the_build_summary_counts_each_output_file_once(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    first = run_build(root).written
    files = json.loads((root / "public" / MANIFEST).read_text("utf-8"))
    assert first is not None and (first.written, first.unchanged) == (len(files), 0)
    again = run_build(root, force=True).written
    assert again is not None and (again.written, again.unchanged) == (0, len(files))


def test_the_same_inputs_give_byte_identical_output(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        root = make_project(tmp_path / name)
        write_corpus(root / "seeds", 15, seed=3)
        run_build(root)
        outputs.append(site_files(root))
    assert outputs[0].keys() == outputs[1].keys()
    assert outputs[0] == outputs[1]


def test_the_qapage_setting_turns_question_markup_off(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_seed(root, "ice.txt", SEED)
    config = Config(qapage_markup=False)
    build(Paths.from_config(root, config), config)
    page = soup(root / "public" / "questions" / "does-ice-help-bruising" / "index.html")
    kinds = [s.string for s in page.find_all("script", type="application/ld+json")]
    assert kinds and not any('"QAPage"' in str(k) for k in kinds)
    assert any('"BreadcrumbList"' in str(k) for k in kinds)


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    # `sitegen serve` builds again and again in one process: the pause must not outlive a build.
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=2)
    assert gc.isenabled()
    run_build(root)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_build_whose_process_exits_after_it_leaves_what_it_loaded_frozen(
    tmp_path: Path,
) -> None:
    # `sitegen build` exits right after: a collection would only walk what the build left.
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=2)
    left: list[object] = []
    try:
        build(Paths.from_config(root, Config()), Config(), left=left)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_build_leaves_a_disabled_garbage_collector_disabled(tmp_path: Path) -> None:

    root = make_project(tmp_path)
    write_corpus(root / "seeds", 3, seed=2)
    gc.disable()
    try:
        run_build(root)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _rendered_when_a_question_comes_and_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, owner: str
) -> tuple[dict[str, set[str]], list[str]]:
    """Build 80 questions in pages of 4, add a copy of one (new title, same answers), build,
    remove it and build again. Return the pages of `template` the last build rendered, by the
    URL of the context value `owner` (a group, a doctor), and those whose page count stayed."""
    root = make_project(tmp_path)
    seeds = write_corpus(root / "seeds", 80, seed=12)
    config = Config(page_size=4, search=False)
    paths = Paths.from_config(root, config)
    build(paths, config)
    text = seeds[0].read_text("utf-8")
    (root / "seeds" / "joins.txt").write_text("A new question?\n" + text.split("\n", 1)[1], "utf-8")
    rendered: dict[str, set[str]] = {}  # owner url -> its pages rendered
    original = Renderer.render

    def counting(self: Renderer, name: str, page: Any, *args: Any, **kw: Any) -> Any:
        data = original(self, name, page, *args, **kw)
        if data is not None and name == template:
            rendered.setdefault(kw[owner].url, set()).add(page.url)
        return data

    def page_counts() -> dict[str, int]:
        return {url: len(list((root / "public" / url).rglob("index.html"))) for url in rendered}

    monkeypatch.setattr(Renderer, "render", counting)
    build(paths, config)
    after = page_counts()
    rendered.clear()
    (root / "seeds" / "joins.txt").unlink()
    build(paths, config)  # and back: as they were
    before = page_counts()
    same = [url for url in rendered if before[url] == after[url]]
    assert max(after[url] for url in same) > 4  # long lists: rendering every page would show
    return rendered, same


@pytest.mark.parametrize(
    ("template", "owner"), [("group.html", "group"), ("doctor.html", "doctor")]
)
def test_a_question_joining_a_list_renders_its_first_page_and_the_one_it_lands_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, owner: str
) -> None:
    """A question joins its topics', specialties' and locations' lists, and its answers join
    their doctors' lists: only the first page (counts) and the page it lands on re-render."""
    rendered, same = _rendered_when_a_question_comes_and_goes(
        tmp_path, monkeypatch, template, owner
    )
    for url in same:
        assert url in rendered[url]  # the first page: its counts changed
        assert len(rendered[url]) <= 3  # and where the question was (a break may move one more)


def _home_pages(root: Path) -> dict[str, int]:
    public = root / "public"
    pages = [public / "index.html", *(public / "page").glob("*/index.html")]
    return {p.relative_to(public).as_posix(): p.stat().st_mtime_ns for p in pages}


def test_a_question_that_adds_a_page_leaves_the_pages_before_it_alone(tmp_path: Path) -> None:
    """Later pages show their number, not the count: one more page would rewrite them all."""
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 80, seed=12)
    config = Config(page_size=4, search=False)
    paths = Paths.from_config(root, config)
    build(paths, config)
    before = _home_pages(root)
    # A question with one answer lands among the last pages; pick a title that splits its page.
    answers = {
        r["id"]: len(r["answers"])
        for r in map(yaml.safe_load, map(Path.read_text, (root / "content/questions").iterdir()))
    }

    def pages_with(slug: str) -> int:
        order = sorted([*answers.items(), (slug, 1)], key=lambda item: (-item[1], item[0]))
        return len(page_ranges([key for key, _ in order], 4))

    words = ("bruising", "pain", "swelling")
    candidates = (f"Is {word} {n} normal?" for word in words for n in range(50))
    title = next(t for t in candidates if pages_with(slugify(t)) > len(before))
    write_seed(
        root,
        "new.txt",
        f"""
        {title}

        A body.

        Doctor Answers 1

        An answer.

        Tampa Plastic Surgeon
        """,
    )
    build(paths, config)
    after = _home_pages(root)
    assert len(after) == len(before) + 1
    landed = next(
        n
        for n in range(1, len(after) + 1)
        if slugify(title) in (root / "public" / paged_url("", n) / "index.html").read_text("utf-8")
    )
    # Pages before it keep their bytes, but the last few: they count the pages after them.
    first = min(landed, len(before) - PAGES_AHEAD + 1)
    assert first > 5
    changed = sorted(int(p.split("/")[1]) for p in after if after[p] != before.get(p) and "/" in p)
    assert changed == list(range(first, len(after) + 1))


def test_every_page_of_a_doctors_answers_describes_them_in_sentences(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write_corpus(root / "seeds", 80, seed=12)
    config = Config(page_size=4, search=False)
    build(Paths.from_config(root, config), config)
    later = sorted((root / "public" / "doctors").glob("*/page/*/index.html"))
    assert later
    for path in [*later, *(p.parents[2] / "index.html" for p in later)]:
        note = " ".join(soup(path).select_one(".profile__note").get_text().split())
        assert note.startswith(("This page gathers the ", "These are answers signed")), path
        assert not re.search(r"[a-z]\.[A-Z]", note), note  # sentences run together
