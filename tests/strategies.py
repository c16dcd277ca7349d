"""Hypothesis strategies for generated articles: any mix of blocks, inlines, Unicode and figures."""

from __future__ import annotations

import re

from hypothesis import strategies as st

# What the model drops from text (XML cannot carry it): a title made only of these would be empty.
NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
LANGS = st.sampled_from(["en", "es", "uk", "el", "fr-CA"])
VIRINS = st.from_regex(r"\A[0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}[A-Z]?\Z", fullmatch=True)
# Text in the scripts the exporter promises to render (Latin, Greek, Cyrillic, with their punctuation, as the
# bundled fonts have them): outputs made of it must pass every validator.
SUPPORTED_RANGES = ((0x20, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF))
def _covered_characters() -> list[str]:
    import unicodedata

    from fontTools.ttLib import TTFont

    from exporter.resources import fonts_dir

    # Noto Sans ends every font stack of the outputs, so what it has can always be drawn.
    with TTFont(fonts_dir() / "NotoSans-Regular.ttf", lazy=True) as font:
        points = font.getBestCmap()
    wanted = ("Lu", "Ll", "Nd", "Po", "Pd", "Zs")
    return sorted(
        chr(point)
        for point in points
        if any(low <= point <= high for low, high in SUPPORTED_RANGES) and unicodedata.category(chr(point)) in wanted
    )


COVERED_TEXT = st.text(st.sampled_from(_covered_characters()), min_size=1, max_size=20)


def article_strategy(TEXT):
    """Articles whose text comes from `TEXT`."""
    def inline_strategy():
        leaf = st.one_of(
            st.builds(lambda t: {"type": "text", "text": t}, TEXT),
            st.builds(lambda t: {"type": "code", "text": t}, TEXT),
            st.just({"type": "line_break"}),
        )
        return st.recursive(
            leaf,
            lambda children: st.one_of(
                st.builds(lambda c: {"type": "emphasis", "children": c}, st.lists(children, max_size=3)),
                st.builds(lambda c: {"type": "strong", "children": c}, st.lists(children, max_size=3)),
                st.builds(
                    lambda c, h: {"type": "link", "href": h, "children": c},
                    st.lists(children, max_size=3),
                    st.sampled_from(["https://example.org/a", "mailto:x@example.org"]),
                ),
                st.builds(
                    lambda c, lang: {"type": "span", "lang": lang, "children": c},
                    st.lists(children, max_size=3),
                    LANGS,
                ),
                st.builds(lambda c: {"type": "superscript", "children": c}, st.lists(children, max_size=2)),
                st.builds(lambda c: {"type": "subscript", "children": c}, st.lists(children, max_size=2)),
                st.builds(lambda c: {"type": "strikeout", "children": c}, st.lists(children, max_size=2)),
            ),
            max_leaves=8,
        )

    # A footnote sits in running text, never in a link or another note: notes hold paragraphs of inlines.
    FOOTNOTE = st.builds(
        lambda paragraphs: {"type": "footnote", "children": [{"type": "paragraph", "children": p} for p in paragraphs]},
        st.lists(st.lists(inline_strategy(), min_size=1, max_size=3), min_size=1, max_size=2),
    )
    INLINES = st.lists(st.one_of(inline_strategy(), FOOTNOTE), max_size=4)

    FIGURE = st.builds(
        lambda alt, title, caption, credit, virin, decorative: {
            "type": "figure",
            "image": "images/photo.jpg",
            "alt": alt,
            "title": title,
            "caption": caption,
            "credit": credit,
            "virin": virin,
            "decorative": decorative,
        },
        st.none() | TEXT,
        st.none() | TEXT,
        INLINES,
        st.none() | TEXT,
        st.none() | VIRINS,
        st.booleans(),
    )


    def block_strategy():
        leaf = st.one_of(
            st.builds(lambda c: {"type": "paragraph", "children": c}, INLINES),
            FIGURE,
            st.builds(
                lambda t, c: {
                    "type": "media",
                    "kind": "video",
                    "url": "https://example.org/v",
                    "title": t,
                    "caption": c,
                },
                st.none() | TEXT,
                INLINES,
            ),
            st.builds(
                lambda cells: {
                    "type": "table",
                    "head": [{"cells": [{"header": True, "children": c} for c in cells]}],
                    "rows": [{"cells": [{"children": c} for c in cells]}],
                },
                st.lists(INLINES, min_size=1, max_size=3),
            ),
        )
        return st.recursive(
            leaf,
            lambda children: st.one_of(
                st.builds(
                    lambda c, a: {"type": "blockquote", "children": c, "attribution": a},
                    st.lists(children, max_size=2),
                    INLINES,
                ),
                st.builds(
                    lambda items, ordered: {"type": "list", "ordered": ordered, "items": items},
                    st.lists(st.lists(children, max_size=2), min_size=1, max_size=3),
                    st.booleans(),
                ),
            ),
            max_leaves=6,
        )


    ARTICLES = st.builds(
        lambda title, body, lang, url: {"title": title, "language": lang, "body": body, "source": {"url": url}},
        TEXT.filter(lambda t: re.sub(NOT_XML, '', t).strip()),
        st.lists(block_strategy(), max_size=5),
        LANGS,
        st.none() | st.sampled_from(["https://www.defense.gov/a", "https://example.org/b"]),
    )
    return ARTICLES


ARTICLES = article_strategy(TEXT)
COVERED_ARTICLES = article_strategy(COVERED_TEXT)
