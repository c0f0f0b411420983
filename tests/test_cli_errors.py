"""Bad input to every command ends with a short message naming the path or option at fault and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import scaffold


def _refused(result, *fragments):
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "internal error" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


@pytest.fixture
def afile(tmp_path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a folder\n")
    return path


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_an_output_that_is_a_folder_is_refused_before_grading(workspace, run_cli, tmp_path, option):
    _refused(run_cli("exercise-2", option, tmp_path), option, str(tmp_path), "is a folder")
    assert not workspace.exists()  # refused before the starter was even written


def test_an_output_under_a_file_is_refused(workspace, run_cli, afile):
    _refused(run_cli("exercise-2", "--json", afile / "r.json"), "--json", str(afile))


@pytest.mark.parametrize("command", ["exercise", "start"])
def test_a_workspace_that_is_a_file_is_refused(run_cli, afile, command):
    _refused(run_cli(command, "exercise-2", "--workspace", afile), "--workspace", "is a file")
    assert afile.read_text() == "not a folder\n"


def test_file_system_errors_name_the_path_and_exit_2(workspace, run_cli, monkeypatch):
    from grader import learner

    def denied(args):
        raise PermissionError(13, "Permission denied", "/somewhere/report.json")
    monkeypatch.setattr(learner, "cmd_list", denied)
    _refused(run_cli("list"), "/somewhere/report.json", "Permission denied")


def test_release_into_a_file_is_refused(run_cli, afile):
    _refused(run_cli("release", afile), "OUTDIR", "is a file")


def test_new_refuses_to_write_into_an_installed_package(run_cli, monkeypatch, tmp_path):
    packaged = Path(scaffold.__file__).resolve().parent / "_course"
    monkeypatch.setattr(scaffold, "course_root", lambda: packaged)
    _refused(run_cli("new", "exercise-9", "--function", "avgpool2d"), "installed package", "checkout")
    assert not (packaged / "exercises" / "exercise-9.yaml").exists()


def test_validate_names_missing_paths_and_empty_folders(run_cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run_cli("validate", tmp_path / "missing.yaml", empty)
    assert code == 2
    assert f"FAIL {tmp_path / 'missing.yaml'}" in out and "no such file" in out
    assert f"{empty}: no .yaml files in this folder" in out


def test_validate_a_folder_checks_the_yaml_files_in_it(run_cli, tmp_path, repo):
    folder = tmp_path / "exercises"
    folder.mkdir()
    text = (repo / "exercises" / "exercise-4.yaml").read_text().replace("\nseed: ", "\nseed: abc #", 1)
    (folder / "exercise-4.yaml").write_text(text)
    code, out, _ = run_cli("validate", folder)
    line = text[:text.index("\nseed: abc")].count("\n") + 2
    assert code == 2 and f"exercise-4.yaml:{line}: 'seed' must be a whole number" in out


@pytest.mark.parametrize("options, fragment", [
    (["--shard", "0/2"], "--shard 0/2"), (["--shard", "3/2"], "--shard 3/2"), (["--shard", "x"], "K/N"),
    (["--jobs", "0"], "--jobs"), (["--jobs", "-1"], "--jobs")])
def test_batch_refuses_bad_options(run_cli, tmp_path, options, fragment):
    (tmp_path / "subs").mkdir()
    _refused(run_cli("batch", tmp_path / "subs", "--exercise", "exercise-2", "--out", tmp_path / "g", *options),
             fragment)


def test_batch_output_inside_the_submissions_or_a_file_is_refused(run_cli, tmp_path, afile):
    subs = tmp_path / "subs"
    subs.mkdir()
    _refused(run_cli("batch", subs, "--exercise", "exercise-2", "--out", subs / "graded"), "inside", str(subs))
    assert not (subs / "graded").exists()
    _refused(run_cli("batch", subs, "--exercise", "exercise-2", "--out", afile), "--out", "is a file")


def _batch_dir(path: Path, exercise: str) -> Path:
    (path / "learners").mkdir(parents=True)
    (path / "batch.json").write_text(json.dumps({"exercise": exercise, "seed": None}))
    return path


def test_merge_checks_every_folder_before_copying(run_cli, tmp_path):
    one, other = _batch_dir(tmp_path / "a", "exercise-2"), _batch_dir(tmp_path / "b", "exercise-3")
    (one / "learners" / "alice").mkdir()
    _refused(run_cli("merge", one, other, "--out", tmp_path / "m"), "exercise-2 (seed default)", "exercise-3")
    assert not (tmp_path / "m").exists()
    (other / "batch.json").write_text("{damaged")
    _refused(run_cli("merge", one, other, "--out", tmp_path / "m"), str(other / "batch.json"), "not a batch manifest")


def test_batch_explains_missing_files_without_tracebacks(tmp_path, repo):
    subs = tmp_path / "subs"
    (subs / "carol").mkdir(parents=True)
    (subs / "carol" / "a.py").write_text("x = 1\n")
    (subs / "carol" / "b.py").write_text("y = 2\n")
    (subs / "dave.py").symlink_to(tmp_path / "nowhere.py")
    env = dict(os.environ, PYTHONPATH=str(repo))
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(subs), "--exercise", "exercise-2", "--out",
                          str(tmp_path / "g"), "--jobs", "2"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    rows = {row["learner"]: row for row in json.loads((tmp_path / "g" / "gradebook.json").read_text())["rows"]}
    assert set(rows) == {"carol", "dave"} and {row["status"] for row in rows.values()} == {"no_submission"}
    assert "a.py, b.py" in rows["carol"]["summary"] and "exercise_2.py" in rows["carol"]["summary"]
    assert "dave.py could not be read" in rows["dave"]["summary"]


def test_gradescope_always_writes_results(tmp_path, capsys):
    from grader.gradescope import main
    results = tmp_path / "results" / "results.json"
    assert main(["--exercise", "exercise-2", "--submission", str(tmp_path / "none"), "--results", str(results)]) == 0
    written = json.loads(results.read_text())
    assert written["score"] == 0 and "exercise_2.py" in written["output"] and written["tests"]
    assert main(["--exercise", "nope", "--submission", str(tmp_path), "--results", str(results)]) == 2
    assert "misconfigured" in json.loads(results.read_text())["output"]
    assert "there is no exercise 'nope'" in capsys.readouterr().err


def test_a_submission_that_is_not_python_is_refused(workspace, run_cli, afile):
    _refused(run_cli("exercise-2", "--submission", afile), "--submission", "must be a Python file ending in .py")


def test_version_and_unknown_options(run_cli):
    from grader import __version__
    code, out, _ = run_cli("--version")
    assert code == 0 and __version__ in out
    code, _, err = run_cli("exercise-2", "--bogus")
    assert code == 2 and "--bogus" in err
