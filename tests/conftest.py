"""Fixtures every test area shares: where things are, and running the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore the same examples on every run (a CI run must not fail on a new random draw that a
# developer never saw); `HYPOTHESIS_PROFILE=explore` draws fresh examples when hunting for bugs.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
SAMPLE_ARTICLES = sorted(SAMPLES.glob("*.md"))
FIXED_EPOCH = "1700000000"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The corpus tier runs only when EXPORTER_CORPUS names the full corpus; otherwise its tests are deselected
    (reported as deselected, never as passed or skipped)."""
    if os.environ.get("EXPORTER_CORPUS"):
        return
    tier = [item for item in items if item.get_closest_marker("corpus")]
    if tier:
        config.hook.pytest_deselected(items=tier)
        items[:] = [item for item in items if not item.get_closest_marker("corpus")]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


def run_exporter(
    *args: str | os.PathLike, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run `python -m exporter ARGS` in a fresh process, as a user would."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, **(env or {})}
    full_env.pop("EXPORTER_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "exporter", *map(str, args)],
        cwd=cwd or REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def exporter_cli():
    return run_exporter
