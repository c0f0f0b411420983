"""The class summary of a batch: scores, the mistakes ranked by how many learners made them, each case's pass rate,
the errors. Built from the gradebook rows (each learner's stored result) alone, never by running learner code; the
JSON shape is documented in docs/ci.md ("The class summary")."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict
from urllib.parse import quote

from ..results import LOAD_FAILURES, GradeResult, Kind, Outcome, case_diagnosis, grader_failed, no_usable_file
from .gradebook import Row, Status, status_counts

SCHEMA_VERSION = 1
BINS = 10  # histogram bars, each a tenth of the maximum score
HIDDEN_PREFIX = "hidden "
TWIN_LIKENESS = 0.6  # how alike a hidden case's name must be to a public one's to count as its twin
_RAISED = re.compile(r"raised ([A-Za-z_][\w.]*)(?: (on line \d+(?: of \S+)?|in cell \d+, line \d+))?")
_QUOTED_CODE = re.compile(r"`(.+)`(?::\s|$)")


def report_link(learner: str, folder: str = "") -> str:
    """The learner's own report, relative to the page that links it: `folder` is the exercise's folder ("exercise-2/")
    when the page is the class report of several exercises."""
    return f"{folder}learners/{quote(learner, safe='')}/report.html"


def build_summary(rows: list[Row], exercise: str, folder: str = "") -> dict:
    """The JSON-able class summary of one exercise's rows; report links start with `folder`."""
    title = next((row.result.title for row in rows if row.result.title), "")
    return {"schema_version": SCHEMA_VERSION, "exercise": exercise, "title": title, "learners": len(rows),
            "counts": {str(status): count for status, count in status_counts(rows).items()},
            "scores": score_summary(rows), "mistakes": ranked_mistakes(rows, folder), "cases": case_rates(rows),
            "errors": error_summary(rows, folder)}


def build_class_summary(sections: list[tuple[str, list[Row]]]) -> dict:
    """The class summary of a batch over several exercises: one section per exercise (its rows in the folder named
    after it) and the learner x exercise table; None in a cell where the learner has no result for that exercise."""
    learners = sorted({row.learner for _, rows in sections for row in rows})
    by_exercise = {exercise: {row.learner: row for row in rows} for exercise, rows in sections}
    table = [{"learner": learner,
              "results": {exercise: _cell(by_exercise[exercise].get(learner), f"{exercise}/")
                          for exercise, _ in sections}}
             for learner in learners]
    return {"schema_version": SCHEMA_VERSION, "exercises": [exercise for exercise, _ in sections],
            "learners": len(learners), "table": table,
            "sections": [build_summary(rows, exercise, f"{exercise}/") for exercise, rows in sections]}


def _cell(row: Row | None, folder: str) -> dict | None:
    if row is None:
        return None
    return {"score": row.result.score, "max_score": row.result.max_score, "status": str(row.status),
            "no_usable_file": no_usable_file(row.result), "report": report_link(row.learner, folder)}


def to_json(summary: dict) -> str:
    return json.dumps(summary, indent=2, allow_nan=False) + "\n"


# --- scores ------------------------------------------------------------------------------------------------------

def graded(rows: list[Row]) -> list[Row]:
    """Learners the grader could grade: a usable file and no grader failure."""
    return [row for row in rows if row.status != Status.ERROR]


def score_summary(rows: list[Row]) -> dict:
    scored = graded(rows)
    max_score = max((row.result.max_score for row in scored), default=0.0)
    fractions = sorted(row.result.score / row.result.max_score if row.result.max_score else 0.0 for row in scored)
    points = [round(fraction * max_score, 6) for fraction in fractions]
    return {"graded": len(scored), "max_score": max_score,
            "median": quantile(points, 0.5), "q1": quantile(points, 0.25), "q3": quantile(points, 0.75),
            "full_marks": sum(row.status == Status.PASSED for row in rows),
            "zero": sum(row.status == Status.ZERO for row in rows),
            "not_attempted": sum(not_attempted(row.result) for row in rows),
            "no_usable_file": sum(no_usable_file(row.result) for row in rows),
            "grader_errors": sum(grader_failed(row.result) for row in rows),
            "timeouts": sum(any(case.outcome == Outcome.TIMEOUT for case in row.result.cases) for row in rows),
            "histogram": histogram(fractions)}


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (NumPy's default); None for no values."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return round(values[low] + (values[high] - values[low]) * (position - low), 6)


def not_attempted(result: GradeResult) -> bool:
    """The starter left untouched: no points, and every case that ran said NotImplementedError."""
    ran = [case for case in result.cases if case.outcome != Outcome.NOT_RUN]
    return result.score == 0 and bool(ran) and all(case.outcome == Outcome.NOT_ATTEMPTED for case in ran)


def histogram(fractions: list[float]) -> list[dict]:
    """Learners per tenth of the maximum score; full marks fall in the last bar."""
    counts = Counter(min(int(fraction * BINS + 1e-9), BINS - 1) for fraction in fractions)
    return [{"from_percent": 100 * k // BINS, "to_percent": 100 * (k + 1) // BINS, "learners": counts.get(k, 0)}
            for k in range(BINS)]


# --- mistakes ----------------------------------------------------------------------------------------------------

def ranked_mistakes(rows: list[Row], folder: str = "") -> list[dict]:
    """Each diagnosis name with the learners whose failing cases carry it (once per learner), most learners first."""
    learners: dict[str, list[str]] = defaultdict(list)
    cases: Counter = Counter()
    words: dict[str, Counter] = defaultdict(Counter)
    sources: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        seen = set()
        for case in row.result.cases:
            diagnosis = case_diagnosis(case)
            if diagnosis is None:
                continue
            name = diagnosis["name"]
            cases[name] += 1
            if diagnosis["explanation"]:
                words[name][diagnosis["explanation"]] += 1
            sources[name][diagnosis["source"]] += 1
            if name not in seen:
                seen.add(name)
                learners[name].append(row.learner)
    ranked = sorted(learners, key=lambda name: (-len(learners[name]), name))
    return [{"name": name,
             "explanation": words[name].most_common(1)[0][0] if words[name] else "",
             "source": sources[name].most_common(1)[0][0],
             "learner_count": len(learners[name]), "case_count": cases[name],
             "learners": [{"id": learner, "report": report_link(learner, folder)} for learner in learners[name]]}
            for name in ranked]


# --- cases -------------------------------------------------------------------------------------------------------

def attempted(rows: list[Row]) -> list[Row]:
    """Graded learners whose file got as far as the cases and who changed the starter: an import failure or an
    untouched starter says nothing about how hard a case is."""
    return [row for row in graded(rows) if not not_attempted(row.result)
            and not any(case.kind in LOAD_FAILURES for case in row.result.cases)]


def case_rates(rows: list[Row]) -> list[dict]:
    """Each case's pass rate among learners who attempted it, hardest first, with its flag when it looks wrong."""
    passed_by: dict[str, set[str]] = defaultdict(set)
    ran_by: dict[str, set[str]] = defaultdict(set)
    hidden: dict[str, bool] = {}
    for row in attempted(rows):
        for case in row.result.cases:
            hidden.setdefault(case.name, case.visibility == "hidden")
            ran_by[case.name].add(row.learner)
            if case.passed:
                passed_by[case.name].add(row.learner)
    public = [name for name, is_hidden in hidden.items() if not is_hidden]
    entries = []
    for name, is_hidden in hidden.items():
        learners, passing = ran_by[name], passed_by[name]
        entry = {"name": name, "visibility": "hidden" if is_hidden else "visible", "learners": len(learners),
                 "passed": len(passing), "pass_rate": round(len(passing) / len(learners), 4), "flag": "",
                 "twin": "", "note": ""}
        if not passing:
            entry["flag"] = "nobody_passed"
            entry["note"] = "Nobody passed this case: check the case and its reference before blaming the class."
        elif is_hidden and (twin := public_twin(name, public)):
            flag_leak(entry, twin, passing, learners & passed_by[twin], len(ran_by[twin]))
        entries.append(entry)
    return sorted(entries, key=lambda entry: (entry["pass_rate"], entry["name"]))


def public_twin(hidden_name: str, public: list[str]) -> str:
    """The public case a hidden one mirrors: same name without "hidden ", else the public name most like it."""
    bare = hidden_name.removeprefix(HIDDEN_PREFIX)
    if bare in public:
        return bare
    close = difflib.get_close_matches(bare, public, n=1, cutoff=TWIN_LIKENESS)
    return close[0] if close else ""


def flag_leak(entry: dict, twin: str, passing: set[str], twin_passers: set[str], twin_learners: int) -> None:
    """Flag a hidden case failed by most of those who pass its public twin, when most pass that twin."""
    if not twin_passers or 2 * len(twin_passers) <= twin_learners:
        return
    failing = twin_passers - passing
    if 2 * len(failing) <= len(twin_passers):  # most of them, not half
        return
    entry.update(flag="hidden_fails_public_passes", twin=twin,
                 note=f"{len(failing)} of the {len(twin_passers)} learners who passed the public case \"{twin}\" "
                      "failed this one: the class may rely on something only the public inputs have, "
                      "or this case may be wrong.")


# --- errors ------------------------------------------------------------------------------------------------------

def error_summary(rows: list[Row], folder: str = "") -> dict:
    """Exception types by how many learners raised them, with where; timeouts and crashes; learners whose file did
    not load."""
    learners: dict[str, set[str]] = defaultdict(set)
    places: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        for case in row.result.cases:
            if case.kind != Kind.EXCEPTION:
                continue
            kind, where, code = raised_at(case)
            learners[kind].add(row.learner)
            if where or code:
                places[kind][(where, code)].add(row.learner)
    exceptions = [{"type": kind, "learner_count": len(learners[kind]), "learners": sorted(learners[kind]),
                   "places": [{"where": where, "code": code, "learners": sorted(who)}
                              for (where, code), who in sorted(places[kind].items(),
                                                               key=lambda item: (-len(item[1]), item[0]))]}
                  for kind in sorted(learners, key=lambda kind: (-len(learners[kind]), kind))]
    return {"exceptions": exceptions, "timeouts": stopped_cases(rows, Kind.TIMEOUT, folder),
            "crashes": stopped_cases(rows, Kind.CRASH, folder), "did_not_load": did_not_load(rows, folder)}


def stopped_cases(rows: list[Row], kind: Kind, folder: str = "") -> dict:
    """The learners with a case of this kind (a timeout, a crashed worker), and those cases by how many hit them."""
    learners: list[dict] = []
    cases: Counter = Counter()
    for row in rows:
        hit = [case.name for case in row.result.cases if case.kind == kind]
        if hit:
            learners.append({"id": row.learner, "report": report_link(row.learner, folder)})
            cases.update(hit)
    return {"learner_count": len(learners), "learners": learners,
            "cases": [{"name": name, "learners": count}
                      for name, count in sorted(cases.items(), key=lambda item: (-item[1], item[0]))]}


def raised_at(case) -> tuple[str, str, str]:
    """The exception's type, where it was raised ("line 14") and the learner's line, read from the stored case."""
    found = _RAISED.search(case.message)
    kind = found.group(1) if found else "an exception"
    where = (found.group(2) or "").removeprefix("on ").removeprefix("in ") if found else ""
    diagnosis = case_diagnosis(case)
    code = ""
    if diagnosis and diagnosis["source"] == "exception" and (quoted := _QUOTED_CODE.search(diagnosis["evidence"])):
        code = quoted.group(1)
    return kind, where, code


def did_not_load(rows: list[Row], folder: str = "") -> list[dict]:
    """Learners whose file never got as far as a case (syntax, import, missing function, no usable file)."""
    entries = []
    for row in rows:
        failure = next((case for case in row.result.cases if case.kind in LOAD_FAILURES), None)
        if failure is not None:
            entries.append({"learner": row.learner, "report": report_link(row.learner, folder),
                            "kind": str(failure.kind), "message": row.result.summary or failure.message})
    return entries
