"""The learner's workspace: where starters are written, reports land, and progress is remembered."""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from pathlib import Path

from .results import GradeResult, write_atomic

WORKSPACE_ENV = "CNN_GRADER_WORKSPACE"
DEFAULT_DIR = "cnn-workspace"
PROGRESS_FILE = ".progress.json"
MAX_PROGRESS_BYTES = 1 << 20
_SCORES = ("best_score", "max_score", "last_score")
_COUNTS = ("attempts", "hints_seen")


def default_root() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV) or DEFAULT_DIR)


class Workspace:
    """Files under one folder: `<id>.py` learner code, `reports/`, and `.progress.json`."""

    def __init__(self, root: Path | None = None):
        self.root = root or default_root()

    def submission_path(self, item_id: str) -> Path:
        return self.root / f"{item_id.replace('-', '_')}.py"

    def report_path(self, item_id: str, suffix: str) -> Path:
        folder = self.root / "reports"
        if folder.is_symlink():  # never write through a link out of the workspace: a real folder replaces it
            _notice(folder, "is a link; it is replaced by a folder of the workspace's own.")
            try:
                folder.unlink()
            except OSError:
                pass
        return folder / f"{item_id}.{suffix}"

    # --- progress --------------------------------------------------------
    def _progress_path(self) -> Path:
        return self.root / PROGRESS_FILE

    def load_progress(self) -> dict:
        """The remembered scores and hints, every field checked; a damaged file is ignored (with a one-line notice)
        and rebuilt on the next save, never followed out of the workspace or allowed to hang or crash a command."""
        raw = _read_state_file(self._progress_path())
        if raw is None:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past the parser's limit
            data = None
        if not isinstance(data, dict):
            _notice(self._progress_path())
            return {}
        return {key: _checked_entry(entry) for key, entry in data.items() if isinstance(entry, dict)}

    def _save_progress(self, data: dict) -> None:
        try:
            write_atomic(self._progress_path(), json.dumps(data, indent=2, sort_keys=True))
        except OSError:
            pass  # progress is a convenience; never fail a grading run because of it

    def entry(self, item_id: str) -> dict:
        entry = self.load_progress().get(item_id, {})
        return entry if isinstance(entry, dict) else {}

    def record(self, result: GradeResult) -> None:
        data = self.load_progress()
        entry = data.get(result.exercise) if isinstance(data.get(result.exercise), dict) else {}
        best = entry.get("best_score")
        if not isinstance(best, (int, float)) or result.score >= best:
            entry["best_score"] = result.score
        entry["max_score"] = result.max_score
        entry["last_score"] = result.score
        entry["attempts"] = entry.get("attempts", 0) + 1
        data[result.exercise] = entry
        self._save_progress(data)

    def next_hint_index(self, item_id: str) -> int:
        seen = self.entry(item_id).get("hints_seen", 0)
        return seen if isinstance(seen, int) and seen >= 0 else 0

    def mark_hint_seen(self, item_id: str, count: int) -> None:
        data = self.load_progress()
        entry = data.get(item_id) if isinstance(data.get(item_id), dict) else {}
        entry["hints_seen"] = count
        data[item_id] = entry
        self._save_progress(data)


def _read_state_file(path: Path) -> bytes | None:
    """The bytes of a workspace state file; None when it is missing, and a notice when it is not a regular file of
    a sane size (a link, a FIFO, a folder, too large). Saving replaces a link or a file, never what a link names."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        _notice(path)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PROGRESS_BYTES:
            _notice(path)
            return None
        return os.read(fd, MAX_PROGRESS_BYTES + 1)
    except OSError:
        _notice(path)
        return None
    finally:
        os.close(fd)


def _checked_entry(entry: dict) -> dict:
    """One exercise's progress with only the fields we write, each of its type (finite numbers, counts >= 0)."""
    checked = {}
    for key in _SCORES:
        value = entry.get(key)
        if type(value) in (int, float) and math.isfinite(value):
            checked[key] = value
    for key in _COUNTS:
        value = entry.get(key)
        if type(value) is int and 0 <= value < 1 << 31:
            checked[key] = value
    return checked


_noticed: set[str] = set()


def _notice(path: Path, problem: str = "is damaged or not a plain file, so it is ignored: remembered scores and "
                                      "hints start over.") -> None:
    if str(path) not in _noticed:  # one line per file and run
        _noticed.add(str(path))
        print(f"grade: note: {path} {problem}", file=sys.stderr)
