"""A record's YAML text without going through PyYAML, for the values records hold.

PyYAML's representer and resolver are Python code run for every scalar: at 100,000 records
they take longer than parsing the seeds. Records hold few kinds of values, so this writes
them directly, and returns None for anything it is not sure PyYAML would write the same way
(then the caller uses PyYAML). A test holds it to PyYAML's output, byte for byte, over the
corpus generator's records and random text, so a record's text never depends on which path
wrote it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# Characters PyYAML escapes (control characters, breaks other than \n, a byte order mark,
# surrogates, non-characters, anything past U+FFFF): a value holding any is left to PyYAML.
_ESCAPED = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff\U00010000-\U0010ffff]"
)
# A plain (unquoted) scalar is only written when nothing could make PyYAML choose another
# style: an indicator first, a space at either end, ": " or " #", or a length its line
# folding might touch. Any whitespace (\s includes the no-break space) counts as a space
# here: when unsure, PyYAML writes it.
_INDICATOR_FIRST = frozenset("#,[]{}&*!|>'\"%@`?:-.=<~")
_NOT_PLAIN = re.compile(r":\s|:$|\s#")
_NOT_FLOW_PLAIN = re.compile(r"[,\[\]{}]")  # flow indicators: inside [a, b] they need quotes
# First characters with which PyYAML's resolver might read a plain scalar as something other
# than text (null, true, 1.5, a date, a merge key): for those, ask the resolver itself.
_RESOLVABLE_FIRST = frozenset("yYnNtTfFoO-+0123456789.<~=")
_FLOAT = re.compile(r"\d+\.\d+")
_MAX_PLAIN = 10_000
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


class FlowList(list[str]):
    """A list written on one line: `tags: [botox, nerves]`."""


class _Unsure(Exception):
    pass


def record_yaml(data: dict[str, Any]) -> str | None:
    """Return the YAML PyYAML would write for a record's dict (block style, keys in order,
    multi-line text as literal blocks, FlowList values on one line), or None if unsure."""
    out: list[str] = []
    try:
        _mapping(data, "", out)
    except _Unsure:
        return None
    return "".join(out)


def _mapping(data: dict[str, Any], pad: str, out: list[str], first: str | None = None) -> None:
    """Write a block mapping whose keys sit after `pad`; the first key after `first` instead
    (a sequence item's "- ")."""
    if not data:
        raise _Unsure
    for key, value in data.items():
        lead = pad if first is None else first
        first = None
        if type(value) is str and "\n" in value:
            out.append(f"{lead}{key}: {_literal(value, pad + '  ')}")
        elif type(value) is dict:
            out.append(f"{lead}{key}:\n")
            _mapping(value, pad + "  ", out)
        elif type(value) is list:
            if not value:
                out.append(f"{lead}{key}: []\n")
                continue
            out.append(f"{lead}{key}:\n")
            for item in value:
                if type(item) is not dict:
                    raise _Unsure
                _mapping(item, pad + "  ", out, pad + "- ")
        elif type(value) is FlowList:
            tags = ", ".join(_plain(tag, flow=True) for tag in value)
            out.append(f"{lead}{key}: [{tags}]\n")
        else:
            out.append(f"{lead}{key}: {_scalar(value)}\n")


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float:
        text = repr(value)
        if _FLOAT.fullmatch(text):
            return text
        raise _Unsure
    if kind is str:
        return _plain(value, flow=False) if value else "''"  # type: ignore[arg-type]
    raise _Unsure


def _plain(text: str, flow: bool) -> str:
    if (
        not text
        or len(text) > _MAX_PLAIN
        or text[0] in _INDICATOR_FIRST
        or text[0].isspace()
        or text[-1].isspace()
        or "\n" in text
        or _ESCAPED.search(text)
        or _NOT_PLAIN.search(text)
        or (flow and _NOT_FLOW_PLAIN.search(text))
    ):
        raise _Unsure
    if text[0] in _RESOLVABLE_FIRST and _resolved(text) != _STR_TAG:
        raise _Unsure
    return text


def _resolved(text: str) -> str:
    return str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


def _literal(text: str, indent: str) -> str:
    """Return `|-` or `|` and the text's lines, each indented (empty lines stay empty)."""
    # A space or break first, a space before a break or at the end, or a blank last line
    # would make PyYAML add indicators or choose another style.
    if (
        text[0].isspace()
        or text[-1] in " \t"
        or " \n" in text
        or text.endswith("\n\n")
        or _ESCAPED.search(text)
    ):
        raise _Unsure
    header = "|\n" if text.endswith("\n") else "|-\n"
    lines = text.removesuffix("\n").split("\n")
    return header + "".join(f"{indent}{line}\n" if line else "\n" for line in lines)
