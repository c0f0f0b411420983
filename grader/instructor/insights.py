"""`grade insights`: rebuild the class summary and the class report of a finished batch output folder from its
stored results (after re-grading a few learners, say), never running learner code."""

from __future__ import annotations

import json
from pathlib import Path

from ..batch.outdir import (CLASS_REPORT, CLASS_SUMMARY, GRADEBOOK_JSON, LEARNERS, read_manifest, read_rows,
                            write_class_report)
from ..errors import EXIT_OK, UsageError


def rebuild_insights(out: Path, *, exercise_id: str | None = None) -> int:
    """Write OUT/class-summary.json and OUT/class-report.html for the learners of OUT's gradebook (every learner
    folder when there is no gradebook); `exercise_id` keeps only that exercise's results."""
    if not out.is_dir():
        raise UsageError(f"{out}: no such folder. Give the --out folder of a finished `grade batch`.")
    manifest = read_manifest(out)
    if manifest is None and not (out / LEARNERS).is_dir():
        raise UsageError(f"{out}: not the output folder of `grade batch` (it has no batch.json and no learners/).")
    try:
        rows = read_rows(out)
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(f"{out}: a learner's result.json cannot be read ({err}). Re-grade that learner with "
                         "`grade batch ... --force`, then run `grade insights` again.") from None
    exercise = exercise_id or (manifest or {}).get("exercise") or _only_exercise(rows, out)
    rows = [row for row in rows if row.result.exercise == exercise]
    if not rows:
        raise UsageError(f"{out}: no learner's result is for {exercise}. Check --exercise.")
    listed = _gradebook_learners(out)
    if listed is not None:
        rows = [row for row in rows if row.learner in listed]
    write_class_report(out, rows, exercise)
    print(f"{exercise}: class report of {len(rows)} learner(s): {out / CLASS_REPORT} (data: {out / CLASS_SUMMARY})")
    return EXIT_OK


def _only_exercise(rows, out: Path) -> str:
    found = sorted({row.result.exercise for row in rows})
    if len(found) != 1:
        raise UsageError(f"{out} holds results of {', '.join(found) or 'no exercise'}; choose one with --exercise.")
    return found[0]


def _gradebook_learners(out: Path) -> set[str] | None:
    """The learners the gradebook lists (a batch's --shard or its submissions decide them), None without one."""
    try:
        data = json.loads((out / GRADEBOOK_JSON).read_text(encoding="utf-8"))
        return {str(row["learner"]) for row in data["rows"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
