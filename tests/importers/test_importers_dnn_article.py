"""The defense.gov / war.gov article layout (no saved article page exists in the corpus; the markup follows
the class names the project corpus documents, the site's 2020 style sheet and the banner snippet)."""

from __future__ import annotations

from pathlib import Path

from exporter.model import Article, BlockQuote, Heading, ListBlock, Media, Paragraph, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.importers.conftest import DATA, require

ARTICLE = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>Austin Meets Allies &gt; U.S. Department of Defense &gt; Story</title>
<link rel="canonical"
 href="https://www.defense.gov/News/News-Stories/Article/Article/3298481/austin-meets-allies/">
<meta property="og:site_name" content="U.S. Department of Defense">
</head><body>
<a class="skip-nav" href="#skip-target">Skip to main content (Press Enter).</a>
{banner}
<header><nav class="navbar"><ul><li><a href="/News/">News</a></li></ul></nav></header>
<div class="adetail">
 <h1 class="maintitle">Austin Meets Allies in Brussels</h1>
 <h2 class="subtitle">Ministers agree to expand training</h2>
 <div class="info"><span class="byline">By Jim Garamone, DOD News</span>
  <span class="date">Feb. 14, 2023</span></div>
 <div class="share"><a href="https://www.facebook.com/sharer.php">Share</a> <a href="#">Print</a></div>
 <div class="body">
  <p><strong>BRUSSELS —</strong> Defense Secretary Lloyd J. Austin III met allies <em>today</em>, officials
  said. Read the <a href="/News/Releases/">release</a>.</p>
  <div class="media-inline media-inline-right media-inline-medium">
   <div class="image-wrapper">
   <img src="https://media.defense.gov/2023/Feb/14/2003161426/825/780/0/230214-D-TT977-0483.JPG"
     alt="Two men engage in conversation across a conference table as others at the table look on."></div>
   <p class="mtitle">Meeting Time</p>
   <p class="caption">Secretary of Defense Lloyd J. Austin III meets with NATO Secretary General
   Jens Stoltenberg.</p>
   <div class="popup"><span class="photographer">Photo By: Chad J. McNeeley</span>
    <span class="virin">VIRIN: 230214-D-TT977-0483.JPG</span>
    <a class="download-link"
     href="https://media.defense.gov/2023/Feb/14/2003161426/-1/-1/0/230214-D-TT977-0483.JPG"
     >Download</a></div>
  </div>
  <h3>Training expands</h3>
  <p>The ministers agreed on three steps:</p>
  <ul><li>more instructors,</li><li>new ranges, and</li>
  <li>shared <a href="javascript:alert(1)">plans</a>.</li></ul>
  <blockquote><p>"We will stand together," Austin said.</p></blockquote>
  <div class="media-inline media-inline-video">
   <video poster="https://media.defense.gov/2023/Feb/14/poster.jpg">
    <source src="https://media.defense.gov/2023/Feb/14/clip.mp4"></video>
   <p class="mtitle">Arrival Ceremony</p><p class="caption">The secretary arrives at NATO headquarters.</p>
   <span class="photographer">Video by: Sgt. Video Person</span>
   <span class="virin">VIRIN: 230214-D-AB123-1001</span>
  </div>
 </div>
 <div class="related"><h4>Related Stories</h4>
  <div class="item"><a href="/News/News-Stories/Article/Article/1/first/">First related story</a></div>
  <div class="item">
   <a href="https://www.defense.gov/News/News-Stories/Article/Article/2/second/">Second related</a></div>
 </div>
</div>
<footer><a href="/Privacy/">Privacy Policy</a> <a href="https://www.usa.gov">USA.gov</a></footer>
</body></html>
"""


def article_page(tmp_path: Path) -> Path:
    banner = require(DATA / "markup_snippet_mil_banner.html").read_text(encoding="utf-8")
    page = tmp_path / "defense-article.html"
    page.write_text(ARTICLE.replace("{banner}", banner), encoding="utf-8")
    return page


def test_defense_article_layout(tmp_path: Path) -> None:
    result = read_document(article_page(tmp_path), BuildOptions())
    article = result.document
    assert isinstance(article, Article)
    assert article.title == "Austin Meets Allies in Brussels"
    assert article.dek == "Ministers agree to expand training"
    assert article.byline is not None
    assert article.byline.people == ["Jim Garamone"] and article.byline.organization == "DOD News"
    assert article.published == "2023-02-14"
    assert article.source.url.startswith("https://www.defense.gov/News/News-Stories/Article/Article/3298481/")
    assert article.source.page_claims_official is True

    figure = article.figures()[0]
    assert figure.alt == (
        "Two men engage in conversation across a conference table as others at the table look on."
    )
    assert figure.title == "Meeting Time"
    assert plain_text(figure.caption).startswith("Secretary of Defense Lloyd J. Austin III meets")
    assert figure.credit == "Chad J. McNeeley"
    assert figure.virin == "230214-D-TT977-0483"

    kinds = [type(block).__name__ for block in article.body]
    assert kinds[:2] == ["Paragraph", "Figure"]
    heading = next(block for block in article.body if isinstance(block, Heading))
    assert heading.level == 2 and plain_text(heading.children) == "Training expands"
    bullet_list = next(block for block in article.body if isinstance(block, ListBlock))
    assert len(bullet_list.items) == 3
    assert plain_text(bullet_list.items[2][0].children) == "shared plans."  # javascript: link reduced to text
    quote = next(block for block in article.body if isinstance(block, BlockQuote))
    assert plain_text(quote.children[0].children) == '"We will stand together," Austin said.'
    video = next(block for block in article.body if isinstance(block, Media))
    assert video.kind == "video" and video.url == "https://media.defense.gov/2023/Feb/14/clip.mp4"
    assert video.title == "Arrival Ceremony" and video.credit == "Sgt. Video Person"
    assert video.virin == "230214-D-AB123-1001"
    assert video.poster is not None and video.poster.alt is None

    first = article.body[0]
    assert isinstance(first, Paragraph)
    text = plain_text(first.children)
    assert text.startswith("BRUSSELS — Defense Secretary") and text.endswith("Read the release.")
    all_text = " ".join(
        plain_text(block.children) for block in article.body if isinstance(block, Paragraph | Heading)
    )
    chrome_texts = (
        "Skip to main",
        "Share",
        "Print",
        "Privacy",
        "official website",
        "Related Stories",
        "News",
    )
    for chrome in chrome_texts:
        assert chrome not in all_text.replace("NATO", "")
    assert [link.title for link in article.related] == ["First related story", "Second related"]
    assert article.related[0].url == "https://www.defense.gov/News/News-Stories/Article/Article/1/first/"
