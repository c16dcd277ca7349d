"""Checks of EPUB files: EPUBCheck and DAISY Ace, our structure checks of each content document, the alt-text
rules, and the facts read from the content documents in spine order.

The package is read once within the importers' limits (`archive.open_package`), before any validator sees it.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from lxml import etree

from exporter.checks.alt_check import alt_text_result
from exporter.checks.archive import UnreadableFile, open_package
from exporter.checks.facts import DocumentFacts
from exporter.checks.markup import figure_elements, page_facts, parse_page, structure_findings
from exporter.checks.report import CheckResult, Finding, Inspection
from exporter.errors import ExportError

FORMAT = "EPUB"
OPF = "{http://www.idpf.org/2007/opf}"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def inspect(paths: list[Path]) -> dict[Path, Inspection]:
    from exporter.checks.epub_validators import validate_epubs

    inspections: dict[Path, Inspection] = {}
    for path, outcomes in validate_epubs(paths).items():
        results = [
            CheckResult(
                outcome.validator if not outcome.version else f"{outcome.validator} {outcome.version}",
                path,
                outcome.status,
                [validator_finding(outcome.validator, text) for text in outcome.findings],
                outcome.notes,
                outcome.reason,
            )
            for outcome in outcomes
        ]
        # Our own reading of each content document: Ace accepts alt="" anywhere (it cannot know the image is
        # not decorative); we know from the figure's markup.
        try:
            documents = content_documents(path)
        except UnreadableFile as error:
            results.append(CheckResult("structure", path, "unreadable", reason=str(error)))
            inspections[path] = Inspection(results, None)
            continue
        findings, found, first_figure = [], [], 1
        for name, root in documents:
            findings += structure_findings(root, page_name=name, prefix=FORMAT, first_figure=first_figure)
            first_figure += len(figure_elements(root))
            found += page_facts(root)
        results.append(CheckResult.from_findings("structure", path, findings))
        results.append(alt_text_result(path, FORMAT, found))
        inspections[path] = Inspection(results, found)
    return inspections


def facts(path: Path) -> list[DocumentFacts]:
    """What the book says, without validating it (raises UnreadableFile)."""
    return [found for _, root in content_documents(path) for found in page_facts(root)]


def validator_finding(validator: str, text: str) -> Finding:
    """EPUBCheck lines read "SEVERITY ID: ..." (code EPUBCHECK-ID), Ace lines "IMPACT RULE in ..." (ACE-RULE)."""
    parts = text.split(" ", 2)
    rule = parts[1].rstrip(":") if len(parts) > 1 else "MESSAGE"
    return Finding(f"{'EPUBCHECK' if validator == 'EPUBCheck' else 'ACE'}-{rule}", text)


def content_documents(path: Path) -> list[tuple[str, etree._Element]]:
    """The XHTML content documents in reading order (part name, parsed root), without the navigation document."""
    package = open_package(path)
    try:
        container = package.xml("META-INF/container.xml")
        opf_path = container.find(f".//{CONTAINER}rootfile").get("full-path")
        opf = package.xml(opf_path)
        folder = posixpath.dirname(opf_path)
        manifest = {item.get("id"): item for item in opf.iter(f"{OPF}item")}
        documents = []
        for itemref in opf.iter(f"{OPF}itemref"):
            item = manifest[itemref.get("idref")]
            if "nav" in (item.get("properties") or "").split():
                continue
            if item.get("media-type") == "application/xhtml+xml":
                name = posixpath.normpath(posixpath.join(folder, item.get("href")))
                documents.append((name, parse_page(package.parts[name], xhtml=True)))
        return documents
    except ExportError as error:
        raise UnreadableFile(error.problem) from None
    except (KeyError, AttributeError, etree.XMLSyntaxError) as error:
        raise UnreadableFile(f"not a readable EPUB package ({error})") from None
