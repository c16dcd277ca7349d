"""Every process that builds has the same settings (garbage collection's pace, no pydantic plugin search): the
CLI's, and a pool's workers however they start."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator

import pytest

from exporter.cli import main
from exporter.run.executors import ProcessPool
from exporter.run.process import GC_THRESHOLDS


@pytest.fixture
def default_settings(monkeypatch) -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    yield
    gc.set_threshold(*before)


def test_the_cli_sets_the_collectors_pace(default_settings, capsys) -> None:
    main([])
    assert gc.get_threshold() == GC_THRESHOLDS
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"


def test_a_users_own_plugin_setting_is_kept(default_settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some_plugin")
    main([])
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "some_plugin"


def test_workers_from_a_fork_server_collect_at_the_clis_pace(default_settings) -> None:
    # The web server starts its pool from a fork server, whose workers inherit nothing from this process.
    method = multiprocessing.get_start_method()
    multiprocessing.set_start_method("forkserver", force=True)
    pool = ProcessPool(1)
    try:
        assert pool._pool.submit(gc.get_threshold).result() == GC_THRESHOLDS
    finally:
        pool.close()
        multiprocessing.set_start_method(method, force=True)


def test_a_pool_whose_worker_died_is_replaced_and_builds_the_next_input(tmp_path) -> None:
    """Found probing the web app: after a worker was killed (out of memory, a signal) the pool took no more work,
    the server's dispatcher died on it, and every later upload stayed "Building now." for good."""
    import signal
    import time

    from exporter.errors import ExitCode
    from exporter.options import BuildOptions

    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    options = BuildOptions(formats=("html",), out_dir=tmp_path / "out")
    pool = ProcessPool(1)
    try:
        assert pool.submit(source, options).result(timeout=120).code == ExitCode.OK
        for pid in list(pool._pool._processes):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not pool._pool._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool._pool._broken
        assert pool.submit(source, options).result(timeout=120).code == ExitCode.OK
    finally:
        pool.close()
