"""Exercise 9's unscored picture: the last layer's fields of outputs (0, 0) and (0, 1) on the input grid, the
reference's beside the learner's, for the first public case the learner gets wrong (else the last public case)."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from grader.grading.runner import grade
from grader.reports.html import render_html
from grader.spec.catalog import find_exercise

TESTS = Path(__file__).resolve().parents[1]


def png_size(src: str) -> tuple[int, int]:
    data = base64.b64decode(src.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_wrong_start_is_drawn_on_the_first_case_it_gets_wrong():
    exercise = find_exercise("exercise-9")
    result = grade(exercise, TESTS / "mistakes" / "e9_padding_in_cells.py")
    panel = result.extras["showcase"]
    first_failing = next(case.name for case in result.cases if not case.passed and case.visibility == "visible")
    assert first_failing in panel["call"] and not panel["problem"]
    row = panel["rows"][0]
    assert row["reference"]["shape"] != row["yours"]["shape"]
    assert "start (-3, -3)" in row["reference"]["shape"] and "start (-2, -2)" in row["yours"]["shape"]
    assert png_size(row["reference"]["src"]) == png_size(row["yours"]["src"])  # one window for both
    html = render_html(result)
    assert row["yours"]["src"] in html and "blue output (0, 0)" in html


def test_a_correct_file_sees_the_last_public_case_and_the_starter_no_picture(tmp_path):
    exercise = find_exercise("exercise-9")
    last_public = [case.name for case in exercise.cases if not case.hidden][-1]
    panel = grade(exercise, TESTS / "correct" / "e9_loops.py").extras["showcase"]
    assert last_public in panel["call"]
    assert panel["rows"][0]["reference"]["shape"] == panel["rows"][0]["yours"]["shape"]
    starter = tmp_path / "exercise_9.py"
    starter.write_text(exercise.starter)
    assert "showcase" not in grade(exercise, starter).extras


def test_output_that_cannot_be_drawn_is_said_so(tmp_path):
    exercise = find_exercise("exercise-9")
    path = tmp_path / "flat.py"
    path.write_text("import numpy as np\n\ndef receptive_field(layers):\n"
                    "    return np.zeros(2), np.zeros(2), np.zeros(2)\n")
    panel = grade(exercise, path).extras["showcase"]
    assert panel["rows"][0]["yours"] is None and "(L, 2) array" in panel["problem"]
    assert exercise.cases[0].name in panel["call"]
