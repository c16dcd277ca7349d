"""Confinement: readers and renderers read only under the input's folder, --images and our own templates and
fonts; nothing from the network without --allow-network."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import SAMPLES

PHOTO = SAMPLES / "images" / "nasa-eileen-collins.png"


def article(folder: Path, image: str, name: str = "article.md") -> Path:
    path = folder / name
    path.write_text(f'---\ntitle: T\n---\n\n![Cap]({image}){{alt="An astronaut waving"}}\n', encoding="utf-8")
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "photo.png").write_bytes(PHOTO.read_bytes())
    return secret / "photo.png"


@pytest.mark.parametrize("form", ["relative", "absolute", "file-url"])
def test_paths_outside_the_input_folder_are_refused(tmp_path: Path, outside: Path, exporter_cli, form: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    reference = {"relative": "../secret/photo.png", "absolute": str(outside), "file-url": outside.as_uri()}[form]
    source = article(work, reference)
    result = exporter_cli("build", source, "--to", "html,pdf", "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "outside the allowed folders" in result.stderr and "Traceback" not in result.stderr
    assert f"{source}:5: " in result.stderr  # the figure's line
    assert not (tmp_path / "out").exists()


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path, outside: Path, exporter_cli) -> None:
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(outside, work / "link.png")
    result = exporter_cli("build", article(work, "link.png"), "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 2 and "outside the allowed folders" in result.stderr


def test_image_problems_name_the_figure_line(tmp_path: Path, exporter_cli) -> None:
    """A missing picture (a warning, an error with --strict) and a file that is no picture say where the figure is."""
    (tmp_path / "drawing.png").write_text("<svg/>", encoding="utf-8")
    source = tmp_path / "article.md"
    for image in ("missing.png", "drawing.png"):
        source.write_text(f'---\ntitle: T\n---\n\nText.\n\n![One]({image}){{alt="A chart"}}\n', encoding="utf-8")
        result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
        strict = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out", "--strict")
        if image == "missing.png":
            assert result.returncode == 0 and f"{source}:7: image missing.png was not found" in result.stderr
            assert f"error: {source}:7: image missing.png was not found" in strict.stderr
        else:
            assert result.returncode == 2 and f"error: {source}:7: image drawing.png is not an image" in result.stderr
    # A picture inside a sentence, here in a footnote defined after the text that cites it.
    source.write_text("---\ntitle: T\n---\n\nText[^1] and ![icon](here.png).\n\n[^1]: Note ![](gone.png).\n",
                      encoding="utf-8")
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert f"{source}:5: the image here.png inside running text: alt text" in result.stderr
    assert f"{source}:5: image here.png was not found" in result.stderr
    assert f"{source}:7: the image gone.png inside running text has no alt text" in result.stderr
    assert f"{source}:7: image gone.png was not found" in result.stderr


def test_images_folder_is_allowed(tmp_path: Path, outside: Path, exporter_cli) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = exporter_cli("build", article(work, "photo.png"), "--to", "html", "--out", tmp_path / "out",
                          "--images", outside.parent, "--strict")
    assert result.returncode == 0, result.stderr


def test_packet_entries_outside_the_packet_folder_are_refused(tmp_path: Path, exporter_cli) -> None:
    (tmp_path / "elsewhere.md").write_text("---\ntitle: X\n---\n\nText\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    packet = work / "packet.yaml"
    packet.write_text("title: P\narticles:\n  - ../elsewhere.md\n", encoding="utf-8")
    result = exporter_cli("build", packet, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 2 and "packet.yaml:3" in result.stderr and "outside the allowed" in result.stderr


@pytest.mark.parametrize("scheme", ["data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "ftp://x/y.png"])
def test_other_schemes_are_refused_or_kept_out(tmp_path: Path, exporter_cli, scheme: str) -> None:
    result = exporter_cli("build", article(tmp_path, scheme), "--to", "html", "--out", tmp_path / "out", "--strict")
    assert result.returncode == 2 and "Traceback" not in result.stderr


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PHOTO.read_bytes())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_nothing_is_fetched_without_allow_network(tmp_path: Path, exporter_cli, local_server: str) -> None:
    source = article(tmp_path, f"{local_server}/photo.png")
    result = exporter_cli("build", source, "--to", "html,pdf,epub,docx", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "--allow-network is off" in result.stderr
    assert _CountingHandler.requests == []


def test_plain_http_is_refused_even_with_allow_network(tmp_path: Path, exporter_cli, local_server: str) -> None:
    source = article(tmp_path, f"{local_server}/photo.png")
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out", "--allow-network")
    assert result.returncode == 2 and "only https URLs are fetched" in result.stderr
    assert _CountingHandler.requests == []


def test_templates_autoescape_source_text(tmp_path: Path, exporter_cli) -> None:
    source = tmp_path / "x.md"
    source.write_text('---\ntitle: "<script>alert(1)</script>"\ndek: "\\"><img src=x onerror=alert(1)>"\n---\n\n'
                      "Body [link](javascript:alert(1)) and <b>raw</b>.\n", encoding="utf-8")
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "x.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "javascript:" not in page and "<b>raw</b>" not in page
