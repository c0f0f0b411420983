"""The class summary and report of a batch output folder, built from stored results only (hand-made here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diagnosed_results import BIAS, FLIPPED, diagnosed, passed
from grader.batch.outdir import CLASS_REPORT, CLASS_SUMMARY, LEARNERS, RESULT, read_rows, write_manifest
from grader.reports.class_report import render_class_report
from grader.reports.class_summary import build_summary, quantile
from grader.results import CaseResult, GradeResult, Kind, Outcome, write_atomic

HOSTILE = '<script>alert("id")</script>'
HOSTILE_CODE = "y = x[<img src=x onerror=alert(1)>]"


def raised(name: str, kind: str = "IndexError", line: int = 7, code: str = "y = x[i + 3]") -> CaseResult:
    diagnosis = {"name": "index past the end", "explanation": "stop the loop one window earlier",
                 "evidence": f"line {line}: `{code}`", "source": "exception"}
    return CaseResult(name, 1.0, Outcome.ERROR, kind=Kind.EXCEPTION, details={"diagnosis": diagnosis},
                      message=f"Your function raised {kind} on line {line}: index 5 is out of bounds.")


def wrong(name: str) -> CaseResult:
    """A failing case without a diagnosis."""
    return CaseResult(name, 1.0, Outcome.FAILED, kind=Kind.VALUES,
                      visibility="hidden" if name.startswith("hidden ") else "visible")


def result(*cases: CaseResult, summary: str = "") -> GradeResult:
    return GradeResult("exercise-2", "conv2d", list(cases), submission="exercise_2.py", seed=1, summary=summary)


def write_out(out: Path, learners: dict[str, GradeResult]) -> Path:
    write_manifest(out, "exercise-2", 1)
    for learner, graded in learners.items():
        graded.extras["batch"] = {"learner": learner}
        write_atomic(out / LEARNERS / learner.replace("/", "_") / RESULT, graded.to_json())
    return out


def classroom() -> dict[str, GradeResult]:
    """Three learners flipped the kernel, one of them also added the bias twice; one passed; one raised; one did
    not import; one untouched starter; the hidden twin of "stride 2" fails for all who pass it."""
    def flipped():
        return [diagnosed("asymmetric kernel", FLIPPED), diagnosed("hidden asymmetric kernel", FLIPPED, hidden=True)]
    return {
        "ana": result(*flipped(), passed("stride 2"), wrong("hidden stride 2")),
        "ben": result(*flipped(), passed("stride 2"), diagnosed("hidden stride 2", BIAS, hidden=True)),
        HOSTILE: result(*flipped(), CaseResult("stride 2", 1.0, Outcome.FAILED, kind=Kind.VALUES),
                        wrong("hidden stride 2")),
        "cleo": result(passed("asymmetric kernel"), passed("hidden asymmetric kernel"), passed("stride 2"),
                       passed("hidden stride 2")),
        "dan": result(raised("asymmetric kernel", code=HOSTILE_CODE), raised("hidden asymmetric kernel"),
                      passed("stride 2"), wrong("hidden stride 2")),
        "eve": result(*(CaseResult(name, 1.0, Outcome.ERROR, kind=Kind.SYNTAX, message="invalid syntax on line 3")
                        for name in ("asymmetric kernel", "hidden asymmetric kernel", "stride 2", "hidden stride 2")),
                      summary="Your file has a syntax error on line 3."),
        "finn": result(*(CaseResult(name, 1.0, Outcome.NOT_ATTEMPTED, kind=Kind.NOT_IMPLEMENTED)
                         for name in ("asymmetric kernel", "hidden asymmetric kernel", "stride 2", "hidden stride 2"))),
    }


@pytest.fixture
def summary(tmp_path):
    out = write_out(tmp_path / "out", classroom())
    return build_summary(read_rows(out), "exercise-2")


def test_mistakes_are_ranked_by_learners_each_counted_once(summary):
    mistakes = summary["mistakes"]
    assert [m["name"] for m in mistakes] == ["kernel flipped", "bias added twice", "index past the end"]
    flipped = mistakes[0]
    assert flipped["learner_count"] == 3 and flipped["case_count"] == 6  # two cases each, one learner once
    assert [who["id"] for who in flipped["learners"]] == [HOSTILE, "ana", "ben"]
    assert flipped["explanation"] == FLIPPED["explanation"]
    assert mistakes[2]["learner_count"] == 1 and mistakes[2]["case_count"] == 2


def test_scores_count_each_status(summary):
    scores = summary["scores"]
    assert summary["learners"] == 7 and scores["graded"] == 7
    assert (scores["full_marks"], scores["zero"], scores["not_attempted"]) == (1, 3, 1)
    assert scores["max_score"] == 4 and scores["median"] == 1  # scores 0 0 0 1 1 1 4
    assert (scores["q1"], scores["q3"]) == (0, 1)
    assert sum(bar["learners"] for bar in scores["histogram"]) == 7
    assert scores["histogram"][-1]["learners"] == 1  # full marks fall in the last bar


def test_quantiles_interpolate_like_numpy():
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.25) == pytest.approx(1.75)
    assert quantile([], 0.5) is None


def test_cases_hardest_first_and_a_leaking_hidden_case_is_flagged(summary):
    cases = summary["cases"]  # among the 5 who attempted (not eve: no import; not finn: starter)
    assert [c["pass_rate"] for c in cases] == sorted(c["pass_rate"] for c in cases)
    by_name = {c["name"]: c for c in cases}
    assert (by_name["hidden stride 2"]["passed"], by_name["hidden stride 2"]["learners"]) == (1, 5)
    assert by_name["hidden stride 2"]["flag"] == "hidden_fails_public_passes"
    assert by_name["hidden stride 2"]["twin"] == "stride 2"
    assert "3 of the 4 learners" in by_name["hidden stride 2"]["note"]
    assert by_name["hidden asymmetric kernel"]["flag"] == ""  # its public twin is failed by most too


def test_a_case_nobody_passed_is_flagged(tmp_path):
    out = write_out(tmp_path / "out", {"a": result(passed("one"), diagnosed("two", FLIPPED)),
                                       "b": result(passed("one"), diagnosed("two", BIAS))})
    cases = {c["name"]: c for c in build_summary(read_rows(out), "exercise-2")["cases"]}
    assert cases["two"]["flag"] == "nobody_passed" and cases["one"]["flag"] == ""


def test_errors_name_the_exception_where_and_who_did_not_load(summary):
    errors = summary["errors"]
    [index] = errors["exceptions"]
    assert index["type"] == "IndexError" and index["learners"] == ["dan"]
    assert {(p["where"], p["code"]) for p in index["places"]} == {("line 7", HOSTILE_CODE), ("line 7", "y = x[i + 3]")}
    assert [(d["learner"], d["kind"]) for d in errors["did_not_load"]] == [("eve", "syntax")]


def test_timeouts_and_crashes_are_rows_of_their_own(tmp_path):
    def stopped(name, kind):
        outcome = Outcome.TIMEOUT if kind == Kind.TIMEOUT else Outcome.ERROR
        return CaseResult(name, 1.0, outcome, kind=kind, message="stopped")
    out = write_out(tmp_path / "out", {
        "slow": result(stopped("big", Kind.TIMEOUT), stopped("bigger", Kind.TIMEOUT)),
        "slower": result(passed("big"), stopped("bigger", Kind.TIMEOUT)),
        HOSTILE: result(stopped("big", Kind.CRASH), passed("bigger")),
        "fine": result(passed("big"), passed("bigger"))})
    summary = build_summary(read_rows(out), "exercise-2")
    timeouts, crashes = summary["errors"]["timeouts"], summary["errors"]["crashes"]
    assert timeouts["learner_count"] == 2 and [who["id"] for who in timeouts["learners"]] == ["slow", "slower"]
    assert timeouts["cases"] == [{"name": "bigger", "learners": 2}, {"name": "big", "learners": 1}]
    assert crashes["learner_count"] == 1 and crashes["cases"] == [{"name": "big", "learners": 1}]
    assert summary["errors"]["exceptions"] == []
    page = render_class_report(summary)
    assert "Timed out" in page and "Crashed" in page and "<script" not in page
    assert 'href="learners/slower/report.html"' in page


def test_no_diagnosis_gives_no_mistakes(tmp_path):
    out = write_out(tmp_path / "out", {"a": result(CaseResult("one", 1.0, Outcome.FAILED, kind=Kind.VALUES))})
    summary = build_summary(read_rows(out), "exercise-2")
    assert summary["mistakes"] == []
    assert "no named mistake" in render_class_report(summary)


def test_page_escapes_learner_text_and_links_each_report(summary):
    page = render_class_report(summary)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page
    assert 'href="learners/ana/report.html"' in page
    assert 'href="learners/%3Cscript%3Ealert%28%22id%22%29%3C%2Fscript%3E/report.html"' in page
    assert "3 of 7 — kernel flipped" in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing fetched


def test_insights_rebuilds_both_files(tmp_path, run_cli):
    out = write_out(tmp_path / "out", classroom())
    code, stdout, _ = run_cli("insights", out)
    assert code == 0 and str(out / CLASS_REPORT) in stdout
    data = json.loads((out / CLASS_SUMMARY).read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["exercise"] == "exercise-2" and data["learners"] == 7


def test_insights_refuses_a_missing_folder(tmp_path, run_cli):
    code, _, err = run_cli("insights", tmp_path / "nowhere")
    assert code == 2 and "no such folder" in err and "Traceback" not in err


def test_insights_refuses_a_folder_that_is_no_batch(tmp_path, run_cli):
    code, _, err = run_cli("insights", tmp_path)
    assert code == 2 and "not the output folder of `grade batch`" in err


def test_insights_refuses_an_exercise_the_folder_lacks(tmp_path, run_cli):
    out = write_out(tmp_path / "out", classroom())
    code, _, err = run_cli("insights", out, "--exercise", "exercise-9")
    assert code == 2 and "exercise-9" in err


def test_a_hidden_case_failed_by_only_half_of_its_twins_passers_is_not_flagged(tmp_path):
    hidden_case = {"a": passed("hidden stride 2"), "b": passed("hidden stride 2")}
    learners = {name: result(passed("stride 2"), hidden_case.get(name, wrong("hidden stride 2"))) for name in "abcd"}
    cases = {c["name"]: c for c in build_summary(read_rows(write_out(tmp_path / "o", learners)), "exercise-2")["cases"]}
    assert cases["hidden stride 2"]["flag"] == ""
