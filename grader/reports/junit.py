"""The class gradebook as JUnit XML, for CI dashboards: one <testcase> per learner."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ..results import grader_failed
from .gradebook import Row, Status
from .terminal import visible  # XML 1.0 forbids most control characters: show them as escapes


def to_junit(rows: list[Row], exercise: str) -> str:
    """A <failure> when a learner lost points (partial, zero), an <error> when they could not be graded."""
    suite = ET.Element("testsuite", name=exercise, tests=str(len(rows)),
                       failures=str(sum(row.status in (Status.PARTIAL, Status.ZERO) for row in rows)),
                       errors=str(sum(row.status == Status.ERROR for row in rows)),
                       time=f"{sum(row.result.duration for row in rows):.3f}")
    for row in rows:
        case = ET.SubElement(suite, "testcase", classname=exercise, name=row.learner,
                             time=f"{row.result.duration:.3f}")
        score = f"{row.result.score:g}/{row.result.max_score:g}"
        lost = [c.name for c in row.result.cases if not c.passed]
        if row.status == Status.ERROR:
            why = "the grader failed" if grader_failed(row.result) else "no usable file"
            ET.SubElement(case, "error", message=f"error: {why} ({score})").text = visible(row.result.summary)
        elif row.status != Status.PASSED:
            element = ET.SubElement(case, "failure", message=f"{row.status}: {score}")
            more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
            element.text = visible(row.result.summary + (f"\nCases lost: {', '.join(lost[:5])}{more}" if lost else ""))
        ET.SubElement(case, "system-out").text = f"score {score}"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
