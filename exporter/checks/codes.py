"""Every finding code `exporter check` reports, and the JSON Schema of `exporter check --json`
(`exporter schema --check` prints it). Codes are stable: a code keeps its meaning, new checks get new codes.
"""

from __future__ import annotations

ALT_TEXT_RULES = {
    "ALT-FILENAME": "alt text is a file name",
    "ALT-GENERIC": "alt text is a generic word ('photo', 'image at NASA'), not a description",
    "ALT-CAPTION": "alt text only repeats the caption",
    "ALT-LONG": "alt text is over 250 characters",
}
MARKUP_RULES = {  # HTML pages and EPUB content documents: HTML-... and EPUB-...
    "LANG": "the document has no (valid) lang",
    "TITLE": "the document has no <title>",
    "H1": "not exactly one h1",
    "HEADING-SKIP": "a heading level is skipped",
    "IMG-ALT-MISSING": "an image has no alt attribute",
    "IMG-ALT-EMPTY": "a figure's image has empty alt text (only decorative images may)",
    "REGION-LABEL": "a section, aside or nav has no accessible label",
    "LABEL-TARGET": "aria-labelledby names an id that does not exist",
    "LINK-TEXT": "a link has no text",
    "REMOTE-RESOURCE": "the document loads something from outside its own files",
}
CODES: dict[str, str] = {
    "PDF-LANG": "the document has no /Lang",
    "PDF-TITLE": "the document has no title",
    "PDF-DISPLAY-TITLE": "the viewer is not told to show the title (DisplayDocTitle)",
    "PDF-UNTAGGED": "the document has no structure tree",
    "PDF-TREE-DAMAGED": "the structure tree or the ParentTree cannot be walked (a loop, a damaged number tree)",
    "PDF-CONTENT-UNTAGGED": "text, images or drawings are painted outside marked content and outside artifacts",
    "PDF-CONTENT-UNREACHABLE": "a marked-content sequence is not reachable from the structure tree and is not an "
    "artifact (an unlinked element)",
    "PDF-PARENTTREE": "the ParentTree does not lead from content (or a link annotation) back to its element",
    "PDF-CONTENT-MISSING": "a structure element refers to content its page does not show",
    "PDF-CONTENT-OFF-PAGE": "a structure element's /Pg is not a page, or its MCID has no page",
    "PDF-CONTENT-SHARED": "one marked-content sequence is claimed by several elements",
    "PDF-CONTENT-IN-ARTIFACT": "a structure element claims content that lies inside an artifact",
    "PDF-CONTENT-DAMAGED": "a page's content stream cannot be read",
    "PDF-HEADING-FIRST": "the first heading is not H1",
    "PDF-HEADING-SKIP": "a heading level is skipped",
    "PDF-FIGURE-ALT": "a Figure has no /Alt",
    "PDF-CAPTION-INSIDE": "a Caption is inside its Figure, where /Alt hides it",
    "PDF-CAPTION-MISSING": "a Figure has no Caption beside it",
    "PDF-CAPTION-ORPHAN": "a Caption is beside no figure (moved out of its figure)",
    "PDF-LINK-NO-OBJR": "a Link element holds no link annotation (/OBJR)",
    "PDF-ANNOT-UNTAGGED": "a link annotation belongs to no Link element",
    "PDF-PAGE-NUMBER-TAGGED": "a page number is tagged as content instead of a pagination artifact",
    "HTML-REMOTE-REQUEST": "the page tried to load something from outside its folder (blocked)",
    "FACT-DIFFERS": "a fact (field) differs from the source, or from the majority of formats",
    "FACT-NO-MAJORITY": "formats disagree on a fact and no value has a majority",
    "FACT-COUNT": "the number of articles or figures differs from the source or the majority",
}
CODES.update({f"{prefix}-{rule}": f"{prefix}: {text}" for prefix in ("HTML", "EPUB") for rule, text in
              MARKUP_RULES.items()})
CODES.update({f"{prefix}-{rule}": f"{prefix}: {text}" for prefix in ("PDF", "EPUB", "HTML") for rule, text in
              ALT_TEXT_RULES.items()})
# Validators' own identifiers, passed through under a prefix.
FAMILIES: dict[str, str] = {
    "PAGEVAL-": "a page-validation rule (the veraPDF PDF/UA-1 or PDF/A rule set), e.g. "
    "PAGEVAL-PDFUA1-FIGURE-ALTERNATIVE-TEXT-001",
    "EPUBCHECK-": "an EPUBCheck message ID, e.g. EPUBCHECK-RSC-005",
    "ACE-": "a DAISY Ace rule, e.g. ACE-epub-lang",
    "AXE-": "an axe-core rule, e.g. AXE-image-alt",
}


def all_codes() -> dict[str, str]:
    """Our fixed codes, the DOCX rules included."""
    from exporter.checks.docx_rules import RULES

    return {**CODES, **RULES}


def is_known(code: str) -> bool:
    return code in all_codes() or any(code.startswith(prefix) and len(code) > len(prefix) for prefix in FAMILIES)


def report_schema() -> dict:
    """The JSON Schema (2020-12) of `exporter check --json`."""
    nullable_int = {"type": ["integer", "null"], "minimum": 1}
    code = {"anyOf": [
        *({"const": name, "description": text} for name, text in sorted(all_codes().items())),
        *({"type": "string", "pattern": f"^{prefix}.+", "description": text} for prefix, text in FAMILIES.items()),
    ]}
    finding = {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "message", "file", "format", "article", "figure", "field", "page", "location"],
        "properties": {
            "code": {**code, "description": "stable code: `exporter schema --check` lists them"},
            "message": {"type": "string", "description": "one line for people, naming the place"},
            "file": {"type": "string", "description": "the file as given on the command line"},
            "format": {"enum": ["PDF", "EPUB", "DOCX", "HTML"]},
            "article": {**nullable_int, "description": "article number in a packet; null for one article"},
            "figure": {**nullable_int, "description": "figure number, counted through the file in every format"},
            "field": {"type": ["string", "null"], "description": "the fact or attribute: alt, title, caption, "
                      "credit, virin, language, source_url, official_notice, articles, figures, title and caption"},
            "page": {**nullable_int, "description": "PDF page"},
            "location": {"type": ["string", "null"], "description": "a place in the file the numbers do not give "
                         "(an EPUB content document, a DOCX paragraph)"},
        },
    }
    result = {
        "type": "object",
        "additionalProperties": False,
        "required": ["file", "format", "check", "status", "findings", "notes", "reason"],
        "properties": {
            "file": {"type": "string"},
            "format": {"enum": ["PDF", "EPUB", "DOCX", "HTML", None]},
            "check": {"type": "string", "description": "e.g. 'EPUBCheck 5.3.0', 'page-validation PDF/UA-1', "
                      "'structure', 'alt text', 'axe-core', 'DOCX rules', 'consistency', 'read'"},
            "status": {"enum": ["passed", "failed", "not_installed", "crashed", "unreadable"],
                       "description": "not_installed and crashed: the check did NOT run (exit code 3)"},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "notes": {"type": "array", "items": {"type": "string"}, "description": "reported, never failing"},
            "reason": {"type": "string", "description": "why the check did not run or the file was unreadable"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "exporter check --json report",
        "type": "object",
        "additionalProperties": False,
        "required": ["report_version", "exit_code", "verdict", "results"],
        "properties": {
            "report_version": {"const": 1},
            "exit_code": {"enum": [0, 1, 2, 3], "description": "0 passed, 1 a check failed, 2 a file could not be "
                          "read, 3 a validator could not run"},
            "verdict": {"type": "string"},
            "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
        },
        "$defs": {"result": result, "finding": finding},
    }
