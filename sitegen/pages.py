"""Page addresses: where each page lives in the output and how its links reach the site root.

Pages link to each other with relative URLs, so the site works when served from any sub-path.
The 404 page is the exception: a server shows it at arbitrary URLs, so it links from the
absolute base path taken from `base_url`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil


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


def page_count(items: int, size: int) -> int:
    return max(1, ceil(items / size))
