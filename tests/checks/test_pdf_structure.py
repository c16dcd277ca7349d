"""Structure completeness of a PDF is checked, not assumed: a good PDF passes, and each way of breaking its tags
fails with a finding that names the defect (the page, the element, the MCID, a sample of the text)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from exporter.checks.pdf_format import inspect_one
from exporter.checks.report import Finding


def structure(path: Path) -> list[Finding]:
    [result] = [result for result in inspect_one(path).results if result.check == "structure"]
    assert result.status in ("passed", "failed"), result.reason
    return result.findings


def elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    """Structure elements of one type, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if str(kid.S) == f"/{kind}":
                    found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def detach(element: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """Take an element out of its parent's /K (its ParentTree entries stay, as a careless edit leaves them)."""
    parent = element.P
    kids = parent.K if isinstance(parent.K, pikepdf.Array) else pikepdf.Array([parent.K])
    parent.K = pikepdf.Array([kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and
                                                         kid.objgen == element.objgen)])
    return parent


def body_paragraph(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """The first paragraph of the article body that holds marked content of its own or in its spans."""
    return next(p for p in elements(pdf, "P") if p.P.S == "/Div")


def tampered(torture: dict[str, Path], tmp_path: Path, edit: Callable[[pikepdf.Pdf], None]) -> Path:
    path = tmp_path / "tampered.pdf"
    shutil.copy(torture["pdf"], path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        edit(pdf)
        pdf.save(path)
    return path


def unlink_paragraph(pdf: pikepdf.Pdf) -> None:
    detach(body_paragraph(pdf))


def remove_figure_alt(pdf: pikepdf.Pdf) -> None:
    del elements(pdf, "Figure")[0]["/Alt"]


def move_caption_out_of_its_figure(pdf: pikepdf.Pdf) -> None:
    figure = elements(pdf, "Figure")[0]
    group = figure.P
    caption = next(kid for kid in group.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Caption")
    body = detach(caption).P
    body.K.append(caption)
    caption.P = body


def change_heading_level(pdf: pikepdf.Pdf) -> None:
    elements(pdf, "H2")[0].S = pikepdf.Name("/H4")


def drop_link_objr(pdf: pikepdf.Pdf) -> None:
    link = elements(pdf, "Link")[0]
    kids = link.K if isinstance(link.K, pikepdf.Array) else pikepdf.Array([link.K])
    link.K = pikepdf.Array([kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and
                                                       kid.get("/Type") == "/OBJR")])


def test_the_untouched_pdf_has_no_structure_finding(torture):
    assert structure(torture["pdf"]) == []


TAMPERS = {
    "unlinked paragraph": (unlink_paragraph, "PDF-CONTENT-UNREACHABLE", "is not reachable from the structure tree"),
    "Figure without Alt": (remove_figure_alt, "PDF-FIGURE-ALT", "figure 1 on page"),
    "Caption moved out of its figure": (move_caption_out_of_its_figure, "PDF-CAPTION-MISSING",
                                        "figure 1 on page"),
    "heading level changed": (change_heading_level, "PDF-HEADING-SKIP", "a level is skipped"),
    "Link without OBJR": (drop_link_objr, "PDF-LINK-NO-OBJR", "has no /OBJR"),
}


@pytest.mark.parametrize("defect", TAMPERS)
def test_each_tampering_fails_with_a_finding_that_names_it(torture, tmp_path, defect):
    edit, code, words = TAMPERS[defect]
    findings = structure(tampered(torture, tmp_path, edit))
    named = [finding for finding in findings if finding.code == code]
    assert named, f"{defect}: no {code} among {[str(f) for f in findings]}"
    assert any(words in finding.message for finding in named), [str(f) for f in named]


def test_an_unlinked_paragraph_is_named_with_its_page_mcid_and_text(torture, tmp_path):
    with pikepdf.open(torture["pdf"]) as pdf:
        page = pdf.pages.index(pikepdf.Page(body_paragraph(pdf).Pg))
    findings = structure(tampered(torture, tmp_path, unlink_paragraph))
    [first, *_] = [f for f in findings if f.code == "PDF-CONTENT-UNREACHABLE"]
    assert first.page == page + 1
    assert "that is not linked into the structure tree" in first.message
    assert "MCID" in first.message and "('" in first.message  # the MCID and a sample of the text


def test_a_caption_moved_out_is_also_an_orphan(torture, tmp_path):
    codes = {f.code for f in structure(tampered(torture, tmp_path, move_caption_out_of_its_figure))}
    assert {"PDF-CAPTION-MISSING", "PDF-CAPTION-ORPHAN"} <= codes


def test_a_link_without_objr_leaves_its_annotation_untagged(torture, tmp_path):
    codes = {f.code for f in structure(tampered(torture, tmp_path, drop_link_objr))}
    assert {"PDF-LINK-NO-OBJR", "PDF-ANNOT-UNTAGGED"} <= codes


def test_content_marked_but_without_mcid_is_untagged(torture, tmp_path):
    def unmark(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        data = page.Contents.read_bytes()
        assert b"/Artifact <</Type /Pagination>> BDC" in data
        page.Contents.write(data.replace(b"/Artifact <</Type /Pagination>> BDC", b"/Span BMC"))

    findings = structure(tampered(torture, tmp_path, unmark))
    assert any(f.code == "PDF-CONTENT-UNTAGGED" and f.page == 1 for f in findings), [str(f) for f in findings]


def test_a_page_without_its_parent_tree_entry_cannot_be_traced_back(torture, tmp_path):
    def forget(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[0].obj["/StructParents"]

    findings = structure(tampered(torture, tmp_path, forget))
    assert any(f.code == "PDF-PARENTTREE" and f.page == 1 and "no /StructParents" in f.message for f in findings)


def marked_spans(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Spans that hold one MCID of their own (/K [n]) on page 1."""
    first = pdf.pages[0].obj.objgen
    return [span for span in elements(pdf, "Span") if isinstance(span.get("/K"), pikepdf.Array) and
            len(span.K) == 1 and isinstance(span.K[0], int) and span.get("/Pg", pdf.Root).objgen == first]


def test_an_element_pointing_at_content_its_page_lacks(torture, tmp_path):
    def renumber(pdf: pikepdf.Pdf) -> None:
        marked_spans(pdf)[0].K = pikepdf.Array([999])

    codes = {f.code for f in structure(tampered(torture, tmp_path, renumber))}
    # the element now claims nothing real, and the content it held is claimed by nobody
    assert {"PDF-CONTENT-MISSING", "PDF-CONTENT-UNREACHABLE"} <= codes


def test_content_claimed_twice(torture, tmp_path):
    def share(pdf: pikepdf.Pdf) -> None:
        first, second = marked_spans(pdf)[:2]
        second.K = pikepdf.Array([second.K[0], first.K[0]])

    codes = {f.code for f in structure(tampered(torture, tmp_path, share))}
    assert "PDF-CONTENT-SHARED" in codes


def test_page_validation_alone_passes_the_unlinked_paragraph(torture, tmp_path):
    """Why the structure check is needed: the veraPDF rule set does not see this defect."""
    from exporter.checks.pdf_format import page_validation

    [ua] = page_validation(tampered(torture, tmp_path, unlink_paragraph))
    assert ua.status == "passed", [str(f) for f in ua.findings]
