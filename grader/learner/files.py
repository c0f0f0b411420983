"""The learner's files: the workspace folder, the file to grade, and the starter written when it is missing."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..reports.files import check_output_dir
from ..results import write_atomic
from ..spec.model import Exercise
from ..workspace import Workspace


def open_workspace(root: Path | None) -> Workspace:
    """The workspace at --workspace ROOT (None: the default one), refused if it cannot hold files."""
    workspace = Workspace(root)
    check_output_dir(workspace.root, "--workspace" if root else "the workspace")
    return workspace


def submission_file(exercise: Exercise, workspace: Workspace, given: Path | None, then: str = "grade again") -> Path:
    """The file to grade: `given` (--submission) if it is a Python file, else the workspace's, written from the
    starter when it does not exist yet; `then` ends the line that says so."""
    if given:
        if given.is_dir():
            raise UsageError(_folder_given(given, workspace.submission_path(exercise.id).name))
        if not given.is_file():
            raise UsageError(f"there is no file {given} to grade.")
        if given.suffix != ".py":  # Python imports only .py files; anything else would fail with a riddle
            raise UsageError(f"--submission {given}: the file to grade must be a Python file ending in .py.")
        return given
    path = workspace.submission_path(exercise.id)
    if not path.exists():
        write_starter(exercise, path)
        print(f"Created your starter file {path}: write {exercise.entry.name} there, then {then}.")
    return path


def _folder_given(folder: Path, usual_name: str) -> str:
    """--submission names a folder: say which file in it to pass."""
    names = sorted(path.name for path in folder.glob("*.py"))
    message = f"--submission {folder} is a folder; give the Python file to grade"
    if usual_name in names:
        return f"{message}: --submission {folder / usual_name}"
    if not names:
        return f"{message} (this folder holds no .py file)."
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{message}, e.g. --submission {folder / names[0]} (the folder holds {listed})."


def write_starter(exercise: Exercise, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, exercise.starter)
