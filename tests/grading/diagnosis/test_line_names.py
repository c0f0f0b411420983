"""Findings name the learner's lines the way the learner knows them: "line 12" in a .py file, "cell 4, line 2" in
a notebook (whose graded file is generated). The analyses get the naming function with their evidence; nothing
rewrites their text afterwards."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from grader.grading.diagnosis.engine import Diagnoser
from grader.grading.diagnosis.model import Evidence, Sizes, line_number
from grader.grading.diagnosis.structural import analyse_output
from grader.sandbox.notebook import Cell
from grader.sandbox.notebook_code import definitions
from grader.spec.catalog import find_exercise
from grader.spec.model import Tolerance

WANT = np.arange(2 * 4 * 5 * 5, dtype=float).reshape(2, 4, 5, 5) / 7
LINES = ("import numpy as np", "def conv2d(x, weight):", "    out = np.zeros(x.shape, dtype=np.float32)",
         "    out[...] = x", "    return out")


def evidence(**changes) -> Evidence:
    found = Evidence(positional=[WANT], keyword={}, expected=[WANT], got=[WANT.astype(np.float32)], part=0,
                     label="output", tolerance=Tolerance(rtol=1e-9, atol=1e-12), sizes=Sizes(), source_lines=LINES)
    return dataclasses.replace(found, **changes)


def test_a_py_file_line_is_named_by_its_number():
    assert evidence().name_line is line_number and line_number(12) == "line 12"
    found = analyse_output(evidence())
    assert found.name == "float32 output"
    assert "Probably line 3: `out = np.zeros(x.shape, dtype=np.float32)` — it makes the array float32" \
        in found.explanation


def test_a_quoted_line_is_named_by_the_evidence_line_namer():
    found = analyse_output(evidence(name_line=lambda line: f"cell 4, line {line - 1}"))
    assert "Probably cell 4, line 2: `out = np.zeros(x.shape, dtype=np.float32)`" in found.explanation
    assert "Probably line" not in found.explanation


def test_a_line_no_cell_wrote_is_quoted_without_a_place():
    found = analyse_output(evidence(name_line=lambda line: ""))
    assert "Probably `out = np.zeros(x.shape, dtype=np.float32)` — it makes" in found.explanation


def test_the_diagnoser_hands_its_line_namer_to_every_evidence(tmp_path: Path):
    cells = [Cell("cell 1", "# my notes"), Cell("cell 2", "import numpy as np"),
             Cell("cell 3", "print('try it')\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                            "    out = np.zeros(x.shape, dtype=np.float32)\n    return out")]
    code = definitions(cells, "conv2d")
    path = tmp_path / "exercise_2.py"
    path.write_text(code.source)
    exercise = find_exercise("exercise-2")
    shown = Diagnoser(exercise, path, code.where).evidence([WANT], {}, [WANT], [WANT.astype(np.float32)], 0,
                                                          "output", exercise.tolerance, False)
    line = code.source.splitlines().index("    out = np.zeros(x.shape, dtype=np.float32)") + 1
    assert shown.name_line(line) == "cell 3, line 3"
    plain = Diagnoser(exercise, path).evidence([WANT], {}, [WANT], [WANT], 0, "output", exercise.tolerance, False)
    assert plain.name_line(line) == f"line {line}"
