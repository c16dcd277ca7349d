"""Builds on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1, started from
this virtual environment, as the README tells an operator to start them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import FIXED_EPOCH, REPO_ROOT, SAMPLES, run_exporter
from tests.run.generated_archive import write_archive
from tests.run.test_manifest import summary

DASK = Path(sys.executable).parent / "dask"


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen]


def _die_with_parent() -> None:
    """The cluster's processes end with the test session, even one that is killed (Linux: PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    # A worker that dies mid-input: its input goes to another worker once, then it is reported (README).
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1", "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    port = address.rsplit(":", 1)[1]
    commands = [[str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"]]
    commands += [
        [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"worker-{n}"]
        for n in (1, 2)
    ]
    processes = []
    try:
        for number, command in enumerate(commands):
            log = (logs / f"process-{number}.log").open("w")
            processes.append(
                subprocess.Popen(command, cwd=logs, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 preexec_fn=_die_with_parent)
            )
            if number == 0:
                time.sleep(1)
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield Cluster(address, processes[1:])
    finally:
        # Workers first (a worker whose scheduler went away first waits to reconnect), then the scheduler.
        for process in processes[::-1]:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def same_files(first: Path, second: Path) -> list[str]:
    """The relative names of the outputs, after asserting both folders hold the same bytes under them."""
    names = sorted(
        path.relative_to(first).as_posix()
        for path in first.rglob("*")
        if path.is_file() and not path.name.startswith(MANIFEST_NAME)
    )
    assert names == sorted(
        path.relative_to(second).as_posix()
        for path in second.rglob("*")
        if path.is_file() and not path.name.startswith(MANIFEST_NAME)
    )
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    return names


@pytest.mark.slow
def test_samples_on_the_cluster_match_a_local_build_byte_for_byte(cluster: Cluster, tmp_path: Path) -> None:
    inputs = [*sorted(SAMPLES.glob("*.md")), *sorted(SAMPLES.glob("*.yaml"))]
    on_cluster = run_exporter(
        "build", *inputs, "--to", "html,pdf,epub,docx", "--out", tmp_path / "cluster",
        "--scheduler", cluster.address,
    )
    local = run_exporter("build", *inputs, "--to", "html,pdf,epub,docx", "--out", tmp_path / "local", "-j", "2")
    assert local.returncode == 0, local.stderr
    assert on_cluster.returncode == local.returncode, on_cluster.stderr
    # The same lines (in the order the inputs finished), apart from where the files went.
    assert sorted(on_cluster.stderr.splitlines()) == sorted(local.stderr.splitlines())
    assert sorted(on_cluster.stdout.replace("/cluster/", "/local/").splitlines()) == sorted(local.stdout.splitlines())
    names = same_files(tmp_path / "cluster", tmp_path / "local")
    assert len([name for name in names if "/" not in name]) == 4 * len(inputs)


@pytest.mark.slow
def test_a_packet_renders_its_articles_on_the_workers_and_merges_on_the_client(
    cluster: Cluster, tmp_path: Path
) -> None:
    import yaml
    from distributed import Client

    packet = SAMPLES / "press-packet.yaml"
    articles = len(yaml.safe_load(packet.read_text(encoding="utf-8"))["articles"])

    def part_tasks() -> set[str]:
        """The article renders the scheduler has seen (the lambda travels to it by value)."""
        with Client(cluster.address, timeout="60s") as client:
            keys = client.run_on_scheduler(
                lambda dask_scheduler: sorted({str(entry[0]) for entry in dask_scheduler.transition_log})
            )
        return {key for key in keys if key.startswith("render_part-")}

    before = part_tasks()
    on_cluster = run_exporter("build", packet, "--to", "pdf", "--out", tmp_path / "cluster",
                              "--scheduler", cluster.address)
    assert on_cluster.returncode == 0, on_cluster.stderr
    assert len(part_tasks() - before) == articles
    local = run_exporter("build", packet, "--to", "pdf", "--out", tmp_path / "local", "-j", "2")
    assert local.returncode == 0, local.stderr
    assert same_files(tmp_path / "cluster", tmp_path / "local") == ["press-packet.pdf"]


ARCHIVE_SIZE = 80  # the kill comes after 20: most of the archive is still to build


@pytest.mark.slow
def test_an_archive_survives_a_dead_worker_and_reruns_as_nothing_to_do(cluster: Cluster, tmp_path: Path) -> None:
    """80 articles on the cluster, one of its two workers killed mid-run: every output arrives, equal to a
    local build's; a second pass through the cluster (named by EXPORTER_SCHEDULER) rebuilds nothing."""
    folder = tmp_path / "archive"
    write_archive(folder, ARCHIVE_SIZE, max_paragraphs=4)
    out = tmp_path / "cluster"
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    command = [sys.executable, "-m", "exporter", "build", folder, "--to", "html,docx", "--out", out,
               "--scheduler", cluster.address]
    build = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    deadline = time.monotonic() + 300
    while build.poll() is None and time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 20:
        time.sleep(0.05)
    assert build.poll() is None, "the build ended before a worker could be killed"
    victim = cluster.workers[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    stdout, stderr = build.communicate(timeout=600)
    assert build.returncode == 0, stderr
    finished = subprocess.CompletedProcess(command, 0, stdout, stderr)
    assert summary(finished) == f"0 unchanged, {ARCHIVE_SIZE} rebuilt, 0 failed"
    assert len(stdout.splitlines()) == 2 * ARCHIVE_SIZE

    local = run_exporter("build", folder, "--to", "html,docx", "--out", tmp_path / "local", "-j", "2")
    assert local.returncode == 0, local.stderr
    names = same_files(out, tmp_path / "local")
    assert len([name for name in names if "/" not in name]) == 2 * ARCHIVE_SIZE

    second = run_exporter("build", folder, "--to", "html,docx", "--out", out,
                          env={"EXPORTER_SCHEDULER": cluster.address})
    assert second.returncode == 0, second.stderr
    assert summary(second) == f"{ARCHIVE_SIZE} unchanged, 0 rebuilt, 0 failed"
    assert second.stdout == ""


def test_a_scheduler_that_is_not_an_address_is_a_usage_error(tmp_path: Path) -> None:
    for value, env in (("localhost", {}), ("local:0", {}), (None, {"EXPORTER_SCHEDULER": "http://host"})):
        result = run_exporter(
            "build", SAMPLES / "eileen-collins.md", "--out", tmp_path / "out",
            *(["--scheduler", value] if value else []), env=env,
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "expected tcp://HOST:PORT or local:N" in result.stderr
        assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    result = run_exporter(
        "build", SAMPLES / "eileen-collins.md", "--out", tmp_path / "out",
        "--scheduler", f"tcp://127.0.0.1:{_free_port()}", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: --scheduler tcp://127.0.0.1:") and result.stderr.count("\n") == 1
    assert "cannot reach the Dask scheduler" in result.stderr
    assert not (tmp_path / "out").exists()
