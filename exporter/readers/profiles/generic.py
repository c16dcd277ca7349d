"""The fallback profile, and the base every platform profile refines: any page with <article> or <main>,
<h1>, <figure>/<figcaption> and <img alt>, plus the metadata conventions most sites share (JSON-LD,
Open Graph and article: meta tags, <time datetime>, rel=author)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.model import Block, Byline, Inline, Media, RelatedLink
from exporter.readers.profiles.base import (
    Converter,
    Page,
    either,
    element_text,
    image_source,
    iso_date,
    make_paragraph,
    new_figure,
    related_links,
    separate_credit,
    squash,
    valid_language,
)

_BYLINE_PREFIX = re.compile(r"^\s*(?:by|written by|story by)\s*:?\s+", re.IGNORECASE)
_CREDIT_PREFIX = re.compile(
    r"^\s*(?:(?:photo|image|video|graphic)(?:\s+(?:credit|by))?|credit|courtesy|by)\s*:\s*", re.IGNORECASE
)
_VIDEO_HOSTS = re.compile(
    r"(?:^|\.)(?:youtube\.com|youtube-nocookie\.com|youtu\.be|vimeo\.com|dvidshub\.net)$"
)


class GenericProfile:
    name = "generic"
    # Where a saved page's relative post-back form action lives (None: unknown), and which link paths belong to
    # the platform's own site: what `saved_url` needs to recover the address of a page saved without one.
    form_folder: str | None = None
    own_paths: re.Pattern[str] | None = None

    def __init__(self, page: Page) -> None:
        self.page = page
        lang = page.root.get("lang") or page.root.get("xml:lang")
        self.language = valid_language(lang) or "en"
        # Elements the body must not repeat (the headline, byline and date lines the header already shows).
        self.skip: set[HtmlElement] = set()

    @classmethod
    def matches(cls, page: Page) -> bool:
        return True

    # ------------------------------------------------------------ where things are

    def article_root(self) -> HtmlElement:
        for xpath in (
            "//article[.//h1]",
            "//main//article",
            "//article",
            "//main",
            "//*[@role='main']",
            "//*[@id='main-content' or @id='content' or @id='main']",
        ):
            found = self.page.find(xpath)
            if found is not None and squash(found.text_content()):
                return found
        body = self.page.find("//body")
        return body if body is not None else self.page.root

    def headline_element(self) -> HtmlElement | None:
        root = self.article_root()
        return either(self.page.find(".//h1", root), self.page.find("//h1"))

    def headline(self) -> str | None:
        element = self.headline_element()
        if element is not None and element_text(element):
            self.skip.add(element)
            return element_text(element)
        title = self.page.meta("og:title", "twitter:title") or element_text(self.page.find("//title"))
        if title:
            # "Headline - Site" / "Headline | Site": the site name is not part of the headline.
            return re.split(r"\s+[|\u2013\u2014-]\s+(?=[^|\u2013\u2014-]*$)", title)[0].strip() or title
        return None

    def dek(self) -> str | None:
        return None

    def byline(self) -> Byline | None:
        root = self.article_root()
        for xpath in (
            ".//*[@rel='author']",
            ".//*[contains(@class,'byline')]",
            ".//*[contains(@class,'author')]",
        ):
            element = self.page.find(xpath, root)
            if element is not None:
                text = _BYLINE_PREFIX.sub("", element_text(element))
                if text and len(text) < 200:
                    self.skip.add(element)
                    return Byline(people=[text])
        author = self.page.meta("author", "article:author", "parsely-author")
        if author and not author.startswith("http"):
            return Byline(people=[author])
        for item in self.page.json_ld():
            people = item.get("author")
            names = [
                p.get("name")
                for p in (people if isinstance(people, list) else [people])
                if isinstance(p, dict) and isinstance(p.get("name"), str)
            ]
            if names:
                return Byline(people=[squash(name) for name in names if squash(name)])
        return None

    def published(self) -> str | None:
        for item in self.page.json_ld():
            value = item.get("datePublished")
            if isinstance(value, str) and iso_date(value):
                return iso_date(value)
        for name in ("article:published_time", "parsely-pub-date", "dcterms.date", "date", "dc.date"):
            value = iso_date(self.page.meta(name))
            if value:
                return value
        time = self.page.find(".//time[@datetime]", self.article_root())
        if time is not None and iso_date(time.get("datetime")):
            return iso_date(time.get("datetime"))
        return None

    def agency(self) -> str | None:
        for item in self.page.json_ld():
            if item.get("@type") in ("Organization", "GovernmentOrganization") and isinstance(
                item.get("name"), str
            ):
                return squash(item["name"]) or None
        return None

    def site_name(self) -> str | None:
        return self.page.meta("og:site_name", "application-name")

    def body_containers(self) -> list[HtmlElement]:
        return [self.article_root()]

    def site_text(self) -> list[HtmlElement]:
        """Elements in the article's root that hold the site's text, not the article's (a photo page's rights
        notice): the reader leaves them out, and does not report them as text it could not place."""
        return []

    def extra_blocks(self) -> list[Block]:
        """Blocks a layout keeps outside its body markup (a photo page's photo), placed before the body."""
        return []

    def related(self) -> list[RelatedLink]:
        return self.related_from(self.page.find("//*[contains(@class,'related')][.//a]"))

    def related_from(self, container: HtmlElement | None) -> list[RelatedLink]:
        """The links of a related-stories container. They are the article's `related`, so a container inside the
        article's part of the page is left out of the body, which would repeat every link (read before the body);
        never one that holds the headline or a body container (a page that names its wrapper "related-...")."""
        if container is None:
            return []
        held = [element for element in (self.headline_element(), *self.body_containers()) if element is not None]
        if is_list_of_links(container) and not any(
            element is container or container in element.iterancestors() for element in held
        ):
            self.skip.add(container)
        return related_links(self.page, container)

    # ------------------------------------------------------------ conversion hooks

    def special(self, element: HtmlElement, converter: Converter) -> list[Block] | None:
        """Claim an element before the generic conversion: [] drops it, blocks replace it, None passes."""
        if element in self.skip:
            return []
        return None

    def figure(self, element: HtmlElement, converter: Converter) -> list[Block]:
        """A <figure> (or a lone <img>/<picture>): image, alt, caption, credit, VIRIN. A gallery: its photos."""
        photos = gallery_photos(element)
        if photos:
            return self.gallery(element, photos, converter)
        video = element if element.tag in ("video", "audio") else self.page.find(".//video|.//audio", element)
        images = [img for img in ([element] if element.tag == "img" else element.iter("img"))]
        caption_element = self.page.find(".//figcaption", element)
        if not images and video is None:
            iframe = self.page.find(".//iframe", element)
            media = self.embedded_media(iframe, caption_element, converter) if iframe is not None else None
            if media is not None:
                return [media]
            # A figure without an image (a pull quote, a chart in text): read its content as blocks.
            return converter.blocks(element) if element.tag != "img" else []
        caption, credit = self.caption_and_credit(caption_element, converter)
        if not images and video is not None:
            media = self.media(video, converter)
            if media is not None:
                media.caption = media.caption or caption
                media.credit = media.credit or credit
                return [media]
            return []
        photos = [img for img in images if is_photo(img)]
        if element.tag == "figure" and len(photos) > 1:
            # Several photos, each described, under one caption: read as the gallery they are (only the first
            # was kept); an image without alt text beside them is an ornament.
            return self.gallery(element, photos, converter)
        image = images[0]
        alt = image.get("alt")
        if element.tag == "img" and caption_element is None and alt is not None and not alt.strip():
            return []  # alt="" outside a figure: a decorative image, not content
        figure = new_figure(
            self.page,
            image=image_source(image),
            alt=alt,
            title=image.get("title") if image.get("title") != alt else None,
            caption=caption,
            credit=credit,
        )
        return [figure] if figure else []

    def gallery(self, element: HtmlElement, photos: list[HtmlElement], converter: Converter) -> list[Block]:
        """Every photo of a gallery (its inner figures, or its images) is a figure of its own, with its own
        caption. The gallery's caption speaks of them all: it follows them as a paragraph, as it sits under them
        on the page, rather than being repeated in each photo's caption, where a screen reader would read it out
        once per photo."""
        blocks = [block for photo in photos for block in self.figure(photo, converter)]
        caption = next((c for c in element.iter("figcaption") if next(c.iterancestors("figure")) is element), None)
        paragraph = make_paragraph(converter.caption_inlines(caption)) if caption is not None else None
        return [*blocks, paragraph] if paragraph is not None else blocks

    def caption_and_credit(
        self, caption_element: HtmlElement | None, converter: Converter
    ) -> tuple[list[Inline], str | None]:
        if caption_element is None:
            return [], None
        credit_element = self.page.find(
            ".//*[contains(@class,'credit') or contains(@class,'photographer') or contains(@class,'byline')]",
            caption_element,
        )
        credit = None
        if credit_element is not None:
            credit = _CREDIT_PREFIX.sub("", element_text(credit_element)) or None
            self.skip.add(credit_element)
        caption = converter.caption_inlines(caption_element)
        if credit_element is not None:
            self.skip.discard(credit_element)
        return separate_credit(caption, credit)

    def media(self, element: HtmlElement, converter: Converter) -> Media | None:
        kind = "audio" if element.tag == "audio" else "video"
        source = element.get("src") or next(
            (s.get("src") for s in element.iter("source") if (s.get("src") or "").strip()), None
        )
        url = self.page.link_url(source) if source else None
        poster = None
        poster_url = element.get("poster")
        if poster_url:
            poster = new_figure(
                self.page, image=poster_url, alt=element.get("aria-label") or element.get("title")
            )
        title = squash(element.get("title") or element.get("aria-label")) or None
        return Media(kind=kind, url=url, title=title, poster=poster)

    def is_video(self, iframe: HtmlElement) -> bool:
        """Whether an embedded frame shows a video from a host the exporter knows (YouTube, Vimeo, DVIDS)."""
        from urllib.parse import urlsplit

        url = self.page.link_url(iframe.get("src") or iframe.get("data-src"))
        return bool(url) and bool(_VIDEO_HOSTS.search((urlsplit(url).hostname or "").lower()))

    def embedded_media(
        self, iframe: HtmlElement, caption_element: HtmlElement | None, converter: Converter
    ) -> Media | None:
        if not self.is_video(iframe):
            return None
        url = self.page.link_url(iframe.get("src") or iframe.get("data-src"))
        caption, credit = self.caption_and_credit(caption_element, converter)
        return Media(
            kind="video", url=url, title=squash(iframe.get("title")) or None, caption=caption, credit=credit
        )


# Where prose is: a paragraph or a phrase whose class says "related" (`related-note`) is text that links, and stays.
_PROSE_TAGS = {"p", "span", "a", "em", "strong", "b", "i", "small", "cite", "q", "td", "th", "dd", "blockquote"}


def is_list_of_links(container: HtmlElement) -> bool:
    """Whether a block is a list of links (related stories, perhaps under a heading, perhaps each with a line of
    summary), not prose that links: two links or more, and a list whose every item links, or at least half
    its words link text."""
    links = [anchor for anchor in container.iter("a") if anchor.get("href")]
    if container.tag in _PROSE_TAGS or len(links) < 2:
        return False
    items = list(container.iter("li"))
    if items and all(any(anchor.get("href") for anchor in item.iter("a")) for item in items):
        return True
    words = len(element_text(container).split())
    return 2 * sum(len(element_text(anchor).split()) for anchor in links) >= words


def is_photo(image: HtmlElement) -> bool:
    """An image a figure shows, not a control or a mark beside it: described, and not inside its caption (an
    agency's logo) or a button ("Enlarge image")."""
    return bool((image.get("alt") or "").strip()) and not any(
        ancestor.tag in ("figcaption", "button") for ancestor in image.iterancestors()
    )


def gallery_photos(element: HtmlElement) -> list[HtmlElement]:
    """The figures a gallery figure holds (WordPress's `wp-block-gallery`: a <figure> of <figure>s, each with its
    image and caption, perhaps in a list), the outermost ones; [] for any other element."""
    if element.tag != "figure":
        return []
    return [inner for inner in element.iterdescendants("figure") if next(inner.iterancestors("figure")) is element]
