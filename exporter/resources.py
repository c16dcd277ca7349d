"""Where the bundled templates and fonts are: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the exporter's {name}/ folder is missing from this installation")


def templates_dir() -> Path:
    return _find("templates")


def fonts_dir() -> Path:
    return _find("fonts")


def locale_dir() -> Path:
    return _PACKAGE / "locale"
