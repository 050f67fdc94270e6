"""Seed prose -> escaped Markdown (sitegen.mdtext): rendering shows the seed's words literally."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sitegen.markdown_html import render_markdown
from sitegen.mdtext import escape_inline, escape_line_start, extract_tags, prose_to_markdown


def markdown(*lines: str) -> str:
    return prose_to_markdown([lines], [])


def shown(*lines: str) -> str:
    """Return the text a reader sees for seed lines, whitespace collapsed."""
    html = render_markdown(markdown(*lines))
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


@pytest.mark.parametrize(
    "line",
    [
        "a *star* and **strong** here",
        "an _under_ and snake_case_word",
        "code `ticks` and ``double``",
        "# not a heading",
        "### not a heading either",
        "> not a quote",
        "---",
        "***",
        "___",
        "+ not a list",
        "+",
        "1986. A great year.",
        "~~~",
        "~~~ python",
        "[x](http://example.com)",
        "![alt](http://example.com/i.png)",
        "[ref]: http://example.com",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "a <b>bold</b> word",
        "<!-- comment -->",
        "see <http://ok.example/> or <mailto:a@b.org>",
        "<javascript:alert(1)>",
        "AT&T, &amp; &#39; &copy;",
        "back\\slash and \\*",
        "2*3*4 = 24",
        "~~strike~~ and a | pipe |",
        "=",
        "===",
    ],
)
def test_markdown_syntax_in_a_seed_line_shows_literally(line: str) -> None:
    assert shown(line) == line


def test_a_bullet_starting_with_a_number_is_not_a_nested_list() -> None:
    html = render_markdown(markdown("• 3) three", "• 4. four"))
    assert "<ol" not in html
    assert BeautifulSoup(html, "html.parser").get_text().split() == ["3)", "three", "4.", "four"]


@pytest.mark.parametrize("second", ["===", "---", "# x", "> x", "+ x"])
def test_second_line_of_a_paragraph_cannot_turn_into_markup(second: str) -> None:
    assert shown("first line", second) == f"first line {second}"


def test_raw_html_never_reaches_the_page() -> None:
    html = render_markdown(markdown("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.find("img") is None


def test_url_is_left_unescaped_so_it_still_links() -> None:
    md = markdown("see https://example.com/a_b*c now")
    assert md == "see https://example.com/a_b*c now"
    link = BeautifulSoup(render_markdown(md), "html.parser").find("a")
    assert link is not None
    assert link["href"] == "https://example.com/a_b*c"


def test_sentence_punctuation_after_a_url_is_not_part_of_it() -> None:
    assert escape_inline("go to http://x.com/a.") == "go to http://x.com/a."
    link = BeautifulSoup(render_markdown("go to http://x.com/a."), "html.parser").find("a")
    assert link is not None
    assert link["href"] == "http://x.com/a"


@pytest.mark.parametrize("glyph", ["•", "●", "▪", "◦", "‣", "∙", "·", "*", "-"])
def test_bullet_glyphs_become_markdown_bullets(glyph: str) -> None:
    assert markdown(f"{glyph} one", f"{glyph} two") == "- one\n- two"


def test_numbered_items_keep_their_numbers() -> None:
    assert markdown("1. one", "2) two", "3. three") == "1. one\n2. two\n3. three"


def test_lone_bullet_glyph_is_text() -> None:
    assert markdown("•") == "•"


@pytest.mark.parametrize(
    "item", ["# x", "> y", "- z", "---", "- -", "1. w", "*star*", "<b>x</b>", "[a](b)"]
)
def test_list_item_text_shows_literally(item: str) -> None:
    assert shown(f"• {item}") == item
    assert shown(f"1. {item}") == item


def test_paragraph_and_list_in_one_block_are_separated() -> None:
    assert markdown("Options:", "• one", "• two", "After.") == "Options:\n\n- one\n- two\n\nAfter."


def test_blocks_are_joined_by_one_blank_line() -> None:
    assert prose_to_markdown([("One.",), ("Two.",)], []) == "One.\n\nTwo."


def test_single_line_break_inside_a_paragraph_renders_as_a_break() -> None:
    assert render_markdown(markdown("one", "two")) == "<p>one<br>\ntwo</p>"


def test_extract_tags_removes_hash_and_collects_lower_case_first_seen() -> None:
    tags: list[str] = []
    assert extract_tags("#Botox then #nerves and #BOTOX", tags) == "Botox then nerves and BOTOX"
    assert tags == ["botox", "nerves"]


def test_extract_tags_appends_only_new_tags() -> None:
    tags = ["botox"]
    extract_tags("#botox #ice", tags)
    assert tags == ["botox", "ice"]


@pytest.mark.parametrize(
    "text",
    [
        *("#1", "room #12", "C# and F#", "&#39;", "page#anchor", "# spaced", "#_x"),
        *("http://x.com/#top", "https://x.org/a?tag=#b", "see https://x.org/?q=(#c)x now"),
    ],
)
def test_not_hashtags(text: str) -> None:
    tags: list[str] = []
    assert extract_tags(text, tags) == text
    assert tags == []


@pytest.mark.parametrize(
    ("text", "kept", "tag"),
    [
        ("#tear-trough filler", "tear-trough filler", "tear-trough"),
        ("#Non-Surgical-Nose-Job.", "Non-Surgical-Nose-Job.", "non-surgical-nose-job"),
        ("#botox- and more", "botox- and more", "botox"),
        ("#botox--x", "botox--x", "botox"),
    ],
)
def test_a_hyphen_between_words_stays_in_the_hashtag(text: str, kept: str, tag: str) -> None:
    tags: list[str] = []
    assert extract_tags(text, tags) == kept
    assert tags == [tag]


def test_hashtag_of_non_ascii_word() -> None:
    tags: list[str] = []
    assert extract_tags("#Ästhetik", tags) == "Ästhetik"
    assert tags == ["ästhetik"]


def test_hashtag_at_line_start_is_a_tag_not_a_heading() -> None:
    tags: list[str] = []
    assert prose_to_markdown([("#Botox works.",)], tags) == "Botox works."
    assert tags == ["botox"]


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("# x", "\\# x"),
        ("> x", "\\> x"),
        ("- x", "\\- x"),
        ("+ x", "\\+ x"),
        ("---", "\\---"),
        ("- - -", "\\- - -"),
        ("1. x", "1\\. x"),
        ("===", "&#61;=="),
        ("plain", "plain"),
        ("-5 degrees", "-5 degrees"),
        ("", ""),
    ],
)
def test_escape_line_start(line: str, escaped: str) -> None:
    assert escape_line_start(line) == escaped
