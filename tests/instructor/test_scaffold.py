"""`grade new`: the scaffold loads as a valid exercise, teaches the format, and never overwrites work by accident."""

from __future__ import annotations

import pytest

from grader.spec.loader import load_exercise


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path))
    return tmp_path


def test_new_writes_a_loadable_exercise_and_a_reference_stub(course, run_cli):
    code, out, err = run_cli("new", "exercise-9", "--function", "avgpool2d")
    assert code == 0, err
    assert out.splitlines()[0] == f"Course: {course} (set by $CNN_GRADER_COURSE)"
    path = course / "exercises" / "exercise-9.yaml"
    exercise = load_exercise(path, check_references=False)
    assert exercise.id == "exercise-9" and exercise.entry.name == "avgpool2d"
    assert exercise.reference == "solutions.exercise_9.avgpool2d"
    assert [case.hidden for case in exercise.cases] == [False, True]
    assert "docs/authoring.md" in path.read_text() and "grade validate" in out
    stub = (course / "solutions" / "exercise_9.py").read_text()
    namespace: dict = {}
    exec(compile(stub, "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["avgpool2d"](None)


def test_new_refuses_bad_names_and_existing_files(course, run_cli):
    assert run_cli("new", "Exercise 9", "--function", "f")[0] == 2
    code, _, err = run_cli("new", "exercise-9", "--function", "class")
    assert code == 2 and "not a valid Python function name" in err
    assert run_cli("new", "exercise-9", "--function", "f")[0] == 0
    (course / "exercises" / "exercise-9.yaml").write_text("# my edits")
    code, _, err = run_cli("new", "exercise-9", "--function", "f")
    assert code == 2 and "--force" in err
    assert (course / "exercises" / "exercise-9.yaml").read_text() == "# my edits"
    assert run_cli("new", "exercise-9", "--function", "g", "--force")[0] == 0
    assert load_exercise(course / "exercises" / "exercise-9.yaml", check_references=False).entry.name == "g"
