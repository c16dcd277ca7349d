"""Every process that builds collects garbage at the same pace: the CLI's, and a pool's workers however they start."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator

import pytest

from exporter.cli import main
from exporter.run.collector import GC_THRESHOLDS
from exporter.run.executors import ProcessPool


@pytest.fixture
def default_collector() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_cli_sets_the_collectors_pace(default_collector, capsys) -> None:
    main([])
    assert gc.get_threshold() == GC_THRESHOLDS


def test_workers_from_a_fork_server_collect_at_the_clis_pace(default_collector) -> None:
    # The web server starts its pool from a fork server, whose workers inherit nothing from this process.
    method = multiprocessing.get_start_method()
    multiprocessing.set_start_method("forkserver", force=True)
    pool = ProcessPool(1)
    try:
        assert pool._pool.submit(gc.get_threshold).result() == GC_THRESHOLDS
    finally:
        pool.close()
        multiprocessing.set_start_method(method, force=True)
