"""Word files written by hand in Word's own idiom, for what neither pandoc nor LibreOffice writes: text boxes as
`mc:AlternateContent` (a DrawingML choice and a VML fallback holding the same picture), content controls around
table cells, the table style's header-row flag, Word's two-paragraph drop cap, charts, SmartArt, shapes, embedded
objects, Office Math of every kind, level jumps in numbering, page and column breaks (Ctrl+Enter), nested tables
with paragraphs in their cells, captions numbered by chapter or in letters, legacy WordArt, and the same
document in Strict OOXML.

Each document is a dict of part name to XML text; `package` zips it. The markup follows what Word 2016+ saves
(element order, namespaces, relationship types), trimmed to what each case needs.
"""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = (
    f'xmlns:w="{W}" xmlns:r="{R}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

STYLES = f"""<w:styles xmlns:w="{W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>
<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/><w:basedOn w:val="Normal"/>
<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>
<w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>
<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>
</w:styles>"""

NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2."/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%3."/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="▪"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="0"/>
<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="hybridMultilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="0"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>
<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def p(text: str = "", style: str | None = None, extra_ppr: str = "", runs: str | None = None) -> str:
    """A paragraph: `runs` (raw run markup) or a single run of `text`."""
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + extra_ppr
    body = runs if runs is not None else (r(text) if text else "")
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def li(text: str, num: int, level: int = 0) -> str:
    return p(text, extra_ppr=f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>')


def inline_picture(rel_id: str, number: int, descr: str, name: str = "Picture") -> str:
    return (
        f'<w:drawing><wp:inline><wp:extent cx="914400" cy="457200"/><wp:docPr id="{number}" name="{name} {number}"'
        f' descr="{descr}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="{name} {number}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="457200"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )


def text_box(number: int, content: str, fallback_content: str) -> str:
    """A floating text box as Word saves it: a DrawingML shape, and the same box in VML for older readers."""
    return (
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300"'
        ' distR="114300" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="2743200" cy="1371600"/><wp:wrapSquare wrapText="bothSides"/><wp:docPr id="{number}" '
        f'name="Text Box {number}"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2743200" cy="1371600"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{content}'
        '</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        '</mc:Choice><mc:Fallback><w:pict><v:shape id="TextBox' + str(number) + '" type="#_x0000_t202" '
        'style="width:216pt;height:108pt"><v:textbox><w:txbxContent>' + fallback_content + "</w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"
    )


def document(body: str) -> str:
    return f'<w:document {NAMESPACES}><w:body>{body}<w:sectPr/></w:body></w:document>'


def package(parts: dict[str, str | bytes], relationships: list[tuple[str, str, str]], *, strict: bool = False) -> bytes:
    """Zip the parts with their content types and the document's relationships (id, type, target)."""
    overrides = {
        "word/document.xml": CT_MAIN,
        "word/styles.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
        "word/numbering.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
        "word/footnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        "word/endnotes.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
        "word/charts/chart1.xml": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
        "word/diagrams/data1.xml": "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        "word/embeddings/oleObject1.bin": "application/vnd.openxmlformats-officedocument.oleObject",
    }
    relationship_ns = "http://purl.oclc.org/ooxml/officeDocument/relationships" if strict else REL
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
        + "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
                  if name in parts)
        + "</Types>"
    )
    package_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{relationship_ns}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    document_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="{rel_id}" Type="{relationship_ns}/{kind}" Target="{target}"/>'
                  for rel_id, kind, target in relationships)
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("word/_rels/document.xml.rels", document_rels)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BASE_RELS = [("rIdStyles", "styles", "styles.xml"), ("rIdNumbering", "numbering", "numbering.xml")]


def text_package(body: str) -> bytes:
    """A document of text only: its body, the shared styles and numbering."""
    return package(
        {"word/document.xml": document(body), "word/styles.xml": STYLES, "word/numbering.xml": NUMBERING},
        BASE_RELS,
    )


def textboxes(png: bytes) -> bytes:
    picture = inline_picture("rIdImage", 10, "A radar dish against a clear sky.", name="230214-D-TT977-0483")
    box = (
        p(runs=f"<w:r>{picture}</w:r>")
        + p("Figure 1: The radar site at Thule. Credit: Airman Kim Ode · VIRIN: 230214-D-TT977-0483", "Caption")
    )
    fallback = p(
        runs='<w:r><w:pict><v:shape style="width:72pt;height:36pt"><v:imagedata r:id="rIdImage" o:title=""/>'
        "</v:shape></w:pict></w:r>"
    ) + p("Figure 1: The radar site at Thule. Credit: Airman Kim Ode · VIRIN: 230214-D-TT977-0483", "Caption")
    body = (
        p("Text boxes in a Word draft", "Title")
        + p(runs=r("The site report follows.") + f"<w:r>{text_box(1, box, fallback)}</w:r>")
        + p(runs=r("A sidebar:") + "<w:r>" + text_box(2, p("Sidebar text in a box."), p("Sidebar text in a box."))
            + "</w:r>")
        + p("The end of the report.")
    )
    return package(
        {"word/document.xml": document(body), "word/styles.xml": STYLES, "word/numbering.xml": NUMBERING,
         "word/media/image1.png": png},
        [*BASE_RELS, ("rIdImage", "image", "media/image1.png")],
    )


def content_controls() -> bytes:
    def cell(text: str, wrapped: bool) -> str:
        inner = f"<w:tc><w:tcPr><w:tcW w:w='2000' w:type='dxa'/></w:tcPr>{p(text)}</w:tc>"
        if not wrapped:
            return inner
        return f"<w:sdt><w:sdtPr><w:alias w:val='Field'/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"

    table = (
        "<w:tbl><w:tblPr><w:tblStyle w:val='TableGrid'/><w:tblLook w:val='04A0' w:firstRow='1' w:lastRow='0' "
        "w:firstColumn='1' w:lastColumn='0' w:noHBand='0' w:noVBand='1'/></w:tblPr>"
        "<w:tblGrid><w:gridCol w:w='2000'/><w:gridCol w:w='2000'/><w:gridCol w:w='2000'/></w:tblGrid>"
        f"<w:tr>{cell('Name', False)}{cell('Rank', False)}{cell('Unit', False)}</w:tr>"
        f"<w:tr>{cell('Jane Doe', False)}{cell('Captain', True)}{cell('3rd Wing', False)}</w:tr>"
        f"<w:sdt><w:sdtPr/><w:sdtContent><w:tr>{cell('John Roe', True)}{cell('Major', True)}"
        f"{cell('5th Wing', True)}</w:tr></w:sdtContent></w:sdt>"
        "</w:tbl>"
    )
    toc = (
        "<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/><w:docPartUnique/>"
        f"</w:docPartObj></w:sdtPr><w:sdtContent>{p('Contents')}{p('Personnel ........ 1')}</w:sdtContent></w:sdt>"
    )
    body = (
        p("Personnel form", "Title")
        + toc
        + p(runs=r("Prepared by ") + "<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent>" + r("the duty officer")
            + "</w:sdtContent></w:sdt>" + r("."))
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + p("A paragraph inside a block content control.")
        + "</w:sdtContent></w:sdt>"
        + table
        + p("End of form.")
    )
    return text_package(body)


def tables() -> bytes:
    def row(*cells: str, bold: bool = False, header: bool = False) -> str:
        rpr = "<w:b/>" if bold else ""
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        return "<w:tr>" + trpr + "".join(f"<w:tc>{p(runs=r(c, rpr))}</w:tc>" for c in cells) + "</w:tr>"

    def table(look: str, rows: str) -> str:
        return f"<w:tbl><w:tblPr><w:tblStyle w:val='TableGrid'/>{look}</w:tblPr>{rows}</w:tbl>"

    merged = (
        "<w:tr><w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr>" + p("Alpha") + "</w:tc>"
        "<w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr>" + p("Both columns") + "</w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>" + p() + "</w:tc><w:tc>" + p("Left") + "</w:tc><w:tc>"
        + p("Right") + "</w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:hMerge w:val='restart'/></w:tcPr>" + p("Old-style merge") + "</w:tc>"
        "<w:tc><w:tcPr><w:hMerge/></w:tcPr>" + p() + "</w:tc><w:tc>" + p("Third") + "</w:tc></w:tr>"
    )
    caption_field = (
        r("Table ") + "<w:fldSimple w:instr=' SEQ Table \\* ARABIC '>" + r("1") + "</w:fldSimple>"
        + r(": Fuel by month")
    )
    body = (
        p("Tables as Word writes them", "Title")
        + p("The style's header-row flag, as an attribute:")
        + table("<w:tblLook w:val='04A0' w:firstRow='1' w:lastRow='0' w:firstColumn='1' w:lastColumn='0' "
                "w:noHBand='0' w:noVBand='1'/>",
                row("Month", "Liters") + row("January", "1200") + row("February", "1100"))
        + p(runs=caption_field, style="Caption")
        + p("The same flag in the older hexadecimal form:")
        + table("<w:tblLook w:val='0020'/>", row("Base", "State") + row("Thule", "Greenland"))
        + p("No flag, but a bold first row:")
        + table("<w:tblLook w:val='0000'/>", row("Name", "Post", bold=True) + row("Ode", "Radar"))
        + p("A repeated header row and merged cells:")
        + table("<w:tblLook w:val='0000' w:firstRow='0'/>",
                row("Unit", "A", "B", header=True) + merged)
        + p("A caption above, from a field:")
        + p(runs=r("Table ") + "<w:fldSimple w:instr=' SEQ Table \\* ARABIC '>" + r("2") + "</w:fldSimple>",
            style="Caption")
        + table("<w:tblLook w:firstRow='0'/>", row("x", "1") + row("y", "2"))
        + p("After the tables.")
    )
    return text_package(body)


def drop_cap() -> bytes:
    frame = '<w:framePr w:dropCap="drop" w:lines="3" w:wrap="around" w:vAnchor="text" w:hAnchor="text"/>'
    body = (
        p("A story with a drop cap", "Title")
        + p("O", extra_ppr=frame)
        + p("nce upon a time, a squadron flew north for the winter exercise.")
        + p("The second paragraph has no drop cap.")
        + p("W", extra_ppr='<w:framePr w:dropCap="margin" w:lines="2"/>')
        + p("hen the snow came, the crews were ready.")
    )
    return text_package(body)


def objects(png: bytes) -> bytes:
    def frame(number: int, uri: str, data: str, descr: str = "") -> str:
        alt = f' descr="{descr}"' if descr else ""
        return (
            f'<w:r><w:drawing><wp:inline><wp:extent cx="3000000" cy="2000000"/><wp:docPr id="{number}" '
            f'name="Object {number}"{alt}/><a:graphic><a:graphicData uri="{uri}">{data}</a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r>"
        )

    chart = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    diagram = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
    shape = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    chart_ref = f'<c:chart xmlns:c="{chart}" r:id="rIdChart"/>'
    diagram_ref = (f'<dgm:relIds xmlns:dgm="{diagram}" r:dm="rIdData" r:lo="rIdLayout" r:qs="rIdStyle" '
                   'r:cs="rIdColors"/>')
    data_part = (
        f'<dgm:dataModel xmlns:dgm="{diagram}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<dgm:ptLst><dgm:pt modelId="0" type="doc"><dgm:t><a:p><a:r><a:t>Whole</a:t></a:r></a:p></dgm:t></dgm:pt>'
        '<dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>Plan the mission</a:t></a:r></a:p></dgm:t></dgm:pt>'
        '<dgm:pt modelId="2"><dgm:t><a:p><a:r><a:t>Brief the crews</a:t></a:r></a:p></dgm:t></dgm:pt>'
        '<dgm:pt modelId="3" type="parTrans"><dgm:t><a:p><a:r><a:t>x</a:t></a:r></a:p></dgm:t></dgm:pt>'
        '<dgm:pt modelId="4"><dgm:t><a:p><a:r><a:t>Fly</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>'
    )
    ole = (
        '<w:r><w:object w:dxaOrig="1440" w:dyaOrig="720"><v:shape style="width:72pt;height:36pt">'
        '<v:imagedata r:id="rIdImage" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Equation.3" '
        'ShapeID="_x0000_i1025" DrawAspect="Content" ObjectID="_1" r:id="rIdOle"/></w:object></w:r>'
    )
    body = (
        p("Charts, diagrams and shapes", "Title")
        + p("The chart below has a description.")
        + p(runs=frame(1, chart, chart_ref, "Bar chart: sorties rose from 40 in January to 65 in March."))
        + p("This chart has none.")
        + p(runs=frame(2, chart, chart_ref))
        + p("The process, as a SmartArt diagram:")
        + p(runs=frame(3, diagram, diagram_ref))
        + p(runs=r("An arrow shape without text ") + frame(4, shape,
            '<wps:wsp><wps:spPr><a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></wps:spPr>'
            "<wps:bodyPr/></wps:wsp>"))
        + p(runs=r("An old equation object: ") + ole)
        + p("The end.")
    )
    return package(
        {"word/document.xml": document(body), "word/styles.xml": STYLES, "word/numbering.xml": NUMBERING,
         "word/charts/chart1.xml": f'<c:chartSpace xmlns:c="{chart}"><c:chart/></c:chartSpace>',
         "word/diagrams/data1.xml": data_part, "word/media/image1.png": png,
         "word/embeddings/oleObject1.bin": b"\0" * 64},
        [*BASE_RELS, ("rIdChart", "chart", "charts/chart1.xml"), ("rIdData", "diagramData", "diagrams/data1.xml"),
         ("rIdImage", "image", "media/image1.png"), ("rIdOle", "oleObject", "embeddings/oleObject1.bin")],
    )


def math() -> bytes:
    def mr(text: str) -> str:
        return f"<m:r><m:t>{text}</m:t></m:r>"

    def e(content: str) -> str:
        return f"<m:e>{content}</m:e>"

    nary = ('<m:nary><m:naryPr><m:chr m:val="∑"/></m:naryPr><m:sub>' + mr("i=1") + "</m:sub><m:sup>" + mr("n")
            + "</m:sup>" + e("<m:sSub>" + e(mr("x")) + "<m:sub>" + mr("i") + "</m:sub></m:sSub>") + "</m:nary>")
    square = "<m:sSup>" + e(mr("b")) + "<m:sup>" + mr("2") + "</m:sup></m:sSup>"
    root = "<m:rad><m:radPr><m:degHide m:val='1'/></m:radPr><m:deg/>" + e(square + mr("-4ac")) + "</m:rad>"
    fraction = "<m:f><m:num>" + mr("-b±") + root + "</m:num><m:den>" + mr("2a") + "</m:den></m:f>"
    matrix = ("<m:d>" + e("<m:m><m:mr>" + e(mr("a")) + e(mr("b")) + "</m:mr><m:mr>" + e(mr("c")) + e(mr("d"))
              + "</m:mr></m:m>") + "</m:d>")
    function = "<m:func><m:fName>" + mr("sin") + "</m:fName>" + e(mr("θ")) + "</m:func>"
    limit = ("<m:limLow>" + e(mr("lim")) + "<m:lim>" + mr("n→∞") + "</m:lim></m:limLow>")
    accent = "<m:acc><m:accPr><m:chr m:val='̂'/></m:accPr>" + e(mr("x")) + "</m:acc>"
    prescript = "<m:sPre><m:sub>" + mr("6") + "</m:sub><m:sup>" + mr("14") + "</m:sup>" + e(mr("C")) + "</m:sPre>"
    body = (
        p("Office Math in a Word draft", "Title")
        + p(runs=r("The roots are ") + "<m:oMath>" + mr("x=") + fraction + "</m:oMath>" + r("."))
        + p(runs="<m:oMathPara><m:oMath>" + nary + "</m:oMath></m:oMathPara>")
        + p(runs=r("A matrix ") + "<m:oMath>" + matrix + "</m:oMath>" + r(", a function ") + "<m:oMath>" + function
            + "</m:oMath>" + r(", a limit ") + "<m:oMath>" + limit + "</m:oMath>" + r(", an accent ") + "<m:oMath>"
            + accent + "</m:oMath>" + r(" and an isotope ") + "<m:oMath>" + prescript + "</m:oMath>" + r("."))
    )
    return text_package(body)


def lists() -> bytes:
    body = (
        p("Numbering as Word keeps it", "Title")
        + li("One", 1) + li("A level jump: two levels down at once", 1, 2) + li("Two", 1)
        + p("Text between; the list goes on, as Word numbers it.")
        + li("Three", 1) + li("Four", 1)
        + p("A list numbered by its style (List Number):")
        + p("First by style", "ListNumber") + p("Second by style", "ListNumber")
        + p("A restarted list:")
        + li("Again one", 4) + li("Again two", 4)
        + p("A bulleted list with an empty last item:")
        + li("Bullet", 2) + li("", 2)
        + p("The end.")
    )
    return text_package(body)


PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'


def breaks() -> bytes:
    """Page and column breaks inside paragraphs, as Ctrl+Enter and Ctrl+Shift+Enter leave them."""
    body = (
        p("Breaks inside paragraphs", "Heading1")
        + p(runs=r("Chapter one ends here") + PAGE_BREAK + r("Chapter two starts on a new page."))
        + p(runs='<w:r><w:t>Last words</w:t><w:br w:type="page"/><w:t>first words of the next page.</w:t></w:r>')
        + p(runs='<w:r><w:t>Left column closes</w:t><w:br w:type="column"/><w:t>right column opens.</w:t></w:r>')
        + p(runs=r("A sentence that a page happened ") + "<w:r><w:lastRenderedPageBreak/><w:t>to end in.</w:t></w:r>")
        + "<w:tbl><w:tblGrid><w:gridCol w:w='4000'/></w:tblGrid><w:tr><w:tc>"
        + p(runs='<w:r><w:t>Cell text before</w:t><w:br w:type="page"/><w:t>cell text after.</w:t></w:r>')
        + "</w:tc></w:tr></w:tbl>"
        + p("The end.")
    )
    return text_package(body)


def report_page_breaks() -> bytes:
    """A report whose chapters each start on a new page by a page break (an empty paragraph holding one, one at
    the end of the paragraph before, one before the heading's text): one article, not a packet."""
    body = (
        p("Annual training report", "Title")
        + p("A summary of the year's exercises.")
        + p(runs=PAGE_BREAK)
        + p("Crews arrive at the northern base", "Heading1")
        + p(runs=r("The first crews landed on Monday.") + PAGE_BREAK)
        + p("Radar site comes back on line", "Heading1")
        + p("Technicians finished the repairs.")
        + p(runs=PAGE_BREAK + r("Exercise ends with a flyover"), style="Heading1")
        + p("Twelve aircraft flew over the field.")
    )
    return text_package(body)


def packet_cover() -> bytes:
    """A packet as Word's "page break before" makes one, with a cover in no style but Title: the title on two
    lines (Enter inside it), and a plain paragraph under it."""
    new_page = "<w:pageBreakBefore/>"
    body = (
        p("Press packet for the", "Title") + p("northern exercise", "Title")
        + p("Three releases from the public affairs office.")
        + p("Crews arrive at the northern base", "Heading1", new_page)
        + p("The first crews landed on Monday.")
        + p("Radar site comes back on line", "Heading1", new_page)
        + p("Technicians finished the repairs.")
    )
    return text_package(body)


def nested_cells() -> bytes:
    """A table in a cell whose cells hold several paragraphs, line breaks and a list, and an old-style merged
    cell that still holds text of its own."""
    def cell(*paragraphs: str) -> str:
        return "<w:tc>" + "".join(paragraphs) + "</w:tc>"

    nested = (
        "<w:tbl><w:tblGrid><w:gridCol w:w='2500'/><w:gridCol w:w='2500'/></w:tblGrid>"
        f"<w:tr>{cell(p('Name'), p('Rank'))}{cell(p('Jane Okafor'), p('Colonel'))}</w:tr>"
        f"<w:tr>{cell(p(runs=r('Phone') + '<w:r><w:br/></w:r>' + r('Email')))}"
        f"{cell(p(runs=r('555 0100') + '<w:r><w:br/></w:r>' + r('okafor@example.mil')))}</w:tr>"
        f"<w:tr>{cell(li('Duty one', 1), li('Duty two', 1))}{cell(p('Watch bill'))}</w:tr></w:tbl>"
    )
    merged = (
        "<w:tr><w:tc><w:tcPr><w:hMerge w:val='restart'/></w:tcPr>" + p("Merged start") + "</w:tc>"
        "<w:tc><w:tcPr><w:hMerge/></w:tcPr>" + p("merged continuation text") + "</w:tc></w:tr>"
    )
    body = (
        p("Nested tables with paragraphs", "Heading1")
        + "<w:tbl><w:tblPr><w:tblStyle w:val='TableGrid'/></w:tblPr>"
        "<w:tblGrid><w:gridCol w:w='3000'/><w:gridCol w:w='5000'/></w:tblGrid>"
        f"<w:tr>{cell(p('Officer'))}{cell(p('Contact card'), nested, p())}</w:tr>{merged}</w:tbl>"
        + p("After the table.")
    )
    return text_package(body)


def field(instruction: str, result: str) -> str:
    """A complex field (begin, instruction, separate, result, end) as Word writes Insert Caption's."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r(result) + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def captions(png: bytes) -> bytes:
    """Figure captions as Word's Insert Caption makes them: numbered by chapter (with a non-breaking hyphen, a
    period), in Roman numerals or letters, under another label, and one that starts with a number of its own."""
    def figure(number: int, descr: str, caption_runs: str) -> str:
        return (p(runs=f"<w:r>{inline_picture('rIdImage', number, descr)}</w:r>")
                + p(runs=caption_runs, style="Caption"))

    chapter = field("STYLEREF 1 \\s", "2")
    body = (
        p("Captions numbered every way", "Heading1")
        + figure(1, "Two helicopters on a ship's deck", r("Figure ") + chapter + "<w:r><w:noBreakHyphen/></w:r>"
                 + field("SEQ Figure \\* ARABIC \\s 1", "1") + r(": Helicopters land during the exercise"))
        + figure(2, "A gray ship in a calm bay", r("Figure ") + chapter + r(".")
                 + field("SEQ Figure \\* ARABIC \\s 1", "2") + r(" Ship at anchor in the bay"))
        + figure(3, "A row of trucks on a coast road", r("Figure ") + field("SEQ Figure \\* ROMAN", "III")
                 + r(" \u2013 Convoy on the coastal road"))
        + figure(4, "A checkpoint at dusk", r("Figure ") + field("SEQ Figure \\* alphabetic", "d")
                 + r(": Checkpoint at dusk"))
        + figure(5, "Marines walk up a ramp", r("12 Marines board the aircraft (Figure ")
                 + field("SEQ Figure \\* ARABIC", "5") + r(")"))
        + figure(6, "Open hangar doors at night", r("Photo ") + field("SEQ Photo \\* ARABIC", "1")
                 + r(": Hangar doors open"))
        + figure(7, "A score board", r("Figure ") + field("SEQ Figure \\* ARABIC", "6")
                 + r(":2024 results at the range"))
        + p("The end.")
    )
    return package(
        {"word/document.xml": document(body), "word/styles.xml": STYLES, "word/numbering.xml": NUMBERING,
         "word/media/image1.png": png},
        [*BASE_RELS, ("rIdImage", "image", "media/image1.png")],
    )


def wordart() -> bytes:
    """Legacy WordArt (VML text on a path), and shapes with alt text but no text, in VML and DrawingML."""
    shape = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    arrow = (
        '<w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="457200"/><wp:docPr id="7" name="Arrow 7" '
        f'descr="Arrow pointing to the exit"/><a:graphic><a:graphicData uri="{shape}"><wps:wsp><wps:spPr>'
        '<a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r>"
    )
    body = (
        p("WordArt and described shapes", "Heading1")
        + p("A banner follows.")
        + p(runs='<w:r><w:pict><v:shape type="#_x0000_t136" style="width:300pt;height:40pt">'
            '<v:textpath style="font-family:Impact" string="Welcome Home Troops"/></v:shape></w:pict></w:r>')
        + p(runs=r("A warning sign: ") + '<w:r><w:pict><v:oval style="width:20pt;height:20pt" '
            'alt="Red warning circle" fillcolor="red"/></w:pict></w:r>')
        + p(runs=r("The way out: ") + arrow)
        + p("The end.")
    )
    return text_package(body)


def lists_deeper() -> bytes:
    """Lists that begin a level deeper than they go on, with no item above (one numbered from 0), and one that
    resumes a level down after a paragraph, under the item before."""
    body = (
        p("Lists that begin deeper", "Heading1")
        + li("A lettered item with no item above it", 5, 1) + li("Then a numbered one", 5)
        + li("Second", 5)
        + p("A list numbered from zero:")
        + li("Deeper first", 6, 1) + li("Zero", 6) + li("One", 6)
        + p("A note between the items.")
        + li("Under One, after the note", 6, 1) + li("Two", 6)
        + p("The end.")
    )
    return text_package(body)


def strict() -> bytes:
    """The notes document in Strict OOXML: the same markup under the ISO 29500 Strict namespaces."""
    w_strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    r_strict = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    body = (
        p("A Strict Open XML document", "Title")
        + p(runs=r("Saved by Word as Strict Open XML.") + '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            '<w:footnoteReference w:id="1"/></w:r>' + r(" The text goes on."))
        + li("A listed point", 1) + li("Another point", 1)
    )
    notes = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:footnoteRef/>'
        '</w:r><w:r><w:t xml:space="preserve"> A footnote in a Strict file.</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )

    def strictly(xml: str) -> str:
        return xml.replace(W, w_strict).replace(R, r_strict)

    return package(
        {"word/document.xml": strictly(document(body)), "word/styles.xml": strictly(STYLES),
         "word/numbering.xml": strictly(NUMBERING), "word/footnotes.xml": strictly(notes)},
        [*BASE_RELS, ("rIdNotes", "footnotes", "footnotes.xml")],
        strict=True,
    )


def documents(png: bytes) -> dict[str, bytes]:
    """Every hand-written document, by file stem."""
    return {
        "textboxes": textboxes(png),
        "content-controls": content_controls(),
        "tables": tables(),
        "drop-cap": drop_cap(),
        "objects": objects(png),
        "math": math(),
        "lists": lists(),
        "breaks": breaks(),
        "report-page-breaks": report_page_breaks(),
        "lists-deeper": lists_deeper(),
        "packet-cover": packet_cover(),
        "nested-cells": nested_cells(),
        "captions": captions(png),
        "wordart": wordart(),
        "strict": strict(),
    }
