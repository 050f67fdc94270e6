"""Fixtures for the real-browser suite: one built site (real seeds, generated seeds, hostile
seeds), served on 127.0.0.1 from a thread, and Debian's Chromium driven by Playwright.

A missing browser fails the suite (it never skips): `make test` installs it first.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.serve import make_server, serving

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

# Each payload must stay text wherever it lands: titles, bodies, headings, hashtags, doctor
# names and places, link targets, attribute values, JSON-LD and the search index.
PAYLOADS = (
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "\"><svg onload=alert('xss-svg')>",
    "' onmouseover='alert(1)' x='",
    "</script><script>alert('xss-jsonld')</script>",
    '{"@context": "x", "name": "</script><iframe src=javascript:alert(1)>"}',
)
HOSTILE_SEEDS = {
    "hostile-title.txt": f"""\
Is {PAYLOADS[0]} xsstitle safe {PAYLOADS[4]} for my face?

My body says {PAYLOADS[1]} and [click](javascript:alert('xss-md')) and <b>bold</b> {PAYLOADS[5]}.

Doctor Answers 2

Heading {PAYLOADS[2]}

Answer xssanswer text {PAYLOADS[0]} with #tag{PAYLOADS[1]} and #x{PAYLOADS[3]} and
https://example.org/a?b=<c>"onclick=alert(1) too, <a href="javascript:alert(2)">link</a>.

Dr. {PAYLOADS[1]} Lee
{PAYLOADS[2]} Plastic Surgeon
4.9 out of 5 stars 10 reviews

Second answer {PAYLOADS[3]} {PAYLOADS[4]}.

Dr. <script>alert('xss-name')</script> Wu
{PAYLOADS[4]} Dermatologist
""",
    # One word longer than a phone is wide, wherever a word can land: no page may scroll sideways.
    "hostile-long-words.txt": f"""\
Why xsslongwords {"Pneumonoultramicroscopicsilicovolcanoconiosis" * 2} after surgery?

Asking about {"Hippopotomonstrosesquippedaliophobia" * 2}.

Doctor Answers 1

It passes. #{"Supercalifragilisticexpialidocious" * 2}

Dr. Aaron {"Wolfeschlegelsteinhausenbergerdorff" * 2}, MD
{"Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 2} Plastic Surgeon
4.9 out of 5 stars 10 reviews
""",
    "hostile-location.txt": f"""\
Swelling after {PAYLOADS[3]} xsslocation filler?

{PAYLOADS[5]}

Doctor Answers 1

It is normal. #swelling #{PAYLOADS[0]}

Dr. Ann {PAYLOADS[3]} Roe, MD
{PAYLOADS[1]} City Facial Plastic Surgeon
""",
}


@dataclass(frozen=True, slots=True)
class Site:
    root: Path  # the project
    output: Path  # the built site
    url: str  # where it is served, ending in "/"


@dataclass
class PageWatch:
    """What went wrong on a page: console errors, uncaught errors, CSP reports, dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


def _build(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    seeds = root / "seeds"
    seeds.mkdir()
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy(seed, seeds / seed.name)
    write_corpus(seeds, 30, seed=11)
    for name, text in HOSTILE_SEEDS.items():
        (seeds / name).write_text(text, "utf-8")
    # Small pages and small search shards: paginated lists of every kind and a search that
    # merges several index shards in the browser get checked too.
    config = Config(page_size=10, search_shard_size=15)
    report = build(Paths.from_config(root, config), config)
    assert not report.errors, report.errors
    return root / config.output_dir


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser-site")
    output = _build(root)
    with serving(make_server(output, 0, quiet=True)) as url:
        yield Site(root, output, url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


# Runs in every page before its own scripts (through the DevTools protocol, so the page's CSP
# does not apply to it) and records every CSP violation the page reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def open_context(browser: Browser, *, bypass_csp: bool = False) -> BrowserContext:
    context = browser.new_context(bypass_csp=bypass_csp)
    context.add_init_script(CSP_LISTENER)
    return context


def watch(page: Page) -> PageWatch:
    """Record console errors, uncaught exceptions and dialogs (dismissed) on a page."""
    seen = PageWatch()
    page.on("console", seen.console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.on(
        "response",
        lambda r: seen.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )

    def dialog(d: object) -> None:
        seen.dialogs.append(f"{d.type}: {d.message}")  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    return seen


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = open_context(browser)
    yield context
    context.close()
