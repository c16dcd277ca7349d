"""The Jinja2 environment shared by the HTML, PDF and EPUB writers, and the view of a document they render.

Templates autoescape; fixed text comes from the message catalog of the document's language.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket

from exporter.anchors import article_links, fragment, heading_targets, slugify
from exporter.i18n import fixed_text_language, iso_duration, long_date, text_around, translations
from exporter.language_tags import primary_language, text_direction, written_direction
from exporter.model import (
    Article,
    Figure,
    Footnote,
    Heading,
    Link,
    Media,
    Table,
    is_task,
    plain_text,
    walk_blocks,
)
from exporter.provenance import OFFICIAL_NOTICE
from exporter.resources import templates_dir
from exporter.urls import safe_href


class _CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled by an earlier process, in Jinja's own per-user cache folder (created owner-only, its
    owner checked): a fresh process otherwise spends about 0.2 s of CPU compiling them. Entries are keyed by the
    template's source, so an edited template is compiled again; what a template renders is the same either way.
    A folder that cannot be written only means compiling each time."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def compiled_templates() -> BytecodeCache | None:
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):  # no safe cache folder
        return None


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        bytecode_cache=compiled_templates(),
        # Style sheets are not markup; everything else is escaped. A CSS template never receives source text.
        autoescape=lambda name: name is None or not name.endswith(".css.j2"),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["OFFICIAL_NOTICE"] = OFFICIAL_NOTICE
    # Text in another direction than the document's says so (blocks.j2's dir_attr).
    env.globals["text_direction"] = text_direction
    env.globals["written_direction"] = written_direction
    env.globals["is_task"] = is_task
    env.globals["primary_language"] = primary_language
    env.globals["text_around"] = lambda message, name: text_around(language, message, name)
    env.globals["document_language"] = language
    env.globals["fixed_language"] = fixed_text_language(language)
    env.filters["safe_href"] = safe_href
    env.filters["plain_text"] = plain_text
    env.filters["long_date"] = lambda value: long_date(value, language)
    env.filters["duration"] = iso_duration
    return env


# The ids the templates give their own elements (the skip link's target, the title, the provenance, notes and
# related headings, the contents, notes and their calls, figures, packet parts): a heading called "Title" or
# "Figure 1" must not take one of them (a duplicate id breaks links, aria-labelledby and EPUBCheck).
TEMPLATE_IDS = re.compile(
    r"main|title|toc|toc-heading|packet-title|(?:provenance|related|notes)-heading|fn(?:ref)?-\d+"
    r"|(?:figure|media)-(?:unnumbered-)?\d+|(?:part|article)-\d+"
)


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote's number in its article and the ids of its call and of the note."""

    number: int
    call_id: str
    note_id: str


class Numbering:
    """Stable heading anchors, figure numbers and footnote numbers for the templates, keyed by node identity.
    Footnotes are numbered per article, in reading order."""

    def __init__(
        self,
        articles: list[Article],
        prefixes: list[str] | None = None,
        *,
        figures_before: int = 0,
        tables_before: int = 0,
    ) -> None:
        """`figures_before`, `tables_before`: figures and tables numbered ahead of these articles (a packet's
        article rendered on its own continues the packet's numbering)."""
        self._anchors: dict[int, str] = {}
        self._figures: dict[int, int] = {}
        self._tables: dict[int, int] = {}
        self._figure_ids: dict[int, str] = {}
        self._footnotes: dict[int, FootnoteRef] = {}
        self._link_targets: dict[int, str] = {}  # in-page links: the anchor of the heading each names
        used: set[str] = set()
        figure_count, ornaments = figures_before, 0
        for index, article in enumerate(articles):
            prefix = prefixes[index] if prefixes else ""
            numbers = article.figure_numbers(figure_count)
            self._figures.update(numbers)
            figure_count = max(numbers.values(), default=figure_count)
            tables = article.table_numbers(tables_before)
            self._tables.update(tables)
            tables_before = max(tables.values(), default=tables_before)
            for number, note in enumerate(article.footnotes(), start=1):
                self._footnotes[id(note)] = FootnoteRef(number, f"{prefix}fnref-{number}", f"{prefix}fn-{number}")
            for block in walk_blocks(article.body):
                if isinstance(block, Heading):
                    slug = slugify(plain_text(block.children))
                    base = prefix + slug
                    anchor, n = base, 2
                    while anchor in used or (anchor == base and TEMPLATE_IDS.fullmatch(slug)):
                        anchor, n = f"{base}-{n}", n + 1
                    used.add(anchor)
                    self._anchors[id(block)] = anchor
                elif isinstance(block, Figure | Media):
                    kind = "media" if isinstance(block, Media) else "figure"
                    if id(block) in numbers:
                        self._figure_ids[id(block)] = f"{kind}-{numbers[id(block)]}"
                    else:
                        ornaments += 1
                        self._figure_ids[id(block)] = f"{kind}-unnumbered-{ornaments}"
            targets = heading_targets(article)
            for link in article_links(article):
                name = fragment(link)
                if name is not None and name in targets:
                    self._link_targets[id(link)] = "#" + self._anchors[id(targets[name])]

    def anchor(self, block: Heading) -> str:
        return self._anchors[id(block)]

    def link_href(self, link: Link) -> str | None:
        """Where the link goes: an in-page link to the heading it names (None when it names none), any other a
        followable address (`urls.safe_href`)."""
        if fragment(link) is not None:
            return self._link_targets.get(id(link))
        return safe_href(link.href)

    def figure_number(self, block: Figure | Media) -> int | None:
        """The block's "Figure N." number; None for what has none (model.is_numbered)."""
        return self._figures.get(id(block))

    def table_number(self, block: Table) -> int | None:
        """The table's "Table N." number; None for a table without caption."""
        return self._tables.get(id(block))

    def figure_id(self, block: Figure | Media) -> str:
        """The element id of a figure or media block, unique through a packet."""
        return self._figure_ids[id(block)]

    def footnote(self, note: Footnote) -> FootnoteRef:
        return self._footnotes[id(note)]


def body_arguments(
    target: str,
    numbering: Numbering,
    image_src: Callable[[Any], str | None],
    image_size: Callable[[Any], Any],
    image_ratio: Callable[[Any], Any],
    heading_offset: int = 0,
) -> dict[str, Any]:
    """What blocks.j2 needs to render an article's body in `target` ("html", "epub" or "pdf"): images, anchors,
    numbers, the headings' offset (1 under a packet's title), in one place so that no writer leaves one out."""
    return {
        "xhtml": target == "epub",
        "target": target,
        "heading_offset": heading_offset,
        "image_src": image_src,
        "image_size": image_size,
        "image_ratio": image_ratio,
        "anchor": numbering.anchor,
        "link_href": numbering.link_href,
        "figure_number": numbering.figure_number,
        "table_number": numbering.table_number,
        "figure_id": numbering.figure_id,
        "footnote": numbering.footnote,
    }


def render_template(name: str, language: str, **context: Any) -> str:
    return environment(language).get_template(name).render(**context)


def font_faces(url_for) -> list[dict[str, Any]]:
    """@font-face rules for the bundled fonts; `url_for(file_name)` says where each file will be. Public Sans and
    Merriweather are drawn for Latin only (`latin_only`); Noto Serif (Greek and Cyrillic only, for the serif
    text) and Noto Sans take every other script they have, so each role keeps one typeface family's look."""
    faces = [
        ("Public Sans", "PublicSans-Regular.ttf", 400, "normal"),
        ("Public Sans", "PublicSans-Italic.ttf", 400, "italic"),
        ("Public Sans", "PublicSans-SemiBold.ttf", 600, "normal"),
        ("Public Sans", "PublicSans-Bold.ttf", 700, "normal"),
        ("Public Sans", "PublicSans-BoldItalic.ttf", 700, "italic"),
        ("Merriweather", "Latin-Merriweather-Regular.ttf", 400, "normal"),
        ("Merriweather", "Latin-Merriweather-Italic.ttf", 400, "italic"),
        ("Merriweather", "Latin-Merriweather-Bold.ttf", 700, "normal"),
        ("Merriweather", "Latin-Merriweather-BoldItalic.ttf", 700, "italic"),
        ("Noto Serif", "GreekCyrillic-NotoSerif-Regular.ttf", 400, "normal"),
        ("Noto Serif", "GreekCyrillic-NotoSerif-Italic.ttf", 400, "italic"),
        ("Noto Serif", "GreekCyrillic-NotoSerif-Bold.ttf", 700, "normal"),
        ("Noto Serif", "GreekCyrillic-NotoSerif-BoldItalic.ttf", 700, "italic"),
        ("Noto Sans", "NotoSans-Regular.ttf", 400, "normal"),
        ("Noto Sans", "NotoSans-Italic.ttf", 400, "italic"),
        ("Noto Sans", "NotoSans-Bold.ttf", 700, "normal"),
        ("Noto Sans", "NotoSans-BoldItalic.ttf", 700, "italic"),
    ]
    return [
        {
            "family": family,
            "file": file,
            "url": url_for(file),
            "weight": weight,
            "style": style,
            "latin_only": family in ("Public Sans", "Merriweather"),
        }
        for family, file, weight, style in faces
    ]
