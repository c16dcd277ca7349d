"""Many inputs at once: parallel worker processes, a progress display on terminals, and a summary of failures.

One bad input does not stop the others; the batch exits with the highest code any input earned.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from exporter.errors import ExitCode, ExportError
from exporter.options import BuildOptions
from exporter.pipeline import InputResult, export


def export_one(source: Path | str, options: BuildOptions) -> InputResult:
    """Never raises: the outcome, good or bad, comes back as data (it crosses process boundaries)."""
    try:
        return export(source, options)
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


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_batch(
    sources: Sequence[Path], options: BuildOptions, jobs: int, report: Callable[[InputResult], None]
) -> list[InputResult]:
    """Export every source; `report` is called for each finished input, in the order they finish. With one
    process per input, each renders its parts (a packet's PDF articles) in turn; built one at a time, an input
    gets the `jobs` processes for its parts (options.jobs)."""
    jobs = max(1, min(jobs, len(sources)))
    results: dict[Path | str, InputResult] = {}
    with _progress(len(sources)) as advance:
        if jobs == 1:
            for source in sources:
                results[source] = export_one(source, options)
                report(results[source])
                advance(source)
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                one_each = replace(options, jobs=1)
                futures = {pool.submit(export_one, source, one_each): source for source in sources}
                for future in as_completed(futures):
                    source = futures[future]
                    try:
                        results[source] = future.result()
                    except BrokenProcessPool as error:
                        # A worker killed from outside (out of memory, a signal): that input is unfinished.
                        results[source] = InputResult(
                            source, ExitCode.INCOMPLETE, error=f"{source}: the worker process died ({error})"
                        )
                    report(results[source])
                    advance(source)
    return [results[source] for source in sources]


class _progress:
    """A rich progress bar on an interactive terminal; silent otherwise (logs and CI stay clean)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self) -> Callable[[Path], None]:
        if self.total > 1 and sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("exporting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                transient=True,
            )
            self.bar.start()
            task = self.bar.add_task("", total=self.total)
            return lambda source: self.bar.update(task, advance=1, description=Path(source).name)
        return lambda source: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
