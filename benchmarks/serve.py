"""Serve benchmark: what the warm workers of `exporter serve` gain over the CLI's cold start.

    python benchmarks/serve.py [--runs 5] [--jobs 12] [--workers 2] [--sample samples/eileen-collins.md]

In one run, on one machine, alternating so that both see the same load:
- latency per format: one job at a time, upload to finished on the server (after one warm-up job per format,
  not counted), against `exporter build SAMPLE --to FORMAT` in a fresh process (the CLI's cold start);
- throughput: `--jobs` jobs of all four formats submitted at once to the server, against the same number of
  CLI builds run `--workers` at a time.
Prints medians, jobs per minute, the ratios (CLI / server), and the machine's load before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2

REPO_ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("html", "pdf", "epub", "docx")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "EXPORTER_TOKEN": ""}


def sample_zip(sample: Path) -> bytes:
    """The sample and the folders beside it (its images), as a person would upload a folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(sample, sample.name)
        for folder in (p for p in sample.parent.iterdir() if p.is_dir()):
            for item in folder.rglob("*"):
                if item.is_file():
                    archive.write(item, str(item.relative_to(sample.parent)))
    return buffer.getvalue()


class Server:
    def __init__(self, workers: int, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exporter", "serve", "--port", str(self.port), "--workers", str(workers),
             "--per-client", "1000", "--data", str(folder)],
            cwd=REPO_ROOT, env=ENV, stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def submit(self, bundle: bytes, formats: tuple[str, ...]) -> str:
        response = httpx2.post(
            self.url + "/jobs", data={"formats": list(formats)}, files=[("sources", ("sample.zip", bundle))],
            timeout=60,
        )
        assert response.status_code == 303, response.text[:500]
        return response.headers["location"]

    def wait(self, location: str) -> None:
        while True:
            job = httpx2.get(f"{self.url}{location}?format=json", timeout=60).json()
            if job["state"] == "done":
                assert all(part["error"] is None for part in job["parts"]), job["parts"][0]["error"]
                return
            time.sleep(0.05)

    def build(self, bundle: bytes, formats: tuple[str, ...]) -> float:
        start = time.perf_counter()
        self.wait(self.submit(bundle, formats))
        return time.perf_counter() - start

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def cli_build(sample: Path, formats: tuple[str, ...], out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(sample), "--to", ",".join(formats), "--out", str(out)],
        cwd=REPO_ROOT, env=ENV, check=True, capture_output=True,
    )
    return time.perf_counter() - start


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=Path, default=REPO_ROOT / "samples" / "eileen-collins.md")
    args = parser.parse_args()
    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    bundle = sample_zip(args.sample.resolve())
    with tempfile.TemporaryDirectory(prefix="exporter-bench-serve-") as folder:
        work = Path(folder)
        server = Server(args.workers, work / "jobs")
        try:
            for fmt in FORMATS:  # warm-up: each worker has imported what this format needs
                for _ in range(args.workers):
                    server.build(bundle, (fmt,))
            print(f"{'format':8} {'cold CLI median s':>18} {'warm server median s':>21} {'ratio':>6}")
            for fmt in FORMATS:
                cold, warm = [], []
                for run in range(args.runs):  # alternated, so both see the same load
                    cold.append(cli_build(args.sample, (fmt,), work / f"cli-{run}"))
                    warm.append(server.build(bundle, (fmt,)))
                ratio = statistics.median(cold) / statistics.median(warm)
                print(f"{fmt:8} {statistics.median(cold):18.2f} {statistics.median(warm):21.2f} {ratio:6.2f}")

            start = time.perf_counter()
            locations = [server.submit(bundle, FORMATS) for _ in range(args.jobs)]
            for location in locations:
                server.wait(location)
            served = args.jobs / (time.perf_counter() - start) * 60
            start = time.perf_counter()
            with ThreadPoolExecutor(args.workers) as pool:
                list(pool.map(lambda n: cli_build(args.sample, FORMATS, work / f"batch-{n}"), range(args.jobs)))
            cold_rate = args.jobs / (time.perf_counter() - start) * 60
        finally:
            server.stop()
    print(f"throughput, {args.jobs} jobs of all four formats, {args.workers} at a time:")
    print(f"  server (warm workers): {served:.1f} jobs/min; CLI (cold start each): {cold_rate:.1f} jobs/min; "
          f"ratio {served / cold_rate:.2f}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
