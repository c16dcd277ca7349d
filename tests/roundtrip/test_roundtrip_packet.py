"""A press packet exported to DOCX (cover, contents, one Heading 1 per article, provenance per article) comes
back as the same Packet: cover fields, and every article field by field."""

from __future__ import annotations

import os

import pytest

from exporter.errors import Warnings
from exporter.model import Packet
from exporter.options import BuildOptions
from exporter.pipeline import export, prepare
from exporter.readers import read_document
from tests.conftest import FIXED_EPOCH, SAMPLES
from tests.roundtrip.conftest import assert_same_article, comparable, imported_image_reader, read_docx


@pytest.fixture(scope="module")
def packet_roundtrip(tmp_path_factory):
    source = SAMPLES / "press-packet.yaml"
    options = BuildOptions(formats=("docx",), out_dir=tmp_path_factory.mktemp("roundtrip-packet"))
    original = prepare(read_document(source, options), source, options, Warnings())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        [path] = export(source, options).outputs
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return original, read_docx(path)


def test_roundtrip_packet_cover(packet_roundtrip):
    original, result = packet_roundtrip
    packet = result.document
    assert isinstance(packet, Packet)
    for name in ("title", "subtitle", "office", "date", "language", "cover_note"):
        assert getattr(packet, name) == getattr(original, name), name
    assert len(packet.articles) == len(original.articles)


def test_roundtrip_packet_articles_field_by_field(packet_roundtrip):
    original, result = packet_roundtrip
    images = imported_image_reader(result)
    for number, (before, after) in enumerate(
        zip(original.articles, result.document.articles, strict=True), 1
    ):
        expected, _ = comparable(before, lambda reference: None)
        actual, _ = comparable(after, lambda reference: None)
        assert_same_article(expected, actual, f"article {number}")
        for figure in after.figures():
            assert figure.image in getattr(result, "images", {}) or "does not hold" in " ".join(
                result.warnings
            )
    assert images is not None
