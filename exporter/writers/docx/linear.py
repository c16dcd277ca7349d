"""python-docx's document-growing calls, without the scans that made a packet's DOCX quadratic.

For each new paragraph or table python-docx looks for the body's section properties among all the body's
children (a table also finds the page width through every paragraph's section properties) and resolves the
style name by walking every style; for each picture it hashes every image already in the package, reads every id
in the document and compares every relationship of the part. Here each of those is found once and remembered.
The XML written is the same as python-docx writes: same ids, same names, same order."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.parser import OxmlElement
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.parts.image import ImagePart
from docx.table import Table
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.styles.style import BaseStyle
    from docx.text.run import Run


class LinearDocument:
    """One python-docx document grown through these calls (and python-docx's own for everything inside a
    paragraph or table)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.part = doc.part
        body = doc.element.body
        self._body = body
        # The body's section properties stay its last child: new paragraphs go just before them.
        self._section_properties = body.sectPr
        self._style_ids: dict[object, str | None] = {}
        # Pictures by the sha256 of their bytes (python-docx's sha1 lookup gives the same part for the same bytes).
        self._pictures: dict[str, tuple[str, Image]] = {}
        self._image_parts = self.part.package.image_parts
        self._next_shape_id = self._largest_shape_id() + 1
        self._relations: dict[int, PartRelations] = {}

    def paragraph(self, text: str = "", style: str | BaseStyle | None = None) -> Paragraph:
        """`Document.add_paragraph(text, style)`."""
        p = OxmlElement("w:p")
        self._append(p)
        paragraph = Paragraph(p, self.doc._body)
        if text:
            paragraph.add_run(text)
        if style is not None:
            p.style = self.style_id(style)
        return paragraph

    def table(self, columns: int, width: int) -> Table:
        """`Document.add_table(rows=0, cols=columns)` in a document whose text column is `width` wide."""
        tbl = CT_Tbl.new_tbl(0, columns, width)
        self._append(tbl)
        table = Table(tbl, self.doc._body)
        table.style = None
        return table

    def last_element(self) -> BaseOxmlElement | None:
        """The body's last element before its section properties: `added_after` it gives what was added since
        (counting the body's children would walk them all: lxml keeps no count)."""
        if self._section_properties is not None:
            return self._section_properties.getprevious()
        return next(reversed(self._body), None)

    def added_after(self, mark: BaseOxmlElement | None) -> list[BaseOxmlElement]:
        """The body's elements after `mark` (from `last_element`), up to its section properties."""
        element = mark.getnext() if mark is not None else next(iter(self._body), None)
        added = []
        while element is not None and element is not self._section_properties:
            added.append(element)
            element = element.getnext()
        return added

    def _append(self, element: BaseOxmlElement) -> None:
        if self._section_properties is not None:
            self._section_properties.addprevious(element)
        else:
            self._body.append(element)

    def style_id(self, style: str | BaseStyle) -> str | None:
        """The paragraph style's id as python-docx resolves it (None for the default style). Styles are all in
        place before the first paragraph, so a name always resolves the same way."""
        key = style if isinstance(style, str) else ("style", style.style_id)
        if key not in self._style_ids:
            self._style_ids[key] = self.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[key]

    def picture(self, run: Run, data: bytes, digest: str, width: int | None, height: int | None = None) -> None:
        """`run.add_picture(io.BytesIO(data), width=width, height=height)`; `digest` identifies the bytes."""
        found = self._pictures.get(digest)
        if found is None:
            image = Image.from_file(io.BytesIO(data))
            partname = PackURI(f"/word/media/image{len(self._image_parts) + 1}.{image.ext}")
            image_part = ImagePart.from_image(image, partname)
            self._image_parts.append(image_part)
            found = self._pictures[digest] = (self.relate(self.part, RT.IMAGE, image_part), image)
        rid, image = found
        cx, cy = image.scaled_dimensions(width, height)
        inline = CT_Inline.new_pic_inline(self._next_shape_id, rid, image.filename, cx, cy)
        self._next_shape_id += 1
        run._r.add_drawing(inline)

    def relate(self, part: Part, reltype: str, target: object, *, external: bool = False) -> str:
        """`part.relate_to(target, reltype, is_external=external)`: the id of the relationship from `part` (the
        document, or its footnotes) to `target` (a part, or a URL when `external`)."""
        relations = self._relations.get(id(part))
        if relations is None:
            relations = self._relations[id(part)] = PartRelations(part)
        return relations.relate(reltype, target, external)

    def _largest_shape_id(self) -> int:
        """What python-docx's `next_id` starts from: the largest unqualified `id` in the document."""
        ids = (element.get("id") for element in self.part.element.iter() if element.get("id") is not None)
        return max((int(value) for value in ids if value.isdigit()), default=0)


class PartRelations:
    """One part's relationships by what they point to, and where the search for a free rId stands."""

    def __init__(self, part: Part) -> None:
        self.rels = part.rels
        self.ids = {
            (rel.reltype, rel.target_ref if rel.is_external else rel.target_part, rel.is_external): rel.rId
            for rel in self.rels.values()
        }
        self.number = 1

    def relate(self, reltype: str, target: object, external: bool) -> str:
        """The existing relationship, or a new one with the lowest free rId (as python-docx numbers them)."""
        key = (reltype, target, external)
        rid = self.ids.get(key)
        if rid is None:
            while f"rId{self.number}" in self.rels:
                self.number += 1
            rid = f"rId{self.number}"
            self.rels.add_relationship(reltype, target, rid, is_external=external)
            self.ids[key] = rid
        return rid
