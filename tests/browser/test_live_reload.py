"""`sitegen serve` in a real browser: a seed dropped into seeds/ shows up on the open home page
without a manual reload (the test waits up to 10 s; the benchmark measures speed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sitegen.corpus import generate_seeds
from tests.test_build import REPO, make_project


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Yield (project root, base URL) of a `sitegen serve` running on a free port."""
    root = make_project(tmp_path)
    for name, text in list(generate_seeds(2, seed=31)):
        (root / "seeds" / name).write_text(text, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--quiet", "--port", "0"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        yield root, match.group(0)
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab from the suite's Chromium (tests/browser/conftest.py)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_new_seed_appears_on_the_open_home_page(served: tuple[Path, str], page: Page) -> None:
    root, url = served
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    (_, text), *_ = generate_seeds(1, seed=32)
    title = next(line.strip() for line in text.splitlines() if line.strip())
    expect(page.get_by_text(title)).to_have_count(0)
    (root / "seeds" / "new.txt").write_text(text, "utf-8")
    expect(page.get_by_role("link", name=title).first).to_be_visible(timeout=10_000)
    assert not [e for e in errors if "Content Security Policy" in e]  # the script is allowed


def test_a_build_s_errors_show_over_the_open_page_as_text_until_fixed(
    served: tuple[Path, str], page: Page
) -> None:
    root, url = served
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
    page.goto(url)
    box = page.locator("#sitegen-errors")
    expect(box).to_have_count(0)
    # The error quotes the record's id: markup in it must show as text, never run.
    record = sorted((root / "content" / "questions").glob("*.yaml"))[0]
    good = record.read_text("utf-8")
    hostile = '<img src=x onerror="alert(1)">'
    record.write_text(re.sub(r"(?m)^id: .*$", f"id: '{hostile}'", good, count=1), "utf-8")
    expect(box).to_be_visible(timeout=10_000)
    expect(box).to_contain_text(f"{record.name}:2: error: id '{hostile}' does not match")
    expect(box.locator("img")).to_have_count(0)
    record.write_text(good, "utf-8")
    expect(box).to_have_count(0, timeout=10_000)
    assert errors == []  # no alert, and the styles were set, not blocked by the CSP
