"""JUnit XML stays well-formed whatever learner text a result carries (XML 1.0 forbids most control characters)."""

from __future__ import annotations

from xml.dom import minidom

import pytest

from grader.reports.gradebook import Row, Status
from grader.reports.junit import to_junit
from grader.results import CaseResult, GradeResult, Kind, Outcome

HOSTILE = ["\x1b[2J fake Score: 28/28", "nul \x00 and bell \x07", "lone \ud800 surrogate", "form\x0cfeed \x7f"]


@pytest.mark.parametrize("status", [Status.ZERO, Status.ERROR])
@pytest.mark.parametrize("text", HOSTILE)
def test_learner_text_never_breaks_the_junit_xml(text, status):
    result = GradeResult("exercise-2", "conv2d", [CaseResult(f"case {text}", 1.0, Outcome.FAILED, kind=Kind.VALUES)],
                         summary=f"Your code printed: {text}")
    document = minidom.parseString(to_junit([Row("ada", status, result)], "exercise-2").encode("utf-8"))
    shown = document.getElementsByTagName("error" if status == Status.ERROR else "failure")[0].firstChild.data
    assert shown.startswith("Your code printed: ") and "\\x" in shown or "\ufffd" in shown
