"""The Gradescope autograder entry (`python -m grader.gradescope`): grade /autograder/submission and always write
/autograder/results/results.json, whatever happens."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import GraderError
from .reports.gradescope import gradescope_json, misconfigured_json
from .results import grader_error_result, missing_file_result, write_atomic


def find_submission_file(folder: Path, exercise_id: str) -> Path | None:
    """The exercise's file in a submission folder: `exercise_2.py` by name, else the notebook `exercise_2.ipynb`,
    else the only .py file or notebook there. A folder with several, or with one of each (a notebook beside a
    helper .py, or the other way round), names none: which one to grade would be a guess. So does a folder holding a
    file named for another exercise of the course (exercise_1.py when grading exercise-2): it names its files."""
    stem = exercise_id.replace("-", "_")
    for expected in (folder / f"{stem}.py", folder / f"{stem}.ipynb"):
        if expected.is_file():
            return expected
    candidates = sorted(p for suffix in ("*.py", "*.ipynb") for p in folder.rglob(suffix)
                        if p.is_file() and not _hidden(p, folder) and not _through_link(p, folder))
    if any(path.stem in _other_exercise_stems(exercise_id) for path in candidates):
        return None
    return candidates[0] if len(candidates) == 1 else None


def _other_exercise_stems(exercise_id: str) -> set[str]:
    from .spec.catalog import exercise_paths
    return {path.stem.replace("-", "_") for path in exercise_paths()} - {exercise_id.replace("-", "_")}


def _hidden(path: Path, folder: Path) -> bool:
    """A name starting with "." on the way (Jupyter's .ipynb_checkpoints, editors' backups)."""
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _through_link(path: Path, folder: Path) -> bool:
    """True when `path` or a folder between it and `folder` is a symbolic link (it may lead anywhere)."""
    while path != folder:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def run_autograder(exercise_id: str, submission: Path, results: Path, sandbox: str | None = None) -> int:
    """Grade one Gradescope submission; always writes results.json, even when the grader fails. With no sandbox
    given: strict where this machine offers it, else standard (the log says which)."""
    from .grading.runner import grade
    from .sandbox.launch import resolve_sandbox
    from .spec.catalog import find_exercise
    try:
        exercise = find_exercise(exercise_id)
        sandbox, line = resolve_sandbox(sandbox)
    except GraderError as err:  # the autograder is misconfigured: say so on Gradescope too, not only in a log
        write_atomic(results, misconfigured_json(err.message))
        raise
    if line:
        print(line, flush=True)
    path = find_submission_file(submission, exercise.id)
    if path is None:
        stem = exercise.id.replace("-", "_")
        result = missing_file_result(exercise, f"No file for {exercise.id} was found in your submission: upload "
                                               f"{stem}.py (written by `grade start {exercise.id}`) or your "
                                               f"notebook, named {stem}.ipynb.")
    else:
        try:
            result = grade(exercise, path, shown_as=path.name, sandbox=sandbox)
        except Exception as err:  # a grader bug: still a valid results.json, with the evidence for the instructor
            write_atomic(results, gradescope_json(grader_error_result(exercise, f"{type(err).__name__}: {err}")))
            print(f"grade: internal error ({type(err).__name__}: {err})", file=sys.stderr)
            return 3
    write_atomic(results, gradescope_json(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope",
                                     description="Gradescope autograder entry: grade one submission folder.")
    parser.add_argument("--exercise", required=True, metavar="ID")
    parser.add_argument("--submission", default="/autograder/submission", metavar="DIR")
    parser.add_argument("--results", default="/autograder/results/results.json", metavar="FILE")
    parser.add_argument("--sandbox", choices=("standard", "strict"), default=None,
                        help="default: strict where bwrap or unshare works here, else standard")
    args = parser.parse_args(argv)
    try:
        return run_autograder(args.exercise, Path(args.submission), Path(args.results), sandbox=args.sandbox)
    except GraderError as err:
        print(f"grade: {err.message}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(main())
