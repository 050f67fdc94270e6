"""Answer Markdown -> safe HTML (sitegen.markdown_html)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.corpus import generate_questions
from sitegen.markdown_html import (
    is_plain,
    markdown_plain_text,
    render_markdown,
    render_with_cmark,
    render_with_markdown_it,
)
from sitegen.mdtext import prose_to_markdown
from sitegen.parser import parse_seed
from sitegen.seedtext import decode_seed

REPO = Path(__file__).resolve().parents[1]


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(render_markdown(text), "html.parser")


def test_paragraphs_lists_and_emphasis_written_on_purpose_render() -> None:
    html = render_markdown("Some *emphasis*.\n\n- one\n- two\n\n1. first")
    assert "<em>emphasis</em>" in html
    assert "<ul>" in html
    assert "<ol>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=alert(1)>x</div>",
        "<iframe src=http://evil></iframe>",
    ],
)
def test_raw_html_shows_as_text(text: str) -> None:
    page = soup(text)
    assert page.get_text().strip() == text
    # Only a bare http(s) URL inside the text may turn into a (safe) link.
    assert {tag.name for tag in page.find_all(True)} <= {"p", "a"}
    assert all(a["href"].startswith("http") for a in page.find_all("a"))
    assert not any(attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs)


def test_block_html_is_not_passed_through() -> None:
    page = soup("<div>\n<script>x</script>\n</div>")
    assert page.find("div") is None
    assert page.find("script") is None


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "JaVaScRiPt:alert(1)"]
)
def test_unsafe_link_targets_become_plain_text(href: str) -> None:
    page = soup(f"[click]({href})")
    assert page.find("a") is None
    assert page.get_text().strip() == "click"


@pytest.mark.parametrize("href", ["http://example.com", "https://example.com/x", "mailto:a@b.c"])
def test_safe_links_carry_nofollow_ugc(href: str) -> None:
    link = soup(f"[x]({href})").find("a")
    assert link is not None
    assert link["href"] == href
    assert link["rel"] == ["nofollow", "ugc"]


def test_bare_url_becomes_a_nofollow_link() -> None:
    link = soup("see https://example.com/a_b_c for more").find("a")
    assert link is not None
    assert link["href"] == "https://example.com/a_b_c"
    assert link.get_text() == "https://example.com/a_b_c"
    assert link["rel"] == ["nofollow", "ugc"]


def test_markdown_link_to_a_url_stays_one_link() -> None:
    links = soup("[site](https://example.com)").find_all("a")
    assert [a["href"] for a in links] == ["https://example.com"]


def test_images_become_their_alt_text_with_no_request() -> None:
    page = soup("![a photo](http://example.com/p.png)")
    assert page.find("img") is None
    assert page.get_text().strip() == "a photo"


def test_single_line_break_is_kept() -> None:
    assert soup("one\ntwo").find("br") is not None


def test_rendering_is_repeatable() -> None:
    assert render_markdown("*a*\n\n[b](http://x.com)") == render_markdown(
        "*a*\n\n[b](http://x.com)"
    )


def test_a_body_with_a_link_image_or_html_character_is_not_plain() -> None:
    for text in ("[x](http://a.org)", "![a](b.png)", "<b>x</b>", "<http://a.org>", "a http://a"):
        assert not is_plain(text), text


def test_plain_bodies_render_the_same_with_cmark_as_with_markdown_it() -> None:
    """Every plain answer body of a generated corpus and of the real seeds."""
    seeds = [(q.file_name, q.text) for q in generate_questions(300, seed=5)]
    seeds += [(p.name, p.read_text("utf-8")) for p in sorted((REPO / "seeds").glob("*.txt"))]
    bodies = [
        answer.body
        for name, text in seeds
        for answer in parse_seed(decode_seed(text.encode("utf-8"), name), name).question.answers
    ]
    plain = [body for body in bodies if is_plain(body)]
    assert len(plain) > len(bodies) // 2
    for body in plain:
        assert render_with_cmark(body) == render_with_markdown_it(body), body  # byte for byte


# Seed lines full of Markdown's block and inline syntax, but nothing a link, image or raw HTML
# needs: what sitegen writes from such lines must render the same with either renderer.
_SEED_LINE = st.lists(
    st.sampled_from([*"ab Z1.2)*_`#>-+=~&;\\!•", "&amp;", "&#61;", "    ", "1. ", "3) ", "~~~"]),
    max_size=12,
).map(lambda parts: "".join(parts).strip())


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(_SEED_LINE.filter(bool), min_size=1, max_size=5))
def test_cmark_and_markdown_it_agree_on_any_seed_prose(lines: list[str]) -> None:
    text = prose_to_markdown([tuple(lines)], [])
    assert is_plain(text)
    assert render_with_cmark(text) == render_with_markdown_it(text)


def test_plain_text_adds_no_space_inside_a_line_around_links_or_emphasis() -> None:
    text = prose_to_markdown([["[ok](https://example.org/a) and **bold**word"]], [])
    assert markdown_plain_text(text) == "[ok](https://example.org/a) and **bold**word"
    assert (
        markdown_plain_text("a [link](https://x.org)s and **strong**ly") == "a links and strongly"
    )


def test_plain_text_keeps_paragraphs_and_items_apart() -> None:
    assert markdown_plain_text("one\n\ntwo\n\n- three\n- four") == "one two three four"
    assert markdown_plain_text("line\nbreak") == "line break"
