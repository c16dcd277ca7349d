"""`exporter import edited.docx -o article.md` puts the pictures in article_files/ (named by VIRIN) beside the
output; `exporter build edited.docx` renders them from memory and leaves nothing beside the DOCX."""

from __future__ import annotations

import shutil

import pytest

from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import run_exporter

pytestmark = pytest.mark.slow


def test_roundtrip_cli_import_writes_images_beside_the_output(built_samples, tmp_path):
    docx_path = built_samples["torture-every-block"].path
    output = tmp_path / "out" / "article.md"
    completed = run_exporter("import", docx_path, "-o", output)
    assert completed.returncode == 0, completed.stderr
    folder = output.parent / "article_files"
    names = sorted(path.name for path in folder.iterdir())
    assert "950101-O-AB123-001.png" in names
    text = output.read_text(encoding="utf-8")
    assert "article_files/950101-O-AB123-001.png" in text
    # The imported Markdown is a source again: its figures find their images.
    reread = read_document(output, BuildOptions())
    for figure in reread.document.figures():
        assert (output.parent / figure.image).is_file(), figure.image
    rebuilt = run_exporter("build", output, "--to", "html", "--out", tmp_path / "html")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "not included" not in rebuilt.stderr


def test_roundtrip_cli_build_from_docx_renders_embedded_images_without_litter(built_samples, tmp_path):
    work = tmp_path / "drafts"
    work.mkdir()
    draft = work / "edited.docx"
    shutil.copy(built_samples["eileen-collins"].path, draft)
    completed = run_exporter("build", draft, "--to", "html,docx", "--out", tmp_path / "out")
    assert completed.returncode == 0, completed.stderr
    assert "not included" not in completed.stderr and "not found" not in completed.stderr
    html = (tmp_path / "out" / "edited.html").read_text(encoding="utf-8")
    assert "Photo not included" not in html
    assert len(list((tmp_path / "out" / "edited_files").glob("*"))) >= 2
    assert sorted(path.name for path in work.iterdir()) == ["edited.docx"]
