"""Checks of PDF files: page-validation (the veraPDF PDF/UA-1 rule set, and PDF/A when the file claims it), our
structure checks (`pdf_structure`), the alt-text rules, and the facts a screen reader would hear (`pdf_facts`).

The structure tree and the page content are read once, with pikepdf (`pdf_tags`), independently of the writer.
"""

from __future__ import annotations

from pathlib import Path

from exporter.checks.alt_check import alt_text_result
from exporter.checks.archive import UnreadableFile
from exporter.checks.facts import DocumentFacts
from exporter.checks.report import CheckResult, Finding, Inspection

FORMAT = "PDF"


def inspect(paths: list[Path]) -> dict[Path, Inspection]:
    return {path: inspect_one(path) for path in paths}


def inspect_one(path: Path) -> Inspection:
    import pikepdf

    from exporter.checks.pdf_facts import read_facts
    from exporter.checks.pdf_structure import structure_findings
    from exporter.checks.pdf_tags import TaggedPdf

    results = page_validation(path)
    try:
        import outloud.fonts  # noqa: F401 - decodes the text of the tags (ToUnicode, encodings)
    except ImportError as error:
        results.append(CheckResult("structure", path, "not_installed", reason=f"outloud is not installed ({error})"))
        return Inspection(results, None)
    try:
        pdf = pikepdf.open(path)
    except Exception as error:  # noqa: BLE001 - a PDF the parser cannot open is unreadable, whatever the cause
        results.append(CheckResult("structure", path, "unreadable", reason=f"not a readable PDF ({error})"))
        return Inspection(results, None)
    with pdf:
        tagged = TaggedPdf(pdf)
        found, figures = read_facts(tagged)
        results.append(CheckResult.from_findings("structure", path, structure_findings(tagged, figures)))
    results.append(alt_text_result(path, FORMAT, found))
    return Inspection(results, found)


def facts(path: Path) -> list[DocumentFacts]:
    """What the PDF says, without validating it (raises UnreadableFile)."""
    import pikepdf

    from exporter.checks.pdf_facts import read_facts
    from exporter.checks.pdf_tags import TaggedPdf

    try:
        pdf = pikepdf.open(path)
    except Exception as error:  # noqa: BLE001 - a PDF the parser cannot open is unreadable, whatever the cause
        raise UnreadableFile(f"not a readable PDF ({error})") from None
    with pdf:
        return read_facts(TaggedPdf(pdf))[0]


def page_validation(path: Path) -> list[CheckResult]:
    try:
        import page
    except ImportError as error:
        return [CheckResult("page-validation", path, "not_installed", reason=f"page-validation: {error}")]
    profiles = ["ua1"]
    claimed = claimed_pdfa(path)
    if claimed:
        profiles.append(claimed)
    results = []
    for profile in profiles:
        name = f"page-validation {'PDF/UA-1' if profile == 'ua1' else 'PDF/A-' + profile.upper()}"
        try:
            report = page.validate_pdf(str(path.resolve()), profile=profile)
        except Exception as error:  # noqa: BLE001 - the checker's own parse errors: the file is unreadable
            results.append(CheckResult(name, path, "unreadable", reason=str(error)))
            continue
        if report.rules.total == 0:
            results.append(CheckResult(name, path, "crashed", reason="no rule ran"))
            continue
        failures = {(failure.rule_id, failure.message) for failure in report.failures}
        findings = [Finding(f"PAGEVAL-{rule}", f"{rule}: {message}") for rule, message in sorted(failures)]
        results.append(CheckResult.from_findings(name, path, findings))
    return results


def claimed_pdfa(path: Path) -> str | None:
    """The PDF/A profile the file's XMP claims (e.g. '3a'), or None."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            part = meta.get("pdfaid:part")
            conformance = meta.get("pdfaid:conformance")
    except Exception:  # noqa: BLE001 - unreadable files are reported by the other checks
        return None
    if not part:
        return None
    return f"{part}{(conformance or 'b').lower()}"
