"""The files a command writes: the paths a user gives (--json, --html, --out, OUTDIR, --workspace) are checked
before any work is done, and one function writes the --json/--html reports of every command."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import UsageError
from ..results import GradeResult, write_atomic


def _nearest_existing(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path("/")


def _check_parent(path: Path, option: str) -> None:
    parent = _nearest_existing(path)
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: {parent} is a file, so nothing can be written under it.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot write in {parent} (permission denied). Choose another place.")
    try:  # permissions are not everything (root, /proc, a read-only disk): make a file there and remove it
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as err:
        raise UsageError(f"{option} {path}: no file can be written in {parent} ({err.strerror or 'refused'}). "
                         "Choose another place.") from None


def check_output_file(path: str | Path, option: str, example: str = "result.json") -> Path:
    """A file we are about to write: not a folder, and its folder can be made and written."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder; give a file name, e.g. {path / example}.")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{option} {path}: the file is read-only (permission denied). Choose another file.")
    _check_parent(path, option)
    return path


def check_output_dir(path: str | Path, option: str) -> Path:
    """A folder we are about to fill: a folder or nothing yet, somewhere writable."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file; give a folder (it is created if needed).")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {path}: cannot write in this folder (permission denied).")
        return path
    _check_parent(path, option)
    return path


def check_not_inside(out: str | Path, folder: str | Path, option: str, what: str) -> None:
    """Refuse an output folder inside an input folder (it would be read back as input next time)."""
    out_abs, folder_abs = Path(out).resolve(), Path(folder).resolve()
    if out_abs == folder_abs or folder_abs in out_abs.parents:
        raise UsageError(f"{option} {out} is inside {what} {folder}; it would be read as input on the next run. "
                         "Choose a folder outside it.")


def write_reports(result: GradeResult, json_path: Path | None = None, html_path: Path | None = None) -> None:
    """Write the result's JSON and HTML reports (each only when given): --json/--html of `grade EXERCISE` and
    `grade quiz`, and a batch learner's result.json and report.html."""
    if json_path:
        _write(json_path, lambda: write_atomic(json_path, result_json(result)))
    if html_path:
        from .html import render_html  # NumPy (heatmaps) and Jinja2 load only when a report is written
        _write(html_path, lambda: write_atomic(html_path, render_html(result)))


def result_json(result: GradeResult) -> str:
    """A result file's text: the one serialization, ending in a newline like every text file the grader writes."""
    return result.to_json() + "\n"


def _write(path: Path, write) -> None:
    try:
        write()
    except OSError as err:  # its file name is a temporary file beside the target: name the user's path instead
        raise UsageError(f"cannot write {path} ({err.strerror or type(err).__name__}). "
                         "Check the path and its permissions.") from None
