"""nasa.gov (WordPress with the NASA Horizon Design System, `hds-` classes).

Photos: a wrapper holding `figure.hds-media-inner > img[alt]` (or a <video>) and `figcaption.hds-caption` with
`.hds-caption-text` and `.hds-credits`; carousels repeat that per slide. Byline and date in
`.article-meta-item`; body in `.entry-content`; related links in `.hds-related-articles`. Image detail pages
(`.hds-attachment-single`)
hold one image and its title.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.model import Block, Byline, Media, RelatedLink
from exporter.readers.profiles.base import (
    Converter,
    Page,
    either,
    element_text,
    image_source,
    iso_date,
    new_figure,
    separate_credit,
)
from exporter.readers.profiles.dnn import has_class
from exporter.readers.profiles.generic import GenericProfile

_CREDIT_LABEL = re.compile(r"^\s*(?:image|photo|video)?\s*credit\s*:\s*", re.IGNORECASE)


class NasaProfile(GenericProfile):
    name = "nasa"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.find("//*[contains(@class, 'hds-')]") is not None

    def article_root(self) -> HtmlElement:
        return either(self.page.find("//main//article"), self.page.find("//article"), super().article_root())

    def _meta_items(self) -> list[HtmlElement]:
        return self.page.find_all(f".//*[{has_class('article-meta-item')}]", self.article_root())

    def byline(self) -> Byline | None:
        people = []
        for item in self._meta_items():
            heading = self.page.find(f".//*[{has_class('hds-meta-heading')}]", item)
            if heading is not None and element_text(heading):
                people.append(element_text(heading))
        return Byline(people=people) if people else super().byline()

    def published(self) -> str | None:
        found = super().published()
        if found:
            return found
        for item in self._meta_items():
            value = iso_date(element_text(item))
            if value:
                return value
        return None

    def agency(self) -> str | None:
        return super().agency() or "NASA"

    def body_containers(self) -> list[HtmlElement]:
        root = self.article_root()
        if self.page.find(f".//*[{has_class('hds-attachment-single')}]", root) is not None:
            return []
        content = self.page.find_all(f".//*[{has_class('entry-content')}]", root)
        return content or [root]

    def extra_blocks(self) -> list[Block]:
        """Image detail page: the one image, its title is the headline (no caption on these pages)."""
        holder = self.page.find(f"//*[{has_class('hds-attachment-single__image')}]")
        if holder is None:
            return []
        image = self.page.find(".//img", holder)
        if image is None:
            return []
        description = self.page.find(f"//*[{has_class('hds-attachment-single__description')}]")
        converter = Converter(self.page, self)
        caption, credit = separate_credit(converter.caption_inlines(description), None)
        figure = new_figure(
            self.page, image=image_source(image), alt=image.get("alt"), caption=caption, credit=credit
        )
        return [figure] if figure else []

    def related(self) -> list[RelatedLink]:
        return self.related_from(self.page.find(f"//*[{has_class('hds-related-articles')}]"))

    def special(self, element: HtmlElement, converter: Converter) -> list[Block] | None:
        captions = self.page.find_all(f".//*[{has_class('hds-caption')}]", element)
        has_media = element.find(".//img") is not None or element.find(".//video") is not None
        if len(captions) == 1 and has_media and not self._has_text_outside(element, captions[0]):
            return self.media_unit(element, captions[0], converter)
        if len(captions) == 0 and has_media and "hds-media-inner" in (element.get("class") or "").split():
            return self.media_unit(element, None, converter)
        return super().special(element, converter)

    def _has_text_outside(self, element: HtmlElement, caption: HtmlElement) -> bool:
        for paragraph in element.iter("p", "h2", "h3", "h4", "li"):
            inside_caption = paragraph is caption or any(a is caption for a in paragraph.iterancestors())
            if not inside_caption and element_text(paragraph):
                return True
        return False

    def media_unit(
        self, element: HtmlElement, caption_element: HtmlElement | None, converter: Converter
    ) -> list[Block]:
        caption: list = []
        credit = None
        if caption_element is not None:
            text = self.page.find(f".//*[{has_class('hds-caption-text')}]", caption_element)
            credits = self.page.find(f".//*[{has_class('hds-credits')}]", caption_element)
            caption = converter.caption_inlines(text) if text is not None else []
            credit = _CREDIT_LABEL.sub("", element_text(credits)) or None if credits is not None else None
            caption, credit = separate_credit(caption, credit)
        image = element.find(".//img")
        if image is not None:
            figure = new_figure(
                self.page, image=image_source(image), alt=image.get("alt"), caption=caption, credit=credit
            )
            return [figure] if figure else []
        video = element.find(".//video")
        media = self.media(video, converter) if video is not None else None
        if media is None:
            return []
        return [
            Media(
                kind=media.kind,
                url=media.url,
                title=media.title,
                caption=caption,
                credit=credit,
                poster=media.poster,
            )
        ]
