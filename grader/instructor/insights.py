"""`grade insights`: rebuild the class summary and the class report of a finished batch output folder from its
stored results (after re-grading a few learners, say), never running learner code."""

from __future__ import annotations

from pathlib import Path

from ..batch.outdir import (CLASS_REPORT, CLASS_SUMMARY, LEARNERS, listed_rows, read_manifest, write_class_report,
                            write_several_report)
from ..errors import EXIT_OK, UsageError


def rebuild_insights(out: Path, *, exercise_id: str | None = None) -> int:
    """Write OUT/class-summary.json and OUT/class-report.html for the learners of OUT's gradebook (every learner
    folder when there is no gradebook); `exercise_id` keeps only that exercise's results. A batch over several
    exercises gets each exercise's report rebuilt (only the named one's with `exercise_id`) and the one over all."""
    if not out.is_dir():
        raise UsageError(f"{out}: no such folder. Give the --out folder of a finished `grade batch`.")
    manifest = read_manifest(out)
    if manifest is None and not (out / LEARNERS).is_dir():
        raise UsageError(f"{out}: not the output folder of `grade batch` (it has no batch.json and no learners/).")
    if manifest is not None and "exercises" in manifest:
        return _rebuild_several(out, manifest["exercises"], exercise_id)
    rows = _rows(out)
    exercise = exercise_id or (manifest or {}).get("exercise") or _only_exercise(rows, out)
    rows = [row for row in rows if row.result.exercise == exercise]
    if not rows:
        raise UsageError(f"{out}: no learner's result is for {exercise}. Check --exercise.")
    write_class_report(out, rows, exercise)
    print(f"{exercise}: class report of {len(rows)} learner(s): {out / CLASS_REPORT} (data: {out / CLASS_SUMMARY})")
    return EXIT_OK


def _rebuild_several(out: Path, exercise_ids: list[str], only: str | None) -> int:
    if only is not None and only not in exercise_ids:
        raise UsageError(f"{out} holds batches of {', '.join(exercise_ids)}; --exercise {only} is not one of them.")
    sections = []
    for exercise_id in exercise_ids:
        rows = [row for row in _rows(out / exercise_id) if row.result.exercise == exercise_id]
        if not rows:
            continue
        if only in (None, exercise_id):
            write_class_report(out / exercise_id, rows, exercise_id)
            print(f"{exercise_id}: class report of {len(rows)} learner(s): {out / exercise_id / CLASS_REPORT}")
        sections.append((exercise_id, rows))
    if not sections:
        raise UsageError(f"{out}: no learner's result was found for {', '.join(exercise_ids)}.")
    write_several_report(out, sections)
    print(f"Class report over {len(sections)} exercises: {out / CLASS_REPORT} (data: {out / CLASS_SUMMARY})")
    return EXIT_OK


def _rows(folder: Path):
    try:
        return listed_rows(folder)
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(f"{folder}: a learner's result.json cannot be read ({err}). Re-grade that learner with "
                         "`grade batch ... --force`, then run `grade insights` again.") from None


def _only_exercise(rows, out: Path) -> str:
    found = sorted({row.result.exercise for row in rows})
    if len(found) != 1:
        raise UsageError(f"{out} holds results of {', '.join(found) or 'no exercise'}; choose one with --exercise.")
    return found[0]
