"""EPUB Accessibility 1.1 discovery metadata, derived from what the book really contains.

Nothing here is a fixed block: each value follows from facts counted while the content documents were
rendered (which images made it into the book, which are decorative, which became text placeholders), so a
text-only newsletter and an illustrated article get different `accessMode` and `accessibilityFeature` sets.
A conformance claim (`dcterms:conformsTo`, `a11y:certifiedBy`) is made only when the publisher names who
certifies it: the exporter cannot certify its own output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporter.i18n import gettext
from exporter.model import Article, Figure, Heading, Media, Table
from exporter.writers.templating import walk_blocks

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass
class ContentFacts:
    """What the rendered content documents hold, as far as accessibility metadata cares."""

    informative_images: int = 0  # non-decorative images embedded as <img> with alt text
    informative_without_alt: int = 0  # never > 0 after the pipeline's alt check; counted to stay honest
    decorative_images: int = 0  # embedded with alt=""
    placeholders: int = 0  # images not at hand, rendered as their text description
    tables: int = 0
    headings: int = 0  # section headings below the article title
    media_links: int = 0  # video/audio described and linked, never embedded
    articles: int = 0

    def add_article(self, article: Article, embedded: set[int]) -> None:
        """Count one article; `embedded` holds id() of every figure whose image went into the book."""
        self.articles += 1
        for block in walk_blocks(article.body):
            if isinstance(block, Heading):
                self.headings += 1
            elif isinstance(block, Table):
                self.tables += 1
            elif isinstance(block, Media):
                self.media_links += 1
                if block.poster is not None:
                    self._add_figure(block.poster, embedded)
            elif isinstance(block, Figure):
                self._add_figure(block, embedded)

    def _add_figure(self, figure: Figure, embedded: set[int]) -> None:
        if id(figure) not in embedded:
            # A missing decorative image leaves nothing behind; an informative one leaves its description.
            if not figure.decorative:
                self.placeholders += 1
        elif figure.decorative:
            self.decorative_images += 1
        elif (figure.alt or "").strip():
            self.informative_images += 1
        else:
            self.informative_without_alt += 1


@dataclass
class AccessibilityMetadata:
    access_modes: list[str]
    access_modes_sufficient: list[str]  # each entry is one comma-separated set of modes
    features: list[str]
    hazards: list[str]
    summary: str
    conforms_to: str | None = None
    certified_by: str | None = None
    notes: list[str] = field(default_factory=list)


def derive(facts: ContentFacts, language: str, certifier: str | None) -> AccessibilityMetadata:
    visual = facts.informative_images > 0 or facts.informative_without_alt > 0
    access_modes = ["textual", "visual"] if visual else ["textual"]

    # Text alone suffices when every informative image has a text alternative; the full visual reading
    # (text plus pictures) is always a sufficient combination when there are pictures.
    sufficient: list[str] = []
    if facts.informative_without_alt == 0:
        sufficient.append("textual")
    if visual:
        sufficient.append("textual,visual")

    features: list[str] = []
    if facts.informative_images > 0 and facts.informative_without_alt == 0:
        features.append("alternativeText")
    features.append("displayTransformability")  # reflowable XHTML, relative sizes, no text in images
    features.append("readingOrder")  # one linear spine that follows the source's order
    features.append("structuralNavigation")  # h1 per article, section headings in order
    features.append("tableOfContents")  # nav document with the article and its headings

    summary = _summary(facts, language, certifier)
    metadata = AccessibilityMetadata(
        access_modes=access_modes,
        access_modes_sufficient=sufficient,
        features=features,
        # Media are described and linked, never embedded; nothing in the book flashes, moves or plays sound.
        hazards=["none"],
        summary=summary,
    )
    if certifier and certifier.strip():
        metadata.conforms_to = CONFORMANCE
        metadata.certified_by = certifier.strip()
    return metadata


def _summary(facts: ContentFacts, language: str, certifier: str | None) -> str:
    def t(message: str, **values: object) -> str:
        return gettext(language, message, **values)

    sentences = [t("This publication is born-digital, reflowable text with one reading order.")]
    if facts.headings:
        sentences.append(t("Headings and a table of contents allow navigation by section."))
    else:
        sentences.append(t("A table of contents allows navigation."))
    if facts.informative_images:
        sentences.append(t("Every informative image has a text alternative, and its caption gives the credit "
                           "and image identifier where known."))
    if facts.decorative_images:
        sentences.append(t("Decorative images are marked so that assistive technologies skip them."))
    if facts.placeholders:
        sentences.append(t("Some photos are not included in this edition; "
                           "their descriptions are given as text."))
    if not (facts.informative_images or facts.decorative_images or facts.placeholders):
        sentences.append(t("It contains no images."))
    if facts.tables:
        sentences.append(t("Tables have header cells."))
    if facts.media_links:
        sentences.append(t("Video and audio are described and linked, not embedded."))
    sentences.append(t("The source, publisher and rights are stated at the start of each article."))
    if certifier and certifier.strip():
        sentences.append(t("Conformance to %(standard)s was certified by %(certifier)s.",
                           standard=CONFORMANCE, certifier=certifier.strip()))
    return " ".join(sentences)
