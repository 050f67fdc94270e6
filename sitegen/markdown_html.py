"""Answer body Markdown -> safe HTML.

The promise: no raw HTML passes through (it shows as text), links keep only http(s) and mailto
targets and carry rel="nofollow ugc", images become their alt text (no requests to other hosts),
bare http(s) URLs become links, and a single line break stays a line break.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from sitegen import cache, mdtext
from sitegen.mdtext import URL
from sitegen.parallel import map_ordered

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


class _BareUrl(InlineProcessor):
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        link = etree.Element("a")
        link.set("href", m.group(0))
        link.text = m.group(0)
        return link, m.start(0), m.end(0)


class _Sanitize(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img":
                    parent[index] = _as_text(child, child.get("alt", ""))
                elif child.tag == "a":
                    href = child.get("href", "")
                    if _is_safe(href):
                        child.set("rel", "nofollow ugc")
                    else:
                        parent[index] = _as_span(child)


def _as_text(element: etree.Element, text: str) -> etree.Element:
    span = etree.Element("span")
    span.text = text
    span.tail = element.tail
    return span


def _as_span(element: etree.Element) -> etree.Element:
    span = etree.Element("span")
    span.text = element.text
    span.tail = element.tail
    span.extend(list(element))
    return span


def _is_safe(href: str) -> bool:
    scheme = urlsplit(href.strip()).scheme.lower()
    return scheme in _SAFE_SCHEMES and not any(ord(c) < 32 for c in href)


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After links and autolinks (so [x](http://...) stays one link), before emphasis
        # (so an underscore inside a URL is not read as emphasis).
        md.inlinePatterns.register(_BareUrl(URL.pattern, md), "bare_url", 115)
        md.treeprocessors.register(_Sanitize(md), "sanitize", 0)


def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["sane_lists", "nl2br", _SafeExtension()], output_format="html"
    )


def render_markdown(text: str) -> str:
    """Return safe HTML for one answer body."""
    html = _PRERENDERED.get(text)
    return _convert(text) if html is None else html


@lru_cache(maxsize=4096)
def _convert(text: str) -> str:
    return _CONVERTER.reset().convert(text)


# Bodies rendered ahead of the templates, on every core (see prerender). The values are what
# _convert returns for the keys, so this cache never changes a byte of output.
_PRERENDERED: dict[str, str] = {}


def prerender(texts: Iterable[str], cache_dir: Path | None = None) -> None:
    """Render many bodies at once on every core, so the templates find them ready; with a
    cache_dir, reuse the HTML of bodies an earlier build rendered."""
    wanted = set(texts)
    cache_file = cache_dir / "markdown.pickle" if cache_dir is not None else None
    stored = cache.load(cache_file, _VERSION) if cache_file else {}
    keys = {text: cache.key(text.encode("utf-8")) for text in wanted}
    for text, digest in keys.items():
        html = stored.get(digest)
        if isinstance(html, str):
            _PRERENDERED[text] = html
    todo = sorted(wanted - _PRERENDERED.keys())
    _PRERENDERED.update(zip(todo, map_ordered(_convert, todo), strict=True))
    if cache_file is not None:
        entries = {keys[text]: _PRERENDERED[text] for text in sorted(wanted)}
        if entries != stored:
            cache.save(cache_file, _VERSION, entries)


def forget_prerendered() -> None:
    """Drop the bodies prerender kept (they can take hundreds of MB on a large site)."""
    _PRERENDERED.clear()


_CONVERTER = _converter()


_TAG = re.compile(r"<[^>]*>")


def markdown_plain_text(text: str) -> str:
    """Return what a reader sees of a Markdown body, as plain text (for excerpts)."""
    return " ".join(html.unescape(_TAG.sub(" ", render_markdown(text))).split())


# Cached HTML is as valid as the code and the Markdown library that rendered it.
_VERSION = cache.code_version(
    markdown.__version__, *(Path(f).read_text("utf-8") for f in (__file__, mdtext.__file__))
)
