"""What WeasyPrint's tagger knew and did not write down: which HTML element each structure element came from.

WeasyPrint 70.0 builds the structure tree in `weasyprint.pdf.tags._build_box_tree`, a recursive generator
that looks itself up by module name on every call. Wrapping that name lets us record, for each structure
element it creates, the HTML element of the box (tag, lang, class, scope, link text), the page, and whether
the box sits in a page-margin box; plus the text of every marked-content sequence. The repair pass
(repair.py) needs exactly these facts and cannot recover them from the PDF. The wrapper is inert unless a
recording is active (a context variable), so other users of WeasyPrint in the same process are unaffected.
tests/pdf pins WeasyPrint to the version whose tagging this was written against.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TESTED_WEASYPRINT = "70.0"


@dataclass
class ElementFacts:
    """What one structure element (by its PDF object number) was made from."""

    tag: str | None  # HTML tag name, None for anonymous boxes
    source_key: int | None  # identity of the HTML element: equal keys = fragments of one element
    page: int
    attributes: dict[str, str]
    text: str  # text content of the HTML element, for links
    in_margin: bool


@dataclass
class TagRecording:
    elements: dict[int, ElementFacts] = field(default_factory=dict)
    # page index -> MCID -> text drawn in that marked-content sequence
    texts: dict[int, dict[int, str]] = field(default_factory=dict)
    # PDF object number of a link annotation -> facts of the <a> it came from
    annotations: dict[int, ElementFacts] = field(default_factory=dict)


_active: contextvars.ContextVar[TagRecording | None] = contextvars.ContextVar(
    "pdf_tag_recording", default=None
)
_margin_depth: contextvars.ContextVar[int] = contextvars.ContextVar("pdf_margin_depth", default=0)
_installed = False

_KEPT_ATTRIBUTES = ("lang", "class", "scope", "id", "href", "alt")


def _facts(box: Any, page: int, in_margin: bool) -> ElementFacts:
    element = box.element
    if element is None:
        return ElementFacts(None, None, page, {}, "", in_margin)
    attributes = {name: element.get(name) for name in _KEPT_ATTRIBUTES if element.get(name) is not None}
    text = "".join(element.itertext()) if box.element_tag == "a" else ""
    return ElementFacts(box.element_tag, id(element), page, attributes, text, in_margin)


def install() -> None:
    """Wrap WeasyPrint's tree builder once per process."""
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def recording_build_box_tree(box, parent, pdf, page_number, nums, annotations, page_tags):
        recording = _active.get()
        if recording is None:
            yield from original(box, parent, pdf, page_number, nums, annotations, page_tags)
            return
        if isinstance(box, boxes.PageBox):
            recording.texts[page_number] = {
                kid["mcid"]: getattr(text_box, "text", "")
                for text_box, kid in page_tags.items()
                if isinstance(text_box, boxes.TextBox)
            }
        real_box = box._box if isinstance(box, AbsolutePlaceholder) else box
        margin = isinstance(real_box, boxes.MarginBox)
        token = _margin_depth.set(_margin_depth.get() + 1) if margin else None
        in_margin = _margin_depth.get() > 0
        try:
            for element in original(box, parent, pdf, page_number, nums, annotations, page_tags):
                if element.number not in recording.elements:
                    recording.elements[element.number] = _facts(real_box, page_number, in_margin)
                yield element
        finally:
            if token is not None:
                _margin_depth.reset(token)
        annotation = getattr(real_box, "link_annotation", None)
        if annotation is not None and getattr(annotation, "number", None) is not None:
            recording.annotations.setdefault(annotation.number, _facts(real_box, page_number, in_margin))

    tags._build_box_tree = recording_build_box_tree
    _installed = True


@contextlib.contextmanager
def recording() -> Iterator[TagRecording]:
    install()
    record = TagRecording()
    token = _active.set(record)
    try:
        yield record
    finally:
        _active.reset(token)
