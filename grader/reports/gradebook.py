"""Class-wide outputs of `grade batch`/`grade merge`: gradebook.csv, gradebook.json and a JUnit XML file."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from ..results import GradeResult, read_result, write_atomic

# A learner's status in the gradebook, read from the result alone (see docs/ci.md, "Statuses").
PASSED = "passed"  # graded: every case passed
PARTIAL = "partial"  # graded: some points, not all
ZERO = "zero"  # graded: no points (wrong answers, or a file that does not import or crashes)
ERROR = "error"  # not graded: no usable file (none, a link, too large), or the grader failed (retried next run)
STATUSES = (PASSED, PARTIAL, ZERO, ERROR)

RESULT_FILE = "result.json"
UNUSABLE_KIND = "file"  # the kind of every case when no usable file was found (runner.py and gradescope.py)


@dataclass(frozen=True)
class Row:
    learner: str
    status: str
    result: GradeResult


def status_of(result: GradeResult) -> str:
    if not_graded(result) or grader_failed(result):
        return ERROR
    if result.all_passed:
        return PASSED
    return PARTIAL if result.score > 0 else ZERO


def grader_failed(result: GradeResult) -> bool:
    return any(case.kind == "internal" for case in result.cases)


def not_graded(result: GradeResult) -> bool:
    """No usable file for the exercise was found, so nothing ran."""
    return bool(result.cases) and all(case.kind == UNUSABLE_KIND for case in result.cases)


def read_rows(learners_dir: Path) -> list[Row]:
    """Every learner's result under `learners_dir/<id>/result.json`, sorted by learner id."""
    rows = []
    for path in sorted(learners_dir.glob(f"*/{RESULT_FILE}")):
        result = read_result(path)
        learner = result.extras.get("batch", {}).get("learner", path.parent.name)
        rows.append(Row(learner, status_of(result), result))  # never a stored word: older folders used others
    return sorted(rows, key=lambda row: row.learner)


def case_names(rows: list[Row]) -> list[str]:
    names: list[str] = []
    for row in rows:
        for case in row.result.cases:
            if case.name not in names:
                names.append(case.name)
    return names


def to_csv(rows: list[Row]) -> str:
    names = case_names(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "score", "max_score", "status", *names])
    for row in rows:
        points = {case.name: case.points for case in row.result.cases}
        writer.writerow([row.learner, f"{row.result.score:g}", f"{row.result.max_score:g}", row.status,
                         *(f"{points[name]:g}" if name in points else "" for name in names)])
    return buffer.getvalue()


def to_json(rows: list[Row], exercise: str) -> str:
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    data = {
        "schema_version": 1,
        "exercise": exercise,
        "learners": len(rows),
        "counts": counts,
        "rows": [{"learner": row.learner, "score": row.result.score, "max_score": row.result.max_score,
                  "status": row.status, "summary": row.result.summary,
                  "cases": {case.name: case.points for case in row.result.cases}} for row in rows],
    }
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def to_junit(rows: list[Row], exercise: str) -> str:
    """One <testcase> per learner: a <failure> when points were lost (partial, zero), an <error> when it could
    not be graded."""
    suite = ET.Element("testsuite", name=exercise, tests=str(len(rows)),
                       failures=str(sum(row.status in (PARTIAL, ZERO) for row in rows)),
                       errors=str(sum(row.status == ERROR for row in rows)),
                       time=f"{sum(row.result.duration for row in rows):.3f}")
    for row in rows:
        case = ET.SubElement(suite, "testcase", classname=exercise, name=row.learner,
                             time=f"{row.result.duration:.3f}")
        score = f"{row.result.score:g}/{row.result.max_score:g}"
        lost = [c.name for c in row.result.cases if not c.passed]
        if row.status == ERROR:
            why = "the grader failed" if grader_failed(row.result) else "no usable file"
            ET.SubElement(case, "error", message=f"error: {why} ({score})").text = row.result.summary
        elif row.status != PASSED:
            element = ET.SubElement(case, "failure", message=f"{row.status}: {score}")
            more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
            element.text = row.result.summary + (f"\nCases lost: {', '.join(lost[:5])}{more}" if lost else "")
        ET.SubElement(case, "system-out").text = f"score {score}"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_gradebook(out: Path, rows: list[Row], exercise: str) -> None:
    write_atomic(out / "gradebook.csv", to_csv(rows))
    write_atomic(out / "gradebook.json", to_json(rows, exercise))
    write_atomic(out / "junit.xml", to_junit(rows, exercise))
