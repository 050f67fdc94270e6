"""Slugs for URLs and ids: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_ID_LENGTH = 80


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """Return a lower-case ASCII slug, cut at a word boundary to at most `max_length`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
        slug = slug.strip("-")
    return slug
