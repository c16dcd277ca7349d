"""WeasyPrint is imported without its library search (engine.py): no subprocess, and the full search again
when the quick import leaves a library unloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

COUNT_PROCESSES = """
import subprocess, sys
started = []
original = subprocess.Popen.__init__
def counting(self, args, *rest, **options):
    started.append(args)
    return original(self, args, *rest, **options)
subprocess.Popen.__init__ = counting
import exporter.writers.pdf
print(len(started), "weasyprint" in sys.modules)
"""

# A stand-in for WeasyPrint that, like cffi, needs ctypes.util.find_library for one of its libraries.
NEEDS_THE_SEARCH = """
import ctypes.util
if ctypes.util.find_library("c") is None:
    print("installation advice")
    raise OSError("cannot load library 'c'")
"""


def run_python(code: str, path: list[Path]) -> subprocess.CompletedProcess:
    environment = {"PYTHONPATH": ":".join(str(folder) for folder in path), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_the_pdf_writer_loads_weasyprint_without_starting_a_process():
    result = run_python(COUNT_PROCESSES, [REPO_ROOT])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "True"]


def test_a_library_only_the_search_finds_is_found_by_a_second_import(tmp_path):
    (tmp_path / "weasyprint").mkdir()
    (tmp_path / "weasyprint" / "__init__.py").write_text(NEEDS_THE_SEARCH, encoding="utf-8")
    code = "from exporter.writers.pdf.engine import import_weasyprint; print(import_weasyprint().__file__)"
    result = run_python(code, [tmp_path, REPO_ROOT])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "weasyprint" / "__init__.py")  # no advice printed
