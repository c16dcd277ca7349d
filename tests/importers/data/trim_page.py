"""Trim a saved page for test data, keeping what the importer reads: scripts (except JSON-LD), styles, SVG,
comments (except HTTrack's), nav/footer and page chrome go. Each level is kept only if the import is identical."""
import re
import sys
from pathlib import Path

from lxml import etree, html

from exporter.readers.profiles.base import is_chrome

GUARDS = [".//h1", ".//h1 | .//iframe | .//video | .//img | .//figure", ".//h1 | .//iframe | .//video | .//img | .//figure | .//*[@id]", None]

def trim(data: bytes, guard) -> bytes:
    text = data.decode("utf-8")
    root = html.document_fromstring(text, parser=html.HTMLParser(remove_comments=False, no_network=True))
    for el in list(root.iter()):
        if el.getparent() is None: continue
        if el.tag is etree.Comment:
            if "HTTrack" not in (el.text or ""):
                el.getparent().remove(el) if el.tail is None else el.drop_tree()
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        if (tag == "script" and (el.get("type") or "").lower() != "application/ld+json") or tag in ("style", "svg", "noscript", "nav", "footer") or (guard and tag and tag not in ("html", "body", "head", "main", "article", "meta", "title") and is_chrome(el) \
                and "header_banner" not in (el.get("class") or "") and not el.xpath(guard)) or (tag == "link" and "canonical" not in (el.get("rel") or "")):
            el.drop_tree()
    out = etree.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return re.sub(r"\n\s*\n+", "\n", out).encode("utf-8")

if __name__ == "__main__":
    from exporter.options import BuildOptions
    from exporter.readers import read_document
    from exporter.serialize import to_json
    for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
        src, dst = Path(src), Path(dst)
        want = read_document(src, BuildOptions())
        for guard in GUARDS:
            dst.write_bytes(trim(src.read_bytes(), guard))
            got = read_document(dst, BuildOptions())
            if to_json(got.document) == to_json(want.document) and [w.replace(str(dst), "") for w in got.warnings] == [w.replace(str(src), "") for w in want.warnings]:
                break
        else:
            raise SystemExit(f"{src}: no trim keeps the import identical")
        print(dst.stat().st_size, dst.name)
