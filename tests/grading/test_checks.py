"""Gradient and speed checks: numerical gradients catch wrong backward passes, slow code loses only the speed points."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from conftest import reference_source
from grader.grading import checks
from grader.results import Kind, Outcome
from grader.errors import DefinitionError
from grader.spec.catalog import find_exercise
from grader.spec.loader import load_exercise
from grader.grading.runner import grade

LOOP_CONV = '''
import numpy as np


def conv2d_fast(x, weight, bias=None, stride=1, padding=0):
    """Correct but slow: one Python iteration per output value."""
    s = stride if isinstance(stride, int) else stride[0]
    p = padding if isinstance(padding, int) else padding[0]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).astype(float)
    N, C, H, W = xp.shape
    F, _, KH, KW = weight.shape
    out = np.zeros((N, F, (H - KH) // s + 1, (W - KW) // s + 1))
    for n in range(N):
        for f in range(F):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    window = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]
                    out[n, f, i, j] = np.sum(window * weight[f]) + (0 if bias is None else bias[f])
    return out
'''

SPEED_EXERCISE = '''
schema_version: 1
id: speedy
title: "a speed test"
concept: "Speed."
entry_point: {name: conv2d_fast, signature: "conv2d_fast(x, weight, bias=None, stride=1, padding=0)"}
starter: "def conv2d_fast(x, weight, bias=None, stride=1, padding=0):\\n    raise NotImplementedError\\n"
reference: solutions.conv2d_fast
cases:
  - name: small values
    args: {x: {shape: [1, 2, 5, 5]}, weight: {shape: [3, 2, 3, 3]}, bias: {shape: [3]}, padding: 1}
  - name: strided values
    args: {x: {shape: [2, 1, 7, 7]}, weight: {shape: [2, 1, 3, 3]}, stride: 2}
  - name: timed
    check: speed
    max_ratio: 3
    repeats: 3
    args: {x: {shape: [2, 4, 16, 16]}, weight: {shape: [8, 4, 3, 3]}, bias: {shape: [8]}, padding: 1}
'''


def write_exercise(folder, text: str, name: str = "speedy"):
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text).lstrip())
    return load_exercise(path)


# --- speed ------------------------------------------------------------------------------------------

def test_slow_loop_loses_only_the_speed_points(tmp_path):
    exercise = write_exercise(tmp_path, SPEED_EXERCISE)
    submission = tmp_path / "loop.py"
    submission.write_text(LOOP_CONV)
    result = grade(exercise, submission)
    by_name = {case.name: case for case in result.cases}
    assert by_name["small values"].passed and by_name["strided values"].passed
    timed = by_name["timed"]
    assert timed.outcome == Outcome.FAILED and timed.kind == Kind.SPEED
    speed = timed.details["speed"]
    assert speed["ratio"] > speed["max_ratio"] == 3
    assert speed["ratio"] == pytest.approx(speed["seconds"] / speed["reference_seconds"], rel=1e-2)
    exact = speed["seconds"] / speed["reference_seconds"]  # the stored ratio is rounded: 10.75 would show 10.8
    assert f"{exact:.1f}x" in timed.message and "3x" in timed.message
    assert result.score == 2


def test_reference_speed_passes_and_reports_its_ratio(tmp_path):
    exercise = write_exercise(tmp_path, SPEED_EXERCISE)
    submission = tmp_path / "fast.py"
    submission.write_text(reference_source("conv") + "\nconv2d_fast = conv2d\n")
    result = grade(exercise, submission)
    timed = result.cases[-1]
    assert timed.passed, timed.message
    assert timed.details["speed"]["ratio"] <= 3 and timed.details["speed"]["runs"] == 3
    assert timed.message.startswith("Fast enough")


def test_wrong_values_get_no_speed_points_and_no_timing(tmp_path):
    exercise = write_exercise(tmp_path, SPEED_EXERCISE)
    submission = tmp_path / "wrong.py"
    submission.write_text(reference_source("conv") + "\ndef conv2d_fast(x, weight, bias=None, stride=1, padding=0):\n"
                          "    return conv2d(x, weight, None, stride, padding)\n")
    result = grade(exercise, submission)
    timed = result.cases[-1]
    assert timed.outcome == Outcome.FAILED and timed.kind == Kind.VALUES and "speed" not in timed.details


# --- gradients --------------------------------------------------------------------------------------

def _conv_case(rng):
    x = rng.standard_normal((2, 2, 5, 5))
    weight = rng.standard_normal((3, 2, 3, 3))
    dout = rng.standard_normal((2, 3, 3, 3))  # stride 2, padding 1: (5 + 2 - 3) // 2 + 1 = 3
    return {"dout": dout, "x": x, "weight": weight, "stride": 2, "padding": 1}


def _loop_conv_gradients(dout, x, weight, stride, padding):
    """The gradients written out from the definition, independently of solutions/ and of finite differences."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dweight = np.zeros_like(xp), np.zeros_like(weight)
    KH, KW = weight.shape[2:]
    for n, f, i, j in np.ndindex(*dout.shape):
        rows, cols = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
        dweight[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
        dxp[n, :, rows, cols] += dout[n, f, i, j] * weight[f]
    return dxp[:, :, padding:-padding, padding:-padding], dweight, dout.sum(axis=(0, 2, 3))


def test_numerical_gradient_agrees_with_the_definition_and_pins_a_wrong_element():
    exercise = find_exercise("exercise-6")
    plan = checks.gradient_plan(exercise)
    args = _conv_case(np.random.default_rng(0))
    right = list(_loop_conv_gradients(**args))
    findings = checks.numerical_findings(plan, args, right, right,
                                         np.random.default_rng(1))
    assert [f.passed for f in findings] == [True, True, True]
    assert [f.checked for f in findings] == [part.size for part in right]
    wrong = [part.copy() for part in right]
    wrong[1][2, 1, 0, 2] += 0.01
    findings = checks.numerical_findings(plan, args, right, wrong,
                                         np.random.default_rng(1))
    assert [f.passed for f in findings] == [True, False, True]
    assert findings[1].bad_index == (2, 1, 0, 2)
    assert findings[1].learner - findings[1].numeric == pytest.approx(0.01, abs=1e-5)


def test_wrong_gradient_fails_the_gradient_check(tmp_path):
    exercise = find_exercise("exercise-6")
    submission = tmp_path / "grads.py"
    submission.write_text(reference_source("conv", "pool", "backward").replace(
        "def conv2d_backward(", "def _right_backward(") + textwrap.dedent('''
        def conv2d_backward(dout, x, weight, stride=1, padding=0):
            dx, dweight, dbias = _right_backward(dout, x, weight, stride, padding)
            return dx, dweight * 1.1, dbias   # a made-up mistake no declared misconception matches
        '''))
    result = grade(exercise, submission)
    gradient_cases = [case for spec, case in zip(exercise.cases, result.cases) if spec.check == "gradient"]
    assert gradient_cases and all(case.outcome == Outcome.FAILED for case in gradient_cases)
    first = gradient_cases[0]
    assert first.details["numerical_gradient"]["dweight"]["agrees"] is False
    assert first.details["numerical_gradient"]["dx"]["agrees"] is True
    assert "numerical check agrees that dweight is off" in first.message
    assert "misconception" not in first.details


def test_gradient_cases_need_a_backward_reference(tmp_path):
    exercise = write_exercise(tmp_path, SPEED_EXERCISE.replace("check: speed", "check: gradient"))
    with pytest.raises(DefinitionError, match=r"speedy\.yaml: 'check: gradient' cases need a reference named"):
        checks.gradient_plan(exercise)


# --- stage shapes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("solved", [True, False], ids=["reference", "starter"])
def test_forward_cases_report_every_stage_shape(tmp_path, solved):
    exercise = find_exercise("exercise-5")
    submission = tmp_path / "cnn.py"
    submission.write_text(reference_source("conv", "pool", "shape", "network") if solved else exercise.starter)
    result = grade(exercise, submission)
    assert {case.passed for case in result.cases} == {solved}
    for spec, case in zip(exercise.cases, result.cases):
        if spec.hidden:
            assert "stages" not in case.details
            continue
        inputs = case.details["inputs"]
        N, C, H, W = inputs["x"]["shape"]
        F, _, KH, KW = inputs["params"]["conv_w"]["shape"]
        K = inputs["params"]["fc_w"]["shape"][0]
        OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
        assert case.details["stages"] == [
            ["input", [N, C, H, W]], ["conv", [N, F, OH, OW]], ["relu", [N, F, OH, OW]],
            ["pool", [N, F, OH // 2, OW // 2]], ["flatten", [N, F * (OH // 2) * (OW // 2)]], ["linear", [N, K]]]


NEAR_TIE_EXERCISE = '''
schema_version: 1
id: neartie
title: "a kink"
concept: "Ties."
entry_point: {name: maxpool2d_backward, signature: "maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0)"}
starter: "def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):\\n    raise NotImplementedError\\n"
reference: solutions.maxpool2d_backward
cases:
  - name: runner-up closer than the finite-difference step
    check: gradient
    args:
      dout: {values: [[[[1.0]]]]}
      x: {values: [[[[1.0, 1.0000000001], [0.0, 0.0]]]]}
      kernel_size: 2
'''


def test_a_kink_never_fails_an_answer_equal_to_the_reference(tmp_path):
    exercise = write_exercise(tmp_path, NEAR_TIE_EXERCISE, "neartie")
    submission = tmp_path / "pool.py"
    submission.write_text(reference_source("conv", "pool", "backward"))
    case = grade(exercise, submission).cases[0]
    assert case.passed
    # Central differences straddle the two nearly equal values and split the gradient between them.
    assert case.details["numerical_gradient"]["dx"]["agrees"] is False
