"""`grade start EXERCISE-ID`: write the exercise's starter file into the workspace, keeping existing work."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_OK
from ..spec.catalog import find_exercise
from .files import open_workspace, write_starter


def start_exercise(exercise_id: str, *, force: bool, workspace: Path | None) -> int:
    exercise = find_exercise(exercise_id)
    path = open_workspace(workspace).submission_path(exercise.id)
    if path.exists() and not force:
        print(f"{path} already exists: your work is kept. Use --force to start over from the starter.")
        return EXIT_OK
    write_starter(exercise, path)
    print(f"Wrote the starter for {exercise.id} to {path}.")
    print(f"Write {exercise.entry.name} there, then run `grade {exercise.id}` (or `grade watch {exercise.id}`).")
    return EXIT_OK
