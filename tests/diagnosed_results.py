"""Hand-made results whose failing cases carry diagnoses, as the grading side writes them, for the tests of the
summary and the reports (no learner code runs)."""

from __future__ import annotations

import numpy as np

from grader.results import CaseResult, GradeResult, Kind, Outcome, diagnosis_words, mistake_note

FLIPPED = {"name": "kernel flipped", "source": "declared",
           "explanation": "use the kernel as it is (cross-correlation): delete the `[::-1, ::-1]`",
           "evidence": "line 7 reads `w[:, :, ::-1, ::-1]`; your output equals the reference with each kernel "
                       "turned 180° at all {size} positions"}
FLIPPED_HIDDEN = "your output equals the reference with each kernel turned 180°"
BIAS = {"name": "bias added twice", "source": "structural", "explanation": "add the bias once, after the sum",
        "evidence": "your output minus the expected is the bias, at every position"}


def preview(side: int, wrong_border: bool = False) -> dict:
    """A public case's preview: with `wrong_border`, only the first row and column differ; else every value."""
    expected = np.arange(side * side, dtype=float).reshape(side, side) - side + 0.5  # no value is 0
    got = expected.copy()
    if wrong_border:
        got[0, :] = got[:, 0] = 0.0
    else:
        got = expected + 10.0
    return {"index": [0, 0], "expected": expected.tolist(), "got": got.tolist()}


def diagnosed(name: str, diagnosis: dict, hidden: bool = False, side: int = 3, **preview_args) -> CaseResult:
    """A failing case as the grading side makes it: the diagnosis in its details and as the note of its message,
    hidden-safe evidence for a hidden case, a preview for a public one."""
    words = dict(diagnosis, evidence=FLIPPED_HIDDEN if hidden and diagnosis is FLIPPED else
                 diagnosis["evidence"].format(size=side * side))
    details = {"diagnosis": words}
    if not hidden:
        details["preview"] = preview(side, **preview_args)
        details["inputs"] = {"x": {"shape": [1, 1, side, side], "dtype": "float64"}}
    message = f"The output has the right shape but {side * side} values differ."
    message += mistake_note(words["name"], diagnosis_words(words["evidence"], words["explanation"]))
    return CaseResult(name, 1.0, Outcome.FAILED, kind=Kind.VALUES, message=message, details=details,
                      visibility="hidden" if hidden else "visible")


def passed(name: str) -> CaseResult:
    return CaseResult(name, 1.0, Outcome.PASSED, points=1.0)


def flipped_run(public: int = 10, hidden: int = 12, others: int = 1, passing: int = 3) -> GradeResult:
    """A run where most failures are one diagnosis ("kernel flipped"), as the issue's example: 22 of 23."""
    cases = [passed(f"passing {n}") for n in range(passing)]
    cases += [diagnosed("single value", FLIPPED, side=1)]
    cases += [diagnosed(f"public {n}", FLIPPED, side=4) for n in range(public - 1)]
    cases += [diagnosed(f"bias case {n}", BIAS, side=3) for n in range(others)]
    cases += [diagnosed(f"hidden {n}", FLIPPED, hidden=True) for n in range(hidden)]
    return GradeResult("exercise-2", "conv2d", cases, submission="learner.py", seed=1)
