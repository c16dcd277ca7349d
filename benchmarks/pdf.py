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


def plain_weasyprint(context: RenderContext, html: str) -> bytes:
    import weasyprint

    base_url = context.base_dir.resolve().as_uri() + "/"
    fetcher = confined_fetcher(context.confinement)
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(context.document)
    )


def measure(source: Path, runs: int) -> tuple[float, float, int]:
    context = context_for(source)
    html = pdf_writer.print_html(context)
    pdf_writer.write(context)  # warm-up: imports, font loading, caches of both paths
    plain_weasyprint(context, html)
    exporter_times, plain_times = [], []
    pages = 0
    for _ in range(runs):
        start = time.perf_counter()
        data = pdf_writer.write(context).data
        exporter_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain_weasyprint(context, html)
        plain_times.append(time.perf_counter() - start)
        pages = data.count(b"/Type /Page\n") or pages
    return statistics.median(exporter_times), statistics.median(plain_times), pages


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory() as folder:
        sources = [*sorted((REPO_ROOT / "samples").glob("*.md")), write_long_article(Path(folder))]
        print(f"{'document':32} {'exporter s':>11} {'weasyprint s':>13} {'ratio':>7}")
        total_exporter = total_plain = 0.0
        for source in sources:
            exporter_time, plain_time, _ = measure(source, args.runs)
            total_exporter += exporter_time
            total_plain += plain_time
            ratio = exporter_time / plain_time
            print(f"{source.stem:32} {exporter_time:11.3f} {plain_time:13.3f} {ratio:7.3f}")
        print(f"{'all (sum of medians)':32} {total_exporter:11.3f} {total_plain:13.3f} "
              f"{total_exporter / total_plain:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
