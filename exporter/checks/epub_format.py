"""Checks of EPUB files: EPUBCheck and DAISY Ace; facts read from the content documents in spine order."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from exporter.checks.facts import DocumentFacts
from exporter.checks.markup import page_facts, parse_page, structure_findings
from exporter.checks.report import CheckResult

OPF = "{http://www.idpf.org/2007/opf}"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def validate(paths: list[Path]) -> dict[Path, list[CheckResult]]:
    from exporter.checks.epub_validators import validate_epubs
    from exporter.checks.run import UnreadableFile

    results: dict[Path, list[CheckResult]] = {}
    for path, outcomes in validate_epubs(paths).items():
        results[path] = [
            CheckResult(
                outcome.validator if not outcome.version else f"{outcome.validator} {outcome.version}",
                path,
                outcome.status,
                outcome.findings,
                outcome.notes,
                outcome.reason,
            )
            for outcome in outcomes
        ]
        # Our own reading of each content document: Ace accepts alt="" anywhere (it cannot know the image is
        # not decorative); we know from the figure's markup.
        try:
            findings = [
                finding
                for name, document in content_documents(path, with_names=True)
                for finding in structure_findings(parse_page(document, xhtml=True), page_name=name)
            ]
            results[path].append(CheckResult.from_findings("structure", path, findings))
        except UnreadableFile as error:
            results[path].append(CheckResult("structure", path, "unreadable", reason=str(error)))
    return results


def content_documents(path: Path, *, with_names: bool = False) -> list:
    """The XHTML content documents in reading order, without the navigation document."""
    from exporter.checks.run import UnreadableFile

    try:
        with zipfile.ZipFile(path) as book:
            container = etree.fromstring(book.read("META-INF/container.xml"), SAFE_XML)
            opf_path = container.find(f".//{CONTAINER}rootfile").get("full-path")
            opf = etree.fromstring(book.read(opf_path), SAFE_XML)
            folder = posixpath.dirname(opf_path)
            manifest = {item.get("id"): item for item in opf.iter(f"{OPF}item")}
            documents = []
            for itemref in opf.iter(f"{OPF}itemref"):
                item = manifest[itemref.get("idref")]
                if "nav" in (item.get("properties") or "").split():
                    continue
                if item.get("media-type") == "application/xhtml+xml":
                    name = posixpath.join(folder, item.get("href"))
                    documents.append((name, book.read(name)) if with_names else book.read(name))
            return documents
    except (KeyError, AttributeError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise UnreadableFile(f"not a readable EPUB package ({error})") from None


def facts(path: Path) -> list[DocumentFacts]:
    found: list[DocumentFacts] = []
    for document in content_documents(path):
        found.extend(page_facts(parse_page(document, xhtml=True)))
    return found
