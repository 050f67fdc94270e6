"""Answer body Markdown -> safe HTML.

The promise: bodies are read as CommonMark; no raw HTML passes through (it shows as text),
links keep only http(s) and mailto targets and carry rel="nofollow ugc", images become their
alt text (no requests to other hosts), bare http(s) URLs become links, and a single line break
stays a line break.

markdown-it-py is the renderer that keeps that promise. A body with none of the characters a
link, an image or raw HTML needs ("<", "[", "http") can only produce paragraphs, lists,
emphasis, headings and code, so cmark (C, 15 times faster) may render it: safety never depends
on which renderer ran. Most answers are such bodies. For the Markdown sitegen writes from seed
text the two give the same bytes (tests hold them to it); on contrived hand-written Markdown
they can differ where the two CommonMark implementations do (a space before a hard break, a
lazy line in a block quote).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import cmarkgfm  # type: ignore[import-untyped]
from cmarkgfm.cmark import Options  # type: ignore[import-untyped]
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.mdtext import URL

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _is_safe(href: str) -> bool:
    scheme = urlsplit(href.strip()).scheme.lower()
    return scheme in _SAFE_SCHEMES and not any(ord(c) < 32 for c in href)


def _link(href: str, text: str, level: int) -> list[Token]:
    opening = Token("link_open", "a", 1, attrs={"href": href}, level=level, markup="bare")
    inner = Token("text", "", 0, content=text, level=level + 1)
    return [opening, inner, Token("link_close", "a", -1, level=level, markup="bare")]


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def _bare_urls(md: MarkdownIt, children: list[Token]) -> list[Token]:
    """Turn bare http(s) URLs in text (outside links) into links."""
    out: list[Token] = []
    depth = 0  # inside a link: its text stays text
    for token in children:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        if token.type != "text" or depth or "http" not in token.content:
            out.append(token)
            continue
        pos = 0
        for match in URL.finditer(token.content):
            if match.start() > pos:
                out.append(_text(token.content[pos : match.start()], token.level))
            out.extend(_link(md.normalizeLink(match.group(0)), match.group(0), token.level))
            pos = match.end()
        if pos < len(token.content):
            out.append(_text(token.content[pos:], token.level))
    return out


_AS_TEXT = RendererHTML()


def _sanitized(md: MarkdownIt, children: list[Token]) -> list[Token]:
    """Drop unsafe links (their text stays), mark safe ones, and show images as alt text."""
    out: list[Token] = []
    dropped: list[bool] = []  # per open link: was it dropped
    for token in children:
        if token.type == "link_open":
            safe = _is_safe(str(token.attrGet("href") or ""))
            dropped.append(not safe)
            if safe:
                token.attrSet("rel", "nofollow ugc")
                out.append(token)
        elif token.type == "link_close":
            if not dropped.pop():
                out.append(token)
        elif token.type == "image":
            alt = _AS_TEXT.renderInlineAsText(token.children or [], md.options, {})
            out.append(_text(alt, token.level))
        else:
            out.append(token)
    return out


def _safe_links(state: StateCore) -> None:
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = _sanitized(state.md, _bare_urls(state.md, block.children))


def _converter() -> MarkdownIt:
    # commonmark without raw HTML; "breaks": a single newline is a <br>.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "xhtmlOut": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # _safe_links decides
    md.core.ruler.push("safe_links", _safe_links)
    return md


_CONVERTER = _converter()
# Whitespace other than space, tab and newline, which markdown-it strips from a paragraph's
# ends and cmark keeps.
_ODD_SPACE = re.compile(r"[^\S \t\n]")
_CMARK_OPTIONS = Options.CMARK_OPT_HARDBREAKS
_XHTML_VOID = re.compile(r"<(br|hr) />")


def is_plain(text: str) -> bool:
    """Return whether a body can hold no link, image or raw HTML (so cmark may render it)."""
    # What a link, an image, an autolink or raw HTML needs (substring tests are C loops).
    if "<" in text or "[" in text or "http" in text:
        return False
    return _ODD_SPACE.search(text) is None


def render_with_cmark(text: str) -> str:
    """Return cmark's HTML for a plain body (see is_plain), in markdown-it's spelling."""
    # cmark escapes every "<" of the text, so each "<br />" here is a tag it wrote.
    html: str = cmarkgfm.markdown_to_html(text, _CMARK_OPTIONS)
    return _XHTML_VOID.sub(r"<\1>", html)


def render_with_markdown_it(text: str) -> str:
    html: str = _CONVERTER.render(text)
    return html


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Return safe HTML for one answer body."""
    html = render_with_cmark(text) if is_plain(text) else render_with_markdown_it(text)
    return html.removesuffix("\n")


_TAG = re.compile(r"<[^>]*>")
# Tags that break the text (a new paragraph, item, line): a space. Others (a link, emphasis)
# sit inside a line: nothing, or "[ok](https://x)" would read "[ok]( https://x )".
_BREAKING_TAG = re.compile(
    r"</?(?:p|li|ul|ol|br|hr|h[1-6]|blockquote|pre|div|table|tr|td|th)\b[^>]*>"
)


@lru_cache(maxsize=4096)  # a page shows a body, and its plain text in the JSON-LD
def markdown_plain_text(text: str) -> str:
    """Return what a reader sees of a Markdown body, as plain text (for excerpts)."""
    spaced = _BREAKING_TAG.sub(" ", render_markdown(text))
    return " ".join(html.unescape(_TAG.sub("", spaced)).split())
