"""What the learner should do next: the one rule behind `grade list`'s "Next:" and the advice after grading."""

from __future__ import annotations

from ..errors import GraderError
from ..results import GradeResult
from ..spec.catalog import exercise_paths
from ..spec.loader import load_exercise
from ..spec.model import Exercise
from ..workspace import Workspace


def solved(entry: dict, max_score: float | None) -> bool:
    """Does a progress entry hold a best score of `max_score`?"""
    best = entry.get("best_score")
    return max_score is not None and isinstance(best, (int, float)) and best >= max_score - 1e-9


def next_exercise(workspace: Workspace) -> str | None:
    """The first unsolved exercise in curriculum order, or None when all are solved. The one rule behind both
    `grade list`'s "Next:" and the advice after solving an exercise, so the two never disagree.

    Solved is judged from the progress file, which stores each graded exercise's max score, so only the
    candidate's definition is read: loading all of them cost ~0.1 s on every grading run."""
    for path in exercise_paths():
        entry = workspace.entry(path.stem)
        if solved(entry, entry.get("max_score")):
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
