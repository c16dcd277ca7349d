"""The structure repair pass: fix what WeasyPrint 70.0's tagging gets wrong, with pikepdf.

Each repair is a function below, named for what it guarantees; tests/pdf/test_pdf_structure.py proves each
one by reading the structure tree of the finished file. The facts the PDF alone does not carry (which HTML
element a structure element came from, its `lang`, a header cell's scope, the text of each marked-content
sequence) come from the TagRecording made while WeasyPrint tagged the document (tagging.py).

The tree is read once into plain Python objects (`Node`), repaired there, and written back: reading pikepdf
objects is slow, and the repairs walk the tree many times.
"""

from __future__ import annotations

import io
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from exporter.model import Article, Packet
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
LIST_ITEM_KIDS = ("LBody", "Lbl")
HEADER_SCOPES = {"row": "Row", "rowgroup": "Row", "col": "Column", "colgroup": "Column"}


@dataclass(frozen=True)
class Marked:
    """A marked-content sequence: MCID on a page."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotationRef:
    """An /OBJR kid: a link annotation and its ParentTree key."""

    objr: Dictionary
    key: int


@dataclass(eq=False)
class Node:
    """One structure element, mirrored from the PDF."""

    obj: Dictionary | None  # None: created by the repair, made indirect when written back
    role: str  # structure type without the slash: "P", "Table", ...
    page: int | None
    facts: ElementFacts | None
    kids: list[Node | Marked | AnnotationRef] = field(default_factory=list)
    parent: Node | None = None
    attributes: dict[str, object] = field(default_factory=dict)  # entries to set on the element
    original_role: str = ""
    references: Node | None = None  # the element this one refers to (a footnote call's Note)
    original_kids: tuple[int, ...] = ()
    original_parent: int | None = None

    def walk(self) -> Iterator[Node]:
        """Pre-order: document order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def child_nodes(self) -> list[Node]:
        return [kid for kid in self.kids if isinstance(kid, Node)]

    def remove(self, kid: Node) -> None:
        self.kids = [k for k in self.kids if k is not kid]

    def append(self, kid: Node | Marked | AnnotationRef) -> None:
        if isinstance(kid, Node):
            kid.parent = self
        self.kids.append(kid)

    def marked_content(self) -> Iterator[Marked]:
        for kid in self.kids:
            if isinstance(kid, Marked):
                yield kid
            elif isinstance(kid, Node):
                yield from kid.marked_content()

    def is_descendant_of(self, other: Node) -> bool:
        node = self.parent
        while node is not None:
            if node is other:
                return True
            node = node.parent
        return False


@dataclass
class Tree:
    pdf: pikepdf.Pdf
    recording: TagRecording
    document: Node
    # (page index, MCID) -> replacement opening operator for sequences that become artifacts
    artifacts: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def walk(self) -> Iterator[Node]:
        return self.document.walk()

    def mark_artifacts(self, node: Node, opening: bytes) -> None:
        for marked in node.marked_content():
            self.artifacts[(marked.page, marked.mcid)] = opening


def load_tree(pdf: pikepdf.Pdf, recording: TagRecording) -> Tree:
    page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def page_of(holder: Dictionary) -> int | None:
        page = holder.get("/Pg")
        return page_index.get(page.objgen) if page is not None else None

    def load(obj: Dictionary, parent: Node | None) -> Node:
        number = obj.objgen[0] if obj.is_indirect else None
        role = str(obj.S)[1:]
        facts = recording.elements.get(number) if number else None
        node = Node(obj, role, page_of(obj), facts, parent=parent)
        raw = obj.get("/K")
        items = list(raw) if isinstance(raw, Array) else ([] if raw is None else [raw])
        for item in items:
            if isinstance(item, int):
                node.kids.append(Marked(node.page if node.page is not None else -1, int(item)))
            elif isinstance(item, Dictionary):
                kind = item.get("/Type")
                if kind == "/MCR":
                    node.kids.append(Marked(page_of(item), int(item.MCID)))
                elif kind == "/OBJR":
                    node.kids.append(AnnotationRef(item, int(item.Obj.StructParent)))
                elif "/S" in item:
                    node.kids.append(load(item, node))
        node.original_role = role
        node.original_kids = tuple(id(kid) for kid in node.kids)
        node.original_parent = id(parent) if parent else None
        return node

    kids = pdf.Root.StructTreeRoot.K
    document = kids[0] if isinstance(kids, Array) else kids
    return Tree(pdf, recording, load(document, None))


def write_tree(tree: Tree) -> None:
    """Write changed elements back: roles, kids (an MCID from another page becomes an MCR), parents and
    entries."""
    pages = list(tree.pdf.pages)
    for node in tree.walk():
        if node.obj is None:
            node.obj = tree.pdf.make_indirect(Dictionary(Type=Name.StructElem))
            node.obj.S = Name("/" + node.role)
            if node.page is not None:
                node.obj.Pg = pages[node.page].obj
    for node in tree.walk():
        obj = node.obj
        assert obj is not None
        if node.role != node.original_role:
            obj.S = Name("/" + node.role)
        if node.parent is not None and id(node.parent) != node.original_parent:
            obj.P = node.parent.obj
        if tuple(id(kid) for kid in node.kids) != node.original_kids:
            written: list[object] = []
            for kid in node.kids:
                if isinstance(kid, Node):
                    written.append(kid.obj)
                elif isinstance(kid, AnnotationRef):
                    written.append(kid.objr)
                elif kid.page == node.page:
                    written.append(kid.mcid)
                else:
                    written.append(Dictionary(Type=Name.MCR, Pg=pages[kid.page].obj, MCID=kid.mcid))
            obj.K = Array(written)
        for key, value in node.attributes.items():
            obj[key] = value
    for node in tree.walk():
        if node.references is not None and node.references.obj is not None:
            # PDF 2.0's /Ref (what the call refers to); readers of PDF 1.7 ignore the key.
            node.obj.Ref = Array([node.references.obj])


def repair(
    data: bytes,
    recording: TagRecording,
    document: Article | Packet,
    options: BuildOptions,
    *,
    language: str | None = None,
) -> bytes:
    """`language`: what the document's root declares when it is not the document's own (a packet's article,
    rendered on its own in a document in the packet's language)."""
    pdf = pikepdf.open(io.BytesIO(data))
    tree = load_tree(pdf, recording)

    margin_content_as_pagination_artifacts(tree)
    repeated_table_headers_as_artifacts(tree)
    join_fragments(tree)
    figures_in_reading_order(tree)
    whitespace_only_as_artifacts(tree)
    figures_as_div_with_caption(tree)
    footnotes_as_notes(tree)
    scripts_as_spans(tree)
    list_items_hold_only_lbl_and_lbody(tree)
    language_of_parts(tree, language or document.language)
    header_cell_scope(tree)
    remove_empty_elements(tree)
    write_tree(tree)
    id_tree(tree)
    describe_links(tree)
    rewrite_content_streams(tree)
    rebuild_parent_tree(tree)
    write_metadata(pdf, document, options)
    return save_pdf(pdf)


def save_pdf(pdf: pikepdf.Pdf) -> bytes:
    data = _save(pdf)
    if _STREAM_ENDING_IN_CR not in data:
        return data
    # PDF/A counts a stream's /Length up to the end of line before `endstream`. qpdf writes "\n" there, so data
    # that ends in "\r" reads as one byte short (page-validation's STREAM-LENGTH). Flate data ends in the
    # checksum of what it holds, so about one stream in 256 does, whatever the compression level: a content
    # stream takes a line end more; any other stream goes behind an /ASCIIHexDecode filter, whose data ends in
    # ">" and which qpdf keeps only when it compresses nothing itself.
    saved = pikepdf.open(io.BytesIO(data))
    hexed = False
    for stream in saved.objects:
        if not isinstance(stream, pikepdf.Stream) or stream.get("/Type") in (Name.ObjStm, Name.XRef):
            continue
        if not stream.read_raw_bytes().endswith(b"\r"):
            continue
        if _is_page_content(stream):
            content = stream.read_bytes()
            while (packed := zlib.compress(content)).endswith(b"\r"):
                content += b"\n"
            stream.write(packed, filter=Name.FlateDecode)
        else:
            _as_hex(stream, stream.read_raw_bytes())
            hexed = True
    options = {"compress_streams": False, "stream_decode_level": pikepdf.StreamDecodeLevel.none} if hexed else {}
    data = _save(saved, **options)
    if _STREAM_ENDING_IN_CR in data:  # an object stream qpdf made, or its cross-reference stream
        data = _save(saved, object_stream_mode=pikepdf.ObjectStreamMode.disable, **options)
    return data


_STREAM_ENDING_IN_CR = b"\r\nendstream"


def _is_page_content(stream: pikepdf.Stream) -> bool:
    """Marks and operators (a page's content, a form, a character map) where a line end more changes nothing;
    not a font, picture, colour profile, function, metadata or attached file, whose bytes are counted."""
    plain = stream.get("/Filter") == Name.FlateDecode and "/DecodeParms" not in stream
    counted = any(key in stream for key in ("/Length1", "/N", "/FunctionType"))
    return plain and not counted and stream.get("/Subtype") in (None, Name.Form) and stream.get("/Type") not in (
        Name.Metadata, Name.EmbeddedFile)


def _as_hex(stream: pikepdf.Stream, raw: bytes) -> None:
    """The same stream behind an /ASCIIHexDecode filter, whose data ends in ">"."""
    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, Array) else [filters] if filters is not None else []
    parms = stream.get("/DecodeParms")
    if parms is not None and not isinstance(parms, Array):
        parms = [parms]
    stream.write(
        raw.hex().encode("ascii") + b">",
        filter=[Name.ASCIIHexDecode, *filters],
        decode_parms=[None, *parms] if parms is not None else None,
    )


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    options = {"compress_streams": True, "object_stream_mode": pikepdf.ObjectStreamMode.generate, **options}
    pdf.save(
        out,
        # qpdf keeps the first /ID entry (our stable identifier) and would make the second at random: derive
        # it from the content instead, so that two builds are byte-identical.
        deterministic_id=True,
        preserve_pdfa=True,
        # pikepdf would otherwise re-serialise our XMP packet (to update an optional version field).
        fix_metadata_version=False,
        **options,
    )
    return out.getvalue()


def margin_content_as_pagination_artifacts(tree: Tree) -> None:
    """Page numbers and running titles: WeasyPrint tags margin-box text as Spans that only the ParentTree
    reaches. Those sequences become `/Artifact <</Type /Pagination>>` and the Spans disappear."""
    reachable = {node.obj.objgen for node in tree.walk() if node.obj is not None}
    margin = {number for number, facts in tree.recording.elements.items() if facts.in_margin}
    nums = tree.pdf.Root.StructTreeRoot.ParentTree.Nums
    for position in range(0, len(nums), 2):
        value = nums[position + 1]
        if not isinstance(value, Array):
            continue  # an annotation's entry
        page = int(nums[position])
        for mcid, parent in enumerate(value):
            if not isinstance(parent, Dictionary):
                continue
            objgen = parent.objgen
            if objgen not in reachable or objgen[0] in margin:
                tree.artifacts[(page, mcid)] = PAGINATION


def repeated_table_headers_as_artifacts(tree: Tree) -> None:
    """A table crossing a page break gets one Table per page, each with its own THead. The header rows
    repeated on later pages are page furniture: artifacts. Their header cells' IDs, used by the data cells on
    those pages, are mapped to the original header cells."""
    tables: dict[int, list[Node]] = defaultdict(list)
    for node in tree.walk():
        if node.role == "Table" and node.facts is not None and node.facts.source_key is not None:
            tables[node.facts.source_key].append(node)
    id_map: dict[bytes, pikepdf.String] = {}
    for fragments in tables.values():
        if len(fragments) < 2:
            continue
        # The first THead met is the real one: a first fragment may hold only the caption.
        originals: list[Node] | None = None
        for fragment in fragments:
            for head in [kid for kid in fragment.child_nodes() if kid.role == "THead"]:
                cells = [cell for cell in head.walk() if cell.role == "TH"]
                if originals is None:
                    originals = cells
                    continue
                for copy, original in zip(cells, originals, strict=False):
                    copy_id, original_id = copy.obj.get("/ID"), original.obj.get("/ID")
                    if copy_id is not None and original_id is not None:
                        id_map[bytes(copy_id)] = original_id
                tree.mark_artifacts(head, PAGINATION)
                fragment.remove(head)
    if not id_map:
        return
    for node in tree.walk():
        if node.role != "TD":
            continue
        attributes = node.obj.get("/A")
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array([id_map.get(bytes(h), h) for h in attributes.Headers])


def join_fragments(tree: Tree) -> None:
    """WeasyPrint makes one structure element per page (and per line, for inline elements) of an HTML
    element. Fragments of one HTML element become one structure element again: the first keeps the kids."""
    # Keyed by role and tag too: one <li> yields LI, Lbl (its marker) and LBody, and a footnote its call and its
    # marker (pseudo-elements of the note's element), which are not fragments of each other.
    groups: dict[tuple[int, str, str | None], list[Node]] = defaultdict(list)
    for node in tree.walk():
        facts = node.facts
        if facts is not None and facts.source_key is not None and not facts.in_margin:
            groups[(facts.source_key, node.role, facts.tag)].append(node)
    for keeper, *rest in groups.values():
        for fragment in rest:
            if fragment.is_descendant_of(keeper) or fragment.parent is None:
                continue  # an anonymous box nested in its own element's box: not a page or line fragment
            for kid in fragment.kids:
                keeper.append(kid)
            fragment.kids = []
            fragment.parent.remove(fragment)


def figures_in_reading_order(tree: Tree) -> None:
    """A figure that the text after it flowed up before (placement.move_down, class `moved-N`) is drawn after N
    blocks it precedes in the model: its element goes back before them, so the tree reads in the model's order."""
    for node in list(tree.walk()):
        classes = (node.facts.attributes.get("class", "") if node.facts else "").split()
        moved = next((int(name[6:]) for name in classes if name.startswith("moved-")), 0)
        if node.facts is None or node.facts.tag != "figure" or not moved or node.parent is None:
            continue
        kids = node.parent.kids
        index = kids.index(node)
        passed = [i for i, kid in enumerate(kids[:index]) if isinstance(kid, Node) and not _is_ornament(kid)][-moved:]
        if len(passed) == moved:
            kids.remove(node)
            kids.insert(passed[0], node)


def _is_ornament(node: Node) -> bool:
    """A decorative image without caption: a figure element that draws only a background (an artifact)."""
    return node.facts is not None and node.facts.tag == "figure" and not any(node.marked_content())


def whitespace_only_as_artifacts(tree: Tree) -> None:
    """Spans that draw only spaces are layout, not content: no whitespace-only structure elements."""
    texts = tree.recording.texts
    for node in list(tree.walk()):
        if node.role != "Span" or not node.kids or not all(isinstance(kid, Marked) for kid in node.kids):
            continue
        marks = [kid for kid in node.kids if isinstance(kid, Marked)]
        if all(not texts.get(mark.page, {}).get(mark.mcid, "x").strip() for mark in marks):
            for mark in marks:
                tree.artifacts[(mark.page, mark.mcid)] = LAYOUT
            if node.parent is not None:
                node.parent.remove(node)


def figures_as_div_with_caption(tree: Tree) -> None:
    """<figure> comes out as NonStruct around Figure and Caption. Make it a Div, so that the Figure (whose
    /Alt replaces its content) and the Caption (title, caption, credit, VIRIN) are siblings, both read."""
    for node in tree.walk():
        if node.facts is not None and node.facts.tag == "figure":
            node.role = "Div"


def footnotes_as_notes(tree: Tree) -> None:
    """WeasyPrint tags a footnote's call (`::footnote-call`) as a NonStruct in the text, and the note, laid out
    at the page foot, as Spans under a NonStruct of its own, far from where it is referenced. PDF/UA wants a
    Note with a unique /ID: the note's element becomes a Note (its marker a Lbl, its paragraphs P) and moves
    right after its call, which becomes a Reference whose /Ref names the Note. Read in order, the sentence,
    then the note, then the rest of the sentence: what a screen reader announces for a footnote."""
    notes: dict[int, Node] = {}
    calls: dict[int, Node] = {}
    for node in tree.walk():
        facts = node.facts
        if facts is None or facts.source_key is None or not facts.tag:
            continue
        classes = facts.attributes.get("class", "").split()
        if facts.tag == "span" and "footnote" in classes:
            notes.setdefault(facts.source_key, node)  # the outermost box: inner ones are its lines
        elif facts.tag.endswith("::footnote-call"):
            calls.setdefault(facts.source_key, node)
        elif facts.tag.endswith("::footnote-marker"):
            node.role = "Lbl"
        elif facts.tag == "span" and "footnote-paragraph" in classes:
            node.role = "P"
    for key, note in notes.items():
        note.role = "Note"
        note.attributes["/ID"] = pikepdf.String(note.facts.attributes.get("id", f"note-{key}"))
        call = calls.get(key)
        if call is None or call.parent is None or note.parent is None:
            continue
        call.role = "Reference"
        note.parent.remove(note)
        parent = call.parent
        parent.kids.insert(parent.kids.index(call) + 1, note)
        note.parent = parent
        call.references = note


def scripts_as_spans(tree: Tree) -> None:
    """<sup>, <sub> and <del> come out as NonStruct: a Span keeps their text in the structure like any other
    run."""
    for node in tree.walk():
        if node.facts is not None and node.facts.tag in ("sup", "sub", "del") and node.role == "NonStruct":
            node.role = "Span"


def list_items_hold_only_lbl_and_lbody(tree: Tree) -> None:
    """<li><p>…</p></li> gives LI > P; PDF/UA wants LI > (Lbl, LBody): wrap such kids in an LBody."""
    for item in [node for node in tree.walk() if node.role == "LI"]:
        kids, item.kids = item.kids, []
        body: Node | None = None
        for kid in kids:
            if isinstance(kid, Node) and kid.role in LIST_ITEM_KIDS:
                item.append(kid)
                body = kid if kid.role == "LBody" else None
                continue
            if body is None:
                body = Node(None, "LBody", item.page, None)
                item.append(body)
            body.append(kid)


def language_of_parts(tree: Tree, document_language: str) -> None:
    """WeasyPrint drops `lang` on inner elements: put it back as /Lang where it differs from the language the
    element inherits (in a packet, a Spanish article's /Lang es, and an English phrase inside it /Lang en)."""

    def visit(node: Node, inherited: str) -> None:
        lang = node.facts.attributes.get("lang") if node.facts else None
        if lang and lang.lower() != inherited.lower():
            node.attributes["/Lang"] = pikepdf.String(lang)
        for kid in node.child_nodes():
            visit(kid, lang or inherited)

    visit(tree.document, document_language)


def header_cell_scope(tree: Tree) -> None:
    """Every TH gets /Scope: from its HTML scope attribute, else Column in a THead and Row elsewhere."""

    def visit(node: Node, in_head: bool) -> None:
        if node.role == "TH":
            scope = HEADER_SCOPES.get((node.facts.attributes.get("scope", "") if node.facts else "").lower())
            attributes = node.obj.get("/A") if node.obj is not None else None
            if not isinstance(attributes, Dictionary):
                attributes = Dictionary(O=Name.Table)
                node.attributes["/A"] = attributes
            attributes.Scope = Name("/" + (scope or ("Column" if in_head else "Row")))
        for kid in node.child_nodes():
            visit(kid, in_head or node.role == "THead")

    visit(tree.document, False)


# A table keeps its grid: an empty cell is still a cell (PDF/UA: every row spans the same columns), an empty
# row still a row, and a body of empty rows still the body beside its THead.
TABLE_PARTS = frozenset({"TR", "TH", "TD", "THead", "TBody", "TFoot"})


def remove_empty_elements(tree: Tree) -> None:
    """Elements with no content left (a <br>, an empty decorative box, an emptied fragment) go, bottom-up; but
    for the parts of a table (TABLE_PARTS)."""

    def prune(node: Node) -> bool:
        node.kids = [kid for kid in node.kids if not isinstance(kid, Node) or prune(kid)]
        return bool(node.kids) or node.role in TABLE_PARTS

    prune(tree.document)


def id_tree(tree: Tree) -> None:
    """Structure elements with /ID (WeasyPrint writes them on TH, the footnote repair on Note) must be findable
    through the IDTree."""
    entries = []
    for node in tree.walk():
        if node.obj is not None and "/ID" in node.obj:
            entries.append((bytes(node.obj.ID), node.obj))
    root = tree.pdf.Root.StructTreeRoot
    if not entries:
        if "/IDTree" in root:
            del root["/IDTree"]
        return
    names = Array()
    for identifier, element in sorted(entries, key=lambda entry: entry[0]):
        names.append(pikepdf.String(identifier))
        names.append(element)
    root.IDTree = tree.pdf.make_indirect(Dictionary(Names=names))


def describe_links(tree: Tree) -> None:
    """Link annotations: /Contents says what the link is (its text and where it goes), not the bare URL;
    and the Print flag is set."""
    for page in tree.pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            if annotation.get("/Subtype") != "/Link":
                continue
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG
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
        contents = tree.pdf.pages[page_number].obj.Contents
        streams = list(contents) if isinstance(contents, Array) else [contents]

        def replace(match: re.Match[bytes], replacements: dict[int, bytes] = replacements) -> bytes:
            return replacements.get(int(match.group(2)), match.group(0))

        for stream in streams:
            stream.write(_MARKED.sub(replace, stream.read_bytes()))


def rebuild_parent_tree(tree: Tree) -> None:
    """After moving, removing and re-marking, the ParentTree must map exactly the tagged content to its
    element: each page's MCIDs, and each link annotation's StructParent."""
    pages: dict[int, dict[int, Dictionary]] = defaultdict(dict)
    objects: dict[int, Dictionary] = {}
    for node in tree.walk():
        for kid in node.kids:
            if isinstance(kid, Marked):
                pages[kid.page][kid.mcid] = node.obj
            elif isinstance(kid, AnnotationRef):
                objects[kid.key] = node.obj
    drop_untagged_link_annotations(tree, {key for key, element in objects.items() if _role(element) == "Link"})
    nums = Array()
    for index, page in enumerate(tree.pdf.pages):
        mapping = pages.get(index, {})
        page.obj.StructParents = index
        length = max(mapping) + 1 if mapping else 0
        nums.append(index)
        nums.append(Array([mapping.get(mcid) for mcid in range(length)]))
    for key in sorted(objects):
        nums.append(key)
        nums.append(objects[key])
    root = tree.pdf.Root.StructTreeRoot
    root.ParentTree = tree.pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = (max(objects) + 1) if objects else len(tree.pdf.pages)


def _role(element: Dictionary | None) -> str:
    return str(element.get("/S", "")).lstrip("/") if element is not None else ""


def drop_untagged_link_annotations(tree: Tree, tagged_keys: set[int]) -> None:
    """A link annotation no Link element owns (WeasyPrint makes one per line fragment, and a fragment that
    held only a line break keeps no content to tag) is a click area no assistive technology can reach, which
    PDF/UA forbids: it goes. The link's text keeps its tagged annotation."""
    for page in tree.pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = Array(
            annotation
            for annotation in annotations
            if annotation.get("/Subtype") != "/Link" or int(annotation.get("/StructParent", -1)) in tagged_keys
        )
        if len(kept) != len(annotations):
            page.obj.Annots = kept
