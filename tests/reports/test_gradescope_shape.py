"""One Gradescope shape: our result.json and Gradescope's results.json describe each case with the same fields, and
long feedback is cut the same way in both."""

from __future__ import annotations

import json

from grader.reports.files import write_reports
from grader.reports.gradescope import MAX_OUTPUT, gradescope_json
from grader.results import CaseResult, GradeResult, Kind, Outcome

GRADESCOPE_TEST_KEYS = ["name", "score", "max_score", "status", "output", "visibility"]


def _result() -> GradeResult:
    cases = [CaseResult("passes", 1.0, Outcome.PASSED, points=1.0, output="hello\n"),
             CaseResult("fails at length", 2.0, Outcome.FAILED, kind=Kind.VALUES, message="x" * (2 * MAX_OUTPUT),
                        visibility="hidden")]
    return GradeResult("exercise-2", "Convolution", cases, summary="1 of 2 cases passed.", notes=["a note"])


def test_result_json_embeds_exactly_the_gradescope_tests(tmp_path):
    result = _result()
    write_reports(result, json_path=tmp_path / "result.json")
    ours = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    theirs = json.loads(gradescope_json(result))
    assert [{key: test[key] for key in GRADESCOPE_TEST_KEYS} for test in ours["tests"]] == theirs["tests"]
    assert [list(test) for test in theirs["tests"]] == [GRADESCOPE_TEST_KEYS] * 2


def test_feedback_is_the_message_then_the_printed_output_cut_at_the_limit():
    tests = json.loads(gradescope_json(_result()))["tests"]
    assert tests[0]["output"] == "Your code printed:\nhello\n"
    assert tests[1]["output"] == "x" * MAX_OUTPUT and tests[1]["visibility"] == "hidden"


def test_gradescope_results_hold_only_the_keys_of_its_specification():
    data = json.loads(gradescope_json(_result()))
    assert list(data) == ["score", "execution_time", "output", "stdout_visibility", "tests"]
    assert data["output"] == "1 of 2 cases passed.\na note"


def test_a_result_read_back_is_written_again_byte_for_byte(tmp_path):
    from grader.results import read_result
    write_reports(_result(), json_path=tmp_path / "first.json")
    write_reports(read_result(tmp_path / "first.json"), json_path=tmp_path / "second.json")
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()
