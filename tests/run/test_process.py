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
