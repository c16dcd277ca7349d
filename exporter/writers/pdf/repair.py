"""The structure repair pass: fix what WeasyPrint 70.0's tagging gets wrong, with pikepdf.

Each repair is a function below, named for what it guarantees; tests/pdf/test_pdf_structure.py proves each one by
reading the structure tree of the finished file. The facts the PDF alone does not carry (which HTML element a
structure element came from, its `lang`, a header cell's scope, the text of each marked-content sequence) come from
the TagRecording made while WeasyPrint tagged the document (tagging.py).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from exporter.model import Article
from exporter.options import BuildOptions
from exporter.writers.pdf.metadata import write_metadata
from exporter.writers.pdf.tagging import ElementFacts, TagRecording

PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
LAYOUT = b"/Artifact <</Type /Layout>> BDC"
# How pydyf (WeasyPrint's PDF writer) serialises the start of a tagged marked-content sequence.
_MARKED = re.compile(rb"/(\w+)\s*<</MCID (\d+)>>\s*BDC")
# Annotation flag bit 3: print the annotation (required by PDF/A, expected by PDF/UA checkers).
PRINT_FLAG = 4
# The elements a list item may contain (ISO 32000-1, 14.8.4.3.3).
LIST_ITEM_KIDS = ("/Lbl", "/LBody")


def is_element(obj: object) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj


@dataclass
class Tree:
    """The structure tree with what the repairs need to look up: parents, facts and pages."""

    pdf: pikepdf.Pdf
    recording: TagRecording
    page_index: dict[tuple[int, int], int]
    # (page index, MCID) -> replacement opening operator for sequences that become artifacts
    artifacts: dict[tuple[int, int], bytes] = field(default_factory=dict)

    @property
    def root(self) -> Dictionary:
        return self.pdf.Root.StructTreeRoot

    def document(self) -> Dictionary:
        kids = self.root.K
        return kids[0] if isinstance(kids, Array) else kids

    def facts(self, element: Dictionary) -> ElementFacts | None:
        if not element.is_indirect:
            return None
        return self.recording.elements.get(element.objgen[0])

    def walk(self, element: Dictionary | None = None) -> Iterator[Dictionary]:
        """Pre-order: document order."""
        element = self.document() if element is None else element
        yield element
        for kid in kids_of(element):
            if is_element(kid):
                yield from self.walk(kid)

    def page_of(self, holder: Dictionary) -> int:
        return self.page_index[holder.Pg.objgen]

    def mark_artifacts(self, element: Dictionary, opening: bytes) -> None:
        """Every marked-content sequence under `element` becomes an artifact."""
        for kid in kids_of(element):
            if isinstance(kid, int):
                self.artifacts[(self.page_of(element), int(kid))] = opening
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                self.artifacts[(self.page_of(kid), int(kid.MCID))] = opening
            elif is_element(kid):
                self.mark_artifacts(kid, opening)


def kids_of(element: Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    if isinstance(kids, Array):
        return list(kids)
    return [kids]


def set_kids(element: Dictionary, kids: list) -> None:
    element.K = Array(kids)


def remove_kid(parent: Dictionary, kid: Dictionary) -> None:
    set_kids(parent, [k for k in kids_of(parent) if not (is_element(k) and k.objgen == kid.objgen)])


def is_descendant(element: Dictionary, ancestor: Dictionary) -> bool:
    node = element.get("/P")
    while is_element(node):
        if node.objgen == ancestor.objgen:
            return True
        node = node.get("/P")
    return False


def adopt(parent: Dictionary, kid: object, kid_page: Dictionary | None = None) -> object:
    """Prepare `kid` to live under `parent`: re-parent elements; an MCID from another page becomes an MCR."""
    if is_element(kid):
        kid.P = parent
        return kid
    if isinstance(kid, int) and kid_page is not None and kid_page.objgen != parent.Pg.objgen:
        return Dictionary(Type=Name.MCR, Pg=kid_page, MCID=int(kid))
    return kid


def repair(data: bytes, recording: TagRecording, article: Article, options: BuildOptions) -> bytes:
    pdf = pikepdf.open(io.BytesIO(data))
    page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    tree = Tree(pdf, recording, page_index)
    language = article.language

    margin_content_as_pagination_artifacts(tree)
    repeated_table_headers_as_artifacts(tree)
    join_fragments(tree)
    whitespace_only_as_artifacts(tree)
    figures_as_div_with_caption(tree)
    list_items_hold_only_lbl_and_lbody(tree)
    language_of_parts(tree, language)
    header_cell_scope(tree)
    remove_empty_elements(tree)
    id_tree(tree)
    describe_links(tree)
    rewrite_content_streams(tree)
    rebuild_parent_tree(tree)
    write_metadata(pdf, article, options)

    out = io.BytesIO()
    pdf.save(
        out,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        # qpdf keeps the first /ID entry (our stable identifier) and would make the second at random: derive
        # it from the content instead, so that two builds are byte-identical.
        deterministic_id=True,
        static_id=False,
        preserve_pdfa=True,
        # pikepdf would otherwise re-serialise our XMP packet (to update an optional version field).
        fix_metadata_version=False,
    )
    return out.getvalue()


def margin_content_as_pagination_artifacts(tree: Tree) -> None:
    """Page numbers and running titles: WeasyPrint tags margin-box text as Spans that only the ParentTree
    reaches. Those sequences become `/Artifact <</Type /Pagination>>` and the Spans disappear."""
    reachable = {element.objgen for element in tree.walk()}
    nums = tree.root.ParentTree.Nums
    for position in range(0, len(nums), 2):
        key, value = int(nums[position]), nums[position + 1]
        if not isinstance(value, Array):
            continue  # an annotation's entry
        page = key
        for mcid, parent in enumerate(value):
            if not is_element(parent):
                continue
            facts = tree.facts(parent)
            if parent.objgen not in reachable or (facts is not None and facts.in_margin):
                tree.artifacts[(page, mcid)] = PAGINATION


def repeated_table_headers_as_artifacts(tree: Tree) -> None:
    """A table crossing a page break gets one Table per page, each with its own THead. The header rows repeated
    on later pages are page furniture: artifacts. Their header cells' IDs, used by the data cells on those pages,
    are mapped to the original header cells."""
    tables: dict[int, list[Dictionary]] = defaultdict(list)
    for element in tree.walk():
        facts = tree.facts(element)
        if element.S == "/Table" and facts is not None and facts.source_key is not None:
            tables[facts.source_key].append(element)
    id_map: dict[bytes, pikepdf.String] = {}
    for fragments in tables.values():
        if len(fragments) < 2:
            continue
        # The first THead met is the real one: a first fragment may hold only the caption.
        originals: list[Dictionary] | None = None
        for fragment in fragments:
            for head in [kid for kid in kids_of(fragment) if is_element(kid) and kid.S == "/THead"]:
                if originals is None:
                    originals = [cell for cell in tree.walk(head) if cell.S == "/TH"]
                    continue
                repeated = [cell for cell in tree.walk(head) if cell.S == "/TH"]
                for copy, original in zip(repeated, originals, strict=False):
                    if "/ID" in copy and "/ID" in original:
                        id_map[bytes(copy.ID)] = original.ID
                tree.mark_artifacts(head, PAGINATION)
                remove_kid(fragment, head)
    if not id_map:
        return
    for element in tree.walk():
        attributes = element.get("/A")
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array([id_map.get(bytes(h), h) for h in attributes.Headers])


def join_fragments(tree: Tree) -> None:
    """WeasyPrint makes one structure element per page (and per line, for inline elements) of an HTML element.
    Fragments of one HTML element become one structure element again: the first keeps the kids of the rest."""
    # Keyed by role too: one <li> yields LI, Lbl (its marker) and LBody, which are not fragments of each other.
    groups: dict[tuple[int, str], list[Dictionary]] = defaultdict(list)
    order: list[tuple[int, str]] = []
    for element in tree.walk():
        facts = tree.facts(element)
        if facts is None or facts.source_key is None or facts.in_margin:
            continue
        key = (facts.source_key, str(element.S))
        if key not in groups:
            order.append(key)
        groups[key].append(element)
    for key in order:
        keeper, *rest = groups[key]
        for fragment in rest:
            if is_descendant(fragment, keeper):
                continue  # an anonymous box nested in its own element's box: not a page or line fragment
            moved = [adopt(keeper, kid, fragment.get("/Pg")) for kid in kids_of(fragment)]
            set_kids(keeper, kids_of(keeper) + moved)
            parent = fragment.P
            if is_element(parent):
                remove_kid(parent, fragment)


def whitespace_only_as_artifacts(tree: Tree) -> None:
    """Spans that draw only spaces are layout, not content: no empty or whitespace-only structure elements."""
    for element in list(tree.walk()):
        kids = kids_of(element)
        if element.S != "/Span" or not kids or not all(isinstance(kid, int) for kid in kids):
            continue
        page = tree.page_of(element)
        texts = tree.recording.texts.get(page, {})
        if all(not texts.get(int(kid), "x").strip() for kid in kids):
            for kid in kids:
                tree.artifacts[(page, int(kid))] = LAYOUT
            parent = element.P
            if is_element(parent):
                remove_kid(parent, element)


def figures_as_div_with_caption(tree: Tree) -> None:
    """<figure> comes out as NonStruct around Figure and Caption. Make it a Div, so the Figure (whose /Alt
    replaces its content) and the Caption (title, caption, credit, VIRIN) are siblings a screen reader reads."""
    for element in tree.walk():
        facts = tree.facts(element)
        if facts is not None and facts.tag == "figure":
            element.S = Name.Div


def list_items_hold_only_lbl_and_lbody(tree: Tree) -> None:
    """<li><p>…</p></li> gives LI > P; PDF/UA wants LI > (Lbl, LBody): wrap such kids in an LBody."""
    for element in list(tree.walk()):
        if element.S != "/LI":
            continue
        new_kids: list = []
        body: Dictionary | None = None
        for kid in kids_of(element):
            if is_element(kid) and kid.S in LIST_ITEM_KIDS:
                new_kids.append(kid)
                body = kid if kid.S == "/LBody" else None
                continue
            if body is None:
                body = tree.pdf.make_indirect(
                    Dictionary(Type=Name.StructElem, S=Name.LBody, P=element, Pg=element.Pg, K=Array())
                )
                new_kids.append(body)
            set_kids(body, kids_of(body) + [adopt(body, kid, element.get("/Pg"))])
        set_kids(element, new_kids)


def language_of_parts(tree: Tree, document_language: str) -> None:
    """WeasyPrint drops `lang` on inner elements; put it back as /Lang where it differs from the document's."""
    base = document_language.lower()
    for element in tree.walk():
        facts = tree.facts(element)
        if facts is None:
            continue
        lang = facts.attributes.get("lang")
        if lang and lang.lower() != base:
            element.Lang = pikepdf.String(lang)


def header_cell_scope(tree: Tree) -> None:
    """Every TH gets /Scope: from its HTML scope attribute, else Column in a THead and Row elsewhere."""
    scopes = {"row": Name.Row, "rowgroup": Name.Row, "col": Name.Column, "colgroup": Name.Column}

    def visit(element: Dictionary, in_head: bool) -> None:
        if element.S == "/TH":
            facts = tree.facts(element)
            scope = scopes.get((facts.attributes.get("scope", "") if facts else "").lower())
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = Dictionary(O=Name.Table)
                element.A = attributes
            attributes.Scope = scope or (Name.Column if in_head else Name.Row)
        for kid in kids_of(element):
            if is_element(kid):
                visit(kid, in_head or element.S == "/THead")

    visit(tree.document(), False)


def remove_empty_elements(tree: Tree) -> None:
    """Elements with no content left (a <br>, an empty decorative box, an emptied fragment) go, bottom-up."""

    def prune(element: Dictionary) -> bool:
        kept = []
        for kid in kids_of(element):
            if is_element(kid):
                if prune(kid):
                    kept.append(kid)
            else:
                kept.append(kid)
        set_kids(element, kept)
        return bool(kept)

    prune(tree.document())


def id_tree(tree: Tree) -> None:
    """Structure elements with /ID (WeasyPrint writes them on TH) must be findable through the root's IDTree."""
    entries = sorted(
        ((bytes(element.ID), element) for element in tree.walk() if "/ID" in element), key=lambda item: item[0]
    )
    if not entries:
        if "/IDTree" in tree.root:
            del tree.root["/IDTree"]
        return
    names = Array()
    for identifier, element in entries:
        names.append(pikepdf.String(identifier))
        names.append(element)
    tree.root.IDTree = tree.pdf.make_indirect(Dictionary(Names=names))


def describe_links(tree: Tree) -> None:
    """Link annotations: /Contents says what the link is (its text and where it goes), not the bare URL; and the
    Print flag is set."""
    for page in tree.pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            if annotation.get("/Subtype") != "/Link":
                continue
            annotation.F = annotation.get("/F", 0) | PRINT_FLAG
            facts = tree.recording.annotations.get(annotation.objgen[0]) if annotation.is_indirect else None
            text = " ".join((facts.text if facts else "").split())
            href = facts.attributes.get("href", "") if facts else ""
            if href.startswith("#"):
                description = text
            elif text and href and text != href:
                description = f"{text} ({href})"
            else:
                description = text or href
            if description:
                annotation.Contents = pikepdf.String(description)


def rewrite_content_streams(tree: Tree) -> None:
    """Turn the chosen marked-content sequences into artifacts in the page content streams."""
    by_page: dict[int, dict[int, bytes]] = defaultdict(dict)
    for (page, mcid), opening in tree.artifacts.items():
        by_page[page][mcid] = opening
    for page_number, replacements in by_page.items():
        page = tree.pdf.pages[page_number]
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()

            def replace(match: re.Match[bytes]) -> bytes:
                return replacements.get(int(match.group(2)), match.group(0))

            stream.write(_MARKED.sub(replace, data))


def rebuild_parent_tree(tree: Tree) -> None:
    """After moving, removing and re-marking, the ParentTree must map exactly the tagged content to its
    element: each page's MCIDs, and each link annotation's StructParent."""
    pages: dict[int, dict[int, Dictionary]] = defaultdict(dict)
    objects: dict[int, Dictionary] = {}
    for element in tree.walk():
        for kid in kids_of(element):
            if isinstance(kid, int):
                pages[tree.page_of(element)][int(kid)] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/MCR":
                pages[tree.page_of(kid)][int(kid.MCID)] = element
            elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                objects[int(kid.Obj.StructParent)] = element
    nums = Array()
    for index, page in enumerate(tree.pdf.pages):
        mapping = pages.get(index, {})
        page.obj.StructParents = index
        length = max(mapping) + 1 if mapping else 0
        nums.append(index)
        nums.append(Array([mapping.get(mcid, None) for mcid in range(length)]))
    for key in sorted(objects):
        nums.append(key)
        nums.append(objects[key])
    tree.root.ParentTree = tree.pdf.make_indirect(Dictionary(Nums=nums))
    tree.root.ParentTreeNextKey = (max(objects) + 1) if objects else len(tree.pdf.pages)
