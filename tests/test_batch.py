"""`grade batch` and `grade merge` end to end on a tiny course: isolation, resume, shards, interrupts, gradebooks."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

TINY = """schema_version: 1
id: tiny-flatten
title: "flatten: one row per sample"
concept: "Merge every axis after the first into one."
entry_point: {name: flatten, signature: "flatten(x, start_dim=1)"}
starter: |
  def flatten(x, start_dim=1):
      raise NotImplementedError
reference: solutions.flatten
limits: {case_seconds: 0.3, total_seconds: 1, import_seconds: 3, memory_mb: 512}
misconceptions:
  - {name: batch flattened too, explanation: "keep axis 0.", reference: solutions.misconceptions.flatten_batch_too}
cases:
  - name: small batch
    args: {x: {shape: [2, 3, 2]}}
  - name: worth two
    points: 2
    args: {x: {shape: [3, 2, 2, 2]}}
  - name: hidden large
    visibility: hidden
    args: {x: {shape: [4, 5, 6]}}
"""

CORRECT = "import numpy as np\n\ndef flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"
LEARNERS = {
    "alice.py": CORRECT,
    "bob.py": "def flatten(x, start_dim=1):\n    return x.reshape(-1)\n",
    "carol.py": "import os\nos._exit(7)\n",
    "dan.py": "def flatten(x, start_dim=1):\n    while True:\n        pass\n",
    "erin/tiny_flatten.py": CORRECT,
    "frank/notes.txt": "forgot the code",
}
POINTS = {"small batch": 1, "worth two": 2, "hidden large": 1}


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    (root / "exercises").mkdir(parents=True)
    (root / "exercises" / "tiny-flatten.yaml").write_text(TINY)
    monkeypatch.setenv("CNN_GRADER_COURSE", str(root))
    subs = tmp_path / "subs"
    for name, text in LEARNERS.items():
        (subs / name).parent.mkdir(parents=True, exist_ok=True)
        (subs / name).write_text(text)
    return subs


def gradebook(out: Path) -> dict:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["learner"]: row for row in csv.DictReader(handle)}


def test_batch_grades_every_learner_on_its_own(course, tmp_path, run_cli):
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "2")
    assert code == 0, err
    book = gradebook(out)
    total = sum(POINTS.values())
    assert set(book) == {"alice", "bob", "carol", "dan", "erin", "frank"}
    for learner in ("alice", "erin"):
        assert book[learner]["status"] == "complete" and float(book[learner]["score"]) == total
    for learner in ("bob", "carol", "dan"):  # wrong answer, crash on import, endless loop
        assert book[learner]["status"] == "partial" and float(book[learner]["score"]) == 0
    assert book["frank"]["status"] == "no_submission"
    assert all(float(row["max_score"]) == total for row in book.values())
    assert {name: float(book["alice"][name]) for name in POINTS} == POINTS
    result = json.loads((out / "learners" / "bob" / "result.json").read_text())
    assert result["tests"][0]["details"].get("misconception") == "batch flattened too"
    gradescope = json.loads((out / "learners" / "bob" / "results.json").read_text())
    assert set(gradescope) == {"score", "execution_time", "output", "stdout_visibility", "tests"}
    assert (out / "learners" / "alice" / "report.html").read_text().startswith("<!")
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite.get("tests") == "6" and suite.get("failures") == "4" and suite.get("errors") == "0"
    summary = json.loads((out / "gradebook.json").read_text())
    assert summary["counts"] == {"complete": 2, "partial": 3, "no_submission": 1, "grader_error": 0}

    # Re-running skips everyone; a changed submission is graded again; --force re-grades all.
    stamp = (out / "learners" / "alice" / "result.json").stat().st_mtime_ns
    (course / "bob.py").write_text(CORRECT)
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 0 and "5 already graded, 1 to grade" in stdout
    assert gradebook(out)["bob"]["status"] == "complete"
    assert (out / "learners" / "alice" / "result.json").stat().st_mtime_ns == stamp
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--force", "--jobs", "2")
    assert code == 0 and "0 already graded, 6 to grade" in stdout


def test_shards_merge_into_the_single_machine_gradebook(course, tmp_path, run_cli):
    for name in ("carol.py", "dan.py"):  # slow or crashing learners add nothing to this test
        (course / name).unlink()
    whole, merged = tmp_path / "whole", tmp_path / "merged"
    assert run_cli("batch", course, "--exercise", "tiny-flatten", "--out", whole, "--jobs", "2")[0] == 0
    shards = []
    for k in (1, 2, 3):
        shards.append(tmp_path / f"shard{k}")
        assert run_cli("batch", course, "--exercise", "tiny-flatten", "--out", shards[-1], "--shard", f"{k}/3",
                       "--jobs", "1")[0] == 0
    per_shard = [set(gradebook(folder)) for folder in shards]
    assert sum(map(len, per_shard)) == 4 and set().union(*per_shard) == set(gradebook(whole))
    code, _, err = run_cli("merge", *shards, "--out", merged)
    assert code == 0, err
    for name in ("gradebook.csv", "gradebook.json"):
        assert (merged / name).read_text() == (whole / name).read_text()
    strip = lambda text: "\n".join(line.split(' time="')[0] for line in text.splitlines())  # noqa: E731
    assert strip((merged / "junit.xml").read_text()) == strip((whole / "junit.xml").read_text())
    code, _, err = run_cli("merge", shards[0], shards[0] / "learners", "--out", tmp_path / "bad")
    assert code == 2 and "not an output folder" in err


def test_a_grader_failure_is_recorded_and_retried(course, tmp_path, run_cli, monkeypatch):
    import grader.runner
    real = grader.runner.grade

    def flaky(exercise, submission, **kwargs):
        if "bob" in Path(submission).read_text() or Path(submission).name == "bob.py":
            raise RuntimeError("simulated grader bug")
        return real(exercise, submission, **kwargs)

    for name in ("carol.py", "dan.py", "erin", "frank"):
        path = course / name
        (path.unlink() if path.is_file() else __import__("shutil").rmtree(path))
    monkeypatch.setattr(grader.runner, "grade", flaky)
    out = tmp_path / "out"
    code, _, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 3 and "bob" in err
    assert gradebook(out)["bob"]["status"] == "grader_error"
    assert not (out / "learners" / "bob" / ".done").exists() and (out / "learners" / "alice" / ".done").exists()
    monkeypatch.setattr(grader.runner, "grade", real)
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 0 and "1 already graded, 1 to grade" in stdout and gradebook(out)["bob"]["status"] == "partial"


def test_usage_errors_name_the_problem(course, tmp_path, run_cli):
    code, _, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", tmp_path / "o", "--shard", "3/2")
    assert code == 2 and "K must be between 1 and N" in err
    code, _, err = run_cli("batch", tmp_path / "nowhere", "--exercise", "tiny-flatten", "--out", tmp_path / "o")
    assert code == 2 and "is not a folder" in err


def test_sigint_stops_cleanly_and_a_rerun_resumes(course, tmp_path, repo):
    for name in ("carol.py", "dan.py", "bob.py"):
        (course / name).unlink()
    slow = "import time\n\ndef flatten(x, start_dim=1):\n    time.sleep(0.1)\n    return x.reshape(len(x), -1)\n"
    for index in range(3):
        (course / f"slow{index}.py").write_text(slow)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(repo))
    command = [sys.executable, "-m", "grader", "batch", str(course), "--exercise", "tiny-flatten", "--out", str(out),
               "--jobs", "1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(out.glob("learners/*/.done")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Run the same command again" in err
    finished = len(list(out.glob("learners/*/.done")))
    assert 1 <= finished < 6
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{finished} already graded, {6 - finished} to grade" in rerun.stdout
    assert len(gradebook(out)) == 6 and gradebook(out)["slow0"]["status"] == "complete"


def test_gradescope_entry_always_writes_results(course, tmp_path):
    from grader.gradescope import main
    submission, results = tmp_path / "submission", tmp_path / "results" / "results.json"
    submission.mkdir()
    assert main(["--exercise", "tiny-flatten", "--submission", str(submission), "--results", str(results)]) == 0
    empty = json.loads(results.read_text())
    assert empty["score"] == 0 and "upload tiny_flatten.py" in empty["output"]
    (submission / "my_work.py").write_text(CORRECT)
    assert main(["--exercise", "tiny-flatten", "--submission", str(submission), "--results", str(results)]) == 0
    graded = json.loads(results.read_text())
    assert graded["score"] == sum(POINTS.values())
    assert [test["visibility"] for test in graded["tests"]] == ["visible", "visible", "hidden"]
