"""Regenerate the DOCX corpus (`docx/`) from `sources/`, with real writers: pandoc (Markdown), LibreOffice (HTML,
flat ODT and RTF documents, and re-saving pandoc's and the hand-written Word files), and `wordml` (Word's own
idiom for what neither writes). The DOCX files are committed, so the tests need neither tool to read them:

    .venv/bin/python -m tests.docx.corpus.build

Needs pandoc (pypandoc-binary) and LibreOffice (`soffice`). LibreOffice stamps its files with the time, so a
rebuild changes their bytes but not their content.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.docx.corpus import wordml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUT = HERE / "docx"
PNG = SOURCES / "markdown" / "images" / "photo.png"


def pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def soffice(inputs: list[Path], out_dir: Path, profile: Path) -> None:
    """Convert (or re-save) files to DOCX with LibreOffice, one process for all of them."""
    command = [
        shutil.which("soffice") or "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(out_dir),
        *map(str, inputs),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    missing = [path.name for path in inputs if not (out_dir / f"{path.stem}.docx").is_file()]
    if missing:
        raise SystemExit(f"LibreOffice did not convert {missing}")


def with_picture(text: str) -> str:
    encoded = base64.b64encode(PNG.read_bytes()).decode("ascii")
    return text.replace("{PNG_BASE64}", encoded).replace("{PNG_DATA_URI}", f"data:image/png;base64,{encoded}")


def build() -> list[Path]:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.docx"):
        old.unlink()
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="docx-corpus-") as scratch:
        work = Path(scratch)
        profile = work / "profile"
        # pandoc, from Markdown with every construct it has
        for source in sorted((SOURCES / "markdown").glob("*.md")):
            target = OUT / f"pandoc-{source.stem}.docx"
            subprocess.run(
                [pandoc_binary(), str(source), "-o", str(target), f"--resource-path={source.parent}"],
                check=True,
                capture_output=True,
            )
            made.append(target)
        # LibreOffice, from HTML, flat ODT and RTF documents
        staged: dict[str, list[Path]] = {"html": [], "odt": [], "rtf": []}
        envelope = (SOURCES / "fodt" / "envelope.fodt").read_text(encoding="utf-8")
        for kind, pattern in (("html", "html/*.html"), ("rtf", "rtf/*.rtf")):
            for source in sorted(SOURCES.glob(pattern)):
                staged_path = work / kind / source.name
                staged_path.parent.mkdir(exist_ok=True)
                staged_path.write_text(with_picture(source.read_text(encoding="utf-8")), encoding="utf-8")
                staged[kind].append(staged_path)
        for body in sorted((SOURCES / "fodt").glob("*.body.xml")):
            stem = body.name.removesuffix(".body.xml")
            header = body.with_name(f"{stem}.header.xml")
            text = envelope.replace("{BODY}", body.read_text(encoding="utf-8")).replace(
                "{HEADER}", ">" + header.read_text(encoding="utf-8") if header.is_file() else ">"
            )
            staged_path = work / "odt" / f"{stem}.fodt"
            staged_path.parent.mkdir(exist_ok=True)
            staged_path.write_text(with_picture(text), encoding="utf-8")
            staged["odt"].append(staged_path)
        for kind, inputs in staged.items():
            converted = work / f"converted-{kind}"
            converted.mkdir()
            soffice(inputs, converted, profile)
            for path in inputs:
                target = OUT / f"libreoffice-{kind}-{path.stem}.docx"
                shutil.move(converted / f"{path.stem}.docx", target)
                made.append(target)
        # Word's idiom, written by hand
        for stem, data in wordml.documents(PNG.read_bytes()).items():
            target = OUT / f"word-{stem}.docx"
            target.write_bytes(data)
            made.append(target)
        # pandoc's and the Word files, opened and saved again by LibreOffice
        resave = [path for path in made if path.name.startswith(("pandoc-", "word-")) and "strict" not in path.name]
        resaved = work / "resaved"
        resaved.mkdir()
        soffice(resave, resaved, profile)
        for path in resave:
            target = OUT / f"resaved-{path.name}"
            shutil.move(resaved / path.name, target)
            made.append(target)
    return made


if __name__ == "__main__":
    files = build()
    print(f"{len(files)} DOCX files in {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
    sys.exit(0)
