"""The real thing: `exporter serve` in a subprocess on 127.0.0.1, driven by Playwright in Debian's Chromium.

Samples go up as zips of their folder (through the file input, by keyboard, in a browser without JavaScript),
the four outputs come down through the download links and pass `exporter check`; axe-core finds nothing on any
page in any state; hostile uploads are refused; 20 jobs at once come back complete and unmixed.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from exporter.checks.axe import find_axe_script
from exporter.checks.browser import BASE_FLAGS, find_chromium
from tests.conftest import FIXED_EPOCH, REPO_ROOT, SAMPLES, run_exporter
from tests.serve.conftest import article

pytestmark = pytest.mark.slow
FORMATS = ("pdf", "epub", "docx", "html")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, folder: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "EXPORTER_TOKEN": ""}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exporter", "serve", "--port", str(self.port), "--data", str(folder), *extra],
            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.process.stderr.read()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start in 60 s")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.stderr.read()

    def wait(self, location: str, timeout: float = 240, headers: dict | None = None) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = httpx2.get(f"{self.url}{location}?format=json", headers=headers, timeout=30).json()
            if job["state"] == "done":
                return job
            time.sleep(0.5)
        raise AssertionError(f"{location} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("serve") / "jobs", "--workers", "2", "--per-client", "25",
                      "--max-upload", "50MB")
    yield live
    errors = live.stop()
    assert "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    assert chromium, "Chromium is needed (Debian package chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Pages of our own server only: no sandbox needed (and none is possible as root).
        launched = playwright.chromium.launch(executable_path=chromium, chromium_sandbox=False, args=BASE_FLAGS)
        yield launched
        launched.close()


def zip_of(*paths: Path, base: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            for item in [path, *sorted(path.rglob("*"))] if path.is_dir() else [path]:
                if item.is_file():
                    archive.write(item, f"sample/{item.relative_to(base)}")
    return buffer.getvalue()


def sample_zips(folder: Path) -> list[Path]:
    """The sample with every kind of block, with its images folder, and the packet with the whole samples folder
    (every sample's four outputs are checked by tests/checks; here, what the web app hands back)."""
    zips = []
    for source in [SAMPLES / "torture-every-block.md", SAMPLES / "press-packet.yaml"]:
        members = [SAMPLES] if source.suffix == ".yaml" else [source, SAMPLES / "images"]
        target = folder / f"{source.stem}.zip"
        target.write_bytes(zip_of(*members, base=SAMPLES))
        zips.append(target)
    return zips


def open_job_until_done(page, timeout: float = 300) -> None:
    """Reload the job page, as its Refresh header would, until it is finished."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while "Finished" not in page.locator("[role=status]").inner_text():
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(1)
        try:
            page.reload()
        except Error as error:  # the page's own refresh came first: that load will do
            if "interrupted by another navigation" not in str(error):
                raise
            page.wait_for_load_state()


def test_samples_upload_and_their_four_outputs_pass_exporter_check(server, browser, tmp_path):
    """Without JavaScript, by keyboard: Tab to the file input, choose the zip, Tab to Export, press Enter."""
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    downloaded: list[Path] = []
    for bundle in sample_zips(tmp_path):
        page.goto(server.url + "/")
        page.locator("#check").uncheck()  # `exporter check` runs below, on the downloads
        page.keyboard.press("Tab")  # skip link
        while page.evaluate("document.activeElement.id") != "sources":
            page.keyboard.press("Tab")
        # Reaching the input by Tab is ours to prove; the file dialog that Space opens is the browser's,
        # and headless Chromium does not always raise it for a synthetic key press.
        page.locator("#sources:focus").set_input_files(str(bundle))
        while page.evaluate("document.activeElement.textContent") != "Export":
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/jobs/"))
        open_job_until_done(page)
        links = page.locator("a[download]")
        assert links.count() == 4, page.content()
        for index in range(4):
            with page.expect_download() as download:
                links.nth(index).click()
            target = tmp_path / "out" / download.value.suggested_filename
            download.value.save_as(target)
            downloaded.append(target)
    assert sorted(path.suffix for path in downloaded) == sorted([f".{f}" for f in FORMATS] * 2)
    result = run_exporter("check", *downloaded, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    context.close()


def run_axe(page) -> list[dict]:
    page.evaluate(find_axe_script().read_text(encoding="utf-8"))
    report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "targets": [n["target"] for n in v["nodes"]]} for v in report["violations"]]


def test_every_page_and_state_has_no_axe_violations_and_the_fix_form_works_by_keyboard(server, browser, tmp_path):
    assert find_axe_script(), "axe-core is needed (tools/node_modules)"
    page = browser.new_page()
    seen: dict[str, list] = {}

    page.goto(server.url + "/")
    seen["empty form"] = run_axe(page)

    page.locator("#format-pdf").uncheck()
    page.locator("#format-epub").uncheck()
    page.locator("#format-docx").uncheck()
    page.locator("#format-html").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Export").click()
    assert page.locator("#sources-error").is_visible() and page.locator("#formats[aria-invalid=true]").count() == 1
    seen["form with errors"] = run_axe(page)

    # A queue: more PDF builds than the two workers; the last one waits (a cold worker takes seconds for a PDF).
    story = tmp_path / "story.md"
    story.write_text(article("Sailors coil a line on the pier."), encoding="utf-8")
    (tmp_path / "photo.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    locations = []
    uploads = [("sources", (path.name, path.read_bytes())) for path in (story, tmp_path / "photo.png")]
    for _ in range(4):
        response = httpx2.post(server.url + "/jobs", data={"formats": ["pdf", "docx"]}, files=uploads)
        locations.append(response.headers["location"])
    page.goto(server.url + locations[-1])
    assert "in the queue" in page.locator("main").inner_text()
    seen["queued"] = run_axe(page)
    server.wait(locations[-1])
    # The queued page reloads itself (its Refresh header): a reload can cut our navigation short. A new page has
    # none pending.
    page.close()
    page = browser.new_page()
    page.goto(server.url + locations[-1])
    seen["finished"] = run_axe(page)

    # A source without alt text: the failed state, the form's error state, then the fix, by keyboard.
    (tmp_path / "noalt.md").write_text(article(None), encoding="utf-8")
    response = httpx2.post(
        server.url + "/jobs", data={"formats": ["html"], "check": "1"},
        files=[("sources", ("noalt.md", (tmp_path / "noalt.md").read_bytes())),
               ("sources", ("photo.png", (tmp_path / "photo.png").read_bytes()))],
    )
    location = response.headers["location"]
    server.wait(location)
    page.goto(server.url + location)
    assert page.locator("#alt-1-1").count() == 1
    seen["failed, with the fix form"] = run_axe(page)
    page.locator("#alt-1-1").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # nothing written yet
    assert page.locator("#alt-1-1[aria-invalid=true]").count() == 1
    assert "alt-1-1-error" in page.locator("#alt-1-1").get_attribute("aria-describedby")
    assert "Figure 1" in page.locator("[role=alert]").inner_text()
    seen["fix form with an error"] = run_axe(page)
    page.locator("#alt-1-1").focus()
    page.keyboard.type("A sailor coils a line on a wooden pier.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    open_job_until_done(page)
    assert "A sailor coils a line on a wooden pier." in page.locator("table").first.inner_text()
    assert "all checks passed" in page.content()  # the server's own `build --check` report
    seen["rebuilt, with the check report"] = run_axe(page)

    page.goto(server.url + "/jobs/no-such-job")
    seen["unknown job"] = run_axe(page)
    page.close()
    assert {state: found for state, found in seen.items() if found} == {}
    assert len(seen) == 8


def multipart_post(server, name: str, data: bytes, headers: dict | None = None) -> httpx2.Response:
    return httpx2.post(
        server.url + "/jobs", data={"formats": ["html"]}, files=[("sources", (name, data))], headers=headers,
        timeout=120,
    )


def test_hostile_uploads_are_refused(server, tmp_path):
    jobs = Path(server.process.args[server.process.args.index("--data") + 1])
    before = set(jobs.iterdir())
    big = multipart_post(server, "huge.md", b"a" * (60 * 1024 * 1024))
    assert big.status_code == 413 and "larger than" in big.text

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sample/bomb.md", b"\0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    refused = multipart_post(server, "bomb.zip", bomb.getvalue())
    assert refused.status_code == 413 and "zip bomb" in refused.text

    for name, data in [
        ("../../escape.md", article("x").encode()),
        ("traversal.zip", _zip({"../escape.md": article("x").encode()})),
        ("absolute.zip", _zip({"/tmp/escape.md": article("x").encode()})),
    ]:
        response = multipart_post(server, name, data)
        assert response.status_code == 400 and "refused" in response.text, name
    assert set(jobs.iterdir()) == before
    assert not (jobs.parent / "escape.md").exists() and not Path("/tmp/escape.md").exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def test_a_token_server_refuses_a_wrong_token_and_its_sign_in_page_is_accessible(tmp_path, browser):
    live = LiveServer(tmp_path / "jobs", "--token", "correct-horse", "--workers", "1")
    try:
        assert httpx2.get(live.url + "/").status_code == 401
        assert httpx2.get(live.url + "/", headers={"Authorization": "Bearer battery"}).status_code == 401
        assert multipart_post(live, "a.md", b"x", {"Authorization": "Bearer battery"}).status_code == 401
        assert httpx2.get(live.url + "/", headers={"Authorization": "Bearer correct-horse"}).status_code == 200

        page = browser.new_page()
        assert page.goto(live.url + "/").status == 401
        assert run_axe(page) == []
        page.locator("#token").fill("battery")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#token[aria-invalid=true]").count() == 1 and run_axe(page) == []
        page.locator("#token").fill("correct-horse")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("h1").inner_text() == "Export a draft"
        page.close()
    finally:
        live.stop()


def test_twenty_concurrent_jobs_lose_nothing_and_mix_nothing(server):
    results: dict[int, str] = {}

    def upload(number: int) -> None:
        text = article(f"Photo number {number} of the batch.", f"Story number {number}")
        response = multipart_post(server, f"story-{number}.md", text.encode())
        results[number] = response.headers["location"]

    threads = [threading.Thread(target=upload, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results.values())) == 20
    for number, location in results.items():
        job = server.wait(location)
        (part,) = job["parts"]
        assert part["error"] is None, part["error"]
        (output,) = part["outputs"]
        assert output["name"] == f"story-{number}.html"
        html = httpx2.get(server.url + output["url"]).text
        assert f"Story number {number}</h1>" in html and f"Photo number {number} of the batch." in html
        others = {other for other in range(20) if other != number}
        assert not any(f"Story number {other}<" in html for other in others)
