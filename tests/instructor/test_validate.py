"""`grade validate` on a tiny course: good definitions pass; each kind of broken definition is named with file:line."""

from __future__ import annotations

import re

import pytest

EXERCISE = """schema_version: 1
id: {id}
title: "flatten"
concept: "Merge every axis after the first into one."
entry_point: {{name: flatten, signature: "flatten(x, start_dim=1)"}}
starter: |
  {starter}
reference: {reference}
misconceptions:
  - {{name: {mname}, explanation: "keep axis 0.", reference: {mref}}}
cases:
  - name: small batch
    args: {{x: {{shape: [2, 3, 2]}}}}
  - name: hidden larger
    visibility: hidden
    args: {{x: {{shape: [3, 4, 5]}}}}
"""

STARTER = "def flatten(x, start_dim=1): raise NotImplementedError"
QUIZ = """id: {id}
title: Tiny
questions:
  - id: q1
    type: numeric
    params: {{c: {{range: [1, 4]}}, h: {{range: [2, 5]}}}}
    prompt: "Flatten (2, {{c}}, {{h}}, {{h}}): how long is a row?"
    answer_expr: flatten(zeros((2, c, h, h))).shape[1]
    explanation: "{{c}} x {{h}} x {{h}} = {{answer}}."
  - id: q2
    type: true_false
    prompt: "Flattening keeps the batch axis."
    answer: true
    explanation: "Axis 0 stays."
"""


def write_exercise(course, exercise_id="tiny", starter=STARTER, reference="solutions.flatten",
                   mname="batch flattened too", mref="solutions.misconceptions.flatten_batch_too"):
    path = course / "exercises" / f"{exercise_id}.yaml"
    path.write_text(EXERCISE.format(id=exercise_id, starter=starter, reference=reference, mname=mname, mref=mref))
    return path


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    (root / "exercises").mkdir(parents=True)
    (root / "quizzes").mkdir()
    monkeypatch.setenv("CNN_GRADER_COURSE", str(root))
    return root


def test_a_sound_course_validates(course, run_cli):
    write_exercise(course)
    (course / "quizzes" / "tiny-quiz.yaml").write_text(QUIZ.format(id="tiny-quiz"))
    code, out, _ = run_cli("validate")
    assert code == 0, out
    assert "2 definition(s) checked: all good." in out


def test_validate_names_the_course_first_and_reports_each_definition_as_it_finishes(course, run_cli):
    good = write_exercise(course)
    broken = course / "exercises" / "broken.yaml"
    broken.write_text("schema_version: 1\nid: broken\n")
    code, out, _ = run_cli("validate")
    lines = out.splitlines()
    assert code == 2 and lines[0] == f"Course: {course} (set by $CNN_GRADER_COURSE)"
    progress = [line for line in lines if line.startswith(("ok ", "FAIL "))]
    assert [line.split()[:2] for line in progress] == [["FAIL", str(broken)], ["ok", str(good)]]
    assert all(re.fullmatch(r".*  \(\d+\.\d s\)", line) for line in progress), progress


def test_each_broken_definition_is_reported(course, run_cli):
    passing_starter = write_exercise(course, "starter-passes",
                                     starter="def flatten(x, start_dim=1): return x.reshape(len(x), -1)")
    # A reference always agrees with itself; what validate catches is one that raises, hangs or returns garbage.
    wrong_reference = write_exercise(course, "wrong-reference", reference="solutions.shape.normalize_start_dim")
    harmless = write_exercise(course, "harmless-mistake", mname="not a mistake", mref="solutions.flatten")
    code, out, _ = run_cli("validate", passing_starter, wrong_reference, harmless)
    assert code == 2
    assert f"{passing_starter}:1: the untouched starter already passes case(s) small batch, hidden larger" in out
    assert f"{wrong_reference}:1: the reference solutions.shape.normalize_start_dim fails case 'small batch'" in out
    assert f"{harmless}:1: misconception 'not a mistake' (solutions.flatten) passes every case" in out


def test_schema_and_id_problems_name_file_and_line(course, run_cli):
    path = write_exercise(course)
    path.write_text(path.read_text().replace("title:", "titel: x\ntitle:"))
    quiz = course / "quizzes" / "tiny.yaml"  # the same id as the exercise
    quiz.write_text(QUIZ.format(id="tiny"))
    renamed = course / "quizzes" / "other.yaml"
    renamed.write_text(QUIZ.format(id="not-other"))
    code, out, _ = run_cli("validate")
    assert code == 2
    line = path.read_text().splitlines().index("titel: x") + 1
    assert f"{path}:{line}:" in out and "titel" in out
    assert f"{quiz}:1: id 'tiny' is also used by {path}" in out
    assert f"{renamed}:1: quiz id 'not-other' must match the file name 'other.yaml'" in out


FAMILY = """family: tiny-flatten
mistakes:
  - name: channels moved last
    explanation: "keep the channels first."
    replaces: solutions.shape.flatten
    variant: solutions.misconceptions.flatten_channels_last
  - name: {second}
    explanation: "keep axis 0."
    replaces: solutions.shape.flatten
    variant: solutions.misconceptions.flatten_batch_too
"""


def test_family_mistakes_are_required_only_where_the_exercise_can_make_them(course, run_cli):
    """The cases are 3-D, so channels-last (which needs three flattened axes) never runs: not a problem. A family
    mistake that does differ but is always named as an earlier one is reported, with its family."""
    (course / "exercises" / "families").mkdir()
    family = course / "exercises" / "families" / "tiny-flatten.yaml"
    family.write_text(FAMILY.format(second="flattened whole"))
    path = write_exercise(course)
    path.write_text(path.read_text().replace("misconceptions:", "families: [tiny-flatten]\nmisconceptions:"))
    code, out, _ = run_cli("validate", path)
    assert code == 2, out
    assert "(family tiny-flatten): misconception 'flattened whole'" in out and "attributed to: batch flattened too" in out
    assert "channels moved last" not in out
    family.write_text(FAMILY.format(second="batch flattened too"))  # the exercise's own twin replaces it
    code, out, _ = run_cli("validate", path)
    assert code == 0, out


def test_an_id_stands_for_the_courses_definition(course, run_cli, monkeypatch):
    write_exercise(course)
    (course / "quizzes" / "tiny-quiz.yaml").write_text(QUIZ.format(id="tiny-quiz"))
    monkeypatch.chdir(course.parent)  # no file named like the ids here
    code, out, _ = run_cli("validate", "tiny", "tiny-quiz")
    assert code == 0 and "2 definition(s) checked: all good." in out
    assert str(course / "exercises" / "tiny.yaml") in out and str(course / "quizzes" / "tiny-quiz.yaml") in out
    code, out, _ = run_cli("validate", "tiny-qiuz")
    assert code == 2 and "tiny-qiuz: no such file, and no exercise or quiz of the course has this id" in out
