"""One pytest session grades many submissions (a batch grading process): each grading in it is the same as a
grading in a session of its own, and nothing of one learner's run reaches the next."""

from __future__ import annotations

from functools import partial

import pytest

from conftest import reference_source
from grader.grading.runner import grade, serve
from grader.spec.catalog import find_exercise

from test_feedback import FLIPPED


def _outcomes(result):
    return [(case.name, case.outcome, case.points) for case in result.cases]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("learners")
    found = {}
    for name, source in {"right": reference_source("conv"), "flipped": FLIPPED,
                         "broken": "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    return x[0]\n"}.items():
        (folder / name).mkdir()
        found[name] = folder / name / "exercise_2.py"
        found[name].write_text(source)
    return found


def test_a_shared_session_grades_each_submission_as_its_own_session_does(files):
    exercise = find_exercise("exercise-2")
    alone = {name: grade(exercise, path) for name, path in files.items()}
    shared = {}
    order = ["flipped", "right", "broken", "right"]  # a full mark after failures, and the same file twice

    def job(name, session):
        shared.setdefault(name, []).append(grade(exercise, files[name], session=session))
    serve(exercise, [partial(job, name) for name in order])
    assert sorted(shared) == sorted(alone)
    for name, results in shared.items():
        for result in results:
            assert _outcomes(result) == _outcomes(alone[name]), name
            assert result.summary == alone[name].summary
    assert all(case.passed for case in shared["right"][0].cases)
    assert not any(case.passed for case in shared["broken"][0].cases)


def test_what_a_piece_of_work_raises_comes_out_of_the_session_and_stops_it(files):
    exercise = find_exercise("exercise-2")
    graded = []

    def job(name, session):
        if name == "boom":
            raise OSError("the disk is full")
        graded.append(grade(exercise, files[name], session=session))
    with pytest.raises(OSError, match="disk is full"):
        serve(exercise, [partial(job, "right"), partial(job, "boom"), partial(job, "flipped")])
    assert len(graded) == 1  # the work after the failure was not started


def test_a_piece_of_work_may_grade_nothing(files):
    exercise = find_exercise("exercise-2")
    serve(exercise, [lambda session: None])  # a learner without a file: no case runs, and the session ends well


def test_a_case_that_breaks_inside_the_grader_is_the_graders_error_and_the_others_still_count(files, monkeypatch):
    from grader.grading.evaluate import Evaluator
    from grader.results import Kind, Outcome
    exercise = find_exercise("exercise-2")
    broken = exercise.cases[1].name
    evaluate = Evaluator.evaluate

    def breaks_once(self, case):
        if case.name == broken:
            raise ZeroDivisionError("a grader bug on this case")
        return evaluate(self, case)
    monkeypatch.setattr(Evaluator, "evaluate", breaks_once)
    cases = {case.name: case for case in grade(exercise, files["right"]).cases}
    assert (cases[broken].outcome, cases[broken].kind) == (Outcome.ERROR, Kind.INTERNAL)
    assert "ZeroDivisionError: a grader bug on this case" in cases[broken].details["grader_error"]
    assert all(case.passed for name, case in cases.items() if name != broken)
