"""Where builds run: one small interface for every front end.

A `Builds` takes an input and the build options and returns a future of its `InputResult`, in the style of
`concurrent.futures.Executor`. The CLI's `--jobs`, a cluster and the web server's warm workers are each one
`Builds`; the pipeline never knows which one runs it. A future never raises: every outcome, a worker that died
included, comes back as an `InputResult`, so front ends report failures the same way whatever ran them.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from exporter.errors import ExitCode, ExportError
from exporter.options import BuildOptions
from exporter.pipeline import InputResult, export
from exporter.run.process import prepare_build_process

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def export_one(source: Path | str, options: BuildOptions, parts: Executor | None = None) -> InputResult:
    """Never raises (except with --debug): the outcome, good or bad, comes back as data that crosses processes.
    `parts`: where a packet's PDF articles render (pipeline.export)."""
    start = time.perf_counter()
    result = _export_one(source, options, parts)
    result.seconds = time.perf_counter() - start
    return result


def _export_one(source: Path | str, options: BuildOptions, parts: Executor | None) -> InputResult:
    try:
        return export(source, options, parts)
    except ExportError as error:
        if options.debug:
            raise
        return InputResult(source, error.code, error=str(error.located(source)))
    except Exception as error:
        if options.debug:
            raise
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return InputResult(
            source,
            ExitCode.INCOMPLETE,
            error=f"{source}: internal error: {detail} (run with --debug for details)",
        )


class Builds(Protocol):
    def submit(self, source: Path | str, options: BuildOptions) -> Future[InputResult]: ...

    def close(self) -> None:
        """Wait for what was submitted, then release the workers."""


class InProcess:
    """Each build runs in the calling process when it is submitted (`--jobs 1`, `--debug`: tracebacks stay whole)."""

    def submit(self, source: Path | str, options: BuildOptions) -> Future[InputResult]:
        future: Future[InputResult] = Future()
        future.set_result(export_one(source, options))
        return future

    def close(self) -> None:
        pass


class ProcessPool:
    """`workers` processes started once and reused for many inputs."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # Imported here: multiprocessing costs every single-input build start-up time it never uses.
        from concurrent.futures import ProcessPoolExecutor

        # A worker from a fork server (the web server's) does not inherit the CLI's process settings.
        return ProcessPoolExecutor(max_workers=self._workers, initializer=prepare_build_process)

    def submit(self, source: Path | str, options: BuildOptions) -> Future[InputResult]:
        outcome: Future[InputResult] = Future()

        from concurrent.futures.process import BrokenProcessPool

        def settle(done: Future[InputResult]) -> None:
            try:
                outcome.set_result(done.result())
            except BrokenProcessPool as error:
                # A worker killed from outside (out of memory, a signal): that input is unfinished.
                outcome.set_result(
                    InputResult(source, ExitCode.INCOMPLETE, error=f"{source}: the worker process died ({error})")
                )

        try:
            submitted = self._pool.submit(export_one, source, options)
        except BrokenProcessPool:
            # The pool takes no more work once a worker has died (its inputs then were settled as unfinished):
            # a new one builds this input and the next, so a web server goes on serving.
            self._pool.shutdown(wait=False)
            self._pool = self._new_pool()
            submitted = self._pool.submit(export_one, source, options)
        submitted.add_done_callback(settle)
        return outcome

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def local_builds(jobs: int) -> Builds:
    """The builds of one machine: in this process for one job, else a pool of `jobs` worker processes."""
    return InProcess() if jobs <= 1 else ProcessPool(jobs)
