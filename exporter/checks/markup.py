"""HTML pages and EPUB content documents: structural accessibility checks and fact extraction.

Both come from the same templates (`templates/blocks.j2`), so one reading of the markup serves both.
"""

from __future__ import annotations

from itertools import pairwise

from lxml import etree
from lxml import html as lxml_html

from exporter.checks.facts import DocumentFacts, FigureFacts, normalize_space
from exporter.model import check_language

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse_page(data: bytes, *, xhtml: bool = False) -> etree._Element:
    if xhtml:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        root = etree.fromstring(data, parser)
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.startswith(XHTML):
                element.tag = element.tag[len(XHTML) :]
        return root
    return lxml_html.document_fromstring(data)


def _text(element: etree._Element | None) -> str | None:
    """An element's text without footnote calls: a note's number is not part of the sentence it marks."""
    if element is None:
        return None
    return normalize_space("".join(_text_without_notes(element)))


def _text_without_notes(element: etree._Element):
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str) and child.get("role") != "doc-noteref":
            yield from _text_without_notes(child)
        yield child.tail or ""


def _without_label(element: etree._Element | None) -> str | None:
    """The text of a `Credit: NAME` span without its label."""
    if element is None:
        return None
    parts = [element.text or ""]
    for child in element:
        if "label" not in (child.get("class") or "").split():
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return normalize_space("".join(parts))


def _has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _first(element: etree._Element, class_name: str) -> etree._Element | None:
    found = element.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {class_name} ')]")
    return found[0] if found else None


def figure_facts(figure: etree._Element) -> FigureFacts:
    image = figure.find("img")
    if image is not None:
        alt = image.get("alt")
    else:
        placeholder = _first(figure, "photo-placeholder")
        alt = _placeholder_alt(placeholder)
    caption = figure.find("figcaption")
    return FigureFacts(
        alt=normalize_space(alt),
        title=_text(_first(caption, "photo-title")) if caption is not None else None,
        caption=_text(_first(caption, "caption-text")) if caption is not None else None,
        credit=_without_label(_first(caption, "credit")) if caption is not None else None,
        virin=_without_label(_first(caption, "virin")) if caption is not None else None,
    )


def _placeholder_alt(placeholder: etree._Element | None) -> str | None:
    """The described placeholder reads "Photo not included. Description: ALT"; ALT is its last text."""
    if placeholder is None:
        return None
    paragraph = placeholder.find("p")
    if paragraph is None:
        return None
    strong = paragraph.find("strong")
    tail = (strong.tail if strong is not None else paragraph.text) or ""
    _, _, described = tail.partition(":")
    return normalize_space(described)


def article_facts(article: etree._Element, language: str | None, title: str | None) -> DocumentFacts:
    provenance = _first(article, "provenance")
    source_url = None
    if provenance is not None:
        links = provenance.xpath(".//dd/a/@href")
        source_url = links[0] if links else None
    figures = []
    for figure in article.xpath(".//figure"):
        if _has_class(figure, "figure") and not _has_class(figure, "decorative"):
            figures.append(figure_facts(figure))
        elif _has_class(figure, "media") and (figure.find("img") is not None or _first(figure, "photo-placeholder")):
            # A media block's poster carries only alt text; the caption belongs to the video or audio.
            figures.append(FigureFacts(alt=figure_facts(figure).alt))
    heading = article.xpath(".//header[contains(@class, 'article-header')]/*[self::h1 or self::h2][1]")
    return DocumentFacts(
        title=_text(heading[0]) if heading else title,
        language=article.get("lang") or language,
        source_url=source_url,
        official_notice=provenance is not None and _first(provenance, "notice") is not None,
        figures=figures,
    )


def page_facts(root: etree._Element) -> list[DocumentFacts]:
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    articles = root.xpath("//article")
    return [article_facts(article, language, normalize_space(root.findtext(".//title"))) for article in articles]


def structure_findings(root: etree._Element, *, page_name: str) -> list[str]:
    """Problems a person using assistive technology would meet, one line each with the place."""
    findings: list[str] = []
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not language:
        findings.append(f"{page_name}: <html> has no lang attribute")
    else:
        try:
            check_language(language)
        except ValueError as error:
            findings.append(f"{page_name}: <html lang>: {error}")
    if not normalize_space(root.findtext(".//title")):
        findings.append(f"{page_name}: the page has no <title>")
    h1_count = len(root.xpath("//h1"))
    if h1_count != 1:
        findings.append(f"{page_name}: {h1_count} h1 headings (expected exactly one)")
    levels = [(int(h.tag[1]), _text(h)) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    for (before, _), (after, text) in pairwise(levels):
        if after > before + 1:
            findings.append(f"{page_name}: heading {text!r} skips from h{before} to h{after}")
    for number, image in enumerate(root.xpath("//img"), start=1):
        alt = image.get("alt")
        figure = image.getparent()
        decorative = figure is not None and _has_class(figure, "decorative")
        if alt is None:
            findings.append(f"{page_name}: image {number} ({image.get('src', '')[:60]}) has no alt attribute")
        elif not alt.strip() and not decorative:
            findings.append(f"{page_name}: image {number} ({image.get('src', '')[:60]}) has empty alt text")
    ids = {element.get("id") for element in root.xpath("//*[@id]")}
    for region in root.xpath("//section|//aside|//nav"):
        labels = (region.get("aria-labelledby") or "").split()
        if not labels and not region.get("aria-label"):
            findings.append(f"{page_name}: <{region.tag} class={region.get('class')!r}> has no accessible label")
        for label in labels:
            if label not in ids:
                findings.append(f"{page_name}: aria-labelledby points to a missing id {label!r}")
    for number, link in enumerate(root.xpath("//a[@href]"), start=1):
        if not _text(link) and not link.xpath(".//img[@alt!='']"):
            findings.append(f"{page_name}: link {number} ({link.get('href')[:60]}) has no text")
    return findings
