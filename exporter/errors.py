"""Errors meant for people: one line naming the file, the line where there is one, and the problem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path
from typing import NamedTuple

# What must never reach a terminal raw: C0 and C1 controls (newline, ESC, ...), DEL, the Unicode line and
# paragraph separators, and the bidirectional overrides that make text read differently from what it is.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Text safe to print as (part of) one line: every control character written as a visible escape, so a
    file name or title cannot forge an `error:` line or send escape sequences to the terminal."""
    return _UNPRINTABLE.sub(lambda match: ascii(match.group())[1:-1], text)


class ExitCode(IntEnum):
    OK = 0
    CHECK_FAILED = 1  # an output was written but a check or validation failed
    BAD_INPUT = 2  # bad input or usage: nothing written for that input
    INCOMPLETE = 3  # a validator could not run: never reported as passed


class ExportError(Exception):
    """A problem with one input or output that the user can fix."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        code: ExitCode = ExitCode.BAD_INPUT,
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.code = code

    def __reduce__(self):
        # Raised in a worker process (a packet's article rendered in parallel), it crosses back whole: place
        # and exit code included, which the default pickling of exceptions (args only) would drop.
        return _rebuild_export_error, (self.problem, self.file, self.line, self.code)

    def located(self, file: str | Path | None, line: int | None = None) -> ExportError:
        """Fill in the place when the code that raised did not know it."""
        if self.file is None and file is not None:
            self.file = str(file)
        if self.line is None:
            self.line = line
        return self

    def in_article(self, number: int, title: str) -> ExportError:
        """In a packet, say which article the problem is in."""
        self.problem = f"article {number} ({title!r}): {self.problem}"
        return self

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return one_line(f"{where}: {self.problem}" if where else self.problem)


def _rebuild_export_error(problem: str, file: str | None, line: int | None, code: ExitCode) -> ExportError:
    return ExportError(problem, file=file, line=line, code=code)


class Place(NamedTuple):
    """Where a thing was read: a file (the input, or a packet's entry) and its line when known."""

    file: Path
    line: int | None = None


class Warnings:
    """Collects warnings for the report; with `strict` the ones marked strict become errors."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.messages: list[str] = []

    def warn(
        self, message: str, *, file: str | Path | None = None, line: int | None = None, strict_error: bool = False
    ) -> None:
        if strict_error and self.strict:
            raise ExportError(message, file=file, line=line)
        where = f"{file}:{line}" if file and line is not None else file
        self.extend([one_line(f"{where}: {message}" if where else message)])

    def extend(self, messages: Iterable[str]) -> None:
        """Add warnings, each once: a packet's article rendered apart for the PDF meets the same missing photo
        as the other formats do."""
        self.messages += [message for message in dict.fromkeys(messages) if message not in self.messages]
