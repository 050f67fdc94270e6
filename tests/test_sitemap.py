"""sitemap.xml: every URL once, in order, escaped, split into parts past the limit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sitegen.sitemap import sitemap_files

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/q&a/"


def locs(data: bytes) -> list[str]:
    return [str(loc.text) for loc in ET.fromstring(data).iter(f"{SM}loc")]


def test_each_url_is_listed_once_in_order_and_escaped() -> None:
    urls = ["", "questions/a&b/", "topics/<x>/", "caf\u00e9/"]
    [(name, data)] = sitemap_files(urls, BASE)
    assert name == "sitemap.xml"
    assert locs(data) == [BASE + url for url in urls]
    assert b"q&a/" not in data and b"<x>" not in data


def test_no_urls_make_an_empty_urlset() -> None:
    [(_, data)] = sitemap_files([], BASE)
    assert locs(data) == [] and ET.fromstring(data).tag == f"{SM}urlset"


def test_past_the_limit_the_sitemap_is_an_index_of_parts() -> None:
    urls = [f"questions/q{n}/" for n in range(5)]
    files = dict(sitemap_files(urls, BASE, limit=2))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert locs(files["sitemap.xml"]) == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    parts = [locs(files[f"sitemap-{n}.xml"]) for n in (1, 2, 3)]
    assert parts == [[BASE + u for u in urls[i : i + 2]] for i in (0, 2, 4)]
