"""The `checks` key and the checks module read statically: each test function is a case; every mistake in the
module is a definition error naming its file and line."""

from __future__ import annotations

import re

import pytest
from conftest import tiny_flatten_yaml

from grader.errors import DefinitionError
from grader.spec.loader import load_exercise
from grader.spec.model import INSTRUCTOR_CHECK

GOOD = '''import pytest


def test_rows_kept(learner, rng):
    """Row n comes from image n.

    More words that are not shown."""
    assert learner(rng.standard_normal((2, 3))).shape == (2, 3)


@pytest.mark.points(2.5)
@pytest.mark.hidden
def test_secret_property(learner, reference):
    pass


def helper():
    pass
'''


def write(tmp_path, checks: str | None = GOOD, key: str = "", name: str = "tiny-flatten.checks.py"):
    yaml_path = tmp_path / "tiny-flatten.yaml"
    yaml_path.write_text(tiny_flatten_yaml() + (f"checks: {key}\n" if key else ""))
    if checks is not None:
        (tmp_path / name).write_text(checks)
    return yaml_path


def test_a_module_beside_the_yaml_becomes_cases_after_the_yamls(tmp_path):
    exercise = load_exercise(write(tmp_path))
    checks = [case for case in exercise.cases if case.check == INSTRUCTOR_CHECK]
    assert [case.name for case in exercise.cases] == ["small batch", "rows kept", "secret property"]
    assert [(c.function, c.points, c.visibility) for c in checks] == [
        ("test_rows_kept", 1.0, "public"), ("test_secret_property", 2.5, "hidden")]
    assert checks[0].description == "Row n comes from image n." and checks[1].description == ""
    assert exercise.max_score == 4.5 and exercise.checks.endswith("tiny-flatten.checks.py")


def test_no_module_no_checks_and_the_key_wins_over_the_default_name(tmp_path):
    assert load_exercise(write(tmp_path, checks=None)).checks == ""
    (tmp_path / "tiny-flatten.checks.py").write_text("this is not python(")
    other = "def test_other(learner):\n    pass\n"
    exercise = load_exercise(write(tmp_path, checks=other, key="mine.py", name="mine.py"))
    assert exercise.checks.endswith("mine.py") and exercise.cases[-1].name == "other"


@pytest.mark.parametrize("key, said", [
    ("missing.py", "does not exist"), ("../elsewhere.py", "inside the exercise's folder"),
    ("notes.txt", "must name a Python file")])
def test_a_bad_checks_key_names_the_yaml_line(tmp_path, key, said):
    path = write(tmp_path, checks=None, key=key)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DefinitionError) as caught:
        load_exercise(path)
    line = tiny_flatten_yaml().count("\n") + 1
    assert caught.value.message.startswith(f"{path}:{line}: checks:") and said in caught.value.message


@pytest.mark.parametrize("source, line, said", [
    ("def test_a(learner):\n    return (\n", 2, "syntax error"),
    ("def test_a(learner, tmp_path):\n    pass\n", 1, "fixture 'tmp_path', which does not exist"),
    ("import pytest\n\n@pytest.mark.parametrize('n', [1, 2])\ndef test_a(learner, n):\n    pass\n", 3,
     "unknown marker or decorator @pytest.mark.parametrize"),
    ("import pytest\n\n@pytest.mark.points('two')\ndef test_a(learner):\n    pass\n", 3, "one number of points"),
    ("import pytest\n\n@pytest.mark.points(-1)\ndef test_a(learner):\n    pass\n", 3, "one number of points"),
    ("import pytest\n\n@pytest.mark.points\ndef test_a(learner):\n    pass\n", 3, "@pytest.mark.points(N)"),
    ("import pytest\n\n@pytest.mark.hiden\ndef test_a(learner):\n    pass\n", 3, "@pytest.mark.hiden"),
    ("def test_a(learner, rng=None):\n    pass\n", 1, "without defaults"),
    ("class TestThings:\n    def test_a(self):\n        pass\n", 1, "module-level"),
    ("import pytest\npytestmark = pytest.mark.hidden\n\ndef test_a(learner):\n    pass\n", 2, "mark each check"),
    ("async def test_a(learner):\n    pass\n", 1, "not async"),
])
def test_a_broken_checks_module_names_its_file_and_line(tmp_path, source, line, said):
    path = write(tmp_path, checks=source)
    with pytest.raises(DefinitionError) as caught:
        load_exercise(path)
    assert caught.value.path == str(tmp_path / "tiny-flatten.checks.py") and caught.value.line == line
    assert said in caught.value.message


def test_a_module_without_checks_or_with_a_name_taken_is_refused(tmp_path):
    with pytest.raises(DefinitionError, match="defines no `def test_"):
        load_exercise(write(tmp_path, checks="def helper():\n    pass\n"))
    with pytest.raises(DefinitionError, match=re.escape("named 'small batch'")):
        load_exercise(write(tmp_path, checks="def test_small_batch(learner):\n    pass\n"))


def test_the_course_checks_modules_load(repo):
    for number in (1, 2, 3, 4, 8):
        exercise = load_exercise(repo / "exercises" / f"exercise-{number}.yaml")
        assert any(case.check == INSTRUCTOR_CHECK for case in exercise.cases), number
