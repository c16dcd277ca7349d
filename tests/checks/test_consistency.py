"""Who is blamed when formats disagree: the format that differs from the source (--against), or from the
majority; a tie names no culprit. Languages are compared as normalised BCP 47 tags."""

from __future__ import annotations

import copy

import pytest

from exporter.checks.consistency import compare
from exporter.checks.facts import DocumentFacts, FigureFacts, normalize_language


def article(**changes) -> DocumentFacts:
    figure_changes = changes.pop("figure", {})
    facts = DocumentFacts(
        title="Stoltenberg Explains Why Support to Ukraine Still Matters",
        language="en",
        source_url="https://www.defense.gov/News/3298480/",
        official_notice=True,
        figures=[
            FigureFacts(alt="Two men talk across a table.", title="Meeting Time", caption="Austin meets Stoltenberg.",
                        credit="Chad McNeeley", virin="230214-D-TT977-0483"),
            FigureFacts(alt="A flag in the wind.", title="Flag", caption="The NATO flag.", credit="NATO"),
        ],
    )
    for name, value in changes.items():
        setattr(facts, name, value)
    for name, value in figure_changes.items():
        setattr(facts.figures[0], name, value)
    facts.language = normalize_language(facts.language)
    return facts


def pdf_reading(facts: DocumentFacts) -> DocumentFacts:
    """How the PDF reader sees the same facts: photo title and caption together, spaces guessed."""
    pdf = copy.deepcopy(facts)
    pdf.exact_spacing = False
    for figure in pdf.figures:
        figure.caption, figure.title, figure.split = figure.title_and_caption(), None, False
    return pdf


def codes(findings) -> dict[str, list[str]]:
    return {name: [f"{f.code}:{f.field}" for f in found] for name, found in findings.items() if found}


def test_four_formats_that_agree_blame_nobody():
    same = article()
    assert codes(compare({"HTML": [same], "EPUB": [same], "DOCX": [same], "PDF": [pdf_reading(same)]}, None)) == {}


def test_only_the_damaged_pdf_is_blamed():
    good = article()
    damaged = pdf_reading(article(figure={"alt": "photo"}))
    found = compare({"PDF": [damaged], "HTML": [good], "EPUB": [good], "DOCX": [good]}, None)
    assert codes(found) == {"PDF": ["FACT-DIFFERS:alt"]}
    [finding] = found["PDF"]
    assert finding.figure == 1
    assert finding.message == ("PDF: figure 1: alt is 'photo', HTML, EPUB and DOCX have "
                               "'Two men talk across a table.'")


def test_the_first_file_is_not_the_reference():
    """The order on the command line does not decide who is right."""
    good, bad = article(), article(source_url="https://culture.af.mil/")
    for order in (["HTML", "EPUB", "DOCX"], ["DOCX", "HTML", "EPUB"]):
        outputs = {name: [bad if name == "HTML" else good] for name in order}
        assert codes(compare(outputs, None)) == {"HTML": ["FACT-DIFFERS:source_url"]}


def test_with_the_source_every_format_that_differs_from_it_is_blamed():
    source, changed = article(), article(figure={"credit": "Someone Else"})
    found = compare({"HTML": [changed], "EPUB": [changed], "PDF": [pdf_reading(source)]}, [source])
    assert codes(found) == {"HTML": ["FACT-DIFFERS:credit"], "EPUB": ["FACT-DIFFERS:credit"]}
    assert found["HTML"][0].message == "HTML: figure 1: credit is 'Someone Else', source has 'Chad McNeeley'"


def test_a_tie_blames_no_one_and_says_so():
    first, second = article(), article(figure={"virin": None})
    found = compare({"HTML": [first], "EPUB": [second]}, None)
    assert codes(found) == {"HTML": ["FACT-NO-MAJORITY:virin"], "EPUB": ["FACT-NO-MAJORITY:virin"]}
    assert "no majority" in found["EPUB"][0].message and "--against" in found["EPUB"][0].message
    assert "HTML has '230214-D-TT977-0483'" in found["EPUB"][0].message


def test_the_pdf_is_compared_without_guessed_spaces_but_text_still_counts():
    source = article()
    spaced = pdf_reading(article(title="Stoltenberg Explains Why Support to Ukraine StillMatters"))
    assert codes(compare({"PDF": [spaced]}, [source])) == {}
    other = pdf_reading(article(title="Stoltenberg Explains Why Support to Ukraine Still Counts"))
    assert codes(compare({"PDF": [other]}, [source])) == {"PDF": ["FACT-DIFFERS:title"]}


def test_a_caption_change_is_found_in_the_pdf_where_title_and_caption_are_one():
    good = article()
    found = compare({"PDF": [pdf_reading(article(figure={"caption": "Other words."}))], "HTML": [good],
                     "DOCX": [good]}, None)
    assert codes(found) == {"PDF": ["FACT-DIFFERS:title and caption"]}


def test_a_missing_figure_is_one_count_finding_not_a_cascade():
    good = article()
    short = article()
    short.figures = short.figures[1:]
    found = compare({"PDF": [pdf_reading(good)], "HTML": [short], "EPUB": [good]}, None)
    assert codes(found) == {"HTML": ["FACT-COUNT:figures"]}
    assert found["HTML"][0].message == "HTML: 1 figure(s), PDF and EPUB have 2"


def test_figures_are_numbered_through_a_packet():
    one, two = article(), article(figure={"credit": "X"})
    found = compare({"HTML": [one, one], "EPUB": [one, two], "DOCX": [one, one]}, None)
    [finding] = found["EPUB"]
    assert (finding.article, finding.figure, finding.field) == (2, 3, "credit")
    assert finding.message.startswith("EPUB: article 2: figure 3: credit is 'X'")


@pytest.mark.parametrize(("first", "second", "same"), [
    ("en", "en-US", True),
    ("EN-us", "en", True),
    ("en-Latn-US", "en", True),
    ("uk-UA", "uk", True),
    ("en-GB", "en", False),
    ("zh-TW", "zh-Hant", True),
    ("pt-BR", "pt", True),
    ("pt-PT", "pt", False),
    ("de-DE-1996", "de-1996", True),
    ("und", "en", False),
    ("x-private", "en", False),
])
def test_languages_are_one_normalised_bcp47_tag(first, second, same):
    assert (normalize_language(first) == normalize_language(second)) is same


def test_docx_en_and_pdf_en_us_are_not_a_difference():
    """The DOCX reader gives `en` for a document that says en-US throughout; the PDF says en-US."""
    found = compare({"DOCX": [article(language="en")], "PDF": [pdf_reading(article(language="en-US"))]},
                    [article(language="en-US")])
    assert codes(found) == {}
