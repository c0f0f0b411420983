"""The learner's workspace: where starters are written, reports land, and progress is remembered."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .results import GradeResult, write_atomic

WORKSPACE_ENV = "CNN_GRADER_WORKSPACE"
DEFAULT_DIR = "cnn-workspace"
PROGRESS_FILE = ".progress.json"


def default_root() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV) or DEFAULT_DIR)


class Workspace:
    """Files under one folder: `<id>.py` learner code, `reports/`, and `.progress.json`."""

    def __init__(self, root: Path | None = None):
        self.root = root or default_root()

    def submission_path(self, item_id: str) -> Path:
        return self.root / f"{item_id.replace('-', '_')}.py"

    def report_path(self, item_id: str, suffix: str) -> Path:
        return self.root / "reports" / f"{item_id}.{suffix}"

    # --- progress --------------------------------------------------------
    def _progress_path(self) -> Path:
        return self.root / PROGRESS_FILE

    def load_progress(self) -> dict:
        try:
            data = json.loads(self._progress_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a missing or damaged progress file only costs the remembered scores
        return data if isinstance(data, dict) else {}

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
        entry["attempts"] = int(entry.get("attempts", 0) or 0) + 1
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
