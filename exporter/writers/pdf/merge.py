"""One tagged PDF from a packet's parts: the front (cover, contents, stand-in pages) and each article rendered as
a tagged PDF of its own (packet.py), joined with pikepdf so that the result is as accessible as one rendered
in a single pass.

PDF merge tools (qpdf --pages, pdfunite, Ghostscript, pypdf) copy pages. What makes a PDF accessible lives
beside the pages, in the catalog, and they drop it or keep only the first file's: the structure tree, the
ParentTree that maps each page's marked content and each link annotation back to its structure element, the
IDTree, the role and class maps, the named destinations that links lead to, the outline, page labels. This
merge carries all of it over:

- Pages are copied with their content, resources and annotations by qpdf's foreign-object copy, which maps
  each object of a source to one copy: the structure elements, copied after their pages, point at the copied
  pages and annotations (/Pg, MCRs, OBJRs).
- Each article's Art (its whole subtree) goes under one Part beside the front's cover (Sect) and contents
  (NonStruct), in page order. An article's /Lang is already on its Art (the part was rendered inside a document
  in the packet's language).
- The ParentTree is rebuilt: each page's StructParents key becomes its page index, each link annotation's
  StructParent a new key after the pages', and each entry the copy of the element the part's entry named.
- Structure element IDs (table header cells', which data cells name in /Headers) get the article's prefix
  so they stay unique, and one IDTree lists them all. RoleMap and ClassMap entries are merged.
- Named destinations of every part join the front's. Links name their targets, so each contents entry, which
  led to its article's stand-in page in the front, leads to the article's headline after the merge.
- Each article's outline is nested under the packet's top entry (packet > article > section).
- Page furniture: the front has a stand-in page for every article page, whose page number and running title
  are /Artifact /Pagination content. Each stand-in page becomes a form XObject drawn under the article page it
  stands for; page labels number the pages as printed.
- Catalog, /Lang, metadata (one XMP packet for the packet), output intent and /ID are the front's.

qpdf copies stream data (fonts, images, page content) lazily, when the result is written: the parts are read
from files, so memory holds the merged object graph, not every page's bytes. Each part keeps its own font
subsets; identical images are not stored twice.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree

from exporter.writers.pdf.render import article_prefix
from exporter.writers.pdf.repair import save_pdf

FURNITURE = Name("/Furniture")


class MergeError(RuntimeError):
    """The parts do not fit together (an internal error: the writer made them)."""


def merge_packet(front: bytes, parts: Sequence[Path | bytes]) -> bytes:
    """The packet as one tagged PDF: `front` (cover, contents, then one stand-in page per article page) and the
    articles' PDFs, in packet order."""
    with pikepdf.open(io.BytesIO(front)) as pdf:
        # Every source stays open until the result is written: qpdf reads copied streams from them then.
        sources = [pikepdf.open(io.BytesIO(part) if isinstance(part, bytes) else part) for part in parts]
        try:
            merge = _Merge(pdf, [len(source.pages) for source in sources])
            for index, source in enumerate(sources, start=1):
                merge.add_part(source, article_prefix(index))
            merge.finish()
            return save_pdf(pdf)
        finally:
            for source in sources:
                source.close()


class _Merge:
    def __init__(self, pdf: pikepdf.Pdf, part_pages: list[int]) -> None:
        self.pdf = pdf
        self.front_pages = len(pdf.pages) - sum(part_pages)
        if self.front_pages < 1 or min(part_pages, default=1) < 1:
            raise MergeError(f"the front has {len(pdf.pages)} pages, not its own and one per article page")
        root = pdf.Root.StructTreeRoot
        self.parent_tree: dict[int, object] = {}
        self.next_key = len(pdf.pages)  # annotation keys follow every page's
        self.ids: dict[bytes, Dictionary] = {}
        self.destinations: dict[str, object] = {}
        self.outline: list[pikepdf.OutlineItem] = []
        self.role_map = Dictionary()
        self.class_map = Dictionary()
        self.images: dict[tuple[bytes, str], pikepdf.Object] = {}
        self.ids.update((bytes(element.ID), element) for element in _elements(root) if "/ID" in element)
        front_tree = _number_tree(root)
        stand_ins = list(pdf.pages)[self.front_pages :]
        for page in stand_ins:
            entry = front_tree.get(int(page.obj.get("/StructParents", -1)))
            if page.obj.get("/Annots") or any(isinstance(item, Dictionary) for item in _items(entry)):
                raise MergeError("a stand-in page of the front has tagged content or links")
        # The stand-in for page i of the result is page i of the front.
        self.stand_in = {page.obj.objgen: index for index, page in enumerate(stand_ins, start=self.front_pages)}
        self.furniture = [page.as_form_xobject() for page in stand_ins]
        del pdf.pages[self.front_pages :]
        for index, page in enumerate(pdf.pages):
            self._page_entries(page, index, front_tree, lambda value: value)
        self._gather_catalog(pdf, lambda value: value)
        self.document = _single(root.K)
        if not isinstance(self.document.get("/K"), Array):
            self.document.K = Array([] if self.document.get("/K") is None else [self.document.K])
        self.part = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array()))
        self.document.K.append(self.part)

    # ------------------------------------------------------------------ parts

    def add_part(self, source: pikepdf.Pdf, prefix: str) -> None:
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
        identified = list(self._prefixed_ids(root, prefix))
        for article in _part_content(root):
            del article["/P"]
            copied = pdf.copy_foreign(article)
            copied.P = self.part
            self.part.K.append(copied)
        self.ids.update((bytes(element.ID), pdf.copy_foreign(element)) for element in identified)
        for number in range(len(source.pages)):
            page = pdf.pages[offset + number]
            self._page_entries(page, offset + number, tree, self._copy)
            self._lay_furniture(page, self.furniture[offset + number - self.front_pages])
            self._share_images(page)
        self._gather_catalog(source, self._copy)
        with source.open_outline() as outline:
            self.outline += [self._copied_item(item) for item in outline.root]

    def _prefixed_ids(self, root: Dictionary, prefix: str) -> Iterator[Dictionary]:
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

    def _page_entries(self, page: pikepdf.Page, index: int, tree: dict[int, object], copy) -> None:
        """The page's ParentTree entry under its index, and each of its annotations' under a new key."""
        key = page.obj.get("/StructParents")
        if key is not None and int(key) in tree:
            self.parent_tree[index] = copy(tree[int(key)])
        page.obj.StructParents = index
        for annotation in page.obj.get("/Annots", Array()):
            key = annotation.get("/StructParent")
            if key is None or int(key) not in tree:
                continue
            self.parent_tree[self.next_key] = copy(tree[int(key)])
            annotation.StructParent = self.next_key
            self.next_key += 1

    def _lay_furniture(self, page: pikepdf.Page, form: pikepdf.Object) -> None:
        """Draw the stand-in page (page number, running title: artifacts) under the article page. The page gets
        resources of its own: WeasyPrint shares one resource dictionary among all the pages of a document."""
        resources = Dictionary(page.obj.get("/Resources", Dictionary()))
        xobjects = Dictionary(resources.get("/XObject", Dictionary()))
        if FURNITURE in xobjects:
            raise MergeError(f"an article page already has an XObject named {FURNITURE}")
        xobjects[FURNITURE] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        page.contents_add(pikepdf.Stream(self.pdf, b"q " + bytes(FURNITURE.unparse()) + b" Do Q\n"), prepend=True)

    def _share_images(self, page: pikepdf.Page) -> None:
        """An image that an earlier article already embeds (the same photo, or a logo) is stored once."""
        xobjects = page.obj.Resources.get("/XObject", Dictionary())
        for name, xobject in list(xobjects.items()):
            if xobject.get("/Subtype") != Name.Image or not xobject.is_indirect:
                continue
            key = (hashlib.sha256(xobject.read_raw_bytes()).digest(), repr(_without_length(xobject)))
            kept = self.images.setdefault(key, xobject)
            if kept.objgen != xobject.objgen:
                xobjects[name] = kept

    def _gather_catalog(self, source: pikepdf.Pdf, copy) -> None:
        """What a part (or the front) has beside its pages: named destinations (a part's replace the front's of
        the same name, which lead to its stand-in), role and class maps."""
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
        """A part's object as an object of the result (qpdf's copy of an indirect object is made once)."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return self.pdf.copy_foreign(value)
        if isinstance(value, Array):
            return Array(self._copy(item) for item in value)
        if isinstance(value, Dictionary):
            return Dictionary({key: self._copy(item) for key, item in value.items()})
        return value

    # ------------------------------------------------------------------ the catalog of the result

    def finish(self) -> None:
        pdf = self.pdf
        root = pdf.Root.StructTreeRoot
        parent_tree = NumberTree.new(pdf)
        for key in sorted(self.parent_tree):
            parent_tree[key] = self.parent_tree[key]
        root.ParentTree = parent_tree.obj
        root.ParentTreeNextKey = self.next_key
        if self.ids:
            id_tree = NameTree.new(pdf)
            for identifier in sorted(self.ids):
                id_tree[identifier.decode("latin-1")] = self.ids[identifier]
            root.IDTree = id_tree.obj
        elif "/IDTree" in root:
            del root["/IDTree"]
        for key, merged in (("/RoleMap", self.role_map), ("/ClassMap", self.class_map)):
            if merged:
                root[key] = merged
        self._retarget_front_links()
        destinations = NameTree.new(pdf)
        for name in sorted(self.destinations):
            destinations[name] = self._retarget(self.destinations[name])
        if "/Names" not in pdf.Root:
            pdf.Root.Names = Dictionary()
        pdf.Root.Names.Dests = destinations.obj
        with pdf.open_outline() as outline:
            for item in outline.root:
                self._retarget_item(item)
            # The articles go under the front's last top entry: the packet's title (packet > article > section).
            (outline.root[-1].children if outline.root else outline.root).extend(self.outline)
        # The printed page numbers count every page from the cover: so do the page labels.
        pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))

    def _retarget(self, destination):
        """A destination on a front stand-in page leads to the article page it stood for."""
        if isinstance(destination, Dictionary) and "/D" in destination:
            destination.D = self._retarget(destination.D)
        elif isinstance(destination, Array) and len(destination) and isinstance(destination[0], Dictionary):
            index = self.stand_in.get(destination[0].objgen)
            if index is not None:
                return Array([self.pdf.pages[index].obj, *list(destination)[1:]])
        return destination

    def _retarget_item(self, item: pikepdf.OutlineItem) -> None:
        if item.destination is not None:
            item.destination = self._retarget(item.destination)
        for child in item.children:
            self._retarget_item(child)

    def _retarget_front_links(self) -> None:
        for page in list(self.pdf.pages)[: self.front_pages]:
            for annotation in page.obj.get("/Annots", Array()):
                if "/Dest" in annotation:
                    annotation.Dest = self._retarget(annotation.Dest)
                action = annotation.get("/A")
                if isinstance(action, Dictionary) and action.get("/S") == Name.GoTo:
                    action.D = self._retarget(action.D)


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



def _without_length(stream: pikepdf.Object) -> dict[str, str]:
    return {key: repr(value) for key, value in stream.stream_dict.items() if key != "/Length"}
