"""What an output says: title, language, provenance and, for each figure in order, its number ("Figure 3."),
alt text, photo title, caption, credit and VIRIN. Extracted independently from each format, then compared
(`consistency.py`).

Each reader takes the facts from where its format keeps them: the provenance block (and the document metadata),
never from the first link in the body. Languages go through one normalisation (`normalize_language`) whatever
the reader, so `en`, `en-US` and `EN-us` are one language and `en-GB` another.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from exporter.model import Article, Figure, Packet, plain_text
from exporter.provenance import OFFICIAL_NOTICE, is_official_source


@dataclass
class FigureFacts:
    alt: str | None
    title: str | None = None
    caption: str | None = None
    credit: str | None = None
    virin: str | None = None
    # False when the format does not mark which text is the photo title and which the caption (PDF): `caption`
    # then holds both, and they are compared together.
    split: bool = True
    number: int | None = None  # the "Figure N." label, numbered through a packet

    def title_and_caption(self) -> str | None:
        if not self.split:
            return self.caption
        return normalize_space(" ".join(part for part in (self.title, self.caption) if part))


@dataclass
class DocumentFacts:
    """Facts of one article (a packet gives one per article)."""

    title: str | None
    language: str | None
    source_url: str | None
    official_notice: bool
    figures: list[FigureFacts] = field(default_factory=list)
    # False when spaces in the text are a reader's guess (PDF text extraction inserts them where glyph runs
    # switch fonts): text is then compared without its spaces.
    exact_spacing: bool = True

    def __post_init__(self) -> None:
        self.language = normalize_language(self.language)

    def as_dict(self) -> dict:
        return asdict(self)


def normalize_space(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()
    return collapsed or None


def normalize_language(tag: str | None) -> str | None:
    """A BCP 47 tag in its shortest form with the same meaning (CLDR "remove likely subtags" of the maximal tag,
    canonical case): `en-US` and `en` are one language, `en-GB` another; `zh-Hant` and `zh-TW` are both `zh-TW`.
    Variants, extensions and private use stay. `und`, and what is not valid BCP 47, are kept as written (in
    canonical case when valid), so that they still show up as a difference."""
    import langcodes

    from exporter.readers.docx.inlines import minimal_language

    text = (tag or "").strip()
    if not text:
        return None
    try:
        parsed = langcodes.Language.get(text)
        canonical = langcodes.standardize_tag(text)
    except (ValueError, LookupError):
        return text
    if not parsed.language or parsed.language == "und" or parsed.language.startswith("x-"):
        return canonical
    core = langcodes.Language.make(language=parsed.language, script=parsed.script, territory=parsed.territory)
    # From the maximal tag, the reader's minimisation tries language, language-region, language-script: CLDR's order.
    shortest = langcodes.Language.get(minimal_language(str(core.maximize())) or str(core))
    return str(langcodes.Language.make(
        language=shortest.language, script=shortest.script, territory=shortest.territory,
        variants=parsed.variants, extensions=parsed.extensions, private=parsed.private,
    ))


def facts_of_model(document: Article | Packet) -> list[DocumentFacts]:
    """The facts the source model says every output should carry (decorative images have none to carry)."""
    articles = document.articles if isinstance(document, Packet) else [document]
    result = []
    numbered = 0
    for article in articles:
        numbers = article.figure_numbers(numbered)
        numbered = max(numbers.values(), default=numbered)
        figures = [_figure_facts(figure, numbers.get(id(figure))) for figure in article.figures()
                   if not figure.decorative]
        result.append(
            DocumentFacts(
                title=normalize_space(article.title),
                language=article.language,
                source_url=article.source.url,
                official_notice=is_official_source(article.source.url),
                figures=figures,
            )
        )
    return result


def _figure_facts(figure: Figure, number: int | None) -> FigureFacts:
    return FigureFacts(
        alt=normalize_space(figure.alt),
        title=normalize_space(figure.title),
        caption=normalize_space(plain_text(figure.caption)),
        credit=normalize_space(figure.credit),
        virin=figure.virin,
        number=number,
    )


def label_pattern(language: str) -> re.Pattern[str]:
    """The "Figure N." label as the writers print it before a caption, in the document's language."""
    from exporter.i18n import gettext

    template = normalize_space(gettext(language, "Figure %(number)s.", number="\x00")) or ""
    return re.compile(re.escape(template).replace("\x00", r"(\d+)"))


def numbered_figures(found: list[DocumentFacts]) -> list[tuple[int, int | None, FigureFacts]]:
    """(figure number through the file, article number when there are several, figure) in reading order: the
    numbers every finding uses, whatever the format."""
    many = len(found) > 1
    numbered, number = [], 0
    for article_number, article in enumerate(found, start=1):
        for figure in article.figures:
            number += 1
            numbered.append((number, article_number if many else None, figure))
    return numbered


def notice_pattern(language: str):
    """The official notice sentence as the writers print it, in the document's language, any host."""
    from exporter.i18n import gettext

    template = gettext(language, OFFICIAL_NOTICE, host="\x00")
    return re.compile(re.escape(normalize_space(template) or "").replace("\x00", r"\S+"))
