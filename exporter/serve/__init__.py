"""`exporter serve`: the exporter as a small web app (Starlette on uvicorn), a front end like the CLI.

Needs the `serve` extra (`pip install gov-article-exporter[serve]`).
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import TYPE_CHECKING

from exporter.errors import ExportError

if TYPE_CHECKING:
    from exporter.serve.app import ServeConfig


def run(config: ServeConfig) -> int:
    """Start the server and block until it is stopped (Ctrl-C, SIGTERM)."""
    import uvicorn

    from exporter.run.executors import ProcessPool
    from exporter.serve.app import create_app, new_root
    from exporter.serve.jobs import JobStore
    from exporter.serve.security import is_loopback

    if not is_loopback(config.host) and not config.token:
        raise ExportError(
            f"--host {config.host} is reachable from other machines: give --token (or EXPORTER_TOKEN) so only people "
            "with it can use the server"
        )
    # The server has threads (the event loop, upload copies, the dispatcher) when the pool starts its workers;
    # forking a threaded process can copy a held lock into the child. Workers come from a clean fork server,
    # which has imported the pipeline once, so each starts warm.
    multiprocessing.set_start_method("forkserver", force=True)
    multiprocessing.set_forkserver_preload(["exporter.pipeline", "exporter.run.executors"])
    root = new_root(config)
    store = JobStore(
        root, ProcessPool(config.workers), config.workers, config.keep_seconds, config.per_client,
        owns_root=config.root is None,
    )
    app = create_app(config, store)
    where = f"[{config.host}]" if ":" in config.host else config.host
    print(f"exporter serve: http://{where}:{config.port}/ ({config.workers} workers, jobs in {root})", file=sys.stderr,
          flush=True)
    # Stopping (Ctrl-C, SIGTERM) runs the app's shutdown: the workers finish, a temporary job folder goes.
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", server_header=False,
                timeout_graceful_shutdown=5)
    return 0
