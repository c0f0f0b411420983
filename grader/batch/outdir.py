"""The output folder of `grade batch` and `grade merge`, read and written here only: the manifest (batch.json), one
folder per learner (result.json, report.html, the done marker) and the gradebook files."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UsageError
from ..reports.class_report import render_class_report
from ..reports.class_summary import build_class_summary, build_summary
from ..reports.class_summary import to_json as summary_json
from ..reports.files import write_reports
from ..reports.gradebook import Row, status_of, to_csv, to_json
from ..reports.junit import to_junit
from ..results import GradeResult, grader_failed, read_result, write_atomic
from .discover import Learner, safe_id

LEARNERS = "learners"  # one folder per learner below it
MANIFEST = "batch.json"  # {exercise, seed}: which batch the folder holds; {exercises, seed} over several exercises
RESULT = "result.json"
REPORT = "report.html"
DONE = ".done"  # written last: its presence (with a matching fingerprint) means the learner is finished
STALE_COPY = "results.json"  # older versions also wrote result.json again in Gradescope's shape; removed on rewrite
GRADEBOOK_CSV, GRADEBOOK_JSON, JUNIT = "gradebook.csv", "gradebook.json", "junit.xml"
CLASS_SUMMARY, CLASS_REPORT = "class-summary.json", "class-report.html"


def read_manifest(folder: Path) -> dict | None:
    """The folder's batch.json ({exercise, seed}, or {exercises, seed} for a batch over several exercises, each in
    the folder named after it), None when there is none; a damaged one is a usage error."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not a batch manifest ({err}); was it edited by hand? "
                         "Choose another output folder.") from None
    several = isinstance(data, dict) and isinstance(data.get("exercises"), list) \
        and all(isinstance(item, str) and safe_id(item) == item and "/" not in item and item not in (".", "..")
                for item in data["exercises"])
    if not isinstance(data, dict) or not ("exercise" in data or several):
        raise UsageError(f"{path}: not a batch manifest (it needs 'exercise' and 'seed'). Choose another folder.")
    return data


def holds(data: dict) -> str:
    """What a manifest says its folder holds, for messages."""
    what = data.get("exercise") or ", ".join(data.get("exercises", []))
    return f"a batch of {what} (seed {data.get('seed')})"


def write_manifest(out: Path, exercise_id: str, seed: int | None) -> None:
    write_atomic(out / MANIFEST, json.dumps({"exercise": exercise_id, "seed": seed}, indent=2) + "\n")


def claim(out: Path, exercise_id: str, seed: int | None) -> None:
    """Mark `out` as holding this exercise's batch; refuse a folder that holds another one."""
    data = read_manifest(out)
    if data is not None and (data.get("exercise") != exercise_id or data.get("seed") != seed):
        raise UsageError(f"{out} holds {holds(data)}; choose another --out folder.")
    write_manifest(out, exercise_id, seed)


def claim_several(out: Path, exercise_ids: list[str], seed: int | None) -> list[str]:
    """Mark `out` as holding a batch over several exercises (each in its own folder); refuse a folder holding a
    one-exercise batch or another seed. Exercises graded there before stay: return them all, the new ones last."""
    data = read_manifest(out)
    if data is not None and ("exercises" not in data or data.get("seed") != seed):
        raise UsageError(f"{out} holds {holds(data)}; choose another --out folder.")
    known = list((data or {}).get("exercises", []))
    known += [exercise_id for exercise_id in exercise_ids if exercise_id not in known]
    write_atomic(out / MANIFEST, json.dumps({"exercises": known, "seed": seed}, indent=2) + "\n")
    return known


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


def listed_rows(folder: Path) -> list[Row]:
    """A finished folder's rows: its learners' results, only those its gradebook lists when it has one."""
    if not (folder / LEARNERS).is_dir():
        return []
    rows = read_rows(folder)
    listed = gradebook_learners(folder)
    return rows if listed is None else [row for row in rows if row.learner in listed]


def write_gradebook(out: Path, rows: list[Row], exercise_id: str) -> None:
    write_atomic(out / GRADEBOOK_CSV, to_csv(rows))
    write_atomic(out / GRADEBOOK_JSON, to_json(rows, exercise_id))
    write_atomic(out / JUNIT, to_junit(rows, exercise_id))


def write_class_report(out: Path, rows: list[Row], exercise_id: str) -> None:
    """The class summary (JSON) and the class report (HTML), from the stored results alone."""
    summary = build_summary(rows, exercise_id)
    write_atomic(out / CLASS_SUMMARY, summary_json(summary))
    write_atomic(out / CLASS_REPORT, render_class_report(summary))


def write_several_report(out: Path, sections: list[tuple[str, list[Row]]]) -> None:
    """The class summary and report of a batch over several exercises: (exercise id, its rows) in order."""
    summary = build_class_summary(sections)
    write_atomic(out / CLASS_SUMMARY, summary_json(summary))
    write_atomic(out / CLASS_REPORT, render_class_report(summary))


def gradebook_learners(folder: Path) -> set[str] | None:
    """The learners the folder's gradebook lists (a batch's --shard or its submissions decide them), None without
    one."""
    try:
        data = json.loads((folder / GRADEBOOK_JSON).read_text(encoding="utf-8"))
        return {str(row["learner"]) for row in data["rows"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
