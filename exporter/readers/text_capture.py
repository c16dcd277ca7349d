"""Plain-text captures of published pages: what a browser's select-all and copy (or `lynx -dump`) gives.

A capture holds the page's chrome as text: the .gov/.mil banner, breadcrumbs ("Home : Media : News"), section
labels ("PHOTO GALLERY", "NEWS | May 5, 2020"), share and download bars, site descriptions. The reader drops
those by general rules, finds the headline among what is left (the first title-like line that the page supports
with a byline, a date, a credit or a caption, else the first title-like line), reads the meta lines under it
(By/From lines, "Published", "28 Jul 2011 | NAME", run-in "By NAMEMarch 12, 2013") and turns the rest into
body blocks and photo blocks:

- a photo block ends in credit or VIRIN lines ("Credit: NAME", "Photo By: NAME", "NAME, DOD", "VIRIN: ...",
  "Photo by: NAME | VIRIN: ...", "VIRIN.JPG Photo By: NAME"): alt text, photo title and caption come before;
- a caption paragraph ends in a photo credit ("(U.S. Army photo by NAME/Released)", "Navy photo by NAME") or
  starts with a VIRIN ("191108-N-PH222-0050 SAN DIEGO (Nov. 8, 2019) ...");
- slideshow lines read "1 / 4 Show Caption + Hide Caption – CAPTION (Photo Credit: NAME) VIEW ORIGINAL";
- a photo-detail page is a headline with only a caption (and its credit) around it: one figure whose title is
  the headline, whose alt text is the short description line just before it.

"Related Stories" ends the article. Text is repaired with ftfy (mojibake) and whitespace is normalised. A
capture names no image file, so a photo's image is `<VIRIN>.jpg` (`--images DIR` supplies it by VIRIN).

The reader never drops the body quietly: when what it kept is less than half of the capture's text that is not
recognised page chrome, it refuses with a line that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.model import Article, Block, Byline, Figure, Heading, ListBlock, Paragraph, Source, Text, plain_text
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.profiles.base import clean_virin, iso_date, split_credit, squash

# The .gov/.mil banner's lines: only these make the capture claim to be an official site (recorded, not trusted).
_BANNER_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^an official website of the united states government\.?$",
        r"^here['’]s how you know\.?$",
        r"^official websites use \.(?:gov|mil)$",
        r"^(?:an? )?\.(?:gov|mil) website belongs to an official .*$",
        r"^secure \.(?:gov|mil) websites use https$",
        r"^an? lock \(.*\) or https:// means you['’]ve safely connected to the \.(?:gov|mil) website.*$",
    )
]
# Any site's skip link: page chrome, but no claim to be an official site.
_SKIP_LINK = re.compile(r"^(?:skip|jump) to (?:main )?(?:content|navigation).*$", re.IGNORECASE)
_LABELS = re.compile(
    r"^(?:immediate release|press release|news release|for immediate release)$", re.IGNORECASE
)
_HISTORICAL = re.compile(
    r"(?:historical (?:collection|material|document|content)|archived (?:content|page)"
    r"|no longer (?:maintained|updated)"
    r"|frozen in time)",
    re.IGNORECASE,
)
# Share, print and download bars, slideshow and viewer controls, navigation bars ("< | Archive | Index | ... >").
_CHROME_LINES = re.compile(
    r"^(?:share|print|e-?mail|facebook|x|twitter|linkedin|subscribe|hide|download|comments?|"
    r"download hi-res|photo details|full size|copy link|photo gallery|image gallery|video gallery|"
    r"view original|show caption|hide caption|suggested searches|toggle navigation|back to top|"
    r"download image:.*|download photo\b.*|download (?:full|hi-?res).*|"
    r".*\bclick(?:ing)? (?:on )?the (?:picture|image|photo)\b.*|the highest resolution version available\.?|"
    r"tomorrow['’]s picture:.*|this photograph is considered public domain.*|"
    # The footer line of every .mil site the Defense Media Activity hosts; a story's reading time.
    r"hosted by defense media activity\b.*|\d+ min(?:ute)?s? read)$",
    re.IGNORECASE,
)
# Lines only a whole page's dump shows (a browser's copy of the story does not reach them, and a story may hold
# such words): the footer and photo pages of the Defense Media Activity's sites, a teaser's age ("article 5 days
# ago"), a site's logo by its image's text ("NASA Logo").
_PAGE_CHROME_LINES = re.compile(
    r"^(?:read more|go to gallery|image is public domain|quick links|connect|get social with us|you are here:?|"
    r"no camera details available\.?|"
    r"(?:[a-z]+ ?)?\d+ (?:minute|hour|day|week|month|year)s? ago|"
    r"(?:\S+ ){0,3}logo)$",
    re.IGNORECASE,
)
# Labels of page furniture whose value follows on the next line, in a whole page's dump: a photo page's camera
# details, a page's review date and the people responsible for it.
_VALUE_LABEL = re.compile(
    r"^(?:additional details|camera|lens|aperture|shutter ?speed|iso|focal length|exposure(?: time)?|"
    r"(?:page )?last (?:reviewed(?: or updated)?|updated|modified)\s*:|page editor\s*:|"
    r"responsible (?:[\w.]+ )?official\s*:)$",
    re.IGNORECASE,
)
_NAV_BAR = re.compile(r"^[<>\s]*(?:[^|]{1,25}\|){3,}[^|]{0,25}[<>\s]*$")
# "Home : Media : News : News Article View", "Home > News", "Home » Articles".
_BREADCRUMB = re.compile(r"^home\s*(?:[:>»/|]\s*\S.*)?$", re.IGNORECASE)
# Section labels: a line made only of words pages use to name a section ("PHOTO GALLERY", "Featured News",
# "Article Display", "Photo Information", "YEAR IN PHOTOS 2024", "Speeches / Testimony").
_SECTION_WORDS = frozenset(
    {
        "photo", "photos", "image", "images", "imagegallery", "gallery", "galleries", "news", "featured", "feature",
        "features", "article", "articles", "display", "information", "video", "videos", "multimedia", "press",
        "release", "releases", "speeches", "speech", "testimony", "commentary", "commentaries", "stories", "story",
        "graphics", "graphic", "photography", "top", "latest", "media", "room", "year", "in", "of", "the", "and",
        "week", "spotlight", "spotlights", "transcript", "transcripts", "statement", "statements", "blog", "blogs",
    }
)
_DATE_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z /&-]{1,30}?)\s*\|\s*(?P<date>[^|]{6,30})$")
_RELATED = re.compile(
    r"^(?:related stories|related articles|related content|related links|related)$", re.IGNORECASE
)
_VIRIN = r"[0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}[A-Z]?(?:-[A-Z]{2})?"
_VIRIN_LINE = re.compile(r"^VIRIN\s*:\s*(?P<virin>\S+)\s*$", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"^(?:(?:photo|video|image)\s+by\s*:?|(?:photo\s+|image\s+)?credits?\s*:|courtesy\s*:)\s*(?P<credit>.+)$",
    re.IGNORECASE,
)
_COMBINED = re.compile(
    rf"^(?:(?:photo|video)\s+by|credit)\s*:?\s*(?P<credit>.+?)\s*\|?\s*VIRIN\s*:\s*(?P<virin>\S+)\s*$"
    rf"|^(?P<virin2>{_VIRIN})(?:\.[A-Za-z]{{3,4}})?\s+(?:photo|video)\s+by\s*:?\s*(?P<credit2>.+)$",
    re.IGNORECASE,
)
# "Chad J. McNeeley, DOD" / "Navy Petty Officer 1st Class Jane Doe, U.S. Navy": a credit line without a label.
_AGENCY_CREDIT = re.compile(r"^[^.!?]{3,80},\s*(?:DOD|DoD|U\.S\. [A-Z][A-Za-z ]+|[A-Z]{2,6})$")
# A caption's credit without parentheses: "... the students. DoD photo by Marvin Lynchard".
_CREDIT_TAIL = re.compile(
    r"(?<=[.!?”\"’)])\s+(?P<credit>(?:(?:U\.S\.|DoD|DOD|Army|Navy|Air Force|Marine Corps|Coast Guard|Space Force|"
    r"National Guard|Air National Guard|Army Reserve|NASA)\s+)*(?:photo|photograph|photo illustration|video|graphic)"
    r"\s+(?:by|courtesy of)\s+[^()]{3,80}?)\s*$",
    re.IGNORECASE,
)
_LEADING_VIRIN = re.compile(rf"^(?P<virin>{_VIRIN})\s+")
_SLIDE = re.compile(
    r"^(?:\d+\s*/\s*\d+\s*)?show caption\s*\+\s*hide caption\s*[–—-]\s*(?P<caption>.*?)\s*"
    r"(?:\(photo credit:\s*(?P<credit>[^()]*)\))?\s*(?:view original)?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|from)\s+(?P<names>.+)$", re.IGNORECASE)
_RUN_IN_BYLINE = re.compile(
    r"^by\s+(?P<names>.+?)\s*(?P<date>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s+\d{4})$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(r"^(?:published|updated|posted|released)\b\s*:?\s*(?P<date>.*)$", re.IGNORECASE)
_DATE_AND_NAMES = re.compile(r"^(?P<date>[^|]{6,30}?)\s*\|\s*(?P<names>.+)$")
# "September 10, 2011 at 1:06 PM ET by Katelyn Sabochik": a blog's date, time and author on one line.
_DATE_BY_NAMES = re.compile(
    r"^(?P<date>(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s+at\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?(?:\s+[a-z]{2,4})?)?\s+by\s+(?P<names>.+)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[•·▪◦*]\s*")
# An author organisation shown alone under the headline: "U.S. Indo-Pacific Command", "DOD News".
_ORGANIZATION = re.compile(
    r"^(?:[A-Z0-9][\w.'’&-]*\s+){0,7}(?:Command|Affairs|Office|Agency|News|Wing|Group|Division|Department|Center|"
    r"Headquarters|Service|Squadron|Battalion|Brigade|Regiment|Fleet|Forces?|Corps|Guard|Reserve|Staff|Activity)$"
)
_LIST_ITEM = re.compile(r"^(?:[•·▪◦*-]|\d{1,3}[.)])\s+(?P<text>.+)$")
_TERMINAL = (".", "!", "?", ":", ";", "”", '"', "’", "'", ")", ",")
_HAS_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{1,2}\b|\b(?:19|20)\d{2}\b", re.IGNORECASE
)
# The kept text must cover at least this share of the capture's text that is not recognised chrome.
MIN_KEPT_SHARE = 0.5
# A text browser's dump of a whole page (lynx, w3m) holds the site's menus, which a browser's copy leaves hidden:
# lists of short link texts under the markers those browsers draw for each nesting level.
_MENU_ITEM = re.compile(r"^[•·▪◦*+□■▫☆★○●◆◇‣⁃o#@–-](?:\s+(?P<text>.*))?$")
MENU_ITEM_WORDS = 12
# This many short list items in a row (blank lines and an item's wrapped line between them allowed) are a menu
# in a whole page's dump: one with WHOLE_PAGE_MENUS such runs or more, of WHOLE_PAGE_ITEMS items in all, the first
# before the story's text (a site's header menus; a story's lists are fewer, shorter and come in its text).
MENU_RUN = 3
WHOLE_PAGE_MENUS = 2
WHOLE_PAGE_ITEMS = 20
# Form fields and rules as text browsers draw them: "[ ]", "Search [____]", "____", "━━━━".
_WIDGET = re.compile(r"^(?:[^\[\]]{0,30}\[[ _]*\]|[_━─═=~-]{5,})$")


@dataclass
class Group:
    """Consecutive non-blank lines; `numbers` are their 1-based line numbers."""

    lines: list[str]
    numbers: list[int]
    # Right after page chrome (a section label, a banner): a sentence here describes the section, not a photo.
    after_chrome: bool = False

    @property
    def line(self) -> int:
        return self.numbers[0]

    def text(self) -> str:
        return " ".join(self.lines)


# Terminal dumps and mail are wrapped at 60 columns or more, and lynx's -width goes to 200-odd: longer lines are
# paragraphs a browser copied whole.
WRAP_WIDTH_MIN, WRAP_WIDTH_MAX = 60, 250
# A wrapped line ends within about a word's length of the width.
WRAP_SLACK = 12
# lynx's list of the links it numbered: "References", then "   1. https://..." lines (perhaps under "Visible links"
# and "Hidden links:"), to the end.
_LINK_LIST = re.compile(
    r"^References\n(?:[ \t]*\n|[ \t]*(?:Visible|Hidden) links:?[ \t]*\n)*[ \t]+1\. [a-z][a-z0-9+.-]*:.*"
    # (an address with a line break in it goes on, unindented, on the next line)
    r"(?:\n(?:[ \t]*|[ \t]*\d+\. [a-z][a-z0-9+.-]*:.*|[ \t]*(?:Visible|Hidden) links:?[ \t]*|\S+))*\n?\Z",
    re.MULTILINE,
)
_LINK_NUMBER = re.compile(r"\[\d+\](?=\S)")
# A line of this many words that ends a sentence is prose, not a headline in a list of related stories.
PROSE_WORDS = 12
# This many paragraphs of prose in a row are a story's text (_story_start).
STORY_RUN = 3
# A block of at least LINK_LIST_LINES lines, LINK_LIST_SHARE of them LINK_WORDS words or fewer without a
# sentence's end, is a page's links (_is_link_list).
LINK_LIST_LINES = 10
LINK_LIST_SHARE = 0.8
LINK_WORDS = 5
FOOTER_LINKS = 2
_FOOTER_LINK = re.compile(
    r"\b(?:privacy|accessibility|foia|freedom of information|no fear act|site ?map|inspector general|usa\.gov|"
    r"vulnerability disclosure|plain language|contact us|budget (?:&|and) (?:annual|performance) reports?)\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@[\w-]+\.[a-z]{2,}|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b", re.IGNORECASE)


@dataclass
class _Reading:
    """What the reader has decided so far, and the text it accounts for."""

    name: str
    warnings: list[str] = field(default_factory=list)
    claims_official: bool = False
    chrome_chars: int = 0
    dates: list[str] = field(default_factory=list)
    # Line numbers of a whole page's menus, and of form fields (menu_lines).
    menus: set[int] = field(default_factory=set)
    # The first line of each menu.
    menu_starts: list[int] = field(default_factory=list)
    # The capture is a text browser's dump of a whole page: it had a site's menu (menu_lines), and shows
    # teasers of other stories, with captions, before the story.
    whole_page: bool = False


def read(path: Path, options: BuildOptions) -> ReadResult:
    return parse_capture(read_text(path), options, name=str(path))


def groups_of(text: str, *, link_numbers: bool = False) -> list[Group]:
    """Runs of non-blank lines, each line a paragraph or a line of the page, as a browser's copy gives them. A
    capture wrapped at a fixed width (`lynx -dump`) has its wrapped lines joined again: a line that the next
    line's first word would not have fitted on was wrapped. With `link_numbers`, lynx's "[3]" before a link's
    text is removed once the wrapping is known (the dump wrapped its lines with the numbers in them)."""
    raw_lines = [raw.rstrip() for raw in text.splitlines()]
    width = wrap_width(raw_lines)
    groups: list[Group] = []
    current = Group([], [])
    wrapped = False  # the line before was wrapped: this one goes on with it
    for number, raw in enumerate(raw_lines, start=1):
        line = squash(_LINK_NUMBER.sub("", raw) if link_numbers else raw)
        if line and wrapped and current.lines:
            before = current.lines[-1]
            joined_word = before.endswith("-") and before[-2:-1].isalpha() and line[:1].isalpha()
            current.lines[-1] = before + ("" if joined_word else " ") + line
        elif line:
            current.lines.append(line)
            current.numbers.append(number)
        elif current.lines:
            groups.append(current)
            current = Group([], [])
        following = raw_lines[number] if number < len(raw_lines) else ""
        next_word = following.split(maxsplit=1)[0] if following.strip() else ""
        wrapped = bool(width and line and next_word and len(raw) + 1 + len(next_word) > width)
        if width and line and not wrapped and current.lines and _ends_paragraph(current, following, width):
            groups.append(current)
            current = Group([], [])
    if current.lines:
        groups.append(current)
    return groups


def without_link_list(text: str) -> tuple[str, bool]:
    """`lynx -dump` without -nolist numbers each link ("[3]the fact sheet") and lists their addresses under
    "References" at the end: both are the dump's, not the page's. The text without the list, and whether it had
    one (then the link numbers go too, see groups_of; the same numbers in other text stay)."""
    match = _LINK_LIST.search(text)
    if match is None:
        return text, False
    # Blank lines stand in for the list so that line numbers in messages stay those of the file.
    return text[: match.start()] + "\n" * text[match.start() :].count("\n"), True


def _ends_paragraph(group: Group, following: str, width: int) -> bool:
    """In wrapped text, paragraphs may follow one another without a blank line (a page that spaces them with
    margins): a finished line of sentences ends its paragraph, and so does a subhead alone before a paragraph
    long enough to wrap."""
    last = group.lines[-1]
    if _is_prose(last):
        return True
    return len(group.lines) == 1 and _looks_like_subhead(last) and len(following) >= width - WRAP_SLACK


def wrap_width(lines: list[str]) -> int | None:
    """The width a capture was wrapped at (None when it was not): lynx and mail clients wrap every paragraph at
    one width of 60 columns or more, so many lines end within a word's length of the longest, and most of those
    in the middle of a sentence; a browser's copy keeps each paragraph on one line, as long as it is."""
    lengths = [len(line) for line in lines if " " in line.strip()]  # a single word (an address) cannot wrap
    if len(lengths) < 8:
        return None
    width = max(lengths)
    if not WRAP_WIDTH_MIN <= width <= WRAP_WIDTH_MAX:
        return None
    full = [line for line, following in zip(lines, [*lines[1:], ""], strict=True)
            if len(line) >= width - WRAP_SLACK and following.strip()]
    mid_sentence = [line for line in full if not re.search(r"[.!?:;\"\u201d\u2019)]$", line)]
    # Lines shorter than half the width (a paragraph's last line, a heading, a whole page's menus) say nothing.
    long_lines = sum(length >= width / 2 for length in lengths)
    enough = len(full) >= max(4, 0.25 * long_lines) and len(mid_sentence) >= 0.6 * len(full)
    return width if enough else None


def is_banner(line: str) -> bool:
    return any(pattern.match(line) for pattern in _BANNER_LINES)


def is_section_label(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+|\d+", line)
    if not words or len(words) > 6 or re.search(r"[.!?,;]$", line):
        return False
    return all(word.lower() in _SECTION_WORDS or (word.isdigit() and len(word) == 4) for word in words)


def is_chrome(line: str) -> bool:
    bare = _BULLET.sub("", line)
    return bool(
        is_banner(bare)
        or _SKIP_LINK.match(bare)
        or _CHROME_LINES.match(bare)
        or _LABELS.match(bare)
        or _BREADCRUMB.match(bare)
        or _NAV_BAR.match(bare)
        or is_section_label(bare)
    )


def date_label(line: str) -> str | None:
    """'NEWS | April 30, 2021': a section label with the date."""
    match = _DATE_LABEL.match(line)
    if match and is_section_label(match.group("label")):
        return iso_date(match.group("date"))
    return None


def menu_lines(groups: list[Group], reading: _Reading) -> None:
    """Find a text browser's menus and form fields: runs of MENU_RUN or more short list items (blank lines, an
    item's wrapped line and a submenu's label may come between), empty list markers, drawn form fields. Only in a
    whole page's dump (see WHOLE_PAGE_MENUS) are such runs menus; elsewhere a short list is the story's. A list a
    sentence introduces ("...these units:") is the article's, however short its items, and so is a bulleted
    byline and date ("• Published", "• By NAME")."""
    lines = [(line, number) for group in groups for line, number in zip(group.lines, group.numbers, strict=True)]
    widgets: set[int] = set()
    runs: list[list[int]] = []
    run: list[int] = []
    items = menu_items = 0
    keep = False  # the run is a list the article introduces, or its byline
    introduced = False  # a sentence ending in ':' came before this list
    between: list[int] = []  # short lines after an item, which belong to the run if another item follows

    def close() -> None:
        nonlocal run, items, menu_items
        if items >= MENU_RUN and not keep:
            runs.append(run)
            menu_items += items
        run, items = [], 0
        between.clear()

    for line, number in lines:
        match = _MENU_ITEM.match(line)
        text = (match.group("text") or "") if match else ""
        if _WIDGET.match(line) or (match and not text):
            widgets.add(number)
            continue
        if match and len(text.split()) <= MENU_ITEM_WORDS and not text.endswith((".", "!", "?", ":", ";")):
            if not run:
                keep = introduced
            run += [*between, number]
            between.clear()
            items += 1
            keep = keep or _is_meta(line)
        elif run and not match and len(line.split()) <= 4 and not line.endswith(_TERMINAL):
            between.append(number)
        else:
            close()
        introduced = line.endswith(":") or (introduced and match is not None)
    close()
    reading.menus = set(widgets)
    story = _story_start(groups)
    reading.whole_page = (
        len(runs) >= WHOLE_PAGE_MENUS
        and menu_items >= WHOLE_PAGE_ITEMS
        and (story is None or runs[0][0] < groups[story].line)
    )
    if reading.whole_page:
        for found in runs:
            reading.menus.update(found)
            reading.menu_starts.append(found[0])


def parse_capture(text: str, options: BuildOptions, *, name: str) -> ReadResult:
    reading = _Reading(name)
    text_without_list, link_numbers = without_link_list(text)
    groups = groups_of(text_without_list, link_numbers=link_numbers)
    menu_lines(groups, reading)
    groups = _without_chrome(groups, reading)
    if not groups:
        raise ExportError("no headline: the capture holds only banner lines or nothing", file=name, line=1)
    groups = _released_headlines(_bylined_headlines(_merge_credit_groups(groups)))
    index = (_dated_headline(groups, 0) if reading.whole_page else None) or _headline_index(groups)
    if index is None:
        raise ExportError(
            "no headline: no line reads as a title (short, without final punctuation)", file=name, line=groups[0].line
        )
    before, headline_group, after = groups[:index], groups[index], groups[index + 1 :]
    later_menus = [line for line in reading.menu_starts if line > headline_group.line]
    if later_menus:
        reading.warnings.append(
            f"{name}:{later_menus[0]}: {len(later_menus)} list(s) of short items after the headline read as the "
            "site's menus and left out"
        )
    title = headline_group.lines[0]
    rest = Group(headline_group.lines[1:], headline_group.numbers[1:])
    meta = _Meta()
    after = _read_meta([rest, *after] if rest.lines else after, meta)

    body: list[Block] = []
    figure_lines: list[int | None] = []
    leading = _leading(before, reading)
    published = meta.published or next(iter(reading.dates), None)
    for figure, line in leading.figures:
        body.append(figure)
        figure_lines.append(line)
    if meta.title_credit is not None:
        body.append(_figure(title=title, credit=meta.title_credit))
        figure_lines.append(headline_group.line)
    after = _without_link_lists(_until_related(after, reading), reading)
    photo_page = _photo_page(title, leading, after, reading)
    if photo_page is not None:
        figure, line = photo_page
        body.append(figure)
        figure_lines.append(line)
    else:
        for group in after:
            for block, line in _blocks(group, body, reading):
                body.append(block)
                if line is not None:
                    figure_lines.append(line)
    _name_images_apart([block for block in body if isinstance(block, Figure)])
    for figure, line in zip((b for b in body if isinstance(b, Figure)), figure_lines, strict=False):
        if not figure.alt:
            reading.warnings.append(
                f"{name}:{line}: photo {figure.virin or figure.title or ''} has no alt-text line: "
                "add alt text to the imported file or build with --alt-from-caption"
            )

    page_text = _LINK_NUMBER.sub("", text_without_list) if link_numbers else text_without_list
    _check_kept(page_text, reading, title, meta, body, after)
    source = Source(
        url=options.source_url,
        url_from="given" if options.source_url else None,
        page_claims_official=reading.claims_official,
    )
    try:
        article = Article(title=title, byline=meta.byline, published=published, source=source, body=body)
    except ValidationError as error:
        raise ExportError(
            f"the capture gave an invalid article: {error.errors()[0]['msg']}", file=name
        ) from None
    return ReadResult(article, figure_lines=figure_lines, warnings=reading.warnings)


def _without_chrome(groups: list[Group], reading: _Reading) -> list[Group]:
    """Drop banner, labels, breadcrumbs, share bars and notices; keep the dates section labels carry."""
    kept: list[Group] = []
    previous_chrome = False
    value_label = False
    for group in groups:
        lines: list[str] = []
        numbers: list[int] = []
        follows_chrome = False
        for line, number in zip(group.lines, group.numbers, strict=True):
            bare = _BULLET.sub("", line)
            labels_value = value_label
            value_label = reading.whole_page and bool(_VALUE_LABEL.match(bare))
            if value_label or (labels_value and len(line) <= 40):
                reading.chrome_chars += len(line)
                continue
            labelled = date_label(line)
            if labelled:
                reading.dates.append(labelled)
            if is_banner(bare):
                reading.claims_official = True
            page_chrome = reading.whole_page and bool(_PAGE_CHROME_LINES.match(bare))
            if labelled or is_chrome(line) or page_chrome or number in reading.menus:
                reading.chrome_chars += len(line)
                previous_chrome = True
                continue
            if not lines:
                follows_chrome = previous_chrome
            previous_chrome = False
            lines.append(line)
            numbers.append(number)
        if not lines:
            continue
        if not kept and _HISTORICAL.search(" ".join(lines)) and len(" ".join(lines)) < 400:
            reading.warnings.append(
                f"{reading.name}:{numbers[0]}: historical-collection notice left out of the article"
            )
            reading.chrome_chars += sum(map(len, lines))
            continue
        kept.append(Group(lines, numbers, after_chrome=follows_chrome))
    return kept


def _is_credit(line: str) -> bool:
    bare = _BULLET.sub("", line)
    return bool(_COMBINED.match(bare) or _VIRIN_LINE.match(bare) or _CREDIT_LINE.match(bare))


def _released_headlines(groups: list[Group]) -> list[Group]:
    """A browser's copy runs a press release's header together ("The White House", "Office of the Press
    Secretary", the date, the headline) when the page spaces them with margins: a title-like last line after a
    date line, with prose after its group, is a group of its own (a headline, see _supported), before the
    story's prose begins; not in a group that opens with its headline and date (a credit line may follow them)."""
    split: list[Group] = []
    seen_prose = False
    for position, group in enumerate(groups):
        following = groups[position + 1] if position + 1 < len(groups) else None
        if (
            not seen_prose
            and not (_title_like(group.lines[0]) and _dated_under(group.lines[1:]))
            and len(group.lines) >= 2
            and _is_date_line(group.lines[-2])
            and _title_like(group.lines[-1])
            and following is not None
            and _is_prose(following.text())
        ):
            split += [Group(group.lines[:-1], group.numbers[:-1], group.after_chrome),
                      Group(group.lines[-1:], group.numbers[-1:])]
        else:
            split.append(group)
        seen_prose = seen_prose or _is_prose(group.text())
    return split


def _bylined_headlines(groups: list[Group]) -> list[Group]:
    """A browser's copy runs a site's menu into the headline when the page spaces them with margins ("DVIDS",
    "Audio", "Search", "Sign In", the headline, "By NAME | UNIT | DATE"): a title-like line with "By NAME" under it,
    after only short lines (LINK_WORDS words or fewer, no sentence's end), opens a group of its own; the short lines
    before it are left out with what comes before the headline. Looked for before the story's prose."""
    split: list[Group] = []
    seen_prose = False
    for group in groups:
        lines = group.lines
        # "By NAME" only: names or a date alone under a line are weaker signs (a short title's author, a label's date).
        start = next((k for k in range(1, len(lines) - 1)
                      if _title_like(lines[k]) and re.match(r"(?i)by\s", lines[k + 1]) and _is_meta(lines[k + 1])),
                     None)
        if (not seen_prose and start is not None
                and all(len(line.split()) <= LINK_WORDS and not line.endswith(_TERMINAL) for line in lines[:start])):
            split += [Group(lines[:start], group.numbers[:start], group.after_chrome),
                      Group(lines[start:], group.numbers[start:])]
        else:
            split.append(group)
        seen_prose = seen_prose or _is_prose(group.text())
    return split


def _merge_credit_groups(groups: list[Group]) -> list[Group]:
    """A group of credit and VIRIN lines alone belongs to the caption before it."""
    merged: list[Group] = []
    for group in groups:
        if merged and all(_is_credit(line) for line in group.lines):
            merged[-1] = Group(merged[-1].lines + group.lines, merged[-1].numbers + group.numbers)
        else:
            merged.append(group)
    return merged


def _title_like(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(line) <= 160
        and len(words) <= 25
        and not line.endswith((".", ":", ";", ",", "”", '"', ")"))
        and not line[:1].islower()
        and not _is_credit(line)
        and not _is_meta(line)
        and not _SLIDE.match(line)
        and not _LIST_ITEM.match(line)
        and not (_MENU_ITEM.match(line) and " " in line)
    )


def _caption_like(text: str) -> bool:
    """A photo caption: long enough, and dated, credited or led by a VIRIN."""
    return len(text) >= 80 and bool(
        _HAS_DATE.search(text) or split_credit(text)[1] or _CREDIT_TAIL.search(text) or _LEADING_VIRIN.match(text)
    )


def _supported(groups: list[Group], index: int) -> bool:
    """Whether the page backs the title-like first line of `groups[index]` as its headline: a byline, date,
    credit, slideshow or caption right under it, a date line right before it and prose after it (a press
    release), or a caption right before it with nothing but chrome after."""
    following = _following(groups, index)
    if following:
        first = following[0]
        if _is_meta(first) or _is_credit(first) or _SLIDE.match(first) or _caption_like(" ".join(following)):
            return True
    if _released(groups, index):
        return True
    previous = groups[index - 1].text() if index > 0 else ""
    return bool(previous) and _caption_like(previous) and index + 1 >= len(groups)


def _headline_index(groups: list[Group]) -> int | None:
    """The first title-like line the page supports, looked for until the second paragraph of prose after the
    first title-like line; else the first title-like line, or the first with its author's name alone above a date
    under it (a weaker sign: a masthead or a teaser may look so) before the story's text, whichever comes first.
    A photo block's title line (title, caption, credit) is the headline only when nothing else can be: then the
    page is that photo's page."""
    first: int | None = None
    named: int | None = None
    photo: int | None = None
    prose = 0
    prose_run = 0  # paragraphs of prose in a row: STORY_RUN of them are the story's text
    for index, group in enumerate(groups):
        line = group.lines[0]
        title_like = _title_like(line)
        # Its byline or date in its group (a browser's copy without blank lines between blocks); "From ..." there
        # may be a menu's label ("From the News Room"), and a group that ends in a credit is a photo's.
        bylined = len(group.lines) > 1 and _is_meta(group.lines[1]) and not group.lines[1].lower().startswith("from ")
        if title_like and bylined and not _is_credit(group.lines[-1]):
            return index
        if title_like and named is None and prose_run < STORY_RUN and _names_under(groups, index):
            named = index
        if sum(not _is_credit(item) for item in group.lines) >= 2 and photo_block(group.lines) is not None:
            if photo is None and title_like:
                photo = index
            continue
        if title_like:
            # After a headline with its author's name and date, only a byline or date backs a later line better.
            following = _following(groups, index)
            if _supported(groups, index) and (named is None or (following and _is_meta(following[0]))):
                return index
            # In a longer group a first line without support is a wrapped line of a paragraph.
            if first is None and len(group.lines) == 1:
                first = index
        elif (first is not None or named is not None) and len(group.text()) > 60 and not _caption_like(group.text()):
            prose += 1
            if prose >= 2:
                break
        if prose_run < STORY_RUN:
            prose_run = prose_run + 1 if _is_prose(group.text()) else 0
    candidates = [candidate for candidate in (named, first) if candidate is not None]
    return min(candidates) if candidates else photo


def _released(groups: list[Group], index: int) -> bool:
    """A press release's headline: a line of its own right after a date line ("For Immediate Release", the
    date), with its text after it."""
    return (
        0 < index < len(groups) - 1
        and len(groups[index].lines) == 1
        and _is_date_line(groups[index - 1].lines[-1])
        and _is_prose(groups[index + 1].text())
    )


def _dated_under(lines: list[str]) -> bool:
    """Whether `lines` (those under a headline) open with its date, or its authors' names and then the date."""
    return bool(lines) and (_is_date_line(lines[0]) or _names_before_date(lines) is not None)


def _following(groups: list[Group], index: int) -> list[str]:
    """The lines right under `groups[index]`'s first line: the rest of its group, else the next group."""
    return groups[index].lines[1:] or (groups[index + 1].lines if index + 1 < len(groups) else [])


def _names_under(groups: list[Group], index: int) -> bool:
    """Whether the author's name alone, then the date, come right under `groups[index]`'s first line."""
    return _names_before_date(_following(groups, index)) is not None


def _dated_headline(groups: list[Group], start: int) -> int | None:
    """A whole page's text (a text browser's dump) holds its menus and teasers before the story; the story's
    headline is then the first title-like line with a byline or date among the few short lines under it
    ("Artemis II Water Deluge Test", "Monika Luabeya", "Oct 26, 2023"), or right after a date line and before
    prose (a press release: "For Immediate Release", "April 11, 2015", the headline), looked for until the
    story's text."""
    end = _story_start(groups[start:])
    for index in range(start, len(groups) if end is None else start + end):
        group = groups[index]
        if len(group.lines) == 1 and _title_like(group.lines[0]):
            if _released(groups, index):
                return index
            following = [line for later in groups[index + 1 : index + 4] for line in later.lines][:4]
            for line in following:
                if _is_meta(line):
                    return index
                if len(line.split()) > 6 or _LIST_ITEM.match(line):
                    break
    return None


def _story_start(groups: list[Group]) -> int | None:
    """Where STORY_RUN paragraphs of prose follow one another: a story's text. A page's teasers put a headline
    between one description and the next."""
    run = 0
    for index, group in enumerate(groups):
        run = run + 1 if _is_prose(group.text()) else 0
        if run == STORY_RUN:
            return index - STORY_RUN + 1
    return None


def _is_meta(line: str) -> bool:
    bare = _BULLET.sub("", line)
    return bool(
        _RUN_IN_BYLINE.match(bare)
        or (_BYLINE.match(bare) and len(bare) < 160)
        or _PUBLISHED.match(bare)
        or _date_and_names(bare)
        or _is_date_line(bare)
    )


def _date_and_names(line: str) -> tuple[str, str] | None:
    match = _DATE_AND_NAMES.match(line)
    by_names = _DATE_BY_NAMES.match(line)
    if by_names and all(_NAME.match(name) for name in re.split(r"\s*,\s*|\s+and\s+", by_names.group("names"))):
        match = by_names
    if match:
        found = iso_date(match.group("date"))
        if found:
            return found, match.group("names")
    return None


def _is_date_line(line: str) -> bool:
    return len(line) <= 40 and iso_date(line) is not None and not line.endswith(".")


@dataclass
class _Meta:
    byline: Byline | None = None
    published: str | None = None
    # A credit line right under the headline: the headline names a photo (an image page).
    title_credit: str | None = None


# A person's name alone: two to four capitalised words, not "By NAME" (a byline _read_meta reads).
_NAME = re.compile(r"^(?!(?i:by|from)\b)(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*$")


def _names_before_date(lines: list[str]) -> list[str] | None:
    """The authors' names alone on their lines before a date line ("Beth Ridgeway", "Lee Mohon", "Dec 11, 2023";
    a name twice: a photo's alt text, then the name), as a page shows them under the headline without "By";
    None when the lines do not start so."""
    names: list[str] = []
    for line in lines[:4]:
        if _is_date_line(line) and names:
            # Several authors have short names; a longer title-case line among them is a headline.
            distinct = set(names)
            return names if len(distinct) == 1 or all(len(name.split()) <= 3 for name in distinct) else None
        if not _NAME.match(line) or _is_meta(line) or _ORGANIZATION.match(line) or is_section_label(line):
            return None
        names.append(line)
    return None


def _names_then_date(groups: list[Group], meta: _Meta) -> list[Group]:
    """Names alone above the date under the headline (_names_before_date): the byline and the date."""
    lines = [line for group in groups[:4] for line in group.lines]
    names = _names_before_date(lines)
    if names is None:
        return groups
    meta.byline = Byline(people=list(dict.fromkeys(names)))
    meta.published = iso_date(lines[len(names)])
    remaining = list(groups)
    for _ in range(len(names) + 1):
        first = remaining.pop(0)
        if len(first.lines) > 1:
            remaining.insert(0, Group(first.lines[1:], first.numbers[1:]))
    return remaining


def _read_meta(groups: list[Group], meta: _Meta) -> list[Group]:
    """Consume the byline, date and credit lines under the headline; the rest of their group is body."""
    remaining = _names_then_date(groups, meta)
    previous_was_byline = False
    while remaining:
        group = remaining[0]
        consumed = 0
        for line in group.lines:
            first_line = group is groups[0] and consumed == 0
            bare = _BULLET.sub("", line)
            bulleted = bare != line
            run_in = _RUN_IN_BYLINE.match(bare)
            dated = _date_and_names(bare)
            published = _PUBLISHED.match(bare)
            credit = _CREDIT_LINE.match(bare)
            if run_in and meta.byline is None:
                meta.byline, date = _byline(run_in.group("names"))
                meta.published = meta.published or iso_date(run_in.group("date")) or date
            elif dated and meta.byline is None:
                meta.published = meta.published or dated[0]
                meta.byline, _ = _byline(dated[1])
            elif published:
                meta.published = meta.published or iso_date(published.group("date"))
            elif _BYLINE.match(bare) and meta.byline is None and len(bare) < 160:
                meta.byline, date = _byline(_BYLINE.match(bare).group("names"))  # type: ignore[union-attr]
                meta.published = meta.published or date
                previous_was_byline = True
                consumed += 1
                continue
            elif _is_date_line(bare) and meta.published is None:
                meta.published = iso_date(bare)
            elif credit and first_line and meta.title_credit is None:
                meta.title_credit = squash(credit.group("credit"))
            elif first_line and meta.byline is None and _ORGANIZATION.match(bare):
                meta.byline = Byline(organization=bare)
            elif bulleted and previous_was_byline and meta.byline and not meta.byline.organization:
                meta.byline = Byline(people=meta.byline.people, organization=bare)
            else:
                break
            previous_was_byline = False
            consumed += 1
        if consumed < len(group.lines):
            remaining[0] = Group(group.lines[consumed:], group.numbers[consumed:])
            break
        remaining.pop(0)
    return remaining


# "Updated April 22, 2024" beside a byline: a date with the word that says which.
_DATED = re.compile(r"^(?:last\s+)?(?:updated|posted|published|released)(?:\s+on)?:?\s+(?=\S|$)", re.IGNORECASE)


def _without_date_word(part: str) -> str | None:
    """ "Updated April 22, 2024" is the date; "Updated" alone is what is left of one taken off the line's end."""
    if not _DATED.match(part + " "):
        return part
    rest = _DATED.sub("", part + " ").strip()
    return None if not rest else rest if _is_date_line(rest) else part


def _byline(names: str) -> tuple[Byline, str | None]:
    """'NAME and NAME, UNIT' -> the people and their organisation, and the date the line holds, if any. DVIDS
    separates the parts with pipes ('Cpl. NAME | 3rd Marine Expeditionary Force | April 22, 2024'): the first part
    is the people, a part that reads as a date is the date, and the others are the organisation."""
    first, *others = [part.strip() for part in names.split("|") if part.strip()] or [""]
    others = [kept for part in others if (kept := _without_date_word(part))]
    dates = [iso_date(part) for part in others if _is_date_line(part)]
    units = [part for part in others if not _is_date_line(part)]
    parts = [part.strip() for part in first.split(",") if part.strip()]
    organization = parts.pop() if len(parts) > 1 else None
    people = [p for p in re.split(r"\s+and\s+|\s*,\s*", ", ".join(parts)) if p]
    organization = ", ".join([*([organization] if organization else []), *units]) or None
    return Byline(people=people, organization=organization), dates[0] if dates else None


@dataclass
class _Leading:
    """What comes before the headline: photo blocks, a caption (caption-first photo pages), an alt-text line."""

    figures: list[tuple[Figure, int]] = field(default_factory=list)
    caption: Group | None = None
    alt: str | None = None


def _leading(groups: list[Group], reading: _Reading) -> _Leading:
    """Text before the headline that is not a photo is left out, in one warning. In a whole page's dump it is
    counted as page chrome (menus and teasers) unless a story's text is there (_story_start); elsewhere it
    counts as text lost, so a story left out is refused (_check_kept)."""
    leading = _Leading()
    left_out: list[Group] = []
    for position, group in enumerate(groups):
        figure = photo_block(group.lines)
        if figure is not None:
            leading.figures.append((figure, group.line))
        elif len(group.lines) == 1 and _is_date_line(group.lines[0]):
            reading.dates.append(iso_date(group.lines[0]) or "")
        elif _caption_like(group.text()):
            leading.caption = group
        elif (
            position == len(groups) - 1
            and len(group.lines) == 1
            and group.lines[0].endswith(".")
            and len(group.lines[0]) <= 250
            and not group.after_chrome
        ):
            leading.alt = group.lines[0]
        else:
            left_out.append(group)
    if left_out:
        first = left_out[0]
        more = f" and {len(left_out) - 1} more paragraphs" if len(left_out) > 1 else ""
        reading.warnings.append(
            f"{reading.name}:{first.line}: text before the headline left out ({first.text()[:50]!r}{more})"
        )
        if reading.whole_page and _story_start(groups) is None:
            reading.chrome_chars += sum(len(group.text()) for group in left_out)
    return leading


def _until_related(groups: list[Group], reading: _Reading) -> list[Group]:
    """The groups before a "Related Stories" label: the related list ends the article. A label above the story,
    with none of its prose before it (af.mil's print view puts "Related Links" there), is a sidebar's own: only
    the label is left out."""
    for index, group in enumerate(groups):
        if len(group.lines) == 1 and _RELATED.match(group.lines[0]):
            if not _has_prose(groups[:index]) and _has_prose(groups[index + 1 :]):
                reading.warnings.append(
                    f"{reading.name}:{group.line}: the label {group.lines[0]!r} above the story's text left out"
                )
                reading.chrome_chars += len(group.text())
                return groups[:index] + _until_related(groups[index + 1 :], reading)
            if groups[index + 1 :]:
                reading.warnings.append(
                    f"{reading.name}:{group.line}: related stories listed without links were left out"
                )
            reading.chrome_chars += sum(len(g.text()) for g in groups[index:])
            return groups[:index]
    return groups


def _is_link_list(group: Group) -> bool:
    """A page's footer links copied as text (no list markers in a browser's copy): many lines, nearly all a few
    words without a sentence's end, none a list item, no address or telephone number (a press release's contacts),
    and among them the links every federal site's footer carries (privacy, accessibility, FOIA...)."""
    listed = any(_LIST_ITEM.match(line) or _MENU_ITEM.match(line) for line in group.lines)
    if len(group.lines) < LINK_LIST_LINES or listed or _CONTACT.search(group.text()):
        return False
    if len(_FOOTER_LINK.findall(group.text())) < FOOTER_LINKS:
        return False
    short = [line for line in group.lines if len(line.split()) <= LINK_WORDS and not line.endswith((".", "!", "?"))]
    return len(short) >= LINK_LIST_SHARE * len(group.lines)


def _without_link_lists(groups: list[Group], reading: _Reading) -> list[Group]:
    """The story's groups without the page's links after its last paragraph of prose (_is_link_list), said in one
    warning. A list a sentence introduces ("...selected for promotion:") is the story's."""
    last_prose = max((index for index, group in enumerate(groups) if _is_prose(group.text())), default=None)
    if last_prose is None:
        return groups
    dropped = [
        index
        for index in range(last_prose + 1, len(groups))
        if _is_link_list(groups[index]) and not groups[index - 1].lines[-1].endswith(":")
    ]
    if not dropped:
        return groups
    lines = sum(len(groups[index].lines) for index in dropped)
    reading.warnings.append(
        f"{reading.name}:{groups[dropped[0]].line}: {lines} short lines in {len(dropped)} block(s) after the story "
        "read as the page's footer links and left out"
    )
    reading.chrome_chars += sum(len(groups[index].text()) for index in dropped)
    return [group for index, group in enumerate(groups) if index not in dropped]


def _has_prose(groups: list[Group]) -> bool:
    """Whether any line is a story's prose, not a headline of a list."""
    return any(_is_prose(line) for group in groups for line in group.lines)


def _is_prose(line: str) -> bool:
    """A line of sentences: long enough, and it ends one."""
    return len(line.split()) >= PROSE_WORDS and re.search(r"[.!?][\"\u201d\u2019)]?$", line) is not None


def _photo_page(title: str, leading: _Leading, after: list[Group], reading: _Reading) -> tuple[Figure, int] | None:
    """A photo-detail page: the headline with one caption around it (repeats allowed) and its credit lines."""
    captions = [group for group in after if not all(_is_credit(line) for line in group.lines)]
    texts = {_caption_text(group.lines) for group in captions}
    if leading.caption is not None:
        texts.add(_caption_text(leading.caption.lines))
    if leading.figures or len(texts) > 1:
        return None
    group = captions[0] if captions else leading.caption
    # A caption the page shows twice (before and after the photo title) is read once.
    reading.chrome_chars += sum(len(g.text()) for g in captions[1:]) + (
        len(leading.caption.text()) if leading.caption is not None and captions else 0
    )
    if group is None or not _caption_like(_caption_text(group.lines)):
        return None
    credits = [line for g in after for line in g.lines if _is_credit(line)]
    figure = photo_block([*group.lines, *[c for c in credits if c not in group.lines]], alt=leading.alt)
    if figure is None:
        figure = _caption_figure(group.lines, alt=leading.alt)
    virin = clean_virin(title)
    # A headline that is itself a VIRIN (some gallery pages title a photo by it) is the VIRIN, not a title.
    virin = figure.virin or virin
    figure = figure.model_copy(update={"title": None if clean_virin(title) else title, "virin": virin,
                                       "image": _image(virin, title)})
    return figure, (leading.caption or group).line


def _caption_text(lines: list[str]) -> str:
    return " ".join(line for line in lines if not _is_credit(line))


def _blocks(group: Group, previous: list[Block], reading: _Reading) -> list[tuple[Block, int | None]]:
    lines = group.lines
    if any(_SLIDE.match(line) for line in lines):
        return [(figure, group.numbers[index]) for figure, index in _slides(lines)]
    figure = photo_block(lines)
    if figure is not None:
        return [(figure, group.line)]
    if _caption_like(group.text()) and (split_credit(group.text())[1] or _LEADING_VIRIN.match(group.text())):
        return [(_caption_figure(lines), group.line)]
    return [(block, None) for block in text_blocks(lines, previous)]


def _slides(lines: list[str]) -> list[tuple[Figure, int]]:
    """army.mil slideshows: a photo title line, then "N / M Show Caption + Hide Caption – CAPTION (Photo Credit:
    NAME) VIEW ORIGINAL". Each figure comes with the index of its slide's line."""
    figures: list[tuple[Figure, int]] = []
    title: str | None = None
    for index, line in enumerate(lines):
        match = _SLIDE.match(line)
        if match is None:
            title = line
            continue
        caption = squash(match.group("caption")) or None
        figures.append((_figure(title=title, caption=caption, credit=squash(match.group("credit")) or None), index))
        title = None
    return figures


def photo_block(lines: list[str], *, alt: str | None = None) -> Figure | None:
    """A photo block: its last lines are the credit and VIRIN (either may be missing, not both)."""
    rest = list(lines)
    virin: str | None = None
    credit: str | None = None
    # Read from the end: VIRIN, credit, or a combined "Photo by: NAME | VIRIN: ..." line.
    for _ in range(3):
        if not rest:
            break
        last = _BULLET.sub("", rest[-1])
        combined = _COMBINED.match(last)
        virin_match = _VIRIN_LINE.match(last)
        credit_match = _CREDIT_LINE.match(last)
        if combined and virin is None and credit is None:
            virin = combined.group("virin") or combined.group("virin2")
            credit = combined.group("credit") or combined.group("credit2")
        elif virin_match and virin is None:
            virin = virin_match.group("virin")
        elif credit_match and credit is None:
            credit = credit_match.group("credit")
        elif virin is not None and credit is None and _AGENCY_CREDIT.match(last) and len(rest) > 1:
            credit = last
        else:
            break
        rest.pop()
    if (virin is None and credit is None) or not rest:
        return None
    title: str | None = None
    if len(rest) >= 3:
        alt, title, caption_lines = rest[0], rest[1], rest[2:]
    elif len(rest) == 2:
        # Two lines: alt text is a sentence; a photo title is a short label without final punctuation.
        if rest[0].endswith(_TERMINAL):
            alt, caption_lines = rest[0], rest[1:]
        else:
            title, caption_lines = rest[0], rest[1:]
    else:
        caption_lines = rest
    return _caption_figure(caption_lines, alt=alt, title=title, credit=credit, virin=virin)


def _caption_figure(
    lines: list[str],
    *,
    alt: str | None = None,
    title: str | None = None,
    credit: str | None = None,
    virin: str | None = None,
) -> Figure:
    """A figure from caption lines: a trailing credit ("(U.S. Army photo by NAME)", "Navy photo by NAME") moves
    into the credit unless a credit line gave one; a leading VIRIN is the figure's VIRIN."""
    caption = " ".join(line for line in lines if not _is_credit(line))
    caption, suffix = split_credit(caption)
    if suffix is None:
        tail = _CREDIT_TAIL.search(caption)
        if tail:
            caption, suffix = caption[: tail.start()].rstrip(), squash(tail.group("credit"))
    leading = _LEADING_VIRIN.match(caption)
    found_virin = clean_virin(virin) or (clean_virin(leading.group("virin")) if leading else None)
    return _figure(alt=alt, title=title, caption=caption or None, credit=squash(credit) or suffix, virin=found_virin)


def _figure(
    *,
    alt: str | None = None,
    title: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    virin: str | None = None,
) -> Figure:
    return Figure(
        image=_image(virin, title or caption or "photo"),
        alt=alt or None,
        title=title or None,
        caption=[Text(text=caption)] if caption else [],
        credit=credit or None,
        virin=virin,
    )


def _image(virin: str | None, fallback: str) -> str:
    return f"{virin}.jpg" if virin else f"{_slug(fallback)}.jpg"


def _name_images_apart(figures: list[Figure]) -> None:
    """Photos without a VIRIN are named after their title or caption, which a slideshow repeats on every slide:
    numbered apart, so that `--images DIR` can give each its own photo (one VIRIN is one photo, named once)."""
    taken = {figure.image for figure in figures}
    seen: set[str] = set()
    for figure in figures:
        if figure.virin is None and figure.image in seen:
            stem = figure.image.removesuffix(".jpg")
            number = 2
            while f"{stem}-{number}.jpg" in taken:
                number += 1
            figure.image = f"{stem}-{number}.jpg"
            taken.add(figure.image)
        seen.add(figure.image)


def text_blocks(lines: list[str], previous: list[Block]) -> list[Block]:
    """Body text: list items, a subhead (a short line without final punctuation), or a paragraph."""
    items = [_LIST_ITEM.match(line) for line in lines]
    if all(items) and (len(lines) > 1 or (previous and isinstance(previous[-1], ListBlock))):
        entries = [[Paragraph(children=[Text(text=match.group("text"))])] for match in items if match]
        if previous and isinstance(previous[-1], ListBlock):
            previous[-1].items.extend(entries)
            return []
        ordered = bool(re.match(r"^\d", lines[0]))
        return [ListBlock(ordered=ordered, items=entries)]
    if len(lines) == 1 and _looks_like_subhead(lines[0]):
        return [Heading(level=2, children=[Text(text=lines[0])])]
    return [Paragraph(children=[Text(text=" ".join(lines))])]


def _looks_like_subhead(line: str) -> bool:
    return (
        len(line) <= 80
        and not line.endswith(_TERMINAL)
        and line[:1].isupper()
        and len(line.split()) <= 12
        and not _VIRIN_LINE.match(line)
    )


def _check_kept(text: str, reading: _Reading, title: str, meta: _Meta, body: list[Block], after: list[Group]) -> None:
    """Refuse rather than return an article that dropped most of the capture's text without a reason."""
    total = sum(len(squash(line)) for line in text.splitlines()) - reading.chrome_chars
    kept = len(title) + len(meta.byline.text() if meta.byline else "") + _block_chars(body)
    if total > 400 and kept < MIN_KEPT_SHARE * total:
        first_lost = after[0].line if after else 1
        raise ExportError(
            f"only {100 * kept // total}% of the capture's text was read as the article: its layout was not "
            "recognised, so the body would be lost; refused (check the headline and the blank lines between "
            "paragraphs)",
            file=reading.name,
            line=first_lost,
        )


def _block_chars(blocks: list[Block]) -> int:
    count = 0
    for block in blocks:
        if isinstance(block, Figure):
            count += sum(len(part or "") for part in (block.alt, block.title, block.credit, block.virin))
            count += len(plain_text(block.caption))
        elif isinstance(block, ListBlock):
            count += sum(_block_chars(item) for item in block.items)
        else:
            count += len(plain_text(getattr(block, "children", [])))
    return count


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug or "photo"
