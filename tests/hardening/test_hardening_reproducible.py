"""Every format is byte-identical for the same input and SOURCE_DATE_EPOCH, across separate processes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def digests(folder: Path) -> dict[str, str]:
    """Every output file; not the build manifest, a log of the build (its seconds differ from run to run)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(MANIFEST_NAME)
    }


def test_all_samples_all_formats_twice_in_separate_processes(tmp_path: Path, exporter_cli) -> None:
    sources = sorted(SAMPLES.glob("*.md")) + sorted(SAMPLES.glob("*.yaml"))
    runs = []
    for name in ("first", "second"):
        out = tmp_path / name
        result = exporter_cli("build", *sources, "--to", "html,pdf,epub,docx", "--out", out, "--jobs", "2",
                              timeout=900)
        assert result.returncode == 0, result.stderr
        runs.append(digests(out))
    first, second = runs
    expected = {f"{source.stem}.{fmt}" for source in sources for fmt in ("html", "pdf", "epub", "docx")}
    assert expected <= set(first)
    assert first == second
