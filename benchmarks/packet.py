"""Packet and batch benchmark: how export time and peak memory grow with the number of articles, and what
parallel batch builds gain.

    python benchmarks/packet.py [--sizes 10,25,50] [--runs 1] [--batch-inputs 12] [--batch-runs 5]

In a temporary folder (never committed) it writes packets of 10, 25 and 50 articles that cycle through the
sample articles (with their photos; the defense.gov sample's photo is missing on purpose and becomes the
described placeholder), and exports each packet to each format in a fresh process:
`python -m exporter build packet.yaml --to FORMAT`. Per run it prints the wall time and the peak memory of
that process (its max RSS, from wait4), and for PDF the number of pages per article, so that growth is visible
(aim: linear in the number of pages). A format whose writer refuses packets is skipped with a printed note.

Then the parallel batch speed-up: `exporter build` of N single-article inputs (copies of the samples) to
every format with `--jobs 1` and with `--jobs 2`, runs alternating, medians compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
FORMATS = ("pdf", "epub", "docx", "html")
EPOCH = "1700000000"


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the workers it waited for
    max_rss_mib: float
    returncode: int
    stderr: str


def run_exporter(args: list[str], cwd: Path) -> Run:
    """One `python -m exporter ...` process: wall time, CPU time and peak RSS. wait4 reports that one
    process's usage (on Linux including the worker processes it waited for: max RSS is then the largest single
    process of the run), not the maximum over every child this script ever had, as RUSAGE_CHILDREN would."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO_ROOT)}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "exporter", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        message = stderr.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB.
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, message)


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def copy_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for article in SAMPLES.glob("*.md"):
        shutil.copy(article, folder / article.name)
    shutil.copytree(SAMPLES / "images", folder / "images", dirs_exist_ok=True)
    return sorted(folder.glob("*.md"))


def write_packet(folder: Path, articles: list[Path], size: int) -> Path:
    names = [articles[index % len(articles)].name for index in range(size)]
    path = folder / f"packet-{size}.yaml"
    path.write_text(
        f"title: Benchmark Packet of {size} Articles\n"
        "subtitle: The sample articles, repeated\n"
        "office: Benchmark Desk\n"
        'date: "2025-01-01"\n'
        "language: en\n"
        "articles:\n" + "".join(f"  - {name}\n" for name in names),
        encoding="utf-8",
    )
    return path


def figure_count(packet: Path) -> tuple[int, int]:
    """(figures and media posters in the packet, of which images at hand)."""
    sys.path.insert(0, str(REPO_ROOT))
    from exporter.model import Packet
    from exporter.options import BuildOptions
    from exporter.readers import read_document

    document = read_document(packet, BuildOptions()).document
    assert isinstance(document, Packet)
    figures = [figure for article in document.articles for figure in article.figures()]
    at_hand = [figure for figure in figures if (packet.parent / figure.image).is_file()]
    return len(figures), len(at_hand)


def pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("warning:")]
    return lines[0] if lines else text.strip()[:200]


def packet_rows(folder: Path, sizes: list[int], runs: int) -> None:
    articles = copy_samples(folder / "inputs")
    packets = {size: write_packet(folder / "inputs", articles, size) for size in sizes}
    refused: dict[str, str] = {}
    print(f"Packets cycle through {len(articles)} sample articles: {', '.join(a.stem for a in articles)}")
    for size, packet in packets.items():
        figures, at_hand = figure_count(packet)
        print(f"  {size} articles: {figures} figures ({at_hand} with the image at hand)")
    print()
    print(f"(load average: {load_average()})")
    print(f"{'format':<6} {'articles':>8} {'seconds':>9} {'s/article':>10} {'peak MiB':>9} {'pages':>6} "
          f"{'pages/article':>14} {'s/page':>7}")
    for fmt in FORMATS:
        for size, packet in packets.items():
            if fmt in refused:
                break
            out = folder / f"out-{fmt}-{size}"
            results = []
            for _ in range(runs):
                shutil.rmtree(out, ignore_errors=True)
                result = run_exporter(["build", str(packet), "--to", fmt, "--out", str(out)], folder)
                if result.returncode != 0:
                    refused[fmt] = f"exit {result.returncode}: {first_line(result.stderr)}"
                    break
                results.append(result)
            if fmt in refused:
                break
            seconds = statistics.median(r.seconds for r in results)
            peak = max(r.max_rss_mib for r in results)
            pages_text = per_article = per_page = ""
            if fmt == "pdf":
                pages = pdf_pages(out / f"{packet.stem}.pdf")
                pages_text = str(pages)
                per_article, per_page = f"{pages / size:.2f}", f"{seconds / pages:.3f}"
            print(f"{fmt:<6} {size:>8} {seconds:>9.2f} {seconds / size:>10.3f} {peak:>9.0f} {pages_text:>6} "
                  f"{per_article:>14} {per_page:>7}", flush=True)
    for fmt, reason in refused.items():
        print(f"note: {fmt} skipped: its writer did not export a packet ({reason})")


def batch_rows(folder: Path, inputs: int, runs: int) -> None:
    source_folder = folder / "batch-inputs"
    articles = copy_samples(source_folder)
    sources = []
    for index in range(inputs):
        original = articles[index % len(articles)]
        copy = source_folder / f"input-{index + 1:02d}-{original.name}"
        shutil.copy(original, copy)
        sources.append(str(copy))
    formats = ",".join(FORMATS)
    load_before = load_average()
    timings: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    peaks: dict[int, float] = {1: 0.0, 2: 0.0}
    for _ in range(runs):
        for jobs in (1, 2):  # alternating, so both see the same machine load
            out = folder / f"batch-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            command = ["build", *sources, "--to", formats, "--out", str(out), "--jobs", str(jobs)]
            result = run_exporter(command, folder)
            if result.returncode != 0:
                raise SystemExit(f"batch build failed: exit {result.returncode}: {first_line(result.stderr)}")
            timings[jobs].append(result.seconds)
            cpu[jobs].append(result.cpu_seconds)
            peaks[jobs] = max(peaks[jobs], result.max_rss_mib)
    one, two = statistics.median(timings[1]), statistics.median(timings[2])
    print()
    print(f"Batch: {inputs} single-article inputs to {formats}, {runs} runs each, on {os.cpu_count()} cores "
          f"(load average before: {load_before})")
    for jobs in (1, 2):
        runs_text = ", ".join(f"{t:.2f}" for t in timings[jobs])
        wall, used = statistics.median(timings[jobs]), statistics.median(cpu[jobs])
        # CPU seconds per wall second: how many cores the run really got (near 2 only on an idle machine).
        print(f"  --jobs {jobs}: median {wall:.2f} s wall, {used:.2f} s CPU ({used / wall:.2f} cores busy), "
              f"peak {peaks[jobs]:.0f} MiB   (runs: {runs_text})")
    print(f"  speed-up --jobs 2 vs --jobs 1: {one / two:.2f}x (wall-time medians)")
    print(f"  load average after: {load_average()}: other work on the machine competes for the same cores")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,25,50", help="packet sizes, comma-separated ('' for none)")
    parser.add_argument("--runs", type=int, default=1, help="runs per packet size and format (median)")
    parser.add_argument("--batch-inputs", type=int, default=12)
    parser.add_argument("--batch-runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="packet-bench-") as temporary:
        folder = Path(temporary)
        if sizes:
            packet_rows(folder, sizes, args.runs)
        if args.batch_runs > 0:
            batch_rows(folder, args.batch_inputs, args.batch_runs)
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
