"""Plain-text captures: the seed and the variants the corpus README lists."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exporter.model import Article, Figure, Heading, ListBlock, Paragraph, plain_text
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_document
from tests.importers.conftest import CAPTURES

BANNER = """An official website of the United States Government
Here's how you know

Official websites use .gov

.gov website belongs to an official government organization in the United States.

Secure .gov websites use HTTPS

A lock ( lock ) or https:// means you’ve safely connected to the .gov website. \
Share sensitive information only on official, secure websites.
"""


def capture(tmp_path: Path, text: str, **options: object) -> ReadResult:
    path = tmp_path / "capture.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path, BuildOptions(**options))


def test_seed_capture(seed_capture: Path) -> None:
    result = read_document(seed_capture, BuildOptions())
    article = result.document
    assert isinstance(article, Article)
    assert article.title == "Stoltenberg Explains Why Support to Ukraine Still Matters"
    paragraphs = [block for block in article.body if isinstance(block, Paragraph)]
    assert len(paragraphs) == 9
    assert plain_text(paragraphs[0].children).startswith("A year on, support to Ukraine")
    assert plain_text(paragraphs[-1].children).endswith('as a sovereign, independent nation," he said.')
    figures = article.figures()
    assert len(figures) == 1
    figure = figures[0]
    assert (
        figure.alt
        == "Two men engage in conversation across a conference table as others at the table look on."
    )
    assert figure.title == "Meeting Time"
    assert plain_text(figure.caption).startswith("Secretary of Defense Lloyd J. Austin III meets with NATO")
    assert figure.credit == "Chad J. McNeeley"
    assert figure.virin == "230214-D-TT977-0483"
    assert figure.image == "230214-D-TT977-0483.jpg"
    # The figure sits where the capture has it: after the second paragraph.
    assert article.body.index(figure) == 2
    assert result.figure_lines == [18]  # the alt-text line
    # Banner recorded, never trusted; the capture has no URL of its own.
    assert article.source.page_claims_official is True
    assert article.source.url is None
    body_text = " ".join(plain_text(p.children) for p in paragraphs)
    for chrome in ("official website", "Here's how you know", "lock", "Related Stories"):
        assert chrome not in body_text
    assert not result.warnings


def test_seed_capture_with_source_url(seed_capture: Path) -> None:
    url = "https://www.defense.gov/News/News-Stories/Article/Article/3298480/"
    article = read_document(seed_capture, BuildOptions(source_url=url)).document
    assert article.source.url == url


def test_photo_by_and_virin_on_one_line(tmp_path: Path) -> None:
    text = (
        BANNER
        + """
Headline Here

First paragraph of the story.

Soldiers load a truck at the depot.
Loading Up
Soldiers load supplies at the depot, March 3, 2023.
Photo by: Sgt. Jane Doe | VIRIN: 230303-A-AB123-1001.JPG

Second paragraph.
"""
    )
    figure = capture(tmp_path, text).document.figures()[0]
    assert figure.credit == "Sgt. Jane Doe"
    assert figure.virin == "230303-A-AB123-1001"
    assert figure.title == "Loading Up"
    assert figure.alt == "Soldiers load a truck at the depot."


def test_agency_credit_line_and_photo_by_label(tmp_path: Path) -> None:
    text = """Another Headline

Intro paragraph.

A sailor stands watch on the bridge.
Bridge Watch
A sailor stands watch aboard the ship in the Pacific Ocean, Jan. 5, 2024.
Jane Roe, DOD
VIRIN: 240105-N-XY123-1002

Photo block two alt.
Second Photo
Caption of the second photo.
Photo By: Petty Officer 2nd Class John Q. Public
VIRIN: 161112-D-SW162-143B
"""
    figures = capture(tmp_path, text).document.figures()
    assert [f.credit for f in figures] == ["Jane Roe, DOD", "Petty Officer 2nd Class John Q. Public"]
    assert [f.virin for f in figures] == ["240105-N-XY123-1002", "161112-D-SW162-143B"]


def test_slideshow_photo_without_credit_and_without_alt_warns(tmp_path: Path) -> None:
    text = """Slideshow Story

Opening paragraph.

Ceremony Arrival
Guests arrive for the ceremony.
VIRIN: 230101-D-AB123-0001
"""
    result = capture(tmp_path, text)
    figure = result.document.figures()[0]
    assert figure.credit is None
    assert figure.alt is None
    assert figure.title == "Ceremony Arrival"
    assert any("no alt-text line" in warning for warning in result.warnings)


def test_slideshow_photos_are_named_and_warned_about_one_by_one() -> None:
    """Found probing captures: every slide of an army.mil slideshow repeats the story's title, so every photo
    was named `title.jpg` (`--images DIR` could give them one photo only) and every missing-alt warning named
    the first slide's line."""
    result = read_document(CAPTURES / "army-mil_article_pacom-commander-tours-jblm.txt", BuildOptions())
    images = [figure.image for figure in result.document.figures()]
    assert len(images) == 4 and len(set(images)) == 4
    warned = [warning.split(":")[1] for warning in result.warnings if "no alt-text line" in warning]
    assert warned == ["6", "8", "10", "12"]


def test_labels_historical_notice_related_stories_and_mojibake(tmp_path: Path) -> None:
    text = (
        BANNER
        + """
This is a historical document from our archive, no longer maintained.

Immediate Release

Secretary Meets Allies

By Jim Garamone, DOD News
Feb. 15, 2023

The secretaryâ€™s trip began in Brussels â€” where he met allies.

Key Points

• Support continues
• Talks expand

Related Stories

Some Other Story
Another Story
"""
    )
    result = capture(tmp_path, text)
    article = result.document
    assert article.title == "Secretary Meets Allies"
    assert article.byline is not None
    assert article.byline.people == ["Jim Garamone"] and article.byline.organization == "DOD News"
    assert article.published == "2023-02-15"
    first = article.body[0]
    assert isinstance(first, Paragraph)
    # ftfy repairs the mojibake; typographic quotes and dashes stay typographic.
    assert plain_text(first.children) == "The secretary’s trip began in Brussels — where he met allies."
    assert isinstance(article.body[1], Heading) and plain_text(article.body[1].children) == "Key Points"
    assert isinstance(article.body[2], ListBlock) and len(article.body[2].items) == 2
    assert len(article.body) == 3  # nothing after "Related Stories"
    assert any("historical" in warning for warning in result.warnings)
    assert any("related stories" in warning for warning in result.warnings)


def test_capture_of_banner_only_is_refused(tmp_path: Path) -> None:
    from exporter.errors import ExportError

    with pytest.raises(ExportError, match="no headline"):
        capture(tmp_path, BANNER)


def test_figure_without_virin_is_named_for_images_dir(tmp_path: Path) -> None:
    text = """Headline

A photo of the base gate.
Main Gate
The main gate at dawn.
Credit: Airman Alex Example
"""
    figure = capture(tmp_path, text).document.figures()[0]
    assert isinstance(figure, Figure)
    assert figure.virin is None
    assert figure.image == "main-gate.jpg"


STORY = [
    ("title", "Airmen and spouses talk family programs"),
    ("meta", "By Staff Sgt. Chris Gross, Air Force News Service / Published September 14, 2015"),
    ("label", "Related Links"),
    ("paragraph", "WASHINGTON (AFNS) -- Air Force senior leaders and their spouses discussed the improvements in "
                  "family programs and opportunities during the Air and Space Conference in Washington, D.C."),
    ("paragraph", "Secretary of the Air Force Deborah Lee James and her husband said that their number one "
                  "priority is the total force Airmen and their families, and that programs must reach them."),
    ("subhead", "Opportunities"),
    ("paragraph", "Athena Cody said she believes the Air Force and the Defense Department are doing everything "
                  "in their power to improve quality-of-life programs for the spouses of military members."),
    ("paragraph", "One area that has been difficult is telling families that these opportunities exist at all, "
                  "she said, and that is the biggest obstacle as leaders travel and speak to spouses."),
]


def story_capture(wrap: int | None) -> str:
    """The story as a browser copies it (a paragraph per line, blank lines between) or as `lynx -dump` writes
    a page that spaces its paragraphs with margins: wrapped at `wrap` columns, indented, no blank lines between
    the body's paragraphs."""
    if wrap is None:
        return "\n\n".join(text for _, text in STORY) + "\n"
    lines = [STORY[0][1], "", *textwrap.wrap(STORY[1][1], wrap, initial_indent="   ", subsequent_indent="   "),
             "", STORY[2][1], ""]
    for _, text in STORY[3:]:
        lines += textwrap.wrap(text, wrap, initial_indent="   ", subsequent_indent="   ")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("wrap", [None, 76, 120])
def test_a_wrapped_capture_reads_as_the_same_story_as_a_browser_copy(tmp_path: Path, wrap: int | None) -> None:
    """af.mil's print view, dumped by lynx: its lines wrapped, its paragraphs not spaced, its "Related Links"
    label above the story. The story was read as nothing at all (the label was taken for the end of it)."""
    result = capture(tmp_path, story_capture(wrap))
    article = result.document
    assert article.title == STORY[0][1] and article.published == "2015-09-14"
    blocks = [(type(block).__name__, plain_text(block.children)) for block in article.body]
    expected = [("Heading" if kind == "subhead" else "Paragraph", text) for kind, text in STORY[3:]]
    assert blocks == expected
    assert any("the label 'Related Links' above the story's text left out" in w for w in result.warnings)


@pytest.mark.parametrize(
    "related",
    [
        "Airmen train in Alaska\nSpouses meet leaders in Ohio\n",
        # Teasers of a sentence each, wrapped as the story is, more prose than a short story has before them.
        "\n\n".join(
            "\n".join(textwrap.wrap(f"Members of the {unit} volunteered at a regional food bank during the holiday "
                                    "season, packing boxes for families in need across the county.", 76))
            for unit in ("633rd Air Base Wing", "1st Fighter Wing", "192nd Wing", "480th Wing")
        ),
    ],
)
def test_a_related_list_after_the_story_still_ends_it(tmp_path: Path, related: str) -> None:
    text = story_capture(76) + "\nRelated Stories\n\n" + related
    result = capture(tmp_path, text)
    assert plain_text(result.document.body[-1].children) == STORY[-1][1]
    assert any("related stories listed without links were left out" in w for w in result.warnings)


def test_lynx_link_numbers_and_its_list_of_references_are_not_the_page(tmp_path: Path) -> None:
    """`lynx -dump` without -nolist: "[3]the fact sheet" in the text, the addresses listed at the end (longer than
    the width the text is wrapped at)."""
    dump = story_capture(76).replace("Related Links", "[1]Related Links").replace(
        "Opportunities\n", "[2]Opportunities\n"
    )
    dump += "\nReferences\n\n   1. https://www.af.mil/News/Article-Display/Article/619581/airmen-and-spouses-talk/\n"
    dump += "   2. https://www.af.mil/About-Us/Fact-Sheets/Display/Article/104514/air-force-family-programs/\n"
    result = capture(tmp_path, dump)
    blocks = [(type(block).__name__, plain_text(block.children)) for block in result.document.body]
    assert blocks == [("Heading" if kind == "subhead" else "Paragraph", text) for kind, text in STORY[3:]]


BAKERY = """Local Bakery Wins State Award
By Jane Baker
March 3, 2024

The bakery on Main Street won the state award for best sourdough bread this year, beating more than forty other \
bakeries across the state in a blind tasting.

The owners said they were thrilled with the recognition and plan to expand.
"""


def test_a_skip_link_is_chrome_but_no_claim_to_be_an_official_site(tmp_path: Path) -> None:
    """Any site has "Skip to main content": it is left out, and only the .gov banner's own lines record the claim."""
    url = "https://blog.example.com/bakery"
    article = capture(tmp_path, "Skip to main content\n\n" + BAKERY, source_url=url).document
    assert article.title == "Local Bakery Wins State Award"
    assert "Skip to" not in article.model_dump_json()
    assert article.source.page_claims_official is False
    article = capture(tmp_path, BANNER + "\nSkip to main content\n\n" + BAKERY, source_url=url).document
    assert article.source.page_claims_official is True


LANDING = """Marines Conduct Amphibious Landing

U.S. Marines conduct an amphibious landing during Exercise Balikatan 24 at Naval Education Training Center, \
Zambales, Philippines, April 20, 2024, with Philippine Marines beside them on the beach.

The landing involved amphibious combat vehicles, small boats and more than 300 Marines from both nations.
"""


@pytest.mark.parametrize("byline", [
    "By Cpl. Maria Santos | 3rd Marine Expeditionary Force | April 22, 2024",
    "By Cpl. Maria Santos | April 22, 2024 | 3rd Marine Expeditionary Force",
    "By Cpl. Maria Santos | 3rd Marine Expeditionary Force | Updated April 22, 2024",  # found in review
])
def test_a_byline_s_parts_separated_by_pipes_are_person_organization_and_date(tmp_path: Path, byline: str) -> None:
    """DVIDS prints its byline as 'By NAME | UNIT | DATE': the person, the organisation and the date, in any order
    after the person."""
    title, rest = LANDING.split("\n", 1)
    article = capture(tmp_path, f"{title}\n{byline}\n{rest}").document
    assert article.byline is not None and article.byline.people == ["Cpl. Maria Santos"]
    assert article.byline.organization == "3rd Marine Expeditionary Force"
    assert article.published == "2024-04-22"


def test_a_site_s_menu_run_into_the_headline_is_left_out(tmp_path: Path) -> None:
    """A browser's copy of a page that spaces its menu and headline with margins runs them together: the headline
    is the title-like line with its byline under it, and the short lines above it are left out, said in a warning."""
    title, rest = LANDING.split("\n", 1)
    menu = "Skip to main content\nDVIDS\nImages\nVideo\nAudio\nPublications\nSearch\nSign In\n"
    result = capture(tmp_path, f"{menu}{title}\nBy Cpl. Maria Santos | April 22, 2024\n{rest}")
    assert result.document.title == "Marines Conduct Amphibious Landing"
    assert result.document.byline is not None and result.document.byline.people == ["Cpl. Maria Santos"]
    assert "Sign In" not in result.document.model_dump_json()
    assert any("text before the headline left out ('DVIDS Audio" in warning for warning in result.warnings)
