"""Golden files: what the grader writes for fixed submissions and a fixed seed, byte for byte (timings and temporary
paths masked). A refactoring must leave every file unchanged; a deliberate change of output regenerates them with
`GRADER_GOLDEN_UPDATE=1 python -m pytest tests/reports/test_golden.py` and shows up in review as a diff of tests/golden/."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import reference_source

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("GRADER_GOLDEN_UPDATE") == "1"
SEED = "0"

CONV_FLIPPED = reference_source("conv") + '''

_reference_conv2d = conv2d


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _reference_conv2d(x, weight[:, :, ::-1, ::-1], bias, stride, padding)  # the known mistake: flipped
'''
POOL_ZERO_PAD = '''import numpy as np


def maxpool2d(x, kernel_size, stride=None, padding=0):
    stride = kernel_size if stride is None else stride
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))  # zeros: the known mistake
    n, c, h, w = x.shape
    oh, ow = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out
'''
CRASHING = '''import numpy as np


def {function}(x, *args, **kwargs):
    scale = np.ones(3)
    return x * scale[:, None]  # broadcasting error on every input
'''
TIMING_OUT = '''def {function}(*args, **kwargs):
    while True:
        pass
'''
SUBMISSIONS = {  # exercise -> {name: source}; "starter" is the exercise's own starter
    "exercise-2": {"correct": reference_source("conv"), "mistake": CONV_FLIPPED,
                   "crash": CRASHING.format(function="conv2d"), "timeout": TIMING_OUT.format(function="conv2d")},
    "exercise-3": {"correct": reference_source("pool"), "mistake": POOL_ZERO_PAD,
                   "crash": CRASHING.format(function="maxpool2d")},
}
QUIZ_ANSWERS = """quiz: convolution
q1-kernel-slides: 2
q3-one-value-per-position: false
q5-feature-map-name: feature map
"""


def _masked(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    text = re.sub(r'("(?:execution_time|duration|seconds|time|elapsed)": )[0-9.e+-]+', r"\1<t>", text)
    text = re.sub(r'(time=")[0-9.]+(")', r"\1<t>\2", text)  # JUnit
    return text


def _check(name: str, produced: Path, tmp: Path) -> None:
    text = _masked(produced.read_text(encoding="utf-8"), tmp)
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}: run with GRADER_GOLDEN_UPDATE=1 once"
    assert text == golden.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def _starter(exercise_id: str) -> str:
    from grader.spec.catalog import find_exercise
    return find_exercise(exercise_id).starter


@pytest.mark.parametrize("exercise_id,kind", [(e, k) for e in SUBMISSIONS for k in ("starter", *SUBMISSIONS[e])])
def test_exercise_results_are_unchanged(exercise_id, kind, tmp_path, workspace, run_cli):
    source = _starter(exercise_id) if kind == "starter" else SUBMISSIONS[exercise_id][kind]
    submission = tmp_path / f"{exercise_id.replace('-', '_')}.py"
    submission.write_text(source, encoding="utf-8")
    code, _, _ = run_cli(exercise_id, "--submission", submission, "--seed", SEED, "--json", tmp_path / "r.json",
                         "--html", tmp_path / "r.html", "--sandbox", "standard")
    assert code == (0 if kind == "correct" else 1)
    _check(f"{exercise_id}-{kind}.json", tmp_path / "r.json", tmp_path)


def test_quiz_result_is_unchanged(tmp_path, workspace, run_cli):
    answers = tmp_path / "answers.yaml"
    answers.write_text(QUIZ_ANSWERS, encoding="utf-8")
    code, _, _ = run_cli("quiz", "convolution", "--answers", answers, "--seed", SEED, "--json", tmp_path / "q.json")
    assert code == 1  # most questions are left unanswered
    _check("quiz-convolution.json", tmp_path / "q.json", tmp_path)


def test_batch_gradebook_is_unchanged(tmp_path, workspace, run_cli):
    submissions = tmp_path / "submissions"
    for learner, kind in (("ada", "correct"), ("bo", "mistake"), ("cy", "starter")):
        folder = submissions / learner
        folder.mkdir(parents=True)
        source = _starter("exercise-2") if kind == "starter" else SUBMISSIONS["exercise-2"][kind]
        (folder / "exercise_2.py").write_text(source, encoding="utf-8")
    out = tmp_path / "graded"
    run_cli("batch", submissions, "--exercise", "exercise-2", "--out", out, "--seed", SEED, "--jobs", "1",
            "--sandbox", "standard")  # the default, strict, names the tool: fixed here so the files match anywhere
    for name in ("gradebook.csv", "gradebook.json", "junit.xml"):
        _check(f"batch-{name}", out / name, tmp_path)


def test_gradescope_results_are_unchanged(tmp_path, workspace):
    from grader.gradescope import run_autograder
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "exercise_2.py").write_text(SUBMISSIONS["exercise-2"]["mistake"], encoding="utf-8")
    results = tmp_path / "results" / "results.json"
    results.parent.mkdir()
    run_autograder("exercise-2", submission, results, sandbox="standard")
    _check("gradescope-results.json", results, tmp_path)
    json.loads(results.read_text(encoding="utf-8"))
    shutil.rmtree(submission)
