"""Seed bytes -> normalised lines (sitegen.seedtext)."""

from __future__ import annotations

import pytest

from sitegen.errors import SeedError
from sitegen.seedtext import decode_seed


def lines(data: bytes) -> tuple[str, ...]:
    return decode_seed(data, "seeds/q.txt").lines


def test_plain_utf8_is_split_on_newlines() -> None:
    assert lines(b"Title\n\nBody") == ("Title", "", "Body")


def test_utf8_bom_is_removed() -> None:
    assert lines(b"\xef\xbb\xbfTitle\nBody") == ("Title", "Body")


def test_utf8_bom_is_removed_even_when_the_rest_falls_back_to_cp1252() -> None:
    assert lines(b"\xef\xbb\xbfTitle\ncaf\xe9") == ("Title", "café")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_read_as_text(encoding: str) -> None:
    bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
    assert lines(bom + "Title\r\ncafé".encode(encoding)) == ("Title", "café")


def test_non_utf8_bytes_are_read_as_cp1252_with_a_warning_on_their_line() -> None:
    seed = decode_seed(b"Title\n\nIt\x92s a \x93quote\x94 caf\xe9", "seeds/q.txt")
    assert seed.lines[2] == "It\u2019s a \u201cquote\u201d café"
    assert seed.warnings == ((3, "not valid UTF-8; read as Windows-1252 (cp1252)"),)


def test_one_stray_cp1252_byte_leaves_the_utf8_text_around_it_alone() -> None:
    seed = decode_seed(
        "Title\n\nto\u00a0discuss \u2022 caf\u00e9\nBest\x92.".encode().replace(
            b"\xc2\x92", b"\x92"
        ),
        "seeds/q.txt",
    )
    assert seed.lines[2] == "to discuss \u2022 caf\u00e9"
    assert seed.lines[3] == "Best\u2019."
    assert seed.warnings == ((4, "not valid UTF-8; read as Windows-1252 (cp1252)"),)


def test_cp1252_bytes_on_several_lines_are_counted_in_one_warning() -> None:
    seed = decode_seed(b"Title\ncaf\xe9\nna\xefve\nr\xe9sum\xe9", "seeds/q.txt")
    assert seed.lines[1:] == ("caf\u00e9", "na\u00efve", "r\u00e9sum\u00e9")
    assert seed.warnings == (
        (
            2,
            "not valid UTF-8; read as Windows-1252 (cp1252) here and on 2 more lines;"
            " the rest is UTF-8",
        ),
    )


def test_the_line_of_a_cp1252_byte_is_counted_in_a_file_with_cr_line_ends() -> None:
    seed = decode_seed(b"Title\r\rcaf\xe9", "seeds/q.txt")
    assert seed.warnings == ((3, "not valid UTF-8; read as Windows-1252 (cp1252)"),)


def test_valid_utf8_gives_no_warning() -> None:
    assert decode_seed("Títle — ok\n".encode(), "seeds/q.txt").warnings == ()


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_crlf_cr_and_lf_all_end_lines(newline: bytes) -> None:
    assert lines(newline.join([b"Title", b"", b"Body"])) == ("Title", "", "Body")


def test_mixed_line_endings_count_lines_alike() -> None:
    assert lines(b"a\r\nb\rc\nd") == ("a", "b", "c", "d")


def test_non_breaking_spaces_become_spaces() -> None:
    assert lines("one\u00a0two\u202fthree\u2009four".encode()) == ("one two three four",)


def test_trailing_nbsp_is_trimmed() -> None:
    assert lines("surgery.\u00a0\nnext".encode()) == ("surgery.", "next")


@pytest.mark.parametrize(
    "control", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
)
def test_control_and_separator_characters_do_not_split_lines(control: str) -> None:
    seed = decode_seed(f"Title\n\nleft{control}right".encode(), "seeds/q.txt")
    assert seed.lines == ("Title", "", "left right")
    assert seed.warnings == ((3, "control characters replaced by spaces"),)


def test_tabs_become_spaces() -> None:
    assert lines(b"a\tb") == ("a b",)


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n\n", b" \r\n\t\r\n", "\u00a0\n".encode()])
def test_empty_or_whitespace_only_file_is_rejected_naming_the_file(data: bytes) -> None:
    with pytest.raises(SeedError, match=r"^seeds/q\.txt: error: empty file"):
        decode_seed(data, "seeds/q.txt")


def test_bom_only_file_is_rejected_as_empty() -> None:
    with pytest.raises(SeedError, match="empty file"):
        decode_seed(b"\xef\xbb\xbf\n", "seeds/q.txt")


def test_nul_byte_is_rejected_as_binary_naming_file_and_line() -> None:
    with pytest.raises(SeedError) as caught:
        decode_seed(b"Title\n\nBody \x00 more", "seeds/q.txt")
    assert caught.value.line == 3
    assert str(caught.value) == (
        "seeds/q.txt:3: error: binary content (NUL byte); a seed must be plain text"
    )
