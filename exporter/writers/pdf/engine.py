"""WeasyPrint, imported without the library search that spawns some fifty processes.

WeasyPrint opens each of its C libraries (GObject, Pango, HarfBuzz, fontconfig) under a list of names, Windows
and macOS names first (weasyprint/text/ffi.py). cffi looks up every name that does not load with
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc, then ld, in subprocesses, each time
(WeasyPrint issue #1125): about 54 processes and 0.4 s of CPU per import, in every process that renders a PDF
(each --jobs worker too). The names that do load on Linux, the sonames (`libpango-1.0.so.0`), are opened directly
by dlopen, which needs no search. So WeasyPrint is imported once with the search answering "not found"; should
that leave a library unloaded (a system whose sonames WeasyPrint does not list), it is imported again with the
search, as plain WeasyPrint would be.
"""

from __future__ import annotations

import contextlib
import io
import sys
from types import ModuleType


def import_weasyprint() -> ModuleType:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints its installation advice before it fails: not for this first attempt.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint
