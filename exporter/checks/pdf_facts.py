"""The facts of a tagged PDF, read from the structure tree as a screen reader meets them.

One DocumentFacts per article (an `Art` element, or the whole document when there is none). The source URL and
the official notice come from the article's provenance block (the section headed "Source" or "Official source"
in the article's language), or, for a one-article PDF without one, from the XMP `dc:source`; a link in the body
is never taken for the source.
"""

from __future__ import annotations

from itertools import pairwise

from exporter.checks.facts import DocumentFacts, FigureFacts, label_pattern, normalize_space, notice_pattern
from exporter.checks.pdf_structure import caption_elements
from exporter.checks.pdf_tags import Element, TaggedPdf

GROUPS = ("Sect", "Art", "Part", "Document")
# (figure number through the file, the Figure or placeholder element, whether it is a real Figure)
NumberedFigure = tuple[int, Element, bool]


def read_facts(tagged: TaggedPdf) -> tuple[list[DocumentFacts], list[NumberedFigure]]:
    articles: list[Element | None] = [element for element in tagged.elements if element.type == "Art"] or [None]
    found: list[DocumentFacts] = []
    figures: list[NumberedFigure] = []
    for article in articles:
        facts, slots = _article_facts(tagged, article, single=len(articles) == 1)
        found.append(facts)
        figures += [(len(figures) + index, element, is_figure) for index, (element, is_figure) in
                    enumerate(slots, start=1)]
    return found, figures


class Labels:
    """The fixed words the writers print, in one article's language."""

    def __init__(self, language: str) -> None:
        from exporter.i18n import gettext

        def say(message: str) -> str:
            return normalize_space(gettext(language, message)) or message

        self.credit, self.virin = say("Credit:"), say("VIRIN:")
        self.media = {say("Video:"), say("Audio:")}
        self.placeholder, self.description = say("Photo not included."), say("Description:")
        self.provenance = {say("Source"), say("Official source")}
        self.source = say("Source")
        self.notice = notice_pattern(language)
        self.figure = label_pattern(language)


def _article_facts(tagged: TaggedPdf, article: Element | None, single: bool):
    scope = list(article.descendants()) if article is not None else tagged.elements
    language = (article.lang if article is not None else None) or tagged.lang
    labels = Labels(language or "en")
    headings = [element for element in scope if element.heading_level is not None]
    title = normalize_space(tagged.text(headings[0])) if headings else None
    provenance = _provenance_block(tagged, scope, labels)
    source_url = _source_url(tagged, provenance, labels) if provenance is not None else None
    if source_url is None and single:
        source_url = normalize_space(tagged.metadata.get("dc:source"))
    notice = provenance is not None and any(
        labels.notice.search(normalize_space(tagged.text(element)) or "")
        for element in provenance.descendants() if element.type == "P"
    )
    slots = figure_slots(tagged, scope, labels)
    facts = DocumentFacts(
        title=title,
        language=language,
        source_url=source_url,
        official_notice=notice,
        figures=[_figure_facts(tagged, element, is_figure, labels) for element, is_figure in slots],
        exact_spacing=False,
    )
    return facts, slots


def _provenance_block(tagged: TaggedPdf, scope: list[Element], labels: Labels) -> Element | None:
    """The section whose heading is "Source" or "Official source" (in the article's language)."""
    for element in scope:
        if element.type in ("Sect", "Div", "Aside", "NonStruct"):
            first = next((child for child in element.children if child.heading_level is not None), None)
            if first is not None and normalize_space(tagged.text(first)) in labels.provenance:
                return element
    return None


def _source_url(tagged: TaggedPdf, provenance: Element, labels: Labels) -> str | None:
    """The value after the "Source" label of the provenance list: the link's URI, else the value's text."""
    items = [element for element in provenance.descendants() if element.type == "LI"]
    for label, value in pairwise(items):
        if normalize_space(tagged.text(label)) != labels.source:
            continue
        links = [element for element in value.descendants() if element.type == "Link"]
        for link in links:
            uri = link_uri(tagged, link)
            if uri:
                return uri
        text = normalize_space(tagged.text(value))
        return text.replace(" ", "") if text and "://" in text else None
    return None


def link_uri(tagged: TaggedPdf, link: Element) -> str | None:
    import pikepdf

    for reference in link.object_refs:
        annotation = tagged.pdf.get_object(reference.objgen)
        action = annotation.get("/A") if isinstance(annotation, pikepdf.Dictionary) else None
        uri = action.get("/URI") if isinstance(action, pikepdf.Dictionary) else None
        if uri is not None:
            return str(uri)
    return None


# Elements that hold running text: a Figure inside one is a picture inside a sentence (the model's InlineImage).
TEXT_ELEMENTS = {"P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "Link", "Span", "TD", "TH", "Lbl", "Caption", "Quote",
                 "Note", "Reference"}


def in_running_text(element: Element) -> bool:
    holder = element.parent
    while holder is not None:
        if holder.type in TEXT_ELEMENTS:
            return True
        holder = holder.parent
    return False


def figure_slots(tagged: TaggedPdf, scope: list[Element], labels: Labels) -> list[tuple[Element, bool]]:
    """Figures in reading order: each Figure element, and each described placeholder of a photo that was not
    at hand (a group with a Caption and no Figure, whose text starts "Photo not included.")."""
    slots: list[tuple[Element, bool]] = []
    for element in scope:
        if element.type == "Figure" and in_running_text(element):
            continue  # a picture inside a sentence: part of the text, not one of the figures
        if element.type == "Figure":
            slots.append((element, True))
        elif element.type not in GROUPS and any(child.type == "Caption" for child in element.children) and not any(
            descendant.type == "Figure" for descendant in element.descendants()
        ):
            shown = [child for child in element.children if child.type != "Caption"]
            text = normalize_space(" ".join(tagged.text(child) for child in shown)) or ""
            if text.startswith(labels.placeholder):
                slots.append((element, False))
    return slots


def _figure_facts(tagged: TaggedPdf, element: Element, is_figure: bool, labels: Labels) -> FigureFacts:
    if is_figure:
        alt = normalize_space(element.alt or element.actual_text)
        captions = caption_elements(element)
    else:
        # The described placeholder shows the alt text: "Photo not included. Description: ALT".
        shown = [child for child in element.children if child.type != "Caption"]
        text = normalize_space(" ".join(tagged.text(child) for child in shown)) or ""
        alt = normalize_space(text[len(labels.placeholder):].strip().removeprefix(labels.description))
        captions = [child for child in element.children if child.type == "Caption"]
    if not captions:
        return FigureFacts(alt=alt, split=False)
    parts = [normalize_space(tagged.text(child)) for child in captions[0].children] or [
        normalize_space(tagged.text(captions[0]))
    ]
    parts = [part for part in parts if part]
    label = labels.figure.match(parts[0]) if parts else None
    number = int(label.group(1)) if label else None
    if label:
        parts[0] = normalize_space(parts[0][label.end():]) or ""
        parts = [part for part in parts if part]
    if parts and parts[0] in labels.media:
        return FigureFacts(alt=alt, number=number)  # a media poster: its caption belongs to the video or audio
    credit = virin = None
    leading: list[str] = []
    for part in parts:
        if part.startswith(labels.credit):
            credit = normalize_space(part[len(labels.credit):])
        elif part.startswith(labels.virin):
            virin = normalize_space(part[len(labels.virin):])
        elif credit is None and virin is None:
            leading.append(part)
    # The PDF does not say which leading part is the photo title and which the caption: compare them together.
    return FigureFacts(alt=alt, caption=normalize_space(" ".join(leading)), credit=credit, virin=virin, split=False,
                       number=number)
