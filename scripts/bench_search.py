"""Benchmark search at scale: build N generated seeds, index them with Pagefind, then search in
Chromium. Prints what it measured (index time, Pagefind peak RSS, index size, bytes a search
loads, query latency) as JSON. Not a test: numbers depend on the machine.

    python scripts/bench_search.py 10000 [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sitegen.build import build  # noqa: E402
from sitegen.config import Config, Paths  # noqa: E402
from sitegen.corpus import write_corpus  # noqa: E402
from sitegen.search import index_site  # noqa: E402
from sitegen.serve import make_server, serving  # noqa: E402

QUERIES = ("botox", "swelling", "rhinoplasty scar", "filler", "numbness", "tummy tuck", "laser")
# The shards as static/search.js opens them. Run on a page that does not load static/search.js:
# its own instances would share the module's state.
MEASURE_JS = """async (queries) => {
  const root = new URL('../pagefind/', location.href);
  const listing = await (await fetch(new URL('shards.json', root))).json();
  const dropped = listing.dropped || {};
  const open = async (first, others) => {
    const instance = await import(new URL(first + 'pagefind.js', root).href);
    await instance.options({ baseUrl: '/' });
    for (const other of others) {
      await instance.mergeIndex(new URL(other, root).href, { baseUrl: '/' });
    }
    await instance.init();
    return { instance, dropped: new Set([first, ...others].flatMap((s) => dropped[s] || [])) };
  };
  const [first, ...others] = listing.shards;
  const shards = [await open(first, others)];
  if (listing.recent) shards.push(await open(listing.recent, []));
  const times = [];
  for (const q of queries) {
    const t0 = performance.now();
    const found = await Promise.all(shards.map(({ instance }) => instance.search(q)));
    const results = found
      .flatMap((s, k) => s.results.filter((r) => !shards[k].dropped.has(r.id)))
      .sort((a, b) => b.score - a.score);
    await Promise.all(results.slice(0, 20).map((r) => r.data()));
    times.push([q, performance.now() - t0, results.length]);
  }
  return times;
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--shard-size", type=int, default=Config().search_shard_size)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
    if not (root / "seeds").is_dir():
        shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
        shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
        (root / "seeds").mkdir(parents=True)
        write_corpus(root / "seeds", args.n)
    result: dict[str, object] = {"seeds": args.n}
    config = Config(search=False)
    started = time.perf_counter()
    report = build(Paths.from_config(root, config), config)
    result["build_without_search_s"] = round(time.perf_counter() - started, 2)
    result["pages"] = report.pages
    search = index_site(root / "public", None, args.shard_size)
    # ru_maxrss of waited-for children, in KiB on Linux: Pagefind is this process's only child.
    result["pagefind_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    result["index_s"] = round(search.seconds, 2)
    result["index_shards"] = search.shards
    result["index_files"] = search.files
    result["index_mb"] = round(search.bytes / 1e6, 2)
    if not args.no_browser:
        result.update(browser_latency(root / "public"))
    print(json.dumps(result, indent=2))


def browser_latency(site: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    loaded: list[int] = []

    def count(response: object) -> None:
        if "/pagefind/" in response.url:  # type: ignore[attr-defined]
            headers: dict[str, str] = response.headers  # type: ignore[attr-defined]
            loaded.append(int(headers.get("content-length", "0")))

    with serving(make_server(site, 0, quiet=True)) as root, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.on("response", count)
        page.goto(f"{root}about/")
        times = page.evaluate(MEASURE_JS, list(QUERIES))
        browser.close()
    ms = [t[1] for t in times]
    return {
        "first_query_ms": round(ms[0], 1),
        "later_queries_median_ms": round(statistics.median(ms[1:]), 1),
        "queries": [[q, round(t, 1), n] for q, t, n in times],
        "bytes_loaded_for_all_queries_kb": round(sum(loaded) / 1024, 1),
        "requests": len(loaded),
    }


if __name__ == "__main__":
    main()
