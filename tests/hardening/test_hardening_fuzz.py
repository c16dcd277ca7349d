"""Property tests per input kind (Markdown, JSON/YAML, HTML pages, text captures, DOCX, images): whatever the
input, the build ends with exit 0, 1 or 2 and at most one error line without a traceback; when it succeeds, every
word of the input's body is in the output. Body words are drawn from a vocabulary no markup language gives a
meaning to ("zq..."), so a word that disappears was lost, not interpreted.

In-process (`export_one`, HTML output) for speed; `test_the_cli_agrees` runs a few cases as separate processes.
The project's hypothesis profile is derandomized: CI sees the same examples every run."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from exporter.batch import export_one
from exporter.errors import ExitCode
from exporter.options import BuildOptions
from tests.hardening.inputs import output_text
from tests.strategies import article_strategy

WORD = st.from_regex(r"\Azq[a-z]{2,6}\Z", fullmatch=True)
WORDS = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
FOUND_WORDS = re.compile(r"zq[a-z]+")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
WORK = Path(tempfile.gettempdir())  # replaced by a pytest temporary folder for the module (below)


@pytest.fixture(scope="module", autouse=True)
def _work_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    global WORK
    WORK = tmp_path_factory.mktemp("fuzz")


def build(name: str, data: bytes, extra: dict[str, bytes] | None = None):
    """Build one generated input to HTML in a fresh folder; returns (result, output text or None)."""
    folder = Path(tempfile.mkdtemp(dir=WORK))
    source = folder / name
    source.write_bytes(data)
    for extra_name, extra_data in (extra or {}).items():
        (folder / extra_name).write_bytes(extra_data)
    result = export_one(source, BuildOptions(formats=("html",), out_dir=folder / "out"))
    assert result.code in (ExitCode.OK, ExitCode.CHECK_FAILED, ExitCode.BAD_INPUT), result
    if result.code == ExitCode.BAD_INPUT:
        assert result.error and "\n" not in result.error and "Traceback" not in result.error, result.error
        assert not (folder / "out").exists() or not any((folder / "out").iterdir())
        return result, None
    assert result.error is None
    return result, output_text(result.outputs[0])


def assert_every_word_kept(words: set[str], text: str | None) -> None:
    if text is not None:
        missing = sorted(word for word in words if word not in text)
        assert not missing, missing


# ------------------------------------------------------------ Markdown

MARKDOWN_TOKEN = st.one_of(
    WORD,
    WORD.map(lambda w: f"*{w}*"),
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"_{w}_"),
    WORD.map(lambda w: f"`{w}`"),
    st.tuples(WORD, WORD).map(lambda p: f"[{p[0]}](https://example.org/{p[1]})"),
    WORD.map(lambda w: f"[{w}]{{lang=fr}}"),
    st.sampled_from(["*", "**", "_", ">", "> >", "-", "1.", "+", "#", "##", "###", "####", "|", "| --- |", "[", "]",
                     "(", ")", "!", "{", "}", "<", "\\", "~", "=", '"', "---", "***"]),
)
MARKDOWN_BODY = st.lists(st.tuples(MARKDOWN_TOKEN, st.sampled_from([" ", " ", "\n", "\n\n", "\n  "])), max_size=40)


@SETTINGS
@given(MARKDOWN_BODY)
def test_markdown(pieces: list[tuple[str, str]]) -> None:
    body = "".join(token + separator for token, separator in pieces)
    _, text = build("a.md", f"---\ntitle: Generated\n---\n\n{body}\n".encode())
    assert_every_word_kept(set(FOUND_WORDS.findall(body)), text)


# ------------------------------------------------------------ JSON and YAML

ARTICLE = article_strategy(WORDS)
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def body_words(value, decorative: bool = False) -> set[str]:
    """The words a model's body shows: every string, except the alt text of decorative figures."""
    if isinstance(value, str):
        return set(FOUND_WORDS.findall(value))
    if isinstance(value, list):
        return set().union(*(body_words(item) for item in value)) if value else set()
    if isinstance(value, dict):
        hidden = value.get("decorative") is True
        return set().union(set(), *(body_words(v) for k, v in value.items() if not (hidden and k == "alt")))
    return set()


@st.composite
def mutated_articles(draw) -> dict:
    """A generated article with a few random edits: a field dropped, a value replaced by junk, a block deeply
    wrapped in quotes, or a number made huge."""
    data = json.loads(json.dumps(draw(ARTICLE)))  # no shared objects (YAML would write them as aliases)
    if draw(st.booleans()):  # most figures get alt text, so that many examples build
        for figure in _figures(data["body"]):
            figure["alt"] = figure.get("alt") or "A generated picture"
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
        blocks = data["body"]
        if not blocks:
            break
        index = draw(st.integers(0, len(blocks) - 1))
        block = blocks[index]
        edit = draw(st.sampled_from(["drop", "junk", "wrap", "number"]))
        key = draw(st.sampled_from(sorted(block)))
        if edit == "drop":
            block.pop(key)
        elif edit == "junk":
            block[key] = draw(JUNK)
        elif edit == "wrap":
            for _ in range(draw(st.integers(1, 40))):
                block = {"type": "blockquote", "children": [block]}
            blocks[index] = block
        else:
            block[key] = draw(st.sampled_from([10**40, -1, 2**31, 10**6]))
    return data


def _figures(blocks: list) -> list[dict]:
    found = []
    for block in blocks:
        if isinstance(block, dict):
            found += [block] if block.get("type") == "figure" else []
            found += _figures(block.get("children", []) if block.get("type") == "blockquote" else [])
            for item in block.get("items", []) if block.get("type") == "list" else []:
                found += _figures(item)
    return found


@SETTINGS
@given(mutated_articles(), st.sampled_from(["json", "yaml"]))
def test_json_and_yaml(data: dict, form: str) -> None:
    import yaml

    encoded = json.dumps(data).encode() if form == "json" else yaml.safe_dump(data, allow_unicode=True).encode()
    _, text = build(f"a.{form}", encoded)
    assert_every_word_kept(body_words(data["body"]), text)


# ------------------------------------------------------------ HTML pages

INLINE_TAGS = ["em", "strong", "b", "i", "span", "code", "a", "small", "abbr", "q", "u"]
BLOCK_TAGS = ["p", "div", "section", "blockquote", "ul", "ol", "table", "h2", "h3", "h4", "pre"]


def html_tree(depth: int = 0):
    inline = st.recursive(
        WORD,
        lambda children: st.tuples(st.sampled_from(INLINE_TAGS), st.lists(children, max_size=3)).map(
            lambda pair: _element(pair[0], " ".join(pair[1]))
        ),
        max_leaves=5,
    )
    return st.recursive(
        st.lists(inline, min_size=1, max_size=3).map(lambda items: _element("p", " ".join(items))),
        lambda children: st.tuples(st.sampled_from(BLOCK_TAGS), st.lists(children, min_size=1, max_size=3)).map(
            lambda pair: _block(pair[0], pair[1])
        ),
        max_leaves=8,
    )


def _element(tag: str, content: str) -> str:
    return f'<a href="https://example.org/x">{content}</a>' if tag == "a" else f"<{tag}>{content}</{tag}>"


def _block(tag: str, children: list[str]) -> str:
    if tag in ("ul", "ol"):
        return f"<{tag}>" + "".join(f"<li>{child}</li>" for child in children) + f"</{tag}>"
    if tag == "table":
        return "<table>" + "".join(f"<tr><td>{child}</td><th>{child}</th></tr>" for child in children) + "</table>"
    return f"<{tag}>" + "".join(children) + f"</{tag}>"


@SETTINGS
@given(st.lists(html_tree(), min_size=1, max_size=4), st.sampled_from(["article", "main", "body"]))
def test_html_pages(blocks: list[str], container: str) -> None:
    body = "".join(blocks)
    page = f"<html lang=en><head><title>Generated</title></head><body><{container}><h1>Generated</h1>{body}"
    page += f"</{container}></body></html>"
    _, text = build("page.html", page.encode())
    assert_every_word_kept(set(FOUND_WORDS.findall(body)), text)


@SETTINGS
@given(st.binary(max_size=400), st.integers(0, 400))
def test_html_bytes(noise: bytes, at: int) -> None:
    page = b"<html><body><article><h1>Generated</h1><p>zqkeep words</p></article></body></html>"
    build("page.html", page[:at] + noise + page[at:])


# ------------------------------------------------------------ text captures

CAPTURE_LINE = st.one_of(
    WORDS.map(lambda w: w[0].upper() + w[1:] + "."),
    WORDS,
    WORDS.map(lambda w: f"- {w}"),
    WORDS.map(lambda w: f"1. {w}"),
    st.sampled_from(["", "", "Share", "Related Stories", "An official website of the United States government"]),
)


@SETTINGS
@given(WORDS, st.lists(CAPTURE_LINE, max_size=25))
# A story's short list is not a menu (found by this test when any three short items were taken for one).
@example("zqaa", ["Zqaa.", "- zqaa", "- zqaa", "- zqaa"])
def test_text_captures(headline: str, lines: list[str]) -> None:
    if "Related Stories" in lines:  # the capture's article ends there, by definition
        lines = lines[: lines.index("Related Stories")]
    body = "\n".join(lines)
    _, text = build("capture.txt", f"{headline.title()}\n\n{body}\n".encode())
    assert_every_word_kept(set(FOUND_WORDS.findall(body)), text)


# ------------------------------------------------------------ DOCX: text-keeping edits, then damage

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES = ["Heading1", "Heading2", "Heading3", "Title", "ListParagraph", "Quote", "Caption", "Normal", "Subtitle"]
WRAPPERS = ["w:sdt/w:sdtContent", "w:customXml", "w:smartTag", "w:ins"]


def _base_docx(paragraphs: list[tuple[str, str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Generated", 1)
    for style, text in paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.style = document.styles["List Bullet" if style == "list" else "Normal"]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewrite_document(data: bytes, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, edit(content) if info.filename == "word/document.xml" else content)
    return buffer.getvalue()


@st.composite
def docx_edits(draw) -> list[tuple[str, int, str]]:
    return draw(st.lists(st.tuples(st.sampled_from(["style", "wrap", "duplicate", "split"]), st.integers(0, 50),
                                   st.sampled_from(STYLES + WRAPPERS)), max_size=6))


def _apply(xml: bytes, edits: list[tuple[str, int, str]]) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    body = root.find(f"{{{W}}}body")
    for kind, index, choice in edits:
        paragraphs = [p for p in body.iter(f"{{{W}}}p")]
        paragraph = paragraphs[index % len(paragraphs)]
        if kind == "style" and choice in STYLES:
            properties = paragraph.find(f"{{{W}}}pPr")
            if properties is None:
                properties = etree.SubElement(paragraph, f"{{{W}}}pPr")
                paragraph.insert(0, properties)
            for old in properties.findall(f"{{{W}}}pStyle"):
                properties.remove(old)
            properties.insert(0, etree.Element(f"{{{W}}}pStyle", {f"{{{W}}}val": choice}))
        elif kind == "wrap" and choice in WRAPPERS:
            runs = paragraph.findall(f"{{{W}}}r")
            if runs:
                outer = inner = etree.Element(f"{{{W}}}{choice.split('/')[0][2:]}")
                for level in choice.split("/")[1:]:
                    inner = etree.SubElement(inner, f"{{{W}}}{level[2:]}")
                runs[0].addprevious(outer)
                inner.append(runs[0])
        elif kind == "duplicate":
            paragraph.addnext(etree.fromstring(etree.tostring(paragraph)))
        elif kind == "split":
            for text in paragraph.iter(f"{{{W}}}t"):
                words = (text.text or "").split(" ")
                if len(words) > 1:
                    text.text = words[0] + " "
                    run = text.getparent()
                    copy = etree.fromstring(etree.tostring(run))
                    copy.find(f"{{{W}}}t").text = " ".join(words[1:])
                    run.addnext(copy)
                    break
    return etree.tostring(root)


DOCX_PARAGRAPHS = st.lists(st.tuples(st.sampled_from(["text", "list"]), WORDS), min_size=1, max_size=6)


@SETTINGS
@given(DOCX_PARAGRAPHS, docx_edits())
def test_docx_edits_keep_every_word(paragraphs: list[tuple[str, str]], edits) -> None:
    data = _rewrite_document(_base_docx(paragraphs), lambda xml: _apply(xml, edits))
    _, text = build("draft.docx", data)
    assert_every_word_kept({w for _, words in paragraphs for w in FOUND_WORDS.findall(words)}, text)


@SETTINGS
@given(DOCX_PARAGRAPHS, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       st.sampled_from(["flip", "truncate", "drop-part", "junk-xml", "deep-xml"]))
@example([("text", "zqaa")], [(49, 0)], "flip")  # a damaged deflate stream: zlib's own error
def test_damaged_docx(paragraphs, flips, damage: str) -> None:
    data = bytearray(_base_docx(paragraphs))
    if damage == "flip":
        for position, value in flips:
            data[position % len(data)] = value
    elif damage == "truncate":
        data = data[: (flips[0][0] if flips else 100) % len(data)]
    elif damage == "drop-part":
        source = zipfile.ZipFile(io.BytesIO(bytes(data)))
        names = source.namelist()
        dropped = names[(flips[0][0] if flips else 0) % len(names)]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in names:
                if name != dropped:
                    target.writestr(name, source.read(name))
        data = bytearray(buffer.getvalue())
    elif damage == "junk-xml":
        junk = bytes(value for _, value in flips) or b"<"
        data = bytearray(_rewrite_document(bytes(data), lambda xml: xml[: len(xml) // 2] + junk + xml[len(xml) // 2 :]))
    else:
        depth = 50 + (flips[0][0] % 400 if flips else 0)
        nested = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
        data = bytearray(_rewrite_document(bytes(data), lambda xml: xml.replace(b"<w:body>", b"<w:body>" + nested, 1)))
    build("draft.docx", bytes(data))


# ------------------------------------------------------------ images

# mode -> formats Pillow writes it in
IMAGE_MODES = {
    "1": ["PNG", "TIFF", "BMP"], "L": ["PNG", "JPEG", "TIFF", "GIF"], "LA": ["PNG", "TIFF"], "P": ["PNG", "GIF"],
    "RGB": ["PNG", "JPEG", "TIFF", "WEBP", "BMP"], "RGBA": ["PNG", "TIFF", "WEBP"],
    "CMYK": ["JPEG", "TIFF"], "YCbCr": ["JPEG", "TIFF"], "LAB": ["TIFF"], "I": ["TIFF"],
    "I;16": ["PNG", "TIFF"], "I;16B": ["TIFF"], "F": ["TIFF"],
}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "TIFF": "tif", "GIF": "gif", "WEBP": "webp", "BMP": "bmp"}


@st.composite
def images(draw) -> tuple[str, bytes, bool]:
    mode = draw(st.sampled_from(sorted(IMAGE_MODES)))
    fmt = draw(st.sampled_from(IMAGE_MODES[mode]))
    size = (draw(st.integers(1, 48)), draw(st.integers(1, 48)))
    bands = len(Image.new(mode, (1, 1)).getbands())
    top = {"1": 1, "I": 65535, "I;16": 65535, "I;16B": 65535, "F": 1.0}.get(mode, 255)
    values = draw(st.lists(st.integers(0, 255), min_size=2 * bands, max_size=2 * bands))
    image = Image.new(mode, size)
    for x in range(size[0]):
        pixel = values[:bands] if x < size[0] / 2 else values[bands:]
        scaled = [value * top / 255 if mode == "F" else int(value * top / 255) for value in pixel]
        for y in range(size[1]):
            image.putpixel((x, y), scaled[0] if bands == 1 else tuple(scaled))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    data = buffer.getvalue()
    damaged = draw(st.booleans()) and draw(st.booleans())
    if damaged:
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1 :]
    return f"photo.{EXTENSIONS[fmt]}", data, damaged


@SETTINGS
@given(images(), WORDS)
def test_images_of_any_mode_and_size(image: tuple[str, bytes, bool], caption: str) -> None:
    name, data, damaged = image
    source = f'---\ntitle: T\n---\n\nThe body zqbody.\n\n![{caption}]({name}){{alt="A generated picture"}}\n'
    result, text = build("a.md", source.encode(), {name: data})
    if not damaged:
        assert result.code == ExitCode.OK, result.error  # every mode Pillow opens is converted
        assert "not included" not in text
    assert_every_word_kept(set(FOUND_WORDS.findall(caption)) | {"zqbody"}, text)


# ------------------------------------------------------------ the same, as separate processes


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(MARKDOWN_BODY, st.sampled_from([b"", b"\x1b[2J", b"\nerror: forged", b"\xff\xfe"]))
def test_the_cli_agrees(exporter_cli, pieces, noise: bytes) -> None:
    folder = Path(tempfile.mkdtemp(dir=WORK))
    body = "".join(token + separator for token, separator in pieces)
    source = folder / "a.md"
    source.write_bytes(b"---\ntitle: T\n---\n\n" + body.encode() + noise + b"\n")
    result = exporter_cli("build", source, "--to", "html,docx", "--out", folder / "out")
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith(("warning:", "note:"))]
    assert len(errors) == (result.returncode == 2), result.stderr
    if result.returncode == 0:
        assert_every_word_kept(set(FOUND_WORDS.findall(body)), output_text(folder / "out" / "a.html"))
