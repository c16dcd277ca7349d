"""Benchmark: the limits of issue 15 hold against hostile inputs and peers, measured in one run.

    python benchmarks/hardening.py [--repeat N]

Rows:
- a 2,000-row table (5 columns) to DOCX, warm and in-process, against the same table to HTML and to DOCX with
  pandoc; and 500 and 1,000 rows, so the ratio to 2,000 shows the writer is linear in cells (about 4 and 2);
- a download from a peer that dribbles 2 bytes a second (every read gets data, so no socket timeout fires):
  how long until the 20-second deadline ends it, against how long the peer would hold the build otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import median_seconds, print_rows  # noqa: E402 (after the path is set)


def table_article(rows: int) -> dict:
    head = [{"cells": [{"header": True, "children": f"Column {c}"} for c in range(5)]}]
    body = [{"cells": [{"children": f"row {r} cell {c}"} for c in range(5)]} for r in range(rows)]
    return {"title": f"A {rows}-row table", "body": [{"type": "table", "head": head, "rows": body}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")

    import pypandoc

    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.options import BuildOptions
    from exporter.pipeline import prepare, render_all
    from exporter.readers import read_document
    from exporter.writers.base import RenderContext

    rows: list[tuple[str, float, float | None, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        sources = {}
        for count in (500, 1000, 2000):
            sources[count] = Path(scratch) / f"table-{count}.json"
            sources[count].write_text(json.dumps(table_article(count)), encoding="utf-8")

        def render(count: int, fmt: str) -> None:
            options = BuildOptions()
            source = sources[count]
            result = read_document(source, options)
            warnings = Warnings()
            document = prepare(result, source, options, warnings)
            context = RenderContext(document, options, source, Confinement.for_input(source.parent), warnings, "t")
            render_all(context, (fmt,))

        docx_2000 = median_seconds(lambda: render(2000, "docx"), args.repeat)
        html_2000 = median_seconds(lambda: render(2000, "html"), args.repeat)
        markdown = Path(scratch) / "table.md"
        lines = ["| " + " | ".join(f"Column {c}" for c in range(5)) + " |", "|" + "---|" * 5]
        lines += ["| " + " | ".join(f"row {r} cell {c}" for c in range(5)) + " |" for r in range(2000)]
        markdown.write_text("# A 2000-row table\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
        pandoc = median_seconds(
            lambda: pypandoc.convert_file(str(markdown), "docx", outputfile=str(Path(scratch) / "p.docx")),
            args.repeat,
        )
        rows.append(("2,000-row table -> DOCX (warm)", docx_2000, html_2000, "ours, same table -> HTML"))
        rows.append(("2,000-row table -> DOCX (warm)", docx_2000, pandoc, "pandoc, same table -> DOCX"))
        for count in (500, 1000):
            smaller = median_seconds(lambda count=count: render(count, "docx"), args.repeat)
            rows.append((f"2,000 rows against {count:,} rows -> DOCX", docx_2000, smaller,
                         f"linear: ratio {2000 // count}"))

    rows.append(dribbling_download())

    print_rows(rows, args.repeat)


def dribbling_download() -> tuple[str, float, float, str]:
    """Once: the default deadline is 20 s, and that is what is measured."""
    from exporter.errors import ExportError
    from exporter.network import DOWNLOAD_TIMEOUT_SECONDS, Fetcher
    from tests.hardening.peers import HttpsPeer, client_tls, dribble

    size = 64 * 1024
    peer = HttpsPeer(dribble(0.5, size))  # 2 bytes a second
    fetcher = Fetcher(address_allowed=lambda address, port: port == peer.port, tls=client_tls())
    start = time.perf_counter()
    try:
        fetcher.fetch(peer.url())
        raise SystemExit("the dribbling peer was waited out: the deadline did not hold")
    except ExportError as error:
        elapsed = time.perf_counter() - start
        assert "took longer" in error.problem, error
    finally:
        peer.close()
    label = f"the peer's whole answer ({size // 1024} KiB at 2 bytes/s); limit {DOWNLOAD_TIMEOUT_SECONDS:g} s"
    return ("download from a peer dribbling 2 bytes/s", elapsed, size * 0.5, label)


if __name__ == "__main__":
    main()
