"""A notebook is a submission: `grade exercise-2 --submission work.ipynb` grades what the notebook defines, and every
message, traceback and diagnosis names the cell and the line in it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import REPO, reference_source

from grader.gradescope import find_submission_file, run_autograder
from grader.grading.runner import grade, grade_cells
from grader.learner.watch import _watch_round
from grader.results import Kind, Outcome
from grader.sandbox.notebook import Cell
from grader.spec.catalog import find_exercise

MISTAKES = REPO / "tests" / "mistakes"
TEST_CELL = ("x = np.random.randn(1, 1, 5, 5)\nw = np.ones((1, 1, 3, 3))\nprint(conv2d(x, w).shape)\n"
             "assert conv2d(x, w).shape == (9, 9)  # wrong on purpose: must not run\n"
             "import matplotlib.pyplot as plt\nplt.imshow(conv2d(x, w)[0, 0])\nplt.show()\n")
CASES = ("identity 1x1 kernel", "bias added per filter", "padding 1 keeps the size")


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook as Jupyter saves it: a Markdown cell first, then the code cells (cell 2, cell 3, ...)."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Exercise 2\n", "Write conv2d."]}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": number, "outputs": [],
               "source": source.splitlines(keepends=True)} for number, source in enumerate(sources, 1)]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}))
    return path


@pytest.fixture(scope="module")
def small():
    """exercise-2 cut down to three public cases with short limits, so these tests stay fast."""
    full = find_exercise("exercise-2")
    limits = dataclasses.replace(full.limits, case_seconds=2, total_seconds=6, import_seconds=3)
    return dataclasses.replace(full, cases=tuple(case for case in full.cases if case.name in CASES), limits=limits)


def test_a_correct_notebook_gets_full_marks_although_its_test_cell_magics_and_shell_lines_would_fail(
        tmp_path, run_cli, workspace):
    path = write_notebook(tmp_path / "work.ipynb", "%matplotlib inline\n!pip install scipy\nimport numpy as np",
                          reference_source("conv"), TEST_CELL)
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    code, out, err = run_cli("exercise-2", "--submission", path, "--sandbox", "standard", "--json", report,
                             "--html", html)
    result = json.loads(report.read_text())
    assert code == 0 and result["score"] == result["max_score"] == find_exercise("exercise-2").max_score, out + err
    note = ("From {}: graded the definitions in cells 2 and 3; left out top-level code in cell 4 (computed values, "
            "prints, asserts, plots), imports your definitions do not use (matplotlib.pyplot) in cell 4 and magics "
            "and shell lines in cell 2.").format(path)
    assert result["notes"][0] == note
    assert note in out.replace("\n", " ") and note.replace("(", "") in html.read_text().replace("(", "")
    assert "Traceback" not in out + err


def test_a_buggy_notebook_gets_its_mistake_named_with_cells_and_lines(tmp_path, run_cli, workspace):
    source = (MISTAKES / "e2_bias_last_axis.py").read_text()
    path = write_notebook(tmp_path / "work.ipynb", "print('my own checks')", source, TEST_CELL)
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    code, out, err = run_cli("exercise-2", "--submission", path, "--sandbox", "standard", "--json", report,
                             "--html", html)
    result = json.loads(report.read_text())
    assert code == 1 and 0 < result["score"] < result["max_score"]
    named = [case for case in result["tests"] if case.get("details", {}).get("misconception")]
    assert named and {case["details"]["misconception"] for case in named} == {"bias added along the width"}
    assert "bias added along the width" in html.read_text()
    line = source.splitlines().index("        out = out + bias") + 1
    raised = next(case for case in result["tests"] if case["outcome"] == "error")
    assert f"raised ValueError in cell 3, line {line}:" in raised["output"]
    assert f"Cell 3, line {line}, in conv2d" in raised["details"]["traceback"]
    assert "exercise_2.py" not in report.read_text()  # the generated file is never named


def test_a_syntax_error_names_the_cell_and_the_line_in_it(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np", "def conv2d(x, weight, bias=None):\n"
                          "    return x +\n", "print(conv2d(1, 2))")
    result = grade(small, path, shown_as="work.ipynb")
    assert {case.kind for case in result.cases} == {Kind.SYNTAX} and result.score == 0
    assert result.summary == "Your notebook has a syntax error in cell 3, line 2: invalid syntax. Fix it in " \
                             "work.ipynb and grade again."


def test_an_exception_in_a_later_cell_points_at_both_cells(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np\n\ndef helper(x):\n    return x.reshape(3, 7)",
                          "print('testing')", "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                          "    # uses the helper\n    return helper(x)\n")
    result = grade(small, path, shown_as="work.ipynb")
    case = result.cases[0]
    assert case.outcome == Outcome.ERROR and "raised ValueError in cell 2, line 4:" in case.message
    assert case.details["traceback"].splitlines() == ["  Cell 4, line 3, in conv2d", "    return helper(x)",
                                                      "  Cell 2, line 4, in helper", "    return x.reshape(3, 7)"]
    assert case.details["diagnosis"]["evidence"].startswith("cell 2, line 4: `return x.reshape(3, 7)`")


def test_a_function_defined_under_a_cell_magic_is_explained(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np",
                          "%%time\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n    return x\n")
    result = grade(small, path, shown_as="work.ipynb")
    assert {case.kind for case in result.cases} == {Kind.MISSING}
    assert result.summary == (
        "work.ipynb has no function named 'conv2d'. Cell 3 defines conv2d under %%time, a cell magic the grader "
        "does not run: remove the %%time line, or move conv2d to a cell of its own. Define `def conv2d(x, weight, "
        "bias=None, stride=1, padding=0):` at the top level of a code cell.")


def test_cells_run_out_of_order_in_jupyter_are_explained(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "conv2d = conv2d_fast",
                          "def conv2d_fast(x, weight, bias=None, stride=1, padding=0):\n    return x\n")
    result = grade(small, path, shown_as="work.ipynb")
    assert {case.kind for case in result.cases} == {Kind.IMPORT}
    assert result.summary.startswith("Your notebook raised NameError in cell 2, line 1 when the grader loaded its "
                                     "definitions: name 'conv2d_fast' is not defined.")
    assert "conv2d_fast is defined in cell 3, line 1, below this line." in result.summary
    assert "move the definition of conv2d_fast above this line" in result.summary


def test_a_value_computed_by_left_out_code_is_explained(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np\nSCALE = np.float64(1)",
                          "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    return x * SCALE\n")
    result = grade(small, path, shown_as="work.ipynb")
    case = result.cases[0]
    assert "raised NameError in cell 3, line 2: name 'SCALE' is not defined" in case.message
    assert case.details["diagnosis"]["name"] == "set by code the grader leaves out"
    assert "Cell 2 sets SCALE with code the grader does not run (it computes a value)" in case.message


def test_a_line_quoted_by_a_structural_diagnosis_names_its_cell(tmp_path):
    source = (MISTAKES / "e2_float32_output.py").read_text()
    result = grade(find_exercise("exercise-2"), write_notebook(tmp_path / "work.ipynb", "x = 1", source))
    line = next(number for number, text in enumerate(source.splitlines(), 1) if "float32" in text and "zeros" in text)
    texts = [result.summary] + [case.message for case in result.cases]
    assert any(f"Probably cell 3, line {line}: `" in text for text in texts)
    assert not any("Probably line" in text for text in texts)


def test_a_line_named_by_an_exception_analysis_and_the_picture_panel_names_its_cell(small, tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np",
                          "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    p = padding\n"
                          "    inner = x[:, :, p:-p, p:-p]\n    return inner[:, :, 0]\n")
    result = grade(small, path, shown_as="work.ipynb")
    case = result.cases[0]  # padding 0: the slice is empty
    assert "raised IndexError in cell 3, line 4:" in case.message
    assert "Cell 3, line 3 has a slice ending in a negated name (like `p:-p`)" in case.message
    assert result.extras["showcase"]["problem"] == ("your function failed on the picture: IndexError in cell 3, "
                                                    "line 4: index 0 is out of bounds for axis 2 with size 0")
    texts = [result.summary, result.extras["showcase"]["problem"]] + [item.message for item in result.cases]
    assert not any("on line" in text or "Line " in text for text in texts)  # no line of the generated file


def test_the_picture_panel_names_a_helper_files_line_by_its_file(small, tmp_path):
    (tmp_path / "helpers.py").write_text("def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                                         "    raise ValueError('no pictures today')\n")
    result = grade(small, write_notebook(tmp_path / "work.ipynb", "from helpers import conv2d"))
    assert result.extras["showcase"]["problem"] == ("your function failed on the picture: ValueError on line 2 of "
                                                    "helpers.py: no pictures today")


def test_helper_files_beside_the_notebook_can_be_imported(small, tmp_path):
    (tmp_path / "helpers.py").write_text(reference_source("conv"))
    path = write_notebook(tmp_path / "work.ipynb", "from helpers import conv2d")
    assert grade(small, path).all_passed


def test_grade_cells_grades_cells_from_a_kernel_history(small):
    cells = [Cell("In [1]", "import numpy as np"), Cell("In [2]", reference_source("conv")),
             Cell("In [5]", "from grader import check\ncheck('exercise-2')")]
    result = grade_cells(small, cells, shown_as="your notebook")
    assert result.all_passed and result.submission == "your notebook"
    assert result.notes[0] == ("From your notebook: graded the definitions in In [1] and In [2]; left out "
                               "top-level code in In [5] (calls) and imports your definitions do not use (grader) "
                               "in In [5].")


@pytest.mark.parametrize("data, words", [
    (b"not json", "work.ipynb is not a Jupyter notebook (nbformat 4): it is not valid JSON (line 1, column 1"),
    (b'{"nbformat": 3, "worksheets": []}', "work.ipynb is not a Jupyter notebook (nbformat 4): its nbformat is 3"),
    (b'{"nbformat": 4, "cells": 7}', "its 'cells' is not a list"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": {"a": 1}}]}', "the source of cell 1 is not text"),
])
def test_a_broken_notebook_is_a_usage_error_on_the_command_line(tmp_path, run_cli, workspace, data, words):
    path = tmp_path / "work.ipynb"
    path.write_bytes(data)
    report = tmp_path / "r.json"
    code, out, err = run_cli("exercise-2", "--submission", path, "--json", report)
    assert code == 2 and words in err and "Traceback" not in out + err
    assert not report.exists()


def test_a_huge_notebook_is_refused_with_advice(tmp_path, run_cli, workspace):
    path = write_notebook(tmp_path / "work.ipynb", "x = 1")
    data = json.loads(path.read_text())
    data["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (21 << 20)}]
    path.write_text(json.dumps(data))
    code, out, err = run_cli("exercise-2", "--submission", path)
    assert code == 2 and "a notebook may be at most 20 MB" in err and "Clear Outputs of All Cells" in err


def test_a_broken_notebook_gets_a_zero_point_result_when_graded_directly(small, tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text('{"nbformat": 4, "cells": "none"}')
    result = grade(small, path, shown_as="work.ipynb")
    assert result.score == 0 and {case.kind for case in result.cases} == {Kind.FILE}
    assert result.summary == "work.ipynb is not a Jupyter notebook (nbformat 4): its 'cells' is not a list."


def test_a_linked_notebook_is_refused(small, tmp_path):
    real = write_notebook(tmp_path / "real.ipynb", reference_source("conv"))
    link = tmp_path / "work.ipynb"
    link.symlink_to(real)
    result = grade(small, link)
    assert result.score == 0 and "symbolic link" in result.summary


def test_the_workspace_notebook_is_graded_when_there_is_no_python_file(tmp_path, run_cli, workspace):
    workspace.mkdir()
    write_notebook(workspace / "exercise_2.ipynb", reference_source("conv"))
    code, out, err = run_cli("exercise-2", "--sandbox", "standard")
    result = json.loads((workspace / "reports" / "exercise-2.json").read_text())
    assert code == 0 and result["notes"][0] == f"From {workspace / 'exercise_2.ipynb'}: graded the definitions in cell 2."
    assert not (workspace / "exercise_2.py").exists()


def test_watch_grades_a_notebook(small, tmp_path, workspace, capsys):
    path = write_notebook(tmp_path / "work.ipynb", reference_source("conv"))
    _watch_round(small, path, None, "graded", "standard")
    out = capsys.readouterr().out
    assert "Score: 3/3" in out and f"Watching {path}" in out


def test_gradescope_finds_and_grades_the_notebook(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    write_notebook(folder / "my work.ipynb", reference_source("conv"))
    (folder / ".ipynb_checkpoints").mkdir()
    write_notebook(folder / ".ipynb_checkpoints" / "my work-checkpoint.ipynb", "x = 1")
    assert find_submission_file(folder, "exercise-2") == folder / "my work.ipynb"
    results = tmp_path / "results" / "results.json"
    assert run_autograder("exercise-2", folder, results, sandbox="standard") == 0
    data = json.loads(results.read_text())
    assert data["score"] == find_exercise("exercise-2").max_score and "From my work.ipynb: graded the definitions in cell 2." in data["output"]


def test_the_exercise_file_wins_and_a_notebook_beside_one_other_file_is_not_guessed(tmp_path):
    write_notebook(tmp_path / "scratch.ipynb", "x = 1")
    (tmp_path / "helpers.py").write_text("x = 1\n")
    assert find_submission_file(tmp_path, "exercise-2") is None
    write_notebook(tmp_path / "exercise_2.ipynb", "x = 1")
    assert find_submission_file(tmp_path, "exercise-2") == tmp_path / "exercise_2.ipynb"
    (tmp_path / "exercise_2.py").write_text("x = 1\n")
    assert find_submission_file(tmp_path, "exercise-2") == tmp_path / "exercise_2.py"
