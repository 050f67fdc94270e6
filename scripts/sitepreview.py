"""Build a preview site (the real seeds plus generated ones) and serve it on 127.0.0.1, for the
scripts that look at pages in a browser. Not used by the tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.corpus import write_corpus
from sitegen.serve import make_server, serving

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def preview_site(workdir: Path, generated: int = 60) -> Iterator[str]:
    """Yield the URL of a freshly built preview site served from `workdir`."""
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, workdir / name)
    seeds = workdir / "seeds"
    seeds.mkdir()
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy(seed, seeds / seed.name)
    write_corpus(seeds, generated, seed=5)
    config = Config()
    paths = Paths.from_config(workdir, config)
    report = build(paths, config)
    if report.errors:
        raise SystemExit(f"preview build failed: {report.errors}")
    with serving(make_server(paths.output, 0, quiet=True)) as url:
        yield url


def first_page(output: Path, section: str) -> str:
    """Return the URL path of the first page under `section/` ("questions", "doctors")."""
    pages = sorted(p.parent.name for p in (output / section).glob("*/index.html"))
    pages = [p for p in pages if p != "page"]
    return f"{section}/{pages[0]}/"
