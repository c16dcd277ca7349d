"""Incremental builds: what each output was made from, so that a second run rebuilds only what changed.

The manifest is an SQLite database in the output folder (`.exporter-manifest.sqlite`), one row per input and
format: the build key (tool, engine versions, templates, fonts and the options that shape that format), the
hash of every file the input used (the input itself, a packet's entries, images) and of every file it looked
for and did not find, the output's hash, status, warnings and seconds.

An output is current when its row has the same build key, every file it used is unchanged, no file it looked
for has appeared, and the output on disk is the one recorded. Files (these, and the tool's own code, templates and
fonts that the build key covers) are compared by size and modification time first and hashed only when those
differ (as git's index does), so checking an unchanged archive reads no file.

Each input's rows are committed in one transaction right after its outputs are written, so a run that is
killed resumes where it stopped: what was recorded is current, the rest is built again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import ExitCode, ExportError
from exporter.options import BuildOptions
from exporter.pipeline import InputResult, Source, is_url

MANIFEST_NAME = ".exporter-manifest.sqlite"
SCHEMA_VERSION = "1"

# Options that shape one format only: changing them rebuilds that format alone. Every other option that is not
# listed in _NOT_OUTPUT shapes every format (a new option is thus never forgotten: it rebuilds everything).
_FORMAT_ONLY = {
    "page_size": "pdf",
    "pdf_profile": "pdf",
    "a11y_certifier": "epub",
    "embed_fonts": "epub",
    "embed_images": "html",
}
_NOT_OUTPUT = {"formats", "out_dir", "debug", "check", "jobs"}
# The engines whose versions change what the writers produce.
_ENGINES = ("weasyprint", "pikepdf", "ebooklib", "python-docx", "Pillow", "lxml", "Jinja2", "markdown-it-py")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    build_key TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    output TEXT,
    output_hash TEXT,
    output_size INTEGER,
    output_mtime_ns INTEGER,
    status TEXT NOT NULL,
    checked INTEGER NOT NULL,
    warnings TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (source, format)
);
CREATE TABLE IF NOT EXISTS tool_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dependencies (
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,
    PRIMARY KEY (source, path)
);
"""


def file_hash(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def source_key(source: Source) -> str:
    return str(source) if is_url(source) else os.path.abspath(source)


def environment_hash(content_hash: Callable[[Path], str] = file_hash) -> str:
    """The tool (its version and its own code), the engines, the templates and the fonts; `content_hash` gives a
    file's sha256."""
    from importlib import metadata

    from exporter import __version__
    from exporter.resources import fonts_dir, templates_dir

    digest = hashlib.sha256(f"exporter {__version__}\n".encode())
    for engine in _ENGINES:
        try:
            digest.update(f"{engine} {metadata.version(engine)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{engine} -\n".encode())
    package = Path(__file__).resolve().parents[1]
    for root, pattern in ((package, "*.py"), (templates_dir(), "*"), (fonts_dir(), "*")):
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            digest.update(f"{path.relative_to(root).as_posix()} {content_hash(path)}\n".encode())
    return digest.hexdigest()


def build_key(options: BuildOptions, fmt: str, environment: str) -> str:
    """What, besides the input, decides the bytes of `fmt`'s output (`environment`: environment_hash())."""
    shaping = {
        name: str(value)
        for name, value in sorted(dataclasses.asdict(options).items())
        if name not in _NOT_OUTPUT and _FORMAT_ONLY.get(name, fmt) == fmt
    }
    if options.images_dir is not None:
        shaping["images_dir"] = os.path.abspath(options.images_dir)
    text = json.dumps({"environment": environment, "format": fmt, "options": shaping}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Deleted:
    """An input recorded in the manifest that is no longer on disk, and the outputs made from it."""

    source: str
    outputs: list[Path]


class Manifest:
    """The manifest of `out_dir`. It is created with the first output recorded: a build that writes nothing
    leaves nothing behind, not even a manifest."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._db: sqlite3.Connection | None = None
        if (out_dir / MANIFEST_NAME).exists():
            self._open()
        self._file_checks: dict[str, bool] = {}
        self._environment: str | None = None

    def _open(self) -> None:
        try:
            self._connect()
        except (OSError, sqlite3.Error) as error:
            self.close()
            raise ExportError(
                f"cannot open the build manifest: {error}", file=self.out_dir / MANIFEST_NAME
            ) from None

    def _connect(self) -> None:
        self._db = sqlite3.connect(self.out_dir / MANIFEST_NAME, timeout=60, isolation_level=None)
        # Write-ahead log: a killed process loses at most the transaction it was in, never the database.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)
            found = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif found[0] != SCHEMA_VERSION:
                # A manifest from another version of this tool: start over (everything is rebuilt once).
                self._db.execute("DELETE FROM outputs")
                self._db.execute("DELETE FROM dependencies")
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _transaction(self) -> sqlite3.Connection:
        return _Transaction(self._db)

    # ------------------------------------------------------------------ what to build

    def stale_formats(self, source: Source, options: BuildOptions) -> tuple[str, ...]:
        """The formats of `source` that must be built: all of them unless the manifest shows them current.
        A page URL is always built (its content is not a file the manifest can see)."""
        if is_url(source) or self._db is None:
            return options.formats
        key = source_key(source)
        rows = {
            row[0]: row[1:]
            for row in self._db.execute(
                "SELECT format, build_key, output, output_hash, output_size, output_mtime_ns, status, checked "
                "FROM outputs WHERE source = ?",
                (key,),
            )
        }
        stale = []
        for fmt in options.formats:
            row = rows.get(fmt)
            if row is None or not self._current(row, build_key(options, fmt, self._environment_hash()), options.check):
                stale.append(fmt)
        if len(stale) < len(options.formats) and not self._dependencies_unchanged(key):
            return options.formats
        return tuple(stale)

    def _current(self, row: tuple, key: str, check: bool) -> bool:
        recorded_key, output, output_hash, size, mtime_ns, status, checked = row
        if recorded_key != key or status != "ok" or output is None or (check and not checked):
            return False
        return self._unchanged(self.out_dir / output, size, mtime_ns, output_hash)

    def _dependencies_unchanged(self, key: str) -> bool:
        rows = self._db.execute("SELECT path, size, mtime_ns, sha256 FROM dependencies WHERE source = ?", (key,))
        return all(self._unchanged(Path(path), size, mtime_ns, sha) for path, size, mtime_ns, sha in rows)

    def _unchanged(self, path: Path, size: int | None, mtime_ns: int | None, sha: str | None) -> bool:
        """Is the file still what was recorded (`sha` None: still absent)? Memoised for the run: the many
        articles that share one image folder look at it once."""
        memo = f"{path}\0{sha}"
        if memo not in self._file_checks:
            self._file_checks[memo] = _same_content(path, size, mtime_ns, sha)
        return self._file_checks[memo]

    def _environment_hash(self) -> str:
        """environment_hash(), with the tool's own files (its code, templates and fonts: a few MB) compared by
        size and modification time with the last run's and hashed only when those differ, as inputs are."""
        if self._environment is None:
            recorded = {
                path: (size, mtime_ns, sha)
                for path, size, mtime_ns, sha in self._db.execute("SELECT path, size, mtime_ns, sha256 FROM tool_files")
            }
            seen: list[tuple[str, int, int, str]] = []

            def content_hash(path: Path) -> str:
                stat = os.stat(path)
                size, mtime_ns, sha = recorded.get(str(path), (None, None, None))
                if (size, mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                    sha = file_hash(path)
                seen.append((str(path), stat.st_size, stat.st_mtime_ns, sha))
                return sha

            self._environment = environment_hash(content_hash)
            if set(seen) != {(path, *row) for path, row in recorded.items()}:
                with self._transaction():
                    self._db.execute("DELETE FROM tool_files")
                    self._db.executemany("INSERT INTO tool_files VALUES (?, ?, ?, ?)", seen)
        return self._environment

    # ------------------------------------------------------------------ recording

    def record(self, result: InputResult, options: BuildOptions) -> None:
        """Record one input's outcome for the formats it was built to; one transaction."""
        if is_url(result.source) or (self._db is None and not result.outputs):
            return
        if self._db is None:
            self._open()
        key = source_key(result.source)
        dependencies = [_file_state(path) for path in result.files_used]
        dependencies += [_file_state(path) for path in result.files_missing]
        input_hash = hashlib.sha256(
            "\n".join(f"{path} {sha}" for path, _, _, sha in sorted(dependencies, key=str)).encode()
        ).hexdigest()
        by_format = {path.suffix.lstrip("."): path for path in result.outputs}
        status = "ok" if result.code == ExitCode.OK and not result.error else ExitCode(result.code).name.lower()
        notes = json.dumps([*result.warnings, *([result.error] if result.error else [])], ensure_ascii=False)
        rows = []
        for fmt in options.formats:
            output = by_format.get(fmt)
            state = _file_state(output) if output is not None and output.exists() else None
            rows.append((
                key, fmt, build_key(options, fmt, self._environment_hash()), input_hash,
                output.name if output is not None else None,
                state[3] if state else None, state[1] if state else None, state[2] if state else None,
                status, int(options.check), notes, result.seconds,
            ))
        with self._transaction():
            if result.files_used or result.files_missing:
                self._db.execute("DELETE FROM dependencies WHERE source = ?", (key,))
                self._db.executemany(
                    "INSERT OR REPLACE INTO dependencies VALUES (?, ?, ?, ?, ?)",
                    [(key, str(path), size, mtime_ns, sha) for path, size, mtime_ns, sha in dependencies],
                )
            self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    # ------------------------------------------------------------------ inputs that are gone

    def deleted(self, protected: Iterable[Path] = ()) -> list[Deleted]:
        """Recorded inputs that are no longer on disk, with the outputs recorded for them that still exist and
        that no input still on disk has written since (a renamed input's new outputs are not the old ones). An
        output that is one of `protected` (this run's inputs: a page built back in), or a folder holding one,
        is not theirs to remove."""
        if self._db is None:
            return []
        kept = [path.resolve() for path in protected]

        def is_protected(path: Path) -> bool:
            resolved = path.resolve()
            return any(resolved == input_path or resolved in input_path.parents for input_path in kept)

        rows = self._db.execute("SELECT source, output FROM outputs ORDER BY source, format").fetchall()
        live = {source: is_url(source) or Path(source).exists() for source in {source for source, _ in rows}}
        claimed = {output for source, output in rows if live[source]}
        found: dict[str, list[Path]] = {}
        for source, output in rows:
            if live[source]:
                continue
            outputs = found.setdefault(source, [])
            if output is None or output in claimed or not (self.out_dir / output).exists():
                continue
            assets = self.out_dir / f"{Path(output).stem}_files"
            if is_protected(self.out_dir / output) or is_protected(assets):
                continue  # an input now, with the images its page shows
            outputs.append(self.out_dir / output)
            if assets.is_dir() and assets not in outputs:
                outputs.append(assets)
        return [Deleted(source, outputs) for source, outputs in found.items()]

    def prune(self, gone: Deleted) -> list[Path]:
        """Remove a deleted input's outputs and forget it. An output changed since it was built is kept, and
        returned; so is a kept page's images folder, which the page still shows."""
        kept: list[Path] = []
        recorded = {
            output: (size, mtime_ns, sha)
            for output, size, mtime_ns, sha in self._db.execute(
                "SELECT output, output_size, output_mtime_ns, output_hash FROM outputs WHERE source = ?",
                (gone.source,),
            )
            if output is not None
        }
        folders = [path for path in gone.outputs if path.is_dir()]
        for path in gone.outputs:
            if path in folders:
                continue
            if path.name in recorded and _same_content(path, *recorded[path.name]):
                path.unlink()
            else:
                kept.append(path)
        for path in folders:
            if path.with_name(path.name.removesuffix("_files") + ".html") in kept:
                kept.append(path)
            else:
                shutil.rmtree(path)
        with self._transaction():
            self._db.execute("DELETE FROM outputs WHERE source = ?", (gone.source,))
            self._db.execute("DELETE FROM dependencies WHERE source = ?", (gone.source,))
        return kept


def outputs_built_in(folder: Path) -> dict[str, str]:
    """The files in `folder` that its manifest records as outputs, each with the input it was built from (none
    when the folder holds no manifest). Read only: the folder may be another build's output folder."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT output, source FROM outputs WHERE output IS NOT NULL").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return {}
    return dict(rows)


def plan(
    manifest: Manifest, sources: Sequence[Source], options: BuildOptions, force: bool
) -> tuple[list[tuple[Source, tuple[str, ...]]], list[Source]]:
    """(inputs to build, each with the formats it needs), (inputs whose outputs are all current)."""
    build: list[tuple[Source, tuple[str, ...]]] = []
    unchanged: list[Source] = []
    for source in sources:
        formats = options.formats if force else manifest.stale_formats(source, options)
        if formats:
            build.append((source, formats))
        else:
            unchanged.append(source)
    return build, unchanged


def _file_state(path: Path) -> tuple[str, int | None, int | None, str | None]:
    """(absolute path, size, modification time, sha256); all None but the path for a file that is absent."""
    try:
        stat = os.stat(path)
        return os.path.abspath(path), stat.st_size, stat.st_mtime_ns, file_hash(path)
    except FileNotFoundError:
        return os.path.abspath(path), None, None, None


def _same_content(path: Path, size: int | None, mtime_ns: int | None, sha: str | None) -> bool:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return sha is None
    if sha is None or not path.is_file():
        return False
    if stat.st_size == size and stat.st_mtime_ns == mtime_ns:
        return True
    return stat.st_size == size and file_hash(path) == sha


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception (the connection runs in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> sqlite3.Connection:
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, kind: object, *exc: object) -> None:
        self._db.execute("ROLLBACK" if kind is not None else "COMMIT")
