"""sitemap.xml and robots.txt from the list of published page URLs.

Past 50,000 URLs (the sitemaps.org limit per file) sitemap.xml becomes a sitemap index over
sitemap-1.xml, sitemap-2.xml, ... No <lastmod>: the seeds carry no dates and we invent none.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterator, Sequence

MAX_URLS = 50_000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
# &, < and > as XML text needs them (xml.sax.saxutils.escape does the same, but importing it
# brings in urllib.request and ssl: 15 ms of every build's start).
escape = functools.partial(html.escape, quote=False)


def sitemap_files(
    urls: Sequence[str], base_url: str, limit: int = MAX_URLS
) -> Iterator[tuple[str, bytes]]:
    """Yield (path, bytes) for sitemap.xml and, past `limit` URLs, its numbered parts."""
    absolute = [base_url + url for url in urls]
    if len(absolute) <= limit:
        yield "sitemap.xml", _urlset(absolute)
        return
    parts = [absolute[i : i + limit] for i in range(0, len(absolute), limit)]
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    for name, part in zip(names, parts, strict=True):
        yield name, _urlset(part)
    entries = "".join(f"<sitemap><loc>{escape(base_url + n)}</loc></sitemap>\n" for n in names)
    yield "sitemap.xml", f"{_HEAD}<sitemapindex {_NS}>\n{entries}</sitemapindex>\n".encode()


def _urlset(urls: Sequence[str]) -> bytes:
    # Escaped and joined whole, not URL by URL (a delta build writes 130,000 URLs): no URL
    # holds a NUL (they are paths of files we write under a configured base URL).
    escaped = escape("\0".join(urls)).replace("\0", "</loc></url>\n<url><loc>")
    entries = f"<url><loc>{escaped}</loc></url>\n" if urls else ""
    return f"{_HEAD}<urlset {_NS}>\n{entries}</urlset>\n".encode()


def robots_txt(base_url: str) -> bytes:
    """Return robots.txt allowing everything and pointing at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()
