"""All outputs of one input commit together or not at all; an interrupted commit is put back by the next run and
leaves no temporaries (exporter.output). Builds are killed for real, in a subprocess, at random steps of the
commit; every step is also crashed in-process, and failures (a full disk, a refused rename) are injected at each
kind of step, since CI runs as root and chmod cannot make a folder unwritable."""

from __future__ import annotations

import random
import shutil
import signal
from pathlib import Path

import pytest

from exporter import output
from exporter.batch import export_one
from exporter.errors import ExitCode
from exporter.options import BuildOptions
from exporter.output import recover_folder
from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import FIXED_EPOCH
from tests.hardening.inputs import INPUT_KINDS, snapshot, temporaries

FORMATS = ("html", "docx")  # a file inside a ZIP, and an asset folder: both kinds of target


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.delenv("EXPORTER_FAULT_INJECT", raising=False)


def build(source: Path, out: Path) -> int:
    result = export_one(source, BuildOptions(formats=FORMATS, out_dir=out))
    assert result.error is None, result.error
    return result.code


def two_versions(tmp_path: Path, kind: str) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes], int]:
    """The input (now at version two), the output folder (holding version one), both versions' outputs, and
    how many commit steps building version two over version one takes."""
    folder, out, reference = tmp_path / "in", tmp_path / "out", tmp_path / "reference"
    folder.mkdir()
    source = INPUT_KINDS[kind](folder, "one")
    build(source, out)
    first = snapshot(out)
    INPUT_KINDS[kind](folder, "two")
    shutil.copytree(out, reference)
    steps_before = output._steps_reached
    build(source, reference)
    steps = output._steps_reached - steps_before
    second = snapshot(reference)
    assert first != second and steps > 5
    return source, out, first, second, steps


@pytest.mark.parametrize("kind", sorted(INPUT_KINDS))
def test_a_build_killed_at_random_points_leaves_the_earlier_outputs(tmp_path: Path, exporter_cli, kind: str) -> None:
    source, out, first, second, steps = two_versions(tmp_path, kind)
    points = sorted(random.Random(kind).sample(range(1, steps + 1), 2))
    state = first
    for point in points:
        killed = exporter_cli(
            "build", source, "--to", ",".join(FORMATS), "--out", out, env={"EXPORTER_FAULT_INJECT": f"kill@#{point}"}
        )
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        recover_folder(out)  # what the next run does first
        after = snapshot(out)
        assert after in (state, second), f"killed at step {point} of {steps}: a mix of versions"
        assert temporaries(out) == []
        state = after
    build(source, out)
    assert snapshot(out) == second and temporaries(out) == []


class _Crash(BaseException):
    """Stands for the process dying: no handler of the exporter catches it."""


def test_a_crash_at_every_step_is_undone_or_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, out, first, second, steps = two_versions(tmp_path, "markdown")
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    seen_second = False
    for point in range(1, steps + 1):
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        reached = 0

        def crash_at(step: str, point: int = point) -> None:
            nonlocal reached
            reached += 1
            if reached == point:
                raise _Crash(step)

        monkeypatch.setattr(output, "_fault", crash_at)
        with pytest.raises(_Crash):
            build(source, out)
        monkeypatch.undo()
        monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        recover_folder(out)
        after = snapshot(out)
        assert after in (first, second), f"step {point} of {steps}"
        # Once the commit point is passed the new version stays; before it, the old one comes back.
        assert not (seen_second and after == first), f"step {point}: back to the old version after committing"
        seen_second = seen_second or after == second
        assert temporaries(out) == []
    assert seen_second


@pytest.mark.parametrize("step", ["stage", "journal", "backup", "install:article.docx", "install:article_files"])
@pytest.mark.parametrize("fault", ["ENOSPC", "EACCES"])
def test_a_failure_at_any_step_keeps_every_earlier_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, fault: str
) -> None:
    """The issue's example: the HTML already swapped in when the DOCX fails must go back too."""
    source, out, first, _, _ = two_versions(tmp_path, "markdown")
    monkeypatch.setenv("EXPORTER_FAULT_INJECT", f"{fault}@{step}")
    result = export_one(source, BuildOptions(formats=FORMATS, out_dir=out))
    assert result.code == ExitCode.BAD_INPUT and "cannot write output" in (result.error or "")
    assert snapshot(out) == first and temporaries(out) == []


def test_the_cli_recovers_on_start_up_whatever_it_builds(tmp_path: Path, exporter_cli) -> None:
    source, out, first, _, _ = two_versions(tmp_path, "markdown")
    killed = exporter_cli("build", source, "--to", ",".join(FORMATS), "--out", out,
                          env={"EXPORTER_FAULT_INJECT": "kill@install:article_files"})
    assert killed.returncode == -signal.SIGKILL
    assert temporaries(out) and snapshot(out) != first  # the old asset folder is away, the new not yet in
    other = tmp_path / "other.md"
    other.write_text("---\ntitle: Other\n---\n\nText.\n", "utf-8")
    assert exporter_cli("build", other, "--to", "html", "--out", out).returncode == 0
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(("other", MANIFEST_NAME))} == first
    assert temporaries(out) == []


def test_an_output_in_the_way_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    source = INPUT_KINDS["markdown"](folder, "one")
    (out / "article.docx").mkdir(parents=True)  # a folder where a file goes
    (out / "article.docx" / "keep.txt").write_text("mine")
    result = export_one(source, BuildOptions(formats=FORMATS, out_dir=out))
    assert result.code == ExitCode.BAD_INPUT and "in the way" in (result.error or "")
    assert snapshot(out) == {"article.docx/keep.txt": b"mine"} and temporaries(out) == []


def test_recovery_leaves_alone_a_commit_another_process_holds(tmp_path: Path) -> None:
    import fcntl
    import os

    staging = tmp_path / ".article.exporter-staging"
    staging.mkdir()
    (staging / "article.html").write_text("half")
    lock = os.open(tmp_path / ".article.exporter-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        recover_folder(tmp_path)
        assert staging.is_dir()  # still being written by its owner
    finally:
        os.close(lock)
    recover_folder(tmp_path)  # the owner died: its temporaries go
    assert temporaries(tmp_path) == []
