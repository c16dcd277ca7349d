"""Jobs of the web app: each upload is a job in its own folder, each source in it one build on the warm workers.

Builds run on a `Builds` from `exporter.run` (a pool of worker processes started once). The store hands it at
most one build per worker, so a build the store has handed over is really running and the rest wait in its
queue in order: both states are true, not guesses. Jobs expire `keep` seconds after their last build ended;
their folders go with them.
"""

from __future__ import annotations

import dataclasses
import secrets
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from exporter.checks.facts import DocumentFacts
from exporter.errors import ExitCode
from exporter.options import BuildOptions
from exporter.pipeline import InputResult
from exporter.run.executors import Builds

State = Literal["queued", "running", "done"]


@dataclass
class Part:
    """One source of a job and its latest build."""

    source: Path | str
    label: str  # what the person sees: the path inside the upload, or the URL
    state: State = "queued"
    result: InputResult | None = None
    alt_text: dict[int, str] = field(default_factory=dict)  # what the person wrote in the fix form
    builds: int = 0
    # Filled on demand by the app (reading a source or an output takes a moment): None until then.
    facts: list[DocumentFacts] | None = None
    facts_from: str | None = None  # the format the facts were read from
    missing_alt: list | None = None
    provenance: list[dict] | None = None  # per article: agency, retrieval date, rights (from the source)


@dataclass
class Job:
    id: str
    client: str
    folder: Path
    options: BuildOptions
    parts: list[Part]
    touched: float = field(default_factory=time.monotonic)

    @property
    def input_dir(self) -> Path:
        return self.folder / "input"

    @property
    def out_dir(self) -> Path:
        return self.folder / "out"

    @property
    def state(self) -> State:
        states = {part.state for part in self.parts}
        return "running" if "running" in states else "queued" if "queued" in states else "done"


class TooManyJobs(Exception):
    pass


class JobStore:
    def __init__(
        self, root: Path, builds: Builds, workers: int, keep_seconds: float, per_client: int, *, owns_root: bool
    ) -> None:
        self.root = root
        self._owns_root = owns_root  # a temporary folder made for this server: removed with it
        self.keep_seconds = keep_seconds
        self.per_client = per_client
        self._builds = builds
        self._workers = workers
        self._jobs: dict[str, Job] = {}
        self._waiting: deque[tuple[Job, Part]] = deque()
        self._running = 0
        self._changed = threading.Condition()
        self._closed = False
        self._dispatcher = threading.Thread(target=self._dispatch, name="exporter-serve-dispatch", daemon=True)
        self._dispatcher.start()

    # ------------------------------------------------------------ jobs

    def new_job(self, client: str, options: BuildOptions) -> Job:
        """A job folder for `client`, refused (TooManyJobs) when the client already has its share running."""
        with self._changed:
            active = sum(1 for job in self._jobs.values() if job.client == client and job.state != "done")
            if active >= self.per_client:
                raise TooManyJobs(f"{active} of your jobs are still running (at most {self.per_client} at a time)")
            job_id = secrets.token_urlsafe(16)  # unguessable: the id is what lets a person see a job
            folder = self.root / job_id
            (folder / "input").mkdir(parents=True)
            (folder / "out").mkdir()
            job = Job(job_id, client, folder, dataclasses.replace(options, out_dir=folder / "out"), [])
            # Counted from now on, so concurrent uploads from one client cannot slip past the limit.
            job.parts.append(Part("", "upload", state="queued"))
            self._jobs[job_id] = job
            return job

    def start(self, job: Job, sources: list[tuple[Path | str, str]]) -> None:
        with self._changed:
            job.parts = [Part(source, label) for source, label in sources]
            for part in job.parts:
                self._waiting.append((job, part))
            self._changed.notify_all()

    def discard(self, job: Job) -> None:
        with self._changed:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def rebuild(self, job: Job, part: Part) -> None:
        with self._changed:
            if part.state != "done":
                return
            part.state, part.facts, part.facts_from, part.missing_alt = "queued", None, None, None
            part.provenance = None
            self._waiting.append((job, part))
            self._changed.notify_all()

    def queue_position(self, part: Part) -> int | None:
        """1 for the next build to start; None when the part is not waiting."""
        with self._changed:
            for position, (_, waiting) in enumerate(self._waiting, start=1):
                if waiting is part:
                    return position
        return None

    def expire(self, now: float | None = None) -> int:
        """Remove jobs (and their folders) whose last build ended more than `keep` seconds ago."""
        now = time.monotonic() if now is None else now
        with self._changed:
            old = [job for job in self._jobs.values() if job.state == "done" and now - job.touched > self.keep_seconds]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._dispatcher.join()
        self._builds.close()
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------ the queue

    def _dispatch(self) -> None:
        """Hands waiting builds to the workers, one per free worker. Runs in its own thread: submitting from a
        future's callback (the pool's own thread) could deadlock the pool."""
        while True:
            with self._changed:
                while not self._closed and not (self._waiting and self._running < self._workers):
                    self._changed.wait()
                if self._closed:
                    return
                job, part = self._waiting.popleft()
                part.state = "running"
                part.builds += 1
                self._running += 1
                options = dataclasses.replace(job.options, alt_text=dict(part.alt_text))
            try:
                future = self._builds.submit(part.source, options)
            except Exception as error:  # noqa: BLE001 - this build fails; the dispatcher, and the server, go on
                future = Future()
                future.set_result(InputResult(part.source, ExitCode.INCOMPLETE,
                                              error=f"{part.label}: the build could not start ({error})"))
            future.add_done_callback(self._finished(job, part))

    def _finished(self, job: Job, part: Part) -> Callable[[Future[InputResult]], None]:
        def settle(future: Future[InputResult]) -> None:
            with self._changed:
                part.result = future.result()  # never raises (the executor's promise)
                part.state = "done"
                self._running -= 1
                job.touched = time.monotonic()
                self._changed.notify_all()

        return settle
