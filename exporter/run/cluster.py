"""Builds on a Dask cluster (`--scheduler tcp://HOST:8786`, or `local:N` for a LocalCluster of N processes).

Workers import the exporter once and build many inputs. They read each input through its absolute path, so the
inputs must sit in a folder every worker sees under the same path (a shared folder, as Dask deployments use);
the outputs come back to the client as bytes and are written here with the same atomic commit as a local build,
so `--out` may be local to the client and the manifest sees every output as it is written.

A press packet built to PDF is the exception: it is read and merged here, on the client, and its articles render
on the workers (the client is the executor of the PDF writer's parts, writers/pdf/packet.py), so that one long
packet uses the whole cluster; its other formats are made here too.

A worker that dies mid-input: the scheduler gives the input to another worker, once (`allowed-failures` 1, set
for `local:N` here and on a remote scheduler by its own configuration, see the README), then reports it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from exporter.errors import ExitCode, ExportError
from exporter.options import BuildOptions
from exporter.pipeline import InputResult, Source, is_url, output_stem
from exporter.run.executors import export_one

_LOCAL = re.compile(r"^local:(?P<workers>[1-9][0-9]*)$")
_REMOTE = re.compile(r"^(tcp|tls|ws|wss)://[^\s/]+:[0-9]+/?$")


def check_scheduler(address: str) -> str:
    """`local:N` or a scheduler address (`tcp://HOST:PORT`); anything else is a usage error."""
    if _LOCAL.match(address) or _REMOTE.match(address):
        return address
    raise ExportError(f"--scheduler {address!r}: expected tcp://HOST:PORT or local:N")


@dataclass
class Returned:
    """What a worker sends back: the outcome, and the outputs' bytes for the client to write."""

    result: InputResult
    files: dict[str, bytes]
    assets: dict[str, dict[str, bytes]]


def build_returning_outputs(source: Source, options: BuildOptions) -> Returned:
    """Runs on a worker: the build writes into a private temporary folder, whose content goes back as bytes."""
    with tempfile.TemporaryDirectory(prefix="exporter-worker-") as folder:
        result = export_one(source, replace(options, out_dir=Path(folder)))
        files = {path.name: path.read_bytes() for path in result.outputs}
        assets = {
            directory.name: {
                item.relative_to(directory).as_posix(): item.read_bytes()
                for item in sorted(directory.rglob("*"))
                if item.is_file()
            }
            for directory in sorted(Path(folder).iterdir())
            if directory.is_dir()
        }
    return Returned(result, files, assets)


def renders_in_parts(source: Source, options: BuildOptions) -> bool:
    """Is this input a packet to be built to PDF? Only a JSON or YAML file that mentions `articles` is parsed to
    tell (packets are few; an archive of articles is not read twice)."""
    if "pdf" not in options.formats or is_url(source):
        return False
    if options.input_format is not None:
        return options.input_format == "packet"
    from exporter.readers import EXTENSIONS, MAX_TEXT_INPUT_BYTES
    from exporter.readers.canonical import parse_data

    path = Path(source)
    if EXTENSIONS.get(path.suffix.lower()) not in ("json", "yaml"):
        return False
    try:
        if path.stat().st_size > MAX_TEXT_INPUT_BYTES:
            return False
        data = path.read_bytes()
        if b"articles" not in data:
            return False
        parsed = parse_data(path, data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ExportError):
        return False  # the worker's build reports what is wrong with it
    return isinstance(parsed, dict) and "articles" in parsed


class DaskBuilds:
    """A `Builds` (exporter.run.executors) whose inputs are built on a Dask cluster."""

    def __init__(self, address: str) -> None:
        import dask
        from distributed import Client, LocalCluster

        self._cluster = None
        # Packets built here, one at a time: their parts fill the cluster.
        self._here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exporter-packet")
        local = _LOCAL.match(check_scheduler(address))
        try:
            if local:
                with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                    self._cluster = LocalCluster(
                        n_workers=int(local["workers"]),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self._client = Client(self._cluster)
            else:
                # Dask's own setting (default 30 s), so DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=10s sets it.
                self._client = Client(address, timeout=dask.config.get("distributed.comm.timeouts.connect"))
        except (OSError, TimeoutError) as error:
            self._shut_cluster()
            raise ExportError(f"--scheduler {address}: cannot reach the Dask scheduler ({error})") from None

    def submit(self, source: Source, options: BuildOptions) -> Future[InputResult]:
        outcome: Future[InputResult] = Future()
        # Workers have their own working folder: they are given absolute paths.
        remote_source = source if is_url(source) else Path(os.path.abspath(source))
        remote_options = replace(
            options, images_dir=Path(os.path.abspath(options.images_dir)) if options.images_dir else None
        )
        if renders_in_parts(source, options):
            here = self._here.submit(export_one, remote_source, options, self._client)
            here.add_done_callback(lambda done: outcome.set_result(_as_given(done.result(), source, remote_source)))
            return outcome
        remote = self._client.submit(
            build_returning_outputs, remote_source, remote_options, key=f"export-{uuid.uuid4().hex}", pure=False
        )

        def settle(done: object) -> None:
            try:
                outcome.set_result(self._finish(source, remote_source, options, done))
            except BaseException as error:  # noqa: BLE001 - the future must settle, whatever went wrong
                outcome.set_result(_unfinished(source, error))

        remote.add_done_callback(settle)
        return outcome

    def _finish(self, source: Source, remote_source: Source, options: BuildOptions, done) -> InputResult:
        from exporter.output import write_outputs

        try:
            returned: Returned = done.result()
        except Exception as error:  # noqa: BLE001 - a worker that died twice, a lost connection
            return _unfinished(source, error)
        result = _as_given(returned.result, source, remote_source)
        if returned.files:
            try:
                result.outputs = write_outputs(
                    options.out_dir, returned.files, returned.assets, unit=output_stem(source),
                    inputs=result.files_used,
                )
            except ExportError as error:
                return InputResult(source, error.code, error=str(error), seconds=result.seconds)
            for check in result.checks:
                check.target = options.out_dir / Path(check.target).name
        return result

    def close(self) -> None:
        self._here.shutdown(wait=True)
        self._client.close()
        self._shut_cluster()

    def _shut_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()


def _as_given(result: InputResult, source: Source, remote_source: Source) -> InputResult:
    """The worker was given the absolute path; messages name the input as the user gave it."""
    given, absolute = str(source), str(remote_source)
    result.source = source
    result.warnings = [message.replace(absolute, given) for message in result.warnings]
    if result.error:
        result.error = result.error.replace(absolute, given)
    return result


def _unfinished(source: Source, error: BaseException) -> InputResult:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return InputResult(
        source,
        ExitCode.INCOMPLETE,
        error=f"{source}: not built on the cluster ({type(error).__name__}{': ' + detail if detail else ''})",
    )
