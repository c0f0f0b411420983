"""Gradescope: the strict results.json shape, and the `run_autograder` entry that grades /autograder/submission."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import GraderError
from .results import CaseResult, GradeResult, write_atomic

MAX_OUTPUT = 8000  # characters per test; Gradescope shows long text poorly


def gradescope_dict(result: GradeResult) -> dict:
    """Only the keys Gradescope's autograder specification defines."""
    return {
        "score": result.score,
        "execution_time": round(result.duration, 3),
        "output": result.summary + "".join(f"\n{note}" for note in result.notes),
        "stdout_visibility": "hidden",
        "tests": [_test(case) for case in result.cases],
    }


def _test(case: CaseResult) -> dict:
    text = case.message + (f"\n\nYour code printed:\n{case.output}" if case.output else "")
    return {"name": case.name, "score": case.points, "max_score": case.max_points,
            "status": "passed" if case.passed else "failed", "output": text[:MAX_OUTPUT],
            "visibility": "hidden" if case.visibility == "hidden" else "visible"}


def gradescope_json(result: GradeResult) -> str:
    return json.dumps(gradescope_dict(result), indent=2, allow_nan=False) + "\n"


def find_submission_file(folder: Path, exercise_id: str) -> Path | None:
    """The exercise's file in a submission folder: `exercise_2.py` by name, else the only .py file there."""
    expected = folder / f"{exercise_id.replace('-', '_')}.py"
    if expected.is_file():
        return expected
    candidates = sorted(p for p in folder.rglob("*.py")
                        if p.is_file() and not p.name.startswith(".") and not _through_link(p, folder))
    return candidates[0] if len(candidates) == 1 else None


def _through_link(path: Path, folder: Path) -> bool:
    """True when `path` or a folder between it and `folder` is a symbolic link (it may lead anywhere)."""
    while path != folder:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def missing_result(exercise, message: str) -> GradeResult:
    """The result of a submission without a file for the exercise: nothing ran, no points."""
    from . import results as R
    from .reports.gradebook import UNUSABLE_KIND
    cases = [R.CaseResult(case.name, case.points, R.NOT_RUN, kind=UNUSABLE_KIND, message=message,
                          visibility="hidden" if case.hidden else "visible") for case in exercise.cases]
    return R.GradeResult(exercise=exercise.id, title=exercise.title, cases=cases, summary=message,
                         seed=exercise.seed)


def run_autograder(exercise_id: str, submission: Path, results: Path) -> int:
    """Grade one Gradescope submission; always writes results.json, even when the grader fails."""
    from .batch.command import internal_result
    from .spec.exercise import find_exercise
    from .grading.runner import grade
    try:
        exercise = find_exercise(exercise_id)
    except GraderError as err:  # the autograder is misconfigured: say so on Gradescope too, not only in a log
        write_atomic(results, json.dumps({"score": 0, "output": f"The autograder is misconfigured ({err.message}); "
                                          "this is not your fault. Please tell your instructor."}, indent=2) + "\n")
        raise
    path = find_submission_file(submission, exercise.id)
    if path is None:
        result = missing_result(exercise, f"No file for {exercise.id} was found in your submission: upload "
                                          f"{exercise.id.replace('-', '_')}.py (written by `grade start {exercise.id}`).")
    else:
        try:
            result = grade(exercise, path, shown_as=path.name)
        except Exception as err:  # a grader bug: still a valid results.json, with the evidence for the instructor
            write_atomic(results, gradescope_json(internal_result(exercise, f"{type(err).__name__}: {err}")))
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
    args = parser.parse_args(argv)
    try:
        return run_autograder(args.exercise, Path(args.submission), Path(args.results))
    except GraderError as err:
        print(f"grade: {err.message}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(main())
