"""Where the course's definitions live: the source checkout, or the copy packaged into the wheel."""

from __future__ import annotations

import os
from pathlib import Path

COURSE_ENV = "CNN_GRADER_COURSE"
_PACKAGE_DIR = Path(__file__).resolve().parent


def course_root() -> Path:
    """The folder holding `exercises/` and `quizzes/`."""
    override = os.environ.get(COURSE_ENV)
    if override:
        return Path(override)
    packaged = _PACKAGE_DIR / "_course"
    if (packaged / "exercises").is_dir():
        return packaged
    return _PACKAGE_DIR.parent


def exercises_dir() -> Path:
    return course_root() / "exercises"


def quizzes_dir() -> Path:
    return course_root() / "quizzes"
