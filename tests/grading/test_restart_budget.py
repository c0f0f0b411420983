"""A file that imported once and is restarted after a killed case: a restart the time budget cuts short is the
budget's doing, never reported as an import that takes too long."""

from conftest import reference_source

from grader.grading.evaluate import Evaluator
from grader.results import Kind, Outcome
from grader.sandbox.client import Reply
from grader.spec.catalog import find_exercise


def started(tmp_path) -> tuple:
    """Exercise 2 and an evaluator of a correct file, its worker started."""
    exercise = find_exercise("exercise-2")
    submission = tmp_path / "exercise_2.py"
    submission.write_text(reference_source("conv"))
    evaluator = Evaluator(exercise, submission, sandbox="standard")
    evaluator.start()
    return exercise, evaluator


def test_a_restart_cut_short_is_not_run_for_the_budget_not_a_slow_import(tmp_path):
    exercise, evaluator = started(tmp_path)
    try:
        first = evaluator.evaluate(exercise.cases[0])
        evaluator.worker.wait_loaded = lambda: Reply("timeout", detail="the exercise's time budget is used up")
        second = evaluator.evaluate(exercise.cases[1])
    finally:
        evaluator.close()
    assert first.passed
    assert (second.outcome, second.kind) == (Outcome.NOT_RUN, Kind.BUDGET)
    assert "time budget" in second.message and "Importing" not in second.message


def test_a_file_that_never_imported_in_time_is_still_a_slow_import(tmp_path):
    exercise, evaluator = started(tmp_path)
    try:
        evaluator.worker.wait_loaded = lambda: Reply("timeout", detail="import took too long")
        only = evaluator.evaluate(exercise.cases[0])
    finally:
        evaluator.close()
    assert (only.outcome, only.kind) == (Outcome.TIMEOUT, Kind.IMPORT)
