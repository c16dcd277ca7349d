"""Checking never touches the network (slow: Chromium, DAISY Ace). A listener on the loopback interface stands for
every address a hostile output might name: not one connection or datagram may reach it, whatever the page does
(img, script, fetch, WebSocket, CSS url(), WebRTC, preconnect, frames), and what the page tried is reported."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from exporter.checks.browser import BASE_FLAGS, ClosedPort, OfflineBrowser, find_chromium
from exporter.checks.epub_validators import run_ace
from exporter.checks.run import check_files

pytestmark = pytest.mark.slow


class Listener:
    """TCP and UDP on one loopback port; records whatever arrives."""

    def __init__(self) -> None:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp.listen(16)
        self.received: list[str] = []
        for target in (self._accept, self._receive):
            threading.Thread(target=target, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                return
            connection.settimeout(1)
            try:
                first = connection.recv(80)
            except OSError:
                first = b""
            self.received.append(f"tcp {first[:40]!r}")
            connection.close()

    def _receive(self) -> None:
        while True:
            try:
                data, _ = self.udp.recvfrom(2048)
            except OSError:
                return
            self.received.append(f"udp {data[:8]!r}")

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()


def hostile_body(port: int) -> str:
    """Everything a page can use to reach an address. If its script ran, it would also add an image without alt
    text, which axe-core would then report."""
    address = f"127.0.0.1:{port}"
    return f"""
<img src="http://{address}/img" alt="A remote picture of a dog">
<div style="background-image: url('http://{address}/css-url')">styled</div>
<iframe src="http://{address}/frame" title="a frame"></iframe>
<script src="http://{address}/script.js"></script>
<script>
document.body.appendChild(document.createElement("img")).src = "x.png";
fetch("http://{address}/fetch").catch(() => {{}});
try {{ new WebSocket("ws://{address}/socket"); }} catch (error) {{}}
try {{
  const peer = new RTCPeerConnection({{iceServers: [{{urls: "stun:{address}"}},
    {{urls: "turn:{address}?transport=tcp", username: "u", credential: "c"}}]}});
  peer.createDataChannel("leak");
  peer.createOffer().then(offer => peer.setLocalDescription(offer));
}} catch (error) {{}}
</script>"""


def hostile_page(folder: Path, port: int) -> Path:
    page = folder / "hostile page é.html"
    page.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile</title>
<link rel="preconnect" href="http://127.0.0.1:{port}">
<link rel="stylesheet" href="http://127.0.0.1:{port}/sheet.css">
<style>main {{ background: url(http://127.0.0.1:{port}/style-url) }}</style></head>
<body><main><h1>Hostile</h1>{hostile_body(port)}</main></body></html>""", encoding="utf-8")
    return page


def settle(listener: Listener) -> list[str]:
    time.sleep(2)  # anything in flight would have arrived by now
    return listener.received


def test_checking_a_hostile_page_reaches_nothing_and_reports_what_it_tried(tmp_path, listener):
    page = hostile_page(tmp_path, listener.port)
    results = check_files([page])
    assert settle(listener) == []
    axe = next(r for r in results if r.check == "axe-core")
    assert axe.status == "failed", axe.reason
    requested = " ".join(f.message for f in axe.findings if f.code == "HTML-REMOTE-REQUEST")
    # (a frame's report names only the origin: Chromium keeps the path of a cross-origin navigation to itself)
    for path in ("/img", "/css-url", "/sheet.css", "/style-url", " (frame-src)"):
        assert f"127.0.0.1:{listener.port}{path}" in requested, (path, requested)
    # the page's own script never ran: the image it would have added (without alt text) is not there
    assert not any(f.code == "AXE-image-alt" for f in axe.findings), [str(f) for f in axe.findings]
    structure = next(r for r in results if r.check == "structure")
    assert any(f.code == "HTML-REMOTE-RESOURCE" and "/script.js" in f.message for f in structure.findings)


def test_chromium_alone_has_no_way_out_even_with_scripts_on(tmp_path, listener):
    """The browser-level layer on its own (no routing, no CSP, the page's JavaScript running)."""
    from playwright.sync_api import sync_playwright

    page = hostile_page(tmp_path, listener.port)
    with ClosedPort() as closed, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=[*BASE_FLAGS, *closed.flags()])
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri(), wait_until="load")
            assert tab.evaluate("document.images.length") == 2  # the script ran
            time.sleep(3)
        finally:
            browser.close()
    assert settle(listener) == []


def test_ace_on_a_hostile_epub_reaches_nothing(tmp_path, listener, torture):
    epub = Path(shutil.copy(torture["epub"], tmp_path / "hostile.epub"))
    with zipfile.ZipFile(torture["epub"]) as old:
        items = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(epub, "w") as new:
        for info, data in items:
            if info.filename.endswith("article.xhtml"):
                body = hostile_body(listener.port).replace('alt="A remote picture of a dog">',
                                                             'alt="A remote picture of a dog"/>')
                data = data.replace(b"</main>", body.encode() + b"</main>", 1) if b"</main>" in data else (
                    data.replace(b"</body>", body.encode() + b"</body>", 1))
            new.writestr(info, data)
    outcome = run_ace(epub)
    assert outcome.ran, outcome.reason
    assert settle(listener) == []


def test_the_browser_is_sandboxed_or_says_it_is_not():
    """As root (CI) Chromium refuses its sandbox, so it is started as `nobody`; what the browser reports about
    itself must match what we report."""
    with OfflineBrowser(find_chromium()) as browser:
        tab = browser.context.new_page()
        tab.goto("chrome://sandbox")
        status = tab.inner_text("body")
        sandboxed = "You are adequately sandboxed" in status
        assert sandboxed == (browser.sandbox_note == ""), (browser.sandbox_note, status)
