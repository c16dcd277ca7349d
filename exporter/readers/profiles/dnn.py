"""The DoD DNN platform (defense.gov, war.gov, af.mil, army.mil, navy.mil and the other .mil sites).

Three layouts share the platform:
- article pages: `.adetail` with `.maintitle`, `.subtitle`, `.body`; inline photos `.media-inline`
  (`.image-wrapper img[alt]`, `.mtitle`, `.caption`, pop-up `.photographer`, `.virin`, `.download-link`),
  `.media-inline-video`
  for video; related stories `.related .item`;
- the af.mil print view: `.da_print_body` with `h1.title`, `p.da_story_info`
  ("By NAME, UNIT / Published DATE"),
  body `.da_black` (paragraphs split by <br><br>), photos `.da_media_item` (`img.da_img[alt]` then a caption
  paragraph ending "(U.S. Air Force photo/NAME)"; the hi-res file name is the VIRIN);
- photo detail pages (ImageGallery): `.GWFDetailsTitle`/`.AF2DetailsTitle`, `...DetailsCaption`, the
  photographer (`#author`, or the text after `#spanAuthor`), the VIRIN (`#virin`, or after `#spanFilename`),
  `a#aDownloadLrg`.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.model import Block, Byline, Figure, Media, RelatedLink
from exporter.readers.profiles.base import (
    Converter,
    Page,
    clean_virin,
    either,
    element_text,
    image_source,
    iso_date,
    new_figure,
    related_links,
    separate_credit,
    split_credit,
    squash,
)
from exporter.readers.profiles.generic import GenericProfile

_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_PUBLISHED = re.compile(r"/?\s*(?:published|updated)\s*:?\s*", re.IGNORECASE)
_PHOTO_BY = re.compile(r"^\s*(?:photo|video)\s+by\s*:?\s*", re.IGNORECASE)


def has_class(name: str) -> str:
    """XPath predicate: the element has the CSS class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def parse_byline(text: str) -> Byline | None:
    """'By Staff Sgt. Jane Doe and Tech. Sgt. John Roe, 52nd Fighter Wing Public Affairs' -> people + unit."""
    text = _BY.sub("", squash(text)).strip(" ,/")
    if not text:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    organization = None
    if len(parts) > 1:
        organization = parts[-1]
        parts = parts[:-1]
    names = re.split(r"\s+and\s+|\s*,\s*|\s*&\s*", ", ".join(parts))
    people = [name for name in (squash(n) for n in names) if name]
    if not people and not organization:
        return None
    return Byline(people=people, organization=organization)


class DnnBase(GenericProfile):
    name = "dnn"
    # DNN page addresses: /tabid/N/, /Article/N/, /igphoto/N/, the portal's files under /Portals/.
    own_paths = re.compile(r"/(?:tabid|Article|igphoto|Portals)/", re.IGNORECASE)

    def agency(self) -> str | None:
        return None

    def site_name(self) -> str | None:
        return self.page.meta("og:site_name") or None


class DnnPrintProfile(DnnBase):
    """af.mil ArticleCS print view."""

    name = "dnn-print"
    # The ArticleCS module serves its print view from its own folder.
    form_folder = "/DesktopModules/ArticleCS/"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.find(f"//*[{has_class('da_print_body')}]") is not None

    def article_root(self) -> HtmlElement:
        return self.page.find(f"//*[{has_class('da_print_body')}]")

    def headline_element(self) -> HtmlElement | None:
        root = self.article_root()
        return either(self.page.find(f".//h1[{has_class('title')}]", root), self.page.find(".//h1", root))

    def _story_info(self) -> HtmlElement | None:
        return self.page.find(f".//*[{has_class('da_story_info')}]", self.article_root())

    def byline(self) -> Byline | None:
        info = self._story_info()
        if info is None:
            return None
        # The date sits in a <span> inside the same paragraph: the byline is the text before it. Fact sheets
        # have no byline, only "Published DATE".
        text = squash(info.text or "").strip(" /")
        if not text or _PUBLISHED.match(text) or iso_date(text):
            return None
        if not _BY.match(text):
            return Byline(organization=text)  # "Secretary of the Air Force Public Affairs / Published ..."
        return parse_byline(text)

    def published(self) -> str | None:
        info = self._story_info()
        if info is not None:
            for span in info.iter("span"):
                found = iso_date(_PUBLISHED.sub("", element_text(span)))
                if found:
                    return found
            found = iso_date(element_text(info))
            if found:
                return found
        return super().published()

    def body_containers(self) -> list[HtmlElement]:
        root = self.article_root()
        containers = self.page.find_all(f".//*[{has_class('da_black')}]", root)
        # The photo gallery follows the story (`.da_print_media` on articles, `.da_story_large_image` on fact
        # sheets): each item becomes a figure after the text.
        containers += [
            item
            for item in self.page.find_all(f"//*[{has_class('da_media_item')}]")
            if not any(has_any_class(a, "da_black") for a in item.iterancestors())
        ]
        return containers or [root]

    def related(self) -> list[RelatedLink]:
        return related_links(self.page, self.page.find(f"//*[{has_class('da_related_item')}]"))

    def special(self, element: HtmlElement, converter: Converter) -> list[Block] | None:
        if has_any_class(element, "da_media_item"):
            figure = self.media_item(element, converter)
            return [figure] if figure else []
        if has_any_class(element, "da_related_item", "da_body_center"):
            return []
        return super().special(element, converter)

    def media_item(self, item: HtmlElement, converter: Converter) -> Figure | None:
        image = either(self.page.find(f".//img[{has_class('da_img')}]", item), self.page.find(".//img", item))
        if image is None:
            return None
        download = self.page.find(".//a[contains(translate(., 'DOWNLOAD', 'download'), 'download')]", item)
        paragraphs = [p for p in item.iter("p") if p.find(".//a") is None and element_text(p)]
        caption_element = paragraphs[-1] if paragraphs else None
        caption, credit = separate_credit(converter.caption_inlines(caption_element), None)
        alt = image.get("alt")
        if alt is not None:
            # af.mil repeats the caption, credit included, as alt: keep the description, not the credit.
            alt = split_credit(squash(alt))[0]
        return new_figure(
            self.page,
            image=image_source(image),
            alt=alt,
            title=image.get("title")
            if image.get("title") and image.get("title") != image.get("alt")
            else None,
            caption=caption,
            credit=credit,
            fallback_image=download.get("href") if download is not None else None,
        )


class DnnArticleProfile(DnnBase):
    """defense.gov / war.gov / .mil article pages (ArticleCS detail view)."""

    name = "dnn-article"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.find(f"//*[{has_class('adetail')}]") is not None or (
            page.find(f"//*[{has_class('maintitle')}]") is not None
            and page.find(f"//*[{has_class('body')}]") is not None
        )

    def article_root(self) -> HtmlElement:
        return either(
            self.page.find(f"//*[{has_class('adetail')}]"),
            self.page.find(f"//*[{has_class('maintitle')}]/ancestor::*[.//*[{has_class('body')}]][1]"),
            super().article_root(),
        )

    def headline_element(self) -> HtmlElement | None:
        return either(
            self.page.find(f".//*[{has_class('maintitle')}]", self.article_root()), super().headline_element()
        )

    def dek(self) -> str | None:
        element = self.page.find(f".//*[{has_class('subtitle')}]", self.article_root())
        if element is not None:
            self.skip.add(element)
            return element_text(element) or None
        return None

    def byline(self) -> Byline | None:
        root = self.article_root()
        for xpath in (
            f".//*[{has_class('byline')}]",
            f".//*[{has_class('info')}]//*[starts-with(normalize-space(.), 'By ')]",
            ".//*[@rel='author']",
        ):
            element = self.page.find(xpath, root)
            if element is not None:
                self.skip.add(element)
                return parse_byline(element_text(element))
        return super().byline()

    def published(self) -> str | None:
        root = self.article_root()
        for xpath in (f".//*[{has_class('date')}]", ".//time", f".//*[{has_class('info')}]"):
            element = self.page.find(xpath, root)
            if element is not None:
                found = iso_date(element.get("datetime")) or iso_date(element_text(element))
                if found:
                    return found
        return super().published()

    def body_containers(self) -> list[HtmlElement]:
        root = self.article_root()
        body = self.page.find(f".//*[{has_class('body')}]", root)
        return [body] if body is not None else [root]

    def related(self) -> list[RelatedLink]:
        items = self.page.find_all(f"//*[{has_class('related')}]//*[{has_class('item')}]")
        links: list[RelatedLink] = []
        for item in items:
            links.extend(related_links(self.page, item, limit=1))
        return links or super().related()

    def special(self, element: HtmlElement, converter: Converter) -> list[Block] | None:
        if has_any_class(element, "media-inline-video"):
            media = self.inline_video(element, converter)
            return [media] if media else []
        if any(cls.startswith("media-inline") for cls in classes(element)):
            figure = self.inline_photo(element, converter)
            return [figure] if figure else []
        if has_any_class(element, "related", "share", "tags", "ad-share"):
            return []
        return super().special(element, converter)

    def _photo_fields(self, element: HtmlElement) -> dict[str, str | None]:
        def text(name: str) -> str | None:
            found = self.page.find(f".//*[{has_class(name)}]", element)
            return element_text(found) or None if found is not None else None

        download = either(
            self.page.find(f".//a[{has_class('download-link')}]", element),
            self.page.find(f".//*[{has_class('download-link')}]//a", element),
        )
        photographer = text("photographer")
        return {
            "title": text("mtitle") or text("title"),
            "credit": _PHOTO_BY.sub("", photographer) if photographer else None,
            "virin": text("virin"),
            "download": download.get("href") if download is not None else None,
        }

    def inline_photo(self, element: HtmlElement, converter: Converter) -> Figure | None:
        image = either(
            self.page.find(f".//*[{has_class('image-wrapper')}]//img", element),
            self.page.find(".//img", element),
        )
        if image is None:
            return None
        fields = self._photo_fields(element)
        caption_element = self.page.find(f".//*[{has_class('caption')}]", element)
        caption, credit = separate_credit(converter.caption_inlines(caption_element), fields["credit"])
        return new_figure(
            self.page,
            image=image_source(image),
            alt=image.get("alt"),
            title=fields["title"],
            caption=caption,
            credit=credit,
            virin=fields["virin"],
            fallback_image=fields["download"],
        )

    def inline_video(self, element: HtmlElement, converter: Converter) -> Media | None:
        fields = self._photo_fields(element)
        video = self.page.find(".//video", element)
        iframe = self.page.find(".//iframe", element)
        url = None
        poster = None
        if video is not None:
            source = video.get("src") or next(
                (s.get("src") for s in video.iter("source") if s.get("src")), None
            )
            url = self.page.link_url(source)
            if video.get("poster"):
                poster = new_figure(self.page, image=video.get("poster"), alt=None)
        elif iframe is not None:
            url = self.page.link_url(iframe.get("src") or iframe.get("data-src"))
        if url is None:
            anchor = self.page.find(".//a[@href]", element)
            url = self.page.link_url(anchor.get("href")) if anchor is not None else None
        caption_element = self.page.find(f".//*[{has_class('caption')}]", element)
        caption, credit = separate_credit(converter.caption_inlines(caption_element), fields["credit"])
        return Media(
            kind="video",
            url=url,
            title=fields["title"],
            caption=caption,
            credit=credit,
            virin=clean_virin(fields["virin"]),
            poster=poster,
        )


class DnnPhotoProfile(DnnBase):
    """ImageGallery photo detail pages (GWF and AirForce2 templates)."""

    name = "dnn-photo"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.find("//*[@id='spanCaption' or @id='spanTitle'] | //a[@id='aDownloadLrg']") is not None

    def article_root(self) -> HtmlElement:
        title = self.page.find("//*[@id='spanTitle']")
        if title is not None:
            root = title.getparent()
            while (
                root is not None
                and root.find(".//*[@id='aDownloadLrg']") is None
                and root.getparent() is not None
            ):
                root = root.getparent()
            if root is not None:
                return root
        return super().article_root()

    def headline_element(self) -> HtmlElement | None:
        return either(self.page.find("//*[@id='spanTitle']"), super().headline_element())

    def byline(self) -> Byline | None:
        return None  # the photographer is the figure's credit

    def published(self) -> str | None:
        return super().published()

    def _after_label(self, label_id: str) -> str | None:
        """AirForce2 template: `<span id="spanAuthor">Photo by:</span> NAME&nbsp;|` (the text follows)."""
        label = self.page.find(f"//*[@id='{label_id}']")
        if label is None or not label.tail:
            return None
        return squash(label.tail.split("|")[0]).rstrip(" .") or None

    def body_containers(self) -> list[HtmlElement]:
        return []

    def site_text(self) -> list[HtmlElement]:
        # "This photograph is considered public domain...": every DoD photo page's notice.
        return self.page.find_all(f"//*[{has_class('photo-release')}]")

    def photo(self) -> Figure | None:
        download = either(self.page.find("//a[@id='aDownloadLrg']"), self.page.find("//a[@id='aImgImage']"))
        image = self.page.find("//img[@id='imgImage']")
        caption_element = self.page.find("//*[@id='spanCaption']")
        author = self.page.find("//*[@id='author']")
        credit = element_text(author) if author is not None else self._after_label("spanAuthor")
        virin_element = self.page.find("//*[@id='virin']")
        virin = (
            element_text(virin_element) if virin_element is not None else self._after_label("spanFilename")
        )
        converter = Converter(self.page, self)
        caption, credit = separate_credit(converter.caption_inlines(caption_element), credit)
        title = element_text(self.page.find("//*[@id='spanTitle']")) or None
        alt = image.get("alt") if image is not None else None
        return new_figure(
            self.page,
            image=(download.get("href") if download is not None else None)
            or (image_source(image) if image is not None else None),
            # The AirForce2 template repeats the caption and credit as alt: keep the description only.
            alt=split_credit(squash(alt))[0] if alt else alt,
            title=title if title and not clean_virin(title) else None,
            caption=caption,
            credit=credit,
            virin=virin,
        )

    def extra_blocks(self) -> list[Block]:
        figure = self.photo()
        return [figure] if figure else []


def classes(element: HtmlElement) -> list[str]:
    return (element.get("class") or "").split()


def has_any_class(element: HtmlElement, *names: str) -> bool:
    present = set(classes(element))
    return any(name in present for name in names)
