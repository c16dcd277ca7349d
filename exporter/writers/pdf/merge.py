"""One tagged PDF from a packet's parts (packet.py): the front (cover and contents), each article rendered as a
tagged PDF of its own, and the page furniture of the article pages; joined with pikepdf so that the result
is as accessible as a packet rendered in a single pass.

PDF merge tools (qpdf --pages, pdfunite, Ghostscript, pypdf) copy pages. What makes a PDF accessible lives
beside the pages, in the catalog, and they drop it or keep only the first file's: the structure tree, the
ParentTree that maps each page's marked content and each link annotation back to its structure element, the
IDTree, the role and class maps, the named destinations that links lead to, the outline, page labels. This
merge carries all of it over:

- Pages are copied with their content, resources and annotations, each object of a part once (`_Copier`): the
  structure elements, copied after their pages, point at the copied pages and annotations (/Pg, MCRs, OBJRs).
- Each article's Art (its whole subtree) goes under one Part beside the front's cover (Sect) and contents
  (NonStruct), in page order. An article's /Lang is already on its Art: the part was rendered inside a
  document in the packet's language.
- The ParentTree is rebuilt: each page's StructParents key becomes its page index, each link annotation's
  StructParent a new key after the pages', and each entry the copy of the element the part's entry named.
- Structure element IDs (table header cells', which data cells name in /Headers; notes') get the article's
  prefix so they stay unique, and one IDTree lists them all. RoleMap and ClassMap entries are merged.
- Named destinations of every part join the front's; a part's replaces the front's of the same name. Links
  name their targets, so each contents entry, which led to an empty anchor in the front, leads to its
  article's headline.
- Each article's outline is nested under the packet's top entry (packet > article > section).
- The furniture pages (page number, running title) become form XObjects drawn under the article pages they
  belong to, marked as /Artifact /Pagination; page labels number the pages as printed.
- Catalog, /Lang, metadata (one XMP packet, the packet's), output intent and /ID are the front's.

One part is open at a time and copied by value (stream data as stored, compressed), then let go: memory holds
the result, not every part.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree

from exporter.writers.pdf.render import article_prefix
from exporter.writers.pdf.repair import PAGINATION, Tree, load_tree, save_pdf
from exporter.writers.pdf.tagging import TagRecording

FURNITURE = Name("/Furniture")

Source = Path | bytes


class MergeError(RuntimeError):
    """The parts do not fit together (an internal error: the writer made them)."""


def merge_packet(front: Source, furniture: Sequence[Source], parts: Sequence[Source]) -> bytes:
    """The packet as one tagged PDF: `front`, then the articles' PDFs in packet order, each page with the
    furniture page of the same place in `furniture` (runs of pages, in order) drawn under it."""
    with _open(front) as pdf:
        merge = _Merge(pdf)
        forms = _furniture_forms(pdf, furniture)
        for index, part in enumerate(parts, start=1):
            with _open(part) as source:
                merge.add_part(source, article_prefix(index), forms)
        if next(forms, None) is not None:
            raise MergeError("more furniture pages than article pages")
        merge.finish()
        return save_pdf(pdf)


def _open(source: Source) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)


def _furniture_forms(pdf: pikepdf.Pdf, sources: Sequence[Source]) -> Iterator[pikepdf.Object]:
    """Each furniture page as a form XObject of the result, in order; one source open at a time."""
    for source in sources:
        with _open(source) as furniture:
            copy = _Copier(pdf, {})
            for page in furniture.pages:
                yield copy(page.as_form_xobject())


class _Copier:
    """Copies objects of one source into the result by value, each object once (so shared objects stay shared
    and references between copied objects lead to the copies). qpdf's foreign copy (copy_foreign,
    pages.extend) would keep the source alive as long as the result, with every object it parsed: hundreds of
    megabytes for a long packet. Copied by value, each part goes as soon as it is merged.

    `images` (digest -> image in the result) is shared by the copiers of all parts: an image several articles
    embed (the same photo, a logo) is stored once, as a single-pass rendering stores it."""

    def __init__(self, pdf: pikepdf.Pdf, images: dict[bytes, pikepdf.Object]) -> None:
        self.pdf = pdf
        self.images = images
        self.copies: dict[tuple[int, int], pikepdf.Object] = {}
        self.digests: dict[tuple[int, int], bytes] = {}

    def page(self, page: Dictionary) -> pikepdf.Page:
        """A page, with what it inherits from its page tree, but not its place in that tree."""
        for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
            if key not in page and (inherited := _inherited(page, key)) is not None:
                page[key] = inherited
        return pikepdf.Page(self(page, skip="/Parent"))

    def __call__(self, value, *, skip: str = ""):
        if not isinstance(value, pikepdf.Object):
            return value  # a number, boolean or null, as pikepdf gives them
        if value.is_indirect and value.objgen in self.copies:
            return self.copies[value.objgen]
        if isinstance(value, pikepdf.Stream):
            return self._stream(value)
        if isinstance(value, Dictionary | Array):
            copy = Dictionary() if isinstance(value, Dictionary) else Array()
            if value.is_indirect:
                # Registered before its items are copied: an item may lead back to it (a page's annotations).
                copy = self.pdf.make_indirect(copy)
                self.copies[value.objgen] = copy
            if isinstance(value, Dictionary):
                for key, item in value.items():
                    if key != skip:
                        copy[key] = self(item)
            else:
                items = list(value)
                # Numbers (a font's glyph widths, a rectangle) are values already: no copy to make.
                copy.extend(self(item) if isinstance(item, pikepdf.Object) else item for item in items)
            return copy
        if value.is_indirect:
            raise MergeError(f"an indirect {type(value).__name__} in a part: not copied")
        return value  # a direct name or string

    def _stream(self, value: pikepdf.Stream) -> pikepdf.Object:
        digest = self._digest(value) if value.get("/Subtype") == Name.Image else None
        if digest is not None and digest in self.images:
            self.copies[value.objgen] = self.images[digest]
            return self.images[digest]
        copy = pikepdf.Stream(self.pdf, b"")
        self.copies[value.objgen] = copy
        # Stored as it is (compressed); the filter names are parsed anew, write() takes none of another Pdf.
        copy.write(value.read_raw_bytes(), filter=_parsed(value.get("/Filter")),
                   decode_parms=_parsed(value.get("/DecodeParms")))
        for key, item in value.stream_dict.items():
            if key not in ("/Length", "/Filter", "/DecodeParms"):
                copy[key] = self(item)
        if digest is not None:
            self.images[digest] = copy
        return copy

    def _digest(self, value) -> bytes:
        """A digest of an object's content, through the objects it refers to (an image's soft mask, its ICC
        profile): equal digests, equal objects."""
        if isinstance(value, pikepdf.Object) and value.is_indirect and value.objgen in self.digests:
            return self.digests[value.objgen]
        digest = hashlib.sha256()
        if isinstance(value, pikepdf.Stream):
            digest.update(value.read_raw_bytes())
            items = [(key, item) for key, item in value.stream_dict.items() if key != "/Length"]
        elif isinstance(value, Dictionary):
            items = list(value.items())
        elif isinstance(value, Array):
            items = list(enumerate(value))
        else:
            digest.update(repr(value).encode())
            items = []
        for key, item in items:
            digest.update(str(key).encode() + b"\0" + self._digest(item))
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            self.digests[value.objgen] = digest.digest()
        return digest.digest()


class _Merge:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.parent_tree: dict[int, object] = {}
        # Annotations' keys follow every page's, and the page count is known only at the end: their entries
        # wait here.
        self.annotation_entries: list[tuple[Dictionary, object]] = []
        self.ids: dict[bytes, Dictionary] = {}
        self.destinations: dict[str, object] = {}
        self.outline: list[pikepdf.OutlineItem] = []
        self.role_map = Dictionary()
        self.class_map = Dictionary()
        self.images: dict[bytes, pikepdf.Object] = {}
        front = load_tree(pdf, TagRecording())
        self.ids.update((bytes(node.obj.ID), node.obj) for node in front.walk() if "/ID" in node.obj)
        front_tree = _number_tree(root)
        for index, page in enumerate(pdf.pages):
            self._page_entries(page, index, front_tree, lambda value: value)
        self._gather_catalog(pdf, lambda value: value)
        self.document = front.document.obj
        if not isinstance(self.document.get("/K"), Array):
            self.document.K = Array([] if self.document.get("/K") is None else [self.document.K])
        self.part = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array()))
        self.document.K.append(self.part)

    def add_part(self, source: pikepdf.Pdf, prefix: str, furniture: Iterator[pikepdf.Object]) -> None:
        pdf = self.pdf
        copy = _Copier(pdf, self.images)
        offset = len(pdf.pages)
        for page in source.pages:
            pdf.pages.append(copy.page(page.obj))
        # The part's structure as the repair reads it (no recording: only the PDF's own entries are needed).
        structure = load_tree(source, TagRecording())
        tree = _number_tree(source.Root.StructTreeRoot)
        identified = list(_prefixed_ids(structure, prefix))
        for article in _part_content(structure):
            del article["/P"]  # the Part it is in is the result's
            copied = copy(article)
            copied.P = self.part
            self.part.K.append(copied)
        self.ids.update((bytes(element.ID), copy(element)) for element in identified)
        for number in range(len(source.pages)):
            page = pdf.pages[offset + number]
            self._page_entries(page, offset + number, tree, copy)
            form = next(furniture, None)
            if form is None:
                raise MergeError("fewer furniture pages than article pages")
            self._lay_furniture(page, form)
        self._gather_catalog(source, copy)
        with source.open_outline() as outline:
            self.outline += [_copied_item(item, copy) for item in outline.root]

    def _page_entries(self, page: pikepdf.Page, index: int, tree: dict[int, object], copy) -> None:
        """The page's ParentTree entry under its index; its annotations' are numbered in finish()."""
        key = page.obj.get("/StructParents")
        if key is not None and int(key) in tree:
            self.parent_tree[index] = copy(tree[int(key)])
        page.obj.StructParents = index
        for annotation in page.obj.get("/Annots", Array()):
            key = annotation.get("/StructParent")
            if key is not None and int(key) in tree:
                self.annotation_entries.append((annotation, copy(tree[int(key)])))

    def _lay_furniture(self, page: pikepdf.Page, form: pikepdf.Object) -> None:
        """Draw the furniture page (page number, running title) under the article page, as a pagination
        artifact. The page gets resources of its own: WeasyPrint shares one resource dictionary among all the
        pages of a document."""
        resources = Dictionary(page.obj.get("/Resources", Dictionary()))
        xobjects = Dictionary(resources.get("/XObject", Dictionary()))
        if FURNITURE in xobjects:
            raise MergeError(f"an article page already has an XObject named {FURNITURE}")
        xobjects[FURNITURE] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        drawing = PAGINATION + b" q " + FURNITURE.unparse() + b" Do Q EMC\n"
        page.contents_add(pikepdf.Stream(self.pdf, drawing), prepend=True)

    def _gather_catalog(self, source: pikepdf.Pdf, copy) -> None:
        """What a part (or the front) has beside its pages: named destinations, role and class maps."""
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, destination in NameTree(names.Dests).items():
                self.destinations[name] = copy(destination)
        root = source.Root.StructTreeRoot
        for key, merged in (("/RoleMap", self.role_map), ("/ClassMap", self.class_map)):
            for name, value in root.get(key, Dictionary()).items():
                value = copy(value)
                if name in merged and repr(merged[name]) != repr(value):
                    raise MergeError(f"two parts map {name} differently in {key}")
                merged[name] = value

    def finish(self) -> None:
        """The catalog of the result: ParentTree, IDTree, role and class maps, destinations, outline, page
        labels; and font subset tags."""
        pdf = self.pdf
        root = pdf.Root.StructTreeRoot
        key = len(pdf.pages)
        for annotation, element in self.annotation_entries:
            annotation.StructParent = key
            self.parent_tree[key] = element
            key += 1
        parent_tree = NumberTree.new(pdf)
        for number in sorted(self.parent_tree):
            parent_tree[number] = self.parent_tree[number]
        root.ParentTree = parent_tree.obj
        root.ParentTreeNextKey = key
        if self.ids:
            id_tree = NameTree.new(pdf)
            for identifier in sorted(self.ids):
                id_tree[identifier.decode("latin-1")] = self.ids[identifier]
            root.IDTree = id_tree.obj
        for name, merged in (("/RoleMap", self.role_map), ("/ClassMap", self.class_map)):
            if merged:
                root[name] = merged
        destinations = NameTree.new(pdf)
        for name in sorted(self.destinations):
            destinations[name] = self.destinations[name]
        if "/Names" not in pdf.Root:
            pdf.Root.Names = Dictionary()
        pdf.Root.Names.Dests = destinations.obj
        with pdf.open_outline() as outline:
            # The articles go under the front's last top entry: the packet's title (packet > article > section).
            (outline.root[-1].children if outline.root else outline.root).extend(self.outline)
        # The printed page numbers count every page from the cover: so do the page labels.
        pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
        _retag_subsets(page.obj for page in pdf.pages)


def _retag_subsets(holders: Iterable[Dictionary]) -> None:
    """Each part embeds its own font subsets, and WeasyPrint tags a subset after its font: parts' different
    subsets of one font would share a tag, which ISO 32000-1 (9.6.4) forbids. Each subset is tagged after its
    own font program instead, through every resource dictionary the pages use."""
    seen: set[tuple[int, int]] = set()

    def first(obj) -> bool:
        if not obj.is_indirect:
            return True
        if obj.objgen in seen:
            return False
        seen.add(obj.objgen)
        return True

    stack = [holder.get("/Resources") for holder in holders]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, Dictionary) or not first(resources):
            continue
        for font in resources.get("/Font", Dictionary()).values():
            if first(font):
                _retag_subset(font)
        for xobject in resources.get("/XObject", Dictionary()).values():
            if xobject.get("/Subtype") == Name.Form and first(xobject):
                stack.append(xobject.get("/Resources"))
        for pattern in resources.get("/Pattern", Dictionary()).values():
            if first(pattern):
                stack.append(pattern.get("/Resources"))


def _retag_subset(font: Dictionary) -> None:
    """Name a subset font `TAG+Font` with a tag made from its font program (6 uppercase letters)."""
    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor")
    program = None
    if descriptor is not None:
        program = next((descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor),
                       None)
    if program is None:
        return
    tag = "".join(chr(ord("A") + byte % 26) for byte in hashlib.sha256(program.read_raw_bytes()).digest()[:6])
    for holder, key in ((font, "/BaseFont"), (descendant, "/BaseFont"), (descriptor, "/FontName")):
        name = str(holder.get(key, ""))
        if re.fullmatch(r"/[A-Z]{6}\+.+", name):
            holder[key] = Name(f"/{tag}{name[7:]}")


# ---------------------------------------------------------------------- reading a part


def _copied_item(item: pikepdf.OutlineItem, copy: _Copier) -> pikepdf.OutlineItem:
    destination = copy(item.destination) if item.destination is not None else None
    action = copy(item.action) if item.action is not None else None
    copied = pikepdf.OutlineItem(item.title, destination, action=action)
    copied.is_closed = item.is_closed
    copied.children = [_copied_item(child, copy) for child in item.children]
    return copied


def _parsed(value):
    return None if value is None else pikepdf.Object.parse(value.unparse())


def _inherited(page: Dictionary, key: str):
    node = page.get("/Parent")
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _number_tree(root: Dictionary) -> dict[int, object]:
    tree = root.get("/ParentTree")
    return dict(NumberTree(tree).items()) if tree is not None else {}


def _part_content(structure: Tree) -> list[Dictionary]:
    """A part's content elements: the kids of the Part (from <main>) in its Document."""
    kids = structure.document.child_nodes()
    if [kid.role for kid in kids] != ["Part"]:
        raise MergeError(f"an article's document holds {[kid.role for kid in kids]}, not one Part")
    return [kid.obj for kid in kids[0].child_nodes()]


def _prefixed_ids(structure: Tree, prefix: str) -> Iterator[Dictionary]:
    """Give every structure element ID of a part the article's prefix, and the /Headers that name them;
    yield the elements that have one. IDs made from the part's HTML ids (a Note's) carry the prefix already,
    as every id of a packet's article does; WeasyPrint's own (a TH's, "228-0-1") are unique in their part only."""
    tag = prefix.encode()

    def scoped(name) -> pikepdf.String:
        name = bytes(name)
        return pikepdf.String(name if name.startswith(tag) else tag + name)

    for node in structure.walk():
        element = node.obj
        attributes = element.get("/A")  # one attribute dictionary, or an array of them and revision numbers
        for owner in attributes if isinstance(attributes, Array) else [attributes]:
            if isinstance(owner, Dictionary) and "/Headers" in owner:
                owner.Headers = Array(scoped(name) for name in owner.Headers)
        if "/ID" in element:
            element.ID = scoped(element.ID)
            yield element
