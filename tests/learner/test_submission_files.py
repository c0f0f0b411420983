"""A submission is a real file: links are refused (they could lead to the reference), reports are readable."""

from __future__ import annotations

import json
import os
import stat

from conftest import reference_source

from grader.gradescope import find_submission_file
from grader.results import write_atomic


def test_a_linked_submission_is_refused_even_when_it_points_at_a_correct_solution(tmp_path, run_cli, workspace):
    real = tmp_path / "elsewhere" / "reference.py"
    real.parent.mkdir()
    real.write_text(reference_source("conv"))
    link = tmp_path / "exercise_2.py"
    link.symlink_to(real)
    report = tmp_path / "r.json"
    code, out, err = run_cli("exercise-2", "--submission", link, "--json", report)
    result = json.loads(report.read_text())
    assert code == 1 and result["score"] == 0
    assert "symbolic link" in result["output"] and "Submit the file itself" in result["output"]
    assert "Traceback" not in out + err


def test_batch_does_not_follow_a_link_in_a_learner_folder(tmp_path, run_cli):
    real = tmp_path / "solution.py"
    real.write_text(reference_source("conv"))
    folder = tmp_path / "subs" / "mallory"
    folder.mkdir(parents=True)
    (folder / "exercise_2.py").symlink_to(real)
    code, out, err = run_cli("batch", tmp_path / "subs", "--exercise", "exercise-2", "--out", tmp_path / "graded",
                             "--jobs", "1")
    book = json.loads((tmp_path / "graded" / "gradebook.json").read_text())
    mallory = next(row for row in book["rows"] if row["learner"] == "mallory")
    assert code == 0 and mallory["score"] == 0 and "symbolic link" in mallory["summary"]
    assert "Traceback" not in out + err


def test_the_only_python_file_is_not_looked_for_through_linked_folders(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "answer.py").write_text("x = 1\n")
    learner = tmp_path / "learner"
    learner.mkdir()
    (learner / "linked").symlink_to(outside, target_is_directory=True)
    assert find_submission_file(learner, "exercise-2") is None
    (learner / "mine.py").write_text("x = 2\n")
    assert find_submission_file(learner, "exercise-2") == learner / "mine.py"


def test_results_and_reports_are_readable_by_others(tmp_path):
    path = tmp_path / "out" / "result.json"
    write_atomic(path, "{}")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & stat.S_IRGRP and mode & stat.S_IROTH and not mode & stat.S_IWOTH


def test_a_folder_given_as_the_submission_names_the_file_to_pass(tmp_path, run_cli, workspace):
    folder = tmp_path / "cnn-workspace"
    folder.mkdir()
    code, _, err = run_cli("exercise-2", "--submission", folder)
    assert code == 2 and f"--submission {folder} is a folder" in err and "holds no .py file" in err
    for name in ("notes.py", "draft.py"):
        (folder / name).write_text("x = 1\n")
    code, _, err = run_cli("exercise-2", "--submission", folder)
    assert code == 2 and f"e.g. --submission {folder / 'draft.py'} (the folder holds draft.py, notes.py)" in err
    (folder / "exercise_2.py").write_text("x = 1\n")
    code, _, err = run_cli("exercise-2", "--submission", folder)
    assert code == 2 and err.rstrip().endswith(f"give the file to grade: --submission {folder / 'exercise_2.py'}")
    assert "there is no file" not in err and not workspace.exists()
