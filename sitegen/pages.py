"""Page addresses: where each page lives in the output and how its links reach the site root.

Pages link to each other with relative URLs, so the site works when served from any sub-path.
The 404 page is the exception: a server shows it at arbitrary URLs, so it links from the
absolute base path taken from `base_url`.
"""

from __future__ import annotations

import bisect
import contextlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count


@dataclass(frozen=True, slots=True)
class Crumb:
    label: str
    url: str | None  # relative to the site root; None for the current page


@dataclass(frozen=True, slots=True)
class PageInfo:
    url: str  # relative to the site root: "" for home, "questions/x/" for a question
    title: str
    description: str
    breadcrumbs: tuple[Crumb, ...] = ()
    root_override: str | None = None  # absolute root, for pages served at arbitrary URLs
    indexable: bool = True  # False: no canonical URL or structured data, and robots noindex

    @property
    def output_path(self) -> str:
        if self.url.endswith(".html"):
            return self.url
        return f"{self.url}index.html"

    @property
    def root(self) -> str:
        """Return the relative prefix from this page to the site root ("", "../../")."""
        if self.root_override is not None:
            return self.root_override
        depth = self.url.count("/")
        return "../" * depth


def paged_url(first: str, number: int) -> str:
    """Return the URL of page `number` of a list whose first page is at `first`."""
    return first if number == 1 else f"{first}page/{number}/"


def page_ranges(keys: Sequence[str], size: int) -> list[range]:
    """Split a list (given by its items' stable ids) into pages of about `size` items.

    Where a page ends depends on the items, not on their positions: a page ends after an
    item whose id hashes to a break (one in `size - size // 2`), once it holds at least half
    of `size`; it ends anyway at twice `size`. So adding or removing one item changes the
    page it lands on, and the page numbers after it only when it is a break itself, instead
    of shifting every later page (at 100,000 questions, a thousand home pages). A list of
    at most `size` items is one page, and no page but a one-page list is shorter than half
    of `size`: the last page takes what is left."""
    if len(keys) <= size:
        return [range(len(keys))]
    if _long_lists is None or len(keys) < _LONG:
        return _page_ranges(keys, size)
    ids = keys if type(keys) is tuple else tuple(keys)
    hit = _long_lists.get((size, ids))
    if hit is None:
        if len(_long_lists) >= 16:
            _long_lists.clear()
        hit = _long_lists[size, ids] = tuple(_page_ranges(ids, size))
    return list(hit)


_LONG = 5000  # lists this long or longer are paged once within `long_lists_remembered`
_long_lists: dict[tuple[int, tuple[str, ...]], tuple[range, ...]] | None = None


@contextlib.contextmanager
def long_lists_remembered() -> Iterator[None]:
    """Page each long list once within: a delta build pages its long lists (home: 100,000
    ids) before and after the add, to find, list and render the pages reached. Not for a
    full build, which pages each list once anyway (the copies would add to its peak)."""
    global _long_lists
    _long_lists = {}
    try:
        yield
    finally:
        _long_lists = None


def _page_ranges(keys: Sequence[str], size: int) -> list[range]:
    least, most = _least(size), 2 * size
    span = _span(size)
    known = _BREAKS.setdefault(span, {})
    # Where each break item ends a page: from one page's start, the next ends at the first
    # break at least `least` items on, or after `most` items, whichever comes first; none
    # ends closer than `least` items to the end. (Flags looked up and compressed in C, not a
    # loop over the items: a delta build pages the same 100,000-item lists several times.)
    flags = list(map(known.get, keys))
    if None in flags:
        flags = [_noted_break(known, key, span) if flag is None else flag
                 for key, flag in zip(keys, flags, strict=True)]  # fmt: skip
    ends = list(compress(count(1), flags))
    pages = []
    start, at, last = 0, 0, len(keys) - least
    while True:
        at = bisect.bisect_left(ends, start + least, at)
        end = min(ends[at] if at < len(ends) else len(keys), start + most)
        if end > last:
            break
        pages.append(range(start, end))
        start = end
    pages.append(range(start, len(keys)))
    return pages


def _least(size: int) -> int:
    return max(1, -(-size // 2))  # half, rounded up: 3 of an odd 5


def _span(size: int) -> int:
    # At least two: with one, every item past `least` would be a break (page_size 3 would page
    # by twos, and one item more would move every later page).
    return max(2, size - _least(size))


# span -> whether each id seen so far ends a page (ids are few and stable: a site's questions)
_BREAKS: dict[int, dict[str, bool]] = {}


def breaks_among(ids: Iterable[str], size: int) -> tuple[str, ...]:
    """Return the ids that end a page in lists paged by `size`, for `note_breaks` in another
    process (a delta build's first paging of the home list hashed 100,000 ids: 0.1 s)."""
    span = _span(size)
    known = _BREAKS.setdefault(span, {})
    return tuple(
        key
        for key in ids
        if (flag := known.get(key)) or (flag is None and _noted_break(known, key, span))
    )


def note_breaks(ids: Iterable[str], breaks: Iterable[str], size: int) -> None:
    """Take as known which of `ids` end a page: those in `breaks`, as `breaks_among` gave them
    for the same ids."""
    known = _BREAKS.setdefault(_span(size), {})
    known.update(dict.fromkeys(ids, False))
    known.update(dict.fromkeys(breaks, True))


def _noted_break(known: dict[str, bool], key: str, span: int) -> bool:
    flag = known[key] = _is_break(key, span)
    return flag


def _is_break(key: str, span: int) -> bool:
    # CRC-32 of similar ids ("q-00017", "q-00018") is structured; multiplying by the golden
    # ratio spreads it, so breaks fall as evenly as with a cryptographic hash, 3x faster.
    mixed = (zlib.crc32(key.encode("utf-8")) * 0x9E3779B97F4A7C15 >> 32) & 0xFFFFFFFF
    return mixed % span == 0
