"""Whole pages as text browsers dump them (`lynx -dump`, `w3m -dump`): the site's menus, teasers of other stories
and footer come with the story, where a browser's copy leaves hidden menus out; and browser copies that run a
page's blocks together (Chromium's select-all text). The captures in data/dumps were written by lynx 2.9.0, w3m
0.5.3 and Chromium 156 from the untrimmed pages of data/pages (see data/dumps/SOURCES.tsv); each must read as
the same story as the HTML reader reads from the page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from exporter.model import ListBlock, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.readers.text_capture import parse_capture
from tests.docx.corpus.similarity import model_text, similarity, words

DATA = Path(__file__).parent / "data"
DUMPS = list(csv.DictReader((DATA / "dumps" / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t"))


@pytest.mark.parametrize("dump", DUMPS, ids=[row["dump"] for row in DUMPS])
def test_a_text_browser_dump_of_a_whole_page_reads_as_its_story(dump: dict[str, str]) -> None:
    page = read_document(DATA / "pages" / dump["page"], BuildOptions()).document
    result = read_document(DATA / "dumps" / dump["dump"], BuildOptions())
    article = result.document
    assert article.title == page.title
    found = similarity(words(model_text(article, with_titles=False)), words(model_text(page, with_titles=False)))
    assert found >= float(dump["min_similarity"]), found
    body = model_text(article, with_titles=False)
    for menu_item in dump["menu_items"].split("|"):
        assert menu_item not in body


def _capture(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# A site's header and footer menus, as w3m draws them (two levels).
MENU = ("  • Home", "  • News & Events", "      □ All News", "      □ Video Series", "      □ Podcasts",
        "  • Multimedia", "      □ Images", "      □ Sounds and Ringtones", "  • Missions", "  • About Us",
        "      □ Leadership", "      □ Budget & Annual Reports")
FOOTER = ("  • Sitemap", "  • For Media", "  • Privacy Policy", "  • FOIA", "  • No FEAR Act", "  • Office of the IG",
          "  • Budget & Annual Reports", "  • Contact", "  • Accessibility")
STORY = (
    "Engineers at the space center finished the third water flow test of the mobile launcher on Tuesday morning.",
    "During liftoff, 400,000 gallons of water rush onto the pad to protect the rocket and the launch pad itself.",
    "The mission will be the first to fly a crew around the Moon in more than fifty years, the agency said.",
)


def test_menus_and_form_fields_are_left_out_and_the_dated_headline_is_found() -> None:
    text = _capture(
        "Search [                    ]", "", *MENU, "", "Featured", "",
        "A woman in a blue dress stands in front of a large inflatable logo on a bright and sunny day outside.",
        "9 min read", "", "Keeper of the Agency's Digital Knowledge", "", "article 3 days ago", "",
        "Water Deluge Test", "", "Jane Roe", "", "Jane Roe", "", "Oct 26, 2023", "",
        STORY[0], "", STORY[1], "", STORY[2], "",
        "━━━━━━━━━━━━━━━━━━━━", *FOOTER, "", "  • Page Last Updated:", "    Oct 26, 2023", "  • Page Editor:",
        "    Jane Roe",
    )
    result = parse_capture(text, BuildOptions(), name="page.txt")
    article = result.document
    assert article.title == "Water Deluge Test"
    assert article.byline is not None and article.byline.people == ["Jane Roe"]
    assert article.published == "2023-10-26"
    assert [plain_text(block.children) for block in article.body] == list(STORY)
    assert any("text before the headline left out" in warning and "more paragraphs" in warning
               for warning in result.warnings)
    assert any("1 list(s) of short items after the headline read as the site's menus" in warning
               for warning in result.warnings)


def test_a_short_list_a_sentence_introduces_is_the_story_s_not_a_menu() -> None:
    text = _capture(
        "Units Volunteer at the Food Bank", "", "By Jane Roe", "", STORY[0], "",
        "The volunteers came from these units:", "", "• 1st Brigade", "• 2nd Battalion", "• 3rd Squadron",
        "• 4th Wing", "", STORY[1],
    )
    article = parse_capture(text, BuildOptions(), name="story.txt").document
    lists = [block for block in article.body if isinstance(block, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 4


def test_a_menu_item_is_never_the_headline() -> None:
    text = _capture(
        "Jump to main content", "Jump to navigation", "",
        "  ☆ Music & Arts PerformancesSee the lineup of artists and performers at the White House",
        "", "Serve and Remember", "", "September 10, 2011", "", STORY[0], "", STORY[1],
    )
    article = parse_capture(text, BuildOptions(), name="page.txt").document
    assert article.title == "Serve and Remember"


# Browser copies of stories whose own lines look like a whole page's furniture: a short list, camera words, a
# logo in the headline, a place and a date under a subhead. None is a whole page's dump, so none is read as one.
PLAIN = DATA / "captures_plain"


def test_a_story_s_short_list_and_closing_details_stay_in_a_browser_copy() -> None:
    result = read_document(PLAIN / "memorial-with-short-list.txt", BuildOptions())
    article = result.document
    assert article.title == "Fort Liberty Honors Three Fallen Paratroopers"
    lists = [block for block in article.body if isinstance(block, ListBlock)]
    assert [len(block.items) for block in lists] == [3]
    text = model_text(article)
    assert "Main Post Chapel" in text and "Doors open at 9 a.m." in text


def test_camera_words_in_a_story_are_not_a_photo_page_s_details() -> None:
    text = model_text(read_document(PLAIN / "photo-tips-with-camera-words.txt", BuildOptions()).document)
    for line in ("Lens", "Fast primes are best.", "ISO", "Don't be afraid of it.", "Camera"):
        assert line in text


def test_a_logo_in_the_headline_is_the_headline() -> None:
    article = read_document(PLAIN / "logo-headline.txt", BuildOptions()).document
    assert article.title == "Space Force Unveils Official Logo"
    assert article.byline is not None and article.byline.people == ["Jim Garamone"]
    assert "revealed its official logo" in model_text(article)


FOOTER_LINKS = ("Missions", "Humans in Space", "Earth & Climate", "The Solar System", "The Universe", "Science",
                "Learning Resources", "About NASA", "NASA en Español", "Sitemap", "Privacy Policy", "FOIA",
                "Accessibility")


def test_a_browser_copy_without_blank_lines_between_blocks() -> None:
    """Chromium's select-all copy of a page that spaces its blocks with margins: menu, headline, author and date
    run together; the footer's links come as one block of short lines after the story."""
    text = _capture(
        "Explore", "Search", "News & Events", "", "1 min read", "", "Water Deluge Test", "Jane Roe",
        "Oct 26, 2023", "Image Article", "", STORY[0], "", STORY[1], "", STORY[2], "",
        "Media contact:", "Jane Roe", "321-555-0100", "", *FOOTER_LINKS,
    )
    result = parse_capture(text, BuildOptions(), name="copy.txt")
    article = result.document
    assert article.title == "Water Deluge Test"
    assert article.byline is not None and article.byline.people == ["Jane Roe"]
    assert article.published == "2023-10-26"
    body = model_text(article)
    assert all(sentence in body for sentence in STORY)
    assert "321-555-0100" in body  # a short closing block is the story's
    assert "Humans in Space" not in body
    assert any(f"{len(FOOTER_LINKS)} short lines in 1 block(s) after the story read as the page's footer links"
               in warning for warning in result.warnings)


def test_a_blog_s_dated_byline() -> None:
    blog = _capture("Serve and Remember", "", "September 10, 2011 at 1:06 PM ET by Katelyn Sabochik", "",
                    STORY[0], "", STORY[1])
    article = parse_capture(blog, BuildOptions(), name="blog.txt").document
    assert article.title == "Serve and Remember"
    assert article.byline is not None and article.byline.people == ["Katelyn Sabochik"]
    assert article.published == "2011-09-10"


# A third reviewer's stories for the browser-copy rules (6bd64f8): each reads as before them.
STORIES = [
    ("promotion-list.txt", "Wing Announces Senior Master Sergeant Selectees", ["Tech. Sgt. Jane Doe"],
     ["Master Sgt. Lisa Chen"]),
    ("honor-roll.txt", "Fall Semester Dean's List Announced", ["Staff Reports"], ["Aaron Abbott"]),
    ("contact-end.txt", "NASA Selects Companies for Lunar Payload Deliveries", ["Jane Rivers"], ["Karen Fox"]),
    ("schedule-hijack.txt", "Spring Concert Series Announced", None, ["Opening Night"]),
    ("teaser-before.txt", "Bridge Repairs to Begin Next Month", ["John Carter"], []),
    ("numbers-nobyline.txt", "The Eclipse of April 8, 2024 by the Numbers", None, []),
    ("you-are-here-subhead.txt", "New Maps Help Visitors Find Their Way Around Post", ["Kim Lowe"], ["You Are Here"]),
    ("photo-block-dated.txt", "Dover Airmen Move Record Cargo in March", ["Staff Sgt. Ben Cole"], []),
    ("masthead-weather.txt", "Post Opens Late After Overnight Snow", ["Staff Sgt. Ana Ruiz"], []),
]


@pytest.mark.parametrize(("name", "title", "people", "kept"), STORIES, ids=[story[0] for story in STORIES])
def test_stories_that_look_like_a_page_s_blocks(name: str, title: str, people: list[str] | None,
                                               kept: list[str]) -> None:
    """A list of names or contacts after the story, a schedule's name and date, a teaser with its author, a
    headline with a date and 'by' in it, a 'You Are Here' subhead, a photo block above the story, a masthead."""
    article = read_document(PLAIN / name, BuildOptions()).document
    assert article.title == title
    assert (article.byline.people if article.byline else None) == people
    text = model_text(article)
    assert all(line in text for line in kept)
