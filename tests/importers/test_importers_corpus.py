"""Every real page in data/pages (the project corpus, trimmed) imports: headline, figures, the first figure's alt
text, credit and VIRIN, and no page chrome (navigation, banner, share widgets, footers) in the article.

The expected values were read off the pages themselves (each platform's markup is described in its profile)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporter.model import Article, Figure, Media, Paragraph, plain_text
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_document
from exporter.serialize import to_json
from tests.docx.corpus.similarity import model_text
from tests.importers.conftest import PAGES as CORPUS_HTML
from tests.importers.conftest import require


@dataclass(frozen=True)
class Case:
    name: str
    headline: str
    figures: int
    media: int
    alt: str | None  # the first figure's alt text starts with this; None: the page gives none
    credit: str | None
    virin: str | None


CASES = [
    Case(
        "afmil_01_quest-for-perfection-airman-strives-for-flawless-execution.html",
        "Quest for perfection: Airman strives for flawless execution",
        figures=11,
        media=0,
        alt="Lt. Col. Mark Gould reaches for another ",
        credit="U.S. Air Force photo/Staff Sgt. Christopher Gross",
        virin="150627-F-CU844-335",
    ),
    Case(
        "afmil_02_af-leaders-spouses-talk-improvements-in-family-programs-voic.html",
        "AF leaders, spouses talk improvements in family programs, voice concerns",
        figures=9,
        media=0,
        alt="Some of the Air Force's senior leaders a",
        credit="U.S. Air Force photo/Scott M. Ash",
        virin="150914-F-EK235-110",
    ),
    Case(
        "afmil_03_welsh-cites-heroes-talks-modernization-during-air-force-upda.html",
        "Welsh cites heroes, talks modernization during Air Force Update",
        figures=7,
        media=0,
        alt="Air Force Chief of Staff Gen. Mark A. We",
        credit="U.S. Air Force photo/Scott M. Ash",
        virin="150915-F-EK235-894",
    ),
    Case(
        "afmil_04_air-force-awards-lrs-b-contract.html",
        "Air Force awards LRS-B contract",
        figures=7,
        media=0,
        alt="Secretary of Defense Ashton Carter intro",
        credit="U.S. Air Force photo/Scott M. Ash",
        virin="151027-F-EK235-058",
    ),
    Case(
        "afmil_05_true-warrior-an-airman-s-fight.html",
        "True Warrior: An Airman's fight",
        figures=6,
        media=0,
        alt="Tech. Sgt. Clinton Williams, a 52nd Comp",
        credit="U.S. Air Force photo/Airman 1st Class Timothy Kim",
        virin="150411-F-OG770-194",
    ),
    Case(
        "afmil_06_wwii-flying-ace-encounters-new-generation-of-aircraft.html",
        "WWII flying ace encounters new generation of aircraft",
        figures=6,
        media=0,
        alt="British Capt. Peter “Willy” Hatchett, at",
        credit="U.S. Air Force photo/Sean Kimmons",
        virin="100715-A-XXXXX-001",
    ),
    Case(
        "afmil_07_luxembourg-us-honor-freedom-s-sacrifice-during-memorial-day.html",
        "Luxembourg, US honor freedom's sacrifice during Memorial Day",
        figures=5,
        media=0,
        alt="An honor guard detail executes a ceremon",
        credit="U.S. Air Force photo/Staff Sgt. Joe W. McFadden",
        virin="150523-F-ZL078-838",
    ),
    Case(
        "afmil_08_desert-storm-2nd-bomb-wing-leads-the-air-war.html",
        "Desert Storm: 2nd Bomb Wing leads the air war",
        figures=5,
        media=0,
        alt="A B-52G Stratofortress aircraft takes of",
        credit="Courtesy photo",
        virin="910310-F-ZZ999-003",
    ),
    Case(
        "afmil_09_time-with-majcom-commanders-at-the-four-star-forum.html",
        "Time with MAJCOM commanders at the four-star forum",
        figures=5,
        media=0,
        alt="Air Force Chief of Staff Gen. Mark A. We",
        credit="U.S. Air Force photo/Scott M. Ash",
        virin="150916-F-EK235-828",
    ),
    Case(
        "afmil_10_planes-by-day-cars-by-night-airman-s-passion-brings-balance.html",
        "Planes by day, cars by night; Airman's passion brings balance",
        figures=4,
        media=0,
        alt="Tech. Sgt. Gabriel, a 432nd Wing/432nd A",
        credit="U.S. Air Force photo/Airman 1st Class Christian Clausen",
        virin="151102-F-YX485-143",
    ),
    Case(
        "afmil_11_af-veteran-survivor-of-three-wars-plane-crash.html",
        "AF veteran survivor of three wars, plane crash",
        figures=4,
        media=0,
        alt="Retired Lt. Col. Alma Skousen shows off ",
        credit="U.S. Air Force photo/Tech. Sgt. Timothy Boyer",
        virin="151030-F-BW200-001",
    ),
    Case(
        "afmil_12_airman-balances-cycling-with-air-guard-mission.html",
        "Airman balances cycling with Air Guard mission",
        figures=3,
        media=0,
        alt="Tech. Sgt. Dwayne Farr, assigned to the ",
        credit="U.S. Air National Guard photo/Tech. Sgt. John Hughel",
        virin="130407-Z-CH590-914",
    ),
    Case(
        "afmil_13_secaf-speaks-at-csis-for-smart-women-smart-power-series.html",
        "SecAF speaks at CSIS for Smart Women, Smart Power series",
        figures=3,
        media=0,
        alt="Air Force Secretary Deborah Lee James pa",
        credit="U.S. Air Force photo/Jim Varhegyi",
        virin="160114-F-FC975-590",
    ),
    Case(
        "afmil_14_gulf-war-created-need-for-better-critical-care.html",
        "Gulf War created need for better critical care",
        figures=1,
        media=0,
        alt="Tech. Sgt. Theresa Hillis, of the 68th A",
        credit="Courtesy photo",
        virin="160114-F-EX708-001",
    ),
    Case(
        "afmil_15_air-force-bands.html",
        "Air Force Bands",
        figures=5,
        media=0,
        alt="The U.S. Air Force Academy Band performs",
        credit="U.S. Air Force photo/Mike Kaplan",
        virin="100625-F-0558K-091",
    ),
    Case(
        "mil_igphoto_190923-F-UR189-1004.html",
        "Neil deGrasse Tyson visits Schriever Air Force Base",
        figures=1,
        media=0,
        alt="Col. Jack Fischer, 50th Space Wing vice ",
        credit="Airman 1st Class Jonathan Whitely",
        virin="190923-F-UR189-1004",
    ),
    Case(
        "mil_igphoto_191212-F-00000-002.html",
        "Vandenberg AFB supports missile flight test",
        figures=1,
        media=0,
        alt="missile",
        credit="30th SW PA",
        virin="191212-F-00000-002",
    ),
    Case(
        "mil_igphoto_221011-F-TD231-1215.html",
        "Gen. Raymond Visits Vandenberg",
        figures=1,
        media=0,
        alt=None,
        credit="Airman 1st Class Rocio Romo",
        virin="221011-F-TD231-1215",
    ),
    Case(
        "mil_igphoto_230829-F-LE393-1171.html",
        "230829-F-LE393-1171",
        figures=1,
        media=0,
        alt=None,
        credit="Eric R. Dietrich",
        virin="230829-F-LE393-1171",
    ),
    Case(
        "nasa_an-aurora-in-another-light.html",
        "An Aurora in Another Light",
        figures=1,
        media=0,
        alt="The aurora borealis on Nov. 5, 2023, is ",
        credit="NASA/Lauren Dauphin and Wanmei Liang; NOAA",
        virin=None,
    ),
    Case(
        "nasa_artemis-ii-water-deluge-test.html",
        "Artemis II Water Deluge Test",
        figures=1,
        media=0,
        alt="A large amount of water cascades over th",
        credit="NASA / Kim Shiflett",
        virin=None,
    ),
    Case(
        "nasa_collins-aerospace-tests-nasa-space-station-suit-in-weightles.html",
        "Collins Aerospace Tests NASA Space Station Suit in Weightlessness",
        figures=3,
        media=1,
        alt="Collins Aerospace’s chief test astronaut",
        credit="Collins Aerospace",
        virin=None,
    ),
    Case(
        "nasa_early-production-continues-on-advanced-upper-stage-for-nasa-.html",
        "Early Production Continues on Advanced Upper Stage for NASA Moon Rocket",
        figures=1,
        media=1,
        alt="Technicians at NASA’s Michoud Assembly F",
        credit="NASA/Michael DeMocker",
        virin=None,
    ),
    Case("nasa_image-detail_sts-53-2.html", "sts-53", figures=1, media=0, alt=None, credit=None, virin=None),
    Case(
        "nasa_just-in-time-for-halloween-nasas-juno-mission-spots-eerie-fa.html",
        "Just in Time for Halloween, NASA’s Juno Mission Spots Eerie “Face” on Jupiter",
        figures=1,
        media=0,
        alt="The image shows turbulent clouds and sto",
        credit=None,
        virin=None,
    ),
    Case(
        "nasa_nasa-hq-juneteenth-flag-raising-ceremony.html",
        "NASA HQ Juneteenth Flag Raising Ceremony",
        figures=1,
        media=0,
        alt="NASA HQ Juneteenth Flag Raising Ceremony",
        credit=None,
        virin=None,
    ),
    Case(
        "nasa_nasa-teams-prepare-moon-rocket-to-spacecraft-connector-for-a.html",
        "NASA Teams Prepare Moon Rocket-to-Spacecraft Connector for Assembly",
        figures=1,
        media=1,
        alt="Engineers at NASA’s Marshall Space Fligh",
        credit="NASA/Sam Lott",
        virin=None,
    ),
    Case(
        "nasa_nasas-lucy-spacecraft-discovers-2nd-asteroid-during-dinkines.html",
        "NASA’s Lucy Spacecraft Discovers 2nd Asteroid During Dinkinesh Flyby",
        figures=2,
        media=0,
        alt="An image of asteroid Dinkinesh, a pair o",
        credit="NASA/Goddard/SwRI/Johns Hopkins APL/NOIRLab",
        virin=None,
    ),
    Case(
        "nasa_nasas-wallops-c-130-plays-vital-role-in-successful-parachute.html",
        "NASA’s Wallops C-130 Plays Vital Role in Successful Parachute Airdrop Test",
        figures=1,
        media=0,
        alt="A NASA C-130 cargo aircraft, flying in c",
        credit="U.S. Army Yuma Proving Ground",
        virin=None,
    ),
    Case(
        "nasa_vast-and-rich-studying-the-ocean-with-nasa-computer-simulati.html",
        "‘Vast and Rich:’ Studying the Ocean With NASA Computer Simulations",
        figures=0,
        media=1,
        alt=None,
        credit=None,
        virin=None,
    ),
    Case(
        "noaa_120-years-ago-today-the-great-galveston-hurricane-made-landfall.html",
        "120 Years Ago Today, the Great Galveston Hurricane Made Landfall",
        figures=2,
        media=0,
        alt="Before-and-after image of damage from th",
        credit=None,
        virin=None,
    ),
    Case(
        "noaa_go-goes-s.html",
        "Go GOES-S!",
        figures=9,
        media=1,
        alt="Image at NESDIS",
        credit=None,
        virin=None,
    ),
    Case(
        "whitehouse_obama_obama-administration-digital-transition-moving-forward.html",
        "The Obama Administration Digital Transition: Moving Forward",
        figures=1,
        media=0,
        alt="President Obama Twitter Q&A",
        credit=None,
        virin=None,
    ),
    Case(
        "whitehouse_obama_serve-and-remember.html",
        "Serve and Remember",
        figures=1,
        media=0,
        alt=None,
        credit=None,
        virin=None,
    ),
    Case(
        "whitehouse_obama_weekly-address-merry-christmas-president-and-first-lady.html",
        "WEEKLY ADDRESS: Merry Christmas from the President and the First Lady",
        figures=0,
        media=0,
        alt=None,
        credit=None,
        virin=None,
    ),
    Case(
        "whitehouse_obama_weekly-address-tuition-free-community-college.html",
        "Weekly Address: Tuition-Free Community College",
        figures=0,
        media=1,
        alt=None,
        credit=None,
        virin=None,
    ),
]

# Text that only page chrome carries: navigation, the .gov banner, share/print widgets, footers.
CHROME = re.compile(
    r"skip to main content|here['’]s how you know|an official website of the united states"
    r"|official websites use"
    r"|privacy policy|accessibility statement|download hi-res|photo details|copy url|recent news|back to top"
    r"|sign up for|follow us|site map|foia|no fear act|inspector general|usa\.gov|\bjavascript\b|__doPostBack"
    r"|jquery|function\s*\(|\{\s*var ",
    re.IGNORECASE,
)
CHROME_LABELS = {
    "share",
    "print",
    "email",
    "download",
    "facebook",
    "x",
    "linkedin",
    "tags",
    "menu",
    "search",
    "home",
    "close",
    "next",
    "previous",
    "photo gallery",
    "full size",
}


@pytest.fixture(scope="module")
def imported() -> dict[str, ReadResult]:
    require(CORPUS_HTML)
    return {case.name: read_document(CORPUS_HTML / case.name, BuildOptions()) for case in CASES}


def test_every_corpus_page_has_a_case(corpus_html: Path) -> None:
    pages = sorted(p.name for p in corpus_html.iterdir() if p.suffix in (".html", ".htm"))
    assert pages == sorted(case.name for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name[:48] for case in CASES])
def test_corpus_page_imports(case: Case, imported: dict[str, ReadResult]) -> None:
    article = imported[case.name].document
    assert isinstance(article, Article)
    assert article.title == case.headline
    figures = article.figures()
    assert len(figures) == case.figures
    assert sum(isinstance(block, Media) for block in article.body) == case.media
    if figures:
        first = figures[0]
        if case.alt is None:
            assert first.alt is None
        else:
            assert first.alt is not None and first.alt.startswith(case.alt)
        assert first.credit == case.credit
        assert first.virin == case.virin
        assert first.image.startswith("https://"), first.image
    # Something to read besides the figures.
    assert any(isinstance(block, Paragraph | Figure | Media) for block in article.body)


@pytest.mark.parametrize("case", CASES, ids=[case.name[:48] for case in CASES])
def test_no_page_chrome_in_the_article(case: Case, imported: dict[str, ReadResult]) -> None:
    article = imported[case.name].document
    data = json.loads(to_json(article))
    text_parts: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "title", "alt", "credit") and isinstance(value, str):
                    text_parts.append(value)
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(data["body"])
    collect(data.get("dek"))
    everything = "\n".join(text_parts)
    assert not CHROME.search(everything), CHROME.search(everything)
    for block in article.body:
        if isinstance(block, Paragraph):
            assert plain_text(block.children).strip().lower() not in CHROME_LABELS


def test_figures_without_alt_text_are_reported(imported: dict[str, ReadResult]) -> None:
    for case in CASES:
        result = imported[case.name]
        missing = [f for f in result.document.figures() if not f.alt]
        reported = [w for w in result.warnings if "no alt text" in w]
        assert len(reported) == len(missing), case.name


def test_afmil_alt_text_that_repeats_the_caption_is_reported(imported: dict[str, ReadResult]) -> None:
    from exporter.errors import Warnings
    from exporter.pipeline import review_alt

    result = imported["afmil_07_luxembourg-us-honor-freedom-s-sacrifice-during-memorial-day.html"]
    warnings = Warnings()
    for number, figure in enumerate(result.document.figures(), start=1):
        review_alt(figure, number, "afmil_07", warnings)
    assert any("only repeats the caption" in warning for warning in warnings.messages)
    first = result.document.figures()[0]
    # The credit suffix moved out of both caption and alt into the credit.
    assert "(U.S. Air Force photo" not in plain_text(first.caption)
    assert "(U.S. Air Force photo" not in (first.alt or "")


# Pages whose only photo has neither alt text nor a caption: nothing to build alt text from.
NO_ALT_SOURCE = {"nasa_image-detail_sts-53-2.html", "whitehouse_obama_serve-and-remember.html"}


def test_every_corpus_page_builds_to_html(tmp_path: Path) -> None:
    from tests.conftest import run_exporter

    buildable = [require(CORPUS_HTML) / case.name for case in CASES if case.name not in NO_ALT_SOURCE]
    buildable.append(CORPUS_HTML / "dvids_api_asset-response_image_366678.json")
    out = tmp_path / "out"
    result = run_exporter("build", *buildable, "--to", "html", "--alt-from-caption", "--out", out)
    assert result.returncode == 0, result.stderr[-3000:]
    for source in buildable:
        html = (out / f"{source.stem}.html").read_text(encoding="utf-8")
        assert not re.search(r"<script|javascript:|\son[a-z]+\s*=|<iframe", html, re.IGNORECASE), source.name
    for name in sorted(NO_ALT_SOURCE):
        refused = run_exporter(
            "build", CORPUS_HTML / name, "--to", "html", "--alt-from-caption", "--out", tmp_path / "refused"
        )
        assert refused.returncode == 2
        assert "has no alt text" in refused.stderr


def test_a_weekly_address_keeps_its_video_and_transcript(imported: dict[str, ReadResult]) -> None:
    """The whitehouse.gov archive puts a weekly address's video and transcript in panes after the body's; they
    were left out without a word."""
    article = imported["whitehouse_obama_weekly-address-tuition-free-community-college.html"].document
    text = model_text(article)
    assert "Ladies and Gentlemen, this is Joe Biden" in text
    assert "may God protect our troops" in text
    video = next(block for block in article.body if isinstance(block, Media))
    assert video.url.startswith("https://www.youtube-nocookie.com/embed/nZwcirxVf7g")
    # A promotion in a pane after the body is not the article's.
    other = imported["whitehouse_obama_serve-and-remember.html"].document
    assert "The Final State of the Union" not in model_text(other)
