"""The course's exercises: list them in order, find one by its exact id, suggest the id a near miss means."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..errors import UsageError
from .course import exercises_dir, quizzes_dir
from .loader import load_exercise
from .model import ID_PATTERN, Exercise
from .yamlsource import load_file


CURRICULUM_FILE = "curriculum.yaml"  # beside the exercises: the order learners take them in


def exercise_paths() -> list[Path]:
    """The exercise files in curriculum order: those `exercises/curriculum.yaml` lists, in its order (an id listed
    without a file is skipped), then every other exercise file in natural order (exercise-2 before exercise-10)."""
    folder = exercises_dir()
    if not folder.is_dir():
        return []
    found = sorted((path for path in folder.glob("*.yaml") if path.name != CURRICULUM_FILE), key=_natural_key)
    listed = curriculum_order(folder / CURRICULUM_FILE)
    by_id = {path.stem: path for path in found}
    ordered = [by_id[exercise_id] for exercise_id in listed if exercise_id in by_id]
    return ordered + [path for path in found if path.stem not in listed]


def curriculum_order(path: Path) -> list[str]:
    """The ids `order:` lists in a curriculum file, [] without one; a malformed file is a DefinitionError naming
    its line."""
    if not path.is_file():
        return []
    root = load_file(path).root().mapping(("order",), ())
    ids: dict[str, int | None] = {}
    for item in root["order"].list():
        exercise_id = item.text()
        if not ID_PATTERN.match(exercise_id):
            raise item.error(f"'{exercise_id}' is not an exercise id (lower-case letters, digits and dashes)")
        if exercise_id in ids:
            raise item.error(f"'{exercise_id}' is listed twice (also on line {ids[exercise_id]})")
        ids[exercise_id] = item.line
    return list(ids)


def _natural_key(path: Path):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem)]


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise with exactly this id. Ids are never guessed (progress and files are keyed by them): a near
    miss such as `2`, `ex2` or `EXERCISE-2` is refused with a did-you-mean."""
    path = exercises_dir() / f"{exercise_id}.yaml"
    if not ID_PATTERN.match(exercise_id) or not path.is_file():
        raise UsageError(f"there is no exercise '{exercise_id}'.{_did_you_mean(exercise_id)} "
                         "`grade list` shows them all.")
    return load_exercise(path)


def _did_you_mean(given: str) -> str:
    known = [path.stem for path in exercise_paths()]
    close = suggest_id(given, known)
    if close:
        return f" Did you mean '{close}'?"
    if given in {path.stem for path in quizzes_dir().glob("*.yaml")}:
        return f" '{given}' is a quiz: `grade quiz {given}`."
    return ""


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def suggest_id(given: str, known: list[str]) -> str | None:
    """The one id `given` most likely means: same letters ignoring case and punctuation (`Exercise_2`), the same
    number with a shortened or missing prefix (`2`, `ex2`, `ex-2`), else the closest spelling."""
    compact = _compact(given)
    same = [item for item in known if _compact(item) == compact]
    if len(same) == 1:
        return same[0]
    match = re.fullmatch(r"([a-z]*)(\d+)", compact)
    if match:
        prefix, number = match.group(1), int(match.group(2))
        numbered = [item for item in known if (parts := re.fullmatch(r"([a-z]*)(\d+)", _compact(item)))
                    and int(parts.group(2)) == number and parts.group(1).startswith(prefix)]
        if len(numbered) == 1:
            return numbered[0]
    close = difflib.get_close_matches(given.lower(), known, n=1)
    return close[0] if close else None
