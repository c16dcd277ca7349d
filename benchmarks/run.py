"""Benchmark: medians and ratios measured in the same run, on this machine.

    python benchmarks/run.py [--repeat N]

Rows:
- one article to each format, warm and in-process, against pandoc converting the same Markdown to the same format
  (pandoc from the PyPI package pypandoc-binary; pandoc's time includes its process start, ours does not, which is
  why the cold CLI rows are printed too);
- PDF against plain WeasyPrint rendering the same HTML with pdf/ua-1 (the cost of our repair pass and metadata);
- cold start-up of `exporter --help` and of a DOCX-only export, as separate processes;
- processing a 6000 x 4000 JPEG (decode, orient, resize, encode), cold and from the content-hash cache;
- peak memory (max RSS) of a process exporting the sample to every format.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "eileen-collins.md"


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    action()  # warm up: imports, template compilation, caches
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def process_seconds(command: list[str], repeat: int, cwd: Path) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def print_rows(rows: list[tuple[str, float, float | None, str]], repeat: int) -> None:
    """(measurement, ours, baseline or None, what the baseline is) as a table, ratios against the baseline."""
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {repeat} repeats, medians")
    print(f"{'measurement':44} {'ours (s)':>9} {'baseline (s)':>13} {'ratio':>7}  baseline")
    for name, ours, baseline, label in rows:
        ratio = f"{ours / baseline:7.2f}" if baseline else "      -"
        base = f"{baseline:13.3f}" if baseline else " " * 13
        print(f"{name:44} {ours:9.3f} {base} {ratio}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")

    import pypandoc

    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.images import clear_cache, process_image
    from exporter.options import BuildOptions
    from exporter.pipeline import prepare, render_all
    from exporter.readers import read_document
    from exporter.writers.base import RenderContext

    options = BuildOptions()
    rows: list[tuple[str, float, float | None, str]] = []

    def context() -> RenderContext:
        result = read_document(SAMPLE, options)
        warnings = Warnings()
        document = prepare(result, SAMPLE, options, warnings)
        return RenderContext(document, options, SAMPLE, Confinement.for_input(SAMPLE.parent), warnings, SAMPLE.stem)

    pandoc_formats = {"html": "html5", "epub": "epub3", "docx": "docx"}
    with tempfile.TemporaryDirectory() as scratch:
        for fmt in ("html", "epub", "docx", "pdf"):
            ours = median_seconds(lambda fmt=fmt: render_all(context(), (fmt,)), args.repeat)
            baseline = None
            label = "pandoc"
            if fmt in pandoc_formats:
                target = Path(scratch) / f"pandoc.{fmt}"
                extra = ["--standalone"] if fmt == "html" else []

                def run_pandoc(fmt: str = fmt, target: Path = target, extra: list[str] = extra) -> None:
                    pypandoc.convert_file(str(SAMPLE), pandoc_formats[fmt], format="markdown",
                                          outputfile=str(target), extra_args=[f"--resource-path={SAMPLE.parent}",
                                                                              *extra])

                baseline = median_seconds(run_pandoc, args.repeat)
            else:
                from weasyprint import HTML

                from exporter.writers.pdf import print_html

                page = print_html(context())  # exactly the HTML our PDF writer gives WeasyPrint
                label = "plain WeasyPrint pdf/ua-1, same HTML"

                def plain_weasyprint(page: str = page) -> None:
                    HTML(string=page, base_url=str(SAMPLE.parent)).write_pdf(pdf_variant="pdf/ua-1")

                baseline = median_seconds(plain_weasyprint, args.repeat)
            rows.append((f"article -> {fmt} (warm, in-process)", ours, baseline, label))

    python = sys.executable
    help_time = process_seconds([python, "-m", "exporter", "--help"], args.repeat, ROOT)
    rows.append(("cold start: exporter --help", help_time, None, "aim < 0.3 s"))
    with tempfile.TemporaryDirectory() as out:
        docx_cold = process_seconds([python, "-m", "exporter", "build", str(SAMPLE), "--to", "docx", "--out", out],
                                    max(3, args.repeat // 2), ROOT)
        pandoc_cold = process_seconds(
            [pypandoc.get_pandoc_path(), str(SAMPLE), "-o", str(Path(out) / "p.docx"),
             f"--resource-path={SAMPLE.parent}"], max(3, args.repeat // 2), ROOT)
    rows.append(("cold CLI: DOCX-only export", docx_cold, pandoc_cold, "pandoc CLI, same Markdown"))

    from PIL import Image

    big = io.BytesIO()
    Image.effect_noise((6000, 4000), 60).convert("RGB").save(big, "JPEG", quality=90)
    data = big.getvalue()

    def cold_image() -> None:
        clear_cache()
        process_image(data, max_edge=1600, name="big.jpg")

    rows.append(("6000x4000 JPEG -> 1600 px (cold)", median_seconds(cold_image, args.repeat), None, ""))
    rows.append(("same image again (content-hash cache)",
                 median_seconds(lambda: process_image(data, max_edge=1600, name="big.jpg"), args.repeat), None, ""))

    with tempfile.TemporaryDirectory() as out:
        code = (
            "import resource, sys; from exporter.cli import main; "
            f"main(['build', {str(SAMPLE)!r}, '--to', 'html,pdf,epub,docx', '--out', {out!r}]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        peak_kib = int(subprocess.run([python, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1])

    print_rows(rows, args.repeat)
    print(f"peak memory, sample to all four formats: {peak_kib / 1024:.0f} MiB "
          f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
