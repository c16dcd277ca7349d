"""Benchmark: re-exporting an archive, measured in one run on this machine.

    python benchmarks/archive.py [--articles 1000] [--workers 2]

A generated archive (tests/run/generated_archive.py: varied lengths, 0-4 photos each) is built to all four
formats through the CLI, as a user would: `--jobs 1`, `--jobs N`, `--scheduler local:N`, then an incremental
rerun of the `--jobs N` build with 1% of the inputs changed. Each row prints articles per second, CPU seconds
per article (every process of the build: the CLI, its pool or its cluster), the peak memory of the largest
process, and the incremental rerun's share of the full build's time (goal: at most 3%). A last rerun with nothing
changed measures what finding the unchanged inputs costs. Last, a projection of a 100,000-article re-export on N
workers from the measured CPU seconds per article.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FORMATS = "html,pdf,epub,docx"
PROJECTED_ARTICLES = 100_000


@dataclass
class Row:
    name: str
    articles: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    summary: str


def build(name: str, folder: Path, out: Path, articles: int, *extra: str) -> Row:
    """One CLI build; CPU time and peak memory are those of every process it started (reaped children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(folder), "--to", FORMATS, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT)},
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{name}: exit {done.returncode}\n{done.stderr[-2000:]}")
    summary = next((line for line in done.stderr.splitlines() if line.startswith("summary:")), "")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Row(name, articles, seconds, cpu, after.ru_maxrss / 1024, summary.removeprefix("summary: "))


def build_one(path: Path, out: Path) -> float:
    """Seconds of an incremental rerun of one current input: the rerun's fixed cost."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(path), "--to", FORMATS, "--out", str(out)],
        capture_output=True, check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from tests.run.generated_archive import change_article, write_archive

    workers = args.workers
    with tempfile.TemporaryDirectory(prefix="exporter-archive-bench-") as scratch:
        folder = Path(scratch) / "archive"
        paths = write_archive(folder, args.articles)
        rows = [build("--jobs 1", folder, Path(scratch) / "jobs1", len(paths), "--jobs", "1")]
        full = build(f"--jobs {workers}", folder, Path(scratch) / "jobsN", len(paths), "--jobs", str(workers))
        rows.append(full)
        rows.append(
            build(f"--scheduler local:{workers}", folder, Path(scratch) / "cluster", len(paths),
                  "--scheduler", f"local:{workers}")
        )
        changed = paths[:: 100][: max(1, len(paths) // 100)]
        for path in changed:
            change_article(path, "an edit for the incremental benchmark")
        rerun = build(f"incremental, {len(changed)} changed, --jobs {workers}", folder, Path(scratch) / "jobsN",
                      len(paths), "--jobs", str(workers))
        rows.append(rerun)
        # Nothing changed: what deciding that costs, per input (on the client, serial).
        idle = build("incremental, nothing changed", folder, Path(scratch) / "jobsN", len(paths),
                     "--jobs", str(workers))
        rows.append(idle)
        one = build_one(paths[-1], Path(scratch) / "jobsN")
        shutil.rmtree(folder)

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end; "
          f"{len(paths)} articles to {FORMATS}")
    print(f"{'build':38} {'seconds':>8} {'articles/s':>10} {'CPU s/article':>13} {'peak MB':>8}  summary")
    for row in rows:
        print(f"{row.name:38} {row.seconds:8.1f} {row.articles / row.seconds:10.2f} "
              f"{row.cpu_seconds / row.articles:13.3f} {row.peak_mb:8.0f}  {row.summary}")
    share = rerun.seconds / full.seconds
    print(f"incremental rerun: {share:.1%} of the full --jobs {workers} build's time (goal: at most 3%)")
    per_article = rows[0].cpu_seconds / rows[0].articles
    print(f"\nprojection: {PROJECTED_ARTICLES:,} articles at {per_article:.3f} CPU s/article (the --jobs 1 row), "
          "one core per worker, no other load")
    # The rerun's fixed cost (start-up, hashing the tool, templates and fonts) is paid once a night.
    check_per_article = max(0.0, idle.seconds - one) / max(1, idle.articles - 1)
    print(f"{'workers':>8} {'full re-export':>15} {'nightly, 1% changed':>20}")
    for count in (1, 2, 8, 32, 128):
        full_hours = PROJECTED_ARTICLES * per_article / count / 3600
        nightly = PROJECTED_ARTICLES * (0.01 * per_article / count + check_per_article) / 60
        print(f"{count:8d} {full_hours:13.1f} h {nightly:16.1f} min")
    print(f"(nightly: 1% rebuilt on the workers, plus {check_per_article * 1000:.1f} ms per input to find the "
          f"unchanged ones, on the client; a rerun's fixed cost, {one:.1f} s here, left out)")


if __name__ == "__main__":
    main()
