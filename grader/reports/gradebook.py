"""The class gradebook of `grade batch`/`grade merge`: one row per learner, as CSV and JSON (JUnit: junit.py)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from ..results import GradeResult, Word, grader_failed, no_usable_file


class Status(Word):
    """A learner's status in the gradebook, read from the result alone (see docs/ci.md, "Statuses")."""

    PASSED = "passed"  # graded: every case passed
    PARTIAL = "partial"  # graded: some points, not all
    ZERO = "zero"  # graded: no points (wrong answers, or a file that does not import or crashes)
    ERROR = "error"  # not graded: no usable file (none, a link, too large), or the grader failed (retried next run)


@dataclass(frozen=True)
class Row:
    learner: str
    status: Status
    result: GradeResult


def status_of(result: GradeResult) -> Status:
    if no_usable_file(result) or grader_failed(result):
        return Status.ERROR
    if result.all_passed:
        return Status.PASSED
    return Status.PARTIAL if result.score > 0 else Status.ZERO


def case_names(rows: list[Row]) -> list[str]:
    names: list[str] = []
    for row in rows:
        for case in row.result.cases:
            if case.name not in names:
                names.append(case.name)
    return names


def status_counts(rows: list[Row]) -> dict[Status, int]:
    return {status: sum(row.status == status for row in rows) for status in Status}


def to_csv(rows: list[Row]) -> str:
    names = case_names(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "score", "max_score", "status", *map(csv_text, names)])
    for row in rows:
        points = {case.name: case.points for case in row.result.cases}
        writer.writerow([csv_text(row.learner), f"{row.result.score:g}", f"{row.result.max_score:g}", row.status,
                         *(f"{points[name]:g}" if name in points else "" for name in names)])
    return buffer.getvalue()


def csv_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with = + - @ (or tab, CR) would be run as a formula
    (`=HYPERLINK(...)`), so it gets a leading apostrophe, the usual neutraliser (OWASP, "CSV injection")."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(rows: list[Row], exercise: str) -> str:
    data = {
        "schema_version": 1,
        "exercise": exercise,
        "learners": len(rows),
        "counts": status_counts(rows),
        "rows": [{"learner": row.learner, "score": row.result.score, "max_score": row.result.max_score,
                  "status": row.status, "summary": row.result.summary,
                  "cases": {case.name: case.points for case in row.result.cases}} for row in rows],
    }
    return json.dumps(data, indent=2, allow_nan=False) + "\n"
