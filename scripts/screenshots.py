"""Screenshots of a question page for the README: docs/screenshot-question-{desktop,phone}.png.

    make screenshots

Uses Debian's Chromium through Playwright. Run by hand after a visual change; the tests never
write into the clone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitepreview import REPO, preview_site

# The first real seed: the page a reader of the README should see.
QUESTION = "questions/twitching-on-my-left-cheek-is-botox-the-solution/"
SHOTS = {
    "desktop": {"viewport": {"width": 1280, "height": 1100}, "device_scale_factor": 1},
    "phone": {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2},
}


def main() -> None:
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as work,
        preview_site(Path(work)) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, options in SHOTS.items():
            page = browser.new_page(**options)  # type: ignore[arg-type]
            page.goto(url + QUESTION, wait_until="load")
            target = docs / f"screenshot-question-{name}.png"
            page.screenshot(path=str(target))
            print(target.relative_to(REPO))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
