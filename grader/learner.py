"""The learner's commands: grade an exercise, start it, list progress, show hints, watch a file."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .errors import EXIT_FAILED, EXIT_OK, UsageError
from .exercise import Exercise, exercise_paths, find_exercise, load_exercise
from .report_terminal import format_summary, use_color
from .results import GradeResult, write_atomic
from .workspace import Workspace


def write_outputs(result: GradeResult, json_path: Path | None, html_path: Path | None) -> None:
    if json_path:
        write_atomic(json_path, result.to_json())
    if html_path:
        from .report_html import write_html
        write_html(result, html_path)


def _submission(exercise: Exercise, workspace: Workspace, given: str | None) -> Path:
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError(f"there is no file {given} to grade.")
        return path
    path = workspace.submission_path(exercise.id)
    if not path.exists():
        _write_starter(exercise, path)
        print(f"Created your starter file {path}: write {exercise.entry.name} there, then grade again.")
    return path


def _write_starter(exercise: Exercise, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, exercise.starter)


def grade_once(args, exercise: Exercise | None = None) -> GradeResult:
    from .runner import grade
    exercise = exercise or find_exercise(args.exercise_id)
    workspace = Workspace(args.workspace)
    submission = _submission(exercise, workspace, getattr(args, "submission", None))
    result = grade(exercise, submission, seed=getattr(args, "seed", None), shown_as=str(submission))
    json_path = Path(args.json) if getattr(args, "json", None) else workspace.report_path(exercise.id, "json")
    html_path = Path(args.html) if getattr(args, "html", None) else workspace.report_path(exercise.id, "html")
    write_outputs(result, json_path, html_path)
    workspace.record(result)
    print(format_summary(result, color=use_color()))
    print(f"Report: {html_path}")
    return result


def cmd_exercise(args) -> int:
    result = grade_once(args)
    return EXIT_OK if result.all_passed else EXIT_FAILED


def cmd_start(args) -> int:
    exercise = find_exercise(args.exercise_id)
    path = Workspace(args.workspace).submission_path(exercise.id)
    if path.exists() and not args.force:
        print(f"{path} already exists: your work is kept. Use --force to start over from the starter.")
        return EXIT_OK
    _write_starter(exercise, path)
    print(f"Wrote the starter for {exercise.id} to {path}.")
    print(f"Write {exercise.entry.name} there, then run `grade {exercise.id}`.")
    return EXIT_OK


def cmd_list(args) -> int:
    workspace = Workspace(args.workspace)
    rows = []
    for path in exercise_paths():
        exercise = load_exercise(path, check_references=False)
        rows.append((exercise.id, exercise.title, workspace.entry(exercise.id), exercise.max_score))
    try:
        from .quiz.catalog import list_quizzes
        quizzes = list_quizzes()
    except ImportError:
        quizzes = []
    for quiz_id, title, max_score in quizzes:
        rows.append((quiz_id, title, workspace.entry(quiz_id), max_score))
    width = max((len(row[0]) for row in rows), default=10)
    for item_id, title, entry, max_score in rows:
        best = entry.get("best_score")
        score = f"{best:g}/{max_score:g}" if isinstance(best, (int, float)) else f"-/{max_score:g}"
        print(f"{item_id:<{width}}  {score:>9}  {title}")
    return EXIT_OK


def cmd_hint(args) -> int:
    exercise = find_exercise(args.exercise_id)
    workspace = Workspace(args.workspace)
    if not exercise.hints:
        print(f"{exercise.id} has no hints. Its concept text: `grade start {exercise.id}` and read the docstring.")
        return EXIT_OK
    index = workspace.next_hint_index(exercise.id)
    if index >= len(exercise.hints):
        print(f"That was the last hint ({len(exercise.hints)} of {len(exercise.hints)}). Here it is again:")
        index = len(exercise.hints) - 1
    print(f"Hint {index + 1} of {len(exercise.hints)}: {exercise.hints[index]}")
    workspace.mark_hint_seen(exercise.id, index + 1)
    return EXIT_OK


def cmd_watch(args) -> int:
    """Re-grade whenever the file's modification time changes; Ctrl-C stops cleanly."""
    exercise = find_exercise(args.exercise_id)
    workspace = Workspace(args.workspace)
    path = _submission(exercise, workspace, args.submission)
    args.submission = str(path)
    args.json = args.html = args.seed = None
    print(f"Watching {path}; save it to re-grade. Ctrl-C stops.")
    last = None
    try:
        while True:
            try:
                stamp = path.stat().st_mtime_ns
            except OSError:
                stamp = None
            if stamp is not None and stamp != last:
                last = stamp
                grade_once(args, exercise)
                print(f"\nWatching {path} (Ctrl-C stops).", flush=True)
            time.sleep(max(0.1, args.interval))
    except KeyboardInterrupt:
        print("\nStopped watching.")
        sys.stdout.flush()
        return EXIT_OK
