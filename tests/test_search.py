"""The Pagefind index: question pages only, their text and doctors, never hidden content."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitegen import search
from sitegen.build import build
from sitegen.config import Config, Paths
from sitegen.render import make_environment, template_sources
from sitegen.reports import BuildReport
from sitegen.search import (
    VERIFIED_TEMPLATES,
    _dropped,
    _folds,
    index_digest,
    searchable,
    shard_count,
    shard_of,
    templates_digest,
)

REPO = Path(__file__).resolve().parents[1]
SEED = """\
Does ice help bruising?

I bruise easily after filler.

Doctor Answers 1

Ice helps

Use ice for two days; arnica is optional.

Ann Zylberstein, MD
Tampa Plastic Surgeon
5.0 out of 5 stars 3 reviews
"""


def project(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "seeds").mkdir()
    (root / "seeds" / "ice.txt").write_text(SEED, "utf-8")
    return root


def add_seeds(root: Path, *words: str) -> None:
    for word in words:
        text = SEED.replace("ice", word).replace("arnica", f"{word}-remedy")
        (root / "seeds" / f"{word}.txt").write_text(text, "utf-8")


def run(root: Path, config: Config | None = None) -> BuildReport:
    config = config or Config()
    return build(Paths.from_config(root, config), config)


def fragments(root: Path) -> dict[str, dict[str, object]]:
    """Return {url: everything a search finds of the page} (text, meta, filters, anchors)."""
    found = searchable(root / "public")
    pages = {page["url"]: page for _, page in found}
    assert len(pages) == len(found), "a page a search finds twice"
    return pages


def languages(root: Path) -> dict[str, int]:
    """Return {language: pages a search finds in it} over all shards (a fragment id starts
    with its page's language)."""
    return dict(Counter(fragment.split("_")[0] for fragment, _ in searchable(root / "public")))


def built_fresh(root: Path, config: Config) -> Path:
    """Build the seeds, records and templates of `root` from scratch in a project of their own."""
    fresh = root.parent / f"{root.name}-fresh"
    for folder in ("seeds", "content", "templates", "static"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, fresh / folder)
    run(fresh, config)
    return fresh


def indexed(root: Path) -> dict[str, str]:
    """Return {url: content} of every page a search finds."""
    return {url: str(page["content"]) for url, page in fragments(root).items()}


def test_only_question_pages_are_indexed_with_answers_and_doctor_names(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    pages = indexed(root)
    assert list(pages) == ["/questions/does-ice-help-bruising/"]
    content = pages["/questions/does-ice-help-bruising/"]
    assert "arnica is optional" in content
    assert "Ann Zylberstein" in content
    assert "Medical disclaimer" not in content
    assert "Related questions" not in content


def test_the_rating_and_the_count_are_meta_not_words_a_search_matches_or_quotes(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    run(root)
    page = fragments(root)["/questions/does-ice-help-bruising/"]
    assert "stars" not in str(page["content"]) and "reviews" not in str(page["content"])
    assert "doctor answer" not in str(page["content"])
    assert page["meta"]["answers"] == "1"  # type: ignore[index]
    assert "Tampa" in str(page["content"])  # where the doctor works stays searchable


def test_the_topic_lists_are_not_indexed_but_their_words_and_filters_are(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    seed = SEED.replace("arnica is optional", "#arnica is optional")
    (root / "seeds" / "ice.txt").write_text(seed, "utf-8")
    run(root)
    page = fragments(root)["/questions/does-ice-help-bruising/"]
    assert "Topics" not in str(page["content"]) and "#" not in str(page["content"])
    assert "arnica is optional" in str(page["content"])
    assert page["filters"]["topic"] == ["arnica"]  # type: ignore[index]


def test_a_page_counts_once_for_a_specialty_however_many_of_its_doctors_share_it(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    second = (
        "\nRest\n\nRest it.\n\nBo Chu, MD\nMiami Plastic Surgeon\n4.0 out of 5 stars 2 reviews\n"
    )
    seed = SEED.replace("Doctor Answers 1", "Doctor Answers 2") + second + "\n"
    (root / "seeds" / "ice.txt").write_text(seed, "utf-8")
    run(root)
    page = fragments(root)["/questions/does-ice-help-bruising/"]
    assert page["filters"] == {"specialty": ["Plastic Surgeon"]}


def test_a_hidden_question_is_not_in_the_index(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "seeds" / "lips.txt").write_text(SEED.replace("ice", "lip balm"), "utf-8")
    run(root)
    record = root / "content" / "questions" / "does-lip-balm-help-bruising.yaml"
    record.write_text(record.read_text("utf-8") + "hidden: true\n", "utf-8")
    run(root)
    assert list(indexed(root)) == ["/questions/does-ice-help-bruising/"]


def test_an_unchanged_site_keeps_its_index(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    entry = root / "public" / "pagefind" / "0" / "pagefind-entry.json"
    before = entry.stat().st_mtime_ns
    report = run(root)
    assert report.search is not None and report.search.reused
    assert entry.stat().st_mtime_ns == before


def test_a_changed_question_is_indexed_again(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    record.write_text(record.read_text("utf-8").replace("arnica", "witch hazel"), "utf-8")
    report = run(root)
    assert report.search is not None and not report.search.reused
    assert "witch hazel" in indexed(root)["/questions/does-ice-help-bruising/"]


def test_the_search_page_lists_each_filter_value_once_with_its_question_count(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    add_seeds(root, "heat")
    second = "\nRest\n\nRest it. #zyste #Ödem\n\nBo Chu, MD\nMiami Dermatologist\n5 out of 5 stars"
    seed = SEED.replace("Doctor Answers 1", "Doctor Answers 2") + second + "\n"
    (root / "seeds" / "ice.txt").write_text(seed, "utf-8")
    run(root)
    html = (root / "public" / "search" / "index.html").read_text("utf-8")
    page = BeautifulSoup(html, "html.parser")
    options = {
        select["name"]: [(o["value"], o.get_text()) for o in select.find_all("option")]
        for select in page.find_all("select")
    }
    assert options == {
        "specialty": [
            ("", "Any specialty"),
            ("Dermatologist", "Dermatologist (1)"),
            ("Plastic Surgeon", "Plastic Surgeon (2)"),
        ],
        "topic": [("", "Any topic"), ("ödem", "ödem (1)"), ("zyste", "zyste (1)")],  # Ö as O
    }


def test_search_off_removes_the_index_page_and_box(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    run(root, Config(search=False))
    public = root / "public"
    assert not (public / "pagefind").exists()
    assert not (public / "search").exists()
    assert 'role="search"' not in (public / "index.html").read_text("utf-8")


def test_a_large_site_is_indexed_in_shards_that_together_hold_every_question(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    add_seeds(root, "heat", "rest", "arnica", "compression")
    report = run(root, Config(search_shard_size=2))
    assert report.search is not None and report.search.shards == 3
    listing = json.loads((root / "public" / "pagefind" / "shards.json").read_text("utf-8"))
    assert listing["count"] == 3
    shards = sorted(p.name for p in (root / "public" / "pagefind").iterdir() if p.is_dir())
    assert listing["shards"] == [f"{n}/" for n in shards] and len(shards) > 1
    assert len(indexed(root)) == 5


def listing(root: Path) -> dict[str, object]:
    return json.loads((root / "public" / "pagefind" / "shards.json").read_text("utf-8"))


def entry_times(root: Path) -> dict[str, int]:
    """Return {shard: mtime of its entry file} of the numbered shards."""
    entries = (root / "public" / "pagefind").glob("[0-9]*/pagefind-entry.json")
    return {e.parent.name: e.stat().st_mtime_ns for e in entries}


def edit_record(root: Path, word: str, old: str, new: str) -> None:
    record = root / "content" / "questions" / f"does-{word}-help-bruising.yaml"
    text = record.read_text("utf-8")
    assert old in text
    record.write_text(text.replace(old, new), "utf-8")


def test_a_changed_question_goes_to_the_recent_shard_and_no_numbered_shard_is_indexed(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest", "arnica", "compression")
    config = Config(search_shard_size=80)  # one shard; two stale pages before it is redone
    run(root, config)
    before = entry_times(root)
    edit_record(root, "heat", "heat-remedy", "warm pads")
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 0
    assert report.search.recent == 1 and not report.search.reused
    assert entry_times(root) == before
    shards = listing(root)
    assert shards["recent"] == "recent/"
    # Dropped: the stale copy, and the ballast: copies of the four other pages that give the
    # recent shard the word statistics of the whole site (Pagefind ranks by them).
    dropped = shards["dropped"]
    assert isinstance(dropped, dict) and sorted(dropped) == ["0/", "recent/"]
    assert len(dropped["0/"]) == 1 and len(dropped["recent/"]) == 4
    entry = root / "public" / "pagefind" / "recent" / "pagefind-entry.json"
    assert json.loads(entry.read_text("utf-8"))["languages"]["en"]["page_count"] == 5
    assert "warm pads" in indexed(root)["/questions/does-heat-help-bruising/"]
    assert fragments(root) == fragments(built_fresh(root, config))


def test_a_removed_question_is_dropped_without_indexing_its_shard(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest")
    config = Config(search_shard_size=80)
    run(root, config)
    before = entry_times(root)
    (root / "seeds" / "heat.txt").unlink()
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 0
    assert report.search.relisted and not report.search.reused  # the listing drops it
    assert entry_times(root) == before
    assert "recent" not in listing(root)
    assert [len(ids) for ids in listing(root)["dropped"].values()] == [1]  # type: ignore[attr-defined]
    assert "/questions/does-heat-help-bruising/" not in indexed(root)
    assert fragments(root) == fragments(built_fresh(root, config))


def test_more_stale_pages_than_the_recent_shard_takes_index_their_shard_again(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest", "arnica", "compression")
    config = Config(search_shard_size=80)  # recent_limit(80) == 2
    run(root, config)
    for word in ("heat", "rest", "compression"):
        edit_record(root, word, f"{word}-remedy", f"{word} pads")
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 1
    assert report.search.recent == 0
    assert listing(root) == {"count": 1, "shards": ["0/"]}
    assert not (root / "public" / "pagefind" / "recent").exists()
    assert fragments(root) == fragments(built_fresh(root, config))


def ids_in(number: int, count: int, how_many: int) -> list[str]:
    """Return question ids that fall in numbered shard `number` of `count`."""
    return [f"q{i}" for i in range(1000) if shard_of(f"q{i}", count) == number][:how_many]


def test_the_shard_with_most_stale_pages_is_indexed_again_first() -> None:
    removed = ids_in(0, 3, 2)  # two pages shard 0 indexed, gone from the site
    (kept,) = ids_in(1, 3, 1)
    (changed,) = ids_in(2, 3, 1)  # in the recent shard
    known = {0: {i: (b"d", f"en_{i}") for i in removed}, 1: {kept: (b"d", "en_k")}}
    wanted = {changed: b"new"}
    current = {kept, changed}
    assert _folds(wanted, known, set(), current, 3, limit=1) == {0}
    assert _folds(wanted, known, set(), current, 3, limit=3) == set()
    assert _folds(wanted, known, {0}, current, 3, limit=1) == set()  # being indexed anyway


def test_stale_copies_and_the_ballast_are_dropped_by_shard() -> None:
    (gone,) = ids_in(0, 2, 1)
    changed, live = ids_in(1, 2, 2)
    known = {0: {gone: (b"d", "en_gone")}, 1: {changed: (b"d", "en_old"), live: (b"d", "en_live")}}
    recent = {changed: (b"new", "en_old")}  # a page unchanged to Pagefind keeps its id
    ballast = {live: "en_copy"}
    assert _dropped(known, recent, ballast, {changed, live}) == (
        {"0/": ["en_gone"], "1/": ["en_old"], "recent/": ["en_copy"]},
        set(),
    )


def test_a_dropped_id_that_is_a_live_page_s_in_another_shard_indexes_its_shard_again() -> None:
    (gone,) = ids_in(0, 2, 1)
    (live,) = ids_in(1, 2, 1)
    # Pagefind names fragments by a hash prefix unique in its own shard only, and the search
    # page searches the numbered shards as one index.
    known = {0: {gone: (b"d", "en_same")}, 1: {live: (b"d", "en_same")}}
    assert _dropped(known, {}, {}, {live}) == ({"0/": ["en_same"]}, {0})


def test_a_page_pagefind_left_out_has_nothing_to_drop() -> None:
    (gone,) = ids_in(0, 1, 1)
    assert _dropped({0: {gone: (b"d", None)}}, {}, {}, set()) == ({}, set())


def test_fewer_questions_mean_fewer_shards_and_no_stale_ones(tmp_path: Path) -> None:
    root = project(tmp_path)
    add_seeds(root, "heat", "rest", "arnica")
    config = Config(search_shard_size=2)
    run(root, config)
    for word in ("heat", "rest", "arnica"):
        (root / "seeds" / f"{word}.txt").unlink()
    run(root, config)
    listing = json.loads((root / "public" / "pagefind" / "shards.json").read_text("utf-8"))
    assert listing == {"count": 1, "shards": ["0/"]}
    assert sorted(p.name for p in (root / "public" / "pagefind").iterdir()) == [
        "0",
        "shards.json",
    ]
    assert len(indexed(root)) == 1


def test_one_more_question_past_a_multiple_of_the_shard_size_keeps_the_shards(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)
    add_seeds(root, "heat", "rest", "arnica")
    config = Config(search_shard_size=2)
    assert run(root, config).search.shards == 2  # type: ignore[union-attr]
    add_seeds(root, "compression")  # 5 questions: ceil(5 / 2) would be 3 new shards
    assert run(root, config).search.shards == 2  # type: ignore[union-attr]
    listing = json.loads((root / "public" / "pagefind" / "shards.json").read_text("utf-8"))
    assert listing["count"] == 2
    assert len(indexed(root)) == 5


@pytest.mark.parametrize(
    ("questions", "previous", "count"),
    [
        (100_000, None, 5),
        (100_001, None, 6),
        (100_001, 5, 5),  # kept: up to 5/4 of the shard size each
        (125_000, 5, 5),
        (125_001, 5, 7),
        (60_001, 5, 5),  # kept: more than 3/4 in all shards but one
        (60_000, 5, 3),
        (1, 1, 1),
    ],
)
def test_the_shard_count_stays_while_the_shards_stay_near_their_size(
    questions: int, previous: int | None, count: int
) -> None:
    assert shard_count(questions, 20_000, previous) == count


PAGE = """<!doctype html>
<html lang="en">
<head><title>Ice · Site</title></head>
<body>
<div data-pagefind-body>
<h1>Does ice help?</h1><div class="answer"><p>Use ice.</p></div>
</div>
<section class="related"><h2>Related questions</h2><a href="/q/heat/">Heat?</a></section>
<aside class="disclaimer" data-pagefind-ignore>Not medical advice.</aside>
</body>
</html>
"""


def digest(page: str) -> bytes:
    return index_digest(page.encode("utf-8"))


def test_the_index_digest_ignores_what_pagefind_does_not_read() -> None:
    assert digest(PAGE) == digest(PAGE.replace("Heat?", "Rest?"))
    assert digest(PAGE) == digest(PAGE.replace("/q/heat/", "/q/rest/"))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Use ice.", "Use heat."),  # the body's text
        ("<title>Ice", "<title>Cold"),  # the head
        ('lang="en"', 'lang="de"'),  # the language
        ("<aside class", '<aside data-pagefind-ignore="all" class'),  # an ignore mark
        ("Not medical advice.", "Not medical advice. <b>Or is it?</b>"),  # what it ignores
    ],
)
def test_the_index_digest_changes_with_what_pagefind_reads(old: str, new: str) -> None:
    assert old in PAGE
    assert digest(PAGE) != digest(PAGE.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<section class", '<section data-pagefind-filter="topic" class'),  # read anywhere
        ("<p>Use ice.</p></div>", "<p>Use ice.</p><!-- </div> --></div>"),  # hides a tag
        ("<div data-pagefind-body>", "<div>"),  # no body element: every page is indexed
        ("\n</div>\n<section", "\n<section"),  # a body that never closes
        ("<section", '<html lang="de"><section'),  # a second language
    ],
)
def test_a_page_the_digest_cannot_take_apart_counts_whole(old: str, new: str) -> None:
    page = PAGE.replace(old, new)
    assert page != PAGE
    assert digest(page) != digest(page.replace("Heat?", "Rest?"))


def test_a_page_whose_related_list_changed_leaves_its_shard_alone(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest", "arnica")
    config = Config(search_shard_size=2)
    run(root, config)
    add_seeds(root, "compression")  # related to every other question: their pages change
    report = run(root, config)
    shard = shard_of("does-compression-help-bruising", 2)
    rewritten = {p.split("/")[1] for p in report.written.changed if p.startswith("questions/")}
    assert any(shard_of(question, 2) != shard for question in rewritten)
    assert report.search is not None and report.search.reindexed == 1
    # Pagefind is the judge: the index holds what a fresh build's does, to the last field.
    fresh = built_fresh(root, config)
    assert fragments(root) == fragments(fresh)
    assert languages(root) == languages(fresh)


def test_the_shipped_question_templates_are_the_verified_ones() -> None:
    sources = template_sources(make_environment(REPO / "templates"), "question.html")
    assert templates_digest(sources) == VERIFIED_TEMPLATES, (
        "the question page templates changed: check that nothing outside <head> and the"
        " data-pagefind-body element is read by Pagefind (no <h1>, <img>, data-pagefind-*"
        " there), let the test above compare with a fresh build, then set"
        " search.VERIFIED_TEMPLATES to the new digest"
    )


def test_other_templates_re_index_every_shard_a_page_changed_in(tmp_path: Path) -> None:
    # Pagefind takes a result's image from the first <img> after the <h1>, anywhere.
    root = project(tmp_path / "site")
    question = root / "templates" / "question.html"
    card = '<li class="question-card">'
    assert card in question.read_text("utf-8")
    thumbnail = card + '<img src="{{ page.root }}static/{{ question.id }}.png" alt="">'
    question.write_text(question.read_text("utf-8").replace(card, thumbnail), "utf-8")
    add_seeds(root, "heat", "rest", "arnica")
    config = Config(search_shard_size=2)
    run(root, config)
    add_seeds(root, "compression")
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 2
    assert fragments(root) == fragments(built_fresh(root, config))


def test_a_question_whose_indexed_text_changed_back_leaves_the_recent_shard(
    tmp_path: Path,
) -> None:
    # The digests of a shard are those of the pages it indexed, never of a later page.
    root = project(tmp_path)
    run(root)
    record = root / "content" / "questions" / "does-ice-help-bruising.yaml"
    original = record.read_text("utf-8")
    record.write_text(original.replace("arnica", "witch hazel"), "utf-8")
    assert run(root).search.recent == 1  # type: ignore[union-attr]
    record.write_text(original, "utf-8")
    report = run(root)
    assert report.search is not None and report.search.reindexed == 0
    assert report.search.recent == 0 and report.search.recent_indexed
    assert listing(root) == {"count": 1, "shards": ["0/"]}
    assert not (root / "public" / "pagefind" / "recent").exists()
    assert "arnica" in indexed(root)["/questions/does-ice-help-bruising/"]


def test_a_question_template_may_leave_some_pages_out_of_the_index(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    question = root / "templates" / "question.html"
    body = "<div data-pagefind-body>"
    assert body in question.read_text("utf-8")
    some = '<div{% if "heat" not in question.id %} data-pagefind-body{% endif %}>'
    question.write_text(question.read_text("utf-8").replace(body, some), "utf-8")
    add_seeds(root, "heat", "rest")
    config = Config(search_shard_size=80)
    assert not run(root, config).errors
    assert "/questions/does-heat-help-bruising/" not in indexed(root)
    edit_record(root, "heat", "heat-remedy", "warm pads")  # alone in a recent shard, it would
    report = run(root, config)  # be indexed whole: its own shard is indexed again instead
    assert not report.errors and report.search is not None and report.search.reindexed == 1
    edit_record(root, "rest", "rest-remedy", "sleep")
    assert run(root, config).search.recent == 1  # type: ignore[union-attr]
    assert fragments(root) == fragments(built_fresh(root, config))


def test_a_clash_indexes_the_shard_again_and_the_index_still_equals_a_clean_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest", "arnica", "compression")
    config = Config(search_shard_size=2)
    run(root, config)
    edit_record(root, "heat", "heat-remedy", "warm pads")
    clashed = []

    def first_call_clashes(*args: object) -> tuple[dict[str, list[str]], set[int]]:
        dropped, clashes = _dropped(*args)  # type: ignore[arg-type]
        if not clashed:  # as if a dropped id were a live page's in another shard
            clashed.append(shard_of("does-heat-help-bruising", 3))
            return dropped, set(clashed)
        return dropped, clashes

    monkeypatch.setattr(search, "_dropped", first_call_clashes)
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 1
    assert report.search.recent == 0  # the page is back in its own shard
    assert not [p.name for p in (root / "public" / "pagefind").iterdir() if p.name[0] == "."]
    assert fragments(root) == fragments(built_fresh(root, config))


def index_walk(root: Path) -> tuple[int, int]:
    """Return the files under public/pagefind and their bytes, as a walk finds them."""
    files = [p for p in (root / "public" / "pagefind").rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def test_the_build_counts_every_file_of_the_index_without_walking_it(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest", "arnica", "compression")
    config = Config(search_shard_size=80)  # recent_limit(80) == 2
    steps = [
        lambda: None,  # a whole index
        lambda: edit_record(root, "heat", "heat-remedy", "warm pads"),  # the recent shard
        lambda: edit_record(root, "rest", "rest-remedy", "bed rest"),  # indexed again, larger
        lambda: (root / "seeds" / "rest.txt").unlink(),  # a drop, the recent shard kept
        lambda: [  # more stale pages than the recent shard takes: the shard again
            edit_record(root, "compression", "compression-remedy", "compression pads"),
            edit_record(root, "heat", "warm pads", "warm packs"),
        ],
    ]
    for step in steps:
        step()
        report = run(root, config)
        assert report.search is not None
        assert (report.search.files, report.search.bytes) == index_walk(root)


def test_a_shard_indexed_before_sizes_were_noted_is_measured_once(tmp_path: Path) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest")
    config = Config(search_shard_size=80)
    run(root, config)
    digests = root / "public" / "pagefind" / "0" / search.DIGESTS_FILE
    version = search._digests_version(1, partial=True)
    stored = search.cache.load(digests, version)
    assert stored.pop("size") is not None
    search.cache.save(digests, version, stored)
    edit_record(root, "heat", "heat-remedy", "warm pads")
    report = run(root, config)
    assert report.search is not None and report.search.reindexed == 0
    assert (report.search.files, report.search.bytes) == index_walk(root)
    shard = [p for p in digests.parent.rglob("*") if p.is_file() and p != digests]
    noted = search.cache.load(digests, version)["size"]
    assert noted == (len(shard), sum(p.stat().st_size for p in shard))


def test_a_page_a_person_left_under_public_questions_is_not_indexed(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    stray = root / "public" / "questions" / "stray" / "index.html"
    stray.parent.mkdir()
    stray.write_text("<html><body data-pagefind-body><h1>stray words</h1></body></html>")
    shutil.rmtree(root / "public" / "pagefind")  # the next build indexes every page
    add_seeds(root, "heat")
    run(root)
    assert sorted(indexed(root)) == [
        "/questions/does-heat-help-bruising/",
        "/questions/does-ice-help-bruising/",
    ]


def test_a_page_the_site_no_longer_has_leaves_the_recent_shard_though_its_file_stays(
    tmp_path: Path,
) -> None:
    root = project(tmp_path / "site")
    add_seeds(root, "heat", "rest")
    config = Config(search_shard_size=400)
    run(root, config)
    edit_record(root, "heat", "heat-remedy", "warm pads")
    assert run(root, config).search.recent == 1  # type: ignore[union-attr]
    (root / "public" / ".sitegen-manifest.json").unlink()  # the build forgets its pages
    (root / "seeds" / "heat.txt").unlink()
    (root / "content" / "questions" / "does-heat-help-bruising.yaml").unlink()  # edited: kept
    page = root / "public" / "questions" / "does-heat-help-bruising" / "index.html"
    run(root, config)
    assert page.is_file()
    assert "/questions/does-heat-help-bruising/" not in indexed(root)
    assert fragments(root) == fragments(built_fresh(root, config))
    shutil.rmtree(page.parent)
    edit_record(root, "rest", "rest-remedy", "bed rest")
    run(root, config)  # the recent shard indexed again, without the page
    assert "bed rest" in indexed(root)["/questions/does-rest-help-bruising/"]
