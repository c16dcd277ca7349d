"""Structure checks of a tagged PDF, read from the structure tree and the page content streams.

Completeness is checked, not assumed. The text a screen reader gets (the tagged content, reached from the
structure tree's root) equals the page text minus artifacts exactly when:
- every marked-content sequence painted on a page is an artifact, or is claimed by an element reachable from
  the root, and the ParentTree leads from that content back to the same element (assistive technology goes
  from content to tags through the ParentTree);
- nothing is painted outside marked content unless it is inside an artifact;
- every element's content is on its page, and no content is claimed twice.
Each way of breaking one of these is its own finding, with the page, the MCID and a sample of the text.

Then what the tags must say: every Figure has /Alt and a Caption beside it (never inside it, where /Alt hides
it); headings start at H1 and skip no level; every Link holds its annotation through an /OBJR and every link
annotation belongs to a Link; page numbers are artifacts, not content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

import pikepdf

from exporter.checks.facts import normalize_space
from exporter.checks.pdf_tags import ContentKey, Element, TaggedPdf
from exporter.checks.report import Finding

PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+(?:\s*(?:/|of)\s*\d+)?\s*$", re.IGNORECASE)
MARGIN_BAND = 0.08  # the top and bottom 8% of a page: where page numbers and running titles sit
SAMPLE = 60


def structure_findings(tagged: TaggedPdf, figures: list[tuple[int, Element, bool]]) -> list[Finding]:
    """Every finding; `figures` is the file's figure list as the facts number it: (number, element, is_figure)."""
    findings = list(document_findings(tagged))
    if not tagged.elements:
        return [*findings, Finding("PDF-UNTAGGED", "the document has no structure tree (untagged PDF)")]
    findings += [Finding("PDF-TREE-DAMAGED", problem) for problem in dict.fromkeys(tagged.tree_errors)]
    findings += completeness_findings(tagged)
    findings += heading_findings(tagged)
    findings += figure_findings(tagged, figures)
    findings += link_findings(tagged)
    findings += page_number_findings(tagged)
    return findings


def document_findings(tagged: TaggedPdf) -> Iterator[Finding]:
    if not tagged.lang:
        yield Finding("PDF-LANG", "the document has no /Lang", field="language")
    if not tagged.display_doc_title:
        yield Finding("PDF-DISPLAY-TITLE", "the viewer is not told to show the document title (DisplayDocTitle)")
    if not normalize_space(tagged.metadata.get("dc:title")):
        yield Finding("PDF-TITLE", "the document has no title", field="title")


def _sample(text: str) -> str:
    text = normalize_space(text) or ""
    return text if len(text) <= SAMPLE else text[: SAMPLE - 1] + "…"


def _described(tagged: TaggedPdf, keys: list[ContentKey]) -> str:
    """"page 3: marked content MCIDs 18-30 ('This paragraph has emphasis...')"."""
    page = keys[0][0]
    numbers = sorted(key[2] for key in keys)
    if len(numbers) == 1:
        which = f"MCID {numbers[0]}"
    elif numbers == list(range(numbers[0], numbers[-1] + 1)):
        which = f"MCIDs {numbers[0]}-{numbers[-1]}"
    else:
        which = "MCIDs " + ", ".join(map(str, numbers[:8])) + (", ..." if len(numbers) > 8 else "")
    text = _sample(" ".join(tagged.content_text(key) for key in keys))
    return f"page {page + 1}: marked content {which}" + (f" ({text!r})" if text else "")


# ---------------------------------------------------------------- completeness


def completeness_findings(tagged: TaggedPdf) -> Iterator[Finding]:
    claims: dict[ContentKey, list[Element]] = defaultdict(list)
    for element in tagged.elements:
        for key in element.content:
            claims[key].append(element)
        for problem in element.broken_refs:
            yield Finding("PDF-CONTENT-OFF-PAGE", f"{element.place()}: {problem}")
    for index in range(len(tagged.pages)):
        yield from _page_findings(tagged, index, claims)
    for key, owners in claims.items():
        if tagged.sequence(key) is None:
            page, _, mcid = key
            yield Finding("PDF-CONTENT-MISSING", f"{owners[0].place()} refers to MCID {mcid} on page {page + 1}, "
                          "which that page does not show", page=page + 1)


def _page_findings(tagged: TaggedPdf, index: int, claims: dict[ContentKey, list[Element]]) -> Iterator[Finding]:
    marks = tagged.marks(index)
    page = index + 1
    if marks.parse_error:
        yield Finding("PDF-CONTENT-DAMAGED", f"page {page}: the content stream cannot be read ({marks.parse_error})",
                      page=page)
    if marks.untagged_text:
        sample = _sample(tagged.decode(marks.untagged_text))
        yield Finding("PDF-CONTENT-UNTAGGED", f"page {page}: text neither tagged nor an artifact: {sample!r}",
                      page=page)
    if marks.untagged_images or marks.untagged_paths:
        yield Finding("PDF-CONTENT-UNTAGGED", f"page {page}: {marks.untagged_images} image(s) and "
                      f"{marks.untagged_paths} drawing(s) neither tagged nor artifacts", page=page)
    # Problems of the same kind and cause (one unlinked paragraph is a dozen spans) become one finding.
    grouped: dict[tuple[str, str], list[ContentKey]] = defaultdict(list)
    for (form, mcid), sequence in marks.sequences.items():
        key = (index, form, mcid)
        owners = claims.get(key, [])
        if sequence.in_artifact:
            if owners:
                problem = f"lies inside an artifact, yet {owners[0].place()} claims it"
                grouped["PDF-CONTENT-IN-ARTIFACT", problem].append(key)
            continue
        status, parent = tagged.parent_of_content(key)
        owner = tagged.by_objgen.get(parent.objgen) if parent is not None else None
        if not owners and not sequence.painted:
            continue  # an empty sequence: nothing a reader could miss
        if not owners:
            if owner is None and parent is not None:
                why = f"it belongs to {_unlinked(tagged, parent)} that is not linked into the structure tree"
            elif owner is not None:
                why = f"the ParentTree names {owner.place()}, which does not contain it"
            else:
                why = status
            grouped["PDF-CONTENT-UNREACHABLE", f"is not reachable from the structure tree and is not an artifact: "
                                               f"{why}"].append(key)
            continue
        if len(owners) > 1:
            grouped["PDF-CONTENT-SHARED", f"is claimed by {len(owners)} elements "
                                          f"({', '.join(o.place() for o in owners[:3])}): a screen reader reads it "
                                          "twice"].append(key)
        if parent is None:
            grouped["PDF-PARENTTREE", f"cannot be traced back to its element: {status}"].append(key)
        elif owner not in owners:
            where = owner.place() if owner else "an element outside the tree"
            grouped["PDF-PARENTTREE", f"the ParentTree leads to {where}, but {owners[0].place()} claims it"].append(
                key)
    for (code, problem), keys in grouped.items():
        yield Finding(code, f"{_described(tagged, keys)} {problem}", page=page)


def _unlinked(tagged: TaggedPdf, element: pikepdf.Dictionary) -> str:
    """The outermost element above `element` (by /P) that the tree does not reach: what was cut off."""
    top, seen = element, set()
    parent = top.get("/P")
    while isinstance(parent, pikepdf.Dictionary) and "/S" in parent and parent.objgen not in tagged.by_objgen and (
        parent.objgen not in seen
    ):
        seen.add(parent.objgen)
        top, parent = parent, parent.get("/P")
    return f"a <{str(top.get('/S', '/?'))[1:]}>"


# ---------------------------------------------------------------- headings, figures, links


def heading_findings(tagged: TaggedPdf) -> Iterator[Finding]:
    headings = [element for element in tagged.elements if element.heading_level is not None]
    if headings and headings[0].heading_level != 1:
        yield Finding("PDF-HEADING-FIRST", f"the first heading is H{headings[0].heading_level}, not H1 "
                      f"({_sample(tagged.text(headings[0]))!r})", page=_page_number(tagged, headings[0]))
    for before, after in pairwise(headings):
        if after.heading_level > before.heading_level + 1:
            yield Finding("PDF-HEADING-SKIP", f"heading H{after.heading_level} ({_sample(tagged.text(after))!r}) on "
                          f"page {_page_number(tagged, after)} follows H{before.heading_level}: a level is skipped",
                          page=_page_number(tagged, after))


def figure_findings(tagged: TaggedPdf, figures: list[tuple[int, Element, bool]]) -> Iterator[Finding]:
    beside: set[int] = set()
    for number, element, is_figure in figures:
        page = _page_number(tagged, element)
        where = f"figure {number} on page {page}"
        if not is_figure:  # a described placeholder holds its caption
            beside.update(id(child) for child in element.children if child.type == "Caption")
            continue
        captions = caption_elements(element)
        beside.update(id(caption) for caption in captions)
        if not normalize_space(element.alt) and not normalize_space(element.actual_text):
            yield Finding("PDF-FIGURE-ALT", f"{where} has no /Alt", figure=number, field="alt", page=page)
        if any(child.type == "Caption" for child in element.descendants()):
            yield Finding("PDF-CAPTION-INSIDE", f"{where}: its Caption is inside the Figure, where /Alt hides it",
                          figure=number, field="caption", page=page)
        elif not captions:
            yield Finding("PDF-CAPTION-MISSING", f"{where} has no Caption beside it", figure=number, field="caption",
                          page=page)
    for element in tagged.elements:
        if element.type != "Caption" or id(element) in beside:
            continue
        holder = element.parent
        if holder is None or holder.type in ("Table", "L", "Figure") or all(
            child.type == "Caption" for child in holder.children
        ):
            continue  # a table's or list's caption, a media block told by its caption; inside a Figure: above
        yield Finding("PDF-CAPTION-ORPHAN", f"{element.place()} ({_sample(tagged.text(element))!r}) is not beside "
                      "any figure", page=_page_number(tagged, element))


def caption_elements(figure: Element) -> list[Element]:
    """The Caption beside a figure: a sibling in the element that groups them (a Div), looking through
    wrappers without structural meaning (NonStruct, Span), as ISO 32000 tells readers to."""
    holder = figure.parent
    while holder is not None and holder.type in ("NonStruct", "Span") and holder.parent is not None:
        holder = holder.parent
    if holder is None or holder.type in ("Sect", "Art", "Part", "Document"):
        return []
    return [child for child in holder.children if child.type == "Caption"]


def link_findings(tagged: TaggedPdf) -> Iterator[Finding]:
    referenced: dict[tuple[int, int], Element] = {}
    for element in tagged.elements:
        for reference in element.object_refs:
            referenced[reference.objgen] = element
        if element.type == "Link" and not element.object_refs:
            yield Finding("PDF-LINK-NO-OBJR", f"{element.place()} ({_sample(tagged.text(element))!r}) has no /OBJR: "
                          "its link annotation is not tied to the tag", page=_page_number(tagged, element))
    for index, page in enumerate(tagged.pages):
        for annotation in page.obj.get("/Annots") or []:
            if not isinstance(annotation, pikepdf.Dictionary) or annotation.get("/Subtype") != "/Link":
                continue
            uri = annotation.get("/A", {}).get("/URI") if isinstance(annotation.get("/A"), pikepdf.Dictionary) else None
            name = f"link annotation{f' to {str(uri)[:SAMPLE]}' if uri is not None else ''} on page {index + 1}"
            if annotation.objgen not in referenced:
                yield Finding("PDF-ANNOT-UNTAGGED", f"{name} belongs to no Link element", page=index + 1)
                continue
            number = annotation.get("/StructParent")
            parent = tagged.parent_tree.get(int(number)) if number is not None else None
            if not isinstance(parent, pikepdf.Dictionary) or parent.objgen != referenced[annotation.objgen].obj.objgen:
                yield Finding("PDF-PARENTTREE", f"{name}: its /StructParent does not lead to its Link element",
                              page=index + 1)


def page_number_findings(tagged: TaggedPdf) -> Iterator[Finding]:
    for element in tagged.elements:
        if not element.content or not all(_in_margin(tagged, key) for key in element.content):
            continue
        text = normalize_space(tagged.text(element))
        if text and PAGE_NUMBER.match(text):
            yield Finding("PDF-PAGE-NUMBER-TAGGED", f"page-number text {text!r} on page "
                          f"{_page_number(tagged, element)} is tagged as content, not marked as a pagination artifact",
                          page=_page_number(tagged, element))


def _in_margin(tagged: TaggedPdf, key: ContentKey) -> bool:
    sequence = tagged.sequence(key)
    if sequence is None or not sequence.baselines:
        return False
    box = [float(value) for value in tagged.pages[key[0]].obj.get("/MediaBox", [0, 0, 612, 792])]
    bottom, height = min(box[1], box[3]), abs(box[3] - box[1]) or 1.0
    return all(
        position <= MARGIN_BAND or position >= 1 - MARGIN_BAND
        for position in ((baseline - bottom) / height for baseline in sequence.baselines)
    )


def _page_number(tagged: TaggedPdf, element: Element) -> int | None:
    page = element.page if element.page is not None else next((key[0] for key in element.content_in_order()), None)
    return page + 1 if page is not None else None
