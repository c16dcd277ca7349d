"""Incremental builds: the manifest in the output folder decides what a second run rebuilds."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from exporter import resources
from exporter.run import manifest
from exporter.run.manifest import MANIFEST_NAME, environment_hash, file_hash
from tests.conftest import FIXED_EPOCH, REPO_ROOT, SAMPLES, run_exporter
from tests.run.generated_archive import change_article, write_archive


def summary(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("summary: ") and "inputs built" not in line]
    assert len(lines) == 1, result.stderr
    return lines[0].removeprefix("summary: ")


def wrote(result: subprocess.CompletedProcess) -> list[str]:
    return sorted(Path(line.removeprefix("wrote ")).name for line in result.stdout.splitlines())


@pytest.fixture
def archive(tmp_path: Path) -> list[Path]:
    return write_archive(tmp_path / "archive", 6, max_paragraphs=6)


def build(folder: Path, out: Path, *extra: str, formats: str = "html,docx") -> subprocess.CompletedProcess:
    return run_exporter("build", folder, "--to", formats, "--out", out, "--jobs", "2", *extra)


def manifest_db(database: Path | str, **options: object) -> contextlib.closing[sqlite3.Connection]:
    """A connection closed on leaving (sqlite3's own `with` only commits): left to the garbage collector, its
    close, which removes the write-ahead log file, could come while a test lists the output folder."""
    return contextlib.closing(sqlite3.connect(database, **options))


def rows(out: Path) -> list[tuple]:
    with manifest_db(out / MANIFEST_NAME) as db:
        return db.execute("SELECT source, format, status, output FROM outputs ORDER BY source, format").fetchall()


def test_second_run_rebuilds_nothing_and_leaves_outputs_alone(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(archive[0].parent, out)
    assert first.returncode == 0, first.stderr
    assert summary(first) == "0 unchanged, 6 rebuilt, 0 failed"
    assert len(rows(out)) == 12 and {row[2] for row in rows(out)} == {"ok"}
    stamps = {path: path.stat().st_mtime_ns for path in out.iterdir()}
    second = build(archive[0].parent, out)
    assert second.returncode == 0, second.stderr
    assert summary(second) == "6 unchanged, 0 rebuilt, 0 failed"
    assert second.stdout == ""
    # The manifest and SQLite's -wal/-shm files beside it, which come and go with its connections, are not outputs.
    assert {path: path.stat().st_mtime_ns for path in out.iterdir() if not path.name.startswith(MANIFEST_NAME)} == {
        path: stamp for path, stamp in stamps.items() if not path.name.startswith(MANIFEST_NAME)
    }


def test_a_changed_input_or_image_rebuilds_what_uses_it(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(archive[0].parent, out).returncode == 0
    change_article(archive[2], "a later edit")
    changed = build(archive[0].parent, out)
    assert summary(changed) == "5 unchanged, 1 rebuilt, 0 failed"
    assert wrote(changed) == ["article-00002.docx", "article-00002.html"]

    # A new version of one photo, under the same name.
    users = [path for path in archive if "240103-D-AB123-1003" in path.read_text()]
    assert users, "the generated archive uses every photo somewhere"
    Image.new("RGB", (640, 480), (10, 120, 200)).save(archive[0].parent / "images" / "240103-D-AB123-1003.jpg")
    again = build(archive[0].parent, out)
    assert summary(again) == f"{6 - len(users)} unchanged, {len(users)} rebuilt, 0 failed"
    assert wrote(again) == sorted(f"{path.stem}.{fmt}" for path in users for fmt in ("docx", "html"))


def test_a_touched_but_identical_file_rebuilds_nothing(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(archive[0].parent, out).returncode == 0
    for path in [archive[1], *sorted((archive[0].parent / "images").iterdir())]:
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert summary(build(archive[0].parent, out)) == "6 unchanged, 0 rebuilt, 0 failed"


def test_an_image_that_appears_rebuilds_the_article_that_missed_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.md").write_text(
        "---\ntitle: A story\nlanguage: en\n---\n\nText.\n\n"
        '![A caption.](images/later.jpg){alt="A photo that arrives later." credit="DoD"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = build(folder, out)
    assert "was not found" in first.stderr
    assert summary(build(folder, out)) == "1 unchanged, 0 rebuilt, 0 failed"
    (folder / "images").mkdir()
    shutil.copy(SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg", folder / "images" / "later.jpg")
    third = build(folder, out)
    assert wrote(third) == ["story.docx", "story.html"]
    assert third.stderr == ""  # one input built, as a build without a manifest: no summary


def test_only_the_formats_that_are_out_of_date_are_built(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(archive[0].parent, out, formats="html").returncode == 0
    added = build(archive[0].parent, out, formats="html,docx")
    assert summary(added) == "0 unchanged, 6 rebuilt, 0 failed"
    assert wrote(added) == sorted(f"{path.stem}.docx" for path in archive)
    # The PDF page size shapes the PDF only.
    assert summary(build(archive[0].parent, out, "--page-size", "a4")) == "6 unchanged, 0 rebuilt, 0 failed"
    # --max-image-edge shapes every format.
    resized = build(archive[0].parent, out, "--max-image-edge", "300")
    assert summary(resized) == "0 unchanged, 6 rebuilt, 0 failed"
    (out / "article-00004.html").unlink()
    deleted_output = build(archive[0].parent, out, "--max-image-edge", "300")
    assert wrote(deleted_output) == ["article-00004.html"]


def test_force_rebuilds_everything(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(archive[0].parent, out).returncode == 0
    forced = build(archive[0].parent, out, "--force")
    assert summary(forced) == "0 unchanged, 6 rebuilt, 0 failed"
    assert len(wrote(forced)) == 12


def test_a_failed_input_is_tried_again_and_reported(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = archive[0].parent / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    first = build(archive[0].parent, out)
    assert first.returncode == 2
    assert summary(first) == "0 unchanged, 6 rebuilt, 1 failed"
    second = build(archive[0].parent, out)
    assert second.returncode == 2
    assert summary(second) == "6 unchanged, 0 rebuilt, 1 failed"
    assert "error: " in second.stderr and "broken.md" in second.stderr


def test_deleted_inputs_are_reported_and_pruned_only_when_asked(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(archive[0].parent, out).returncode == 0
    archive[3].unlink()
    archive[4].unlink()
    (out / "article-00004.docx").write_bytes(b"edited by hand after the build")
    page = out / "article-00004.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>Added.</p></main>"), encoding="utf-8")
    reported = build(archive[0].parent, out)
    assert summary(reported) == "4 unchanged, 0 rebuilt, 0 failed, 2 deleted (outputs kept: --prune)"
    assert "article-00003.md no longer exists" in reported.stderr
    assert (out / "article-00003.html").exists()

    pruned = build(archive[0].parent, out, "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert summary(pruned) == "4 unchanged, 0 rebuilt, 0 failed, 2 deleted (outputs removed)"
    left = sorted(path.name for path in out.iterdir() if path.name.startswith(("article-00003", "article-00004")))
    # The outputs changed by hand since they were built are kept, and said so; a kept page keeps its images.
    assert left == ["article-00004.docx", "article-00004.html", "article-00004_files"]
    assert "article-00004.docx was changed after it was built" in pruned.stderr
    assert "article-00004_files is kept with the page that shows it" in pruned.stderr
    assert all("article-00003" not in row[0] for row in rows(out))
    assert summary(build(archive[0].parent, out)) == "4 unchanged, 0 rebuilt, 0 failed"


def test_prune_never_removes_an_input_of_the_run(tmp_path: Path) -> None:
    """Found probing batch builds: a page built from a deleted source, given back as an input of a --prune run,
    was built from and then removed with its images."""
    source = tmp_path / "src" / "a.md"
    source.parent.mkdir()
    Image.new("RGB", (80, 60), "navy").save(source.parent / "photo.png")
    source.write_text('---\ntitle: A\n---\n\nText.\n\n![Cap](photo.png){alt="A navy square"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert run_exporter("build", source, "--to", "html", "-o", out).returncode == 0
    source.unlink()
    pruned = run_exporter("build", out / "a.html", "--to", "docx", "-o", out, "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert (out / "a.html").exists() and any((out / "a_files").iterdir()) and (out / "a.docx").exists()


def test_a_folder_built_into_itself_does_not_read_its_own_outputs_back(tmp_path: Path) -> None:
    """Found probing batch builds: a second `build . -o .` took the first run's .html and .docx for sources,
    each clashing with its Markdown, and refused the whole run. A page or document the folder's manifest
    records as built from another input is not a source; one named on the command line still is."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\n\nText.\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: B\n---\n\nText.\n", encoding="utf-8")
    assert summary(build(folder, folder)) == "0 unchanged, 2 rebuilt, 0 failed"
    again = build(folder, folder)
    assert again.returncode == 0, again.stderr
    assert "4 files an earlier build wrote here are not sources" in again.stderr
    assert summary(again) == "2 unchanged, 0 rebuilt, 0 failed"
    named = run_exporter("build", folder / "a.html", "--to", "docx", "--out", tmp_path / "other")
    assert named.returncode == 0, named.stderr


def test_a_killed_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    """SIGKILL a real build once some inputs are recorded: the next run keeps those, builds the rest, and the
    outputs are those of a build that was never interrupted."""
    folder = tmp_path / "archive"
    write_archive(folder, 24, max_paragraphs=4)
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    env.pop("EXPORTER_SCHEDULER", None)
    command = [sys.executable, "-m", "exporter", "build", folder, "--to", "html,docx", "--out", out, "-j", "1"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        recorded = 0
        deadline = time.monotonic() + 120
        while recorded < 4 * 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            if (out / MANIFEST_NAME).exists():
                # Created, its tables perhaps not yet committed: asked again at the next turn.
                with contextlib.suppress(sqlite3.OperationalError), manifest_db(
                    f"file:{out / MANIFEST_NAME}?mode=ro", uri=True, timeout=5
                ) as db:
                    recorded = db.execute("SELECT count(*) FROM outputs").fetchone()[0]
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    with manifest_db(out / MANIFEST_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        done = db.execute("SELECT count(DISTINCT source) FROM outputs WHERE status = 'ok'").fetchone()[0]
    assert 4 <= done < 24

    resumed = run_exporter("build", folder, "--to", "html,docx", "--out", out, "-j", "2")
    assert resumed.returncode == 0, resumed.stderr
    unchanged, rebuilt = (int(part.split()[0]) for part in summary(resumed).split(", ")[:2])
    assert unchanged >= done and unchanged + rebuilt == 24
    assert summary(resumed).endswith(", 0 failed")

    fresh = tmp_path / "fresh"
    assert run_exporter("build", folder, "--to", "html,docx", "--out", fresh, "-j", "2").returncode == 0
    names = sorted(path.name for path in fresh.rglob("*") if path.is_file() and path.name != MANIFEST_NAME)
    assert names == sorted(
        path.name for path in out.rglob("*") if path.is_file() and not path.name.startswith(MANIFEST_NAME)
    )
    for name in names:
        found = next(fresh.rglob(name))
        assert found.read_bytes() == (out / found.relative_to(fresh)).read_bytes(), name


def test_the_environment_changes_with_the_content_of_a_template_or_font_not_with_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outputs are rebuilt after the tool's own files change (the environment is part of every build key). They
    count by content: an edit of the same size is seen, a reinstall that only gives new times rebuilds nothing.
    A manifest hashes only the tool files whose size or time changed since its last run."""
    templates, fonts = tmp_path / "templates", tmp_path / "fonts"
    shutil.copytree(resources.templates_dir(), templates)
    shutil.copytree(resources.fonts_dir(), fonts)
    monkeypatch.setattr(resources, "templates_dir", lambda: templates)
    monkeypatch.setattr(resources, "fonts_dir", lambda: fonts)
    hashed: list[Path] = []

    def counted_hash(path: Path) -> str:
        hashed.append(path)
        return file_hash(path)

    monkeypatch.setattr(manifest, "file_hash", counted_hash)
    out = tmp_path / "out"
    out.mkdir()

    def environment() -> str:
        """A new run's view, through the manifest in `out`; also checked against a from-scratch hash."""
        hashed.clear()
        with manifest.Manifest(out) as run:
            run._open()
            found = run._environment_hash()
        assert found == environment_hash(file_hash)
        return found

    first = environment()
    assert len(hashed) > 20  # the first run hashes every file
    assert environment() == first and hashed == []  # the next reads none
    font = next(path for path in fonts.iterdir() if path.suffix == ".ttf")
    status = font.stat()
    os.utime(font, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert environment() == first and hashed == [font]
    page = next(templates.rglob("*.j2"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(text[0], "#" if text[0] != "#" else "{", 1), encoding="utf-8")
    assert page.read_text(encoding="utf-8") != text and len(page.read_bytes()) == len(text.encode())
    assert environment() != first and hashed == [page]
