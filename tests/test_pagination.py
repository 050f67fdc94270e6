"""Numbered pages of a long list (sitegen.render.Pagination)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import pages
from sitegen.pages import _is_break, long_lists_remembered, page_ranges
from sitegen.render import Pagination


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 1, (1,)),
        (1, 5, (1, 2, 3, 4, 5)),
        (1, 9, (1, 2, 3, None, 9)),
        (1, 2000, (1, 2, 3, None, 2000)),
        (5, 9, (1, 2, 3, 4, 5, 6, 7, 8, 9)),
        (16, 20, (1, None, 14, 15, 16, 17, 18, 19, 20)),
        (26, 30, (1, None, 24, 25, 26, 27, 28, 29, 30)),  # four follow: it knows the last
        (20, 20, (1, None, 18, 19, 20)),
    ],
)
def test_pagination_links_the_ends_and_a_window_around_the_current_page(
    number: int, count: int, shown: tuple[int | None, ...]
) -> None:
    assert Pagination.of(number, count, "").numbers == shown


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (6, 20, (1, None, 4, 5, 6, 7, 8, None)),
        (15, 20, (1, None, 13, 14, 15, 16, 17, None)),
        (25, 30, (1, None, 23, 24, 25, 26, 27, None)),  # five pages follow: as many as it knows
        (1000, 2000, (1, None, 998, 999, 1000, 1001, 1002, None)),
    ],
)
def test_a_later_page_far_from_the_end_links_no_last_page(
    number: int, count: int, shown: tuple[int | None, ...]
) -> None:
    assert Pagination.of(number, count, "").numbers == shown


@pytest.mark.parametrize("number", [2, 3, 500, 1994])
def test_a_later_page_far_from_the_end_does_not_change_when_the_list_grows(number: int) -> None:
    assert Pagination.of(number, 2000, "") == Pagination.of(number, 2001, "")


@pytest.mark.parametrize(("number", "count"), [(1, 2000), (1996, 2000), (2000, 2000)])
def test_the_first_page_and_the_last_few_change_when_the_list_grows(
    number: int, count: int
) -> None:
    assert Pagination.of(number, count, "") != Pagination.of(number, count + 1, "")


@pytest.mark.parametrize(
    ("number", "count", "prev", "next"),
    [(1, 1, None, None), (1, 3, None, "page/2/"), (2, 3, "", "page/3/"), (3, 3, "page/2/", None)],
)
def test_pagination_links_its_neighbours(
    number: int, count: int, prev: str | None, next: str | None
) -> None:
    pagination = Pagination.of(number, count, "")
    assert (pagination.prev_url, pagination.next_url) == (prev, next)
    assert pagination.paged == (count > 1)


def _pages(keys: list[str], size: int) -> list[list[str]]:
    return [keys[span.start : span.stop] for span in page_ranges(keys, size)]


IDS = [f"question-{n:05d}" for n in range(2000)]


@pytest.mark.parametrize("size", [1, 2, 7, 50])
@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 130, 2000])
def test_pages_hold_every_item_once_in_order(size: int, count: int) -> None:
    pages = _pages(IDS[:count], size)
    assert [key for page in pages for key in page] == IDS[:count]


@pytest.mark.parametrize("count", [0, 1, 20, 50])
def test_a_list_of_at_most_one_page_size_is_one_page(count: int) -> None:
    assert len(page_ranges(IDS[:count], 50)) == 1


def test_pages_hold_between_half_and_twice_the_page_size() -> None:
    pages = _pages(IDS, 50)
    assert all(25 <= len(page) <= 100 for page in pages[:-1])
    assert 25 <= len(pages[-1]) < 125  # the last page takes what is left
    assert 40 <= len(IDS) / len(pages) <= 60  # about 50 on average


@pytest.mark.parametrize("size", [3, 5, 7])
def test_with_an_odd_page_size_no_page_holds_less_than_half(size: int) -> None:
    pages = _pages(IDS, size)
    assert all(len(page) * 2 >= size for page in pages)


@pytest.mark.parametrize("size", [2, 3])
def test_a_tiny_page_size_still_pages_by_content_not_by_position(size: int) -> None:
    before = _pages(IDS, size)
    after = _pages(["added", *IDS], size)
    assert after[-5:] == before[-5:]  # the end of the list pages as it did


def _changed_pages(before: list[list[str]], after: list[list[str]]) -> list[int]:
    return [n for n, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]


def test_adding_an_item_changes_the_page_it_lands_on_not_every_page_after_it() -> None:
    """Where pages end depends on the items, so pages before and after an insertion keep
    their items (fixed-size pages would shift every later page by one)."""
    before = _pages(IDS, 50)
    changed = []
    start = 0
    for number, page in enumerate(before):
        middle = start + len(page) // 2
        after = _pages([*IDS[:middle], f"added-{number}", *IDS[middle:]], 50)
        assert after[:number] == before[:number]
        changed.append(len(_changed_pages(before, after)))
        start += len(page)
    assert sorted(changed)[len(changed) // 2] == 1
    assert sum(changed) / len(changed) < 3


def test_removing_an_item_changes_its_page_not_every_page_after_it() -> None:
    before = _pages(IDS, 50)
    changed = []
    for page in before[:-1]:
        after = _pages([k for k in IDS if k != page[1]], 50)
        changed.append(len(_changed_pages(before, after)))
    assert sorted(changed)[len(changed) // 2] == 1
    assert sum(changed) / len(changed) < 3


def _pages_item_by_item(keys: list[str], size: int) -> list[range]:
    """The rule as first written, one item at a time: the oracle of page_ranges."""
    if len(keys) <= size:
        return [range(len(keys))]
    least, most = max(1, -(-size // 2)), 2 * size
    span = max(2, size - least)
    pages, start = [], 0
    for end, key in enumerate(keys, 1):
        length, left = end - start, len(keys) - end
        if left < least:
            break
        if length >= most or (length >= least and _is_break(key, span)):
            pages.append(range(start, end))
            start = end
    pages.append(range(start, len(keys)))
    return pages


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(IDS[:400]), unique=True, max_size=400),
    st.integers(1, 60),
)
def test_pages_end_where_the_item_by_item_rule_ends_them(keys: list[str], size: int) -> None:
    assert page_ranges(keys, size) == _pages_item_by_item(keys, size)
    assert page_ranges(keys, size) == _pages_item_by_item(keys, size)  # with the breaks known


LONG = [f"q-{n:06d}" for n in range(6000)]


def test_long_lists_remembered_page_as_the_item_by_item_rule() -> None:
    grown = [*LONG[:3000], "q-new", *LONG[3000:]]
    with long_lists_remembered():
        for keys in (LONG, tuple(LONG), grown, LONG[1:], grown):
            assert page_ranges(keys, 50) == _pages_item_by_item(list(keys), 50)


def test_within_long_lists_remembered_each_distinct_long_list_is_paged_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paged: list[int] = []
    real = pages._page_ranges

    def counted(keys: Sequence[str], size: int) -> list[range]:
        paged.append(len(keys))
        return real(keys, size)

    monkeypatch.setattr(pages, "_page_ranges", counted)
    with long_lists_remembered():
        for keys in (LONG, list(LONG), LONG[1:]):
            page_ranges(keys, 50)
    page_ranges(LONG, 50)  # outside: paged again
    assert paged == [6000, 5999, 6000]


def test_breaks_noted_from_another_process_page_as_hashing_each_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _pages_item_by_item(LONG, 50)
    breaks = pages.breaks_among(LONG, 50)
    assert 0 < len(breaks) < len(LONG) and set(breaks) == {k for k in LONG if _is_break(k, 25)}
    monkeypatch.setattr(pages, "_BREAKS", {})
    monkeypatch.setattr(pages, "_is_break", lambda key, span: pytest.fail(f"hashed {key}"))
    pages.note_breaks(LONG, breaks, 50)
    assert page_ranges(LONG, 50) == expected
