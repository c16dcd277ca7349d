"""Settings for a process that builds: made once by each front end's process (the CLI, and the worker processes a
pool starts, which a fork server does not give the CLI's settings)."""

from __future__ import annotations

import gc
import os

# Objects allocated before a young collection, and young (then middle) collections before an older one.
GC_THRESHOLDS = (10_000, 10, 10)


def prepare_build_process() -> None:
    """A build allocates many objects that live until it ends (the libraries' modules, the model, the laid-out
    boxes); at CPython's default of a collection per 700 new objects, walking them took about a tenth of a
    one-article PDF export, and this threshold saves about 6% of it. Garbage cycles are still collected, in larger
    steps.

    pydantic looks for plugins in the metadata of every installed distribution when it builds the model's first
    validator (a few hundredths of a second per process); none is meant to instrument the exporter's model, so
    the search is skipped unless the environment sets PYDANTIC_DISABLE_PLUGINS itself."""
    gc.set_threshold(*GC_THRESHOLDS)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
