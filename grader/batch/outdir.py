"""The output folder of `grade batch` and `grade merge`, read and written here only: the manifest (batch.json), one
folder per learner (result.json, report.html, the done marker) and the gradebook files."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError
from ..reports.class_report import render_class_report
from ..reports.class_summary import build_summary
from ..reports.class_summary import to_json as summary_json
from ..reports.files import write_reports
from ..reports.gradebook import Row, status_of, to_csv, to_json
from ..reports.junit import to_junit
from ..results import GradeResult, grader_failed, read_result, write_atomic
from .discover import Learner, safe_id

LEARNERS = "learners"  # one folder per learner below it
MANIFEST = "batch.json"  # {exercise, seed}: which batch the folder holds
RESULT = "result.json"
REPORT = "report.html"
DONE = ".done"  # written last: its presence (with a matching fingerprint) means the learner is finished
STALE_COPY = "results.json"  # older versions also wrote result.json again in Gradescope's shape; removed on rewrite
GRADEBOOK_CSV, GRADEBOOK_JSON, JUNIT = "gradebook.csv", "gradebook.json", "junit.xml"
CLASS_SUMMARY, CLASS_REPORT = "class-summary.json", "class-report.html"


def read_manifest(folder: Path) -> dict | None:
    """The folder's batch.json ({exercise, seed}), None when there is none; a damaged one is a usage error."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not a batch manifest ({err}); was it edited by hand? "
                         "Choose another output folder.") from None
    if not isinstance(data, dict) or "exercise" not in data:
        raise UsageError(f"{path}: not a batch manifest (it needs 'exercise' and 'seed'). Choose another folder.")
    return data


def write_manifest(out: Path, exercise_id: str, seed: int | None) -> None:
    write_atomic(out / MANIFEST, json.dumps({"exercise": exercise_id, "seed": seed}, indent=2) + "\n")


def claim(out: Path, exercise_id: str, seed: int | None) -> None:
    """Mark `out` as holding this exercise's batch; refuse a folder that holds another one."""
    data = read_manifest(out)
    if data is not None and (data.get("exercise") != exercise_id or data.get("seed") != seed):
        raise UsageError(f"{out} holds a batch of {data.get('exercise')} (seed {data.get('seed')}); "
                         "choose another --out folder.")
    write_manifest(out, exercise_id, seed)


def is_done(out: Path, learner: Learner) -> bool:
    try:
        return (out / LEARNERS / learner.id / DONE).read_text(encoding="utf-8") == learner.fingerprint
    except OSError:
        return False


def write_learner(out: Path, learner: Learner, result: GradeResult) -> None:
    """One file per kind of content: result.json (data), report.html (for the learner), .done (the marker)."""
    folder = out / LEARNERS / learner.id
    (folder / DONE).unlink(missing_ok=True)
    (folder / STALE_COPY).unlink(missing_ok=True)
    result.extras["batch"] = {"learner": learner.id, "status": status_of(result)}
    write_reports(result, json_path=folder / RESULT, html_path=folder / REPORT)
    if not grader_failed(result):  # grader errors are retried by the next run
        write_atomic(folder / DONE, learner.fingerprint)


def read_rows(out: Path) -> list[Row]:
    """Every learner's result under `out/learners/<id>/result.json`, sorted by learner id."""
    rows = []
    for path in sorted((out / LEARNERS).glob(f"*/{RESULT}")):
        result = read_result(path)
        learner = result.extras.get("batch", {}).get("learner", path.parent.name)
        # ids as discover() makes them, also in folders written by older versions; never a stored status either
        rows.append(Row(safe_id(str(learner)), status_of(result), result))
    return sorted(rows, key=lambda row: row.learner)


def write_gradebook(out: Path, rows: list[Row], exercise_id: str) -> None:
    write_atomic(out / GRADEBOOK_CSV, to_csv(rows))
    write_atomic(out / GRADEBOOK_JSON, to_json(rows, exercise_id))
    write_atomic(out / JUNIT, to_junit(rows, exercise_id))


def write_class_report(out: Path, rows: list[Row], exercise_id: str) -> None:
    """The class summary (JSON) and the class report (HTML), from the stored results alone."""
    summary = build_summary(rows, exercise_id)
    write_atomic(out / CLASS_SUMMARY, summary_json(summary))
    write_atomic(out / CLASS_REPORT, render_class_report(summary))
