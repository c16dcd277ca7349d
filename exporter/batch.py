"""Many inputs at once: parallel worker processes, a progress display on terminals, and a summary of failures.

One bad input does not stop the others; the batch exits with the highest code any input earned.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import replace
from pathlib import Path

from exporter.errors import one_line
from exporter.options import BuildOptions
from exporter.pipeline import InputResult
from exporter.run.executors import Builds, export_one, local_builds

__all__ = ["default_jobs", "export_one", "run_batch"]


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_batch(
    sources: Sequence[Path | str],
    options: BuildOptions,
    jobs: int,
    report: Callable[[InputResult], None],
    *,
    builds: Builds | None = None,
    options_for: Mapping[Path | str, BuildOptions] | None = None,
) -> list[InputResult]:
    """Export every source; `report` is called for each finished input, in the order they finish. `builds`:
    where they run (default: `jobs` local processes; closed here either way); `options_for`: an input's own
    options (an incremental build asks only for the formats that are out of date). With one process per input,
    each renders its parts (a packet's PDF articles) in turn; built one at a time, an input gets the `jobs`
    processes for its parts (options.jobs)."""
    jobs = max(1, min(jobs, len(sources)))
    if builds is None:
        builds = local_builds(jobs)
    options_for = options_for or {}
    results: dict[Path | str, InputResult] = {}
    with _progress(len(sources)) as advance:
        pending: dict[Future[InputResult], Path | str] = {}

        def finish(future: Future[InputResult]) -> None:
            source = pending.pop(future)
            results[source] = future.result()
            report(results[source])
            advance(source)

        try:
            for source in sources:
                each = options_for.get(source, options)
                pending[builds.submit(source, replace(each, jobs=1) if jobs > 1 else each)] = source
                # Builds in this process are done when submitted: report each before starting the next.
                for future in [future for future in pending if future.done()]:
                    finish(future)
            for future in as_completed(list(pending)):
                finish(future)
        finally:
            builds.close()
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
            return lambda source: self.bar.update(task, advance=1, description=one_line(Path(source).name))
        return lambda source: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
