"""The learner's files: the workspace folder, the file to grade, and the starter written when it is missing."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..reports.files import check_output_dir
from ..results import write_atomic
from ..sandbox.notebook import read_cells
from ..spec.model import Exercise
from ..workspace import Workspace


def open_workspace(root: Path | None) -> Workspace:
    """The workspace at --workspace ROOT (None: the default one), refused if it cannot hold files."""
    workspace = Workspace(root)
    check_output_dir(workspace.root, "--workspace" if root else "the workspace")
    return workspace


def submission_file(exercise: Exercise, workspace: Workspace, given: Path | None, then: str = "grade again") -> Path:
    """The file to grade: `given` (--submission) if it is a Python file or a notebook, else the workspace's (its
    notebook when only that exists), written from the starter when neither exists yet; `then` ends the line that
    says so. A notebook that is not nbformat-4 JSON raises UsageError (exit 2) naming the file and the fault."""
    if given:
        if given.is_dir():
            raise UsageError(_folder_given(given, workspace.submission_path(exercise.id).name))
        if not given.is_file():
            raise UsageError(f"there is no file {given} to grade.")
        if given.suffix == ".ipynb":
            return _checked_notebook(given)
        if given.suffix != ".py":  # Python imports only .py files; anything else would fail with a riddle
            raise UsageError(f"--submission {given}: the file to grade must be a Python file ending in .py or a "
                             "Jupyter notebook ending in .ipynb.")
        return given
    path = workspace.submission_path(exercise.id)
    if not path.exists() and path.with_suffix(".ipynb").is_file():
        return _checked_notebook(path.with_suffix(".ipynb"))
    if not path.exists():
        write_starter(exercise, path)
        print(f"Created your starter file {path}: write {exercise.entry.name} there, then {then}.")
    return path


def _checked_notebook(path: Path) -> Path:
    """The notebook, once it reads as nbformat 4 (a link is left for grading to refuse, unread)."""
    if not path.is_symlink():
        read_cells(path)
    return path


def _folder_given(folder: Path, usual_name: str) -> str:
    """--submission names a folder: say which file in it to pass."""
    names = sorted(path.name for path in [*folder.glob("*.py"), *folder.glob("*.ipynb")])
    message = f"--submission {folder} is a folder; give the file to grade"
    for usual in (usual_name, Path(usual_name).with_suffix(".ipynb").name):
        if usual in names:
            return f"{message}: --submission {folder / usual}"
    if not names:
        return f"{message} (this folder holds no .py file or .ipynb notebook)."
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{message}, e.g. --submission {folder / names[0]} (the folder holds {listed})."


def write_starter(exercise: Exercise, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, exercise.starter)
