"""Numbered pages of a long list (sitegen.render.Pagination)."""

from __future__ import annotations

import pytest

from sitegen.render import Pagination


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 1, (1,)),
        (1, 5, (1, 2, 3, 4, 5)),
        (1, 9, (1, 2, 3, None, 9)),
        (5, 9, (1, 2, 3, 4, 5, 6, 7, 8, 9)),
        (6, 20, (1, None, 4, 5, 6, 7, 8, None, 20)),
        (20, 20, (1, None, 18, 19, 20)),
        (1000, 2000, (1, None, 998, 999, 1000, 1001, 1002, None, 2000)),
    ],
)
def test_pagination_links_the_ends_and_a_window_around_the_current_page(
    number: int, count: int, shown: tuple[int | None, ...]
) -> None:
    assert Pagination(number, count, "").numbers == shown
