"""Drupal government sites: the whitehouse.gov archive (`field-name-field-forall-*` fields,
`.press-article-date`, author pane) and NOAA NESDIS (Paragraphs: `.paragraph--type--image .image-well` +
`.caption`, `.news-date`)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.model import Block, Byline
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

# Drupal 7 and 8 text fields that hold prose (a transcript, a second body), not a term or a date.
_TEXT_FIELDS = (
    "field-type-text-long",
    "field-type-text-with-summary",
    "field--type-text-long",
    "field--type-text-with-summary",
)
_BODY_FIELDS = (
    "field-name-field-forall-body",
    "field--name-field-body",
    "field-name-body",
    "field--name-body",
)


class DrupalProfile(GenericProfile):
    name = "drupal"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        # Panes after the body that hold an embedded video (_panes_after).
        self._video_panes: set[HtmlElement] = set()

    @classmethod
    def matches(cls, page: Page) -> bool:
        if any(page.find(f"//*[{has_class(name)}]") is not None for name in _BODY_FIELDS):
            return True
        generator = page.meta("generator") or ""
        return generator.lower().startswith("drupal")

    def _body_field(self) -> HtmlElement | None:
        for name in _BODY_FIELDS:
            found = self.page.find(f"//*[{has_class(name)}]")
            if found is not None:
                return found
        return None

    def article_root(self) -> HtmlElement:
        body = self._body_field()
        if body is not None:
            # The node holding both the title and the body field.
            for ancestor in body.iterancestors():
                if ancestor.find(".//h1") is not None:
                    return ancestor
        return super().article_root()

    def dek(self) -> str | None:
        summary = self.page.find(
            f"//*[{has_class('field-name-field-forall-summary')}]//*[{has_class('field-items')}]"
        )
        if summary is not None:
            return element_text(summary) or None
        return None

    def byline(self) -> Byline | None:
        authors = self.page.find_all(f"//*[{has_class('blog-author-link')}]")
        names = list(dict.fromkeys(element_text(a) for a in authors if element_text(a)))
        if names:
            return Byline(people=names)
        return super().byline()

    def published(self) -> str | None:
        # The article's own visible date first: NESDIS pages carry the page's last-change stamp in meta tags.
        for name in ("press-article-date", "news-date", "author-pane-links"):
            element = self.page.find(f"//*[{has_class(name)}]")
            if element is not None and iso_date(element_text(element)):
                return iso_date(element_text(element))
        return super().published()

    def body_containers(self) -> list[HtmlElement]:
        body = self._body_field()
        if body is None:
            return super().body_containers()
        return [body, *self._panes_after(body)]

    def _panes_after(self, body: HtmlElement) -> list[HtmlElement]:
        """A Panelizer layout (the whitehouse.gov archive) puts the node's other fields in panes after the body's:
        a weekly address's video and its transcript. A pane with one video is the article's, and so is a long text
        field's; a promotion (`prominence-secondary`), a list of terms, the author's pane and the share bar are
        not."""
        pane = next((a for a in body.iterancestors() if "panel-pane" in (a.get("class") or "").split()), None)
        if pane is None:
            return []
        panes = []
        for sibling in pane.itersiblings():
            if "prominence-secondary" in (sibling.get("class") or "").split():
                continue
            iframes = sibling.findall(".//iframe")
            if len(iframes) == 1 and self.is_video(iframes[0]):
                self._video_panes.add(sibling)
                panes.append(sibling)
            elif self.page.find(f".//*[{' or '.join(has_class(name) for name in _TEXT_FIELDS)}]", sibling) is not None:
                panes.append(sibling)
        return panes

    def special(self, element: HtmlElement, converter: Converter) -> list[Block] | None:
        classes = set((element.get("class") or "").split())
        if "paragraph--type--image" in classes or "field-name-field-forall-image" in classes:
            return self.image_paragraph(element, converter)
        if "paragraph--type--call-to-action" in classes or "field-label" in classes:
            return []
        if element in self._video_panes:
            media = self.embedded_media(element.find(".//iframe"), None, converter)
            return [*([media] if media else []), *converter.blocks(element)]
        if classes & {"paragraph--type--embed"}:
            iframe = element.find(".//iframe")
            media = self.embedded_media(iframe, None, converter) if iframe is not None else None
            return [media] if media else []
        return super().special(element, converter)

    def image_paragraph(self, element: HtmlElement, converter: Converter) -> list[Block]:
        image = element.find(".//img")
        if image is None:
            return []
        caption_element = either(
            self.page.find(f".//*[{has_class('caption')}]", element), element.find(".//figcaption")
        )
        caption, credit = separate_credit(converter.caption_inlines(caption_element), None)
        anchor = image.getparent() if image.getparent() is not None and image.getparent().tag == "a" else None
        fallback = (
            anchor.get("href")
            if anchor is not None
            and re.search(r"\.(?:jpe?g|png|gif|webp|tiff?)(?:\?|$)", anchor.get("href") or "", re.IGNORECASE)
            else None
        )
        figure = new_figure(
            self.page,
            image=image_source(image),
            alt=image.get("alt"),
            caption=caption,
            credit=credit,
            fallback_image=fallback,
        )
        return [figure] if figure else []
