"""Content checks, rustlings-style: every exercise loads, its reference passes, its starter fails, its mistakes are caught."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from conftest import REPO, reference_source
from grader import results as R
from grader.evaluate import Evaluator
from grader.exercise import exercise_paths, load_exercise
from grader.runner import grade

EXERCISES = [load_exercise(path) for path in exercise_paths()]
IDS = [exercise.id for exercise in EXERCISES]


def _module_order() -> list[str]:
    """solutions/ modules ordered so that each comes after the modules it imports (for pasting)."""
    needs = {}
    for path in (REPO / "solutions").glob("*.py"):
        if path.stem not in ("__init__", "_args"):
            needs[path.stem] = set(re.findall(r"^from \.(\w+) import", path.read_text(), re.M)) - {"_args"}
    order: list[str] = []
    while needs:
        ready = sorted(name for name, deps in needs.items() if deps <= set(order))
        assert ready, f"circular imports among {sorted(needs)}"
        order += ready
        for name in ready:
            del needs[name]
    return order


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    """A folder holding every reference and wrong variant as one plain module a submission may import."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "course_lib.py").write_text(reference_source(*_module_order()))
    return folder


def submit(folder: Path, exercise, dotted: str) -> Path:
    """A learner file whose entry point is the function `dotted` of solutions/, imported from course_lib."""
    path = folder / f"{exercise.id.replace('-', '_')}_{dotted.rpartition('.')[2]}.py"
    path.write_text(f"from course_lib import {dotted.rpartition('.')[2]} as {exercise.entry.name}\n")
    return path


# --- the definitions themselves ------------------------------------------------------------------

def test_ids_are_unique_and_match_file_names():
    assert len(IDS) == len(set(IDS)) >= 8
    assert [Path(exercise.path).stem for exercise in EXERCISES] == IDS


def test_readme_lists_every_exercise():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [exercise_id for exercise_id in IDS if not re.search(rf"\b{re.escape(exercise_id)}\b", readme)]
    assert not missing, f"README.md does not mention {missing}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_definition_is_complete(exercise):
    assert exercise.concept.strip() and exercise.title.strip()
    assert len(exercise.hints) >= 3 and all(hint.strip() for hint in exercise.hints)
    assert len(exercise.cases) >= 14
    assert {case.visibility for case in exercise.cases} == {"public", "hidden"}
    assert exercise.misconceptions, "declare the common mistakes so the grader can name them"
    for item in exercise.misconceptions:
        assert item.name.strip() and 20 <= len(item.explanation) <= 300, item.name
    names = [item.name for item in exercise.misconceptions]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_starter_declares_the_entry_point_with_its_signature(exercise):
    tree = ast.parse(exercise.starter)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    function = functions[exercise.entry.name]
    assert [arg.arg for arg in function.args.args] == [param.name for param in exercise.entry.params]
    assert ast.get_docstring(function), "the starter's docstring states the shape contract"


# --- through the real grader --------------------------------------------------------------------

@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_reference_passes_every_case(exercise, course_dir):
    result = grade(exercise, submit(course_dir, exercise, exercise.reference))
    failed = {case.name: case.message for case in result.cases if not case.passed}
    assert not failed
    assert result.score == exercise.max_score
    for spec, case in zip(exercise.cases, result.cases):  # the reference also agrees with finite differences
        if spec.check == "gradient":
            assert all(part["agrees"] for part in case.details["numerical_gradient"].values()), case.name


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_starter_fails_every_case_as_not_attempted(exercise, tmp_path):
    path = tmp_path / "starter.py"
    path.write_text(exercise.starter)
    result = grade(exercise, path)
    assert {case.outcome for case in result.cases} == {R.NOT_ATTEMPTED}
    assert result.score == 0


VARIANTS = [(exercise, item) for exercise in EXERCISES for item in exercise.misconceptions]


@pytest.mark.parametrize("exercise, item", VARIANTS, ids=[f"{e.id}: {m.name}" for e, m in VARIANTS])
def test_each_misconception_fails_and_is_recognised(exercise, item, course_dir):
    # Public value cases only, through the Evaluator (one worker, no pytest session per variant): every
    # mistake must already show on the public cases, and this keeps the whole file to a few seconds.
    cases = tuple(case for case in exercise.cases if not case.hidden and case.check != "speed")
    public = dataclasses.replace(exercise, cases=cases)
    evaluator = Evaluator(public, submit(course_dir, exercise, item.reference))
    evaluator.start()
    try:
        results = [evaluator.evaluate(case) for case in public.cases]
    finally:
        evaluator.close()
    assert not all(result.passed for result in results), f"{item.name} passes every public case"
    recognised = [result for result in results if result.details.get("misconception") == item.name]
    assert recognised, f"{item.name} fails but is never named: {[r.message for r in results if not r.passed][:2]}"
    assert item.explanation in recognised[0].message
