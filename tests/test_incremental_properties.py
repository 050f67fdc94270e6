"""Property: after any sequence of changes, an incremental build leaves exactly the files a clean
full build would (every record and every output file, byte for byte).

Changes: add, edit and delete a seed, hand-edit a record, hide a record (`hidden: true`), change
a template. Derandomized and bounded, on corpora of a few seeds, so it runs the same in CI. Run
through both paths: with delta builds (seeds added alone render only what they reach), on lists
of one page and of many, and with the full path alone.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import delta, snapshot
from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.corpus import generate_seeds
from sitegen.verify import verify
from tests.test_build import make_project

POOL = list(generate_seeds(10, seed=21))  # (file name, text) of every seed a sequence may add


@dataclass(frozen=True)
class Change:
    kind: str
    pick: int  # which seed, record or template the change applies to


CHANGES = st.builds(
    Change,
    st.sampled_from(
        ["add", "edit_seed", "delete_seed", "rename_seed", "edit_record", "hide", "template"]
    ),
    st.integers(0, len(POOL) - 1),
)


def apply(root: Path, change: Change) -> None:
    seeds = sorted((root / "seeds").glob("*.txt"))
    records = sorted((root / "content" / "questions").glob("*.yaml"))
    if change.kind == "add":
        name, text = POOL[change.pick]
        (root / "seeds" / name).write_text(text, "utf-8")
    elif change.kind == "edit_seed" and seeds:
        seed = seeds[change.pick % len(seeds)]
        seed.write_text(seed.read_text("utf-8").replace(" the ", " the reworded ", 1), "utf-8")
    elif change.kind == "delete_seed" and seeds:
        seeds[change.pick % len(seeds)].unlink()
    elif change.kind == "rename_seed" and seeds:
        seed = seeds[change.pick % len(seeds)]
        seed.rename(seed.with_name(f"renamed-{seed.name}"))
    elif change.kind == "edit_record" and records:
        record = records[change.pick % len(records)]
        text = record.read_text("utf-8")
        record.write_text(text.replace(" the ", " the hand-edited ", 1), "utf-8")
    elif change.kind == "hide" and records:
        record = records[change.pick % len(records)]
        text = record.read_text("utf-8")
        if "\nhidden: true\n" not in text:
            record.write_text(text.replace("\ntitle:", "\nhidden: true\ntitle:", 1), "utf-8")
    elif change.kind == "template":
        template = sorted((root / "templates").glob("*.html"))[change.pick % 3]
        template.write_text(template.read_text("utf-8") + f"{{# change {change.pick} #}}x\n")


PATHS = [
    pytest.param(True, 50, False, id="delta-builds"),
    pytest.param(True, 2, False, id="delta-builds-pages-of-two"),
    # Builds that end within snapshot.RACY_NS of a change keep no state (the next is full):
    # with every change counted as settled, each build whose inputs allow it is a delta.
    pytest.param(True, 2, True, id="delta-builds-settled"),
    pytest.param(False, 2, False, id="full-path-only"),
]


@pytest.mark.parametrize(("deltas", "page_size", "settled"), PATHS)
@settings(
    derandomize=True,
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(changes=st.lists(CHANGES, min_size=1, max_size=6))
def test_incremental_build_equals_a_clean_full_build_after_every_change(
    deltas: bool,
    page_size: int,
    settled: bool,
    changes: list[Change],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delta, "ENABLED", deltas)
    if settled:
        monkeypatch.setattr(snapshot, "RACY_NS", -(10**18))
    config = Config(page_size=page_size)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp))
        for name, text in POOL[:3]:
            (root / "seeds" / name).write_text(text, "utf-8")
        paths = Paths.from_config(root, config)
        build(paths, config)
        for change in changes:
            apply(root, change)
            build(paths, config)
            assert verify(paths, config) == [], change
