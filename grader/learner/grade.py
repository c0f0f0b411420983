"""`grade EXERCISE-ID`: grade the learner's file, print the summary, write the reports, say what to do next."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_FAILED, EXIT_OK, GraderError
from ..reports.files import check_output_file, write_reports
from ..reports.terminal import format_summary, use_color
from ..results import GradeResult
from ..sandbox.launch import resolve_sandbox
from ..spec.catalog import find_exercise
from ..spec.model import Exercise
from .files import open_workspace, submission_file
from .next_step import next_step

SAVE_TO_GRADE = "save to grade again"  # what "grade again" means while `grade watch` re-grades on every save


def grade_exercise(exercise_id: str, *, submission: Path | None, json_path: Path | None, html_path: Path | None,
                   seed: int | None, sandbox: str | None, workspace: Path | None) -> int:
    """Exit code 0 when every case passed, 1 otherwise. No sandbox given: strict where it works here, else
    standard with a one-line notice."""
    sandbox, line = resolve_sandbox(sandbox)
    if sandbox == "standard" and line:
        print(line, file=sys.stderr)
    exercise = find_exercise(exercise_id)
    from ..sandbox.client import discard_spare, prestart
    prestart(sandbox, exercise.limits)  # the worker loads Python and NumPy while this process imports the grader
    try:
        result = grade_once(exercise, submission=submission, json_path=json_path, html_path=html_path, seed=seed,
                            sandbox=sandbox, workspace=workspace)
    finally:
        discard_spare()  # unused when the file could not be graded; one run has no next round to keep it for
    return EXIT_OK if result.all_passed else EXIT_FAILED


def grade_once(exercise: Exercise, *, submission: Path | None, json_path: Path | None, html_path: Path | None,
               seed: int | None, sandbox: str, workspace: Path | None, watching: bool = False) -> GradeResult:
    """Grade one file; the reports go to `json_path` and `html_path`, by default into the workspace's reports/."""
    from ..grading.runner import grade
    space = open_workspace(workspace)
    json_out = json_path or space.report_path(exercise.id, "json")
    html_out = html_path or space.report_path(exercise.id, "html")
    check_output_file(json_out, "--json", "result.json")  # before grading: a bad path must not cost a run
    check_output_file(html_out, "--html", "report.html")
    path = submission_file(exercise, space, submission)
    result = grade(exercise, path, seed=seed, shown_as=str(path), sandbox=sandbox)
    if watching:
        _say_save(result)
    space.record(result)
    try:  # before any printing: a reader that closes the pipe early (`grade ... | head`) must not cost the reports
        write_reports(result, json_out, html_out)
        unwritten = None
    except GraderError as err:
        unwritten = err
    print(format_summary(result, color=use_color()))
    if unwritten:  # said after the summary, so a path that fails late still shows the learner the result
        raise unwritten
    print(f"Report: {html_out}")
    print(next_step(result, exercise, space))
    return result


def _say_save(result: GradeResult) -> None:
    """The grader's messages end with "... then grade again"; in watch mode saving the file is what does that."""
    result.summary = result.summary.replace("grade again", SAVE_TO_GRADE)
    for case in result.cases:
        case.message = case.message.replace("grade again", SAVE_TO_GRADE)

