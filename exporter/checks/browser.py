"""Headless Chromium that cannot reach the network, for checking pages (axe-core) and EPUBs (DAISY Ace).

A page under check is untrusted: it may point at any address, including services on this machine. Layers, each
enough on its own for what it covers:
- the page is served from an in-memory copy at an origin that does not exist (`http://exporter-check.invalid/`),
  with a Content-Security-Policy that allows only its own files and data: URIs, and reports every violation
  back to that origin;
- every request is routed through us: files inside the page's folder are served from disk, anything else is
  aborted and recorded, so the check can report it (an output must not reference remote resources);
- the page's own JavaScript never runs: script execution is off while the page loads, and the policy allows
  no script at all afterwards (axe-core is evaluated through the DevTools protocol, which no policy stops), so
  no fetch, WebSocket or WebRTC can start;
- Chromium itself has no way out: its proxy is a local port we hold without listening (connections are refused,
  loopback included), WebRTC may only use that proxy, and host names never resolve.
Chromium runs with its sandbox where the machine allows it: as root (CI) it refuses to, so it is started as the
unprivileged `nobody` user through `setpriv`; if that fails too, it runs without the sandbox and says so.

Why a guard was needed at all: Playwright (1.5x) resolves a string pattern such as "http*://**" as a URL, which
adds a trailing slash ("http*://**/"), so the old guard matched only URLs ending in "/" and was never called.
Routes here take a predicate, never a glob.
"""

from __future__ import annotations

import os
import posixpath
import pwd
import shlex
import shutil
import socket
import stat
import tempfile
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ORIGIN = "http://exporter-check.invalid"
CSP_REPORT_PATH = "/.exporter-csp-report"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; media-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'none'; connect-src 'none'; object-src 'none'; "
    "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'; "
    f"report-uri {CSP_REPORT_PATH}"
)
BASE_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
MIME_TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml", ".css": "text/css",
              ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp", ".woff": "font/woff", ".woff2": "font/woff2",
              ".ttf": "font/ttf", ".otf": "font/otf"}


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), os.environ.get("PUPPETEER_EXECUTABLE_PATH"),
                      shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class ClosedPort(AbstractContextManager):
    """A loopback port that is bound and never listens: a connection to it is refused at once. Chromium's
    proxy points here, so any connection Chromium itself would open goes nowhere."""

    def __enter__(self) -> ClosedPort:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()

    def flags(self) -> list[str]:
        return [
            f"--proxy-server=http://127.0.0.1:{self.port}",
            "--proxy-bypass-list=<-loopback>",  # loopback goes to the proxy too
            "--webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ]


def offline_launcher(folder: Path, chromium: str, closed: ClosedPort) -> Path:
    """An executable that starts Chromium with the offline flags (for tools that start Chromium themselves,
    such as DAISY Ace's puppeteer)."""
    script = folder / "chromium-offline"
    flags = " ".join(shlex.quote(flag) for flag in [*BASE_FLAGS, *closed.flags()])
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(chromium)} {flags} "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


@dataclass
class LoadedPage:
    blocked: list[str] = field(default_factory=list)  # requests outside the page's folder, aborted
    refused: list[str] = field(default_factory=list)  # what the Content-Security-Policy stopped


class OfflineBrowser(AbstractContextManager):
    """`with OfflineBrowser(chromium) as browser: page, loaded = browser.open(path)`."""

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self.sandbox_note = ""

    def __enter__(self) -> OfflineBrowser:
        from playwright.sync_api import sync_playwright

        self._stack = ExitStack()
        try:
            self._closed = self._stack.enter_context(ClosedPort())
            self._playwright = self._stack.enter_context(sync_playwright())
            self.context = self._launch()
            self._stack.callback(self.context.close)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _launch(self):
        """A sandboxed browser when the machine allows one (as `nobody` when we are root), else unsandboxed."""
        flags = [*BASE_FLAGS, *self._closed.flags()]
        options = {"headless": True, "args": flags}
        profile = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="exporter-chromium-")))
        executable = self.chromium
        try:
            if os.geteuid() == 0:
                executable = str(self._as_nobody(profile))
            return self._playwright.chromium.launch_persistent_context(
                str(profile / "profile"), executable_path=executable, chromium_sandbox=True, **options
            )
        except Exception as error:  # noqa: BLE001 - any sandbox failure: fall back, and say so
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            self.sandbox_note = f"Chromium ran without its sandbox ({first_line[:120]})"
        return self._playwright.chromium.launch_persistent_context(
            str(profile / "unsandboxed"), executable_path=self.chromium, chromium_sandbox=False, **options
        )

    def _as_nobody(self, profile: Path) -> Path:
        """Chromium will not sandbox itself as root: start it as `nobody`, with a profile folder it owns."""
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise RuntimeError("setpriv (util-linux) is needed to drop root privileges")
        nobody = pwd.getpwnam("nobody")
        profile.chmod(0o755)
        (profile / "profile").mkdir()
        os.chown(profile / "profile", nobody.pw_uid, nobody.pw_gid)
        script = profile / "chromium-as-nobody"
        home = shlex.quote(f"HOME={profile / 'profile'}")
        script.write_text(
            f"#!/bin/sh\nexec {shlex.quote(setpriv)} --reuid={nobody.pw_uid} --regid={nobody.pw_gid} --clear-groups "
            f'--inh-caps=-all env {home} {shlex.quote(self.chromium)} "$@"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
        return script

    def open(self, path: Path):
        """Load a copy of the page; returns (Playwright page, what was blocked while it loaded)."""
        folder = path.resolve().parent
        page_bytes = path.read_bytes()
        name = path.name
        loaded = LoadedPage()

        def handle(route) -> None:
            request = route.request
            parts = urlsplit(request.url)
            if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
                loaded.blocked.append(request.url)
                route.abort("blockedbyclient")
                return
            if parts.path == CSP_REPORT_PATH:
                loaded.refused.append(_violation(request.post_data_buffer))
                route.fulfill(status=204, body=b"")
                return
            relative = posixpath.normpath(unquote(parts.path)).lstrip("/")
            if relative == name:
                route.fulfill(status=200, body=page_bytes, headers=_headers(path.suffix))
                return
            target = (folder / relative).resolve()
            if not target.is_relative_to(folder):  # a symbolic link out of the folder
                loaded.blocked.append(request.url)
                route.abort("blockedbyclient")
            elif target.is_file():
                route.fulfill(status=200, body=target.read_bytes(), headers=_headers(target.suffix))
            else:
                route.fulfill(status=404, body=b"")

        page = self.context.new_page()
        page.route(lambda _url: True, handle)
        session = self.context.new_cdp_session(page)
        session.send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.goto(f"{ORIGIN}/{quote(name)}", wait_until="load")
        session.send("Emulation.setScriptExecutionDisabled", {"value": False})
        return page, loaded


def _headers(suffix: str) -> dict[str, str]:
    return {
        "Content-Type": MIME_TYPES.get(suffix.lower(), "application/octet-stream"),
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
    }


def _violation(body: bytes | None) -> str:
    """The blocked address of a CSP report (`{"csp-report": {"blocked-uri": ...}}`)."""
    import json

    try:
        report = json.loads(body or b"{}").get("csp-report", {})
    except ValueError:
        return "?"
    directive = report.get("effective-directive") or report.get("violated-directive")
    return f"{report.get('blocked-uri') or '?'} ({directive})"
