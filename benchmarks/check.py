"""Check benchmark: `exporter check`'s PDF reading (structure completeness and facts) on a long press packet,
against page-validation's PDF/UA-1 run on the same file in the same run.

    python benchmarks/check.py [--articles 200] [--runs 3] [--pdf EXISTING.pdf]

Builds (in a temporary folder, never committed) a packet cycling through the sample articles (200 articles are
about 600 pages; building it takes minutes) unless `--pdf` names one, then times, alternating runs so that both
see the same load: page-validation (the baseline), our structure checks with the facts (one read of the tree and
the content streams), and the whole PDF inspection `exporter check` does. Medians of wall and CPU seconds, and
the ratio of ours to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from packet import copy_samples, pdf_pages, run_exporter, write_packet  # noqa: E402


def page_validation(path: Path) -> None:
    from exporter.checks.pdf_format import page_validation as run

    [result] = run(path)
    assert result.status == "passed", (result.status, result.reason, result.findings[:3])


def structure_and_facts(path: Path) -> None:
    import pikepdf

    from exporter.checks.pdf_facts import read_facts
    from exporter.checks.pdf_structure import structure_findings
    from exporter.checks.pdf_tags import TaggedPdf

    with pikepdf.open(path) as pdf:
        tagged = TaggedPdf(pdf)
        _, figures = read_facts(tagged)
        findings = structure_findings(tagged, figures)
    assert findings == [], [str(finding) for finding in findings[:3]]


def whole_inspection(path: Path) -> None:
    from exporter.checks.pdf_format import inspect_one

    failing = [result for result in inspect_one(path).results if result.status != "passed"]
    assert not failing, failing


def timed(function, path: Path) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function(path)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", type=Path, help="an existing packet PDF instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="check-benchmark-") as folder:
        path = args.pdf
        if path is None:
            inputs = Path(folder) / "inputs"
            packet = write_packet(inputs, copy_samples(inputs), args.articles)
            print(f"building a packet of {args.articles} articles ...", flush=True)
            run = run_exporter(["build", str(packet), "--to", "pdf", "--out", str(Path(folder) / "out")], inputs)
            assert run.returncode == 0, run.stderr
            path = Path(folder) / "out" / f"{packet.stem}.pdf"
        print(f"{path.name}: {pdf_pages(path)} pages")
        measured: dict[str, list[tuple[float, float]]] = {}
        cases = {"page-validation PDF/UA-1 (baseline)": page_validation,
                 "structure checks + facts": structure_and_facts,
                 "whole PDF inspection": whole_inspection}
        for _ in range(args.runs):
            for name, function in cases.items():
                measured.setdefault(name, []).append(timed(function, path))
        baseline = statistics.median(wall for wall, _ in measured["page-validation PDF/UA-1 (baseline)"])
        print(f"{'measurement':<38} {'wall s':>8} {'CPU s':>8} {'ratio':>6}")
        for name, runs in measured.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{name:<38} {wall:>8.2f} {cpu:>8.2f} {wall / baseline:>6.2f}")


if __name__ == "__main__":
    main()
