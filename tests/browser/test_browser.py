"""The built site in a real browser: a reader's walk, search, phones, keyboard, CSP, hostile
seeds, accessibility (axe-core) and HTML validity (the Nu Html Checker).

Page types are discovered from the output directory by URL prefix, so pages added later
(doctors, topics, specialties, locations) are covered as soon as they are built.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, Page

from browser.conftest import HOSTILE_SEEDS, PAYLOADS, REPO, Site, open_context, watch
from sitegen.search import shard_of

pytestmark = pytest.mark.browser

SECTIONS = ("questions", "doctors", "topics", "specialties", "locations", "about", "search")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE_WIDTHS = (375, 360)

# Anything a payload could have injected: inline or foreign scripts (JSON-LD must parse), event
# handler attributes, javascript: URLs, frames and foreign images.
INJECTED_JS = """() => {
  const bad = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push('handler: ' + show(el));
      if (/^\\s*(javascript|data|vbscript):/i.test(a.value)
          && ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)) {
        bad.push('url: ' + show(el));
      }
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (s.type === 'application/ld+json') {
      try { JSON.parse(s.textContent); } catch (e) { bad.push('broken JSON-LD: ' + show(s)); }
    } else if (!s.src || new URL(s.src).origin !== location.origin) {
      bad.push('script: ' + show(s));
    }
  }
  for (const el of document.querySelectorAll('iframe, frame, object, embed, base, svg, math')) {
    bad.push('element: ' + show(el));
  }
  for (const el of document.querySelectorAll('img')) {
    if (new URL(el.src, location.href).origin !== location.origin) bad.push('img: ' + show(el));
  }
  return bad;
}"""


def page_type(rel: str) -> str:
    """Classify an output file by its URL: 'home', 'question', 'questions-index', '404', ..."""
    parts = rel.split("/")
    if rel == "index.html":
        return "home"
    if rel == "404.html":
        return "404"
    if parts[0] == "page":
        return "home-page-n"
    if parts[0] in SECTIONS:
        if len(parts) == 2:
            return parts[0] if parts[0] in {"about", "search"} else f"{parts[0]}-index"
        if parts[1] == "page":
            return f"{parts[0]}-index-page-n"
        return {"questions": "question", "doctors": "doctor", "topics": "topic"}.get(
            parts[0], parts[0].rstrip("s").replace("specialtie", "specialty")
        )
    return "other"


def html_pages(site: Site) -> list[str]:
    skip = ("pagefind/", "static/")
    return sorted(
        p.relative_to(site.output).as_posix()
        for p in site.output.rglob("*.html")
        if not p.relative_to(site.output).as_posix().startswith(skip)
    )


def url_of(rel: str) -> str:
    return rel.removesuffix("index.html")


def representatives(site: Site) -> dict[str, str]:
    """Return one URL per page type, plus every hostile question page (label -> URL path)."""
    chosen: dict[str, str] = {}
    for rel in html_pages(site):
        chosen.setdefault(page_type(rel), url_of(rel))
    for rel in html_pages(site):
        if page_type(rel) == "question" and "xss" in rel:
            chosen[f"hostile {rel}"] = url_of(rel)
    return chosen


def search_url(query: str) -> str:
    from urllib.parse import quote

    return f"search/?q={quote(query)}"


def goto(page: Page, site: Site, path: str) -> None:
    page.goto(site.url + path, wait_until="load")
    if path.startswith("search/?"):
        # Results appear after Pagefind loads; the status line says when a search finished.
        # (A selector wait: wait_for_function would need eval, which the CSP forbids.)
        page.locator("#search-status:not(:empty)").wait_for(timeout=10_000)


def problems_on(page: Page) -> list[str]:
    violations: list[str] = page.evaluate("() => window.__cspViolations")
    return [f"CSP: {v}" for v in violations]


def hostile_queries() -> list[str]:
    return ["xssanswer", "xsstitle", "onerror", *PAYLOADS[:3]]


def test_the_site_has_every_page_type(site: Site) -> None:
    kinds = set(representatives(site))
    assert {
        "home",
        "home-page-n",
        "question",
        "about",
        "search",
        "404",
        "doctor",
        "doctors-index",
        "topic",
        "topics-index",
        "specialty",
        "specialties-index",
        "location",
        "locations-index",
    } <= kinds


def _to_a_doctor_with_another_question(page: Page, site: Site) -> str:
    """From the home page, open questions in list order and their doctors until a doctor has
    answered another question too; return the question we came from (the page is the doctor)."""
    for number in range(10):
        page.goto(site.url)
        page.locator(".question-card__title a").nth(number).click()
        page.wait_for_url(re.compile(r"/questions/[^/]+/$"))
        question = urlsplit(page.url).path
        for card in range(page.locator(".doctor-card__name a").count()):
            page.locator(".doctor-card__name a").nth(card).click()
            page.wait_for_url(re.compile(r"/doctors/[^/]+/$"))
            assert page.locator("h1").count() == 1
            others = page.locator(f".question-card__title a:not([href*='{question[:-1]}'])")
            if others.count():
                return question
            page.go_back()
    raise AssertionError("no doctor on the first 10 questions answered another question")


def test_a_reader_walks_from_home_through_doctors_topics_specialties_and_places(
    site: Site, context: BrowserContext
) -> None:
    page = context.new_page()
    seen = watch(page)
    # home -> question -> doctor -> another question by that doctor -> topic -> question
    # -> specialty -> question -> location
    came_from = _to_a_doctor_with_another_question(page, site)
    name = page.locator("h1").inner_text()
    page.locator(f".question-card__title a:not([href*='{came_from[:-1]}'])").first.click()
    page.wait_for_url(re.compile(r"/questions/[^/]+/#answer-\d+$"))
    assert urlsplit(page.url).path != came_from
    assert name in page.locator(f"#{urlsplit(page.url).fragment}").inner_text()
    steps = (
        ("article.question a.tag", r"/topics/[^/]+/$"),
        (".question-card__title a", r"/questions/[^/]+/$"),
        (".doctor-card__where a[href*='specialties/']", r"/specialties/[^/]+/$"),
        ("main a[href*='questions/']", r"/questions/[^/]+/$"),
        (".doctor-card__where a[href*='locations/']", r"/locations/[^/]+/$"),
    )
    for selector, url in steps:
        page.locator(selector).first.click()
        page.wait_for_url(re.compile(url))
        assert page.locator("h1").count() == 1, page.url
    page.locator(".site-nav a", has_text="About").click()
    page.wait_for_url(re.compile(r"/about/$"))
    assert page.locator("h1").inner_text() == "About this site"
    assert "please call 911" in page.locator(".disclaimer").inner_text()
    assert not seen.errors, seen.errors


def _rare_answer_words(site: Site) -> dict[str, str]:
    """Return {word: question URL} for the words of answers found on exactly one question page."""
    owners: dict[str, set[str]] = {}
    for rel in html_pages(site):
        if page_type(rel) != "question" or "xss" in rel:
            continue
        soup = BeautifulSoup((site.output / rel).read_text("utf-8"), "html.parser")
        for body in soup.select(".answer__body"):
            for word in re.findall(r"[a-z]{7,}", body.get_text(" ").lower()):
                owners.setdefault(word, set()).add(url_of(rel))
    return {w: next(iter(urls)) for w, urls in sorted(owners.items()) if len(urls) == 1}


def test_searching_a_word_from_an_answer_finds_its_question(
    site: Site, context: BrowserContext
) -> None:
    word, url = next(iter(_rare_answer_words(site).items()))
    page = context.new_page()
    seen = watch(page)
    page.goto(site.url)
    page.fill("#site-search-q", word)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    result = page.locator(f".search-result__title a[href$='/{url}']")
    result.wait_for(timeout=10_000)
    item = page.locator(".search-result").filter(has=result)
    assert word in item.locator("mark").first.inner_text().lower()
    assert re.search(r"\d+ doctor answers?", item.locator(".search-result__meta").inner_text())
    assert not seen.errors, seen.errors


def test_search_merges_every_index_shard(site: Site, context: BrowserContext) -> None:
    listing = json.loads((site.output / "pagefind" / "shards.json").read_text("utf-8"))
    assert len(listing["shards"]) > 1  # the fixture's small shard size splits the index
    page = context.new_page()
    goto(page, site, search_url("doctor"))  # fewer matches than a result page shows
    status = page.locator("#search-status").inner_text()
    links = page.locator(".search-result__title a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert status.startswith(f"{len(hrefs)} questions found"), status
    shards = {shard_of(href.strip("/").split("/")[-1], listing["count"]) for href in hrefs}
    assert {f"{n}/" for n in shards} == set(listing["shards"])


def test_search_filters_by_specialty(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    goto(page, site, search_url("surgery"))
    select = page.locator("#search-filter-specialty")
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    value = "Plastic Surgeon" if "Plastic Surgeon" in values else values[1]
    select.select_option(value)
    page.wait_for_url(re.compile(r"specialty="))
    page.locator(".search-result").first.wait_for()
    first = page.locator(".search-result__title a").first.get_attribute("href")
    assert first
    page.goto(urljoin(page.url, first))
    assert value in page.locator("main").inner_text()


def test_search_page_without_javascript_points_to_the_questions(
    site: Site, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + search_url("botox"))
    fallback = page.locator("#search-nojs")
    assert fallback.is_visible()
    assert fallback.locator("a").get_attribute("href") == "../"
    context.close()


def test_no_console_errors_or_csp_violations_on_any_page_type(
    site: Site, context: BrowserContext
) -> None:
    failures = []
    pages = {**representatives(site), "search results": search_url("swelling")}
    for label, path in pages.items():
        page = context.new_page()
        seen = watch(page)
        goto(page, site, path)
        failures += [f"{label}: {e}" for e in seen.errors + problems_on(page)]
        page.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_no_horizontal_scrolling_on_a_phone(site: Site, browser: Browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    failures = []
    pages = {**representatives(site), "search results": search_url("swelling")}
    for label, path in pages.items():
        page = context.new_page()
        goto(page, site, path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{label}: {overflow}px wider than the {width}px screen")
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  const answer = el.closest('article.answer');
  return {id: el.id, tag: el.tagName, visible, answer: answer ? answer.id : null,
          text: (el.textContent || '').trim().slice(0, 40)};
}"""


def test_keyboard_reaches_the_search_box_and_every_answer_with_visible_focus(
    site: Site, context: BrowserContext
) -> None:
    path = next(
        url_of(rel)
        for rel in html_pages(site)
        if page_type(rel) == "question"
        and (site.output / rel).read_text("utf-8").count('class="answer"') >= 3
    )
    page = context.new_page()
    page.goto(site.url + path)
    answers = set(page.eval_on_selector_all("article.answer", "els => els.map(e => e.id)"))
    reached: set[str] = set()
    search_box = False
    invisible = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus["tag"] == "BODY":
            break
        search_box = search_box or focus["id"] == "site-search-q"
        if focus["answer"]:
            reached.add(focus["answer"])
        if not focus["visible"]:
            invisible.append(focus)
    assert search_box
    assert reached == answers
    assert not invisible, invisible


def test_hostile_payloads_never_run_and_inject_nothing(site: Site, browser: Browser) -> None:
    # CSP off in this browser: escaping alone must keep every payload inert.
    context = open_context(browser, bypass_csp=True)
    hostile = [p for label, p in representatives(site).items() if label.startswith("hostile")]
    assert len(hostile) == len(HOSTILE_SEEDS)
    failures = []
    for path in [*hostile, *(search_url(q) for q in hostile_queries())]:
        page = context.new_page()
        seen = watch(page)
        goto(page, site, path)
        if path.startswith("search/?q=xss"):
            page.wait_for_selector(".search-result")
            # Excerpts of hostile answers are in the results: payload text, not markup.
            assert "<" in page.locator("#search-results").inner_text()
        page.wait_for_timeout(50)
        failures += [f"{path}: {b}" for b in page.evaluate(INJECTED_JS)]
        failures += [f"{path}: dialog {d}" for d in seen.dialogs]
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


def test_hostile_payloads_show_as_text(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    path = next(p for label, p in representatives(site).items() if "xsstitle" in label)
    page.goto(site.url + path)
    text = page.locator("main").inner_text()
    for payload in PAYLOADS[:4]:
        assert payload in text


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page_type(
    site: Site, browser: Browser, scheme: str
) -> None:
    # axe is injected as an inline script, which the site's CSP rightly refuses.
    context = open_context(browser, bypass_csp=True)
    failures = []
    pages = {**representatives(site), "search results": search_url("swelling")}
    for label, path in pages.items():
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        goto(page, site, path)
        failures += [f"{label}: {v}" for v in _axe(page)]
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


def test_the_nu_html_checker_finds_no_errors(site: Site) -> None:
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--skip-non-html",
            "--errors-only",
            "--format",
            "json",
            str(site.output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert len(html_pages(site)) > 30
    errors = [
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(site.output)}:"
        f"{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert not errors, "\n".join(errors[:30])
    assert result.returncode == 0


def test_every_internal_link_resolves_over_http(site: Site) -> None:
    todo = [site.url]
    seen: set[str] = set()
    broken = Counter[str]()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urlopen(url) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError as exc:
            broken[f"{url} ({exc.code})"] += 1
            continue
        if kind != "text/html":
            continue
        for element in BeautifulSoup(body, "html.parser").find_all(["a", "link", "script"]):
            target = element.get("href") or element.get("src")
            if not target:
                continue
            absolute = urljoin(url, str(target)).split("#")[0]
            if absolute.startswith(site.url) and absolute not in seen:
                todo.append(absolute)
    assert len(seen) > 30
    assert not broken, sorted(broken)
