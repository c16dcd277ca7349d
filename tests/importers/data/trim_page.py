"""Trim a saved page for the test data: `python tests/importers/data/trim_page.py SOURCE TARGET [SOURCE TARGET...]`.

Scripts (JSON-LD kept), styles, SVG, comments (HTTrack's note kept), <nav>, <footer> and page chrome go. The most
aggressive trim whose import equals the untrimmed page's (same model JSON, same warnings) is written; a page no
trim keeps identical is an error.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lxml import etree, html

from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.readers.profiles.base import is_chrome
from exporter.serialize import to_json

# Chrome elements are dropped unless they hold one of these (strictest last: None keeps all chrome elements).
KEEP_CHROME_HOLDING = [
    ".//h1",
    ".//h1 | .//iframe | .//video | .//img | .//figure",
    ".//h1 | .//iframe | .//video | .//img | .//figure | .//*[@id]",
    None,
]
DROPPED = ("style", "svg", "noscript", "nav", "footer")
NEVER_CHROME = ("html", "body", "head", "main", "article", "meta", "title")


def droppable(element: html.HtmlElement, keep: str | None) -> bool:
    tag = element.tag
    if tag == "script":
        return (element.get("type") or "").lower() != "application/ld+json"
    if tag in DROPPED or (tag == "link" and "canonical" not in (element.get("rel") or "")):
        return True
    return bool(
        keep
        and tag not in NEVER_CHROME
        and is_chrome(element)
        and "header_banner" not in (element.get("class") or "")
        and not element.xpath(keep)
    )


def trim(data: bytes, keep: str | None) -> bytes:
    parser = html.HTMLParser(remove_comments=False, no_network=True)
    root = html.document_fromstring(data.decode("utf-8"), parser=parser)
    for element in list(root.iter()):
        if element.getparent() is None:
            continue
        if element.tag is etree.Comment:
            if "HTTrack" not in (element.text or ""):
                element.drop_tree()
        elif isinstance(element.tag, str) and droppable(element, keep):
            element.drop_tree()
    text = etree.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return re.sub(r"\n\s*\n+", "\n", text).encode("utf-8")


def same_import(original: Path, trimmed: Path) -> bool:
    want = read_document(original, BuildOptions())
    got = read_document(trimmed, BuildOptions())
    warnings = [w.replace(str(original), "") for w in want.warnings]
    return to_json(got.document) == to_json(want.document) and [
        w.replace(str(trimmed), "") for w in got.warnings
    ] == warnings


def main(arguments: list[str]) -> int:
    for source, target in zip(arguments[::2], arguments[1::2], strict=True):
        original, trimmed = Path(source), Path(target)
        for keep in KEEP_CHROME_HOLDING:
            trimmed.write_bytes(trim(original.read_bytes(), keep))
            if same_import(original, trimmed):
                print(trimmed.stat().st_size, trimmed)
                break
        else:
            print(f"{original}: no trim keeps the import identical", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
