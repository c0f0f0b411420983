"""`grade validate` and `grade release` with an instructor checks module: the reference must pass, the starter
fail, each check says which known mistakes it catches; the learner edition ships public checks only."""

from __future__ import annotations

import numpy as np
from conftest import tiny_flatten_yaml

from grader.grading.runner import grade
from grader.instructor.release import build_exercise
from grader.instructor.validate import check_exercise
from grader.spec.loader import load_exercise

CHECKS = '''import numpy as np
import pytest


def test_rows_are_images(learner, reference, rng):
    """Row n holds image n."""
    x = rng.standard_normal((3, 2, 2))
    assert np.allclose(learner(x), reference(x)), "row n should hold image n"


@pytest.mark.hidden
def test_secret_rows(learner, rng):
    x = rng.standard_normal(5)
    assert np.allclose(learner(x, start_dim=0), x)  # SECRET-BODY
'''


def course(tmp_path, checks: str = CHECKS):
    path = tmp_path / "tiny-flatten.yaml"
    path.write_text(tiny_flatten_yaml(total_seconds=20, full=True))
    (tmp_path / "tiny-flatten.checks.py").write_text(checks)
    return path


def test_validate_reports_which_checks_catch_which_mistake(tmp_path):
    notes: list[str] = []
    assert check_exercise(course(tmp_path), notes) == []
    assert "check 'rows are images' catches 'batch flattened too'" in notes
    assert "check 'secret rows' catches none of the known mistakes" in notes


def test_validate_refuses_a_check_the_reference_fails_or_the_starter_passes(tmp_path):
    checks = CHECKS + "\n\ndef test_always(learner):\n    pass\n\n\ndef test_never(learner):\n    assert False, 'no'\n"
    problems = " ".join(check_exercise(course(tmp_path, checks)))
    assert "fails case 'never': no" in problems
    assert "starter already passes case(s) always" in problems


def test_validate_names_the_line_of_a_module_that_does_not_import(tmp_path):
    problems = check_exercise(course(tmp_path, "import numpy\nimport no_such_module_here\n\n" + CHECKS))
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'tiny-flatten.checks.py'}:2: ")


def test_release_ships_public_checks_only_and_they_run_in_the_learner_edition(tmp_path):
    out = tmp_path / "edition"
    released = build_exercise(course(tmp_path), out)
    source = (out / "tiny-flatten.checks.py").read_text()
    assert "def test_rows_are_images" in source and "secret" not in source and "SECRET-BODY" not in source
    assert [case.name for case in released.cases] == ["small batch", "worth two", "rows are images"]
    assert released.edition == "learner" and released.hidden_cases == 2
    assert len(np.load(out / "tiny-flatten.expected.npz").files) > 3
    learner = tmp_path / "learner"
    learner.mkdir()
    (learner / "exercise.py").write_text("def flatten(x, start_dim=1):\n    return x.reshape(len(x), -1)\n")
    result = grade(load_exercise(out / "tiny-flatten.yaml", check_references=False), learner / "exercise.py")
    assert result.all_passed and result.max_score == 4
    (learner / "exercise.py").write_text("def flatten(x, start_dim=1):\n    return x.reshape(len(x), -1) * 2\n")
    wrong = grade(released, learner / "exercise.py")
    assert not wrong.cases[-1].passed and wrong.cases[-1].message.startswith("row n should hold image n")
