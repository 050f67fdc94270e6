"""Jinja environment and one context builder per page type. Nothing here touches the disk but
the template loader."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sitegen.config import Config
from sitegen.markdown_html import render_markdown
from sitegen.model import Question
from sitegen.pages import Crumb, PageInfo, page_count, paged_url
from sitegen.site import (
    Site,
    doctor_label,
    excerpt,
    question_summary_text,
    specialties_of,
)

T = TypeVar("T")
HOME = Crumb("Home", "")


def make_environment(templates_dir: Path) -> Environment:
    """Return the Jinja environment: autoescape everywhere, undefined names fail loudly."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    env.filters["excerpt"] = excerpt
    env.filters["paragraphs"] = _paragraphs
    env.globals["doctor_label"] = doctor_label
    env.globals["specialties_of"] = specialties_of
    env.globals["summary_text"] = question_summary_text
    env.globals["star_class"] = lambda rating: f"r{round(rating * 10):02d}"
    return env


def _paragraphs(text: str) -> list[list[str]]:
    """Split plain text into paragraphs of lines (the template joins lines with <br>)."""
    return [p.split("\n") for p in text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    first_url: str

    def url(self, number: int) -> str:
        return paged_url(self.first_url, number)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


def paginate(items: Sequence[T], size: int) -> Iterator[tuple[int, int, Sequence[T]]]:
    """Yield (number, count, items) for each page of a list; an empty list has one page."""
    count = page_count(len(items), size)
    for number in range(1, count + 1):
        yield number, count, items[(number - 1) * size : number * size]


class Renderer:
    """Renders every page of a site with one environment and one set of site-wide values."""

    def __init__(self, env: Environment, config: Config, site: Site) -> None:
        self.env = env
        self.config = config
        self.site = site

    def render(self, template: str, page: PageInfo, **context: Any) -> bytes:
        html = self.env.get_template(template).render(
            config=self.config, site=self.site, page=page, **context
        )
        return html.encode("utf-8")

    def pages(self) -> Iterator[tuple[str, bytes]]:
        """Yield (output path, bytes) for every page of the site."""
        yield from self.home_pages()
        for question in self.site.questions:
            yield self.question_page(question)
        yield self.about_page()
        yield self.not_found_page()

    def home_pages(self) -> Iterator[tuple[str, bytes]]:
        for number, count, items in paginate(self.site.questions, self.config.page_size):
            title = self.config.title if number == 1 else f"Questions, page {number} of {count}"
            crumbs = (
                (Crumb("Home", None),) if number == 1 else (HOME, Crumb(f"Page {number}", None))
            )
            page = PageInfo(paged_url("", number), title, self.config.description, crumbs)
            pagination = Pagination(number, count, "")
            yield (
                page.output_path,
                self.render("home.html", page, questions=items, pagination=pagination),
            )

    def question_page(self, question: Question) -> tuple[str, bytes]:
        page = PageInfo(
            url=f"questions/{question.id}/",
            title=question.title,
            description=excerpt(question_summary_text(question), 155) or question.title,
            breadcrumbs=(HOME, Crumb(question.title, None)),
        )
        return page.output_path, self.render("question.html", page, question=question)

    def about_page(self) -> tuple[str, bytes]:
        page = PageInfo(
            "about/",
            "About this site",
            f"Where the questions and answers on {self.config.title} come from.",
            (HOME, Crumb("About", None)),
        )
        return page.output_path, self.render("about.html", page)

    def not_found_page(self) -> tuple[str, bytes]:
        page = PageInfo(
            "404.html",
            "Page not found",
            "The page you asked for is not here.",
            (HOME, Crumb("Page not found", None)),
            root_override=self.config.base_path,
        )
        return page.output_path, self.render("404.html", page)
