"""`grade list`: every exercise and quiz with the learner's best score, the solved ones marked, and what is next."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_OK, GraderError
from ..reports.terminal import use_color
from ..spec.catalog import exercise_paths
from ..spec.loader import load_exercise
from ..workspace import Workspace
from .next_step import next_command, next_exercise, solved

Row = tuple[str, str, float | None]  # (id, title, max score); a broken definition has max score None


def list_progress(*, workspace: Path | None) -> int:
    space = Workspace(workspace)
    exercises, quizzes = _exercise_rows(), _quiz_rows()
    upcoming = next_exercise(space)
    color = use_color()
    width = max((len(row[0]) for row in exercises + quizzes), default=10)
    for heading, rows in (("Exercises", exercises), ("Quizzes", quizzes)):
        if not rows:
            continue
        print(heading)
        for item_id, title, max_score in rows:
            entry = space.entry(item_id)
            best = entry.get("best_score")
            total = "?" if max_score is None else f"{max_score:g}"
            score = f"{best:g}/{total}" if isinstance(best, (int, float)) else f"-/{total}"
            mark = "✓" if solved(entry, max_score) else "→" if item_id == upcoming else " "
            if color and mark == "✓":
                mark = "\033[32m✓\033[0m"
            print(f"  {mark} {item_id:<{width}}  {score:>7}  {title}")
    if not exercises and not quizzes:
        print("No exercises or quizzes are installed.")
    elif upcoming:
        print(f"Next: `{next_command(space, upcoming)}`.")
    elif exercises:
        print("Every exercise is solved. Well done!" + (f" Try `grade quiz {quizzes[0][0]}`." if quizzes else ""))
    return EXIT_OK


def _exercise_rows() -> list[Row]:
    rows = []
    for path in exercise_paths():
        try:
            exercise = load_exercise(path, check_references=False)
            rows.append((exercise.id, exercise.title, exercise.max_score))
        except GraderError as err:
            rows.append((path.stem, f"(cannot be loaded — please tell your instructor: {err.message})", None))
    return rows


def _quiz_rows() -> list[Row]:
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
