"""Lighthouse scores for the home page, a question and a doctor page, into docs/lighthouse.md.

    make lighthouse

Not a CI gate: scores move with the machine. Runs lighthouse@12 through npx (newer releases
need Node 22) against Debian's Chromium (CHROME_PATH).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitepreview import REPO, first_page, preview_site

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse(url: str, preset: str) -> dict[str, int]:
    command = [
        "npx",
        "--yes",
        "lighthouse@12",
        url,
        "--output=json",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    report = json.loads(result.stdout)
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as work, preview_site(Path(work)) as url:
        output = Path(work) / "public"
        pages = {
            "home": "",
            "question": first_page(output, "questions"),
            "doctor": first_page(output, "doctors"),
        }
        for preset in ("mobile", "desktop"):
            for name, path in pages.items():
                scores = lighthouse(url + path, preset)
                rows.append((name, preset, scores))
                print(name, preset, scores, flush=True)
    lines = [
        "# Lighthouse scores",
        "",
        "Written by `make lighthouse` (lighthouse@12, Debian Chromium, headless) against a preview",
        "build of the real seeds plus 60 generated ones served on 127.0.0.1. Not a CI gate.",
        "",
        "| page | form factor | " + " | ".join(CATEGORIES) + " |",
        "|---|---|" + "---|" * len(CATEGORIES),
    ]
    for name, preset, scores in rows:
        lines.append(
            f"| {name} | {preset} | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |"
        )
    (REPO / "docs" / "lighthouse.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("docs/lighthouse.md")


if __name__ == "__main__":
    main()
