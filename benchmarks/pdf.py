"""PDF benchmark: the exporter's whole PDF writer against plain WeasyPrint on the same HTML, in the same run.

    python benchmarks/pdf.py [--runs N]

For each sample and for a generated long article (5+ pages, a photo, a table across page breaks; written
to a temporary folder, never committed) it prints the median time of `exporter.writers.pdf.write` (HTML,
images, WeasyPrint with tagging, the structure repair pass, metadata) and of plain
`weasyprint.HTML(...).write_pdf(pdf_variant="pdf/ua-1")` on the very HTML the exporter renders, and their
ratio. Runs alternate, so that both see the same machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests" / "pdf"))

from pdf_long_article import write_long_article  # noqa: E402

from exporter.confine import Confinement  # noqa: E402
from exporter.errors import Warnings  # noqa: E402
from exporter.options import BuildOptions  # noqa: E402
from exporter.pipeline import prepare  # noqa: E402
from exporter.readers import read_document  # noqa: E402
from exporter.writers import pdf as pdf_writer  # noqa: E402
from exporter.writers.base import RenderContext  # noqa: E402
from exporter.writers.pdf.render import confined_fetcher, pdf_identifier  # noqa: E402


def context_for(source: Path) -> RenderContext:
    options = BuildOptions(formats=("pdf",))
    warnings = Warnings()
    document = prepare(read_document(source, options), source, options, warnings)
    confinement = Confinement.for_input(source.resolve().parent)
    return RenderContext(document, options, source, confinement, warnings, source.stem)


def plain_weasyprint(context: RenderContext, html: str, images) -> bytes:
    """`images`: what the HTML's image URLs stand for (served by the exporter's URL fetcher)."""
    import weasyprint

    base_url = context.base_dir.resolve().as_uri() + "/"
    fetcher = confined_fetcher(context.confinement, images)
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(context.document)
    )


def timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): CPU time is steadier on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(source: Path, runs: int) -> dict[str, float]:
    context = context_for(source)
    html, images = pdf_writer.print_page(context)
    pdf_writer.write(context)  # warm-up: imports, font loading, caches of both paths
    plain_weasyprint(context, html, images)
    samples: dict[str, list[float]] = {"exporter": [], "exporter_cpu": [], "plain": [], "plain_cpu": []}
    for _ in range(runs):
        wall, cpu = timed(lambda: pdf_writer.write(context))
        samples["exporter"].append(wall)
        samples["exporter_cpu"].append(cpu)
        wall, cpu = timed(lambda: plain_weasyprint(context, html, images))
        samples["plain"].append(wall)
        samples["plain_cpu"].append(cpu)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    header = f"{'document':30} {'exporter s':>10} {'weasyprint s':>12} {'ratio':>6}   "
    header += f"{'CPU s':>6} {'CPU s':>6} {'ratio':>6}"
    with tempfile.TemporaryDirectory() as folder:
        sources = [*sorted((REPO_ROOT / "samples").glob("*.md")), write_long_article(Path(folder))]
        print(f"median of {args.runs} runs; wall time, then CPU time of this process (exporter, weasyprint)")
        print(header)
        totals = dict.fromkeys(("exporter", "exporter_cpu", "plain", "plain_cpu"), 0.0)
        rows = [(source.stem, measure(source, args.runs)) for source in sources]
        for _name, result in rows:
            for key in totals:
                totals[key] += result[key]
        for name, result in [*rows, ("all (sum of medians)", totals)]:
            print(
                f"{name:30} {result['exporter']:10.3f} {result['plain']:12.3f} "
                f"{result['exporter'] / result['plain']:6.3f}   {result['exporter_cpu']:6.3f} "
                f"{result['plain_cpu']:6.3f} {result['exporter_cpu'] / result['plain_cpu']:6.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
