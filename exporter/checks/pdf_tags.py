"""A tagged PDF as assistive technology meets it: the structure tree walked from its root, the ParentTree that
leads from page content back to the tags, and each page's marked content, read once with pikepdf.

Only what the checks ask is read. Content streams are parsed for the marked-content, text, image and paint
operators, not for geometry (a 600-page packet is read in seconds); shown strings are kept as bytes and decoded
(with outloud's ToUnicode and encoding reading) only for the sequences a check or a fact needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import pikepdf

from exporter.checks.bidi import has_right_to_left, reading_order
from exporter.language_tags import text_direction

# (page index, form XObject objgen or None for the page's own stream, MCID)
ContentKey = tuple[int, tuple[int, int] | None, int]

CONTENT_OPERATORS = "BDC BMC EMC q Q cm BT Tf TL Tm Td TD T* Tj TJ ' \" Do S s f F f* B B* b b* sh"
PAINT_OPERATORS = frozenset(["S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"])
MAX_TREE_DEPTH = 200
MAX_FORM_DEPTH = 8
# A TJ adjustment that moves the pen back by more than this (thousandths of an em) separates words.
WORD_GAP = -130


# A footnote's call and the note beside it: not part of the sentence (or caption) they are anchored in.
NOT_PART_OF_THE_TEXT = frozenset({"Reference", "Note"})


@dataclass(frozen=True)
class ObjectRef:
    """An /OBJR kid: the element stands for this annotation (a link's clickable area)."""

    objgen: tuple[int, int]
    page: int | None


@dataclass(eq=False)
class Element:
    obj: pikepdf.Dictionary
    type: str  # after role mapping
    raw_type: str
    parent: Element | None
    page: int | None  # /Pg, inherited from the nearest ancestor that has one
    kids: list[Element | ContentKey | ObjectRef] = field(default_factory=list)
    # /Pg names something that is not a page of this document, or an /MCR lacks its MCID
    broken_refs: list[str] = field(default_factory=list)

    @property
    def children(self) -> list[Element]:
        return [kid for kid in self.kids if isinstance(kid, Element)]

    @property
    def content(self) -> list[ContentKey]:
        return [kid for kid in self.kids if isinstance(kid, tuple)]

    @property
    def object_refs(self) -> list[ObjectRef]:
        return [kid for kid in self.kids if isinstance(kid, ObjectRef)]

    @cached_property
    def alt(self) -> str | None:
        return _text_value(self.obj.get("/Alt"))

    @cached_property
    def actual_text(self) -> str | None:
        return _text_value(self.obj.get("/ActualText"))

    @cached_property
    def lang(self) -> str | None:
        return _text_value(self.obj.get("/Lang"))

    @property
    def heading_level(self) -> int | None:
        if len(self.type) == 2 and self.type[0] == "H" and self.type[1].isdigit():
            return int(self.type[1])
        return None

    def descendants(self) -> Iterator[Element]:
        stack = list(reversed(self.children))
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.children))

    def ancestors(self) -> Iterator[Element]:
        parent = self.parent
        while parent is not None:
            yield parent
            parent = parent.parent

    def content_in_order(self, skip: frozenset[str] = frozenset()) -> Iterator[ContentKey]:
        """Its own marked content and its descendants', interleaved as /K orders them (reading order); the
        subtrees of elements whose type is in `skip` left out."""
        for kid in self.kids:
            if isinstance(kid, Element):
                if kid.raw_type not in skip:
                    yield from kid.content_in_order(skip)
            elif isinstance(kid, tuple):
                yield kid

    def place(self) -> str:
        page = self.page if self.page is not None else next(
            (key[0] for key in self.content_in_order()), None
        )
        return f"<{self.raw_type}> on page {page + 1}" if page is not None else f"<{self.raw_type}>"


@dataclass
class Sequence:
    """One marked-content sequence with an MCID: what it shows, and whether it sits inside an artifact."""

    in_artifact: bool
    pieces: list[tuple[object, object]] = field(default_factory=list)  # (font, string or TJ array) as shown
    baselines: list[float] = field(default_factory=list)
    font_size: float = 0.0
    painted: int = 0  # strings, images and paths shown


@dataclass
class PageMarks:
    sequences: dict[tuple[tuple[int, int] | None, int], Sequence] = field(default_factory=dict)
    untagged_text: list[tuple[object, object]] = field(default_factory=list)
    untagged_images: int = 0
    untagged_paths: int = 0
    parse_error: str | None = None


class TaggedPdf:
    """One PDF's tags and content. `pdf` stays open for the object's lifetime (the caller closes it)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pages = list(pdf.pages)
        self.page_index = {page.obj.objgen: index for index, page in enumerate(self.pages)}
        self._marks: dict[int, PageMarks] = {}
        self._fonts: dict[tuple, object] = {}
        self._texts: dict[tuple[ContentKey, str], str] = {}
        root = pdf.Root.get("/StructTreeRoot")
        self.struct_root = root if isinstance(root, pikepdf.Dictionary) else None
        self.tree_errors: list[str] = []
        self.elements: list[Element] = self._walk_tree()
        self.by_objgen = {element.obj.objgen: element for element in self.elements}

    # ------------------------------------------------------------ catalog

    @cached_property
    def lang(self) -> str | None:
        return _text_value(self.pdf.Root.get("/Lang"))

    @cached_property
    def display_doc_title(self) -> bool:
        preferences = self.pdf.Root.get("/ViewerPreferences")
        return isinstance(preferences, pikepdf.Dictionary) and bool(preferences.get("/DisplayDocTitle", False))

    @cached_property
    def metadata(self) -> dict[str, str]:
        """dc:title and dc:source of the XMP packet (Info /Title as the title when XMP has none)."""
        found: dict[str, str] = {}
        try:
            with self.pdf.open_metadata(update_docinfo=False) as meta:
                for key in ("dc:title", "dc:source"):
                    value = meta.get(key)
                    if value:
                        found[key] = str(value)
        except Exception:  # noqa: BLE001 - damaged XMP is reported as "no title", not as a crash
            pass
        if "dc:title" not in found:
            info_title = _text_value(self.pdf.docinfo.get("/Title")) if self.pdf.docinfo is not None else None
            if info_title:
                found["dc:title"] = info_title
        return found

    # ------------------------------------------------------------ structure tree

    def _role(self, raw: str) -> str:
        role_map = self.struct_root.get("/RoleMap") if self.struct_root is not None else None
        seen = {raw}
        current = raw
        while isinstance(role_map, pikepdf.Dictionary) and f"/{current}" in role_map:
            mapped = role_map[f"/{current}"]
            if not isinstance(mapped, pikepdf.Name) or str(mapped)[1:] in seen:
                break
            current = str(mapped)[1:]
            seen.add(current)
        return current

    def _page_of(self, obj: pikepdf.Dictionary, inherited: int | None) -> tuple[int | None, bool]:
        """(page index, whether /Pg is broken): /Pg when present, else the inherited page."""
        page = obj.get("/Pg")
        if page is None:
            return inherited, False
        index = self.page_index.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
        return index, index is None

    def _walk_tree(self) -> list[Element]:
        """Every element reachable from the root, in document order (depth first, /K order)."""
        if self.struct_root is None:
            return []
        elements: list[Element] = []
        seen: set[tuple[int, int]] = set()

        def visit(node, parent: Element | None, inherited_page: int | None, depth: int) -> None:
            if depth > MAX_TREE_DEPTH:
                self.tree_errors.append(f"the structure tree is nested deeper than {MAX_TREE_DEPTH} levels")
                return
            objgen = node.objgen
            if objgen != (0, 0):
                if objgen in seen:
                    self.tree_errors.append(f"structure element {objgen[0]} {objgen[1]} R is reached twice")
                    return
                seen.add(objgen)
            raw_type = str(node.get("/S"))[1:]
            page, broken = self._page_of(node, inherited_page)
            element = Element(node, self._role(raw_type), raw_type, parent, page)
            if broken:
                element.broken_refs.append("its /Pg is not a page of this document")
            elements.append(element)
            if parent is not None:
                parent.kids.append(element)
            for kid in _array(node.get("/K")):
                self._add_kid(element, kid, visit, depth)

        for kid in _array(self.struct_root.get("/K")):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, None, None, 0)
        return elements

    def _add_kid(self, element: Element, kid, visit, depth: int) -> None:
        if isinstance(kid, int) and not isinstance(kid, bool):
            if element.page is None:
                element.broken_refs.append(f"MCID {int(kid)} has no page (/Pg)")
            else:
                element.kids.append((element.page, None, int(kid)))
            return
        if not isinstance(kid, pikepdf.Dictionary):
            return
        kind = kid.get("/Type")
        if kind == "/MCR":
            page, broken = self._page_of(kid, element.page)
            mcid = kid.get("/MCID")
            if broken or page is None or mcid is None:
                element.broken_refs.append("a marked-content reference has no valid page or MCID")
                return
            stream = kid.get("/Stm")
            form = stream.objgen if isinstance(stream, pikepdf.Stream) else None
            element.kids.append((page, form, int(mcid)))
        elif kind == "/OBJR":
            target = kid.get("/Obj")
            page, _ = self._page_of(kid, element.page)
            if isinstance(target, pikepdf.Dictionary):
                element.kids.append(ObjectRef(target.objgen, page))
        elif "/S" in kid:
            visit(kid, element, element.page, depth + 1)

    # ------------------------------------------------------------ ParentTree

    @cached_property
    def parent_tree(self) -> dict[int, object]:
        tree = self.struct_root.get("/ParentTree") if self.struct_root is not None else None
        if not isinstance(tree, pikepdf.Dictionary):
            return {}
        try:
            return {int(key): value for key, value in pikepdf.NumberTree(tree).items()}
        except Exception as error:  # noqa: BLE001 - a damaged number tree is a finding, not a crash
            self.tree_errors.append(f"the ParentTree cannot be read ({error})")
            return {}

    def parent_of_content(self, key: ContentKey) -> tuple[str, pikepdf.Dictionary | None]:
        """Where the ParentTree leads from this content: ("ok", element dictionary) or (problem, None)."""
        page, form, mcid = key
        holder = self.pages[page].obj if form is None else self._form(form)
        number = holder.get("/StructParents") if holder is not None else None
        if number is None:
            return "its page has no /StructParents entry", None
        parents = self.parent_tree.get(int(number))
        if not isinstance(parents, pikepdf.Array):
            return f"the ParentTree has no entry {int(number)} for its page", None
        if mcid >= len(parents) or not isinstance(parents[mcid], pikepdf.Dictionary):
            return f"the ParentTree entry {int(number)} has no element for MCID {mcid}", None
        return "ok", parents[mcid]

    def _form(self, form: tuple[int, int]):
        try:
            return self.pdf.get_object(form)
        except Exception:  # noqa: BLE001
            return None

    # ------------------------------------------------------------ page content

    def marks(self, page: int) -> PageMarks:
        if page not in self._marks:
            marks = PageMarks()
            walker = _ContentWalker(self.pages[page].obj, marks)
            try:
                walker.walk(self.pages[page].obj, self.pages[page].obj.get("/Resources"), None, IDENTITY, 0)
            except Exception as error:  # noqa: BLE001 - a damaged stream is a finding, not a crash
                marks.parse_error = str(error)
            self._marks[page] = marks
        return self._marks[page]

    # ------------------------------------------------------------ text

    def sequence(self, key: ContentKey) -> Sequence | None:
        page, form, mcid = key
        if not 0 <= page < len(self.pages):
            return None
        return self.marks(page).sequences.get((form, mcid))

    def content_text(self, key: ContentKey, direction: str | None = None) -> str:
        """The sequence's text in reading order; right-to-left text, drawn in visual order, is read line by line in
        `direction` ("ltr" or "rtl"; by default the document's language's)."""
        direction = direction or self.direction
        if (key, direction) not in self._texts:
            sequence = self.sequence(key)
            text = self.decode(sequence.pieces) if sequence is not None else ""
            if has_right_to_left(text):
                text = "".join(reading_order(self.glyphs(line), direction) for line in _lines(sequence))
            self._texts[key, direction] = text
        return self._texts[key, direction]

    def decode(self, pieces: list) -> str:
        return "".join(self.glyphs(pieces, whole=True))

    def glyphs(self, pieces: list, whole: bool = False) -> list[str]:
        """The text of each glyph shown (of each string shown, when `whole`), a space for a gap between words."""
        from outloud.fonts import font_info

        parts = []
        for font, operand in pieces:
            decoder, width = None, 1
            if isinstance(font, pikepdf.Dictionary):
                key = font.objgen if font.objgen != (0, 0) else (id(font),)
                if key not in self._fonts:
                    self._fonts[key] = font_info(font, key)
                decoder, width = self._fonts[key].decode, max(self._fonts[key].code_width, 1)
            for item in operand if isinstance(operand, pikepdf.Array) else [operand]:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    codes = [raw] if whole else [raw[start:start + width] for start in range(0, len(raw), width)]
                    parts.extend(decoder(code) if decoder else code.decode("latin-1", "replace") for code in codes)
                elif isinstance(item, int | Decimal) and item <= WORD_GAP:
                    parts.append(" ")
        return parts

    @cached_property
    def direction(self) -> str:
        return text_direction(self.lang or "en")

    def direction_of(self, element: Element) -> str:
        """The direction of the element's language: its own /Lang, else its nearest ancestor's, else the document's."""
        for tagged in (element, *element.ancestors()):
            if tagged.lang:
                return text_direction(tagged.lang)
        return self.direction

    def text(self, element: Element) -> str:
        """The element's text in reading order. Where a piece starts on a new line a space is assumed (layout
        engines draw none at a line break) unless the line ended in a hyphen; /ActualText replaces the text."""
        if element.actual_text is not None:
            return element.actual_text
        text, previous = "", None
        direction = self.direction_of(element)
        for key in element.content_in_order(NOT_PART_OF_THE_TEXT):
            piece = self.content_text(key, direction)
            sequence = self.sequence(key)
            if sequence is not None and sequence.baselines:
                first = (key[0], sequence.baselines[0], sequence.font_size)
                if previous is not None and text and not text.endswith((" ", "-", "\u2010")) and not piece.startswith(
                    " "
                ) and (first[0] != previous[0] or _moved_line(previous[1], first[1], first[2])):
                    text += " "
                previous = (key[0], sequence.baselines[-1], sequence.font_size)
            text += piece
        return text


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(first: Matrix, second: Matrix) -> Matrix:
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


class _ContentWalker:
    """One page's content streams (and the forms they draw), keeping only marked content, what is shown inside
    it, and where each shown string's line sits (its baseline in page space, for line breaks and margins)."""

    def __init__(self, page: pikepdf.Dictionary, marks: PageMarks) -> None:
        self.marks = marks
        self.stack: list[tuple[str, tuple | None, bool]] = []  # (tag, sequence key or None, inside an artifact)
        self.seen_forms = {page.objgen}

    def walk(self, stream, resources, form, ctm: Matrix, depth: int) -> None:
        opened = 0
        saved: list[Matrix] = []
        font, size, leading = None, 0.0, 0.0
        text_matrix = line_matrix = IDENTITY
        for operands, operator in pikepdf.parse_content_stream(stream, CONTENT_OPERATORS):
            op = str(operator)
            if op in ("BDC", "BMC"):
                self._begin(op, operands, resources, form)
                opened += 1
            elif op == "EMC":
                if opened:
                    self.stack.pop()
                    opened -= 1
            elif op == "q":
                saved.append(ctm)
            elif op == "Q":
                ctm = saved.pop() if saved else ctm
            elif op == "cm" and len(operands) == 6:
                ctm = _multiply(tuple(float(value) for value in operands), ctm)
            elif op == "BT":
                text_matrix = line_matrix = IDENTITY
            elif op == "Tf" and len(operands) >= 2:
                fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
                font = fonts.get(str(operands[0])) if isinstance(fonts, pikepdf.Dictionary) else None
                size = abs(float(operands[1]))
            elif op == "TL" and operands:
                leading = float(operands[0])
            elif op == "Tm" and len(operands) == 6:
                text_matrix = line_matrix = tuple(float(value) for value in operands)
            elif op in ("Td", "TD", "T*", "'", '"'):
                tx, ty = (float(operands[0]), float(operands[1])) if op in ("Td", "TD") else (0.0, -leading)
                if op == "TD":
                    leading = -ty
                text_matrix = line_matrix = _multiply((1.0, 0.0, 0.0, 1.0, tx, ty), line_matrix)
            if op in ("Tj", "TJ", "'", '"') and operands:
                placed = _multiply(text_matrix, ctm)
                scale = (placed[2] ** 2 + placed[3] ** 2) ** 0.5 or 1.0
                # Kept as the operand (a string or a TJ array): decoded only when someone asks for the text.
                self._show((font, operands[-1]), placed[5], size * scale)
            elif op == "Do" and operands:
                self._draw(resources, str(operands[0]), form, ctm, depth)
            elif op in PAINT_OPERATORS:
                target = _current(self.stack)
                if target is not None:
                    self.marks.sequences[target].painted += 1
                elif not self._in_artifact():
                    self.marks.untagged_paths += 1
        while opened:
            self.stack.pop()
            opened -= 1

    def _in_artifact(self) -> bool:
        return any(entry[2] for entry in self.stack)

    def _begin(self, op: str, operands, resources, form) -> None:
        tag = str(operands[0])[1:] if operands else "?"
        mcid = None
        if op == "BDC" and len(operands) > 1:
            properties = operands[1]
            if isinstance(properties, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
                named = resources.get("/Properties")
                properties = named.get(str(properties)) if isinstance(named, pikepdf.Dictionary) else None
            if isinstance(properties, pikepdf.Dictionary) and isinstance(properties.get("/MCID"), int):
                mcid = int(properties.get("/MCID"))
        in_artifact = self._in_artifact()
        key = None
        if mcid is not None:
            key = (form, mcid)
            self.marks.sequences.setdefault(key, Sequence(in_artifact))
        self.stack.append((tag, key, in_artifact or tag == "Artifact"))

    def _show(self, piece: tuple, baseline: float, size: float) -> None:
        target = _current(self.stack)
        if target is not None:
            sequence = self.marks.sequences[target]
            sequence.pieces.append(piece)
            sequence.baselines.append(baseline)
            sequence.font_size = max(sequence.font_size, size)
            sequence.painted += 1
        elif not self._in_artifact():
            self.marks.untagged_text.append(piece)

    def _draw(self, resources, name: str, form, ctm: Matrix, depth: int) -> None:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        xobject = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobject, pikepdf.Stream):
            return
        if xobject.get("/Subtype") == "/Image":
            target = _current(self.stack)
            if target is not None:
                self.marks.sequences[target].painted += 1
            elif not self._in_artifact():
                self.marks.untagged_images += 1
        elif xobject.get("/Subtype") == "/Form" and depth < MAX_FORM_DEPTH and xobject.objgen not in self.seen_forms:
            # A form's own MCIDs are keyed by the form's stream; its other content belongs to whatever marked
            # content is open around the Do.
            self.seen_forms.add(xobject.objgen)
            inner = xobject.objgen if "/StructParents" in xobject else form
            own = xobject.get("/Resources")
            matrix = xobject.get("/Matrix")
            placed = _multiply(tuple(float(v) for v in matrix), ctm) if isinstance(matrix, pikepdf.Array) and len(
                matrix) == 6 else ctm
            self.walk(xobject, own if own is not None else resources, inner, placed, depth + 1)
            self.seen_forms.discard(xobject.objgen)


def _current(stack: list) -> tuple | None:
    """The innermost open MCID's key, unless an artifact is open inside it."""
    for _tag, key, artifact in reversed(stack):
        if key is not None:
            return key
        if artifact:
            return None
    return None


def _array(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _lines(sequence: Sequence) -> list[list]:
    """A sequence's pieces, line by line (a new baseline starts a line)."""
    lines: list[list] = []
    previous = None
    for piece, baseline in zip(sequence.pieces, sequence.baselines, strict=True):
        if not lines or _moved_line(previous, baseline, sequence.font_size):
            lines.append([])
        lines[-1].append(piece)
        previous = baseline
    return lines


def _moved_line(baseline: float, next_baseline: float, font_size: float) -> bool:
    """Whether text on `next_baseline` is on another line than text on `baseline`: moved by over half a line."""
    return abs(next_baseline - baseline) > 0.5 * max(font_size, 1.0)


def _text_value(value) -> str | None:
    if value is None:
        return None
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - an undecodable string is as good as none
        return None
