"""The run's summary names the one known mistake behind most failures, and the terminal shows it per case."""

from __future__ import annotations

import textwrap

import pytest

from grader.exercise import find_exercise
from grader.report_terminal import format_summary
from grader.runner import grade

FLIPPED = textwrap.dedent('''
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    def conv2d(x, weight, bias=None, stride=1, padding=0):
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        w = weight[:, :, ::-1, ::-1]  # the mistake: a true convolution
        windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
        out = np.einsum("nchwij,fcij->nfhw", windows, w)
        return out if bias is None else out + bias[None, :, None, None]
''')


@pytest.fixture(scope="module")
def flipped_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("learner") / "flipped.py"
    path.write_text(FLIPPED)
    return grade(find_exercise("exercise-2"), path)


def test_summary_names_the_mistake_behind_most_failures(flipped_result):
    failures = [case for case in flipped_result.cases if not case.passed]
    named = [case for case in failures if case.details.get("misconception") == "kernel flipped"]
    assert failures and len(named) * 2 >= len(failures)
    assert f"{len(named)} of the {len(failures)} failures match one known mistake — kernel flipped" \
        in flipped_result.summary
    assert "cross-correlation" in flipped_result.summary  # the explanation with its fix comes along


def test_terminal_lines_carry_the_mistake_name(flipped_result):
    text = format_summary(flipped_result, color=False)
    marked = [line for line in text.splitlines() if line.lstrip().startswith("✗") and "kernel flipped" in line]
    assert len(marked) == sum(case.details.get("misconception") == "kernel flipped" for case in flipped_result.cases)


def test_no_mistake_is_named_when_failures_have_no_common_cause(flipped_result):
    import copy

    from grader.runner import summarize
    flipped_result = copy.deepcopy(flipped_result)  # the fixture is shared with the other tests
    for case in flipped_result.cases:
        case.details.pop("misconception", None)
    assert "known mistake" not in summarize(flipped_result, find_exercise("exercise-2"))
