"""Building EPUBs: refusal without alt text, byte-identical rebuilds, container layout, images, packets."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import ebooklib
import pytest
from PIL import Image

from exporter.errors import ExitCode, ExportError, Warnings
from exporter.model import Article, Figure, Packet
from exporter.options import BuildOptions
from exporter.writers.base import RenderContext
from exporter.writers.epub import book as epub_book
from exporter.writers.epub import write
from tests.conftest import SAMPLE_ARTICLES
from tests.epub.conftest import NS, Book

ARTICLE_WITH_FIGURE = """---
title: A Figure Test
language: en
---

Some text before the photo.

![A caption that is not alt text.](photo.{ext} "Photo title"){{{attrs}}}
"""


def write_article(folder: Path, *, attrs: str, ext: str = "jpg", size: tuple[int, int] = (64, 48),
                  image_format: str = "JPEG") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (30, 90, 160)).save(folder / f"photo.{ext}", format=image_format)
    source = folder / "article.md"
    source.write_text(ARTICLE_WITH_FIGURE.format(ext=ext, attrs=attrs), encoding="utf-8")
    return source


def test_a_figure_without_alt_never_produces_an_epub(tmp_path, exporter_cli):
    source = write_article(tmp_path / "in", attrs='credit="NASA"')
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "epub", "--out", out)
    assert result.returncode == ExitCode.BAD_INPUT == 2
    assert "no alt text" in result.stderr and str(source) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "article.epub").exists()
    assert not list(out.glob("*.epub")) if out.exists() else True


def test_same_input_and_epoch_give_byte_identical_epubs(tmp_path, exporter_cli):
    builds = []
    for run in ("first", "second"):
        out = tmp_path / run
        result = exporter_cli("build", *SAMPLE_ARTICLES, "--to", "epub", "--out", out)
        assert result.returncode == 0, result.stderr
        builds.append({path.name: path.read_bytes() for path in sorted(out.glob("*.epub"))})
    assert len(builds[0]) == len(SAMPLE_ARTICLES)
    assert builds[0] == builds[1]


def test_a_different_epoch_changes_only_the_dates(tmp_path, exporter_cli):
    newsletter = next(p for p in SAMPLE_ARTICLES if p.stem.startswith("community"))
    books = {}
    for epoch in ("1700000000", "1800000000"):
        out = tmp_path / epoch
        result = exporter_cli("build", newsletter, "--to", "epub", "--out", out,
                              env={"SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 0, result.stderr
        books[epoch] = Book(out / "x.epub", (out / f"{newsletter.stem}.epub").read_bytes())
    first, second = books["1700000000"], books["1800000000"]
    assert first.data != second.data
    assert first.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert second.meta("dcterms:modified") == ["2027-01-15T08:00:00Z"]
    assert first.dc("identifier") == second.dc("identifier"), "the identifier does not depend on time"
    assert first.zip.infolist()[1].date_time == (2023, 11, 14, 22, 13, 20)


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLE_ARTICLES])
def test_container_mimetype_first_stored_and_fixed_timestamps(sample_books, stem):
    archive = sample_books[stem].zip
    entries = archive.infolist()
    assert entries[0].filename == "mimetype"
    assert entries[0].compress_type == zipfile.ZIP_STORED and entries[0].extra == b""
    assert archive.read("mimetype") == b"application/epub+zip"
    assert sample_books[stem].data[30:38] == b"mimetype", "mimetype at offset 0 with no extra field"
    # Already-compressed entries (JPEG photos, WOFF fonts) are stored, not deflated a second time; PNG pictures
    # are deflated at zlib's fastest level, the rest at its default.
    stored = (".jpg", ".jpeg", ".woff", ".woff2")
    for entry in entries[1:]:
        expected = zipfile.ZIP_STORED if entry.filename.endswith(stored) else zipfile.ZIP_DEFLATED
        assert entry.compress_type == expected, entry.filename
        if expected == zipfile.ZIP_DEFLATED:
            level = 1 if entry.filename.endswith(".png") else 6
            assert entry.compress_size == raw_deflate_size(archive.read(entry), level), entry.filename
    assert len({e.date_time for e in entries}) == 1


def test_identifier_is_uuid5_of_the_source_url(sample_books):
    import uuid

    book = sample_books["stoltenberg-ukraine-support"]
    (url,) = book.dc("source")
    assert book.dc("identifier") == [f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"]
    identifier_id = book.opf.get("unique-identifier")
    assert book.opf.find(f".//*[@id='{identifier_id}']").text == book.dc("identifier")[0]


def embedded_images(book: Book) -> list[Image.Image]:
    return [
        Image.open(io.BytesIO(book.read(book.folder + item.get("href"))))
        for item in book.manifest()
        if item.get("media-type").startswith("image/")
    ]


def test_images_are_resized_to_1600_by_default_and_to_the_option(tmp_path, exporter_cli):
    source = write_article(tmp_path / "in", attrs='alt="A blue rectangle."', size=(2400, 1200))
    sizes = {}
    for name, extra in {"default": [], "option": ["--max-image-edge", "500"]}.items():
        out = tmp_path / name
        result = exporter_cli("build", source, "--to", "epub", "--out", out, *extra)
        assert result.returncode == 0, result.stderr
        (image,) = embedded_images(Book(out / "article.epub", (out / "article.epub").read_bytes()))
        sizes[name] = image.size
    assert sizes == {"default": (1600, 800), "option": (500, 250)}


def test_a_non_core_image_format_is_converted(tmp_path, exporter_cli):
    source = write_article(tmp_path / "in", attrs='alt="A blue rectangle."', ext="webp", image_format="WEBP")
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "epub", "--out", out)
    assert result.returncode == 0, result.stderr
    book = Book(out / "article.epub", (out / "article.epub").read_bytes())
    items = [i for i in book.manifest() if i.get("media-type").startswith("image/")]
    assert [i.get("media-type") for i in items] == ["image/jpeg"]
    assert embedded_images(book)[0].format == "JPEG"
    (article,) = book.articles()
    assert article.find(".//x:img", NS).get("alt") == "A blue rectangle."


def test_the_writer_itself_refuses_a_figure_without_alt(tmp_path):
    """Defence in depth: a caller that skips the pipeline's check still gets no EPUB."""
    article = Article(title="No alt", body=[Figure(image="photo.jpg", credit="NASA")])
    context = RenderContext(article, BuildOptions(), tmp_path / "a.md", None, Warnings(), "a")
    with pytest.raises(ExportError, match="has no alt text"):
        write(context)


def test_a_packet_becomes_a_cover_and_one_document_per_article(tmp_path):
    """Packets are built (issue 7); tests/packets/ checks them in depth."""
    articles = [Article(title=title, body=[]) for title in ("One", "Two")]
    packet = Packet(title="A packet", articles=articles)
    context = RenderContext(packet, BuildOptions(), tmp_path / "packet.yaml", None, Warnings(), "packet")
    path = tmp_path / "packet.epub"
    path.write_bytes(write(context).data)
    book = Book(path, path.read_bytes())
    assert [href for href, _ in book.spine_documents()] == [
        "cover.xhtml", "nav.xhtml", "article-01.xhtml", "article-02.xhtml"]
    assert book.dc("title") == ["A packet"]


def test_ebooklib_is_the_version_the_writer_subclass_was_tested_with():
    """book.AccessibleEpubWriter overrides private ebooklib methods: a new ebooklib must be re-checked."""
    assert tuple(ebooklib.VERSION[:2]) == epub_book.TESTED_EBOOKLIB == (0, 20)
    for method in ("_write_opf_file", "_get_nav", "_get_ncx", "_write_opf_metadata"):
        assert hasattr(ebooklib.epub.EpubWriter, method)


def test_the_epub_writer_does_not_import_other_engines():
    """Lazy imports: an EPUB export must not pay for WeasyPrint, pikepdf or python-docx."""
    import subprocess
    import sys

    code = ("import sys, exporter.writers.epub; "
            "print(sorted(m for m in ('weasyprint', 'pikepdf', 'docx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def raw_deflate_size(data: bytes, level: int) -> int:
    """The size of `data` deflated as a ZIP entry is (raw deflate, no zlib header) at `level`."""
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(deflate.compress(data) + deflate.flush())
