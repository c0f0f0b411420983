"""Gradescope's results.json shape, built here only: each case as a Gradescope test (our result.json embeds it too)
and the strict file the Gradescope adapter writes.

It reads the attributes of results.CaseResult and results.GradeResult without importing them: results.py builds
its own JSON from `gradescope_test`, so an import back would be a cycle."""

from __future__ import annotations

import json

MAX_OUTPUT = 8000  # characters per test; Gradescope shows long text poorly


def gradescope_test(case) -> dict:
    """One case (a results.CaseResult) as a test of Gradescope's autograder specification."""
    return {"name": case.name, "score": case.points, "max_score": case.max_points,
            "status": "passed" if case.passed else "failed", "output": _feedback(case),
            "visibility": "hidden" if case.visibility == "hidden" else "visible"}


def _feedback(case) -> str:
    """What the learner reads for a case: the message, then what their code printed; cut at MAX_OUTPUT."""
    parts = [case.message] if case.message else []
    if case.output:
        parts.append("Your code printed:\n" + case.output)
    return "\n\n".join(parts)[:MAX_OUTPUT]


def gradescope_results(result) -> dict:
    """A results.GradeResult with only the keys Gradescope's autograder specification defines."""
    return {
        "score": result.score,
        "execution_time": round(result.duration, 3),
        "output": result.summary + "".join(f"\n{note}" for note in result.notes),
        "stdout_visibility": "hidden",
        "tests": [gradescope_test(case) for case in result.cases],
    }


def gradescope_json(result) -> str:
    return json.dumps(gradescope_results(result), indent=2, allow_nan=False) + "\n"


def misconfigured_json(problem: str) -> str:
    """results.json when the autograder cannot even find its exercise: zero, and whose fault it is."""
    return json.dumps({"score": 0, "output": f"The autograder is misconfigured ({problem}); "
                                             "this is not your fault. Please tell your instructor."}, indent=2) + "\n"

