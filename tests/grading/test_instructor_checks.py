"""Instructor checks graded as cases: the learner proxy runs in the worker, failures keep the data cases' kinds,
assertion messages reach the learner (pytest's explanation without one), hidden checks reveal no values."""

from __future__ import annotations

import pytest
from conftest import tiny_flatten_yaml

from grader.errors import DefinitionError
from grader.grading.runner import grade
from grader.results import Kind, Outcome
from grader.spec.loader import load_exercise

CHECKS = '''import numpy as np
import pytest


def test_rows_follow_the_batch(learner, rng):
    """Permuting the batch permutes the rows."""
    x = rng.standard_normal((4, 3, 2))
    order = [2, 0, 3, 1]
    assert np.allclose(learner(x[order]), learner(x)[order]), "the rows did not follow the batch's order"


def test_sum_kept(learner, reference):
    x = np.arange(24.0).reshape(2, 3, 4)
    assert learner(x).sum() == reference(x).sum() + 0


@pytest.mark.hidden
@pytest.mark.points(2)
def test_secret(learner, rng):
    """Flatten keeps every value."""
    x = rng.standard_normal((3, 5))
    assert np.allclose(learner(x), x), f"wrong at {x[0, 0]:.3f}"


def test_draws(learner, rng):
    assert False, f"draw {rng.integers(1_000_000)}"
'''

CORRECT = "import numpy as np\n\ndef flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"


def exercise(tmp_path, checks: str = CHECKS, case_seconds: float = 2):
    path = tmp_path / "tiny-flatten.yaml"
    path.write_text(tiny_flatten_yaml(case_seconds=case_seconds, total_seconds=20))
    (tmp_path / "tiny-flatten.checks.py").write_text(checks)
    return load_exercise(path)


def run(tmp_path, source: str, checks: str = CHECKS, seed=None, **limits):
    folder = tmp_path / "learner"
    folder.mkdir(exist_ok=True)
    submission = folder / "exercise_9.py"
    submission.write_text(source)
    result = grade(exercise(tmp_path, checks, **limits), submission, seed=seed)
    return {case.name: case for case in result.cases}, result


def test_a_correct_submission_passes_every_check_and_checks_count_in_the_score(tmp_path):
    cases, result = run(tmp_path, CORRECT)
    assert all(cases[name].passed for name in ("small batch", "rows follow the batch", "sum kept", "secret"))
    assert cases["secret"].points == 2 and cases["secret"].visibility == "hidden"
    assert cases["rows follow the batch"].details["description"] == "Permuting the batch permutes the rows."
    assert result.max_score == 6 and result.score == 5


def test_the_assertion_message_or_pytests_explanation_becomes_the_learners(tmp_path):
    wrong = CORRECT.replace("return x.reshape(x.shape[0], -1)", "return np.roll(x.reshape(x.shape[0], -1), 1) + 1")
    cases, _ = run(tmp_path, wrong)
    rows, total = cases["rows follow the batch"], cases["sum kept"]
    assert (rows.outcome, rows.kind) == (Outcome.FAILED, Kind.VALUES)
    assert rows.message.startswith("the rows did not follow the batch's order")
    assert total.message.startswith("The check 'sum kept' failed: assert ") and "==" in total.message  # rewritten


def test_a_hidden_check_names_what_it_checks_and_never_its_values(tmp_path):
    wrong = CORRECT.replace("return x.reshape(x.shape[0], -1)", "return x.reshape(x.shape[0], -1) + 1")
    cases, _ = run(tmp_path, wrong)
    secret = cases["secret"]
    assert secret.outcome == Outcome.FAILED and "Flatten keeps every value" in secret.message
    assert "wrong at" not in secret.message and "description" not in secret.details


@pytest.mark.parametrize("body, outcome, kind, said", [
    ("raise ValueError('no batch axis')", Outcome.ERROR, Kind.EXCEPTION, "raised ValueError on line 4"),
    ("while True:\n        pass", Outcome.TIMEOUT, Kind.TIMEOUT, "did not finish within"),
    ("import os\n    os._exit(3)", Outcome.ERROR, Kind.CRASH, "stopped the worker"),
    ("return [1, 2]", Outcome.FAILED, Kind.TYPE, "returned a list"),
    ("return x.reshape(-1)", Outcome.FAILED, Kind.SHAPE, "shape"),
])
def test_a_learner_failure_inside_a_check_is_the_learners_failure_of_its_kind(tmp_path, body, outcome, kind, said):
    source = f"import numpy as np\n\ndef flatten(x, start_dim=1):\n    {body}\n"
    cases, _ = run(tmp_path, source, case_seconds=1)
    rows = cases["rows follow the batch"]
    assert (rows.outcome, rows.kind) == (outcome, kind), rows.message
    assert said in rows.message and "rows did not follow" not in rows.message


def test_an_except_in_the_check_cannot_swallow_the_learners_failure(tmp_path):
    checks = ("def test_guarded(learner):\n    import numpy as np\n    try:\n        learner(np.ones((2, 2)))\n"
              "    except Exception:\n        pass\n")
    cases, _ = run(tmp_path, "def flatten(x, start_dim=1):\n    raise KeyError('k')\n", checks=checks)
    assert cases["guarded"].kind == Kind.EXCEPTION


def test_a_check_that_breaks_by_itself_is_the_graders_fault(tmp_path):
    checks = "def test_broken(learner):\n    {}['missing']\n"
    cases, _ = run(tmp_path, CORRECT, checks=checks)
    assert (cases["broken"].outcome, cases["broken"].kind) == (Outcome.ERROR, Kind.INTERNAL)
    assert "not your fault" in cases["broken"].message and "KeyError" in cases["broken"].details["grader_error"]


def test_rng_is_repeatable_for_a_seed_and_differs_between_seeds(tmp_path):
    said = [run(tmp_path, CORRECT, seed=seed)[0]["draws"].message for seed in (5, 5, 6)]
    assert said[0] == said[1] != said[2]


def test_a_checks_module_that_does_not_import_is_a_definition_error(tmp_path):
    checks = "import numpy as np\n\nSIZE = 1 / 0\n\ndef test_a(learner):\n    pass\n"
    with pytest.raises(DefinitionError) as caught:
        run(tmp_path, CORRECT, checks=checks)
    assert caught.value.line == 3 and "ZeroDivisionError" in caught.value.message
    assert caught.value.path.endswith("tiny-flatten.checks.py")


def test_after_two_timeouts_in_a_row_the_checks_are_not_run_either(tmp_path):
    from grader.grading.pacing import Pace
    from grader.results import CaseResult
    exercise_ = exercise(tmp_path)
    pace = Pace(exercise_)
    small, *checks = exercise_.cases
    assert pace.before(small, 100.0) is None
    pace.after(small, CaseResult(small.name, 1, Outcome.TIMEOUT, duration=2.0))
    assert pace.before(checks[0], 100.0) is None
    pace.after(checks[0], CaseResult(checks[0].name, 1, Outcome.TIMEOUT, duration=2.0))
    assert all(pace.before(check, 100.0) is not None for check in checks[1:])


def test_a_checks_module_loaded_for_some_cases_serves_a_later_grading_of_all(tmp_path):
    """The module is remembered per file: loading it first for an exercise narrowed to its public cases must not
    leave the hidden checks out of a later grading of the whole exercise."""
    import dataclasses

    from grader.grading import check_module
    from grader.grading.check_module import load_checks
    from grader.spec.catalog import find_exercise
    check_module._LOADED.clear()  # as in a fresh process
    exercise = find_exercise("exercise-2")
    public = dataclasses.replace(exercise, cases=tuple(case for case in exercise.cases if not case.hidden))
    load_checks(public)
    checks = load_checks(exercise)
    wanted = {case.function for case in exercise.cases if case.check == "instructor"}
    assert wanted and wanted <= set(checks.functions)
