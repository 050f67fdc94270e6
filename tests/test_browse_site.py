"""End to end: 300 generated seeds built under a sub-path, browsed like a reader and a crawler.

The expectations come from the records themselves (read back with the record loader), not from
the code that builds the pages, so a wrong index shows up as a difference.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.ingest import ingest, load_records
from sitegen.model import Question
from sitegen.serve import make_server, serving

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "https://example.org/qa/"
CONFIG = Config(base_url=BASE_URL)
MARKER = "ZZHIDDENMARKERZZ"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "public"
        questions, _ = load_records(root / "content", root)
        published = [q for q in questions if not q.hidden]
        self.questions = {q.id: q for q in published}
        self.pages = {
            p.relative_to(self.output).as_posix(): BeautifulSoup(
                p.read_text("utf-8"), "html.parser"
            )
            for p in sorted(self.output.rglob("*.html"))
        }

    def visible(self, question: Question) -> list[tuple[int, object]]:
        """Return the published answers with their anchor numbers (place in the record)."""
        return [(n, a) for n, a in enumerate(question.answers, 1) if not a.hidden]


def _hide(path: Path, *, answer: bool) -> None:
    """Mark a record (or its first answer) hidden and plant a marker no page may show."""
    text = path.read_text("utf-8")
    if answer:
        text = text.replace(
            "    doctor:\n      name:", "    hidden: true\n    doctor:\n      name:", 1
        )
        text = re.sub(r"(\n      name: ).*", rf"\1{MARKER} Doctor, MD", text, count=1)
        text = text.replace("\n    body: |\n", f"\n    body: |\n      {MARKER}\n\n", 1)
    else:
        text = text.replace("\ntitle: ", f"\ntitle: {MARKER} ", 1) + "hidden: true\n"
    path.write_text(text, "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("browse")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    write_corpus(root / "seeds", 300, seed=11)
    paths = Paths.from_config(root, CONFIG)
    ingest(paths.seeds, paths.content, root)
    records = sorted((root / "content" / "questions").glob("*.yaml"))
    _hide(records[3], answer=False)
    _hide(records[4], answer=True)
    report = build(paths, CONFIG)
    assert not report.errors
    assert report.hidden == 1
    return Built(root)


def _listed(built: Built, first: str, selector: str) -> list[str]:
    """Return the hrefs a paginated list shows, following its numbered pages in order."""
    hrefs: list[str] = []
    number, page = 1, first
    while f"{page}index.html" in built.pages:
        document = built.pages[f"{page}index.html"]
        hrefs += [_resolve(page, str(a["href"])) for a in document.select(selector)]
        number += 1
        page = f"{first}page/{number}/"
    return hrefs


def _resolve(page_dir: str, href: str) -> str:
    """Return a link as a path from the site root (fragment kept), resolved like a browser."""
    url = urljoin(f"http://x/qa/{page_dir}", href)
    parts = urlsplit(url)
    assert parts.path.startswith("/qa/"), f"{page_dir}: {href} leaves the sub-path"
    path = parts.path.removeprefix("/qa/")
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def _profiles(built: Built) -> list[str]:
    """Return the first page of every doctor profile."""
    return [p for p in built.pages if re.fullmatch(r"doctors/(?!page/)[^/]+/index\.html", p)]


def _doctor_key(doctor: object) -> tuple[str, str, str] | None:
    name = getattr(doctor, "name", None)
    if not name:
        return None
    return tuple(  # type: ignore[return-value]
        " ".join((getattr(doctor, f) or "").split()).casefold()
        for f in ("name", "location", "specialty")
    )


def test_every_named_doctor_has_exactly_one_profile_listing_exactly_their_answers(
    built: Built,
) -> None:
    expected: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for question in built.questions.values():
        for number, answer in built.visible(question):
            key = _doctor_key(answer.doctor)  # type: ignore[attr-defined]
            if key is not None:
                expected[key].add(f"questions/{question.id}/#answer-{number}")
    profiles: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for question in built.questions.values():
        document = built.pages[f"questions/{question.id}/index.html"]
        for number, answer in built.visible(question):
            card = document.select_one(f"#answer-{number} .doctor-card__name")
            assert card is not None
            link = card.find("a")
            key = _doctor_key(answer.doctor)  # type: ignore[attr-defined]
            if key is None:
                assert link is None, "an unnamed doctor must not link to a profile"
            else:
                profiles[key].add(_resolve(f"questions/{question.id}/", str(link["href"])))
    assert all(len(urls) == 1 for urls in profiles.values())
    urls = {key: next(iter(found)) for key, found in profiles.items()}
    assert len(set(urls.values())) == len(urls) == len(expected)
    assert {p.removesuffix("index.html") for p in _profiles(built)} == set(urls.values())
    for key, url in urls.items():
        listed = _listed(built, url, ".question-card__title a")
        assert len(listed) == len(set(listed))
        assert set(listed) == expected[key], key
        assert "signed with this name, place and specialty" in built.pages[
            f"{url}index.html"
        ].get_text(" ")


def test_hidden_questions_and_answers_appear_nowhere(built: Built) -> None:
    for path, document in built.pages.items():
        assert MARKER not in str(document), path
    assert MARKER not in (built.output / "sitemap.xml").read_text("utf-8")


def test_every_tag_page_lists_exactly_the_questions_with_that_tag(built: Built) -> None:
    tagged: dict[str, set[str]] = defaultdict(set)
    for question in built.questions.values():
        for _, answer in built.visible(question):
            for tag in answer.tags:  # type: ignore[attr-defined]
                tagged[tag].add(f"questions/{question.id}/")
    index = _listed(built, "topics/", ".group-list a")
    assert len(index) == len(set(index)) == len(tagged)
    for url in index:
        heading = built.pages[f"{url}index.html"].h1
        assert heading is not None
        tag = heading.get_text().removeprefix("Questions about #")
        listed = _listed(built, url, ".question-card__title a")
        assert len(listed) == len(set(listed))
        assert set(listed) == tagged[tag], tag


def test_topics_index_is_sorted_by_size(built: Built) -> None:
    sizes = [
        int(li.select_one(".group-list__meta").get_text().split()[0])  # type: ignore[union-attr]
        for li in built.pages["topics/index.html"].select(".group-list li")
    ]
    assert sizes == sorted(sizes, reverse=True)


def test_doctors_index_lists_every_profile_once_a_to_z(built: Built) -> None:
    listed = _listed(built, "doctors/", ".doctor-list a")
    assert len(listed) == len(set(listed))
    assert set(listed) == {p.removesuffix("index.html") for p in _profiles(built)}


def test_home_pagination_covers_every_question_once(built: Built) -> None:
    listed = _listed(built, "", ".question-list .question-card__title a")
    assert len(listed) == len(set(listed)) == len(built.questions)
    assert "page/2/index.html" in built.pages  # 300 questions: more than one page of 50


def test_paginated_pages_link_prev_and_next_in_the_head(built: Built) -> None:
    head = built.pages["page/2/index.html"].head
    assert head is not None
    assert head.find("link", rel="prev")["href"] == "../../"  # type: ignore[index]
    assert head.find("link", rel="next")["href"] == "../../page/3/"  # type: ignore[index]
    assert built.pages["index.html"].head.find("link", rel="prev") is None  # type: ignore[union-attr]


def test_specialty_and_location_pages_list_their_questions(built: Built) -> None:
    for kind, field in (("specialties", "specialty"), ("locations", "location")):
        expected: dict[str, set[str]] = defaultdict(set)
        for question in built.questions.values():
            for _, answer in built.visible(question):
                value = getattr(answer.doctor, field)  # type: ignore[attr-defined]
                if value:
                    expected[value].add(f"questions/{question.id}/")
        index = _listed(built, f"{kind}/", ".group-list a")
        assert len(index) == len(expected)
        for url in index:
            heading = built.pages[f"{url}index.html"].h1
            assert heading is not None
            label = heading.get_text().split(": ", 1)[1]
            assert (
                set(_listed(built, url, ".question-list .question-card__title a"))
                == expected[label]
            )


def test_every_internal_link_resolves_under_a_sub_path(built: Built) -> None:
    for path, document in built.pages.items():
        page_dir = path.removesuffix("index.html")
        for element in document.find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if not target or urlsplit(str(target)).scheme:
                continue
            if str(target).startswith("#"):
                assert document.find(id=str(target)[1:]) is not None, f"{path}: {target}"
                continue
            if path == "404.html":
                assert str(target).startswith("/qa/"), target  # shown at any URL
                resolved = unquote(urlsplit(str(target)).path).removeprefix("/qa/")
                fragment = ""
            else:
                resolved, _, fragment = _resolve(page_dir, str(target)).partition("#")
            file = resolved + "index.html" if resolved == "" or resolved.endswith("/") else resolved
            assert (built.output / file).is_file(), f"{path} links to missing {target}"
            if fragment and file.endswith(".html"):
                target_page = built.pages[file]
                assert target_page.find(id=fragment) is not None, f"{path}: {target}"


def test_every_page_has_breadcrumbs_a_unique_title_and_description(built: Built) -> None:
    titles: Counter[str] = Counter()
    descriptions: Counter[str] = Counter()
    for path, document in built.pages.items():
        assert document.select_one("nav.breadcrumbs li"), path
        assert document.title is not None
        titles[document.title.get_text()] += 1
        description = document.find("meta", attrs={"name": "description"})
        assert description is not None and description["content"], path
        descriptions[str(description["content"])] += 1
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []


def test_every_page_has_a_canonical_url_and_open_graph_tags(built: Built) -> None:
    for path, document in built.pages.items():
        if path == "404.html":  # shown at any address: it claims none
            continue
        canonical = document.find("link", rel="canonical")
        assert canonical is not None, path
        assert canonical["href"] == BASE_URL + path.removesuffix("index.html")
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert document.find("meta", property=prop) is not None, (path, prop)


def _jsonld(document: BeautifulSoup) -> list[dict[str, object]]:
    scripts = document.find_all("script", type="application/ld+json")
    return [json.loads(script.string) for script in scripts]


def test_every_page_carries_a_breadcrumb_list(built: Built) -> None:
    for path, document in built.pages.items():
        if path == "404.html":
            continue
        lists = [d for d in _jsonld(document) if d["@type"] == "BreadcrumbList"]
        assert len(lists) == 1, path
        items = lists[0]["itemListElement"]
        assert isinstance(items, list) and items[0]["item"] == BASE_URL


def test_question_pages_carry_a_qapage_with_every_answer_suggested(built: Built) -> None:
    for question in built.questions.values():
        document = built.pages[f"questions/{question.id}/index.html"]
        [qa] = [d for d in _jsonld(document) if d["@type"] == "QAPage"]
        entity = qa["mainEntity"]
        assert isinstance(entity, dict)
        assert entity["@type"] == "Question"
        assert entity["name"] == question.title
        assert entity["text"]
        visible = built.visible(question)
        assert entity["answerCount"] == len(visible)
        assert "acceptedAnswer" not in entity
        suggested = entity.get("suggestedAnswer", [])
        assert [a["url"] for a in suggested] == [
            f"{BASE_URL}questions/{question.id}/#answer-{n}" for n, _ in visible
        ]
        for data, (_, answer) in zip(suggested, visible, strict=True):
            assert data["text"]
            name = answer.doctor.name  # type: ignore[attr-defined]
            if name:
                author = data["author"]
                assert author["@type"] == "Person"
                assert author["url"].startswith(f"{BASE_URL}doctors/")
                assert author["name"] in name and "," not in author["name"]
            else:
                assert "author" not in data
        assert "aggregateRating" not in json.dumps(qa)


def test_doctor_pages_carry_a_profile_page_about_a_person(built: Built) -> None:
    assert _profiles(built)
    for path in _profiles(built):
        [profile] = [d for d in _jsonld(built.pages[path]) if d["@type"] == "ProfilePage"]
        person = profile["mainEntity"]
        assert isinstance(person, dict)
        assert person["@type"] == "Person"
        assert person["url"] == BASE_URL + path.removesuffix("index.html")
        assert "aggregateRating" not in json.dumps(profile)


def test_no_page_shows_a_reader_where_a_seed_file_lives(built: Built) -> None:
    seeds = {q.source for q in built.questions.values()}
    assert seeds
    for path, page in built.pages.items():
        text = page.get_text()
        assert not [s for s in seeds if s in text], path


def test_sitemap_lists_every_page_once_except_the_404(built: Built) -> None:
    tree = ET.parse(built.output / "sitemap.xml")
    locs = [loc.text for loc in tree.getroot().iter(f"{SM}loc")]
    assert len(locs) == len(set(locs))
    expected = {BASE_URL + p.removesuffix("index.html") for p in built.pages if p != "404.html"}
    assert set(locs) == expected


def test_robots_txt_points_at_the_sitemap(built: Built) -> None:
    text = (built.output / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE_URL}sitemap.xml" in text


def test_question_pages_show_related_questions(built: Built) -> None:
    for question in built.questions.values():
        path = f"questions/{question.id}/"
        related = [
            _resolve(path, str(a["href"]))
            for a in built.pages[f"{path}index.html"].select(".related a")
        ]
        assert len(related) <= 5
        assert path not in related
        assert all(url.startswith("questions/") for url in related)


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_served_under_a_sub_path_every_link_answers(built: Built, tmp_path: Path) -> None:
    """Serve public/ at /qa/ over HTTP (as base_url says) and crawl it from the home page;
    the 404 page, shown at a deep unknown address, must link to pages that exist."""
    (tmp_path / "qa").symlink_to(built.output, target_is_directory=True)
    shutil.copy(built.output / "404.html", tmp_path / "404.html")  # the server's error page
    with serving(make_server(tmp_path, 0, quiet=True)) as url:
        origin = url.rstrip("/")
        seen: set[str] = set()
        queue = ["/qa/"]
        broken = []
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            status, body = _fetch(origin + path)
            if status != 200:
                broken.append(path)
                continue
            if not path.endswith("/"):
                continue  # not a page: style sheet, sitemap
            for element in BeautifulSoup(body, "html.parser").find_all(["a", "link", "form"]):
                href = element.get("action") if element.name == "form" else element.get("href")
                target = urlsplit(urljoin(origin + path, str(href or "")))
                if target.netloc == urlsplit(origin).netloc and target.path not in seen:
                    queue.append(target.path)
        assert broken == []
        pages = {"/qa/" + p.removesuffix("index.html") for p in built.pages if p != "404.html"}
        assert sorted(pages - seen) == []  # every page is reachable from the home page
        status, body = _fetch(origin + "/qa/no/such/page/")
        assert status == 404
        links = BeautifulSoup(body, "html.parser").find_all(["a", "link"])
        hrefs = [str(a["href"]) for a in links if not str(a["href"]).startswith("#")]
        targets = {urljoin(origin + "/qa/no/such/page/", href) for href in hrefs}
        assert all(_fetch(t)[0] == 200 for t in targets if t.startswith(origin)), targets


def test_specialty_and_location_pages_show_exactly_their_named_doctors(built: Built) -> None:
    for kind, field in (("specialties", "specialty"), ("locations", "location")):
        expected: dict[str, set[str]] = defaultdict(set)
        for question in built.questions.values():
            for _, answer in built.visible(question):
                doctor = answer.doctor  # type: ignore[attr-defined]
                if getattr(doctor, field) and doctor.name:
                    expected[getattr(doctor, field)].add(" ".join(doctor.name.split()))
        for url in _listed(built, f"{kind}/", ".group-list a"):
            document = built.pages[f"{url}index.html"]
            label = document.h1.get_text().split(": ", 1)[1]  # type: ignore[union-attr]
            full_list = f"{url}doctors/index.html"
            source = built.pages.get(full_list, document)
            shown = {a.get_text() for a in source.select(".doctor-list a")}
            if full_list in built.pages:
                assert len(_listed(built, f"{url}doctors/", ".doctor-list a")) == len(shown)
                assert len(expected[label]) > 10
            assert shown == expected[label], url
