"""Outputs commit together or not at all, and never replace an input.

The outputs of one input (its files and its asset folder) are one *unit*, named after the input's stem. In the
output folder, with `U` the unit:

1. lock `.U.exporter-lock` (flock): one writer per unit; a lock file nobody holds was left by a killed build;
2. recover: an earlier commit of U that was interrupted is rolled back (or, if it had reached its commit point,
   finished), and its temporaries are removed;
3. stage: every new file and the asset folder are written under `.U.exporter-staging/` and synced to disk;
4. journal: `.U.exporter-journal` names each target and whether it existed, written atomically. From here on, a
   crash is undone by step 2 of the next run (and a failure by step 2 at once);
5. swap: each existing target is moved into `.U.exporter-backup/`, then its new version from staging into place;
6. commit point: the journal is rewritten as committed (atomically);
7. clean up: backup, staging and journal are removed, the lock is released and removed.

`recover_folder` runs step 2 for every unit of a folder whose lock nobody holds: the CLI calls it on start-up,
so the next run puts the earlier good state back even when it builds something else.

Fault injection for tests (CI runs as root, so chmod cannot make a folder unwritable): `EXPORTER_FAULT_INJECT`
is `ACTION[@STEP]`, ACTION one of `ENOSPC`, `EACCES` (raise that error) or `kill` (SIGKILL this process), STEP a
step name (`stage`, `journal`, `backup`, `install`, `committed`, `clean`, optionally `:NAME` of one target) or
`#N` (the N-th step reached); without a step, every staging write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from exporter.errors import ExportError

_FAULT_ENV = "EXPORTER_FAULT_INJECT"
_steps_reached = 0
_TEMPORARY = re.compile(r"^\.(?P<unit>.+)\.exporter-(?:lock|journal|journal\.part|staging|backup)$")


def write_outputs(
    out_dir: Path,
    files: dict[str, bytes],
    asset_dirs: dict[str, dict[str, bytes]],
    *,
    unit: str | None = None,
    inputs: Iterable[Path] = (),
) -> list[Path]:
    """Write `files` (name -> bytes) and `asset_dirs` (folder name -> {relative name -> bytes}) into out_dir as
    one unit (see the module notes). Refused, with nothing written, when a target is one of `inputs` or holds
    one; on any failure the earlier outputs stay as they were."""
    unit = unit or Path(next(iter(files))).stem
    refuse_replacing_inputs(out_dir, [*files, *asset_dirs], inputs)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with _unit_lock(out_dir, unit, wait=True):
            _recover(out_dir, unit)
            try:
                _stage(out_dir, unit, files, asset_dirs)
                _swap(out_dir, unit, [*files, *asset_dirs])
            except OSError:
                _recover(out_dir, unit)  # what the next run would do, done now
                raise
    except OSError as error:
        raise ExportError(f"cannot write output: {error.strerror or error}", file=out_dir) from None
    return [out_dir / name for name in files]


class InputFiles:
    """The files that are inputs and the folders that hold them, by device and inode (the same file under any
    name: symbolic links, hard links, case-insensitive names), found once, so that checking the outputs of a
    whole archive against all its inputs costs one look-up per output instead of one per input."""

    def __init__(self, inputs: Iterable[Path]) -> None:
        self.files: dict[tuple[int, int], Path] = {}
        self.folders: dict[tuple[int, int], Path] = {}
        seen_folders: set[Path] = set()
        for path in inputs:
            key = _identity(path)
            if key is None:
                continue
            self.files.setdefault(key, path)
            for parent in path.resolve().parents:
                if parent in seen_folders:
                    break  # its parents are in too
                seen_folders.add(parent)
                if (folder := _identity(parent)) is not None:
                    self.folders.setdefault(folder, path)


def refuse_replacing_inputs(out_dir: Path, names: Iterable[str], inputs: Iterable[Path] | InputFiles) -> None:
    """An output that is an input (after symbolic links, hard links and case-insensitive names: the same file
    on disk), or an asset folder holding one, is refused: a build must never destroy its own source."""
    known = inputs if isinstance(inputs, InputFiles) else InputFiles(inputs)
    for name in names:
        target = out_dir / name
        key = _identity(target)
        if key is None:
            continue
        if key in known.files:
            raise ExportError(
                f"the output {target} would replace this input (an output never replaces an input); "
                "write the output elsewhere",
                file=known.files[key],
            )
        if key in known.folders and target.is_dir():
            raise ExportError(
                f"the output folder {target} would replace the folder holding this input (an output never "
                "replaces an input); write the output elsewhere",
                file=known.folders[key],
            )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def recover_folder(out_dir: Path) -> None:
    """Roll back (or finish) every interrupted commit in `out_dir` and remove its temporaries; units another
    process is writing right now are left alone."""
    try:
        names = os.listdir(out_dir)
    except OSError:
        return
    units = sorted({match["unit"] for name in names if (match := _TEMPORARY.match(name))})
    for unit in units:
        try:
            with _unit_lock(out_dir, unit, wait=False) as held:
                if held:
                    _recover(out_dir, unit)
        except OSError as error:
            raise ExportError(
                f"cannot recover an interrupted build ({error.strerror or error})", file=out_dir / unit
            ) from None


# ---------------------------------------------------------------- the protocol


def _paths(out_dir: Path, unit: str) -> tuple[Path, Path, Path]:
    staging, backup, journal = (out_dir / f".{unit}.exporter-{kind}" for kind in ("staging", "backup", "journal"))
    return staging, backup, journal


def _stage(out_dir: Path, unit: str, files: dict[str, bytes], asset_dirs: dict[str, dict[str, bytes]]) -> None:
    staging, _, _ = _paths(out_dir, unit)
    staging.mkdir()
    for name, data in files.items():
        _fault(f"stage:{name}")
        _write_synced(staging / name, data)
    for folder_name, assets in asset_dirs.items():
        folder = staging / folder_name
        folder.mkdir()
        for relative, data in sorted(assets.items()):
            target = folder / relative
            if not target.resolve().is_relative_to(folder.resolve()):
                raise OSError(errno.EINVAL, f"asset name {relative!r} leaves its folder")
            _fault(f"stage:{folder_name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_synced(target, data)
        os.chmod(folder, 0o755)
    _sync_folder(staging)


def _swap(out_dir: Path, unit: str, names: list[str]) -> None:
    staging, backup, journal = _paths(out_dir, unit)
    targets = []
    for name in names:
        target = out_dir / name
        existed = os.path.lexists(target)
        if existed and _is_real_folder(target) != _is_real_folder(staging / name):
            kind = "folder" if _is_real_folder(target) else "file"
            raise OSError(errno.EEXIST, f"a {kind} is in the way of {name}; nothing was replaced")
        targets.append({"name": name, "existed": existed})
    _fault("journal")
    _write_journal(journal, {"targets": targets, "committed": False})
    backup.mkdir()
    for entry in targets:
        name = entry["name"]
        if entry["existed"]:
            _fault(f"backup:{name}")
            os.rename(out_dir / name, backup / name)
        _fault(f"install:{name}")
        os.rename(staging / name, out_dir / name)
    _sync_folder(out_dir)
    _write_journal(journal, {"targets": targets, "committed": True})
    # Committed: the outputs are complete. What cleaning up leaves behind, the next run's recovery removes.
    with contextlib.suppress(OSError):
        _fault("committed")
        _clean(out_dir, unit)
        _fault("clean")


def _recover(out_dir: Path, unit: str) -> None:
    """Undo (or finish) an interrupted commit of `unit`, then remove its temporaries."""
    _, _, journal = _paths(out_dir, unit)
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
        targets = [entry for entry in state["targets"] if _plain_name(entry["name"])]
        committed = state["committed"] is True
    except FileNotFoundError:
        targets, committed = [], False
    except (OSError, ValueError, KeyError, TypeError):
        # Only a complete journal is ever renamed into place: an unreadable one is not ours to act on.
        raise OSError(errno.EIO, f"the journal {journal.name} is unreadable; move it away to continue") from None
    if targets and not committed:
        _roll_back(out_dir, unit, targets)
    _clean(out_dir, unit)


def _roll_back(out_dir: Path, unit: str, targets: list[dict]) -> None:
    """Put every target back as it was: the saved version where there is one, nothing where there was none."""
    _, backup, _ = _paths(out_dir, unit)
    for entry in targets:
        target, saved = out_dir / entry["name"], backup / entry["name"]
        if os.path.lexists(saved):
            if os.path.lexists(target):
                _remove(target)
            os.rename(saved, target)
        elif not entry["existed"] and os.path.lexists(target):
            _remove(target)
    _sync_folder(out_dir)


def _clean(out_dir: Path, unit: str) -> None:
    staging, backup, journal = _paths(out_dir, unit)
    for path in (backup, staging):
        if os.path.lexists(path):
            _remove(path)
    journal.with_name(journal.name + ".part").unlink(missing_ok=True)
    journal.unlink(missing_ok=True)


# ---------------------------------------------------------------- file system helpers


@contextmanager
def _unit_lock(out_dir: Path, unit: str, *, wait: bool) -> Iterator[bool]:
    """Hold `.U.lock`. The holder removes the file before releasing it, so a waiter that locked a file since
    removed tries again on the new one."""
    path = out_dir / f".{unit}.exporter-lock"
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(handle)
            yield False
            return
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(current, os.fstat(handle)):
            break
        os.close(handle)
    try:
        yield True
    finally:
        path.unlink(missing_ok=True)
        os.close(handle)


def _write_synced(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)
    os.chmod(path, 0o644)


def _write_journal(journal: Path, state: dict) -> None:
    temporary = journal.with_name(journal.name + ".part")
    temporary.unlink(missing_ok=True)
    _write_synced(temporary, json.dumps(state).encode())
    os.replace(temporary, journal)
    _sync_folder(journal.parent)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _remove(path: Path) -> None:
    if _is_real_folder(path):
        shutil.rmtree(path)
    else:
        path.unlink()


def _plain_name(name: object) -> bool:
    """A journal names targets directly inside the output folder, nothing else."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\x00" not in name


def _fault(step: str) -> None:
    global _steps_reached
    _steps_reached += 1
    spec = os.environ.get(_FAULT_ENV)
    if not spec:
        return
    action, _, where = spec.partition("@")
    where = where or "stage"
    if where.startswith("#"):
        if not where[1:].isdigit() or _steps_reached != int(where[1:]):
            return
    elif where and step != where and not step.startswith(where + ":"):
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "ENOSPC":
        raise OSError(errno.ENOSPC, "No space left on device", step)
    elif action == "EACCES":
        raise PermissionError(errno.EACCES, "Permission denied", step)
