"""Outputs are written atomically: a temp file beside the target, then a rename. A failed export leaves
nothing half-written and keeps an earlier good file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from exporter.errors import ExportError

# Fault injection for tests (CI runs as root, so chmod cannot make a folder unwritable).
_FAULT_ENV = "EXPORTER_FAULT_INJECT"


def _check_fault(target: Path) -> None:
    fault = os.environ.get(_FAULT_ENV)
    if fault == "ENOSPC":
        raise OSError(28, "No space left on device", str(target))
    if fault == "EACCES":
        raise PermissionError(13, "Permission denied", str(target))


def _write_temp_file(folder: Path, name: str, data: bytes) -> Path:
    handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            _check_fault(temp)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_outputs(
    out_dir: Path, files: dict[str, bytes], asset_dirs: dict[str, dict[str, bytes]]
) -> list[Path]:
    """Write `files` (name -> bytes) and `asset_dirs` (folder name -> {relative name -> bytes}) into out_dir.

    Everything is staged in temp files first; targets are replaced only when all staging succeeded.
    """
    staged_files: list[tuple[Path, Path]] = []
    staged_dirs: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            staged_files.append((_write_temp_file(out_dir, name, data), out_dir / name))
        for folder_name, assets in asset_dirs.items():
            temp_dir = Path(tempfile.mkdtemp(prefix=f".{folder_name}.", suffix=".part", dir=out_dir))
            staged_dirs.append((temp_dir, out_dir / folder_name))
            for relative, data in sorted(assets.items()):
                target = temp_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                _check_fault(target)
                target.write_bytes(data)
            os.chmod(temp_dir, 0o755)
        return _commit(staged_files, staged_dirs)
    except OSError as error:
        for temp, _ in staged_files:
            temp.unlink(missing_ok=True)
        for temp_dir, _ in staged_dirs:
            shutil.rmtree(temp_dir, ignore_errors=True)
        raise ExportError(f"cannot write output: {error.strerror or error}", file=out_dir) from None


def _commit(staged_files: list[tuple[Path, Path]], staged_dirs: list[tuple[Path, Path]]) -> list[Path]:
    """Rename the staged files into place. An asset folder that cannot be swapped in is put back as it was."""
    for temp_dir, target in staged_dirs:
        if target.exists() and not target.is_dir():
            raise OSError(17, "a file is in the way of the asset folder", str(target))
        old = target.with_name(f".{target.name}.old")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        try:
            temp_dir.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    written = []
    for temp, target in staged_files:
        os.replace(temp, target)
        written.append(target)
    return written
