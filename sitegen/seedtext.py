"""Seed bytes -> normalised text: BOMs, UTF-16, cp1252 bytes, CRLF/CR, odd spaces, controls.

The promise: the returned lines are split on line breaks only (never on the form feeds, vertical
tabs or Unicode separators that `str.splitlines()` also treats as breaks), and each line keeps
every word of the seed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from sitegen.errors import SeedError

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Characters that look like spaces but are not ASCII spaces: NBSP, narrow NBSP, figure space,
# the en/em/thin spaces, ideographic space, and tabs.
_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2000-\u200a\u3000\t]")
# Control and separator characters a browser or YAML would choke on; they carry no words.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200b\ufeff]")


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


_CP1252_BYTES = "sitegen-cp1252-bytes"
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
codecs.register_error(_CP1252_BYTES, _cp1252_bytes)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class SeedText:
    lines: tuple[str, ...]
    warnings: tuple[tuple[int | None, str], ...]


def decode_seed(data: bytes, path: str) -> SeedText:
    """Decode and normalise one seed file, or raise SeedError for bytes that are not text."""
    warnings: list[tuple[int | None, str]] = []
    if data.startswith(_UTF16_BOMS):
        # Windows editors save "Unicode" text as UTF-16, full of NUL bytes; it is still text.
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise SeedError(path, None, "starts like UTF-16 text but does not decode") from None
    if b"\x00" in data:
        nul_line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SeedError(path, nul_line, "binary content (NUL byte); a seed must be plain text")
    # Strip the BOM before decoding: a cp1252 fallback would read it as the letters "ï»¿".
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Only the bytes that are not UTF-8 are read as cp1252: one stray byte from an old
        # editor must not turn every other non-ASCII character of the seed into mojibake.
        text = data.decode("utf-8", errors=_CP1252_BYTES)
        # CR-only files too: lines numbered as the parser numbers them.
        bad = [n for n, raw in enumerate(_LINE_BREAK.split(data), 1) if not _is_utf8(raw)]
        more = f" here and on {len(bad) - 1} more lines; the rest is UTF-8" if bad[1:] else ""
        warnings.append((bad[0], f"not valid UTF-8; read as Windows-1252 (cp1252){more}"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SeedError(path, None, "empty file (nothing but whitespace)")
    text = _SPACES.sub(" ", text)  # no line break among them: the whole text at once
    if _CONTROLS.search(text) is None:  # the usual case: nothing to replace, line by line
        return SeedText(tuple(line.rstrip() for line in text.split("\n")), tuple(warnings))
    lines: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        cleaned = _CONTROLS.sub(" ", line)
        if cleaned != line:
            warnings.append((number, "control characters replaced by spaces"))
        lines.append(cleaned.rstrip())
    return SeedText(tuple(lines), tuple(warnings))
