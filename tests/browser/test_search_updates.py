"""Search after incremental builds, in a real browser: a changed question is found by its new
words only, and a removed one not at all."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext, Page

from browser.conftest import REPO, watch
from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.serve import make_server, serving

pytestmark = pytest.mark.browser

SEED = """\
Does {word} help bruising?

I bruise easily after filler.

Doctor Answers 1

It helps

Try {word} for two days; it is {adjective}.

Ann Zylberstein, MD
Tampa Plastic Surgeon
5.0 out of 5 stars 3 reviews
"""
CONFIG = Config(search_shard_size=15)  # several numbered shards, as a large site has


def rebuild(root: Path) -> None:
    report = build(Paths.from_config(root, CONFIG), CONFIG)
    assert not report.errors, report.errors


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Yield (project root, base URL) of a small site served from its public/."""
    root = tmp_path / "site"
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    write_corpus(root / "seeds", 30, seed=12)
    for word in ("zebrafish", "narwhal"):
        seed = SEED.format(word=word, adjective="glimmerous")
        (root / "seeds" / f"{word}.txt").write_text(seed, "utf-8")
    rebuild(root)
    with serving(make_server(root / "public", 0, quiet=True)) as url:
        yield root, url


def search(page: Page, url: str, query: str) -> tuple[str, list[str]]:
    """Return the status line and the result links of a search."""
    page.goto(f"{url}search/?q={quote(query)}", wait_until="load")
    status = page.locator("#search-status:not(:empty)")
    status.wait_for(timeout=10_000)
    links = page.locator(".search-result__title a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return status.inner_text(), hrefs


def test_a_changed_question_is_found_by_its_new_words_only(
    project: tuple[Path, str], context: BrowserContext
) -> None:
    root, url = project
    page = context.new_page()
    seen = watch(page)
    assert search(page, url, "zebrafish")[1] == ["/questions/does-zebrafish-help-bruising/"]
    seed = root / "seeds" / "zebrafish.txt"
    seed.write_text(seed.read_text("utf-8").replace("glimmerous", "vexmorphic"), "utf-8")
    rebuild(root)
    status, hrefs = search(page, url, "glimmerous")
    assert hrefs == ["/questions/does-narwhal-help-bruising/"], status
    status, hrefs = search(page, url, "vexmorphic")
    assert hrefs == ["/questions/does-zebrafish-help-bruising/"], status
    assert status.startswith("1 question found"), status
    assert not seen.errors, seen.errors


def test_a_removed_question_is_not_found(
    project: tuple[Path, str], context: BrowserContext
) -> None:
    root, url = project
    page = context.new_page()
    seen = watch(page)
    assert search(page, url, "narwhal")[1] == ["/questions/does-narwhal-help-bruising/"]
    (root / "seeds" / "narwhal.txt").unlink()
    rebuild(root)
    status, hrefs = search(page, url, "narwhal")
    assert hrefs == [] and status.startswith("No questions found"), status
    status, hrefs = search(page, url, "glimmerous")
    assert hrefs == ["/questions/does-zebrafish-help-bruising/"], status
    assert not seen.errors, seen.errors
