"""Real learner mistakes (tests/mistakes/) graded for real: the score, the named mistake and the advice must be right."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from grader.results import GradeResult, Outcome
from grader.grading.compare import FLOAT_ALLOCATION
from grader.grading.references import reference_function
from grader.spec.catalog import find_exercise
from grader.grading.runner import grade

MISTAKES = Path(__file__).resolve().parents[1] / "mistakes"


@dataclasses.dataclass(frozen=True)
class Mistake:
    file: str
    full_marks: bool = False
    named: str | None = None  # the known mistake the grader must name (on at least one failing case)
    says: str = ""  # a fragment some failing case's message must contain
    cases: tuple[str, ...] = ()  # default: the public cases that are not timed
    also: str | None = None  # a mistake that equals `named` on some inputs, so may be named there instead


TABLE = [
    # correct but unusual: every point
    Mistake("e1_loops_correct.py", full_marks=True),
    Mistake("e2_loops_correct.py", full_marks=True),
    Mistake("e3_loops_correct.py", full_marks=True),
    Mistake("e4_negative_slice_correct.py", full_marks=True),
    Mistake("e5_pool_before_relu_correct.py", full_marks=True),
    Mistake("e6_loops_correct.py", full_marks=True),
    Mistake("e7_loops_correct.py", full_marks=True),
    Mistake("e8_kernel_offsets_correct.py", full_marks=True,
            cases=("stride with a remainder", "speed on a batch of 96x96 RGB images")),
    # wrong, with the mistake named
    Mistake("e1_scipy_flipped_loops.py", named="kernel flipped", says="drop the flip"),
    # on a kernel symmetric top to bottom, reversing its rows IS the full flip
    Mistake("e1_convolve_rows.py", named="kernel reversed left to right", says="np.convolve", also="kernel flipped"),
    Mistake("e1_no_plus_one.py", named="output size off by one", says="+ 1"),
    Mistake("e2_bias_last_axis.py", named="bias added along the width", says="bias[None, :, None, None]",
            cases=("all-negative inputs",)),
    Mistake("e3_zero_pad.py", named="padding with zeros", says="-np.inf"),
    Mistake("e3_stride_default_one.py", named="stride defaults to 1", says="stride is None"),
    Mistake("e4_fortran.py", named="column-major order", says="row-major"),
    Mistake("e4_transpose_reshape.py", named="channels moved last", says="without transposing"),
    Mistake("e4_reshape_minus_one.py", named="batch flattened too", says="its own row"),
    Mistake("e5_no_relu.py", named="ReLU missing", says="np.maximum(out, 0)"),
    Mistake("e5_channels_last_flatten.py", named="channels-last flatten", says="(N, H', W', F)"),
    Mistake("e6_dbias_mean.py", named="dbias averaged", says="dout.sum(axis=(0, 2, 3))"),
    Mistake("e6_dx_overwrite.py", named="dx overwritten instead of added", says="use +="),
    Mistake("e6_full_conv_unflipped.py", named="kernel not flipped in dx", says="flipped kernel"),
    Mistake("e7_mask_ties.py", named="gradient copied to every tied maximum", says="np.argmax"),
    Mistake("e7_last_tie.py", named="tie goes to the last maximum", says="row-major"),
    Mistake("e7_zero_pad.py", named="padding wins windows", says="-np.inf"),
    Mistake("e7_overwrite.py", named="gradient overwritten instead of added", says="+="),
    # wrong, with no known mistake to name: precise plain advice instead
    Mistake("e1_swapped_hw.py", says="height first, then width"),
    Mistake("e1_int_output.py", says="integer dtype uint8", cases=("hidden integer uint8 image", "integer inputs")),
    Mistake("e1_returns_list.py", says="Wrap it with np.array"),
    Mistake("e1_prints.py", says="returned None"),
    Mistake("e2_float32_output.py", says="float32 where float64 was expected",
            cases=("hidden 1x1 kernel many filters", "identity 1x1 kernel", "stride 2")),
    Mistake("e2_pad_one_side.py", named="padding on one side only", says="values differ"),
    Mistake("e3_reshape_trick.py", named="pooling padding ignored", says="cannot reshape"),
    Mistake("e4_ravel_rows_list.py", says="a 2-D array where a 3-D one was expected",
            cases=("start_dim 2 keeps batch and channels", "batch of feature maps")),
    Mistake("e7_returns_tuple.py", says="not a tuple", cases=("one window one winner",)),
    Mistake("e8_loops_per_pixel.py", says="too slow", cases=("stride with a remainder",
                                                             "speed on a batch of 96x96 RGB images")),
    # advice for crashes: the learner's own words and line, and what the usual cause is
    Mistake("e2_pair_not_implemented.py", says="You raise NotImplementedError for this input: the case uses "
                                               "stride=(2, 1), padding=(0, 2)"),
    Mistake("e2_scipy_import.py", says="Your file imports scipy on line 3, which is not available here"),
    Mistake("e2_int_accumulator.py", cases=("integer inputs", "identity 1x1 kernel"),
            says=f"integer dtype int64, so it cannot hold the float64 results. {FLOAT_ALLOCATION}"),
]


def graded(mistake: Mistake) -> tuple[GradeResult, set]:
    exercise = find_exercise(f"exercise-{mistake.file[1]}")
    if mistake.cases:
        cases = [case for case in exercise.cases if case.name in mistake.cases]
        assert len(cases) == len(mistake.cases), "a case named in the table no longer exists"
    else:
        cases = [case for case in exercise.cases if not case.hidden and case.check != "speed"]
    result = grade(dataclasses.replace(exercise, cases=cases), MISTAKES / mistake.file)
    names = {case.name for case in exercise.misconceptions}
    return result, names


@pytest.mark.parametrize("mistake", TABLE, ids=[m.file for m in TABLE])
def test_learner_mistake_gets_the_right_verdict(mistake):
    result, declared = graded(mistake)
    failing = [case for case in result.cases if case.outcome != Outcome.PASSED]
    if mistake.full_marks:
        assert result.score == result.max_score, [(c.name, c.message) for c in failing]
        return
    assert failing and result.score < result.max_score
    named = {case.details.get("misconception") for case in failing} - {None}
    if mistake.named:
        assert mistake.named in declared
        assert mistake.named in named and named <= {mistake.named, mistake.also}, [c.message for c in failing]
    else:
        assert not named, f"a known mistake was named for an unknown one: {named}"
    assert any(mistake.says in case.message for case in failing), [c.message for c in failing]
    for case in failing:
        assert mistake.file[1] != "1" or "NCHW" not in case.message  # exercise 1 has 2-D images
        if case.visibility == "hidden":  # hidden cases never show inputs, values or where they differ
            assert not {"inputs", "preview", "traceback"} & {k for k, v in case.details.items() if v}
            assert "index (" not in case.message and "expected" not in case.message.split(".")[0]


def test_a_mistake_is_named_only_where_it_differs_from_the_reference():
    """A float32 answer on a 1x1 kernel matches the flipped-kernel variant (a 1x1 flip is the identity) within the
    loose recognition tolerance; naming it would send the learner hunting for a flip they never wrote."""
    exercise = find_exercise("exercise-2")
    flip = next(item for item in exercise.misconceptions if item.name == "kernel flipped")
    case = next(case for case in exercise.cases if case.name == "hidden 1x1 kernel many filters")
    from grader.grading.inputs import build_args, call_parts
    positional, keyword = call_parts(exercise, build_args(exercise, case, None))
    import numpy as np
    reference = reference_function(exercise)(*positional, **keyword)
    assert np.allclose(reference_function(exercise, flip)(*positional, **keyword), reference)
    result = grade(dataclasses.replace(exercise, cases=[case]), MISTAKES / "e2_float32_output.py")
    assert result.cases[0].outcome == Outcome.FAILED
    assert "misconception" not in result.cases[0].details
