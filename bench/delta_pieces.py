"""Time the pieces of a delta build (docs/delta-builds.md) on a site `make bench` made; run by
`make bench-delta` (N=10000 by default; N=100000 after `make bench BIG=1`).

For one question of the built site, taken out and added back as if its seed were new: the site
index made whole and one add, the related lists it enters, the families and pages it reaches,
and those pages rendered from the index, each compared byte for byte with the file the full
build wrote. Timings are in-process, for the pieces only; `sitegen build` runs them as a
delta build when only seeds were added (sitegen/delta.py).
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.cache import CACHE_DIR, key  # noqa: E402
from sitegen.config import Config, Paths  # noqa: E402
from sitegen.delta_render import DeltaSite, Records  # noqa: E402
from sitegen.ingest import load_records  # noqa: E402
from sitegen.reach import pages_reached, reached, urls_changed  # noqa: E402
from sitegen.recordpack import Pack, write_pack  # noqa: E402
from sitegen.related import LIMIT  # noqa: E402
from sitegen.related_entry import Entries  # noqa: E402
from sitegen.related_lists import Features, _rank, _score, features_of, load_memo  # noqa: E402
from sitegen.render import _title_marks  # noqa: E402
from sitegen.site import build_site  # noqa: E402
from sitegen.siteindex import SiteIndex  # noqa: E402
from sitegen.version import code_version  # noqa: E402


def clock() -> float:
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    root = REPO / "bench" / "out" / f"n{args.size}"
    if not (root / "seeds").is_dir():
        raise SystemExit(f"{root} has no seeds: run `make bench` (BIG=1 for 100,000) first")
    # Bring public/ and the caches up to this code (a no-op when they are).
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--quiet"], cwd=root, check=True)
    gc.disable()  # as a build runs these phases
    config = Config()
    paths = Paths.from_config(root, config)
    questions, _ = load_records(paths.content, paths.root)
    site = build_site(questions)
    memo, _ = load_memo(root / CACHE_DIR, code_version())
    if memo is None:
        raise SystemExit("no related lists stored by the build")
    lists = {q.id: tuple(memo[1][q.id]) for q in site.questions}
    new = site.questions[len(site.questions) // 3]
    rest = build_site([q for q in site.questions if q.id != new.id])

    rows: list[tuple[str, float, str]] = []
    t = clock()
    before = SiteIndex.of(rest)
    rows.append(("site index, made whole", clock() - t, f"{len(rest.questions):,} questions"))
    after = SiteIndex.of(rest)
    t = clock()
    after.add(new)
    rows.append(("site index, one add", clock() - t, ""))
    features = {q.id: features_of(q) for q in rest.questions}
    without = {
        qid: tuple(i for i in ids if i != new.id) for qid, ids in lists.items() if qid != new.id
    }
    # The lists before the question came: a list it is on had another member ranked after;
    # ranking those few again from the features gives them exactly.
    entered = [qid for qid, ids in lists.items() if new.id in ids]
    lists_before = _rerank(features, without, entered)
    t = clock()
    entries = Entries(features, lists_before)
    rows.append(("related bitsets, made whole", clock() - t, ""))
    t = clock()
    found = entries.add(new.id, features_of(new))
    rows.append(("related lists entered", clock() - t, f"{len(found)} lists"))
    if sorted(found) != sorted(entered):
        raise SystemExit(f"lists entered differ: {sorted(found)} != {sorted(entered)}")
    t = clock()
    families = reached(before, after, {new.id}, found, ())
    pages, _ = pages_reached(before, after, families, {new.id}, config.page_size)
    note = f"{len(families)} families, {len(pages)} pages; urls changed: "
    note += str(urls_changed(before, after))
    rows.append(("families and pages reached", clock() - t, note))
    folder = paths.content / "questions"
    digests = {q.id: key((folder / f"{q.id}.yaml").read_bytes()) for q in questions}
    loaded = {q.id: (digests[q.id], q) for q in questions}
    t = clock()
    write_pack(root / CACHE_DIR / "bench-records.pack", "bench", loaded)
    rows.append(("record pack, written whole", clock() - t, f"{len(loaded):,} questions"))
    pack = Pack(root / CACHE_DIR / "bench-records.pack", "bench")
    t = clock()
    delta = DeltaSite(after, Records(folder, pack, digests))
    renderer = delta.renderer(
        paths.templates, config, entries.lists, _title_marks(site.questions), paths.output
    )
    rows.append(("site and browse made from the index", clock() - t, ""))
    t = clock()
    rendered = delta.render_pages(renderer, families, pages)
    rows.append(
        ("reached pages rendered, records from the pack", clock() - t, f"{len(rendered)} pages")
    )
    t = clock()
    yaml_delta = DeltaSite(after, Records(folder))
    yaml_renderer = yaml_delta.renderer(
        paths.templates, config, entries.lists, _title_marks(site.questions), paths.output
    )
    from_yaml = yaml_delta.render_pages(yaml_renderer, families, pages)
    rows.append(("the same, records read from YAML", clock() - t, "(browse made again too)"))
    if from_yaml != rendered:
        raise SystemExit("pages from the pack and from the records differ")
    differ = [p for p, data in rendered.items() if (paths.output / p).read_bytes() != data]
    width = max(len(name) for name, _, _ in rows)
    for name, seconds, detail in rows:
        print(f"{name:<{width}}  {seconds * 1000:9.1f} ms  {detail}")
    same = len(rendered) - len(differ)
    print(f"pages byte-identical to the full build's: {same} of {len(rendered)}")
    if differ:
        raise SystemExit(f"differ: {differ[:10]}")


def _rerank(
    features: dict[str, Features], lists: dict[str, tuple[str, ...]], again: list[str]
) -> dict[str, tuple[str, ...]]:
    """Return the lists with those in `again` ranked afresh over every question."""
    fixed = dict(lists)
    for qid in again:
        mine = features[qid]
        scored = [
            (_rank(score), other)
            for other, theirs in features.items()
            if other != qid and (score := _score(mine, theirs)) != (0, 0, 0)
        ]
        fixed[qid] = tuple(other for _, other in sorted(scored)[:LIMIT])
    return fixed


if __name__ == "__main__":
    main()
