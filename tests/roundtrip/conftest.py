"""Fixtures for the DOCX round trip: every sample built to DOCX once per session, read back with the DOCX
reader, and compared with the model the writer received, field by field."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from exporter.errors import Warnings
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.pipeline import InputResult, export, prepare
from exporter.readers import ReadResult, read_document
from tests.conftest import FIXED_EPOCH, SAMPLE_ARTICLES

FORMATS = ("html", "pdf", "epub", "docx")

INLINE_TYPES = {"text", "emphasis", "strong", "link", "line_break", "code", "span", "superscript", "subscript",
                "strikeout", "footnote"}


@dataclass
class Built:
    source: Path
    article: Article
    path: Path


def load_article(source: Path) -> Article:
    """The model the DOCX writer received: read and prepared exactly as the pipeline does."""
    options = BuildOptions(formats=("docx",))
    document = prepare(read_document(source, options), source, options, Warnings())
    assert isinstance(document, Article)
    return document


def build_formats(source: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Each output by its extension, built with the suite's fixed SOURCE_DATE_EPOCH."""
    return {Path(path).suffix[1:]: Path(path) for path in build(source, out_dir, formats).outputs}


def build(source: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS, *, check: bool = False) -> InputResult:
    """The build's result (with `check`, also every validator's), with the suite's fixed SOURCE_DATE_EPOCH."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        result = export(source, BuildOptions(formats=formats, out_dir=out_dir, check=check))
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert not result.error, result.error
    return result


def build_docx(source: Path, out_dir: Path) -> Path:
    return build_formats(source, out_dir, ("docx",))["docx"]


def read_docx(path: Path) -> ReadResult:
    return read_document(path, BuildOptions())


def embedded_images(result: ReadResult) -> dict[str, bytes]:
    return getattr(result, "images", {})


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory) -> dict[str, Built]:
    out_dir = tmp_path_factory.mktemp("roundtrip-docx")
    return {
        source.stem: Built(source, load_article(source), build_docx(source, out_dir))
        for source in SAMPLE_ARTICLES
    }


# ---------------------------------------------------------------- comparison


def flatten_inlines(nodes: list[dict], marks: tuple = ()) -> list[tuple[str, tuple]]:
    """Inlines as (text, formatting) segments, adjacent equal formatting merged: two trees that format every
    character the same way compare equal, whatever order Emphasis and Strong were nested in (and emphasis
    inside emphasis is emphasis: a run is italic or not)."""
    segments: list[tuple[str, tuple]] = []
    for node in nodes:
        kind = node["type"]
        if kind == "text":
            segments.append((node["text"], tuple(sorted(set(marks)))))
        elif kind == "code":
            segments.append((node["text"], tuple(sorted({*marks, "code"}))))
        elif kind == "line_break":
            segments.append(("\n", tuple(sorted(set(marks)))))
        elif kind == "emphasis":
            segments += flatten_inlines(node["children"], (*marks, "emphasis"))
        elif kind == "strong":
            segments += flatten_inlines(node["children"], (*marks, "strong"))
        elif kind == "span":
            segments += flatten_inlines(node["children"], (*marks, f"lang={node['lang']}"))
        elif kind in ("superscript", "subscript", "strikeout"):
            segments += flatten_inlines(node["children"], (*marks, kind))
        elif kind == "footnote":
            # A note is one opaque segment: its paragraphs compared flattened, whatever formatting surrounds it.
            note = [flatten_inlines(paragraph["children"]) for paragraph in node["children"]]
            segments.append(("\x00note:" + repr(note), ()))
        elif kind == "link":
            mark = f"link={node['href']} title={node.get('title')}"
            segments += flatten_inlines(node["children"], (*marks, mark))
    merged: list[tuple[str, tuple]] = []
    for text, formatting in segments:
        if merged and merged[-1][1] == formatting:
            merged[-1] = (merged[-1][0] + text, formatting)
        else:
            merged.append((text, formatting))
    return merged


def _is_inline_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and item.get("type") in INLINE_TYPES for item in value
    )


def canonical(value: Any) -> Any:
    """A model dump with inline lists flattened (see `flatten_inlines`)."""
    if isinstance(value, dict):
        return {
            key: flatten_inlines(item)
            if key in ("children", "caption", "attribution") and _is_inline_list(item) and item
            else canonical(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def image_aspect(data: bytes) -> float:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.width / image.height


def comparable(article: Article, image_bytes) -> tuple[dict, list[float | None]]:
    """The article as a dict with every figure's image replaced by whether it is at hand; the aspect ratios of
    the images at hand separately (the writer resizes images, so bytes and names cannot match)."""
    aspects: list[float | None] = []
    copy = article.model_copy(deep=True)
    for figure in copy.figures():
        data = image_bytes(figure.image)
        aspects.append(image_aspect(data) if data else None)
        figure.image = "present" if data is not None else "absent"
    return canonical(copy.model_dump(mode="json", exclude_none=True)), aspects


def original_image_reader(source: Path):
    def read(reference: str) -> bytes | None:
        path = source.parent / reference
        return path.read_bytes() if "://" not in reference and path.is_file() else None

    return read


def imported_image_reader(result: ReadResult):
    images = embedded_images(result)
    return lambda reference: images.get(reference)


def assert_same_article(expected: dict, actual: dict, path: str = "article") -> None:
    """Field by field, so a failure names the field (e.g. article.body[3].caption)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            assert key in actual, f"{path}.{key} is missing after the round trip (expected {expected[key]!r})"
            assert key in expected, f"{path}.{key} appeared after the round trip: {actual[key]!r}"
            assert_same_article(expected[key], actual[key], f"{path}.{key}")
    elif (
        isinstance(expected, list)
        and isinstance(actual, list)
        and not (expected and isinstance(expected[0], tuple))
    ):
        assert len(expected) == len(actual), (
            f"{path}: {len(expected)} items expected, {len(actual)} read: {actual!r}"
        )
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            assert_same_article(left, right, f"{path}[{index}]")
    else:
        assert expected == actual, f"{path}: expected {expected!r}, read {actual!r}"


# ---------------------------------------------------------------- LibreOffice and pandoc


def soffice_binary() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) is not installed: the round-trip tests need it")
    return found


@pytest.fixture(scope="session")
def libreoffice_resaved(built_samples, tmp_path_factory) -> dict[str, Path]:
    """Every sample's DOCX opened and saved again by LibreOffice headless, with a private profile."""
    profile = tmp_path_factory.mktemp("roundtrip-lo-profile")
    out_dir = tmp_path_factory.mktemp("roundtrip-lo-docx")
    names = sorted(built_samples)
    completed = subprocess.run(
        [
            soffice_binary(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(out_dir),
            *(str(built_samples[name].path) for name in names),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    saved = {name: out_dir / built_samples[name].path.name for name in names}
    missing = [name for name, path in saved.items() if not path.is_file()]
    if completed.returncode != 0 or missing:
        pytest.fail(f"LibreOffice did not re-save {missing}: {completed.stdout}\n{completed.stderr}")
    return saved
