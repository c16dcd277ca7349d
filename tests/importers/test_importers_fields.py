"""Field-level checks per platform profile: byline, date, dek, body structure, related links, provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model import Article, Heading, Link, ListBlock, Media, Paragraph, Strong, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.importers.conftest import PAGES as CORPUS_HTML
from tests.importers.conftest import require


def load(name: str, **options: object) -> Article:
    path = require(CORPUS_HTML) / name
    document = read_document(path, BuildOptions(**options)).document
    assert isinstance(document, Article)
    return document


def links_in(nodes: list) -> list[Link]:
    found: list[Link] = []
    for node in nodes:
        if isinstance(node, Link):
            found.append(node)
        children = getattr(node, "children", None)
        if isinstance(children, list):
            found.extend(links_in(children))
    return found


def test_afmil_print_view_byline_date_and_br_paragraphs() -> None:
    article = load("afmil_14_gulf-war-created-need-for-better-critical-care.html")
    assert article.byline is not None
    assert article.byline.people == ["Kevin M. Hymel"]
    assert article.byline.organization == "Air Force Surgeon General Public Affairs"
    assert article.published == "2016-01-14"
    paragraphs = [block for block in article.body if isinstance(block, Paragraph)]
    # <br><br> separates paragraphs in the print view: each is its own paragraph, none holds a line break.
    assert len(paragraphs) == 22
    first = paragraphs[0].children
    assert isinstance(first[0], Strong) and plain_text(first[0].children) == "FALLS CHURCH, Va. (AFNS) --"
    assert plain_text(first[1:2]).startswith(" ")  # the space after the bold dateline sits outside it
    assert plain_text(paragraphs[1].children).startswith("“We were not serving the Army")
    assert plain_text(paragraphs[-1].children).startswith("Today, CCATT is considered")
    # The photo gallery follows the text; the tag links at the end are not content.
    assert article.body[-1].type == "figure"
    assert "aeromedical evacuation" not in plain_text(paragraphs[-1].children)
    # No canonical link on the print view: its address is recovered from HTTrack's "Mirrored from" note.
    assert article.source.url == (
        "http://www.af.mil/DesktopModules/ArticleCS/Print.aspx?PortalId=1&ModuleId=850&Article=643126"
    )
    assert article.source.url_from == "saved page"


def test_afmil_fact_sheet_keeps_its_list_and_has_no_byline() -> None:
    article = load("afmil_15_air-force-bands.html")
    assert article.byline is None
    assert article.published == "2003-10-01"
    lists = [block for block in article.body if isinstance(block, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 7
    assert plain_text(lists[0].items[0][0].children).startswith("Concert Band --")


def test_afmil_unit_only_byline() -> None:
    article = load("afmil_04_air-force-awards-lrs-b-contract.html")
    assert article.byline is not None
    assert article.byline.people == []
    assert article.byline.organization == "Secretary of the Air Force Public Affairs"


def test_dnn_photo_page_records_the_banner_and_recovers_its_url_from_the_form() -> None:
    article = load("mil_igphoto_221011-F-TD231-1215.html")
    assert article.source.page_claims_official is True
    # The post-back form's action is the page's path; the host is the one its own links use.
    assert article.source.url == "http://www.vandenberg.spaceforce.mil/News/Photos/igphoto/2003094707/"
    assert article.source.url_from == "saved page"
    figure = article.figures()[0]
    assert figure.title == "Gen. Raymond Visits Vandenberg"
    assert figure.image == "https://media.defense.gov/2022/Oct/12/2003094707/-1/-1/0/221011-F-TD231-1215.JPG"
    assert plain_text(figure.caption).endswith("during an all-call located on base.")


def test_dnn_airforce2_photo_page_credit_after_label() -> None:
    article = load("mil_igphoto_191212-F-00000-002.html")
    figure = article.figures()[0]
    assert figure.credit == "30th SW PA"
    assert figure.virin == "191212-F-00000-002"
    assert figure.alt == "missile"


def test_nasa_article_metadata_media_and_source() -> None:
    article = load("nasa_collins-aerospace-tests-nasa-space-station-suit-in-weightles.html")
    assert article.byline is not None and article.byline.people == ["Victoria Ugalde"]
    assert article.published == "2024-02-12T14:26:20-05:00"
    assert article.language == "en-US"
    assert article.source.url == (
        "https://www.nasa.gov/image-article/"
        "collins-aerospace-tests-nasa-space-station-suit-in-weightlessness/"
    )
    assert article.source.agency == "NASA"
    assert article.source.page_claims_official is False
    video = next(block for block in article.body if isinstance(block, Media))
    assert video.kind == "video"
    assert plain_text(video.caption).startswith("Collins Aerospace completed a key NASA design milestone")
    assert video.credit == "Collins Aerospace"
    links = [
        link for block in article.body if isinstance(block, Paragraph) for link in links_in(block.children)
    ]
    assert any(link.href.startswith("https://www.nasa.gov/news-release/") for link in links)


def test_nasa_two_authors_and_related_articles() -> None:
    article = load("nasa_nasa-teams-prepare-moon-rocket-to-spacecraft-connector-for-a.html")
    assert article.byline is not None and article.byline.people == ["Beth Ridgeway", "Lee Mohon"]
    youtube = next(block for block in article.body if isinstance(block, Media))
    assert youtube.url is not None and youtube.url.startswith("https://www.youtube.com/embed/")
    lucy = load("nasa_nasas-lucy-spacecraft-discovers-2nd-asteroid-during-dinkines.html")
    assert len(lucy.related) == 3
    assert all(link.url.startswith("https://") for link in lucy.related)


def test_whitehouse_drupal_fields() -> None:
    article = load("whitehouse_obama_serve-and-remember.html")
    assert article.dek is not None and article.dek.startswith("September 11th has been designated")
    assert article.byline is not None and article.byline.people == ["Katelyn Sabochik"]
    assert article.published == "2011-09-10"
    lists = [block for block in article.body if isinstance(block, ListBlock)]
    assert lists and len(lists[0].items) == 4
    links = links_in(
        [node for item in lists[0].items for block in item for node in getattr(block, "children", [])]
    )
    # Relative links resolve against the page's canonical URL.
    assert links[0].href == (
        "https://obamawhitehouse.archives.gov/blog/2011/09/09/attorney-general-eric-holder-remembering-9-11"
    )
    figure = article.figures()[0]
    assert figure.alt is None  # the page has no alt attribute: imported as missing, with a warning
    assert (
        figure.image
        == "https://obamawhitehouse.archives.gov/sites/default/files/image/9_11_email_service_0.jpg"
    )


def test_noaa_drupal_paragraphs() -> None:
    article = load("noaa_120-years-ago-today-the-great-galveston-hurricane-made-landfall.html")
    assert article.published == "2020-09-08"
    figures = article.figures()
    assert plain_text(figures[1].caption).startswith("An image of Galveston, TX, captured by the GOES-East")
    assert not any(isinstance(b, Heading) and "Recent News" in plain_text(b.children) for b in article.body)
    texts = [plain_text(block.children) for block in article.body if isinstance(block, Paragraph)]
    assert any(text.startswith("It’s been less than a month since") for text in texts)
    assert not any("Download Image" in text for text in texts)


@pytest.mark.parametrize(
    "name",
    [
        "afmil_07_luxembourg-us-honor-freedom-s-sacrifice-during-memorial-day.html",
        "nasa_an-aurora-in-another-light.html",
    ],
)
def test_source_url_option_wins_over_the_page(name: str) -> None:
    url = "https://www.af.mil/News/Article-Display/Article/589842/"
    article = load(name, source_url=url)
    assert article.source.url == url


def test_httrack_mirror_paths_are_turned_back_into_urls() -> None:
    article = load("afmil_14_gulf-war-created-need-for-better-critical-care.html")
    # The mirror wrote ../../../media.defense.gov/...; the figure points at the real host again (https).
    assert article.figures()[0].image == (
        "https://media.defense.gov/2016/Jan/14/2001335005/670/394/0/160114-F-EX708-001.JPG"
    )


def test_dvids_record_imports(corpus_html: Path) -> None:
    result = read_document(corpus_html / "dvids_api_asset-response_image_366678.json", BuildOptions())
    article = result.document
    assert isinstance(article, Article)
    assert article.title == "Tanks"
    figure = article.figures()[0]
    assert figure.alt is None
    assert figure.title == "Tanks"
    assert figure.credit == "Master Sgt. Christopher Matt"
    assert figure.virin == "110130-M-4471M-045"
    assert figure.image == "https://d34w7g4gy10iej.cloudfront.net/photos/1102/366678.jpg"
    assert plain_text(figure.caption).startswith("A U.S. Marine Corps M1A1 Abrams Tank")
    assert article.published == "2011-02-13T11:18:00-05:00"
    assert article.source.url == "https://www.dvidshub.net/image/366678"
    assert any("no alt text" in warning for warning in result.warnings)


def test_canonical_json_is_not_taken_for_a_dvids_record(tmp_path: Path) -> None:
    source = tmp_path / "article.json"
    source.write_text('{"title": "Plain article", "body": [{"type": "paragraph", "children": "Hello"}]}')
    article = read_document(source, BuildOptions()).document
    assert isinstance(article, Article) and article.title == "Plain article"


def test_imported_page_finds_its_photo_in_images_dir_by_virin(tmp_path: Path) -> None:
    from PIL import Image

    from tests.conftest import run_exporter

    images = tmp_path / "images"
    images.mkdir()
    Image.new("RGB", (640, 400), (40, 80, 120)).save(images / "160114-F-EX708-001.jpg")
    out = tmp_path / "out"
    source = require(CORPUS_HTML) / "afmil_14_gulf-war-created-need-for-better-critical-care.html"
    result = run_exporter("build", source, "--to", "html", "--images", images, "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / f"{source.stem}.html").read_text(encoding="utf-8")
    assert f'src="{source.stem}_files/160114-F-EX708-001.jpg"' in html
    assert (out / f"{source.stem}_files" / "160114-F-EX708-001.jpg").is_file()
    assert "Courtesy photo" in html


def test_read_url_uses_the_fetched_url_and_records_retrieval(monkeypatch: pytest.MonkeyPatch) -> None:
    from exporter.confine import Confinement
    from exporter.readers.html_page import read_url

    page = require(CORPUS_HTML) / "afmil_14_gulf-war-created-need-for-better-critical-care.html"
    fetched: list[str] = []

    def fake_fetch(self: Confinement, url: str) -> bytes:
        assert self.allow_network
        fetched.append(url)
        return page.read_bytes()

    monkeypatch.setattr(Confinement, "fetch", fake_fetch)
    url = "https://www.af.mil/DesktopModules/ArticleCS/Print.aspx?PortalId=1&ModuleId=850&Article=643126"
    result = read_url(url, BuildOptions(allow_network=True))
    article = result.document
    assert fetched == [url]
    assert article.source.url == url
    assert article.source.retrieved is not None and len(article.source.retrieved) == 10
    assert article.title == "Gulf War created need for better critical care"


def test_bold_lines_used_as_subheads_become_headings() -> None:
    fact_sheet = load("afmil_15_air-force-bands.html")
    headings = [plain_text(b.children) for b in fact_sheet.body if isinstance(b, Heading)]
    # "History" is bold with its line break inside the bold (`<strong>History<br></strong>`): a subhead too.
    assert headings == ["Mission", "Organization", "History", "Air Force Bands and Areas of Responsibility"]
    index = next(i for i, b in enumerate(fact_sheet.body) if isinstance(b, Heading))
    following = fact_sheet.body[index + 1]
    assert isinstance(following, Paragraph)
    assert plain_text(following.children).startswith("Air Force bands support the global Air Force mission")
    story = load("afmil_02_af-leaders-spouses-talk-improvements-in-family-programs-voic.html")
    assert [plain_text(b.children) for b in story.body if isinstance(b, Heading)] == [
        "Opportunities", "Making Airmen resilient", "BAH", "Struggles of a military family"
    ]
    # A bold dateline that runs into the text stays in its paragraph.
    first = load("afmil_14_gulf-war-created-need-for-better-critical-care.html").body[0]
    assert isinstance(first, Paragraph) and isinstance(first.children[0], Strong)
