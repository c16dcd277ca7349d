"""Fixtures for the web app: an app on in-process builds (fast tests) and small sources to upload."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from exporter.run.executors import InProcess
from exporter.serve.app import ServeConfig, create_app
from exporter.serve.jobs import JobStore


def _png_1x1() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (1, 1), (20, 90, 160, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG_1X1 = _png_1x1()


def article(alt: str | None, title: str = "A test article") -> str:
    """A Markdown article with one photo; without `alt` the build needs the fix form."""
    attributes = f'{{alt="{alt}" credit="Test Desk"}}' if alt else '{credit="Test Desk"}'
    return (
        f"---\ntitle: {title}\nlanguage: en\n---\n\nA paragraph of body text.\n\n"
        f'![A caption for the photo.](photo.png "Photo title"){attributes}\n'
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class Server:
    def __init__(self, client: TestClient, store: JobStore, root: Path) -> None:
        self.client, self.store, self.root = client, store, root

    def upload(self, files: list[tuple[str, bytes]], formats=("html",), **fields):
        data = {"formats": list(formats), **fields}
        return self.client.post(
            "/jobs", data=data, files=[("sources", (name, body)) for name, body in files], follow_redirects=False
        )

    def wait(self, location: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(location, params={"format": "json"}).json()
            if job["state"] == "done":
                return job
            time.sleep(0.1)
        raise AssertionError(f"{location} did not finish in {timeout} s")


def make_server(tmp_path: Path, **config) -> Iterator[Server]:
    builds = config.pop("builds", None) or InProcess()
    settings = ServeConfig(**{"workers": 1, "root": tmp_path / "jobs", **config})
    (tmp_path / "jobs").mkdir(parents=True)
    store = JobStore(
        settings.root, builds, 1, settings.keep_seconds, settings.per_client,
        owns_root=False,
    )
    app = create_app(settings, store)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield Server(client, store, settings.root)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from make_server(tmp_path)
