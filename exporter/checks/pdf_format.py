"""Checks of PDF files: page-validation (the veraPDF PDF/UA-1 rule set, and PDF/A when the file claims it), our
own structure checks, and the facts a screen reader would hear, read from the structure tree.

The structure tree and the text of each marked-content sequence are read with outloud's model (its own
content-stream parser and ToUnicode decoding), independently of the writer.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from exporter.checks.facts import DocumentFacts, FigureFacts, normalize_space, notice_pattern
from exporter.checks.report import CheckResult

PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+(?:\s*(?:/|of)\s*\d+)?\s*$", re.IGNORECASE)


def validate(paths: list[Path]) -> dict[Path, list[CheckResult]]:
    return {path: validate_one(path) for path in paths}


def validate_one(path: Path) -> list[CheckResult]:
    results = page_validation(path)
    try:
        from outloud.model import Document
    except ImportError as error:
        return [*results, CheckResult("structure", path, "not_installed", reason=f"outloud is not installed ({error})")]
    try:
        document = Document(str(path))
    except Exception as error:  # noqa: BLE001 - a PDF the parser cannot open is unreadable, whatever the cause
        return [*results, CheckResult("structure", path, "unreadable", reason=f"not a readable PDF ({error})")]
    try:
        findings = structure_findings(document)
    finally:
        document.close()
    return [*results, CheckResult.from_findings("structure", path, findings)]


def page_validation(path: Path) -> list[CheckResult]:
    try:
        import page
    except ImportError as error:
        return [CheckResult("page-validation", path, "not_installed", reason=f"page-validation: {error}")]
    profiles = ["ua1"]
    claimed = claimed_pdfa(path)
    if claimed:
        profiles.append(claimed)
    results = []
    for profile in profiles:
        name = f"page-validation {'PDF/UA-1' if profile == 'ua1' else 'PDF/A-' + profile.upper()}"
        try:
            report = page.validate_pdf(str(path), profile=profile)
        except Exception as error:  # noqa: BLE001 - the checker's own parse errors: the file is unreadable
            results.append(CheckResult(name, path, "unreadable", reason=str(error)))
            continue
        if report.rules.total == 0:
            results.append(CheckResult(name, path, "crashed", reason="no rule ran"))
            continue
        findings = sorted({f"{failure.rule_id}: {failure.message}" for failure in report.failures})
        results.append(CheckResult.from_findings(name, path, findings))
    return results


def claimed_pdfa(path: Path) -> str | None:
    """The PDF/A profile the file's XMP claims (e.g. '3a'), or None."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            part = meta.get("pdfaid:part")
            conformance = meta.get("pdfaid:conformance")
    except Exception:  # noqa: BLE001 - unreadable files are reported by the other checks
        return None
    if not part:
        return None
    return f"{part}{(conformance or 'b').lower()}"


def structure_findings(document) -> list[str]:
    findings: list[str] = []
    if not document.lang:
        findings.append("the document has no /Lang")
    if not document.display_doc_title:
        findings.append("the viewer is not told to show the document title (DisplayDocTitle)")
    if not normalize_space(document.title or document.info_title):
        findings.append("the document has no title")
    elements = document.elements
    if not elements:
        return [*findings, "the document has no structure tree (untagged PDF)"]
    levels = [(element.heading_level, element) for element in elements if element.is_heading]
    if levels and levels[0][0] != 1:
        findings.append(f"the first heading is H{levels[0][0]}, not H1")
    for (before, _), (after, element) in pairwise(levels):
        if after > before + 1:
            findings.append(f"heading H{after} on page {_page(element)} follows H{before}: a level is skipped")
    for number, figure in enumerate((e for e in elements if e.type_raw == "Figure"), start=1):
        if not normalize_space(figure.alt):
            findings.append(f"figure {number} on page {_page(figure)} has no /Alt")
        if any(child.type_raw == "Caption" for child in figure.descendants()):
            findings.append(f"figure {number}: its Caption is inside the Figure, where /Alt hides it")
        parent = figure.parent
        siblings = parent.children if parent is not None else []
        if not any(sibling.type_raw == "Caption" for sibling in siblings):
            findings.append(f"figure {number} on page {_page(figure)} has no Caption beside it")
    for index in range(len(document.pages)):
        content = document.content(index)
        untagged = [run for run in content.untagged_runs() if normalize_space(run.text)]
        if untagged:
            sample = normalize_space(untagged[0].text)
            findings.append(f"page {index + 1}: content neither tagged nor an artifact: {sample!r}")
    for element in elements:
        text = normalize_space("".join(
            document.content(ref.page).mcid_text.get((None, ref.mcid), "")
            for ref in element.mcrefs if ref.page is not None
        ))
        if text and PAGE_NUMBER.match(text) and _in_page_margin(document, element):
            findings.append(f"page-number text {text!r} on page {_page(element)} is tagged as content, "
                            "not marked as a pagination artifact")
    return findings


MARGIN_BAND = 0.08  # the top and bottom 8% of a page: where page numbers and running titles sit


def _in_page_margin(document, element) -> bool:
    """Whether all of the element's own content lies in the top or bottom margin band of its page."""
    boxes = []
    for ref in element.mcrefs:
        if ref.page is None:
            continue
        box = document.content(ref.page).mcid_bbox.get((None, ref.mcid))
        if box is None:
            return False
        media_box = [float(value) for value in document.pdf.pages[ref.page].MediaBox]
        bottom, height = media_box[1], media_box[3] - media_box[1]
        boxes.append(((box[1] - bottom) / height, (box[3] - bottom) / height))
    return bool(boxes) and all(
        high <= MARGIN_BAND or low >= 1 - MARGIN_BAND for low, high in (sorted(pair) for pair in boxes)
    )


def _ancestors(element):
    parent = element.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _page(element) -> str:
    page = element.page
    return str(page + 1) if isinstance(page, int) else "?"


# ---------------------------------------------------------------- facts


def facts(path: Path) -> list[DocumentFacts]:
    from outloud.model import Document

    from exporter.checks.run import UnreadableFile

    try:
        document = Document(str(path))
    except Exception as error:  # noqa: BLE001
        raise UnreadableFile(f"not a readable PDF ({error})") from None
    try:
        return _facts(document)
    finally:
        document.close()


def _text(document, element) -> str:
    """The element's text in structure order. A piece that starts a new line counts as after a space (WeasyPrint
    draws no space at a line break) unless the line ended in a hyphen, as text extraction by position reads it."""
    text, previous = "", None
    for page, mcid in _ordered_refs(document, element.obj, element.page):
        content = document.content(page)
        piece = content.mcid_text.get((None, mcid), "")
        box = content.mcid_bbox.get((None, mcid))
        # A wrapped line starts to the left of where the last piece ended, lower down; a change of font within a
        # line (a Cyrillic letter in Latin text) moves the box up or down a little but not back to the left.
        new_line = previous is not None and box is not None and (
            page != previous[0] or (box[0] < previous[1][2] - 2 and abs(box[1] - previous[1][1]) > 2)
        )
        if new_line and text and not text.endswith((" ", "-", "\u2010")) and not piece.startswith(" "):
            text += " "
        text += piece
        if box is not None:
            previous = (page, box)
    return normalize_space(text) or ""


# A footnote's call and the note beside it: not part of the sentence (or caption) they are anchored in.
NOT_PART_OF_THE_TEXT = ("/Reference", "/Note")


def _ordered_refs(document, obj, page: int | None) -> list[tuple[int, int]]:
    """(page, MCID) of an element's content in the order of its /K array: its own marked content and its
    children's, interleaved as the structure tree has them (reading order); footnotes left out."""
    import pikepdf

    if "/Pg" in obj:
        page = document.page_index.get(obj.Pg.objgen, page)
    kids = obj.get("/K")
    if kids is None:
        return []
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    refs: list[tuple[int, int]] = []
    for kid in kids:
        if isinstance(kid, int) or (hasattr(kid, "is_integer") and kid.is_integer):
            if page is not None:
                refs.append((page, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") == "/MCR":
                kid_page = document.page_index.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                if kid_page is not None:
                    refs.append((kid_page, int(kid.MCID)))
            elif "/S" in kid and kid.S not in NOT_PART_OF_THE_TEXT:
                refs += _ordered_refs(document, kid, page)
    return refs


def _facts(document) -> list[DocumentFacts]:
    """One DocumentFacts per article (an `Art` element, or the whole document when there is none)."""
    language = document.lang
    articles = [element for element in document.elements if element.type_raw == "Art"]
    if not articles:
        return [_article_facts(document, None, language)]
    return [_article_facts(document, article, language) for article in articles]


def _article_facts(document, article, language: str | None) -> DocumentFacts:
    from exporter.i18n import gettext

    descendants = list(article.descendants()) if article is not None else document.elements
    headings = [element for element in descendants if element.is_heading]
    title = _text(document, headings[0]) if headings else None
    article_language = (article.lang if article is not None else None) or language
    labels = {
        "credit": normalize_space(gettext(article_language or "en", "Credit:")),
        "virin": normalize_space(gettext(article_language or "en", "VIRIN:")),
        "media": {normalize_space(gettext(article_language or "en", label)) for label in ("Video:", "Audio:")},
    }
    source_url = None
    for link in (element for element in descendants if element.type_raw == "Link"):
        uri = _link_uri(document, link)
        if uri and _text(document, link).replace(" ", "") == uri:
            source_url = uri
            break
    full_text = " ".join(_text(document, element) for element in descendants if element.type_raw in ("P", "Span"))
    placeholder = normalize_space(gettext(article_language or "en", "Photo not included."))
    description = normalize_space(gettext(article_language or "en", "Description:"))
    figures = []
    for element in descendants:
        if element.type_raw == "Figure":
            figures.append(_figure_facts(document, element, labels))
        elif element.type_raw == "P" and placeholder and _text(document, element).startswith(placeholder):
            # The described placeholder of a photo that was not at hand: its alt text is shown as text.
            shown = _text(document, element)[len(placeholder) :].strip()
            alt = normalize_space(shown.removeprefix(description or "")) if description else shown
            figures.append(_figure_facts(document, element, labels, alt=alt))
    return DocumentFacts(
        title=title,
        language=article_language,
        source_url=source_url,
        official_notice=bool(notice_pattern(article_language or "en").search(full_text)),
        figures=figures,
        exact_spacing=False,
    )


def _link_uri(document, link) -> str | None:
    for objgen in link.objrs or []:
        annotation = document.pdf.get_object(objgen)
        action = annotation.get("/A")
        uri = action.get("/URI") if action is not None else None
        if uri is not None:
            return str(uri)
    return None


def _figure_facts(document, figure, labels, alt: str | None = None) -> FigureFacts:
    """A Figure (or a placeholder paragraph) and the Caption beside it in the same Div."""
    alt = normalize_space(figure.alt) if alt is None else alt
    parent = figure.parent
    while parent is not None and parent.type_raw not in ("Sect", "Art", "Part", "Document") and not any(
        child.type_raw == "Caption" for child in parent.children
    ):
        parent = parent.parent
    captions = [sibling for sibling in (parent.children if parent is not None else []) if sibling.type_raw == "Caption"]
    if not captions:
        return FigureFacts(alt=alt)
    parts = [_text(document, child) for child in captions[0].children] or [_text(document, captions[0])]
    parts = [part for part in parts if part]
    if parts and parts[0] in labels["media"]:
        return FigureFacts(alt=alt)  # a media poster: its caption belongs to the video or audio
    credit = virin = None
    leading: list[str] = []
    for part in parts:
        if labels["credit"] and part.startswith(labels["credit"]):
            credit = normalize_space(part[len(labels["credit"]) :])
        elif labels["virin"] and part.startswith(labels["virin"]):
            virin = normalize_space(part[len(labels["virin"]) :])
        elif credit is None and virin is None:
            leading.append(part)
    # The PDF does not say which leading part is the photo title and which the caption: compare them together.
    return FigureFacts(alt=alt, caption=normalize_space(" ".join(leading)), credit=credit, virin=virin, split=False)
