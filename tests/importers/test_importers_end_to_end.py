"""The seed capture through every writer: `exporter build SEED --source-url URL --images DIR --to
pdf,epub,docx,html` with a stand-in photo named by the VIRIN (the real photo is not available), then the
project's validators (`exporter check`) and a look inside each file for the photo, its alt text, credit, VIRIN
and the official notice the defense.gov source URL earns."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_exporter

VIRIN = "230214-D-TT977-0483"
ALT = "Two men engage in conversation across a conference table as others at the table look on."
CREDIT = "Chad J. McNeeley"
SOURCE_URL = (
    "https://www.defense.gov/News/News-Stories/Article/Article/3298480/"
    "stoltenberg-explains-why-support-to-ukraine-still-matters/"
)
FORMATS = ("pdf", "epub", "docx", "html")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_outputs(seed_capture: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seed-e2e")
    images = folder / "images"
    images.mkdir()
    # A stand-in photo, found by VIRIN through --images.
    Image.new("RGB", (1200, 800), (70, 110, 150)).save(images / f"{VIRIN}.jpg", quality=85)
    out = folder / "out"
    result = run_exporter(
        "build",
        seed_capture,
        "--source-url",
        SOURCE_URL,
        "--images",
        images,
        "--to",
        ",".join(FORMATS),
        "--out",
        out,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "photo not included" not in result.stderr.lower()
    outputs = {fmt: out / f"{seed_capture.stem}.{fmt}" for fmt in FORMATS}
    for fmt, path in outputs.items():
        assert path.is_file(), f"no {fmt} output"
    return outputs


def test_validators_pass_on_every_format(seed_outputs: dict[str, Path]) -> None:
    result = run_exporter("check", *seed_outputs.values(), "--json", timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    statuses = {(Path(item["file"]).suffix, item["check"]): item["status"] for item in report["results"]}
    # Every format was validated by its real validators (not skipped), and all passed.
    assert {suffix for suffix, _ in statuses} == {".pdf", ".epub", ".docx", ".html"}
    for must_run in (("pdf", "page-validation"), ("epub", "EPUBCheck"), ("epub", "DAISY Ace"),
                     ("docx", "DOCX rules"), ("html", "axe-core")):
        assert any(s == "." + must_run[0] and c.startswith(must_run[1]) for s, c in statuses), must_run
    assert set(statuses.values()) == {"passed"}, statuses


def test_html_has_the_photo_and_its_metadata(seed_outputs: dict[str, Path]) -> None:
    html = seed_outputs["html"].read_text(encoding="utf-8")
    match = re.search(r'<img src="([^"]+)" alt="([^"]*)"', html)
    assert match, "no <img> in the HTML output"
    assert match.group(2) == ALT
    assert (seed_outputs["html"].parent / match.group(1)).is_file()
    assert VIRIN in match.group(1)
    for text in (CREDIT, VIRIN, "Meeting Time", "an official website of the United States government"):
        assert text in html


def test_epub_embeds_the_photo(seed_outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(seed_outputs["epub"]) as book:
        names = book.namelist()
        assert any(name.lower().endswith((".jpg", ".jpeg")) for name in names), names
        documents = "".join(book.read(n).decode("utf-8") for n in names if n.endswith(".xhtml"))
    assert f'alt="{ALT}"' in documents
    assert CREDIT in documents and VIRIN in documents


def test_docx_embeds_the_photo_with_alt_text(seed_outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(seed_outputs["docx"]) as package:
        names = package.namelist()
        assert any(name.startswith("word/media/") for name in names), names
        document = package.read("word/document.xml").decode("utf-8")
    assert f'descr="{ALT}"' in document
    assert CREDIT in document and VIRIN in document


def test_pdf_has_the_photo_as_a_tagged_figure(seed_outputs: dict[str, Path]) -> None:
    import pikepdf

    with pikepdf.open(seed_outputs["pdf"]) as pdf:
        images = [name for page in pdf.pages for name in page.get_images()]
        assert images, "no image drawn in the PDF"
        alts: list[str] = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == pikepdf.Name("/Figure") and "/Alt" in node:
                    alts.append(str(node.Alt))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
            elif isinstance(node, pikepdf.Array):
                stack.extend(node)
        assert ALT in alts
