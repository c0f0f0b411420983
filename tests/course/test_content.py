"""Content checks, rustlings-style: every exercise loads, its reference passes, its starter fails, its mistakes are caught."""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import REPO, reference_source
from grader.results import Outcome
from grader.grading.evaluate import Evaluator
from grader.grading.references import reference_function
from grader.instructor.validate import differs_somewhere, mistake_source
from grader.spec.catalog import exercise_paths
from grader.spec.loader import load_exercise
from grader.grading.runner import grade

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
    assert {case.outcome for case in result.cases} == {Outcome.NOT_ATTEMPTED}
    assert result.score == 0


def _differs_on_a_public_case(exercise, item) -> bool:
    public = dataclasses.replace(exercise, cases=tuple(case for case in exercise.cases if not case.hidden))
    return differs_somewhere(public, item)


# An exercise's own whole-function mistakes must all show on its public cases; a swapped block's only where the
# exercise's public cases can show it (a bias mistake cannot happen in conv2d_single, which has no bias).
VARIANTS = [(exercise, item) for exercise in EXERCISES for item in exercise.misconceptions
            if not item.replaces or _differs_on_a_public_case(exercise, item)]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_mistake_an_exercise_declares_itself_shows_on_some_case(exercise):
    quiet = [item.name for item in exercise.misconceptions if not item.family and not differs_somewhere(exercise, item)]
    assert not quiet


def test_every_family_applies_somewhere_and_the_network_knows_the_layers_mistakes():
    applied = {(item.family, item.name) for exercise, item in VARIANTS if item.family}
    declared = {(item.family, item.name) for exercise in EXERCISES for item in exercise.misconceptions if item.family}
    assert {family for family, _ in declared} == {"conv-forward", "pooling", "flatten", "network", "conv-backward",
                                                  "pool-backward", "conv-general", "receptive-field", "global-pooling",
                                                  "numerical-gradient"}
    assert declared - applied == set(), "a family mistake no exercise can make"
    network = {item.name for exercise, item in VARIANTS if exercise.id == "exercise-5"}
    assert {"kernel flipped", "average instead of max", "ReLU missing", "channels-last flatten"} <= network
    assert "stride defaults to 1" in {item.name for exercise, item in VARIANTS if exercise.id == "exercise-7"}


@pytest.mark.parametrize("exercise, item", VARIANTS, ids=[f"{e.id}: {m.name}" for e, m in VARIANTS])
def test_each_misconception_fails_and_is_recognised(exercise, item, tmp_path):
    # Public value cases only, through the Evaluator (one worker, no pytest session per variant): every
    # mistake must already show on the public cases, and this keeps the whole file to a few seconds.
    # The submission is what `grade validate` grades: the variant, or the reference with one block swapped.
    for module in (REPO / "solutions").glob("*.py"):
        shutil.copyfile(module, tmp_path / module.name)
    path = tmp_path / f"{exercise.entry.name}_mistake.py"
    path.write_text(mistake_source(exercise, item))
    cases = tuple(case for case in exercise.cases if not case.hidden and case.check != "speed")
    public = dataclasses.replace(exercise, cases=cases)
    evaluator = Evaluator(public, path)
    evaluator.start()
    try:
        results = [evaluator.evaluate(case) for case in public.cases]
    finally:
        evaluator.close()
    assert not all(result.passed for result in results), f"{item.name} passes every public case"
    recognised = [result for result in results if result.details.get("misconception") == item.name]
    assert recognised, f"{item.name} fails but is never named: {[r.message for r in results if not r.passed][:2]}"
    assert item.explanation[1:] in recognised[0].message  # the first letter may be capitalised


# --- what the course says must be true (the computations behind these are in test_solutions.py) --------------------

QUIZZES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in (REPO / "quizzes").glob("*.yaml")}


def _right_choices(question: dict) -> list[str]:
    answer = question.get("answer")
    numbers = answer if isinstance(answer, list) else [answer]
    return [choice for number, choice in enumerate(question.get("choices", []), 1) if number in numbers]


def course_statements() -> list[tuple[str, str]]:
    """(where, text) for everything the course asserts: exercise texts, quiz explanations, right choices and true
    true/false prompts. Wrong choices and false prompts are meant to be false, so they are left out."""
    found = []
    for exercise in EXERCISES:
        found += [(f"{exercise.id} concept", exercise.concept)]
        found += [(f"{exercise.id} hint", hint) for hint in exercise.hints]
        found += [(f"{exercise.id} mistake {item.name}", item.explanation) for item in exercise.misconceptions]
        found += [(f"{exercise.id} case {case.name}", case.description) for case in exercise.cases if case.description]
    for quiz_id, quiz in QUIZZES.items():
        found.append((f"{quiz_id} description", quiz.get("description", "")))
        for question in quiz["questions"]:
            where = f"{quiz_id} {question['id']}"
            found.append((where, question["explanation"]))
            found += [(where, choice) for choice in _right_choices(question)]
            if question["type"] == "true_false" and question["answer"] is True:
                found.append((where, question["prompt"]))
    return found


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+|\n\s*\n", " ".join(text.split("\n"))) if part.strip()]


def test_pooling_is_never_called_shift_invariant():
    """A one-pixel shift changes about two thirds of 2x2 pooled values: pooling tolerates moves inside a window."""
    claims = [(where, sentence) for where, text in course_statements() for sentence in sentences(text)
              if re.search(r"invarian", sentence, re.I) and not re.search(r"\bnot\b", sentence)]
    assert not claims


def test_no_right_answer_says_a_shifted_input_leaves_the_pooled_map_unchanged():
    overclaim = re.compile(r"\bshift", re.I)
    for quiz_id, quiz in QUIZZES.items():
        for question in quiz["questions"]:
            for number, choice in enumerate(question.get("choices", []), 1):
                if overclaim.search(choice) and re.search(r"same|unchanged|changes less", choice) \
                        and not re.search(r"within|inside", choice):
                    assert choice not in _right_choices(question), f"{quiz_id} {question['id']} choice {number}"
    pooling = next(q for q in QUIZZES["flatten-and-pool"]["questions"] if q["id"] == "q7-pool-effects")
    assert any(re.search(r"inside its pooling window", choice) for choice in _right_choices(pooling))
    assert "moves the pooled map by one cell" in " ".join(pooling["explanation"].split())


def test_no_statement_says_no_layer_sees_the_whole_image():
    """Stacked 3x3 layers reach every pixel of a 32x32 image after 31 layers: deep layers can see it all."""
    claims = [(where, sentence) for where, text in course_statements() for sentence in sentences(text)
              if re.search(r"\b(no|never|none)\b[^.]*\bwhole image", sentence, re.I)]
    assert not claims


def test_first_layer_features_come_first_in_the_quizzes_own_order():
    """The order question puts edges first and textures, parts and objects later: a first-layer answer names
    none of the later ones."""
    questions = QUIZZES["feature-hierarchy"]["questions"]
    order = next(choice for q in questions for choice in _right_choices(q) if ", then " in choice)
    stages = [set(re.findall(r"[a-z]+", stage.lower())) for stage in order.rstrip(".").split(", then ")]
    later = set().union(*stages[1:]) - stages[0] - {"and", "simple", "whole"}
    first_layer = [q for q in questions if "FIRST" in q["prompt"]]
    assert first_layer and "textures" in later
    for question in first_layer:
        for choice in _right_choices(question):
            assert not later & set(re.findall(r"[a-z]+", choice.lower())), choice


def test_the_full_convolution_identity_is_stated_for_stride_1_with_swapped_axes():
    for where, text in course_statements():
        for paragraph in re.split(r"\n\s*\n|\n\s*- ", text):
            if re.search(r"full\*? convolution", paragraph):
                flat = " ".join(paragraph.split())
                assert "stride 1" in flat and "swapped" in flat and "flipped" in flat, where


def test_loop_counts_follow_exercise_2s_own_loop():
    """Exercise 2's hints fill out[:, :, i, j] once per output pixel: OH·OW iterations give the whole layer."""
    exercise = next(e for e in EXERCISES if e.id == "exercise-2")
    rng = np.random.default_rng(0)
    x, weight = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    stride_h = stride_w = 1
    pad_h = pad_w = 1
    OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
    code = [span for hint in exercise.hints for span in re.findall(r"`([^`]+)`", hint)]
    namespace = dict(np=np, x=x, weight=weight, N=N, C=C, H=H, W=W, F=F, KH=KH, KW=KW, OH=OH, OW=OW,
                     stride_h=stride_h, stride_w=stride_w, pad_h=pad_h, pad_w=pad_w)
    setup, per_pixel = code[:2], code[2:]
    for span in setup:
        exec(span, namespace)
    iterations = 0
    for namespace["i"] in range(OH):
        for namespace["j"] in range(OW):
            iterations += 1
            for span in per_pixel:
                exec(span, namespace)
    np.testing.assert_allclose(namespace["out"], reference_function(exercise)(x, weight, padding=1), atol=1e-12)
    assert iterations == OH * OW
    concept = " ".join(next(e for e in EXERCISES if e.id == "exercise-8").concept.split())
    assert re.search(r"Exercise 2's loop over the output pixels runs its body OH·OW times", concept)


def test_tie_rule_is_called_a_convention_not_a_must():
    exercise = next(e for e in EXERCISES if e.id == "exercise-7")
    text = " ".join(exercise.concept.split())
    assert "convention" in text and "PyTorch" in text and "valid" in text
    claims = [(where, sentence) for where, text in course_statements() for sentence in sentences(text)
              if re.search(r"\bmust\b", sentence) and re.search(r"\btie|tied|first maxim", sentence)]
    assert not claims


def test_the_edge_kernel_text_names_both_signs():
    concept = " ".join(next(e for e in EXERCISES if e.id == "exercise-1").concept.split())
    assert "large positive" in concept and "large negative" in concept
