"""HTML pages and EPUB content documents: structural accessibility checks and fact extraction.

Both come from the same templates (`templates/blocks.j2`), so one reading of the markup serves both; findings
carry the format's prefix (HTML-..., EPUB-...) and the figure numbers the facts use.
"""

from __future__ import annotations

import re
from itertools import pairwise
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from exporter.checks.facts import DocumentFacts, FigureFacts, normalize_space
from exporter.checks.report import Finding
from exporter.model import check_language

XHTML = "{http://www.w3.org/1999/xhtml}"
# Attributes whose value the browser fetches while showing the page (links to follow are not among them).
RESOURCE_ATTRIBUTES = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",),
    "frame": ("src",), "embed": ("src",), "object": ("data",), "audio": ("src",), "video": ("src", "poster"),
    "track": ("src",), "input": ("src",), "image": ("href", "{http://www.w3.org/1999/xlink}href"),
    "use": ("href", "{http://www.w3.org/1999/xlink}href"),
}  # fmt: skip
FETCHED_LINKS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                 "manifest", "apple-touch-icon", "prerender"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


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


def figure_elements(scope: etree._Element) -> list[etree._Element]:
    """The figures the facts count, in reading order: every non-decorative figure, and each media block that
    shows a poster (only its alt text is a figure's)."""
    def counted(figure: etree._Element) -> bool:
        if _has_class(figure, "media"):
            return figure.find("img") is not None or _first(figure, "photo-placeholder") is not None
        return _has_class(figure, "figure") and not _has_class(figure, "decorative")

    return [figure for figure in scope.xpath(".//figure") if counted(figure)]


def figure_facts(figure: etree._Element) -> FigureFacts:
    image = figure.find("img")
    alt = image.get("alt") if image is not None else _placeholder_alt(_first(figure, "photo-placeholder"))
    number = _figure_number(figure)
    if _has_class(figure, "media"):
        # A media poster: the caption belongs to the video or audio
        return FigureFacts(alt=normalize_space(alt), number=number)
    caption = figure.find("figcaption")
    return FigureFacts(
        number=number,
        alt=normalize_space(alt),
        title=_text(_first(caption, "photo-title")) if caption is not None else None,
        caption=_text(_first(caption, "caption-text")) if caption is not None else None,
        credit=_without_label(_first(caption, "credit")) if caption is not None else None,
        virin=_without_label(_first(caption, "virin")) if caption is not None else None,
    )


def _figure_number(figure: etree._Element) -> int | None:
    """The number of the caption's "Figure N." label (its digits: the label's words are the page's language)."""
    label = _first(figure, "figure-label")
    digits = re.search(r"\d+", _text(label) or "") if label is not None else None
    return int(digits.group()) if digits else None


def _placeholder_alt(placeholder: etree._Element | None) -> str | None:
    """The described placeholder reads "Photo not included. Description: ALT"; ALT is its last text."""
    if placeholder is None:
        return None
    paragraph = placeholder.find("p")
    if paragraph is None:
        return None
    # After the bold "Photo not included.", the label (in a span of its own where it says its language) and ALT.
    strong = paragraph.find("strong")
    text = "".join(paragraph.itertext())
    label = "".join(strong.itertext()) if strong is not None else ""
    _, _, described = text[len(label):].partition(":") if text.startswith(label) else ("", "", "")
    return normalize_space(described)


def _source_url(provenance: etree._Element) -> str | None:
    """The provenance list's source: its link, or the text of a URL shown without one."""
    for definition in provenance.xpath(".//dl[contains(concat(' ', normalize-space(@class), ' '), ' source-facts ')]"
                                       "/dd"):
        links = definition.xpath("./a/@href")
        if links:
            return links[0]
        text = _text(definition)
        if text and "://" in text:
            return text
    return None


def article_facts(article: etree._Element, language: str | None, title: str | None) -> DocumentFacts:
    provenance = _first(article, "provenance")
    heading = article.xpath(".//header[contains(@class, 'article-header')]/*[self::h1 or self::h2][1]")
    return DocumentFacts(
        title=_text(heading[0]) if heading else title,
        language=article.get("lang") or article.get("{http://www.w3.org/XML/1998/namespace}lang") or language,
        source_url=_source_url(provenance) if provenance is not None else None,
        official_notice=provenance is not None and _first(provenance, "notice") is not None,
        figures=[figure_facts(figure) for figure in figure_elements(article)],
    )


def document_language(root: etree._Element) -> str | None:
    return root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")


def page_facts(root: etree._Element) -> list[DocumentFacts]:
    language = document_language(root)
    articles = root.xpath("//article")
    return [article_facts(article, language, normalize_space(root.findtext(".//title"))) for article in articles]


def structure_findings(root: etree._Element, *, page_name: str, prefix: str, first_figure: int = 1) -> list[Finding]:
    """Problems a person using assistive technology would meet, one line each with the place. `prefix` is the
    format (HTML or EPUB); `first_figure` the number of this document's first figure in the whole file."""
    findings: list[Finding] = []

    def add(code: str, message: str, **place) -> None:
        findings.append(Finding(f"{prefix}-{code}", f"{page_name}: {message}", location=page_name, **place))

    language = document_language(root)
    if not language:
        add("LANG", "<html> has no lang attribute", field="language")
    else:
        try:
            check_language(language)
        except ValueError as error:
            add("LANG", f"<html lang>: {error}", field="language")
    if not normalize_space(root.findtext(".//title")):
        add("TITLE", "the page has no <title>", field="title")
    h1_count = len(root.xpath("//h1"))
    if h1_count != 1:
        add("H1", f"{h1_count} h1 headings (expected exactly one)")
    levels = [(int(h.tag[1]), _text(h)) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    for (before, _), (after, text) in pairwise(levels):
        if after > before + 1:
            add("HEADING-SKIP", f"heading {text!r} skips from h{before} to h{after}")
    # Keyed by the elements themselves: holding them keeps lxml's proxies alive, so getparent() returns the same
    # objects (an id() of a proxy that was let go can be reused by another element).
    numbers = {figure: number for number, figure in enumerate(figure_elements(root), start=first_figure)}
    for index, image in enumerate(root.xpath("//img"), start=1):
        alt = image.get("alt")
        holder = image.getparent()
        number = numbers.get(holder) if holder is not None else None
        named = f"figure {number}: image" if number else f"image {index}"
        source = (image.get("src") or "")[:60]
        if alt is None:
            add("IMG-ALT-MISSING", f"{named} ({source}) has no alt attribute", figure=number, field="alt")
        elif not alt.strip() and number is not None:
            add("IMG-ALT-EMPTY", f"{named} ({source}) has empty alt text", figure=number, field="alt")
    ids = {element.get("id") for element in root.xpath("//*[@id]")}
    for region in root.xpath("//section|//aside|//nav"):
        labels = (region.get("aria-labelledby") or "").split()
        if not labels and not region.get("aria-label"):
            add("REGION-LABEL", f"<{region.tag} class={region.get('class')!r}> has no accessible label")
        for label in labels:
            if label not in ids:
                add("LABEL-TARGET", f"aria-labelledby points to a missing id {label!r}")
    for number, link in enumerate(root.xpath("//a[@href]"), start=1):
        if not _text(link) and not link.xpath(".//img[@alt!='']"):
            add("LINK-TEXT", f"link {number} ({link.get('href')[:60]}) has no text")
    for reference in remote_references(root):
        add("REMOTE-RESOURCE", f"loads {reference[:100]!r} from outside its own files: an output must not "
            "reference remote resources")
    return findings


def remote_references(root: etree._Element) -> list[str]:
    """Addresses the page would fetch (images, scripts, styles, frames, media, CSS url()) that are not its own
    files: anything with a scheme or host (data: URIs are part of the file)."""
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower() if "}" in element.tag else element.tag.lower()
        values = [element.get(name) for name in RESOURCE_ATTRIBUTES.get(tag, ())]
        if tag == "link" and FETCHED_LINKS & set((element.get("rel") or "").lower().split()):
            values.append(element.get("href"))
        if tag == "source" or tag == "img":
            values = [part.split()[0] for value in values if value for part in value.split(",") if part.split()]
        css = (element.get("style") or "") + ((element.text or "") if tag == "style" else "")
        values += [match.group(1) or match.group(2) for match in CSS_URL.finditer(css)]
        found += [value for value in values if value and _is_remote(value)]
    return list(dict.fromkeys(found))


def _is_remote(reference: str) -> bool:
    parts = urlsplit(reference.strip())
    return bool(parts.netloc) or parts.scheme.lower() not in ("", "data")
