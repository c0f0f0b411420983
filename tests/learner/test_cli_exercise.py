"""`grade EXERCISE-ID` end to end: real submissions through the real CLI, results checked in every format."""

from __future__ import annotations

import contextlib
import io
import json
import re

import numpy as np
import pytest

from conftest import REPO, reference_source
from grader.cli import main
from grader.spec.catalog import find_exercise
from grader.grading.inputs import build_args

FLIPPED = reference_source("conv") + """
_right = conv2d


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _right(x, weight[:, :, ::-1, ::-1], bias, stride, padding)
"""


def run(*args) -> tuple[int, str, str]:
    """`grade ARGS...` in this process (module-scoped fixtures cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


def grade_file(folder, source: str) -> dict:
    """Grade `source` as exercise-2; returns the exit code, the terminal text, the JSON and the HTML."""
    folder.mkdir(parents=True, exist_ok=True)
    submission = folder / "exercise_2.py"
    submission.write_text(source)
    code, out, err = run("exercise-2", "--submission", submission, "--workspace", folder / "ws",
                         "--json", folder / "result.json", "--html", folder / "report.html")
    return {"code": code, "out": out, "err": err, "json": json.loads((folder / "result.json").read_text()),
            "html": (folder / "report.html").read_text(), "workspace": folder / "ws"}


@pytest.fixture(scope="module")
def exercise():
    return find_exercise("exercise-2")


@pytest.fixture(scope="module")
def correct(tmp_path_factory):
    return grade_file(tmp_path_factory.mktemp("correct"), reference_source("conv"))


@pytest.fixture(scope="module")
def flipped(tmp_path_factory):
    return grade_file(tmp_path_factory.mktemp("flipped"), FLIPPED)


def test_the_reference_scores_full_marks(correct, exercise):
    assert correct["code"] == 0, correct["err"]
    data = correct["json"]
    assert data["score"] == data["max_score"] == sum(case.points for case in exercise.cases)
    assert all(test["status"] == "passed" for test in data["tests"])
    assert f"Score: {data['score']:g}/{data['max_score']:g}" in correct["out"]


def test_json_has_the_gradescope_shape(correct, exercise):
    data = correct["json"]
    assert data["exercise"] == "exercise-2" and data["schema_version"] == 1
    assert isinstance(data["score"], (int, float)) and isinstance(data["max_score"], (int, float))
    assert [test["name"] for test in data["tests"]] == [case.name for case in exercise.cases]
    for test, case in zip(data["tests"], exercise.cases):
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["max_score"] == case.points
        assert test["visibility"] == ("hidden" if case.hidden else "visible")
        assert test["status"] in ("passed", "failed")


def test_html_report_is_self_contained(correct, flipped):
    for html in (correct["html"], flipped["html"]):
        assert html.lstrip().lower().startswith("<!doctype html>")
        assert not re.search(r"https?://", html)
        assert "<script" not in html.lower()
        assert "exercise-2" in html


def test_a_known_bug_loses_marks_and_the_misconception_is_named(flipped):
    assert flipped["code"] == 1
    data = flipped["json"]
    assert 0 < data["score"] < data["max_score"]  # symmetric kernels (1x1) still pass
    named = [test for test in data["tests"] if test["details"].get("misconception") == "kernel flipped"]
    assert named and all("kernel flipped" in test["output"] for test in named)
    assert "kernel flipped" in flipped["out"] and "kernel flipped" in flipped["html"]


def input_values(exercise, hidden: bool) -> list[str]:
    """Texts of the (hidden or public) cases' input values, as a report would print them."""
    texts = []
    for case in exercise.cases:
        if case.hidden == hidden:
            for value in build_args(exercise, case).values():
                if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
                    first = float(value.flat[0])
                    texts += [repr(first), f"{first:.6g}"]
    return texts


def test_hidden_cases_never_reveal_their_inputs(flipped, correct, exercise):
    secrets = input_values(exercise, hidden=True)
    public = input_values(exercise, hidden=False)  # the control: public inputs are shown, so the search works
    assert secrets and any(text in flipped["html"] for text in public)
    for result in (flipped, correct):
        hidden = [t for t in result["json"]["tests"] if t["visibility"] == "hidden"]
        assert hidden and all("inputs" not in t["details"] and "preview" not in t["details"] for t in hidden)
        texts = [json.dumps(hidden), result["html"], result["out"]]
        leaks = [secret for secret in secrets if any(secret in text for text in texts)]
        assert not leaks
    failed_hidden = [t for t in flipped["json"]["tests"] if t["visibility"] == "hidden" and t["score"] == 0]
    assert failed_hidden and all("Inputs of hidden cases are not shown" in t["output"] or
                                 "kernel flipped" in t["output"] for t in failed_hidden)


def test_list_shows_the_best_score(correct, exercise):
    code, out, _ = run("list", "--workspace", correct["workspace"])
    row = next(line.split() for line in out.splitlines() if "exercise-2" in line.split())
    assert code == 0 and f"{exercise.max_score:g}/{exercise.max_score:g}" in row


def test_untouched_starter_scores_zero_and_says_where_to_write(run_cli, workspace, exercise):
    code, out, _ = run_cli("exercise-2")
    path = workspace / "exercise_2.py"
    assert code == 1 and path.read_text() == exercise.starter
    data = json.loads((workspace / "reports" / "exercise-2.json").read_text())
    assert data["score"] == 0 and data["max_score"] == exercise.max_score
    assert {t["outcome"] for t in data["tests"]} == {"not_attempted"}
    text = " ".join(out.split())  # the summary is wrapped to the terminal's width
    assert "Not implemented yet" in text and str(path) in text


@pytest.mark.parametrize("source, expected", [
    ("import numpy as np\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0)\n    return x\n",
     "syntax error on line 3"),
    ("import numpy as np\nimport torchvision_not_here\n", "Your file imports torchvision_not_here on line 2, "
     "which is not available here: only NumPy, the Python standard library and your own .py files"),
    ("import numpy as np\nimport json\njson.loads('{')\n", "raised JSONDecodeError while it was being imported"
     " on line 3: Expecting property name enclosed in double quotes: line 1 column 2 (char 1). Code at the top level"),
    ("import numpy as np\n\ndef conv(x, w):\n    return x\n", "has no function named 'conv2d'"),
])
def test_broken_files_get_a_clear_message(tmp_path, source, expected):
    result = grade_file(tmp_path, source)
    assert result["code"] == 1 and result["json"]["score"] == 0
    assert expected in " ".join(result["out"].split())
    assert expected in result["json"]["output"]


def test_start_never_overwrites_without_force(run_cli, workspace, exercise):
    path = workspace / "exercise_2.py"
    assert run_cli("start", "exercise-2")[0] == 0 and path.read_text() == exercise.starter
    path.write_text("my work\n")
    code, out, _ = run_cli("start", "exercise-2")
    assert code == 0 and path.read_text() == "my work\n" and "--force" in out
    assert run_cli("start", "exercise-2", "--force")[0] == 0 and path.read_text() == exercise.starter


def test_unknown_exercise_suggests_the_closest(run_cli, workspace):
    code, out, err = run_cli("exercise-22")
    assert code == 2 and "there is no exercise 'exercise-22'" in err and "Did you mean 'exercise-2'?" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("args", [("exercise",), ("exercise-2", "--seed", "abc"), ("--bogus",),
                                  ("exercise-2", "--sandbox", "loose")])
def test_usage_errors_exit_2(run_cli, workspace, args):
    code, out, err = run_cli(*args)
    assert code == 2 and "usage: grade" in err and "Traceback" not in out + err


def test_a_broken_definition_is_reported_with_file_and_line(run_cli, workspace, tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    text = (REPO / "exercises" / "exercise-2.yaml").read_text().replace("tolerance: {", "tolerence: {", 1)
    (course / "exercises" / "exercise-2.yaml").write_text(text)
    monkeypatch.setenv("CNN_GRADER_COURSE", str(course))
    code, _, err = run_cli("exercise-2")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.startswith("tolerence"))
    assert code == 2
    assert f"exercise-2.yaml:{line}: unknown key 'tolerence' (did you mean 'tolerance'?)" in err


def test_an_import_that_fails_in_a_sibling_file_keeps_the_top_level_advice_and_names_the_file(tmp_path):
    (tmp_path / "helpers.py").write_text("import numpy as np\nSCALE = 1 / 0\n")
    result = grade_file(tmp_path, "import numpy as np\nfrom helpers import SCALE\n")
    said = " ".join(result["out"].split())
    assert "raised ZeroDivisionError while it was being imported on line 2 of helpers.py" in said
    assert "keep it inside functions" in said


def test_an_unavailable_module_imported_inside_the_function_gets_the_same_advice(tmp_path):
    result = grade_file(tmp_path, "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                                  "    import torch\n    return x\n")
    test = result["json"]["tests"][0]
    assert (test["outcome"], test["kind"]) == ("error", "exception")
    assert test["message"].startswith("Your function raised ModuleNotFoundError on line 2: No module named 'torch'. "
                                      "Likely cause — module not available: Line 2: `import torch`. `torch` cannot "
                                      "be imported here: only NumPy")


PAIRS_NOT_DONE = (REPO / "tests" / "mistakes" / "e2_pair_not_implemented.py").read_text()


@pytest.fixture(scope="module")
def pairs_not_done(tmp_path_factory):
    return grade_file(tmp_path_factory.mktemp("pairs"), PAIRS_NOT_DONE)


def test_not_implemented_on_some_cases_is_an_error_with_the_learners_words(pairs_not_done, exercise):
    data = pairs_not_done["json"]
    raised = [test for test in data["tests"] if test["kind"] == "not_implemented"]
    pairs = [case.name for case in exercise.cases if any(isinstance(value, (list, tuple)) for _, value in case.args)]
    pairs.append("shift equivariance with stride")  # the instructor check that calls with stride=(2, 1)
    assert pairs and sorted(test["name"] for test in raised) == sorted(pairs)
    assert all(test["outcome"] == "error" and test["score"] == 0 for test in raised)
    assert "not_attempted" not in {test["outcome"] for test in data["tests"]}
    assert data["score"] == sum(test["max_score"] for test in data["tests"] if test["outcome"] == "passed")
    public = next(test for test in raised if test["visibility"] == "visible")
    assert "line 7: pairs for stride or padding are not done yet" in public["message"]
    assert "the case uses stride=(2, 1), padding=(0, 2)" in public["message"]
    hidden = [test for test in raised if test["visibility"] == "hidden"]
    assert hidden and all("not done yet" not in test["message"] and "stride=" not in test["message"] for test in hidden)
    said = " ".join(pairs_not_done["out"].split())
    assert public["message"] in said and "not attempted" not in said
    from markupsafe import escape
    assert str(escape(public["message"])) in pairs_not_done["html"]


def test_an_endless_loop_stops_early_and_says_why_everywhere(tmp_path, correct):
    assert "showcase" in correct["json"]["extras"]  # the control: a run that was not stopped has its picture
    import time

    started = time.monotonic()
    result = grade_file(tmp_path, "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                                  "    while True:\n        pass\n")
    seconds = time.monotonic() - started
    limits = find_exercise("exercise-2").limits
    assert seconds < limits.total_seconds / 2, seconds  # two case limits, not the whole budget
    tests = result["json"]["tests"]
    assert [test["outcome"] for test in tests[:2]] == ["timeout", "timeout"]
    assert {(test["outcome"], test["kind"]) for test in tests[2:]} == {("not_run", "stopped")}
    reason = tests[2]["details"]["stop_reason"]
    assert reason == f"stopped early: two cases in a row ran out of time ({limits.case_seconds:g} s each)"
    assert f"{len(tests) - 2} cases not run — {reason}" in result["out"]
    assert "showcase" not in result["json"]["extras"]  # the unscored picture would only wait on the loop again
    from markupsafe import escape
    assert str(escape(tests[2]["message"])) in result["html"]
