"""The command line as people meet it: exit codes, one-line errors, no partial output, quick start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import REPO_ROOT, SAMPLES

GOOD = '---\ntitle: Good\n---\n\n![Cap](p.png){alt="A photo"}\n'


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_clean_failure(result, out: Path, needle: str, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()], list(out.rglob("*"))


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("broken.md", "---\ntitle: [oops\n---\n\nBody\n", "broken.md:2: malformed YAML"),
        (
            "noalt.md",
            '---\ntitle: T\n---\n\n![Only caption](p.png "Title")\n',
            "noalt.md:5: figure 1 (Title) has no alt text",
        ),
        (
            "virin.md",
            '---\ntitle: T\n---\n\n![c](p.png){alt="a" virin="2023-X"}\n',
            "virin.md:5: '2023-X' is not a VIRIN",
        ),
        (
            "unknown.json",
            json.dumps({"title": "T", "body": [{"type": "sidebar"}]}, indent=1),
            "unknown.json:5: body[0]: unknown type 'sidebar'",
        ),
        ("bad.json", '{"title": "T",\n "body": [}', "bad.json:2: malformed JSON"),
        (
            "types.yaml",
            "title: T\nbody:\n  - type: heading\n    level: nine\n    children: x\n",
            "types.yaml:4: body[0].level",
        ),
        ("extra.yaml", "title: T\nsubtitle: S\n", "extra.yaml:2: subtitle: unknown field"),
        ("notutf8.md", None, "notutf8.md:3: is not valid UTF-8 text"),
        ("empty.md", "", "title: required field is missing"),
        ("thing.xyz", "x", "cannot tell the input kind"),
        ("nul.md", '---\ntitle: T\n---\n\n![c](p%00.png){alt="a"}\n', "a control character in a file name"),
    ],
)
def test_bad_input_one_line_exit_2_no_output(
    tmp_path: Path, exporter_cli, name: str, text: str | None, needle: str
) -> None:
    if text is None:
        (tmp_path / name).write_bytes(b"---\ntitle: T\n\xff\xfe bad bytes\n---\n")
    else:
        write(tmp_path, name, text)
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    out = tmp_path / "out"
    result = exporter_cli("build", tmp_path / name, "--to", "html", "--out", out)
    assert_clean_failure(result, out, needle)


def test_missing_input_file(tmp_path: Path, exporter_cli) -> None:
    out = tmp_path / "out"
    result = exporter_cli("build", tmp_path / "nope.md", "--to", "html", "--out", out)
    assert_clean_failure(result, out, "nope.md: no such file")


def test_two_inputs_with_one_stem_fail_before_writing(tmp_path: Path, exporter_cli) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", "same.md", "---\ntitle: A\n---\n\nText\n")
    second = write(tmp_path / "b", "same.md", "---\ntitle: B\n---\n\nText\n")
    out = tmp_path / "out"
    result = exporter_cli("build", first, second, "--to", "html", "--out", out)
    assert_clean_failure(result, out, "would both write same.*")


def test_batch_exit_code_is_the_worst_and_good_inputs_are_written(tmp_path: Path, exporter_cli) -> None:
    good = write(tmp_path, "good.md", "---\ntitle: Good\n---\n\nFine.\n")
    bad = write(tmp_path, "bad.md", "---\ntitle: [\n---\n")
    out = tmp_path / "out"
    result = exporter_cli("build", good, bad, "--to", "html", "--out", out)
    assert result.returncode == 2
    assert (out / "good.html").is_file() and not (out / "bad.html").exists()


def test_a_packets_picture_problems_name_the_article_file_and_line_once(tmp_path: Path, exporter_cli) -> None:
    """Found probing packets: a figure without alt text in a packet's article was reported at the packet file
    alone, and a missing photo was warned about without a line, once per format that looked for it."""
    write(tmp_path, "one.md", '---\ntitle: One\n---\n\nText.\n\n![Cap](p.png){alt="A red square"}\n')
    write(tmp_path, "two.md", '---\ntitle: Two\n---\n\nText.\n\n![C](gone.png){alt="A"}\n\n![D](gone.png){alt="B"}\n')
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    packet = write(tmp_path, "packet.yaml", "title: P\narticles:\n  - one.md\n  - two.md\n")
    out = tmp_path / "out"
    result = exporter_cli("build", packet, "--to", "html,pdf,docx", "--out", out)
    assert result.returncode == 0, result.stderr
    missing = [line for line in result.stderr.splitlines() if "gone.png was not found" in line]
    assert [line.split(": ")[1] for line in missing] == [f"{tmp_path}/two.md:7", f"{tmp_path}/two.md:9"]
    write(tmp_path, "one.md", "---\ntitle: One\n---\n\nText.\n\n![Cap](p.png)\n")
    assert_clean_failure(exporter_cli("build", packet, "--to", "html", "--out", out / "again"), out / "again",
                         "one.md:7: figure 1 (p.png) has no alt text")


def test_alt_from_caption_is_reported(tmp_path: Path, exporter_cli) -> None:
    source = write(tmp_path, "noalt.md", "---\ntitle: T\n---\n\n![The caption says it](p.png)\n")
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out", "--alt-from-caption")
    assert result.returncode == 0, result.stderr
    assert "alt text taken from the caption" in result.stderr
    assert 'alt="The caption says it"' in (tmp_path / "out" / "noalt.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("alt", "warning"),
    [("IMG_2041.JPG", "looks like a file name"), ("Same words", "only repeats the caption")],
)
def test_alt_text_warnings(tmp_path: Path, exporter_cli, alt: str, warning: str) -> None:
    source = write(tmp_path, "w.md", f'---\ntitle: T\n---\n\n![Same words](p.png){{alt="{alt}"}}\n')
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 0 and warning in result.stderr


@pytest.mark.parametrize("fault", ["ENOSPC", "EACCES"])
def test_write_failure_keeps_the_previous_output(tmp_path: Path, exporter_cli, fault: str) -> None:
    source = write(tmp_path, "doc.md", "---\ntitle: First\n---\n\nVersion one.\n")
    out = tmp_path / "out"
    assert exporter_cli("build", source, "--to", "html", "--out", out).returncode == 0
    before = (out / "doc.html").read_bytes()
    source.write_text("---\ntitle: Second\n---\n\nVersion two.\n", encoding="utf-8")
    result = exporter_cli("build", source, "--to", "html", "--out", out, env={"EXPORTER_FAULT_INJECT": fault})
    assert result.returncode == 2 and "cannot write output" in result.stderr
    assert (out / "doc.html").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "doc.html", "doc_files"]


def test_debug_shows_traceback(tmp_path: Path, exporter_cli) -> None:
    bad = write(tmp_path, "bad.md", "---\ntitle: [\n---\n")
    result = exporter_cli("build", bad, "--to", "html", "--out", tmp_path / "o", "--debug")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_import_to_each_canonical_form(tmp_path: Path, exporter_cli) -> None:
    sample = SAMPLES / "torture-every-block.md"
    for suffix in ("md", "json", "yaml"):
        result = exporter_cli("import", sample, "-o", tmp_path / f"t.{suffix}")
        assert result.returncode == 0, result.stderr
    data_json = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    import yaml

    assert yaml.safe_load((tmp_path / "t.yaml").read_text(encoding="utf-8")) == data_json
    assert exporter_cli("import", tmp_path / "t.md", "-o", tmp_path / "again.json").returncode == 0
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == data_json


def test_folder_inputs_expand_to_their_sources(tmp_path: Path, exporter_cli) -> None:
    result = exporter_cli("build", *sorted(SAMPLES.glob("*")), "--to", "html", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.glob("*.html")} == {
        f"{p.stem}.html" for p in SAMPLES.iterdir() if p.suffix in (".md", ".yaml")
    }


def test_help_imports_no_engine() -> None:
    """What makes `--help` fast: no engine is imported, nor dataclasses, which imports inspect (benchmarks/run.py
    measures its time)."""
    code = (
        "import sys; from exporter.cli import main, build_parser; "
        "build_parser().format_help(); "
        "heavy = [m for m in ('weasyprint', 'ebooklib', 'docx', 'pydantic', 'PIL', 'lxml', 'jinja2', 'dataclasses') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_alt_from_caption_without_a_caption_says_there_is_none(tmp_path: Path, exporter_cli) -> None:
    source = write(tmp_path, "nocaption.md", "---\ntitle: T\n---\n\n![](p.png)\n")
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "html", "--out", out, "--alt-from-caption")
    assert_clean_failure(result, out, "has no alt text: add alt=")
    assert "it has no caption for --alt-from-caption to use" in result.stderr
