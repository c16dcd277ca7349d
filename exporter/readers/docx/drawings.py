"""What a drawing in a run holds: pictures (with their alt text), text boxes (whose paragraphs the scanner reads
as blocks after the anchoring paragraph), and objects without pictures (charts, SmartArt, shapes, embedded
objects), which are counted so the reader can say what it converted or left out.

DrawingML (`w:drawing`) and legacy VML (`w:pict`, `w:object`) are both read. The walk never enters a text
box's content: pictures inside a text box are found when its paragraphs are scanned, so each is read once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from exporter.readers.docx.package import Package, Relationship
from exporter.readers.docx.styles import w

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DIAGRAM_NS = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WPG_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
WPC_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
ADEC_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
# VML elements that draw something (a picture when they hold v:imagedata, a text box when they hold one).
VML_SHAPES = {f"{{{V_NS}}}{name}" for name in ("shape", "rect", "roundrect", "oval", "line", "polyline", "arc")}


@dataclass
class Drawing:
    """A picture: its alt text, title and name as the DOCX gives them, and where its image is."""

    descr: str | None
    title: str | None
    name: str | None
    decorative: bool
    target: str | None  # package part name of the image
    external: str | None  # a linked (not embedded) image's URL
    width: int
    height: int


@dataclass
class DrawingContent:
    pictures: list[Drawing] = field(default_factory=list)
    text_boxes: list[etree._Element] = field(default_factory=list)  # w:txbxContent, in document order
    # Text that stands for an object without a picture: a chart's alt text, a SmartArt diagram's text.
    texts: list[str] = field(default_factory=list)


class DrawingReader:
    def __init__(self, package: Package, rels: dict[str, Relationship], counts: Counter[str]) -> None:
        self.package = package
        self.rels = rels
        self.counts = counts

    def read(self, element: etree._Element) -> DrawingContent:
        """A `w:drawing`, `w:pict` or `w:object` run child."""
        content = DrawingContent()
        if element.tag == w("drawing"):
            for frame in element:
                if frame.tag in (f"{{{WP_NS}}}inline", f"{{{WP_NS}}}anchor"):
                    self._frame(frame, content)
        elif element.tag == w("object") and element.find(f"{{{O_NS}}}OLEObject") is not None:
            self.counts["embedded_object"] += 1
        else:
            self._vml(element, content)
        return content

    # ------------------------------------------------------------ DrawingML

    def _frame(self, frame: etree._Element, content: DrawingContent) -> None:
        doc_pr = frame.find(f"{{{WP_NS}}}docPr")
        data = frame.find(f"{{{A_NS}}}graphic/{{{A_NS}}}graphicData")
        if data is None:
            return
        uri = data.get("uri", "")
        if doc_pr is not None and doc_pr.find(f"{{{A_NS}}}hlinkClick") is not None:
            self.counts["picture_link"] += 1  # Insert > Link on a picture: the model's pictures link nowhere
        extent = frame.find(f"{{{WP_NS}}}extent")
        size = (_int(extent.get("cx")), _int(extent.get("cy"))) if extent is not None else (0, 0)
        decorative = any(
            (element.get("val") or "").lower() in ("1", "true") for element in frame.iter(f"{{{ADEC_NS}}}decorative")
        )
        frame_facts = _Facts(
            descr=doc_pr.get("descr") if doc_pr is not None else None,
            title=doc_pr.get("title") if doc_pr is not None else None,
            name=doc_pr.get("name") if doc_pr is not None else None,
            decorative=decorative,
            size=size,
        )
        if uri == CHART_NS:
            self._described("chart", frame_facts.descr or frame_facts.title, content)
        elif uri == DIAGRAM_NS:
            self._diagram(data, frame_facts, content)
        elif not self._graphic(data, frame_facts, content, alone=True) and not frame_facts.decorative:
            self._described("shape", frame_facts.descr or frame_facts.title, content)

    def _graphic(self, container: etree._Element, facts: _Facts, content: DrawingContent, *, alone: bool) -> bool:
        """Pictures and text boxes in a graphic, a group or a canvas, in document order; False when there was
        neither (a shape)."""
        found = False
        for child in container:
            tag = child.tag
            if tag == f"{{{PIC_NS}}}pic":
                found = self._picture(child, facts, content, alone=alone) or found
            elif tag == f"{{{WPS_NS}}}wsp":
                box = child.find(f"{{{WPS_NS}}}txbx/{w('txbxContent')}")
                if box is not None:
                    content.text_boxes.append(box)
                    found = True
                elif child.find(f".//{{{A_NS}}}blip") is not None:
                    found = self._picture(child, facts, content, alone=alone) or found
            elif tag in (f"{{{WPG_NS}}}wgp", f"{{{WPG_NS}}}grpSp", f"{{{WPC_NS}}}wpc"):
                found = self._graphic(child, facts, content, alone=False) or found
        return found

    def _picture(self, element: etree._Element, facts: _Facts, content: DrawingContent, *, alone: bool) -> bool:
        """A picture (True when it was handled: read, or counted as an empty frame)."""
        blip = next(element.iter(f"{{{A_NS}}}blip"), None)
        if blip is None:
            return False
        own = next(element.iter(f"{{{PIC_NS}}}cNvPr", f"{{{WPS_NS}}}cNvPr"), None)
        own_descr = own.get("descr") if own is not None else None
        # A picture alone in its frame is described by the frame (Word's alt text dialog writes docPr; pandoc
        # puts the image's file name in the picture's own cNvPr); in a group each picture has its own
        # description, the group's only when it has none.
        descr = facts.descr if alone else (own_descr or facts.descr)
        embed, link = blip.get(f"{{{R_NS}}}embed"), blip.get(f"{{{R_NS}}}link")
        if not embed and not link and not (descr or "").strip():
            self.counts["empty_picture"] += 1  # a frame with no image and no description shows nothing
            return True
        target, external = self._image_target(embed, link)
        content.pictures.append(
            Drawing(
                descr=descr,
                title=facts.title if alone else (own.get("title") if own is not None else None),
                name=facts.name if alone else (own.get("name") if own is not None else None),
                decorative=facts.decorative,
                target=target,
                external=external,
                width=facts.size[0],
                height=facts.size[1],
            )
        )
        return True

    def _described(self, kind: str, description: str | None, content: DrawingContent) -> None:
        """An object without a picture: its description stands for it, or it is dropped (counted either way)."""
        if description and description.strip():
            content.texts.append(" ".join(description.split()))
            self.counts[f"{kind}_described"] += 1
        else:
            self.counts[f"{kind}_dropped"] += 1

    def _diagram(self, data: etree._Element, facts: _Facts, content: DrawingContent) -> None:
        """SmartArt: the text of its nodes (the data part), one paragraph each; else its alt text."""
        ids = data.find(f"{{{DIAGRAM_NS}}}relIds")
        rel = self.rels.get(ids.get(f"{{{R_NS}}}dm", "")) if ids is not None else None
        texts: list[str] = []
        if rel is not None and not rel.external and self.package.has(rel.target):
            for point in self.package.xml(rel.target).iter(f"{{{DIAGRAM_NS}}}pt"):
                if point.get("type", "node") not in ("node", "asst"):
                    continue  # transitions and presentation points carry no text of their own
                body = point.find(f"{{{DIAGRAM_NS}}}t")
                if body is None:
                    continue
                for paragraph in body.iter(f"{{{A_NS}}}p"):
                    text = " ".join("".join(t.text or "" for t in paragraph.iter(f"{{{A_NS}}}t")).split())
                    if text:
                        texts.append(text)
        if texts:
            content.texts.extend(texts)
            self.counts["smartart_text"] += 1
        else:
            self._described("smartart", facts.descr or facts.title, content)

    # ------------------------------------------------------------ VML

    def _vml(self, container: etree._Element, content: DrawingContent) -> None:
        for child in container:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in VML_SHAPES:
                before = len(content.pictures) + len(content.text_boxes)
                image = child.find(f"{{{V_NS}}}imagedata")
                box = child.find(f"{{{V_NS}}}textbox/{w('txbxContent')}")
                if image is not None:
                    target, external = self._image_target(image.get(f"{{{R_NS}}}id"), None)
                    content.pictures.append(
                        Drawing(
                            descr=child.get("alt"),
                            title=image.get(f"{{{O_NS}}}title"),
                            name=None,
                            decorative=False,
                            target=target,
                            external=external,
                            width=0,
                            height=0,
                        )
                    )
                if box is not None:
                    content.text_boxes.append(box)
                # Legacy WordArt: the shape's text is drawn along a path.
                path = child.find(f"{{{V_NS}}}textpath")
                words = " ".join((path.get("string") or "").split()) if path is not None else ""
                if words:
                    content.texts.append(words)
                    self.counts["wordart"] += 1
                elif len(content.pictures) + len(content.text_boxes) == before:
                    self._described("shape", child.get("alt") or child.get("title"), content)
            elif tag == f"{{{V_NS}}}group":
                self._vml(child, content)

    def _image_target(self, embed: str | None, link: str | None) -> tuple[str | None, str | None]:
        for rel_id in (embed, link):
            if rel_id and rel_id in self.rels:
                rel = self.rels[rel_id]
                if rel.external:
                    return None, rel.target
                return rel.target, None
        return None, None


@dataclass
class _Facts:
    descr: str | None
    title: str | None
    name: str | None
    decorative: bool
    size: tuple[int, int]


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
