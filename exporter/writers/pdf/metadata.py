"""Document metadata: the Info dictionary and one XMP packet that agree with each other (PDF/A requires it),
built from the model instead of WeasyPrint's (whose XMP lacks dc:source, dc:rights, dc:language and dates).

For --pdf-profile archive the packet carries both identifications, PDF/A-3a and PDF/UA-1, and declares the
pdfuaid schema as a PDF/A extension schema. The metadata stream is written uncompressed (PDF/A checkers flag a
compressed one).
"""

from __future__ import annotations

from datetime import datetime

import pikepdf
from pikepdf import Dictionary, Name

from exporter.identity import build_time, document_uuid
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.provenance import URL_FOUND, rights_statement
from exporter.xmltext import escape

PRODUCER_PREFIX = "WeasyPrint"
CREATOR_TOOL = "gov-article-exporter"

_PDFUA_EXTENSION_SCHEMA = """
  <rdf:Description rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Part of ISO 14289 (PDF/UA) the file conforms to</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>"""


def pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def author_line(document: Article | Packet) -> str | None:
    """Info /Author and dc:creator: the byline of an article, the issuing office of a packet."""
    if isinstance(document, Packet):
        return document.office or None
    if document.byline is None:
        return None
    text = document.byline.text()
    return text or None


def description(document: Article | Packet) -> str | None:
    return document.subtitle if isinstance(document, Packet) else document.dek


def keywords(document: Article | Packet) -> list[str]:
    """An article's keywords; a packet's: those of its articles, each once, in order of appearance."""
    if isinstance(document, Article):
        return list(document.keywords)
    return list(dict.fromkeys(word for article in document.articles for word in article.keywords))


def rights(document: Article | Packet) -> str | None:
    """The rights statement; for a packet only when every article has the same one (a single statement
    would otherwise misstate the rights of some articles)."""
    if isinstance(document, Article):
        return rights_statement(document)
    statements = {rights_statement(article) for article in document.articles}
    return statements.pop() if len(statements) == 1 else None


def languages(document: Article | Packet) -> list[str]:
    """dc:language: the document's language first, then (for a packet) each other article language once."""
    found = [document.language]
    if isinstance(document, Packet):
        found += [article.language for article in document.articles]
    return list(dict.fromkeys(found))


def published(document: Article | Packet) -> str | None:
    return document.date if isinstance(document, Packet) else document.published


def source_url(document: Article | Packet) -> str | None:
    return document.source.url if isinstance(document, Article) else None


def _alt(tag: str, text: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{tag}>'


def xmp_packet(document: Article | Packet, options: BuildOptions, producer: str) -> bytes:
    moment = build_time(document)
    identifier = document_uuid(document)
    author = author_line(document)
    rights_text = rights(document)
    words = keywords(document)
    dc: list[str] = ["<dc:format>application/pdf</dc:format>", _alt("dc:title", document.title)]
    if author:
        # One entry: PDF/A requires dc:creator to match the Info /Author string.
        dc.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>")
    if description(document):
        dc.append(_alt("dc:description", description(document)))
    if source_url(document):
        dc.append(f"<dc:source>{escape(source_url(document))}</dc:source>")
    if rights_text:
        dc.append(_alt("dc:rights", rights_text))
    spoken = "".join(f"<rdf:li>{escape(language)}</rdf:li>" for language in languages(document))
    dc.append(f"<dc:language><rdf:Bag>{spoken}</rdf:Bag></dc:language>")
    if published(document):
        dc.append(f"<dc:date><rdf:Seq><rdf:li>{escape(published(document))}</rdf:li></rdf:Seq></dc:date>")
    if words:
        items = "".join(f"<rdf:li>{escape(word)}</rdf:li>" for word in words)
        dc.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    pdf_props = [f"<pdf:Producer>{escape(producer)}</pdf:Producer>"]
    if words:
        pdf_props.append(f"<pdf:Keywords>{escape(', '.join(words))}</pdf:Keywords>")
    ids = ["<pdfuaid:part>1</pdfuaid:part>"]
    if options.pdf_profile == "archive":
        ids += ["<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>A</pdfaid:conformance>"]
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   {"".join(dc)}
   <xmp:CreateDate>{xmp_date(moment)}</xmp:CreateDate>
   <xmp:ModifyDate>{xmp_date(moment)}</xmp:ModifyDate>
   <xmp:MetadataDate>{xmp_date(moment)}</xmp:MetadataDate>
   <xmp:CreatorTool>{CREATOR_TOOL}</xmp:CreatorTool>
   <xmpMM:DocumentID>{escape(identifier.urn)}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{escape(identifier.urn)}</xmpMM:InstanceID>
   {"".join(pdf_props)}
   {"".join(ids)}
  </rdf:Description>{_PDFUA_EXTENSION_SCHEMA if options.pdf_profile == "archive" else ""}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    return body.encode("utf-8")


def write_metadata(pdf: pikepdf.Pdf, document: Article | Packet, options: BuildOptions) -> None:
    import weasyprint

    producer = f"{PRODUCER_PREFIX} {weasyprint.__version__}"
    moment = build_time(document)
    info = Dictionary(
        Title=pikepdf.String(document.title),
        Creator=pikepdf.String(CREATOR_TOOL),
        Producer=pikepdf.String(producer),
        CreationDate=pikepdf.String(pdf_date(moment)),
        ModDate=pikepdf.String(pdf_date(moment)),
    )
    author = author_line(document)
    if author:
        info.Author = pikepdf.String(author)
    if description(document):
        info.Subject = pikepdf.String(description(document))
    words = keywords(document)
    if words:
        info.Keywords = pikepdf.String(", ".join(words))
    found = URL_FOUND.get(document.source.url_from or "") if isinstance(document, Article) else None
    if found and source_url(document):
        # A custom entry (no XMP counterpart is defined for it, so PDF/A asks for none).
        info[Name("/SourceURLFound")] = pikepdf.String(found)
    pdf.trailer.Info = pdf.make_indirect(info)
    stream = pikepdf.Stream(pdf, xmp_packet(document, options, producer))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)
    pdf.Root.Lang = pikepdf.String(document.language)
