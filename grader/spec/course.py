"""Which course the commands use: $CNN_GRADER_COURSE, else the checkout around the current folder, else the copy
installed with the package.

A course checkout is a folder holding `exercises/` and the `solutions/` package (with its `__init__.py`), found
from the current folder upward. Inside one, every command works on it, even when another copy is installed."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import PACKAGE_DIR

COURSE_ENV = "CNN_GRADER_COURSE"
PACKAGED = PACKAGE_DIR / "_course"


@dataclass(frozen=True)
class Course:
    root: Path  # holds exercises/, quizzes/ and, except in an installed copy, solutions/
    kind: str  # "checkout", "installed copy" or "set by $CNN_GRADER_COURSE"

    def describe(self) -> str:
        """The first line of every instructor command, so nobody edits one copy and builds another."""
        return f"Course: {self.root} ({self.kind})"


def is_checkout(folder: Path) -> bool:
    return (folder / "exercises").is_dir() and (folder / "solutions" / "__init__.py").is_file()


def find_checkout(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if is_checkout(folder):
            return folder
    return None


def current_course() -> Course:
    override = os.environ.get(COURSE_ENV)
    if override:
        return Course(Path(override), f"set by ${COURSE_ENV}")
    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted: there is no checkout around it
        here = None
    checkout = find_checkout(here) if here else None
    if checkout:
        return Course(checkout, "checkout")
    if (PACKAGED / "exercises").is_dir():
        return Course(PACKAGED, "installed copy")
    return Course(PACKAGE_DIR.parent, "checkout")  # the grader runs from its own source tree


def course_root() -> Path:
    """The folder holding `exercises/` and `quizzes/`."""
    return current_course().root


def exercises_dir() -> Path:
    return course_root() / "exercises"


def quizzes_dir() -> Path:
    return course_root() / "quizzes"


_SOLUTIONS_FOLDERS: dict[tuple, Path | None] = {}  # (course override, current folder) -> its solutions/ or None


def _solutions_folder() -> Path | None:
    """The course's own solutions package folder (None when it has none), looked up once per course and folder:
    loading an exercise resolves every known mistake's reference, ~40 calls."""
    try:
        here = os.getcwd()
    except OSError:
        here = ""
    key = (os.environ.get(COURSE_ENV), here)
    if key not in _SOLUTIONS_FOLDERS:
        folder = course_root().resolve() / "solutions"
        _SOLUTIONS_FOLDERS[key] = folder if (folder / "__init__.py").is_file() else None
    return _SOLUTIONS_FOLDERS[key]


def use_course_solutions() -> None:
    """Make `import solutions` load the course's own solutions/, ahead of any copy installed in site-packages.

    References are named `solutions.<module>.<function>`; without this, a checkout's new reference would be
    looked for in the installed copy (`No module named 'solutions.exercise_9'`)."""
    folder = _solutions_folder()
    if folder is None:
        return  # an installed copy or a definitions-only course: the importable `solutions` is the one
    root = folder.parent
    if not sys.path or sys.path[0] != str(root):
        sys.path.insert(0, str(root))
    loaded = sys.modules.get("solutions")
    if loaded is None or _CHECKED.get(folder) is loaded:  # this very module was found to come from there already
        return
    origin = getattr(loaded, "__file__", None)
    if not origin or Path(origin).resolve().parent != folder:
        for name in [name for name in sys.modules if name == "solutions" or name.startswith("solutions.")]:
            del sys.modules[name]
        importlib.invalidate_caches()
    else:
        _CHECKED[folder] = loaded


_CHECKED: dict = {}  # solutions/ folder -> the loaded `solutions` module found to come from it (resolving costs ~40 us)


def resolve_reference(dotted: str) -> Callable:
    """The course's function named `solutions.<module>.<function>`, imported from the course's own solutions/."""
    use_course_solutions()
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)
