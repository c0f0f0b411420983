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
from conftest import tiny_flatten_yaml, use_course, write_files

TINY = tiny_flatten_yaml(case_seconds=0.3, total_seconds=1, full=True)

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
    use_course(tmp_path, monkeypatch, {"tiny-flatten": TINY})
    return write_files(tmp_path / "subs", LEARNERS)


def gradebook(out: Path) -> dict:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["learner"]: row for row in csv.DictReader(handle)}


PARTLY = "def flatten(x, start_dim=1):\n    return x.reshape(len(x), -1) if x.ndim == 3 else x.reshape(-1)\n"


def test_batch_grades_every_learner_on_its_own(course, tmp_path, run_cli):
    (course / "gina.py").write_text(PARTLY)  # right on 3-D inputs only
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "2")
    assert code == 0, err
    book = gradebook(out)
    total = sum(POINTS.values())
    assert set(book) == {"alice", "bob", "carol", "dan", "erin", "frank", "gina"}
    for learner in ("alice", "erin"):
        assert book[learner]["status"] == "passed" and float(book[learner]["score"]) == total
    for learner in ("bob", "carol", "dan"):  # wrong answer, crash on import, endless loop: graded, no points
        assert book[learner]["status"] == "zero" and float(book[learner]["score"]) == 0
    assert book["frank"]["status"] == "error" and float(book["frank"]["score"]) == 0  # no file: not graded
    gina = float(book["gina"]["score"])
    assert book["gina"]["status"] == "partial" and gina == sum(POINTS.values()) - POINTS["worth two"]
    assert all(float(row["max_score"]) == total for row in book.values())
    assert {name: float(book["alice"][name]) for name in POINTS} == POINTS
    result = json.loads((out / "learners" / "bob" / "result.json").read_text())
    assert result["tests"][0]["details"].get("misconception") == "batch flattened too"
    for learner in book:  # one file per kind of content: the data, the learner's report, the marker
        assert sorted(path.name for path in (out / "learners" / learner).iterdir()) == \
            [".done", "report.html", "result.json"]
    assert (out / "learners" / "alice" / "report.html").read_text().startswith("<!")
    summary = json.loads((out / "class-summary.json").read_text())  # the class report, from the results alone
    assert summary["learners"] == 7 and summary["scores"]["full_marks"] == 2
    assert "bob" in [who["id"] for mistake in summary["mistakes"] for who in mistake["learners"]]
    assert 'href="learners/bob/report.html"' in (out / "class-report.html").read_text()
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite.get("tests") == "7" and suite.get("failures") == "4" and suite.get("errors") == "1"
    failures = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}
    assert failures["bob"].get("message").startswith("zero: 0/4") and failures["alice"] is None
    assert failures["gina"].get("message").startswith(f"partial: {gina:g}/4")
    assert suite.find("testcase[@name='frank']/error").get("message").startswith("error: no usable file")
    summary = json.loads((out / "gradebook.json").read_text())
    assert summary["counts"] == {"passed": 2, "partial": 1, "zero": 3, "error": 1}
    assert "Learners: 2 passed, 1 partial, 3 zero, 1 error." in stdout and "no usable file: frank" in stdout

    # Re-running skips everyone; a changed submission is graded again; --force re-grades all.
    stamp = (out / "learners" / "alice" / "result.json").stat().st_mtime_ns
    (course / "bob.py").write_text(CORRECT)
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 0 and "6 already graded, 1 to grade" in stdout
    assert gradebook(out)["bob"]["status"] == "passed"
    assert (out / "learners" / "alice" / "result.json").stat().st_mtime_ns == stamp
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--force", "--jobs", "2")
    assert code == 0 and "0 already graded, 7 to grade" in stdout


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
    for name in ("gradebook.csv", "gradebook.json", "class-summary.json"):
        assert (merged / name).read_text() == (whole / name).read_text()
    strip = lambda text: "\n".join(line.split(' time="')[0] for line in text.splitlines())  # noqa: E731
    assert strip((merged / "junit.xml").read_text()) == strip((whole / "junit.xml").read_text())
    code, _, err = run_cli("merge", shards[0], shards[0] / "learners", "--out", tmp_path / "bad")
    assert code == 2 and "not an output folder" in err


def test_a_grader_failure_is_recorded_and_retried(course, tmp_path, run_cli, monkeypatch):
    import grader.grading.runner
    real = grader.grading.runner.grade

    def flaky(exercise, submission, **kwargs):
        if "bob" in Path(submission).read_text() or Path(submission).name == "bob.py":
            raise RuntimeError("simulated grader bug")
        return real(exercise, submission, **kwargs)

    for name in ("carol.py", "dan.py", "erin", "frank"):
        path = course / name
        (path.unlink() if path.is_file() else __import__("shutil").rmtree(path))
    monkeypatch.setattr(grader.grading.runner, "grade", flaky)
    out = tmp_path / "out"
    code, _, err = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 3 and "the grader failed for bob" in err
    assert gradebook(out)["bob"]["status"] == "error"
    assert ET.parse(out / "junit.xml").getroot().find("testsuite/testcase[@name='bob']/error").get("message") \
        .startswith("error: the grader failed")
    assert not (out / "learners" / "bob" / ".done").exists() and (out / "learners" / "alice" / ".done").exists()
    monkeypatch.setattr(grader.grading.runner, "grade", real)
    code, stdout, _ = run_cli("batch", course, "--exercise", "tiny-flatten", "--out", out, "--jobs", "1")
    assert code == 0 and "1 already graded, 1 to grade" in stdout and gradebook(out)["bob"]["status"] == "zero"


@pytest.mark.parametrize("entries, words", [
    ({}, ["is empty", "nothing to grade for tiny-flatten", "alice/tiny_flatten.py"]),
    ({"notes.txt": "x", "marks.csv": "y", ".hidden.py": CORRECT},
     ["holds 3 entries (.hidden.py, marks.csv, notes.txt), none a readable learner .py file or notebook "
      "(names starting with . or _ are skipped)"]),
    ({"bob/a.py": "x = 1", "bob/b.py": "y = 2", "carol/readme.md": "", "list.txt": ""},
     ["holds 2 learner folders (bob/, carol/), none with tiny_flatten.py or a single .py file or notebook",
      "; and 1 other entry (list.txt), none a readable learner .py file or notebook:"]),
])
def test_a_folder_with_nothing_to_grade_is_a_usage_error(course, tmp_path, run_cli, entries, words):
    subs = tmp_path / "empty"
    subs.mkdir()
    for name, text in entries.items():
        (subs / name).parent.mkdir(parents=True, exist_ok=True)
        (subs / name).write_text(text)
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", out)
    assert code == 2 and all(word in err for word in words), err
    assert not (out / "gradebook.csv").exists()


def test_a_shard_without_learners_still_writes_an_empty_gradebook(course, tmp_path, run_cli):
    subs = tmp_path / "one"
    subs.mkdir()
    (subs / "alice.py").write_text(CORRECT)
    from grader.batch.shards import in_shard
    empty_shard = next(k for k in (1, 2) if not in_shard("alice", k, 2))
    code, stdout, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", tmp_path / "o",
                                "--shard", f"{empty_shard}/2")
    assert code == 0, err
    assert "0 learner(s)" in stdout and gradebook(tmp_path / "o") == {}


@pytest.mark.parametrize("kinds, outcomes, points, status", [
    (["", ""], ["passed", "passed"], [1, 2], "passed"),
    (["", "values"], ["passed", "failed"], [1, 0], "partial"),
    (["values", "import"], ["failed", "error"], [0, 0], "zero"),
    (["file", "file"], ["not_run", "not_run"], [0, 0], "error"),  # no usable file: nothing ran
    (["", "internal"], ["passed", "error"], [1, 0], "error"),  # the grader failed on one case
])
def test_status_words_follow_the_result(kinds, outcomes, points, status):
    from grader.reports.gradebook import status_of
    from grader.results import CaseResult, GradeResult, Kind, Outcome
    cases = [CaseResult(f"case {i}", 1 + i, Outcome(outcome), got, kind=Kind(kind) if kind else "")
             for i, (kind, outcome, got) in enumerate(zip(kinds, outcomes, points))]
    assert status_of(GradeResult("ex", "title", cases)) == status


def test_older_result_files_are_read_with_todays_status_words(tmp_path):
    from grader.batch.outdir import read_rows
    from grader.results import CaseResult, GradeResult, Kind, Outcome
    result = GradeResult("ex", "title", [CaseResult("only", 1, Outcome.FAILED, kind=Kind.VALUES)])
    result.extras["batch"] = {"learner": "bob", "status": "partial"}  # what an older version wrote for 0 points
    (tmp_path / "learners" / "bob").mkdir(parents=True)
    (tmp_path / "learners" / "bob" / "result.json").write_text(result.to_json())
    assert [(row.learner, row.status) for row in read_rows(tmp_path)] == [("bob", "zero")]


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
    assert len(gradebook(out)) == 6 and gradebook(out)["slow0"]["status"] == "passed"


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
