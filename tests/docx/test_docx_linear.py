"""A packet's DOCX grows linearly: no python-docx call that scans the whole document (or every style, image or
relationship) runs per paragraph, table, picture or link."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from exporter.batch import export_one
from exporter.errors import ExitCode
from exporter.options import BuildOptions
from tests.conftest import FIXED_EPOCH, SAMPLES


def test_a_packet_is_built_without_whole_document_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docx.oxml.document import CT_Body
    from docx.package import ImageParts
    from docx.parts.story import StoryPart
    from docx.styles.styles import Styles

    def scan(*args, **kwargs):
        raise AssertionError("a python-docx call that scans the whole document")

    real_default = Styles.default
    style_resolutions = []

    def default(self, style_type):
        style_resolutions.append(style_type)
        return real_default(self, style_type)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(CT_Body, "_insert_p", scan)  # finds the section properties among all body children
    monkeypatch.setattr(CT_Body, "_insert_tbl", scan)
    monkeypatch.setattr(CT_Body, "__len__", scan)  # lxml counts an element's children by walking them all
    monkeypatch.setattr(StoryPart, "next_id", property(scan))  # reads every id in the document
    monkeypatch.setattr(ImageParts, "get_or_add_image_part", scan)  # hashes every image part
    monkeypatch.setattr(Styles, "default", default)  # walks every style
    result = export_one(SAMPLES / "press-packet.yaml", BuildOptions(formats=("docx",), out_dir=tmp_path))
    assert result.code == ExitCode.OK, result.error
    monkeypatch.undo()

    import docx

    document = docx.Document(str(result.outputs[0]))
    assert len(document.inline_shapes) >= 2 and document.tables
    # Once per style used and per table, not once per paragraph.
    assert len(style_resolutions) < 30 < len(document.paragraphs)
    ids = [int(shape._inline.docPr.id) for shape in document.inline_shapes]
    assert ids == list(range(1, len(ids) + 1))  # numbered as python-docx numbers them
    with zipfile.ZipFile(result.outputs[0]) as package:
        media = [info for info in package.infolist() if info.filename.startswith("word/media/")]
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert [info.filename.rsplit("/", 1)[1].split(".")[0] for info in media] == [
        f"image{n}" for n in range(1, len(media) + 1)
    ]
    # A JPEG is stored as it is (deflating it again gains nothing); the rest is deflated.
    assert {info.compress_type for info in media if info.filename.endswith(".jpg")} == {zipfile.ZIP_STORED}
    assert 'TargetMode="External"' in rels
