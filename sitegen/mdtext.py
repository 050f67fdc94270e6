"""Seed prose -> record Markdown: bullets and numbered lists, hashtags, and escaping.

The promise: rendering the returned Markdown shows exactly the seed's words. Anything Markdown
would read as formatting is escaped, so a person editing a record can still use Markdown on
purpose while seed text can never turn into markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

URL = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]]")
# A hashtag starts with a letter and is not glued to a word, a URL path or an entity: so "#1",
# "room #12", "C#" and "&#39;" are not hashtags. A hyphen between word characters stays in it
# ("#tear-trough"); one that ends it ("#botox-") does not.
HASHTAG = re.compile(r"(?<![\w&/#])#([^\W\d_]\w*(?:-\w+)*)")
_BULLET = re.compile(r"^[•●▪◦‣∙·*\-]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")  # "<": or "<http://x>" loses its brackets
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_ANY_SPECIAL = re.compile(r"[\\`*_\[\]<&]")  # what _INLINE_SPECIAL or _ENTITY_LIKE can touch
_SETEXT_RULE = re.compile(r"^[=]+$")


def extract_tags(text: str, into: list[str]) -> str:
    """Return text with each hashtag's '#' removed, appending new lower-case tags to `into`."""

    def keep_word(match: re.Match[str]) -> str:
        tag = match.group(1).lower()
        if tag not in into:
            into.append(tag)
        return match.group(1)

    if "#" not in text:
        return text
    # A "#" inside a URL ("https://x.org/a?tag=#b") is part of the address, not a hashtag.
    out = []
    pos = 0
    for match in URL.finditer(text):
        out.append(HASHTAG.sub(keep_word, text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(HASHTAG.sub(keep_word, text[pos:]))
    return "".join(out)


def escape_inline(text: str) -> str:
    """Escape Markdown's inline syntax outside URLs (URLs are kept whole so they still link)."""
    if _ANY_SPECIAL.search(text) is None:  # most seed lines: nothing to escape anywhere
        return text
    out = []
    pos = 0
    for match in URL.finditer(text):
        out.append(_escape_plain(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return _ENTITY_LIKE.sub("&amp;", _INLINE_SPECIAL.sub(r"\\\1", text))


def escape_line_start(line: str) -> str:
    """Escape what Markdown reads as block syntax at the start of a paragraph line."""
    if not line:
        return line
    if line[0] in "#>~":  # "~~~" opens a fenced code block
        return "\\" + line
    if line[0] in "+-" and (len(line) == 1 or line[1] == " " or set(line) <= {"-", " "}):
        return "\\" + line
    numbered = re.match(r"^(\d+)([.)])(\s|$)", line)  # CommonMark reads "1)" as a list too
    if numbered:
        return f"{numbered.group(1)}\\{line[numbered.end(1) :]}"
    if _SETEXT_RULE.match(line):
        return "&#61;" + line[1:]
    return line


def prose_to_markdown(blocks: Iterable[tuple[str, ...]], tags: list[str]) -> str:
    """Turn blocks of seed lines into Markdown paragraphs and lists, collecting hashtags."""
    chunks: list[str] = []
    for block in blocks:
        chunks.extend(_block_to_markdown(block, tags))
    return "\n\n".join(chunks)


def _block_to_markdown(block: tuple[str, ...], tags: list[str]) -> list[str]:
    groups: list[tuple[str, list[str]]] = []
    for raw in block:
        line = extract_tags(raw, tags)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        # An item's text starts a block of its own: "• # x" must not become a heading in a list.
        if bullet:
            kind, text = "bullet", "- " + escape_line_start(escape_inline(bullet.group(1)))
        elif numbered:
            item = escape_line_start(escape_inline(numbered.group(2)))
            kind, text = "numbered", f"{numbered.group(1)}. {item}"
        else:
            kind, text = "para", escape_line_start(escape_inline(line))
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(text)
        else:
            groups.append((kind, [text]))
    return ["\n".join(lines) for _, lines in groups]
