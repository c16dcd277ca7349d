"""The wheel carries templates and fonts, installs into a fresh environment and exports a sample there."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO_ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_templates_fonts_and_licenses(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "exporter/templates/blocks.j2" in names
    assert "exporter/templates/article.html.j2" in names
    assert "exporter/fonts/NotoSans-Regular.ttf" in names and "exporter/fonts/OFL-1.1.txt" in names
    assert "exporter/locale/es/LC_MESSAGES/messages.po" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert not any(name.startswith(("tests/", "samples/")) for name in names)


def test_wheel_installs_and_exports_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The fresh environment borrows this interpreter's installed dependencies (a .pth line, which does not run the
    # checkout's own editable-install hook), so the test downloads nothing; the exporter comes only from the wheel.
    venv_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (venv_site / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        timeout=600,
    )
    work = tmp_path / "work"
    shutil.copytree(SAMPLES, work)
    located = subprocess.run(
        [str(python), "-c", "import exporter, sys; print(exporter.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(located).is_relative_to(venv), located
    result = subprocess.run(
        [str(venv / "bin" / "exporter"), "build", "eileen-collins.md", "--to", "html", "--out", "out"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    page = (work / "out" / "eileen-collins.html").read_text(encoding="utf-8")
    assert "Astronaut Eileen Collins" in page
    assert (work / "out" / "eileen-collins_files" / "fonts" / "PublicSans-Regular.ttf").is_file()
    module = subprocess.run(
        [str(python), "-m", "exporter", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert module.returncode == 0 and "build" in module.stdout
