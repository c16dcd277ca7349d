"""One tagged PDF from a packet's parts (packet.py): the front (cover and contents), each article rendered as a
tagged PDF of its own, and the page furniture of the article pages; joined with pikepdf so that the result
is as accessible as a packet rendered in a single pass.

PDF merge tools (qpdf --pages, pdfunite, Ghostscript, pypdf) copy pages. What makes a PDF accessible lives
beside the pages, in the catalog, and they drop it or keep only the first file's: the structure tree, the
ParentTree that maps each page's marked content and each link annotation back to its structure element, the
IDTree, the role and class maps, the named destinations that links lead to, the outline, page labels. This
merge carries all of it over:

- Pages are copied with their content, resources and annotations by qpdf's foreign-object copy, which maps
  each object of a source to one copy: the structure elements, copied after their pages, point at the copied
  pages and annotations (/Pg, MCRs, OBJRs).
- Each article's Art (its whole subtree) goes under one Part beside the front's cover (Sect) and contents
  (NonStruct), in page order. An article's /Lang is already on its Art: the part was rendered inside a
  document in the packet's language.
- The ParentTree is rebuilt: each page's StructParents key becomes its page index, each link annotation's
  StructParent a new key after the pages', and each entry the copy of the element the part's entry named.
- Structure element IDs (table header cells', which data cells name in /Headers) get the article's prefix so
  they stay unique, and one IDTree lists them all. RoleMap and ClassMap entries are merged.
- Named destinations of every part join the front's; a part's replaces the front's of the same name. Links
  name their targets, so each contents entry, which led to an empty anchor in the front, leads to its
  article's headline.
- Each article's outline is nested under the packet's top entry (packet > article > section).
- The furniture pages (page number, running title) become form XObjects drawn under the article pages they
  belong to, marked as /Artifact /Pagination; page labels number the pages as printed.
- Catalog, /Lang, metadata (one XMP packet, the packet's), output intent and /ID are the front's.

qpdf copies stream data (fonts, images, page content) lazily, when the result is written: the parts are read
from files, so memory holds the merged object graph, not every page's bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree

from exporter.writers.pdf.render import article_prefix
from exporter.writers.pdf.repair import PAGINATION, save_pdf

FURNITURE = Name("/Furniture")

Source = Path | bytes


class MergeError(RuntimeError):
    """The parts do not fit together (an internal error: the writer made them)."""


def merge_packet(front: Source, furniture: Sequence[Source], parts: Sequence[Source]) -> bytes:
    """The packet as one tagged PDF: `front`, then the articles' PDFs in packet order, each page with the
    furniture page of the same place in `furniture` (runs of pages, in order) drawn under it."""
    # Every source stays open until the result is written: qpdf reads copied streams from them then.
    with contextlib.ExitStack() as stack:

        def opened(source: Source) -> pikepdf.Pdf:
            return stack.enter_context(pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source))

        pdf = opened(front)
        furniture_pages = [page for source in map(opened, furniture) for page in source.pages]
        sources = [opened(part) for part in parts]
        article_pages = sum(len(source.pages) for source in sources)
        if len(furniture_pages) != article_pages:
            raise MergeError(f"{len(furniture_pages)} furniture pages for {article_pages} article pages")
        merge = _Merge(pdf)
        forms = iter(furniture_pages)
        for index, source in enumerate(sources, start=1):
            merge.add_part(source, article_prefix(index), forms)
        merge.finish()
        return save_pdf(pdf)


class _Merge:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.parent_tree: dict[int, object] = {}
        # Annotations get keys after every page's; the page count is only known at the end, so they are
        # numbered from 0 here and moved then.
        self.annotation_entries: list[tuple[Dictionary, object]] = []
        self.ids: dict[bytes, Dictionary] = {}
        self.destinations: dict[str, object] = {}
        self.outline: list[pikepdf.OutlineItem] = []
        self.role_map = Dictionary()
        self.class_map = Dictionary()
        self.ids.update((bytes(element.ID), element) for element in _elements(root) if "/ID" in element)
        front_tree = _number_tree(root)
        for index, page in enumerate(pdf.pages):
            self._page_entries(page, index, front_tree, lambda value: value)
        self._gather_catalog(pdf, lambda value: value)
        self.document = _single(root.K)
        if not isinstance(self.document.get("/K"), Array):
            self.document.K = Array(_items(self.document.get("/K")))
        self.part = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array()))
        self.document.K.append(self.part)

    def add_part(self, source: pikepdf.Pdf, prefix: str, furniture: Iterator[pikepdf.Page]) -> None:
        pdf = self.pdf
        offset = len(pdf.pages)
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried: _gather_catalog carries them.
            warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
            pdf.pages.extend(source.pages)
        root = source.Root.StructTreeRoot
        tree = _number_tree(root)
        # The structure first: a ParentTree entry copied before its element would drag the element's parents,
        # up to the source's whole tree, along with it.
        identified = list(_prefixed_ids(root, prefix))
        for article in _part_content(root):
            del article["/P"]
            copied = pdf.copy_foreign(article)
            copied.P = self.part
            self.part.K.append(copied)
        self.ids.update((bytes(element.ID), pdf.copy_foreign(element)) for element in identified)
        for number in range(len(source.pages)):
            page = pdf.pages[offset + number]
            self._page_entries(page, offset + number, tree, self._copy)
            self._lay_furniture(page, next(furniture))
        self._gather_catalog(source, self._copy)
        with source.open_outline() as outline:
            self.outline += [self._copied_item(item) for item in outline.root]

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

    def _lay_furniture(self, page: pikepdf.Page, furniture: pikepdf.Page) -> None:
        """Draw the furniture page (page number, running title) under the article page, as a pagination
        artifact. The page gets resources of its own: WeasyPrint shares one resource dictionary among all the
        pages of a document."""
        form = self.pdf.copy_foreign(furniture.as_form_xobject())
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

    def _copied_item(self, item: pikepdf.OutlineItem) -> pikepdf.OutlineItem:
        destination = self._copy(item.destination) if item.destination is not None else None
        action = self._copy(item.action) if item.action is not None else None
        copied = pikepdf.OutlineItem(item.title, destination, action=action)
        copied.is_closed = item.is_closed
        copied.children = [self._copied_item(child) for child in item.children]
        return copied

    def _copy(self, value):
        """A part's object as an object of the result (qpdf copies an indirect object once)."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return self.pdf.copy_foreign(value)
        if isinstance(value, Array):
            return Array(self._copy(item) for item in value)
        if isinstance(value, Dictionary):
            return Dictionary({key: self._copy(item) for key, item in value.items()})
        return value

    def finish(self) -> None:
        """The catalog of the result: ParentTree, IDTree, role and class maps, destinations, outline, page
        labels; then shared fonts and images."""
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
        _Resources().tidy(page.obj for page in pdf.pages)


class _Resources:
    """Fonts and images of the merged pages. Each part embeds its own font subsets, and WeasyPrint tags a
    subset after its font, so parts' different subsets of one font would share a tag, which ISO 32000-1
    (9.6.4) forbids: each subset is tagged after its own font program instead. An image that several parts
    embed (the same photo, a logo) is stored once, as a single-pass rendering stores it."""

    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()
        self.images: dict[bytes, pikepdf.Object] = {}
        self.fingerprints: dict[tuple[int, int], bytes] = {}

    def tidy(self, holders: Iterable[Dictionary]) -> None:
        for holder in holders:
            self._visit(holder.get("/Resources"))

    def _visit(self, resources) -> None:
        if not isinstance(resources, Dictionary) or not self._first(resources):
            return
        for font in resources.get("/Font", Dictionary()).values():
            if self._first(font):
                _retag_subset(font)
        xobjects = resources.get("/XObject", Dictionary())
        for name, xobject in list(xobjects.items()):
            if xobject.get("/Subtype") == Name.Image and xobject.is_indirect:
                kept = self.images.setdefault(self._fingerprint(xobject), xobject)
                if kept.objgen != xobject.objgen:
                    xobjects[name] = kept
            elif xobject.get("/Subtype") == Name.Form and self._first(xobject):
                self._visit(xobject.get("/Resources"))
        for pattern in resources.get("/Pattern", Dictionary()).values():
            if self._first(pattern):
                self._visit(pattern.get("/Resources"))

    def _first(self, obj) -> bool:
        """Whether an object is met for the first time (direct objects always are)."""
        if not obj.is_indirect:
            return True
        if obj.objgen in self.seen:
            return False
        self.seen.add(obj.objgen)
        return True

    def _fingerprint(self, obj) -> bytes:
        """A digest of an object's content, through the objects it refers to (an image's soft mask, its ICC
        profile): equal digests, equal objects."""
        if isinstance(obj, pikepdf.Object) and obj.is_indirect and obj.objgen in self.fingerprints:
            return self.fingerprints[obj.objgen]
        digest = hashlib.sha256()
        if isinstance(obj, pikepdf.Stream):
            digest.update(obj.read_raw_bytes())
            items = [(key, value) for key, value in obj.stream_dict.items() if key != "/Length"]
        elif isinstance(obj, Dictionary):
            items = list(obj.items())
        elif isinstance(obj, Array):
            items = list(enumerate(obj))
        else:
            digest.update(repr(obj).encode())
            items = []
        for key, value in items:
            digest.update(str(key).encode() + b"\0" + self._fingerprint(value))
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            self.fingerprints[obj.objgen] = digest.digest()
        return digest.digest()


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


def _number_tree(root: Dictionary) -> dict[int, object]:
    tree = root.get("/ParentTree")
    return dict(NumberTree(tree).items()) if tree is not None else {}


def _items(value) -> list:
    return list(value) if isinstance(value, Array) else [] if value is None else [value]


def _single(kids) -> Dictionary:
    items = _items(kids)
    if len(items) != 1 or not isinstance(items[0], Dictionary):
        raise MergeError(f"expected one structure element, found {len(items)}")
    return items[0]


def _part_content(root: Dictionary) -> list[Dictionary]:
    """A part's content elements: the kids of the Part (from <main>) in its Document."""
    main = _single(_single(root.K).get("/K"))
    if main.get("/S") != Name.Part:
        raise MergeError(f"an article's document holds {main.get('/S')}, not its Part")
    return [kid for kid in _items(main.get("/K")) if isinstance(kid, Dictionary)]


def _prefixed_ids(root: Dictionary, prefix: str) -> Iterator[Dictionary]:
    """Give every structure element ID of a part the article's prefix, and the /Headers that name them;
    yield the elements that have one."""
    tag = prefix.encode()
    for element in _elements(root):
        for attributes in _attribute_dicts(element):
            if "/Headers" in attributes:
                attributes.Headers = Array(pikepdf.String(tag + bytes(name)) for name in attributes.Headers)
        if "/ID" in element:
            element.ID = pikepdf.String(tag + bytes(element.ID))
            yield element


def _elements(root: Dictionary) -> Iterator[Dictionary]:
    """Every structure element below the root (marked-content and object references aside)."""
    stack = _items(root.get("/K"))
    while stack:
        item = stack.pop()
        if isinstance(item, Dictionary) and "/S" in item:
            yield item
            stack.extend(_items(item.get("/K")))


def _attribute_dicts(element: Dictionary) -> list[Dictionary]:
    """/A is one attribute dictionary or an array of them (with revision numbers between)."""
    return [item for item in _items(element.get("/A")) if isinstance(item, Dictionary)]
