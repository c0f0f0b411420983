"""`grade batch` over several exercises: a folder per exercise under --out, one class report over all of them with
a section per exercise and the learner x exercise table; resume, merge and `grade insights` of such a folder."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import tiny_flatten_yaml, use_course, write_files

from grader.batch.command import Progress

TINY = tiny_flatten_yaml(case_seconds=0.5, total_seconds=2)
AGAIN = TINY.replace("id: tiny-flatten", "id: tiny-again")
CORRECT = "import numpy as np\n\ndef flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"
WRONG = "def flatten(x, start_dim=1):\n    return x.reshape(-1)\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    use_course(tmp_path, monkeypatch, {"tiny-flatten": TINY, "tiny-again": AGAIN})
    return tmp_path


def write(files: dict[str, str], root: Path) -> Path:
    return write_files(root, files)


def summary(out: Path) -> dict:
    return json.loads((out / "class-summary.json").read_text())


def test_repeated_exercise_grades_each_learner_folder_once_per_exercise(course, run_cli):
    subs = write({"ana/tiny_flatten.py": CORRECT, "ana/tiny_again.py": WRONG,
                  "ben/tiny_flatten.py": WRONG}, course / "subs")  # ben never wrote tiny_again.py
    out = course / "out"
    code, stdout, _ = run_cli("batch", subs, "--exercise", "tiny-flatten", "--exercise", "tiny-again",
                              "--out", out, "--jobs", "1", "--sandbox", "standard")
    assert code == 0
    for exercise in ("tiny-flatten", "tiny-again"):  # each exercise is a complete one-exercise batch folder
        assert json.loads((out / exercise / "batch.json").read_text())["exercise"] == exercise
        assert (out / exercise / "gradebook.csv").is_file() and (out / exercise / "class-report.html").is_file()
    data = summary(out)
    assert data["exercises"] == ["tiny-flatten", "tiny-again"]
    assert [section["exercise"] for section in data["sections"]] == ["tiny-flatten", "tiny-again"]
    table = {row["learner"]: row["results"] for row in data["table"]}
    assert table["ana"]["tiny-flatten"]["status"] == "passed"
    assert table["ana"]["tiny-again"]["status"] == "zero"
    assert table["ana"]["tiny-again"]["report"] == "tiny-again/learners/ana/report.html"
    # ben's only file is named for the other exercise: never graded as this one
    assert table["ben"]["tiny-again"]["no_usable_file"] is True
    page = (out / "class-report.html").read_text()
    assert "Learners × exercises" in page and 'href="tiny-again/learners/ana/report.html"' in page
    assert "no file" in page
    assert "Class report over 2 exercises" in stdout
    peak = re.search(r"Memory: each grading process peaked at (\d+) MiB or less", stdout)
    assert peak and 20 < int(peak.group(1)) < 400  # NumPy, pytest and Jinja2 loaded: tens of MiB, not gigabytes


def test_a_folder_per_exercise_needs_no_exercise_option(course, run_cli):
    subs = write({"tiny-again/cleo.py": CORRECT, "tiny-flatten/cleo.py": CORRECT, "tiny-flatten/dan.py": WRONG},
                 course / "subs")
    out = course / "out"
    code, _, _ = run_cli("batch", subs, "--out", out, "--jobs", "1", "--sandbox", "standard")
    assert code == 0
    data = summary(out)
    assert sorted(data["exercises"]) == ["tiny-again", "tiny-flatten"]
    table = {row["learner"]: row["results"] for row in data["table"]}
    assert table["dan"]["tiny-again"] is None  # no entry at all in that exercise's folder
    assert table["cleo"]["tiny-again"]["status"] == table["cleo"]["tiny-flatten"]["status"] == "passed"


def test_without_an_exercise_or_exercise_folders_it_asks_which(course, run_cli):
    subs = write({"ana.py": CORRECT}, course / "subs")
    code, _, err = run_cli("batch", subs, "--out", course / "out")
    assert code == 2 and "--exercise ID" in err and "one folder per exercise" in err


def test_a_later_run_adds_an_exercise_and_the_report_covers_both(course, run_cli):
    subs = write({"ana/tiny_flatten.py": CORRECT, "ana/tiny_again.py": CORRECT}, course / "subs")
    out = course / "out"
    run_cli("batch", subs, "--exercise", "tiny-flatten", "--exercise", "tiny-again", "--out", out, "--jobs", "1",
            "--sandbox", "standard")
    (out / "class-summary.json").unlink()
    code, stdout, _ = run_cli("batch", subs, "--exercise", "tiny-again", "--exercise", "tiny-flatten", "--out", out,
                              "--jobs", "1", "--sandbox", "standard")
    assert code == 0 and "2 already graded" not in stdout and "1 already graded" in stdout
    assert summary(out)["exercises"] == ["tiny-flatten", "tiny-again"]  # the manifest's order stays


def test_one_exercise_and_several_never_share_an_out_folder(course, run_cli):
    subs = write({"ana/tiny_flatten.py": CORRECT, "ana/tiny_again.py": CORRECT}, course / "subs")
    single, several = course / "single", course / "several"
    assert run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", single, "--jobs", "1",
                   "--sandbox", "standard")[0] == 0
    code, _, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--exercise", "tiny-again", "--out", single)
    assert code == 2 and "holds a batch of tiny-flatten" in err
    assert run_cli("batch", subs, "--exercise", "tiny-flatten", "--exercise", "tiny-again", "--out", several,
                   "--jobs", "1", "--sandbox", "standard")[0] == 0
    code, _, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", several)
    assert code == 2 and "holds a batch of tiny-flatten, tiny-again" in err


def test_shards_of_several_exercises_merge_into_the_same_report(course, run_cli):
    subs = write({f"{name}/tiny_flatten.py": CORRECT for name in ("ana", "ben", "cleo", "dan")} |
                 {f"{name}/tiny_again.py": WRONG for name in ("ana", "ben", "cleo", "dan")}, course / "subs")
    both = ("--exercise", "tiny-flatten", "--exercise", "tiny-again", "--jobs", "1", "--sandbox", "standard")
    whole, parts = course / "whole", [course / "part1", course / "part2"]
    assert run_cli("batch", subs, "--out", whole, *both)[0] == 0
    for k, part in enumerate(parts, start=1):
        assert run_cli("batch", subs, "--out", part, "--shard", f"{k}/2", *both)[0] == 0
    merged = course / "merged"
    code, stdout, _ = run_cli("merge", *parts, "--out", merged)
    assert code == 0 and "Class report over 2 exercises" in stdout
    expected, found = summary(whole), summary(merged)
    assert found["table"] == expected["table"]
    assert [s["scores"] for s in found["sections"]] == [s["scores"] for s in expected["sections"]]


def test_insights_rebuilds_every_exercise_or_the_one_named(course, run_cli):
    subs = write({"ana/tiny_flatten.py": CORRECT, "ana/tiny_again.py": WRONG}, course / "subs")
    out = course / "out"
    run_cli("batch", subs, "--exercise", "tiny-flatten", "--exercise", "tiny-again", "--out", out, "--jobs", "1",
            "--sandbox", "standard")
    for path in (out / "class-report.html", out / "tiny-again" / "class-report.html",
                 out / "tiny-flatten" / "class-report.html"):
        path.unlink()
    code, _, _ = run_cli("insights", out, "--exercise", "tiny-again")
    assert code == 0
    assert (out / "tiny-again" / "class-report.html").is_file() and (out / "class-report.html").is_file()
    assert not (out / "tiny-flatten" / "class-report.html").exists()
    assert run_cli("insights", out)[0] == 0 and (out / "tiny-flatten" / "class-report.html").is_file()
    code, _, err = run_cli("insights", out, "--exercise", "exercise-2")
    assert code == 2 and "not one of them" in err


def test_a_hand_edited_manifest_cannot_point_outside_the_folder(course, run_cli):
    out = course / "out"
    out.mkdir()
    (out / "batch.json").write_text(json.dumps({"exercises": ["../../etc"], "seed": None}))
    code, _, err = run_cli("insights", out)
    assert code == 2 and "not a batch manifest" in err


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_in_a_log_is_one_plain_line_per_learner_with_rate_and_time_left():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(4, stream, clock=clock)
    progress.prefix = "exercise-2 "
    clock.now += 2
    progress("ana", "passed")
    clock.now += 2
    progress("ben", "zero")
    lines = stream.getvalue().splitlines()
    assert lines == ["[1/4] exercise-2 ana: passed (30.0 learners/min, 6s left)",
                     "[2/4] exercise-2 ben: zero (30.0 learners/min, 4s left)"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_redraws_one_bar():
    stream, clock = Terminal(), Clock()
    progress = Progress(300, stream, clock=clock)
    clock.now += 10
    for index in range(100):
        progress(f"learner{index}", "passed")
    progress.close()
    text = stream.getvalue()
    assert "\n" not in text[:-1] and text.endswith("\n")  # redrawn in place, one newline at the end
    last = text.rsplit("\r", 1)[1]
    assert "100/300" in last and "10.0 learners/s" in last and "20s left" in last
    assert "[##########" + "." * 20 + "]" in last
