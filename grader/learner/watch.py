"""`grade watch EXERCISE-ID`: grade now, then again whenever the file is saved, until Ctrl-C."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from ..errors import EXIT_OK, GraderError
from ..sandbox.client import discard_spare, prestart
from ..sandbox.launch import resolve_sandbox
from ..spec.catalog import find_exercise
from ..spec.model import Exercise
from .files import open_workspace, submission_file
from .grade import SAVE_TO_GRADE, grade_once


class FileWatcher:
    """Polls a file's (mtime, size). A change counts once it holds for two polls in a row, so a save
    in progress is graded once, when it is done; a file briefly missing (editors that write and
    rename) is simply waited for."""

    def __init__(self, path: Path):
        self.path = path
        self.graded = self._signature()
        self.pending = None
        self.missing_polls = 0

    def _signature(self):
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def poll(self) -> bool:
        """True when the file has changed since it was last graded and has stopped changing."""
        current = self._signature()
        self.missing_polls = self.missing_polls + 1 if current is None else 0
        if current is None or current == self.graded:
            self.pending = None
            return False
        if current != self.pending:
            self.pending = current  # seen for the first time: wait one more poll
            return False
        self.graded, self.pending = current, None
        return True


SETTLE = 0.02  # after a change is first seen, look again this soon: a save in progress is over by then


def watch_exercise(exercise_id: str, *, submission: Path | None, interval: float, workspace: Path | None) -> int:
    """Ctrl-C stops cleanly with exit code 0. The grader stays warm between rounds: its imports are done once, and
    the reference's outputs on the cases (the same inputs every round) are computed once."""
    from ..grading.references import remember_references
    exercise = find_exercise(exercise_id)
    path = submission_file(exercise, open_workspace(workspace), submission, then=SAVE_TO_GRADE)
    interval = max(0.01, interval)
    remember_references()
    sandbox, line = resolve_sandbox(None)  # the same default as `grade ID`, decided once for the whole watch
    if sandbox == "standard" and line:
        print(line, file=sys.stderr)
    warned_missing = False
    try:
        watcher = FileWatcher(path)
        _watch_round(exercise, path, workspace, "graded", sandbox)
        while True:
            time.sleep(SETTLE if watcher.pending else interval)
            if watcher.poll():
                warned_missing = False
                _watch_round(exercise, path, workspace, "re-graded", sandbox)
            elif watcher.missing_polls * interval >= 2 and not warned_missing:
                warned_missing = True
                print(f"{path} is missing; waiting for it to come back.", flush=True)
    except KeyboardInterrupt:
        print("\nStopped watching. `grade list` shows your progress.", flush=True)
        return EXIT_OK
    finally:
        discard_spare()


def _watch_round(exercise: Exercise, path: Path, workspace: Path | None, reason: str, sandbox: str) -> None:
    if sys.stdout.isatty():
        print("\033[2J\033[H", end="")  # clear the screen, like rustlings
    print(f"── {reason} at {datetime.now():%H:%M:%S} " + "─" * 40)
    try:
        grade_once(exercise, submission=path, json_path=None, html_path=None, seed=None, sandbox=sandbox,
                   workspace=workspace, watching=True)
    except GraderError as err:  # e.g. the file vanished between the poll and the grading
        print(f"grade: {err.message}")
    print(f"\nWatching {path}: save it to grade again; Ctrl-C stops.", flush=True)
    prestart(sandbox, exercise.limits)  # the next round's worker loads Python and NumPy while the learner edits
