"""The generic profile: any page with <article>/<main>, <h1>, <figure>/<figcaption> and <img alt>."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model import Article, Emphasis, Heading, Link, Paragraph, Table, plain_text
from exporter.options import BuildOptions
from exporter.pipeline import is_url as is_page_url
from exporter.readers import read_document
from exporter.readers.html_page import url_stem
from tests.conftest import run_exporter
from tests.docx.corpus.similarity import model_text

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>City Opens New Library | Example Town</title>
<meta property="og:url" content="https://www.example.org/news/library">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
 "datePublished":"2024-03-05T09:30:00-05:00","author":{"@type":"Person","name":"Pat Writer"}}</script>
</head><body>
<header><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
<main><article>
<h1>City Opens New Library</h1>
<p class="byline">By Pat Writer</p>
<p>The new library opened on <em>Tuesday</em> with a <a href="/events">ribbon cutting</a>.</p>
<figure><img src="/img/library.jpg" alt="The library's glass front at dusk">
<figcaption>The library cost $12 million. <span class="credit">Photo: Sam Shooter</span></figcaption></figure>
<h3>Hours</h3>
<table><thead><tr><th>Day</th><th>Open</th></tr></thead>
<tbody><tr><td>Mon</td><td>9-5</td></tr></tbody></table>
<p><img src="/img/icon.png" alt=""> Icons in text are not figures.</p>
<aside class="newsletter">Subscribe to our newsletter</aside>
</article></main>
<footer>© Example Town · Privacy</footer>
</body></html>
"""


def test_generic_article(tmp_path: Path) -> None:
    page = tmp_path / "library.html"
    page.write_text(PAGE, encoding="utf-8")
    article = read_document(page, BuildOptions()).document
    assert isinstance(article, Article)
    assert article.title == "City Opens New Library"
    assert article.byline is not None and article.byline.people == ["Pat Writer"]
    assert article.published == "2024-03-05T09:30:00-05:00"
    assert article.source.url == "https://www.example.org/news/library"
    assert article.source.page_claims_official is False
    first = article.body[0]
    assert isinstance(first, Paragraph)
    assert isinstance(first.children[1], Emphasis)
    link = first.children[3]
    assert isinstance(link, Link) and link.href == "https://www.example.org/events"
    figures = article.figures()
    assert len(figures) == 1
    assert figures[0].image == "https://www.example.org/img/library.jpg"
    assert figures[0].alt == "The library's glass front at dusk"
    assert figures[0].credit == "Sam Shooter"
    assert plain_text(figures[0].caption) == "The library cost $12 million."
    heading = next(block for block in article.body if isinstance(block, Heading))
    assert heading.level == 2  # h3 right after the title becomes level 2: levels never skip
    table = next(block for block in article.body if isinstance(block, Table))
    assert table.head[0].cells[0].header and plain_text(table.rows[0].cells[1].children) == "9-5"
    texts = " ".join(plain_text(b.children) for b in article.body if isinstance(b, Paragraph))
    assert "Subscribe" not in texts and "Privacy" not in texts and "Home" not in texts
    assert "Icons in text are not figures." in texts


def test_page_url_helpers() -> None:
    assert is_page_url("https://www.defense.gov/News/Article/1/")
    assert not is_page_url("pages/article.html")
    assert url_stem("https://www.af.mil/News/Article-Display/Article/3/airmen-train.aspx") == "airmen-train"
    assert url_stem("https://www.nasa.gov/") == "page"


PROSE = ("The council voted on Tuesday to extend the library's opening hours through the summer, citing record "
         "numbers of visitors and a waiting list for its reading programmes that has grown every month this year.")
BACKGROUND = ("The library was built in 1911 with a gift from a local steel family, and it moved to the glass "
              "building on Main Street after a bond measure passed by a wide margin in the spring of 2019.")


def _node_page(fields: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Library Hours</title></head><body>'
            f'<div class="node"><h1>Library Hours Extended</h1>{fields}</div>'
            f"<footer><p>{BACKGROUND}</p></footer></body></html>")


def test_page_text_a_profile_leaves_out_is_reported(tmp_path: Path) -> None:
    """A Drupal node whose body field the profile reads, with a second text field beside it that no rule
    names: its paragraph is not in the article, and the import says so instead of losing it quietly (the
    footer's copy of it is chrome and says nothing)."""
    page = tmp_path / "node.html"
    body = f'<div class="field-name-body"><p>{PROSE}</p></div>'
    page.write_text(_node_page(body + f'<div class="field-name-field-history"><p>{BACKGROUND}</p></div>'),
                    encoding="utf-8")
    left_out = [w for w in read_document(page, BuildOptions()).warnings if "not in the article" in w]
    assert len(left_out) == 1 and "The library was built in 1911" in left_out[0]
    page.write_text(_node_page(body), encoding="utf-8")
    assert not [w for w in read_document(page, BuildOptions()).warnings if "not in the article" in w]


def test_prose_inside_the_article_s_part_of_a_page_is_checked_and_nothing_else(tmp_path: Path) -> None:
    """af.mil wraps its whole page in a <form> (page chrome): a paragraph the print view's body rule misses is
    still reported. Prose outside the article's part of the page (a footer, a site box) is not the article's."""
    source = next((Path(__file__).parent / "data" / "pages").glob("afmil_01_*.html"))
    text = source.read_text(encoding="utf-8")
    page = tmp_path / "afmil.html"
    page.write_text(text.replace('<div class="da_print_body">', f'<div class="da_print_body"><p>{BACKGROUND}</p>', 1),
                    encoding="utf-8")
    left_out = [w for w in read_document(page, BuildOptions()).warnings if "not in the article" in w]
    assert len(left_out) == 1 and "The library was built in 1911" in left_out[0]
    page.write_text(text.replace("</body>", f'<div class="site-box"><p>{BACKGROUND}</p></div></body>', 1),
                    encoding="utf-8")
    assert not [w for w in read_document(page, BuildOptions()).warnings if "not in the article" in w]


def test_text_read_whole_is_not_reported_whatever_its_spelling(tmp_path: Path) -> None:
    """Line breaks, soft hyphens, Persian's zero-width non-joiner (which the text keeps) and a long byline: the
    article holds the text, so nothing is reported."""
    persian = ("سه‌شنبه " * 30).strip()
    hyphenated = PROSE.replace("library", "li\u00adbrary")
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8"><title>T</title></head><body><article>'
        f"<h1>Library Hours Extended</h1><p class=\"byline\">By {' and '.join(['Pat Writer'] * 14)}</p>"
        f"<p>{BACKGROUND.replace(' ', '<br>', 5)}</p><p>{hyphenated}</p>"
        f"<p>{persian}</p></article></body></html>",
        encoding="utf-8",
    )
    result = read_document(page, BuildOptions())
    assert not [w for w in result.warnings if "not in the article" in w]
    assert "سه‌شنبه" in model_text(result.document)


def _panelizer_page(panes: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta name="generator" content="Drupal 7"><title>T</title></head>'
            '<body><div class="panel-col-section-content"><div class="panel-pane pane-node-title"><h1>Weekly '
            'Address</h1></div><div class="panel-pane pane-entity-field pane-node-field-forall-body"><div '
            f'class="field field-name-field-forall-body"><div class="field-items"><p>{PROSE}</p></div></div></div>'
            f"{panes}</div></body></html>")


def test_panes_after_a_drupal_body(tmp_path: Path) -> None:
    """A pane with one video gives the video and its description; a list of terms, a list of other videos and
    a map are not the article's."""
    page = tmp_path / "address.html"
    page.write_text(_panelizer_page(
        '<div class="panel-pane pane-views-panes"><iframe src="https://www.youtube.com/embed/abc"></iframe>'
        f"<p>In this video: {BACKGROUND}</p></div>"
        '<div class="panel-pane pane-entity-field pane-node-field-forall-topics"><div class="field-label">Topics:'
        '</div><div class="field-items"><a href="/issues/education">Education</a> <a href="/e">Economy</a></div></div>'
        '<div class="panel-pane pane-views-panes pane-latest-videos"><h2>Latest videos</h2>'
        '<iframe src="https://www.youtube.com/embed/other1"></iframe>'
        '<iframe src="https://www.youtube.com/embed/other2"></iframe></div>'), encoding="utf-8")
    article = read_document(page, BuildOptions()).document
    assert [getattr(block, "url", None) for block in article.body] == [None, "https://www.youtube.com/embed/abc", None]
    text = model_text(article)
    assert "In this video: The library was built in 1911" in text
    assert "Education" not in text and "Latest videos" not in text


def _figures_page(figures: str, url: str = "https://www.example.gov/news/bridge/") -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge Reopens</title>'
            f'<link rel="canonical" href="{url}"></head><body><main><article><h1>Bridge Reopens</h1>'
            f"<p>{PROSE}</p>{figures}</article></main></body></html>")


PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _data_uri(kind: str, size: tuple[int, int]) -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=kind)
    return f"data:image/{kind.lower()};base64,{base64.b64encode(buffer.getvalue()).decode()}"


def test_figure_whose_image_is_a_data_uri_or_a_lazy_placeholder_is_kept(tmp_path: Path) -> None:
    """A page saved by SingleFile holds its photos as data: URIs, and WordPress's lazy loader shows a placeholder
    with the real image only inside <noscript>: the figure, its alt text and caption stay. The real image is
    taken from <noscript>; a photo in a data: URI goes with the article under a name made of its alt text (as a
    DOCX's pictures do: never a file); a placeholder (a pixel) leaves that name to --images, said in one
    warning. The build carries the photo."""
    page = tmp_path / "bridge.html"
    photo = _data_uri("JPEG", (320, 200))
    page.write_text(_figures_page(
        f'<figure><img class="lazy" src="{PIXEL}" alt="Cars cross a steel bridge"><noscript><img '
        'src="/uploads/bridge.jpg" alt="Cars cross a steel bridge" onerror="evil()"></noscript>'
        "<figcaption>The bridge at sunset. (Photo by Ann Lee)</figcaption></figure>"
        f'<figure><img src="{photo}" alt="Crews pour the deck"><figcaption>Deck work in May. VIRIN: '
        "240110-A-AB123-1001</figcaption></figure>"
        f'<figure><img src="{PIXEL}" alt="Crews pour the deck"><figcaption>Deck work in June.</figcaption></figure>'
        '<noscript><img src="https://tracker.example/pixel.gif" alt="pixel"></noscript>'), encoding="utf-8")
    result = read_document(page, BuildOptions())
    figures = result.document.figures()
    assert [figure.image for figure in figures] == [
        "https://www.example.gov/uploads/bridge.jpg", "crews-pour-the-deck.jpg",
        "placeholder-crews-pour-the-deck.jpg"]
    assert figures[0].alt == "Cars cross a steel bridge" and figures[0].credit == "Photo by Ann Lee"
    assert [plain_text(figure.caption) for figure in figures[1:]] == [
        "Deck work in May. VIRIN: 240110-A-AB123-1001", "Deck work in June."]
    assert "data:" not in result.document.model_dump_json()
    assert list(result.images) == ["crews-pour-the-deck.jpg"] and result.images["crews-pour-the-deck.jpg"][:2] == (
        b"\xff\xd8")
    placeholders = [warning for warning in result.warnings if "placeholder" in warning]
    assert len(placeholders) == 1 and "1 figure(s)" in placeholders[0]
    assert "placeholder-crews-pour-the-deck.jpg" in placeholders[0]
    built = run_exporter("build", page, "--to", "html", "--out", tmp_path / "out", "--embed-images")
    shown = (tmp_path / "out" / "bridge.html").read_text(encoding="utf-8")
    assert shown.count('src="data:image/') == 1 and shown.count("Photo not included.") == 2, built.stderr
    assert not list(tmp_path.glob("crews*")), "nothing is written beside the page"


def test_a_placeholder_does_not_take_an_unrelated_photo_beside_the_page(tmp_path: Path) -> None:
    """Found in review: a placeholder's name made of its alt text ("photo.jpg") found any photo of that name."""
    from PIL import Image

    Image.new("RGB", (300, 200), "blue").save(tmp_path / "photo.jpg")
    page = tmp_path / "page.html"
    page.write_text(_figures_page(f'<figure><img src="{PIXEL}" alt="Photo"><figcaption>A view.</figcaption>'
                                  "</figure>"), encoding="utf-8")
    built = run_exporter("build", page, "--to", "html", "--out", tmp_path / "out", "--alt-from-caption")
    shown = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    assert "Photo not included." in shown and "<img" not in shown.split("<main", 1)[-1], built.stderr



def test_noscript_markup_read_as_text_still_gives_its_image() -> None:
    """A parser that reads <noscript> as text (HTML5's, with scripting on) leaves the image as markup in it."""
    from lxml import html

    from exporter.readers.html_page import restore_lazy_images

    root = html.fromstring(f'<div><figure><img src="{PIXEL}" alt="A bridge"><noscript></noscript></figure></div>')
    root.find(".//noscript").text = '<img src="/uploads/bridge.jpg" alt="ignored">'
    restore_lazy_images(root)
    image = root.find(".//img")
    assert image.get("src") == "/uploads/bridge.jpg" and image.get("alt") == "A bridge"


def test_gallery_keeps_every_photo_with_its_caption_and_the_gallery_s_caption(tmp_path: Path) -> None:
    """A WordPress gallery (a <figure> of <figure>s, here in a list as older galleries write it): every photo is a
    figure with its own caption, and the gallery's caption follows them as a paragraph."""
    photos = "".join(f'<li><figure class="wp-block-image"><img src="/uploads/g{n}.jpg" alt="Photo {n} of the site">'
                     f"<figcaption>Caption {n}.</figcaption></figure></li>" for n in (1, 2, 3))
    page = tmp_path / "gallery.html"
    page.write_text(_figures_page(
        f'<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">{photos}</ul>'
        '<figcaption class="blocks-gallery-caption">Construction in Idaho, 2023.</figcaption></figure>'
        "<p>The network goes live in June.</p>"), encoding="utf-8")
    article = read_document(page, BuildOptions()).document
    figures = article.figures()
    assert [figure.image.rsplit("/", 1)[-1] for figure in figures] == ["g1.jpg", "g2.jpg", "g3.jpg"]
    assert [plain_text(figure.caption) for figure in figures] == ["Caption 1.", "Caption 2.", "Caption 3."]
    after = article.body[article.body.index(figures[-1]) + 1]
    assert isinstance(after, Paragraph) and plain_text(after.children) == "Construction in Idaho, 2023."


def test_a_figure_of_several_described_photos_keeps_them_all(tmp_path: Path) -> None:
    """Found in review: a <figure> holding two photos (no inner figures) under one caption kept the first alone."""
    page = tmp_path / "pair.html"
    page.write_text(_figures_page(
        '<figure><img src="/m1.jpg" alt="The pier before the storm"><img src="/icon.png" alt="">'
        '<img src="/m2.jpg" alt="The pier after the storm"><figcaption>Before and after.</figcaption></figure>'),
        encoding="utf-8")
    article = read_document(page, BuildOptions()).document
    assert [figure.alt for figure in article.figures()] == ["The pier before the storm", "The pier after the storm"]
    assert plain_text(article.body[-1].children) == "Before and after."
    # Found in review: an agency's logo in the caption, or an "Enlarge image" button, is no second photo.
    page.write_text(_figures_page(
        '<figure><img src="/m1.jpg" alt="Sailors wave from the deck."><button><img src="/zoom.png" alt="Enlarge '
        'image"></button><figcaption>Sailors return. <img src="/navy.png" alt="Navy News Service"></figcaption>'
        "</figure>"), encoding="utf-8")
    [figure] = read_document(page, BuildOptions()).document.figures()
    assert (figure.alt, plain_text(figure.caption).strip()) == ("Sailors wave from the deck.", "Sailors return.")


def test_related_stories_inside_the_article_are_read_once(tmp_path: Path) -> None:
    """A related-stories block inside <article> gives the article's related links, and is not read into the body
    as well (each link twice); nor is it reported as text the import could not place."""
    page = tmp_path / "ship.html"
    page.write_text(_figures_page(
        '<div class="related-stories"><h2>Related Stories</h2><ul><li><a href="/a/1">Destroyer departs</a></li>'
        '<li><a href="/a/2">Strike group completes exercise</a></li></ul></div>'), encoding="utf-8")
    result = read_document(page, BuildOptions())
    article = result.document
    assert [link.title for link in article.related] == ["Destroyer departs", "Strike group completes exercise"]
    assert [type(block).__name__ for block in article.body] == ["Paragraph"]
    assert "Related Stories" not in model_text(article) and not result.warnings
    # Found in review: a list of links, each with a line of summary, is a related-stories list as well.
    summary = "A summary of the story long enough that the links are far fewer words than the text around them."
    page.write_text(_figures_page(
        f'<div class="related-stories"><h2>Related Stories</h2><ul><li><a href="/a/1">Destroyer departs</a>'
        f'<p>{summary}</p></li><li><a href="/a/2">Strike group completes exercise</a><p>{summary}</p></li></ul>'
        "</div>"), encoding="utf-8")
    article = read_document(page, BuildOptions()).document
    assert len(article.related) == 2 and "Related Stories" not in model_text(article)


@pytest.mark.parametrize("markup", [
    '<p class="related-note">Officials said the drill, <a href="/drill">described here</a>, was the largest held.</p>',
    '<p>The unit trained with <span class="related-story"><a href="/tag/m">Marines</a></span> from the division.</p>',
])
def test_prose_whose_class_says_related_stays_in_the_body(tmp_path: Path, markup: str) -> None:
    """Found in review: any element whose class held "related" was left out of the body once it gave the related
    links: a paragraph, or a link's words in the middle of a sentence. Only a block made of links is."""
    page = tmp_path / "drill.html"
    page.write_text(_figures_page(markup), encoding="utf-8")
    text = model_text(read_document(page, BuildOptions()).document)
    assert ("described here, was the largest" in text) or ("trained with Marines from" in text), text
