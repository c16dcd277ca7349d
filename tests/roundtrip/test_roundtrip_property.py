"""Generated articles (any mix of the blocks and inlines a DOCX can carry) survive model -> DOCX -> model.

The strategy stays inside what the DOCX format can express unambiguously, and each exclusion names why:
text has no white space at paragraph edges (Word keeps it, but it is layout, and the reader trims it); links
do not nest and spans do not nest (a run has one link and one language), scripts do not nest (a run is raised
or lowered), footnotes sit in running text; every list item starts with a paragraph (the paragraph carries the
item's number); header cells hold no strong text (header cells are bold as a whole); adjacent block quotes are
separated (Word has no boundary between two quotes in a row).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from exporter.options import BuildOptions
from exporter.pipeline import export
from tests.conftest import FIXED_EPOCH
from tests.roundtrip.conftest import (
    assert_same_article,
    comparable,
    imported_image_reader,
    load_article,
    original_image_reader,
    read_docx,
)

WORD = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßЖΩ"),
    min_size=1,
    max_size=8,
)
WORDS = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
LANGS = st.sampled_from(["es", "uk", "el", "fr-CA", "de"])
HREFS = st.sampled_from(["https://example.org/a", "https://www.defense.gov/b", "mailto:desk@example.org"])
VIRINS = st.from_regex(r"\A[0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}[A-Z]?\Z", fullmatch=True)


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def formatted(depth: int = 0, *, in_link: bool = False, in_span: bool = False, in_script: bool = False):
    """One inline that starts and ends with a word (so a paragraph never starts or ends with white space)."""
    leaf = st.one_of(WORDS.map(text), WORDS.map(lambda t: {"type": "code", "text": t}))
    if depth >= 2:
        return leaf
    children = st.lists(
        formatted(depth + 1, in_link=in_link, in_span=in_span, in_script=in_script), min_size=1, max_size=2
    ).map(spaced)
    options = [
        leaf,
        children.map(lambda c: {"type": "emphasis", "children": c}),
        children.map(lambda c: {"type": "strong", "children": c}),
        children.map(lambda c: {"type": "strikeout", "children": c}),
    ]
    if not in_script:
        # A run is raised or lowered, not both: no script inside a script.
        script_children = st.lists(
            formatted(depth + 1, in_link=in_link, in_span=in_span, in_script=True), min_size=1, max_size=2
        ).map(spaced)
        options += [
            script_children.map(lambda c: {"type": "superscript", "children": c}),
            script_children.map(lambda c: {"type": "subscript", "children": c}),
        ]
    if depth == 0 and not in_link:
        # A footnote where running text is: Word's note reference, the note's paragraphs in the notes part.
        note_paragraph = st.lists(WORDS.map(text), min_size=1, max_size=2).map(
            lambda c: {"type": "paragraph", "children": spaced(c)}
        )
        options.append(
            st.lists(note_paragraph, min_size=1, max_size=2).map(lambda p: {"type": "footnote", "children": p})
        )
    if not in_link:
        link_children = st.lists(formatted(depth + 1, in_link=True, in_span=in_span), min_size=1, max_size=2)
        options.append(
            st.builds(
                lambda c, href, title: {"type": "link", "href": href, "title": title, "children": spaced(c)},
                link_children,
                HREFS,
                st.none() | WORDS,
            )
        )
    if not in_span:
        span_children = st.lists(formatted(depth + 1, in_link=in_link, in_span=True), min_size=1, max_size=2)
        options.append(
            st.builds(
                lambda c, lang: {"type": "span", "lang": lang, "children": spaced(c)}, span_children, LANGS
            )
        )
    return st.one_of(options)


def spaced(nodes: list[dict]) -> list[dict]:
    """Separate inlines with a space or a line break, as text does."""
    result: list[dict] = []
    for index, node in enumerate(nodes):
        if index:
            result.append(text(" ") if index % 2 else {"type": "line_break"})
        result.append(node)
    return result


INLINES = st.lists(formatted(), min_size=1, max_size=4).map(spaced)
# Captions: no line breaks and no bold-only first line (a caption's bold first line is the photo title).
CAPTION = st.lists(WORDS.map(text), min_size=1, max_size=2).map(spaced)


def paragraph():
    return INLINES.map(lambda c: {"type": "paragraph", "children": c})


def figure(image: str):
    def make(alt, title, caption, credit, virin, rights, decorative):
        data = {"type": "figure", "image": image, "decorative": decorative, "caption": caption}
        data.update(title=title, credit=credit, virin=virin, rights=rights)
        if not decorative:
            data["alt"] = alt
        return data

    return st.builds(
        make,
        WORDS,
        st.none() | WORDS,
        st.just([]) | CAPTION,
        st.none() | WORDS,
        st.none() | VIRINS,
        st.none() | WORDS,
        st.booleans(),
    )


MEDIA = st.builds(
    lambda kind, title, caption, credit, duration: {
        "type": "media",
        "kind": kind,
        "url": "https://example.org/media",
        "title": title,
        "caption": caption,
        "credit": credit,
        "duration": duration,
    },
    st.sampled_from(["video", "audio"]),
    WORDS,
    st.just([]) | CAPTION,
    st.none() | WORDS,
    st.none() | st.sampled_from(["PT2M30S", "PT31M", "PT1H2M3S", "PT45S"]),
)


def table():
    def make(columns, head, body_rows, row_headers, caption, aligns):
        head_rows = [
            {"cells": [{"header": True, "children": cell, "align": aligns[i]} for i, cell in enumerate(row)]}
            for row in head
        ]
        rows = []
        for row in body_rows:
            cells = []
            for index, cell in enumerate(row):
                header = row_headers and index == 0
                cells.append({"header": header, "children": cell, "align": aligns[index]})
            rows.append({"cells": cells})
        return {"type": "table", "caption": caption, "head": head_rows, "rows": rows}

    plain_cell = st.lists(WORDS.map(text), min_size=1, max_size=2).map(spaced)
    return st.integers(2, 3).flatmap(
        lambda columns: st.builds(
            make,
            st.just(columns),
            st.lists(st.lists(plain_cell, min_size=columns, max_size=columns), max_size=1),
            st.lists(
                st.tuples(plain_cell, *[INLINES.filter(not_all_strong)] * (columns - 1)).map(list),
                min_size=1,
                max_size=3,
            ),
            st.booleans(),
            st.just([]) | CAPTION,
            st.lists(st.sampled_from([None, "left", "center", "right"]), min_size=columns, max_size=columns),
        )
    )


def not_all_strong(inlines: list[dict]) -> bool:
    return not all(node["type"] == "strong" for node in inlines if node.get("text", "x").strip())


def list_block(depth: int = 0):
    item_blocks = [paragraph()]
    if depth < 2:
        item = st.tuples(paragraph(), st.none() | paragraph(), st.none() | list_block(depth + 1)).map(
            lambda parts: [part for part in parts if part is not None]
        )
    else:
        item = st.lists(st.one_of(item_blocks), min_size=1, max_size=1)
    return st.builds(
        lambda ordered, start, items: {
            "type": "list",
            "ordered": ordered,
            "start": start if ordered else None,
            "items": items,
        },
        st.booleans(),
        st.integers(1, 5),
        st.lists(item, min_size=1, max_size=3),
    )


QUOTE = st.builds(
    lambda children, attribution: {"type": "blockquote", "children": children, "attribution": attribution},
    st.lists(paragraph(), min_size=1, max_size=2),
    st.just([]) | st.lists(WORDS.map(text), min_size=1, max_size=1),
)


def body(image: str):
    block = st.one_of(paragraph(), figure(image), MEDIA, table(), list_block(), QUOTE)
    # A paragraph after every block keeps lists, quotes and tables apart, as in real articles.
    pairs = st.lists(st.tuples(block, paragraph()), min_size=1, max_size=4)
    return st.builds(
        lambda pairs, headings: with_headings([b for pair in pairs for b in pair], headings),
        pairs,
        st.lists(WORDS, max_size=3),
    )


def with_headings(blocks: list[dict], headings: list[str]) -> list[dict]:
    result = list(blocks)
    for level, heading in enumerate(headings, start=2):
        result.insert(
            min(len(result), (level - 1) * 2),
            {"type": "heading", "level": level, "children": [text(heading)]},
        )
    return result


def make_article(
    title,
    dek,
    people,
    organization,
    published,
    url,
    agency,
    site,
    retrieved,
    rights,
    keywords,
    related,
    blocks,
) -> dict:
    return {
        "title": title,
        "dek": dek,
        "byline": {"people": people, "organization": organization} if people or organization else None,
        "published": published,
        "language": "en",
        "source": {"url": url, "agency": agency, "site_name": site, "retrieved": retrieved},
        "rights": rights,
        "keywords": keywords,
        "related": related,
        "body": blocks,
    }


def article(image: str):
    return st.builds(
        make_article,
        WORDS,
        st.none() | WORDS,
        st.lists(WORDS, max_size=2),
        st.none() | WORDS,
        st.none() | st.sampled_from(["2024-03-08", "2025-01-20T09:30:00+00:00"]),
        st.none() | st.sampled_from(["https://www.defense.gov/News/1", "https://www.example.org/story"]),
        st.none() | WORDS,
        st.none() | WORDS,
        st.none() | st.sampled_from(["2025-01-21"]),
        st.none() | WORDS,
        st.lists(WORDS, max_size=3, unique=True),
        st.lists(st.builds(lambda t, u: {"title": t, "url": u}, WORDS, HREFS), max_size=2),
        body(image),
    )


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


def drop_none(value):
    if isinstance(value, dict):
        return {key: drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [drop_none(item) for item in value]
    return value


@pytest.mark.slow
# No shrinking: each example builds a DOCX, so shrinking a failure would take minutes; the failing example
# is printed as generated.
@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=article("images/generated.png"), size=st.tuples(st.integers(8, 120), st.integers(8, 120)))
def test_roundtrip_generated_articles_survive_docx(tmp_path_factory, data, size):
    folder = tmp_path_factory.mktemp("roundtrip-generated")
    (folder / "images").mkdir()
    (folder / "images" / "generated.png").write_bytes(png(*size))
    source = folder / "generated.json"
    source.write_text(json.dumps(drop_none(data), ensure_ascii=False), encoding="utf-8")
    original = load_article(source)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        result = export(source, BuildOptions(formats=("docx",), out_dir=folder / "out"))
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    [docx_path] = [Path(p) for p in result.outputs if str(p).endswith(".docx")]
    imported = read_docx(docx_path)
    expected, expected_aspects = comparable(original, original_image_reader(source))
    actual, actual_aspects = comparable(imported.document, imported_image_reader(imported))
    assert_same_article(expected, actual)
    for before, after in zip(expected_aspects, actual_aspects, strict=True):
        assert (before is None) == (after is None)
        if before is not None:
            assert after == pytest.approx(before, rel=0.05)
