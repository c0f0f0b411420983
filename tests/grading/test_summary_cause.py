"""The run's summary names the diagnosis behind most failures once, with the evidence of its first public case
and its fix (grader/results.py reads the diagnoses back, grader/grading/runner.py says the sentence)."""

from __future__ import annotations

from diagnosed_results import BIAS, FLIPPED, FLIPPED_HIDDEN, diagnosed, flipped_run, passed
from grader.grading.runner import summarize
from grader.results import CaseResult, GradeResult, Kind, Outcome, case_diagnosis, leading_cause, mistake_note


def run(*cases: CaseResult) -> GradeResult:
    return GradeResult("exercise-2", "conv2d", list(cases))


def test_the_summary_names_the_cause_of_most_failures_with_the_first_public_evidence():
    result = flipped_run()
    assert summarize(result) == (
        "3 of 26 cases passed. 22 of the 23 failures have one likely cause — kernel flipped: Line 7 reads "
        "`w[:, :, ::-1, ::-1]`; your output equals the reference with each kernel turned 180° at all 1 positions. "
        "Use the kernel as it is (cross-correlation): delete the `[::-1, ::-1]`.")


def test_a_cause_only_hidden_cases_show_is_told_with_their_hidden_safe_evidence():
    result = run(passed("a"), *(diagnosed(f"hidden {n}", FLIPPED, hidden=True) for n in range(3)))
    summary = summarize(result)
    assert summary.startswith("1 of 4 cases passed. All 3 failures have one likely cause — kernel flipped: ")
    assert FLIPPED_HIDDEN[1:] in summary and "line 7" not in summary.lower()


def test_one_failure_and_a_bare_diagnosis_read_as_sentences():
    lone = diagnosed("only", BIAS)
    lone.details["diagnosis"]["evidence"] = ""
    assert summarize(run(passed("a"), lone)) == \
        "1 of 2 cases passed. The failing case has a likely cause — bias added twice: Add the bias once, after the sum."
    lone.details["diagnosis"]["explanation"] = ""
    assert summarize(run(passed("a"), lone)).endswith("The failing case has a likely cause — bias added twice.")


def test_no_cause_is_named_when_it_explains_fewer_than_half_of_the_failures():
    plain = [CaseResult(f"plain {n}", 1, Outcome.FAILED, kind=Kind.VALUES, message="wrong") for n in range(3)]
    result = run(diagnosed("one", FLIPPED), diagnosed("two", FLIPPED), *plain)
    assert leading_cause(result) is None
    assert summarize(result) == \
        "0 of 5 cases passed. Start with the first failing public case: it shows the details."
    result.cases.pop()  # 2 of 4: half is enough
    assert "2 of the 4 failures have one likely cause — kernel flipped" in summarize(result)


def test_a_tie_goes_to_the_diagnosis_found_first():
    for first, second in ((FLIPPED, BIAS), (BIAS, FLIPPED)):
        cause = leading_cause(run(diagnosed("a", first), diagnosed("b", second)))
        assert cause.name == first["name"] and cause.sentence().startswith("1 of the 2 failures has a likely cause")


def test_a_declared_mistake_without_a_diagnosis_is_read_from_its_note():
    case = CaseResult("old", 1, Outcome.FAILED, kind=Kind.VALUES,
                      message="Wrong values." + mistake_note("kernel flipped", "drop the flip."),
                      details={"misconception": "kernel flipped"})
    assert case_diagnosis(case) == {"name": "kernel flipped", "explanation": "drop the flip.", "evidence": "",
                                    "source": "declared"}
    assert summarize(run(case)) == "0 of 1 cases passed. The failing case has a likely cause — kernel flipped: " \
                                   "Drop the flip."


def test_malformed_or_passed_diagnoses_are_ignored():
    broken = [CaseResult(f"c{n}", 1, Outcome.FAILED, kind=Kind.VALUES, message="wrong", details={"diagnosis": bad})
              for n, bad in enumerate(["kernel flipped", {"name": ""}, {"explanation": "x"}, None, {"name": 3}])]
    assert all(case_diagnosis(case) is None for case in broken)
    odd = CaseResult("odd", 1, Outcome.FAILED, details={"diagnosis": {"name": "n", "evidence": 5}})
    assert case_diagnosis(odd) == {"name": "n", "explanation": "", "evidence": "", "source": ""}
    right = CaseResult("right", 1, Outcome.PASSED, points=1, details={"diagnosis": dict(FLIPPED)})
    assert case_diagnosis(right) is None


def test_evidence_that_starts_with_code_keeps_its_case():
    case = diagnosed("a", dict(BIAS, evidence="x.shape[2] is used as the width"))
    assert "— bias added twice: x.shape[2] is used as the width. Add" in summarize(run(case))
