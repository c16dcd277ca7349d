"""Document metadata: the Info dictionary and one XMP packet that agree with each other (PDF/A requires it),
built from the model instead of WeasyPrint's (whose XMP lacks dc:source, dc:rights, dc:language and dates).

For --pdf-profile archive the packet carries both identifications, PDF/A-3a and PDF/UA-1, and declares the
pdfuaid schema as a PDF/A extension schema. The metadata stream is written uncompressed (PDF/A checkers flag a
compressed one).
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Dictionary, Name

from exporter.identity import build_time, document_uuid
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.provenance import rights_statement

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


def author_line(article: Article) -> str | None:
    if article.byline is None:
        return None
    text = article.byline.text()
    return text or None


def _alt(tag: str, text: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{tag}>'


def xmp_packet(article: Article, options: BuildOptions, producer: str) -> bytes:
    moment = build_time(article)
    identifier = document_uuid(article)
    author = author_line(article)
    rights = rights_statement(article)
    dc: list[str] = ["<dc:format>application/pdf</dc:format>", _alt("dc:title", article.title)]
    if author:
        # One entry: PDF/A requires dc:creator to match the Info /Author string.
        dc.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>")
    if article.dek:
        dc.append(_alt("dc:description", article.dek))
    if article.source.url:
        dc.append(f"<dc:source>{escape(article.source.url)}</dc:source>")
    if rights:
        dc.append(_alt("dc:rights", rights))
    dc.append(f"<dc:language><rdf:Bag><rdf:li>{escape(article.language)}</rdf:li></rdf:Bag></dc:language>")
    if article.published:
        dc.append(f"<dc:date><rdf:Seq><rdf:li>{escape(article.published)}</rdf:li></rdf:Seq></dc:date>")
    if article.keywords:
        items = "".join(f"<rdf:li>{escape(word)}</rdf:li>" for word in article.keywords)
        dc.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    pdf_props = [f"<pdf:Producer>{escape(producer)}</pdf:Producer>"]
    if article.keywords:
        pdf_props.append(f"<pdf:Keywords>{escape(', '.join(article.keywords))}</pdf:Keywords>")
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


def write_metadata(pdf: pikepdf.Pdf, article: Article, options: BuildOptions) -> None:
    import weasyprint

    producer = f"{PRODUCER_PREFIX} {weasyprint.__version__}"
    moment = build_time(article)
    info = Dictionary(
        Title=pikepdf.String(article.title),
        Creator=pikepdf.String(CREATOR_TOOL),
        Producer=pikepdf.String(producer),
        CreationDate=pikepdf.String(pdf_date(moment)),
        ModDate=pikepdf.String(pdf_date(moment)),
    )
    author = author_line(article)
    if author:
        info.Author = pikepdf.String(author)
    if article.dek:
        info.Subject = pikepdf.String(article.dek)
    if article.keywords:
        info.Keywords = pikepdf.String(", ".join(article.keywords))
    pdf.trailer.Info = pdf.make_indirect(info)
    stream = pikepdf.Stream(pdf, xmp_packet(article, options, producer))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)
    pdf.Root.Lang = pikepdf.String(article.language)

