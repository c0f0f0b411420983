"""Find quizzes in the course's `quizzes/` folder: list them for `grade list`, load one by id."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..spec.course import quizzes_dir
from ..errors import DefinitionError, UsageError
from .model import Quiz, load_quiz


def quiz_paths(folder: Path | None = None) -> list[Path]:
    folder = folder or quizzes_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def list_quizzes(folder: Path | None = None) -> list[tuple[str, str, float]]:
    """(id, title, max score) of every quiz, sorted by file name; a malformed quiz raises its DefinitionError."""
    return [(quiz.id, quiz.title, quiz.max_score) for quiz in (load_quiz(path) for path in quiz_paths(folder))]


def find_quiz(quiz_id: str, folder: Path | None = None) -> Quiz:
    """Load the quiz `quizzes/<quiz_id>.yaml`, or say which quizzes exist."""
    paths = {path.stem: path for path in quiz_paths(folder)}
    if quiz_id not in paths:
        close = difflib.get_close_matches(quiz_id, sorted(paths), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else \
            (f"the quizzes are: {', '.join(sorted(paths))}" if paths else "no quizzes are installed")
        raise UsageError(f"there is no quiz '{quiz_id}' ({hint}). `grade list` shows them all.")
    quiz = load_quiz(paths[quiz_id])
    if quiz.id != quiz_id:
        raise DefinitionError(quiz.path, None, f"the file is named '{quiz_id}' but declares id '{quiz.id}'; "
                                               "rename one so they match")
    return quiz
