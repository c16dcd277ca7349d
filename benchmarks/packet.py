"""Packet and batch benchmark: how export time and peak memory grow with the number of articles, and what
parallel builds gain.

    python benchmarks/packet.py [--sizes 10,50,200] [--formats pdf,epub,docx,html] [--runs 1]
                                [--parallel-size 50] [--parallel-runs 3] [--batch-inputs 12] [--batch-runs 5]

In a temporary folder (never committed) it writes packets of the given sizes that cycle through the sample
articles (with their photos; the defense.gov sample's photo is missing on purpose and becomes the described
placeholder), and exports each packet to each format in a fresh process:
`python -m exporter build packet.yaml --to FORMAT --jobs 1`. Per run it prints the wall time, the peak memory
(the process's max RSS, from wait4) and for PDF the pages, the time per page, the CPU time per page added
since the smaller packet and its ratio to the first such figure (flat = 1.0; the process's start-up is in the
first row's time only), and the file size. A format whose writer refuses packets is skipped with a printed note. A
500-article packet takes a long while: give it in --sizes and run it alone.

Then the packet's articles in parallel: the PDF of a --parallel-size packet with `--jobs 1` and `--jobs 2`,
runs alternating so both see the same machine, medians compared; memory here is the peak of the summed
memory (proportional set size) of the process and its workers, sampled from /proc.

Then the parallel batch speed-up: `exporter build` of N single-article inputs (copies of the samples) to
every format with `--jobs 1` and with `--jobs 2`, runs alternating, medians compared.

Other work on the machine competes for the same cores: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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
    max_rss_mib: float  # the largest single process of the run
    tree_mib: float  # the peak of the process and its workers together (sampled)
    own_cpu_seconds: float  # the main process's own CPU time, workers' not included (sampled)
    returncode: int
    stderr: str


class TreeMemory:
    """The peak of the summed memory of a process and all its descendants, sampled from /proc every 50 ms
    (worker processes live beside their parent: wait4 gives only the largest one). Each process counts its
    proportional set size: pages a forked worker still shares with its parent are counted once, not twice.
    Also the main process's own CPU time at the last sample (wait4 adds its workers' to it)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self.own_cpu_seconds = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak_kib / 1024

    def _sample(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, sum(pss_kib(pid) for pid in descendants(self.pid)))
            self.own_cpu_seconds = max(self.own_cpu_seconds, own_cpu_seconds(self.pid))


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except OSError:
            continue  # the process ended between two reads
    return found


def own_cpu_seconds(pid: int) -> float:
    """utime + stime of the process itself (fields 14 and 15 of /proc/PID/stat; its children's are apart)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


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
        memory = TreeMemory(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        tree_peak = memory.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        message = stderr.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB.
    max_rss = usage.ru_maxrss / 1024
    return Run(elapsed, usage.ru_utime + usage.ru_stime, max_rss, max(tree_peak, max_rss), memory.own_cpu_seconds,
               process.returncode, message)


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


def packet_rows(folder: Path, sizes: list[int], formats: list[str], runs: int) -> None:
    articles = copy_samples(folder / "inputs")
    packets = {size: write_packet(folder / "inputs", articles, size) for size in sizes}
    refused: dict[str, str] = {}
    print(f"Packets cycle through {len(articles)} sample articles: {', '.join(a.stem for a in articles)}")
    for size, packet in packets.items():
        figures, at_hand = figure_count(packet)
        print(f"  {size} articles: {figures} figures ({at_hand} with the image at hand)")
    print()
    print(f"(load average: {load_average()}; each build with --jobs 1, {runs} run(s), median)")
    print("(PDF: s/page is wall time over pages, start-up included; 'added CPU s/page' is the CPU time of the pages\n"
          " added since the row above, and 'ratio' its ratio to the first such figure: flat time per page = 1.00.\n"
          " CPU time, not wall time: other work on the machine stretches wall time, not the CPU time a build uses.)")
    print(f"{'format':<6} {'articles':>8} {'seconds':>8} {'CPU s':>8} {'peak MiB':>9} {'pages':>6} {'pages/art':>9} "
          f"{'s/page':>7} {'added CPU s/page':>17} {'ratio':>6} {'file MiB':>9}")
    for fmt in formats:
        previous: tuple[float, int] | None = None  # CPU seconds and pages of the row above
        first_added = None
        for size, packet in packets.items():
            if fmt in refused:
                break
            out = folder / f"out-{fmt}-{size}"
            results = []
            for _ in range(runs):
                shutil.rmtree(out, ignore_errors=True)
                command = ["build", str(packet), "--to", fmt, "--out", str(out), "--jobs", "1"]
                result = run_exporter(command, folder)
                if result.returncode != 0:
                    refused[fmt] = f"exit {result.returncode}: {first_line(result.stderr)}"
                    break
                results.append(result)
            if fmt in refused:
                break
            seconds = statistics.median(r.seconds for r in results)
            cpu = statistics.median(r.cpu_seconds for r in results)
            peak = max(r.max_rss_mib for r in results)
            output = out / f"{packet.stem}.{fmt}"
            size_mib = output.stat().st_size / 2**20
            pages_text = per_article = per_page = added = ratio = ""
            if fmt == "pdf":
                pages = pdf_pages(output)
                pages_text = str(pages)
                per_article, per_page = f"{pages / size:.2f}", f"{seconds / pages:.3f}"
                if previous is not None and pages > previous[1]:
                    added_per_page = (cpu - previous[0]) / (pages - previous[1])
                    first_added = first_added or added_per_page
                    added, ratio = f"{added_per_page:.3f}", f"{added_per_page / first_added:.2f}"
                previous = (cpu, pages)
            print(f"{fmt:<6} {size:>8} {seconds:>8.1f} {cpu:>8.1f} {peak:>9.0f} {pages_text:>6} {per_article:>9} "
                  f"{per_page:>7} {added:>17} {ratio:>6} {size_mib:>9.1f}", flush=True)
    for fmt, reason in refused.items():
        print(f"note: {fmt} skipped: its writer did not export a packet ({reason})")


def parallel_rows(folder: Path, size: int, runs: int) -> None:
    """The PDF of one packet with --jobs 1 and --jobs 2, alternating; medians."""
    articles = copy_samples(folder / "parallel-inputs")
    packet = write_packet(folder / "parallel-inputs", articles, size)
    load_before = load_average()
    timings: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(runs):
        for jobs in (1, 2):
            out = folder / f"parallel-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            result = run_exporter(["build", str(packet), "--to", "pdf", "--out", str(out), "--jobs", str(jobs)],
                                  folder)
            if result.returncode != 0:
                raise SystemExit(f"packet build failed: exit {result.returncode}: {first_line(result.stderr)}")
            timings[jobs].append(result)
    same = (folder / "parallel-out-1" / f"{packet.stem}.pdf").read_bytes() == (
        folder / "parallel-out-2" / f"{packet.stem}.pdf").read_bytes()
    print()
    print(f"Packet of {size} articles to PDF, --jobs 1 and --jobs 2, {runs} runs each, on {os.cpu_count()} cores "
          f"(load average before: {load_before})")
    for jobs in (1, 2):
        wall = statistics.median(r.seconds for r in timings[jobs])
        used = statistics.median(r.cpu_seconds for r in timings[jobs])
        runs_text = ", ".join(f"{r.seconds:.1f}" for r in timings[jobs])
        print(f"  --jobs {jobs}: median {wall:.1f} s wall, {used:.1f} s CPU ({used / wall:.2f} cores busy), peak "
              f"{max(r.tree_mib for r in timings[jobs]):.0f} MiB all processes   (runs: {runs_text})")
    one = statistics.median(r.seconds for r in timings[1])
    two = statistics.median(r.seconds for r in timings[2])
    print(f"  speed-up --jobs 2 vs --jobs 1: {one / two:.2f}x (wall-time medians); "
          f"the two PDFs are {'byte-identical' if same else 'DIFFERENT'}")
    # On a loaded machine the wall-time ratio says how many cores the run got, not what the build can do.
    # From CPU time instead: the main process's own work (reading, writing the parts, the merge) counted as
    # serial, the workers' shared by two cores.
    serial = statistics.median(r.own_cpu_seconds for r in timings[2])
    workers = statistics.median(r.cpu_seconds - r.own_cpu_seconds for r in timings[2])
    single = statistics.median(r.cpu_seconds for r in timings[1])
    print(f"  CPU: --jobs 1 {single:.1f} s; --jobs 2 {serial:.1f} s in the main process + {workers:.1f} s in "
          f"workers (extra work of parallelism: {(serial + workers) / single - 1:+.0%}); on two idle cores: "
          f"{single:.1f} / ({serial:.1f} + {workers:.1f} / 2) = {single / (serial + workers / 2):.2f}x")
    print(f"  load average after: {load_average()}")


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
    parser.add_argument("--sizes", default="10,50,200", help="packet sizes, comma-separated ('' for none)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats of the packet rows")
    parser.add_argument("--runs", type=int, default=1, help="runs per packet size and format (median)")
    parser.add_argument("--parallel-size", type=int, default=50, help="articles in the --jobs 1/2 packet")
    parser.add_argument("--parallel-runs", type=int, default=3, help="runs of each (0: none)")
    parser.add_argument("--batch-inputs", type=int, default=12)
    parser.add_argument("--batch-runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    formats = [fmt for fmt in args.formats.split(",") if fmt.strip()]
    started = time.perf_counter()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="packet-bench-") as temporary:
        folder = Path(temporary)
        if sizes:
            packet_rows(folder, sizes, formats, args.runs)
        if args.parallel_runs > 0:
            parallel_rows(folder, args.parallel_size, args.parallel_runs)
        if args.batch_runs > 0:
            batch_rows(folder, args.batch_inputs, args.batch_runs)
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
