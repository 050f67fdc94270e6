"""Jinja environment and one context builder per page type. Nothing here touches the disk but
the template loader and its cache of compiled templates."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    meta,
    select_autoescape,
)
from markupsafe import Markup

from sitegen.browse import (
    URL_LOOKUPS,
    AnswerRef,
    Browse,
    DoctorHeader,
    DoctorProfile,
    Group,
    build_browse,
    question_tags,
    sort_name,
)
from sitegen.config import Config
from sitegen.families import Families
from sitegen.jsonld import breadcrumb_list, profile_page, qa_page, to_script_json
from sitegen.markdown_html import markdown_plain_text, render_markdown
from sitegen.model import Question
from sitegen.pagekeys import Lookups, PageKeys
from sitegen.pages import Crumb, PageInfo, page_ranges, paged_url
from sitegen.related_lists import Memo, RelatedLists
from sitegen.site import (
    Site,
    answer_count_text,
    doctor_label,
    excerpt,
    numbered_marks,
    question_summary_text,
    specialties_of,
    title_groups,
)
from sitegen.sitemap import robots_txt, sitemap_files

T = TypeVar("T")
NOT_MINE = b"\0not rendered by this share\0"  # compared by identity
PAGE_WINDOW = 2  # pages linked on each side of the current one
PAGE_TEMPLATES = (
    "home.html",
    "question.html",
    "doctors.html",
    "doctor.html",
    "groups.html",
    "group.html",
    "group_doctors.html",
    "about.html",
    "404.html",
)
DOCTOR_PREVIEW = 10  # doctors a specialty or location page shows before "All N named doctors"
HOME = Crumb("Home", "")
GROUP_INDEX = {  # kind: (index title, plural noun)
    "topics": ("Topics", "topics"),
    "specialties": ("Specialties", "specialties"),
    "locations": ("Locations", "locations"),
}
GROUP_PHRASE = {
    "topics": "tagged",
    "specialties": "answered by a",
    "locations": "answered by doctors in",
}


def group_name(group: Group) -> str:
    return f"#{group.label}" if group.kind == "topics" else group.label


def group_title(group: Group) -> str:
    """Return a group page's title; the kind is named so a place and a specialty never clash."""
    if group.kind == "topics":
        return f"Questions about #{group.label}"
    if group.kind == "specialties":
        return f"Specialty: {group.label}"
    return f"Location: {group.label}"


def initial(name: str) -> str:
    """Return the A-Z heading a name is listed under ('#' for anything else)."""
    letter = unicodedata.normalize("NFKD", name[:1]).upper()[:1]
    return letter if "A" <= letter <= "Z" else "#"


def make_environment(templates_dir: Path, compiled: Path | None = None) -> Environment:
    """Return the Jinja environment: autoescape everywhere, undefined names fail loudly.
    `compiled`: a folder keeping compiled templates between builds (`cache.compiled_dir`)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        bytecode_cache=_Compiled(str(compiled)) if compiled is not None else None,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one set of templates: no stat per page rendered
    )
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    env.filters["excerpt"] = excerpt
    env.filters["paragraphs"] = _paragraphs
    env.filters["answer_count"] = answer_count_text
    # A-Z as a reader expects it, accents and case aside (Jinja's sort puts Ä after Z).
    env.filters["by_label"] = lambda groups: sorted(groups, key=_label_order)
    env.globals["doctor_label"] = doctor_label
    env.globals["specialties_of"] = specialties_of
    env.globals["summary_text"] = _per_question(question_summary_text)
    env.globals["answer_text"] = lambda answer: markdown_plain_text(answer.body)
    env.globals["group_title"] = group_title
    env.globals["initial"] = initial
    env.globals["doctor_preview"] = DOCTOR_PREVIEW
    env.globals["star_class"] = lambda rating: f"r{round(rating * 10):02d}"
    return env


class _Compiled(FileSystemBytecodeCache):
    """Compiled templates kept on disk, each used only while its template's source is the
    same (Jinja checks). Compiling took a delta build 0.25 s of its 40 pages at 100,000
    questions. Jinja writes each one atomically; a disk that refuses, or a damaged file,
    costs a compile, not the build."""

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file (Jinja checks only its header): compiled again
            bucket.reset()


def _per_question(summary: Callable[[Question], str]) -> Callable[[Question], str]:
    """Compute `summary` once per question object: a question appears in seven or so lists,
    and a summary taken from an answer means rendering that answer's Markdown."""
    done: dict[int, tuple[Question, str]] = {}  # id -> (question kept alive, summary)

    def cached(question: Question) -> str:
        hit = done.get(id(question))
        if hit is not None and hit[0] is question:
            return hit[1]
        text = summary(question)
        done[id(question)] = (question, text)
        return text

    return cached


def _label_order(group: Group) -> tuple[str, str]:
    return sort_name(group.label), group.label


class _Watched:
    """Wrap a site-wide object for templates and note the page when a lookup through it is
    not a URL's (the page keys' `Lookups`, for a render without keys)."""

    def __init__(self, label: str, target: object, page: str, found: set[str]) -> None:
        self._label, self._target, self._page, self._found = label, target, page, found

    def __getattr__(self, name: str) -> Any:
        if self._label != "browse" or name not in URL_LOOKUPS:
            self._found.add(self._page)
        return getattr(self._target, name)


def _title_marks(questions: Sequence[Question]) -> dict[str, str]:
    """Return what tells apart the page titles of questions that share a title (case and
    spacing ignored), so every page title stays unique (site.numbered_marks)."""
    groups = title_groups(questions).values()
    return {
        id_: mark for group in groups for id_, mark in numbered_marks(q.id for q in group).items()
    }


def _paragraphs(text: str) -> list[list[str]]:
    """Split plain text into paragraphs of lines (the template joins lines with <br>)."""
    return [p.split("\n") for p in text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a page sits in its list. Only the first page knows how many pages there are
    (it shows the list's counts, so it changes with the list anyway). A later page knows its
    number and how many pages follow it, counted up to `PAGES_AHEAD`: one page more in a list
    of 2,000 then rewrites its first page and the few near its end, not all 2,000."""

    number: int
    first_url: str
    count: int | None  # on the first page only
    following: int  # pages after this one; on a later page at most PAGES_AHEAD

    @classmethod
    def of(cls, number: int, count: int, first_url: str) -> Pagination:
        if number == 1:
            return cls(1, first_url, count, count - 1)
        return cls(number, first_url, None, min(count - number, PAGES_AHEAD))

    @property
    def paged(self) -> bool:
        """Whether the list has more than one page."""
        return self.number > 1 or self.following > 0

    def url(self, number: int) -> str:
        return paged_url(self.first_url, number)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.following else None

    @property
    def numbers(self) -> tuple[int | None, ...]:
        """Return the page numbers to link: the first, a window around this one and, from the
        first page, the last; None where numbers are left out (a trailing None: more pages
        follow). A list of 2,000 pages links a dozen, not 2,000 from each."""
        # Past the window, more pages follow than a later page knows of: it ends in None.
        beyond = self.count is None and self.following >= PAGES_AHEAD
        if beyond:
            last = self.number + PAGE_WINDOW
        else:
            last = self.count if self.count is not None else self.number + self.following
        shown = {1, last, *range(self.number - PAGE_WINDOW, self.number + PAGE_WINDOW + 1)}
        numbers: list[int | None] = []
        previous = 0
        for number in sorted(n for n in shown if 1 <= n <= last):
            if number - previous == 2 and previous:
                numbers.append(number - 1)  # a gap of one page: show it, not an ellipsis
            elif number - previous > 2 and previous:
                numbers.append(None)
            numbers.append(number)
            previous = number
        if beyond:
            numbers.append(None)
        return tuple(numbers)


# How far ahead a later page counts the pages after it: past its window, far enough to
# tell a list ending right after it or one page later (shown as numbers, as the first page
# shows them) from a longer one (an ellipsis).
PAGES_AHEAD = PAGE_WINDOW + 3


def question_id(question: Question) -> str:
    return question.id


def answer_ref_id(ref: AnswerRef) -> str:
    return f"{ref.question.id}#{ref.number}"


def profile_id(doctor: DoctorProfile) -> str:
    return doctor.id


def group_id(group: Group) -> str:
    return group.slug


# A page's structured data: a function of the recorded site-wide lookups (browse), the
# settings and the page's context only, which its key already covers.
JsonLd = Callable[..., tuple[dict[str, Any], ...]]


def _question_jsonld(
    browse: Any, config: Config, question: Question, **_: Any
) -> tuple[dict[str, Any], ...]:
    return (qa_page(question, browse, config.base_url),) if config.qapage_markup else ()


def _doctor_jsonld(
    browse: Any, config: Config, doctor: DoctorProfile | DoctorHeader, **_: Any
) -> tuple[dict[str, Any], ...]:
    return (profile_page(doctor, config.base_url),)


def template_sources(
    env: Environment, name: str, parsed: dict[str, tuple[str, tuple[str | None, ...]]] | None = None
) -> tuple[tuple[str, str], ...]:
    """Return (name, source) of a template and every template it extends, includes or imports;
    a reference that is not a plain string makes it depend on every template. `parsed` keeps
    each template's source and references across calls: base.html is parsed once, not once
    for every page template extending it."""
    assert env.loader is not None
    parsed = {} if parsed is None else parsed
    found: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        if current not in parsed:
            try:
                source, filename, _ = env.loader.get_source(env, current)
            except UnicodeDecodeError:
                raise TemplateError(f"template {current!r} is not UTF-8 text") from None
            refs = tuple(meta.find_referenced_templates(env.parse(source, current, filename)))
            parsed[current] = (source, refs)
        source, refs = parsed[current]
        found[current] = source
        for ref in refs:
            if ref is None:
                return tuple((n, env.loader.get_source(env, n)[0]) for n in env.list_templates())
            todo.append(ref)
    return tuple(sorted(found.items()))


class Renderer:
    """Renders every page of a site with one environment and one set of site-wide values."""

    def __init__(
        self,
        env: Environment,
        config: Config,
        site: Site,
        keys: PageKeys | None = None,
        out_dir: Path | None = None,
        related_memo: Memo | None = None,
        families: Families | None = None,
        record_digests: Mapping[str, str] | None = None,
        *,
        made: tuple[Browse, Any, dict[str, str]] | None = None,
    ) -> None:
        """`made`: the site's browse, related lists (anything with the `related`,
        `related_ids` and `prepare` of `RelatedLists`) and shared-title marks, made from a
        site index instead of from every question (see delta_render.py)."""
        self.env = env
        self.config = config
        self.site = site
        if made is None:
            self.browse = build_browse(site)
            self.related = RelatedLists(site.questions, related_memo, record_digests)
            self.title_marks = _title_marks(site.questions)
        else:
            self.browse, self.related, self.title_marks = made
        # Output paths of the only pages to render; any other page is NOT_MINE.
        self.only: frozenset[str] | None = None
        # Without page keys (a delta build): the pages whose render made a site-wide lookup
        # other than a URL's, when a set is given.
        self.watched: set[str] | None = None
        # With keys, a page whose inputs did not change since it was written is not rendered
        # (render returns None: keep the file on disk).
        self.keys = keys
        self.out_dir = out_dir or Path(".")
        if keys is not None:
            keys.targets = {"site": site, "browse": self.browse}
        # With keys too: families of pages whose sources did not change are not keyed page
        # by page (see families.py).
        self.families = families if keys is not None else None
        self._family_digests: dict[str, bytes] = {}
        self._question_digests: dict[str, bytes] | None = None  # id -> digest, when needed
        self._template_keys: dict[str, bytes] = {}
        self._parsed: dict[str, tuple[str, tuple[str | None, ...]]] = {}  # see template_sources
        # (k, n): render only every n-th page, starting at k; the others return NOT_MINE.
        self.share: tuple[int, int] | None = None
        self._count = 0
        # (id of a list, key function) -> (the list kept alive, its page ranges)
        self._ranges: dict[tuple[int, Callable[[Any], str]], tuple[Sequence[Any], list[range]]] = {}

    def prepare_shares(self) -> None:
        """Do here, once, what every render process would otherwise repeat for itself: build
        the related-questions index, page every list (each share walks them all to find its
        own pages) and digest every question. Worth it with more shares than cores."""
        self.related.prepare()
        self.share, self._count = (-1, 1), 0  # no page is this share's: nothing renders
        for _ in self._html_pages():
            pass
        self.share, self._count = None, 0
        if self.keys is not None:
            self._digest_questions()  # every question, and the map question families take

    def digest_browse(self) -> None:
        """Digest every doctor profile and group (the lists and site-wide lookups of pages
        hold them all), unless digested or given the last build's digest already."""
        if self.keys is not None:
            browse = self.browse
            for value in (*browse.doctors, *browse.groups):
                self.keys.digests.of(value)

    def template_sources(self, name: str) -> tuple[tuple[str, str], ...]:
        return template_sources(self.env, name, self._parsed)

    def template_keys(self) -> tuple[bytes, ...] | None:
        """Return the key of each page template there is (None without page keys): equal
        keys, equal templates, settings and code."""
        if self.keys is None:
            return None
        return tuple(self._template_key(name) for name in self.present(self.page_templates()))

    def present(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Return the templates of `names` that are there, parsing each and every template it
        uses (a syntax error raises). A page template that is missing is fine until a page
        needs it (group_doctors.html, say), which then fails naming it."""
        there = []
        for name in names:
            try:
                self.template_sources(name)
            except TemplateNotFound as missing:
                if missing.name != name:
                    raise
                continue
            there.append(name)
        return tuple(there)

    def preflight(self, render: bool = True) -> None:
        """Parse every page template and, with `render`, render (and throw away) the first page
        of each kind, so a template mistake fails the build before it has rewritten any page:
        a failed rebuild under `serve` leaves the site as it was. (A mistake only some pages
        reach can still fail half-way; the next good build completes the site.) The caller
        passes render=False when the templates rendered a whole site as they are now."""
        self.present(self.page_templates())
        if not render:
            return
        keys, families = self.keys, self.families
        self.keys, self.families = None, None  # render for real; note and skip nothing
        try:
            browse = self.browse
            next(self.home_pages(), None)
            if self.site.questions:
                self.question_page(self.site.questions[0])
            next(self.doctor_index_pages(), None)
            if browse.doctors:
                next(self.doctor_pages(browse.doctors[0]), None)
            for kind, groups in browse.group_kinds:
                next(self.group_index_pages(kind, groups), None)
                if groups:
                    next(self.group_pages(groups[0]), None)
                many = [g for g in groups if kind != "topics" and len(g.doctors) > DOCTOR_PREVIEW]
                if many:
                    next(self.group_doctor_pages(many[0]), None)
            self.about_page()
            self.not_found_page()
            if self.config.search:
                self.search_page()
        finally:
            self.keys, self.families = keys, families

    def page_templates(self) -> tuple[str, ...]:
        """Return the templates pages render with (not other files in the folder: an editor's
        backup or lock file there is no template of the site)."""
        names = [*PAGE_TEMPLATES, "search.html"] if self.config.search else PAGE_TEMPLATES
        return tuple(names)

    def paginate(
        self, items: Sequence[T], key: Callable[[T], str]
    ) -> Iterator[tuple[int, int, Sequence[T]]]:
        """Yield (number, count, items) for each page of a list, paged by `page_ranges` on each
        item's stable id `key`; an empty list has one page. A list is paged once a build:
        every render share walks every list to find its own pages among them."""
        ranges = self._page_ranges(items, key)
        for number, span in enumerate(ranges, 1):
            yield number, len(ranges), items[span.start : span.stop]

    def _page_ranges(self, items: Sequence[T], key: Callable[[T], str]) -> list[range]:
        memo = (id(items), key)
        hit = self._ranges.get(memo)
        if hit is None or hit[0] is not items:
            # A list made from a site index knows its items' ids without making each item.
            ids = getattr(items, "ids", None)
            keys = ids if ids is not None else [key(item) for item in items]
            ranges = page_ranges(keys, self.config.page_size)
            hit = self._ranges[memo] = (items, ranges)
        return hit[1]

    def render(
        self, template: str, page: PageInfo, jsonld: JsonLd | None = None, **context: Any
    ) -> bytes | None:
        """Render a page; `jsonld(browse, config, **context)` gives its structured data blocks,
        so they are built (and their site-wide lookups recorded) only when the page renders."""
        if not self._mine() or (self.only is not None and page.output_path not in self.only):
            return NOT_MINE
        return self._render(template, page, jsonld, **context)

    def _mine(self) -> bool:
        """Count one page; return whether this share renders it."""
        if self.share is None:
            return True
        self._count += 1
        return self._owns(self._count)

    def _owns(self, count: int) -> bool:
        """Return whether this share renders the page `_mine` counts as `count`."""
        return self.share is None or count % self.share[1] == self.share[0]

    def _render(
        self, template: str, page: PageInfo, jsonld: JsonLd | None = None, **context: Any
    ) -> bytes | None:
        site: Any = self.site
        browse: Any = self.browse
        keys, key = self.keys, b""
        lookups: list[Any] = []
        if keys is not None:
            key = keys.key(self._template_key(template), page, jsonld, context)
            if keys.unchanged(self.out_dir, page.output_path, key):
                return None
            site = Lookups("site", site, lookups, keys.digests)
            browse = Lookups("browse", browse, lookups, keys.digests)
        elif self.watched is not None:
            site = _Watched("site", site, page.output_path, self.watched)
            browse = _Watched("browse", browse, page.output_path, self.watched)
        blocks: tuple[dict[str, Any], ...] = ()
        if page.indexable:
            crumbs = breadcrumb_list(page.breadcrumbs, self.config.base_url, page.url)
            own = jsonld(browse, self.config, **context) if jsonld is not None else ()
            blocks = (*own, crumbs)
        html = self.env.get_template(template).render(
            config=self.config,
            site=site,
            page=page,
            browse=browse,
            jsonld=[Markup(to_script_json(block)) for block in blocks],
            **context,
        )
        if keys is not None:
            keys.rendered(page.output_path, key, lookups)
        return html.encode("utf-8")

    def _template_key(self, name: str) -> bytes:
        """Return the key part of a template: the settings and the templates it uses."""
        if name not in self._template_keys:
            assert self.keys is not None
            sources = self.template_sources(name)
            self._template_keys[name] = self.keys.key(self.keys.version, self.config, sources)
        return self._template_keys[name]

    def pages(self) -> Iterator[tuple[str, bytes | None]]:
        """Yield (output path, bytes) for every page of the site, then sitemap and robots.txt;
        bytes None means the file on disk is already what rendering would write. Of several
        render shares, only the first makes the files that are not pages (the build takes
        them from it): the sitemap of 130,000 URLs took each share 0.07 s."""
        if self.share is not None and self.share[0] != 0:
            yield from self._html_pages()
            return
        urls: list[str] = []
        for path, data in self._html_pages():
            if path != "404.html":
                urls.append(path.removesuffix("index.html"))
            yield path, data
        yield from sitemap_files(urls, self.config.base_url)
        yield "robots.txt", robots_txt(self.config.base_url)

    def _html_pages(self) -> Iterator[tuple[str, bytes | None]]:
        # Each family names its source: what its pages are a function of (see families.py).
        family = self._family
        yield from family("home", "home.html", (self.site.questions,), self.home_pages)
        for question in self.site.questions:
            yield self.question_page(question)
        doctors = self.browse.doctors
        yield from family("doctors", "doctors.html", (doctors,), self.doctor_index_pages)
        for doctor in doctors:
            yield from family(f"d:{doctor.id}", "doctor.html", (doctor,), self.doctor_pages, doctor)
        for kind, groups in self.browse.group_kinds:
            pages = self.group_index_pages
            yield from family(kind, "groups.html", (kind, groups), pages, kind, groups)
            for group in groups:
                name = f"{kind}:{group.slug}"
                yield from family(f"g:{name}", "group.html", (group,), self.group_pages, group)
                if kind != "topics" and len(group.doctors) > DOCTOR_PREVIEW:
                    doctor_pages = self.group_doctor_pages
                    yield from family(
                        f"gd:{name}", "group_doctors.html", (group,), doctor_pages, group
                    )
        single = self._single
        yield from family("about", "about.html", (), single, self.about_page)
        if self.config.search:
            yield from family("search", "search.html", (), single, self.search_page)
        yield from family("404", "404.html", (), single, self.not_found_page)

    @staticmethod
    def _single(
        page: Callable[[], tuple[str, bytes | None]],
    ) -> Iterator[tuple[str, bytes | None]]:
        yield page()

    def _family(
        self,
        name: str,
        template: str,
        source: tuple[Any, ...],
        pages: Callable[..., Iterator[tuple[str, bytes | None]]],
        *args: Any,
    ) -> Iterator[tuple[str, bytes | None]]:
        """Yield the pages `pages(*args)` yields, or, when the family's source is as the last
        build stored it and each of this share's pages is still as written, the same paths
        without building a page (bytes None: keep the file; NOT_MINE: another share's)."""
        families = self.families
        if families is None:
            yield from pages(*args)
            return
        digest = self._family_digests.get(name)
        if digest is None:
            digest = self._family_digests[name] = self._source_digest(template, source)
        kept = families.skip(name, digest)
        if kept is not None and self._still(kept):
            families.add(name, digest, kept)
            for path in kept:
                yield path, (None if self._mine() else NOT_MINE)
            return
        paths = []
        for path, data in pages(*args):
            paths.append(path)
            yield path, data
        families.add(name, digest, tuple(paths))

    def _source_digest(self, template: str, source: tuple[Any, ...]) -> bytes:
        assert self.keys is not None
        return self.keys.key(b"family", self._template_key(template), *source)

    def _question_source(self, question: Question, mark: str) -> bytes:
        """Return the source digest of a question's page: the question, the mark that tells
        its shared title apart and its related questions, each question by its digest (no
        tuple of related Question objects is built: 100,000 of these run in a build)."""
        digests = self._question_digests
        if digests is None:
            digests = self._digest_questions()
        related = map(digests.__getitem__, self.related.related_ids(question))
        source = (digests[question.id], mark, *related)
        return self._source_digest("question.html", source)

    def _digest_questions(self) -> dict[str, bytes]:
        assert self.keys is not None
        of = self.keys.digests.of
        self._question_digests = {q.id: of(q) for q in self.site.questions}
        return self._question_digests

    def _still(self, paths: tuple[str, ...]) -> bool:
        """Return whether each of these pages that is this share's is still as written (see
        PageKeys.still), counting them as `_mine` will without moving its count."""
        assert self.keys is not None
        keys, out_dir = self.keys, self.out_dir
        for count, path in enumerate(paths, self._count + 1):
            if self._owns(count) and not keys.still(out_dir, path):
                return False
        return True

    def _paged(
        self,
        first_url: str,
        items: Sequence[T],
        key: Callable[[T], str],
        title: str,
        description: str,
        crumbs: tuple[Crumb, ...],
        later: str | None = None,
    ) -> Iterator[tuple[PageInfo, Pagination, Sequence[T]]]:
        """Yield each page of a long list with its numbered title, crumbs and pagination.
        Pages after the first describe themselves as `later` (default: `description`): counts
        belong on the first page only, or one added item would rewrite every page of a list."""
        for number, count, chunk in self.paginate(items, key):
            page_crumbs = (*crumbs, Crumb(title, None))
            page_title, page_description = title, description
            if number > 1:
                page_crumbs = (*crumbs, Crumb(title, first_url), Crumb(f"Page {number}", None))
                page_title = f"{title}, page {number}"
                page_description = f"{later or description} Page {number}."
            page = PageInfo(paged_url(first_url, number), page_title, page_description, page_crumbs)
            yield page, Pagination.of(number, count, first_url), chunk

    def home_pages(self) -> Iterator[tuple[str, bytes | None]]:
        questions = self.site.questions
        for number, count, items in self.paginate(questions, question_id):
            title = self.config.title if number == 1 else f"Questions, page {number}"
            description = self.config.description
            crumbs = (
                (Crumb("Home", None),) if number == 1 else (HOME, Crumb(f"Page {number}", None))
            )
            if number > 1:
                description = f"{description} Most-answered questions, page {number}."
            page = PageInfo(paged_url("", number), title, description, crumbs)
            pagination = Pagination.of(number, count, "")
            yield (
                page.output_path,
                self.render("home.html", page, questions=items, pagination=pagination),
            )

    def question_page(self, question: Question) -> tuple[str, bytes | None]:
        path = f"questions/{question.id}/index.html"
        if not self._mine() or (self.only is not None and path not in self.only):
            return path, NOT_MINE  # before ranking its related questions: the costly part
        mark = self.title_marks.get(question.id, "")
        families, keys = self.families, self.keys
        if families is not None and keys is not None:
            # A family of one page, rendered by one share: only that share keys it.
            name = f"q:{question.id}"
            digest = self._question_source(question, mark)
            families.add(name, digest, (path,))
            if families.skip(name, digest) is not None and keys.still(self.out_dir, path):
                return path, None
        related = self.related.related(question)
        title = f"{question.title} {mark}" if mark else question.title
        page = PageInfo(
            url=f"questions/{question.id}/",
            title=title,
            description=excerpt(question_summary_text(question), 155) or question.title,
            breadcrumbs=(HOME, Crumb(question.title, None)),
        )
        return path, self._render(
            "question.html",
            page,
            _question_jsonld,
            question=question,
            topics=question_tags(question),
            related=related,
        )

    def doctor_index_pages(self) -> Iterator[tuple[str, bytes | None]]:
        doctors = self.browse.doctors
        ranges = self._page_ranges(doctors, profile_id)
        letters: dict[str, int] = {}  # letter: the page its first name is on
        for number, span in enumerate(ranges, 1):
            for doctor in doctors[span.start : span.stop]:
                letters.setdefault(initial(doctor.name), number)
        pages = self._paged(
            "doctors/",
            doctors,
            profile_id,
            "Doctors A\N{EN DASH}Z",
            f"{len(doctors)} doctors who answered patients' questions, A to Z by name.",
            (HOME,),
            "Doctors who answered patients' questions, A to Z by name.",
        )
        for page, pagination, chunk in pages:
            yield (
                page.output_path,
                self.render(
                    "doctors.html", page, doctors=chunk, pagination=pagination, letters=letters
                ),
            )

    def doctor_pages(self, doctor: DoctorProfile) -> Iterator[tuple[str, bytes | None]]:
        where = " in ".join(x for x in (doctor.specialty, doctor.location) if x)
        title = f"{doctor.name}, {where}" if where else doctor.name
        answers = len(doctor.answers)
        signed = f"to patients' questions signed {doctor.name}" + (f", {where}." if where else ".")
        description = f"{answers} answer{'s' * (answers != 1)} {signed}"
        crumbs = (HOME, Crumb("Doctors", "doctors/"))
        for page, pagination, chunk in self._paged(
            doctor.url,
            doctor.answers,
            answer_ref_id,
            title,
            description,
            crumbs,
            f"Answers {signed}",
        ):
            # Later pages show the profile without its answer count: with the count, one new
            # answer re-rendered every page of a doctor's answers.
            shown = doctor if pagination.number == 1 else doctor.header
            if pagination.number == 1:
                page = replace(page, breadcrumbs=(*crumbs, Crumb(doctor.name, None)))
            yield (
                page.output_path,
                self.render(
                    "doctor.html",
                    page,
                    _doctor_jsonld,
                    doctor=shown,
                    answers=chunk,
                    pagination=pagination,
                ),
            )

    def group_index_pages(
        self, kind: str, groups: Sequence[Group]
    ) -> Iterator[tuple[str, bytes | None]]:
        title, noun = GROUP_INDEX[kind]
        description = f"{len(groups)} {noun}, the ones with the most questions first."
        later = f"{noun.capitalize()}, the ones with the most questions first."
        pages = self._paged(f"{kind}/", groups, group_id, title, description, (HOME,), later)
        for page, pagination, chunk in pages:
            yield (
                page.output_path,
                self.render("groups.html", page, kind=kind, groups=chunk, pagination=pagination),
            )

    def group_pages(self, group: Group) -> Iterator[tuple[str, bytes | None]]:
        title = group_title(group)
        count = len(group.questions)
        phrase = f"{GROUP_PHRASE[group.kind]} {group_name(group)}."
        description = f"{count} question{'s' * (count != 1)} {phrase}"
        crumbs = (HOME, Crumb(GROUP_INDEX[group.kind][0], f"{group.kind}/"))
        for page, pagination, chunk in self._paged(
            group.url,
            group.questions,
            question_id,
            title,
            description,
            crumbs,
            f"Questions {phrase}",
        ):
            yield (
                page.output_path,
                self.render(
                    "group.html",
                    page,
                    # Counts and doctors show on the first page only (see GroupHeader).
                    group=group if pagination.number == 1 else group.header,
                    questions=chunk,
                    pagination=pagination,
                ),
            )

    def group_doctor_pages(self, group: Group) -> Iterator[tuple[str, bytes | None]]:
        title = f"Doctors: {group_name(group)}"
        phrase = f"{GROUP_PHRASE[group.kind]} {group_name(group)}."
        description = f"{len(group.doctors)} named doctors {phrase}"
        crumbs = (
            HOME,
            Crumb(GROUP_INDEX[group.kind][0], f"{group.kind}/"),
            Crumb(group_title(group), group.url),
        )
        for page, pagination, chunk in self._paged(
            f"{group.url}doctors/",
            group.doctors,
            profile_id,
            title,
            description,
            crumbs,
            f"Named doctors {phrase}",
        ):
            yield (
                page.output_path,
                self.render(
                    "group_doctors.html",
                    page,
                    group=group.header,
                    doctors=chunk,
                    pagination=pagination,
                ),
            )

    def about_page(self) -> tuple[str, bytes | None]:
        page = PageInfo(
            "about/",
            "About this site",
            f"Where the questions and answers on {self.config.title} come from.",
            (HOME, Crumb("About", None)),
        )
        return page.output_path, self.render("about.html", page)

    def search_page(self) -> tuple[str, bytes | None]:
        page = PageInfo(
            "search/",
            "Search",
            f"Search the questions and doctors' answers on {self.config.title}.",
            (HOME, Crumb("Search", None)),
        )
        return page.output_path, self.render("search.html", page)

    def not_found_page(self) -> tuple[str, bytes | None]:
        page = PageInfo(
            "404.html",
            "Page not found",
            "The page you asked for is not here.",
            (HOME, Crumb("Page not found", None)),
            root_override=self.config.base_path,
            indexable=False,
        )
        return page.output_path, self.render("404.html", page)
