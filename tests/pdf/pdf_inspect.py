"""Reading a finished PDF back, independently of the writer: the structure tree through pikepdf, and the text
of each marked-content sequence through outloud's content-stream parser (its own ToUnicode decoding)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pikepdf
from outloud.model import Document, StructElem


class TaggedPdf:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc = Document(str(path))
        self.pdf = self.doc.pdf

    @cached_property
    def elements(self) -> list[StructElem]:
        return self.doc.elements

    def of_type(self, *types: str) -> list[StructElem]:
        return [element for element in self.elements if element.type_raw in types]

    def mcid_text(self, page: int, mcid: int) -> str:
        return self.doc.content(page).mcid_text.get((None, mcid), "")

    def refs(self, element: StructElem) -> list[tuple[int, int]]:
        """(page, MCID) of the element's content and its descendants', in structure order."""
        found = [(ref.page, ref.mcid) for ref in element.mcrefs if ref.page is not None]
        for child in element.children:
            found += self.refs(child)
        return found

    def own_text(self, element: StructElem) -> str:
        return self._join([(ref.page, ref.mcid) for ref in element.mcrefs if ref.page is not None])

    def text(self, element: StructElem) -> str:
        """The element's text in structure order. A sequence that starts on a new line counts as after a space
        (WeasyPrint does not draw the space at a line break), as text extraction by position would read it."""
        return self._join(self.refs(element))

    def _join(self, refs: list[tuple[int, int]]) -> str:
        text, previous_box = "", None
        for page, mcid in refs:
            piece = self.mcid_text(page, mcid)
            box = self.doc.content(page).mcid_bbox.get((None, mcid))
            new_line = previous_box is not None and box is not None and (
                page != previous_box[0] or abs(box[1] - previous_box[1][1]) > 2)
            if new_line and text and not text.endswith(" ") and not piece.startswith(" "):
                text += " "
            text += piece
            if box is not None:
                previous_box = (page, box)
        return text

    def pages_of(self, element: StructElem) -> set[int]:
        pages = {ref.page for ref in element.mcrefs if ref.page is not None}
        for child in element.children:
            pages |= self.pages_of(child)
        return pages

    def artifact_text(self, page: int) -> str:
        return " ".join(run.text for run in self.doc.content(page).artifact_runs())

    def page_count(self) -> int:
        return len(self.pdf.pages)

    def reachable_objgens(self) -> set[tuple[int, int]]:
        return {element.objgen for element in self.elements}

    def parent_tree(self) -> dict[int, pikepdf.Object]:
        """ParentTree key -> value (a flat Nums array, as WeasyPrint and our repair write it, or a balanced
        number tree, as the packet merge writes it)."""
        return dict(pikepdf.NumberTree(self.pdf.Root.StructTreeRoot.ParentTree).items())


def squash(text: str) -> str:
    return " ".join(text.split())
