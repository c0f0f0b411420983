"""The learner's commands: grade an exercise, start it, list progress, show hints, watch a file."""

from __future__ import annotations

import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

from ..errors import EXIT_FAILED, EXIT_OK, GraderError, UsageError
from ..spec.exercise import Exercise, exercise_paths, find_exercise, load_exercise
from ..reports.output_paths import check_output_dir, check_output_file
from ..reports.terminal import format_summary, use_color
from ..results import GradeResult, write_atomic
from ..workspace import Workspace


def write_outputs(result: GradeResult, json_path: Path | None, html_path: Path | None) -> None:
    if json_path:
        _write(json_path, lambda: write_atomic(json_path, result.to_json()))
    if html_path:
        from ..reports.html import write_html
        _write(html_path, lambda: write_html(result, html_path))


def _write(path: Path, write) -> None:
    try:
        write()
    except OSError as err:  # its file name is a temporary file beside the target: name the user's path instead
        raise UsageError(f"cannot write {path} ({err.strerror or type(err).__name__}). "
                         "Check the path and its permissions.") from None


def _submission(exercise: Exercise, workspace: Workspace, given: str | None, then: str = "grade again") -> Path:
    if given:
        path = Path(given)
        if path.is_dir():
            raise UsageError(_folder_given(given, path, workspace.submission_path(exercise.id).name))
        if not path.is_file():
            raise UsageError(f"there is no file {given} to grade.")
        if path.suffix != ".py":  # Python imports only .py files; anything else would fail with a riddle
            raise UsageError(f"--submission {given}: the file to grade must be a Python file ending in .py.")
        return path
    path = workspace.submission_path(exercise.id)
    if not path.exists():
        _write_starter(exercise, path)
        print(f"Created your starter file {path}: write {exercise.entry.name} there, then {then}.")
    return path


def _folder_given(given: str, folder: Path, usual_name: str) -> str:
    """--submission names a folder: say which file in it to pass."""
    names = sorted(path.name for path in folder.glob("*.py"))
    message = f"--submission {given} is a folder; give the Python file to grade"
    if usual_name in names:
        return f"{message}: --submission {folder / usual_name}"
    if not names:
        return f"{message} (this folder holds no .py file)."
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{message}, e.g. --submission {folder / names[0]} (the folder holds {listed})."


def _workspace(args) -> Workspace:
    workspace = Workspace(getattr(args, "workspace", None))
    check_output_dir(workspace.root, "--workspace" if getattr(args, "workspace", None) else "the workspace")
    return workspace


def _write_starter(exercise: Exercise, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, exercise.starter)


def grade_once(args, exercise: Exercise | None = None, watching: bool = False) -> GradeResult:
    from ..grading.runner import grade
    exercise = exercise or find_exercise(args.exercise_id)
    workspace = _workspace(args)
    json_path = Path(args.json) if getattr(args, "json", None) else workspace.report_path(exercise.id, "json")
    html_path = Path(args.html) if getattr(args, "html", None) else workspace.report_path(exercise.id, "html")
    check_output_file(json_path, "--json", "result.json")  # before grading: a bad path must not cost a run
    check_output_file(html_path, "--html", "report.html")
    submission = _submission(exercise, workspace, getattr(args, "submission", None))
    result = grade(exercise, submission, seed=getattr(args, "seed", None), shown_as=str(submission),
                   sandbox=getattr(args, "sandbox", None) or "standard")
    if watching:
        _say_save(result)
    workspace.record(result)
    print(format_summary(result, color=use_color()))
    write_outputs(result, json_path, html_path)  # after the summary: a path that fails late costs no result
    print(f"Report: {html_path}")
    print(next_step(result, exercise, workspace))
    return result


def next_step(result: GradeResult, exercise: Exercise, workspace: Workspace) -> str:
    """One line saying what to do now: the next exercise when this one is solved, else where to look."""
    if result.all_passed:
        command = next_command(workspace)
        return f"Solved! Next: `{command}`." if command else \
            "Solved! That was the last unsolved exercise: `grade list` shows your progress and the quizzes."
    seen = workspace.next_hint_index(exercise.id)
    if exercise.hints and seen < len(exercise.hints):
        return f"Stuck? `grade hint {exercise.id}` shows hint {seen + 1} of {len(exercise.hints)}."
    return "The HTML report shows the failing public cases in detail."


# --- grade start ---------------------------------------------------------------------------------

def cmd_exercise(args) -> int:
    result = grade_once(args)
    return EXIT_OK if result.all_passed else EXIT_FAILED


def cmd_start(args) -> int:
    exercise = find_exercise(args.exercise_id)
    path = _workspace(args).submission_path(exercise.id)
    if path.exists() and not args.force:
        print(f"{path} already exists: your work is kept. Use --force to start over from the starter.")
        return EXIT_OK
    _write_starter(exercise, path)
    print(f"Wrote the starter for {exercise.id} to {path}.")
    print(f"Write {exercise.entry.name} there, then run `grade {exercise.id}` (or `grade watch {exercise.id}`).")
    return EXIT_OK


# --- grade list ----------------------------------------------------------------------------------

def _exercise_rows() -> list[tuple[str, str, float | None]]:
    """(id, title, max score) for every exercise; a broken definition shows up with max score None."""
    rows = []
    for path in exercise_paths():
        try:
            exercise = load_exercise(path, check_references=False)
            rows.append((exercise.id, exercise.title, exercise.max_score))
        except GraderError as err:
            rows.append((path.stem, f"(cannot be loaded — please tell your instructor: {err.message})", None))
    return rows


def _quiz_rows() -> list[tuple[str, str, float | None]]:
    try:
        from ..quiz.catalog import quiz_paths
        from ..quiz.model import load_quiz
    except ImportError:  # quizzes are optional in a course
        return []
    rows = []
    for path in quiz_paths():
        try:
            quiz = load_quiz(path)
            rows.append((quiz.id, quiz.title, sum(question.points for question in quiz.questions)))
        except GraderError as err:
            rows.append((path.stem, f"(cannot be loaded — please tell your instructor: {err.message})", None))
    return rows


def _solved(entry: dict, max_score: float | None) -> bool:
    best = entry.get("best_score")
    return max_score is not None and isinstance(best, (int, float)) and best >= max_score - 1e-9


def next_exercise(workspace: Workspace) -> str | None:
    """The first unsolved exercise in curriculum order, or None when all are solved. The one rule behind both
    `grade list`'s "Next:" and the advice after solving an exercise, so the two never disagree.

    Solved is judged from the progress file, which stores each graded exercise's max score, so only the
    candidate's definition is read: loading all of them cost ~0.1 s on every grading run."""
    for path in exercise_paths():
        entry = workspace.entry(path.stem)
        if _solved(entry, entry.get("max_score")):
            continue
        try:
            load_exercise(path, check_references=False)
        except GraderError:
            continue  # a broken definition is never suggested; `grade list` shows it
        return path.stem
    return None


def started(workspace: Workspace, exercise_id: str) -> bool:
    return workspace.submission_path(exercise_id).exists() or bool(workspace.entry(exercise_id))


def next_command(workspace: Workspace, upcoming: str | None = None) -> str | None:
    """`grade start ID` for the next exercise (or `upcoming`, already found) if its file is not written yet, else
    `grade ID`; None when every exercise is solved."""
    upcoming = upcoming or next_exercise(workspace)
    if upcoming is None:
        return None
    return f"grade {upcoming}" if started(workspace, upcoming) else f"grade start {upcoming}"


def cmd_list(args) -> int:
    workspace = Workspace(args.workspace)
    exercises, quizzes = _exercise_rows(), _quiz_rows()
    upcoming = next_exercise(workspace)
    color = use_color()
    width = max((len(row[0]) for row in exercises + quizzes), default=10)
    for heading, rows in (("Exercises", exercises), ("Quizzes", quizzes)):
        if not rows:
            continue
        print(heading)
        for item_id, title, max_score in rows:
            entry = workspace.entry(item_id)
            best = entry.get("best_score")
            total = "?" if max_score is None else f"{max_score:g}"
            score = f"{best:g}/{total}" if isinstance(best, (int, float)) else f"-/{total}"
            mark = "✓" if _solved(entry, max_score) else "→" if item_id == upcoming else " "
            if color and mark == "✓":
                mark = "\033[32m✓\033[0m"
            print(f"  {mark} {item_id:<{width}}  {score:>7}  {title}")
    if not exercises and not quizzes:
        print("No exercises or quizzes are installed.")
    elif upcoming:
        print(f"Next: `{next_command(workspace, upcoming)}`.")
    elif exercises:
        print("Every exercise is solved. Well done!" + (f" Try `grade quiz {quizzes[0][0]}`." if quizzes else ""))
    return EXIT_OK


# --- grade hint ----------------------------------------------------------------------------------

def cmd_hint(args) -> int:
    """The next hint; `grade hint ID N` shows hint N again, `--all` every hint. Shown hints count as seen."""
    exercise = find_exercise(args.exercise_id)
    workspace = Workspace(args.workspace)
    total = len(exercise.hints)
    if not total:
        print(f"{exercise.id} has no hints. The docstring in your file explains the task: `grade start {exercise.id}`.")
        return EXIT_OK
    seen = workspace.next_hint_index(exercise.id)
    shown = _hints_to_show(exercise, seen, getattr(args, "number", None), getattr(args, "all", False))
    if shown[-1] + 1 > seen:
        seen = shown[-1] + 1
        workspace.mark_hint_seen(exercise.id, seen)
    for index in shown:
        print(f"Hint {index + 1} of {total} for {exercise.id}:")
        print(textwrap.fill(exercise.hints[index], width=88, initial_indent="  ", subsequent_indent="  ",
                            break_on_hyphens=False, break_long_words=False))
    if seen < total:
        print(f"Try it with `grade {exercise.id}`; `grade hint {exercise.id}` shows hint {seen + 1}.")
    else:
        print(f"Try it with `grade {exercise.id}`; its HTML report shows each failing public case in detail.")
    return EXIT_OK


def _hints_to_show(exercise: Exercise, seen: int, number: int | None, every: bool) -> list[int]:
    """0-based indexes of the hints asked for: all of them, hint `number`, or the next unseen one."""
    total = len(exercise.hints)
    if every and number is not None:
        raise UsageError(f"give a hint number or --all, not both: `grade hint {exercise.id} --all`.")
    if every:
        return list(range(total))
    if number is not None:
        if not 1 <= number <= total:
            raise UsageError(f"{exercise.id} has {total} hint(s): give a number from 1 to {total}, "
                             f"e.g. `grade hint {exercise.id} 1`.")
        return [number - 1]
    if seen >= total:
        print(f"You have seen all {total} hints; here is the last one again "
              f"(`grade hint {exercise.id} --all` shows them all).")
        return [total - 1]
    return [seen]


# --- grade watch ---------------------------------------------------------------------------------

_SAVE = "save to grade again"  # what "grade again" means while `grade watch` re-grades on every save


def _say_save(result: GradeResult) -> None:
    """The grader's messages end with "... then grade again"; in watch mode saving the file is what does that."""
    result.summary = result.summary.replace("grade again", _SAVE)
    for case in result.cases:
        case.message = case.message.replace("grade again", _SAVE)


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


def _watch_round(args, exercise: Exercise, reason: str) -> None:
    if sys.stdout.isatty():
        print("\033[2J\033[H", end="")  # clear the screen, like rustlings
    print(f"── {reason} at {datetime.now():%H:%M:%S} " + "─" * 40)
    try:
        grade_once(args, exercise, watching=True)
    except GraderError as err:  # e.g. the file vanished between the poll and the grading
        print(f"grade: {err.message}")
    print(f"\nWatching {args.submission}: save it to grade again; Ctrl-C stops.", flush=True)


def cmd_watch(args) -> int:
    """Grade now, then again whenever the file is saved; Ctrl-C stops cleanly with exit code 0."""
    exercise = find_exercise(args.exercise_id)
    workspace = _workspace(args)
    path = _submission(exercise, workspace, args.submission, then=_SAVE)
    args.submission = str(path)
    args.json = args.html = args.seed = None
    interval = max(0.05, args.interval)
    warned_missing = False
    try:
        watcher = FileWatcher(path)
        _watch_round(args, exercise, "graded")
        while True:
            time.sleep(interval)
            if watcher.poll():
                warned_missing = False
                _watch_round(args, exercise, "re-graded")
            elif watcher.missing_polls * interval >= 2 and not warned_missing:
                warned_missing = True
                print(f"{path} is missing; waiting for it to come back.", flush=True)
    except KeyboardInterrupt:
        print("\nStopped watching. `grade list` shows your progress.", flush=True)
        return EXIT_OK
