"""Advice must work when followed literally: the code in every hint, concept text and known-mistake explanation runs.

How a text marks its code (also in docs/exercise-format.md):
- Code a learner may type goes in backticks, e.g. `x_padded = np.pad(x.astype(float), ..., constant_values=-np.inf)`.
  Each backtick span that is valid Python is run, in the order the texts come (hints first, then the concept, then
  the mistakes' explanations), in one namespace per public case holding: the case's arguments by parameter name
  (defaults filled in), `np` and `math`, the usual bookkeeping names (N, C, H, W, F, KH, KW, OH, OW, stride_h/sh,
  stride_w/sw, pad_h/ph, pad_w/pw, and a loop position n, c, f, i, j, tried at the first and the last output pixel),
  the exercise's own function, and the earlier exercises' functions as modules `exercise_2`, `exercise_3`, ...
  (as when the learner's files sit side by side). A span that raises, or warns, fails this test.
- A span that is not valid Python (`[:, :, ::stride_h]`, `>=`) is a fragment: shown, not run. So is a bare name or
  dotted name that the namespace does not define (`max_pool2d`), and a call into another library (`torch....`).
- Calls outside backticks (`np.pad(...)` written as plain text) are refused: they would escape this test.
- A span naming an argument that a case leaves as None (bias) is not run on that case: such advice says
  "when bias is not None".
"""

from __future__ import annotations

import ast
import math
import re
import sys
import types
import warnings

import numpy as np
import pytest

from grader.spec.catalog import exercise_paths, find_exercise
from grader.spec.loader import load_exercise
from grader.grading.inputs import build_args
from grader.grading.references import reference_function
from grader.instructor.validate import differs_somewhere

EXERCISES = [load_exercise(path) for path in exercise_paths()]
OTHER_LIBRARIES = {"torch", "tf", "scipy"}  # texts may compare with them; the course does not install them
SPAN = re.compile(r"`([^`]+)`")
UNQUOTED_CALL = re.compile(r"(?<![\w.`])[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*\((?=[^)]*\))")


def texts(exercise) -> list[tuple[str, str]]:
    """(where, text) for every learner-facing text that may carry advice, in the order their code is run."""
    found = [(f"hint {number}", hint) for number, hint in enumerate(exercise.hints, 1)]
    found.append(("concept", exercise.concept))
    # a family's mistake is explained in an exercise only where it can happen (a bias mistake not in conv2d_single)
    found += [(f"mistake '{item.name}'", item.explanation) for item in exercise.misconceptions
              if not item.family or differs_somewhere(exercise, item)]
    return found


def runnable(span: str, namespace: dict) -> ast.Module | None:
    """The span parsed as code to run, or None for a fragment or a mere mention of a name."""
    try:
        tree = ast.parse(span)
    except SyntaxError:
        return None
    roots = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    if roots & OTHER_LIBRARIES:
        return None
    only = tree.body[0].value if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) else None
    while isinstance(only, ast.Attribute):
        only = only.value
    if isinstance(only, ast.Name) and only.id not in namespace:
        return None  # a name mentioned in passing
    return tree


def pair(value, default=None):
    value = default if value is None else value
    return (value, value) if isinstance(value, (int, np.integer)) else tuple(value)


def call_values(exercise, case) -> dict:
    """Every parameter's value for this case, defaults filled in from the signature."""
    args = build_args(exercise, case, None)
    tree = ast.parse(f"def {exercise.entry.signature}: pass").body[0].args
    defaults = dict(zip([arg.arg for arg in tree.args][len(tree.args) - len(tree.defaults):],
                        [ast.literal_eval(node) for node in tree.defaults]))
    return {**defaults, **args}


def bookkeeping(values: dict, output: np.ndarray, last: bool) -> dict:
    """The names hints use for sizes and for one loop position (the first or the last output pixel)."""
    names = {}
    image = values.get("x", values.get("image"))
    if isinstance(image, np.ndarray) and image.ndim in (2, 4):
        names.update(zip(("N", "C", "H", "W")[4 - image.ndim:], image.shape))
    kernel = values.get("weight", values.get("kernel"))
    if isinstance(kernel, np.ndarray):
        names.update(zip(("F", "C_in", "KH", "KW")[4 - kernel.ndim:], kernel.shape))
    elif "kernel_size" in values:
        names["KH"], names["KW"] = pair(values["kernel_size"])
    if "stride" in values:
        names["stride_h"], names["stride_w"] = names["sh"], names["sw"] = pair(values["stride"],
                                                                              (names["KH"], names["KW"]))
    if "padding" in values:
        names["pad_h"], names["pad_w"] = names["ph"], names["pw"] = pair(values["padding"])
    grid = values.get("dout", output)  # a backward pass loops over the forward output's pixels, dout's grid
    if grid.ndim >= 2 and image is not None and image.ndim in (2, 4):
        names["OH"], names["OW"] = grid.shape[-2:]
    for axis, size in (("n", "N"), ("c", "C"), ("f", "F"), ("i", "OH"), ("j", "OW")):
        if size in names:
            names[axis] = names[size] - 1 if last else 0
    return names


@pytest.fixture
def earlier_exercises(monkeypatch):
    """`from exercise_2 import conv2d` works, as it does when the learner's files sit next to each other."""
    for exercise in EXERCISES:
        module = types.ModuleType(exercise.id.replace("-", "_"))
        setattr(module, exercise.entry.name, reference_function(exercise))
        monkeypatch.setitem(sys.modules, module.__name__, module)


def namespaces(exercise):
    """One fresh namespace per public case and loop position; integer cases included."""
    function = reference_function(exercise)
    for case in exercise.cases:
        if case.hidden or case.check in ("speed", "instructor"):  # instructor checks have no arguments
            continue
        values = call_values(exercise, case)
        output = function(**values)
        first = output[0] if isinstance(output, tuple) else output
        for last in (False, True):
            yield case.name, last, {"np": np, "math": math, exercise.entry.name: function, **values,
                                    **bookkeeping(values, np.asarray(first), last)}


def failures_of(exercise) -> list[str]:
    failures = []
    for case_name, last, namespace in namespaces(exercise):
        unset = {name for name, value in namespace.items() if value is None}
        for where, text in texts(exercise):
            for span in SPAN.findall(text):
                tree = runnable(span, namespace)
                if tree is None or unset & {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}:
                    continue
                try:
                    with warnings.catch_warnings(), np.errstate(all="raise"):
                        warnings.simplefilter("error")
                        exec(compile(tree, f"<{where}>", "exec"), namespace)
                except Exception as error:  # the point: any failure of followed advice is a finding
                    position = "last" if last else "first"
                    failures.append(f"{exercise.id} {where}: `{span}` on case '{case_name}' ({position} pixel) "
                                    f"raises {type(error).__name__}: {error}")
    return failures


@pytest.mark.parametrize("exercise", EXERCISES, ids=[exercise.id for exercise in EXERCISES])
def test_code_in_the_texts_runs_on_every_public_case(exercise, earlier_exercises):
    failures = failures_of(exercise)
    assert not failures, "\n".join(dict.fromkeys(failures))


@pytest.mark.parametrize("exercise", EXERCISES, ids=[exercise.id for exercise in EXERCISES])
def test_calls_in_the_texts_sit_in_backticks(exercise):
    unquoted = [f"{where}: {match.group(0)}…" for where, text in texts(exercise)
                for match in UNQUOTED_CALL.finditer(SPAN.sub("", text))]
    assert not unquoted, "put code in backticks so that this test runs it: " + "; ".join(unquoted)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[exercise.id for exercise in EXERCISES])
def test_texts_carry_code_that_is_run(exercise, earlier_exercises):
    """The test above must not pass by running nothing: every exercise's hints hold code that runs."""
    _, _, namespace = next(namespaces(exercise))
    spans = [span for _, hint in texts(exercise)[:len(exercise.hints)] for span in SPAN.findall(hint)]
    assert [span for span in spans if runnable(span, namespace) is not None]


# --- the test catches what it is for ---------------------------------------------------------------------------

def _with_hint(exercise_id: str, hint: str):
    import dataclasses
    exercise = find_exercise(exercise_id)
    return dataclasses.replace(exercise, hints=(hint, *exercise.hints))


def test_padding_an_integer_map_with_minus_infinity_is_caught(earlier_exercises):
    """The old advice of exercises 3 and 7: pad with -np.inf, without converting an integer input to float."""
    bad = _with_hint("exercise-3", "Pad with `x_padded = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)), "
                                   "constant_values=-np.inf)`.")
    assert any("OverflowError" in failure and "integer inputs" in failure for failure in failures_of(bad))


def test_a_fragment_or_a_mention_is_not_run():
    namespace = {"np": np}
    assert runnable("[:, :, ::stride_h, ::stride_w]", namespace) is None
    assert runnable(">=", namespace) is None
    assert runnable("max_pool2d", namespace) is None
    assert runnable("torch.flatten(x, start_dim)", namespace) is None
    assert runnable("np.argmax", namespace) is not None  # a NumPy name is checked: a typo there would fail


def test_a_call_outside_backticks_is_spotted():
    assert UNQUOTED_CALL.search("Pad with np.pad(x, 1) first")
    assert not UNQUOTED_CALL.search(SPAN.sub("", "window (i, j) of image n; `np.pad(x, 1)`"))
