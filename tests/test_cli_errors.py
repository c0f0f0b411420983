"""Bad input to every command ends with a short message naming the path or option at fault and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.learner import listing
from grader.reports import files as report_files
from grader import PACKAGE_DIR
from grader.instructor import new as scaffold


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
    def denied(**options):
        raise PermissionError(13, "Permission denied", "/somewhere/report.json")
    monkeypatch.setattr(listing, "list_progress", denied)
    _refused(run_cli("list"), "/somewhere/report.json", "Permission denied")


def test_release_into_a_file_is_refused(run_cli, afile):
    _refused(run_cli("release", afile), "OUTDIR", "is a file")


def test_new_refuses_to_write_into_an_installed_package(run_cli, monkeypatch, tmp_path):
    from grader.spec.course import Course
    packaged = PACKAGE_DIR / "_course"
    monkeypatch.setattr(scaffold, "current_course", lambda: Course(packaged, "installed copy"))
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
    shutil.copytree(repo / "exercises" / "families", folder / "families")  # the mistakes it inherits
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
    (subs / "erin.py").write_text("x = 1\n")  # one gradable file: a folder with none is a usage error (exit 2)
    env = dict(os.environ, PYTHONPATH=str(repo))
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(subs), "--exercise", "exercise-2", "--out",
                          str(tmp_path / "g"), "--jobs", "2"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    rows = {row["learner"]: row for row in json.loads((tmp_path / "g" / "gradebook.json").read_text())["rows"]}
    assert set(rows) == {"carol", "dave", "erin"} and {rows[name]["status"] for name in ("carol", "dave")} == {"error"}
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


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_an_output_no_file_can_be_made_in_is_refused_naming_the_users_path(workspace, run_cli):
    code, out, err = run_cli("exercise-2", "--json", "/proc/r.json")
    _refused((code, out, err), "--json /proc/r.json", "no file can be written in /proc")
    assert ".tmp" not in err and not workspace.exists()  # refused before anything was written or graded


def test_a_write_that_fails_late_names_the_users_path_not_a_temporary_file(workspace, run_cli, monkeypatch,
                                                                            tmp_path):
    def failing(path, text):
        raise OSError(30, "Read-only file system", str(path.parent / f".{path.name}.x1y2.tmp"))
    assert run_cli("start", "exercise-2")[0] == 0
    monkeypatch.setattr(report_files, "write_atomic", failing)
    target = tmp_path / "r.json"
    code, out, err = run_cli("exercise-2", "--json", target)
    _refused((code, out, err), f"cannot write {target} (Read-only file system)")
    assert ".tmp" not in err and "exercise-2" in out  # the summary was shown before the write failed


def _closed_pipe_run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run `grade ARGS` with its standard output a pipe nobody reads any more (like `grade list | head -0`)."""
    reader, writer = os.pipe()
    os.close(reader)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    try:
        return subprocess.run([sys.executable, "-m", "grader", *args], stdout=writer, stderr=subprocess.PIPE,
                              text=True, env=env, cwd=cwd, timeout=120)
    finally:
        os.close(writer)


@pytest.mark.parametrize("args", [["list"], ["hint", "exercise-2", "--all"]])
def test_a_closed_output_pipe_is_not_an_error(args, workspace):
    run = _closed_pipe_run(*args)
    assert run.returncode == 0 and run.stderr == "", run.stderr


def test_a_pipe_closed_when_the_command_is_done_keeps_its_exit_code(monkeypatch, capsys):
    """The usual case: output is buffered, so the closed pipe shows when it is flushed after the command ran."""
    from grader import cli

    class ClosedAtFlush:
        def write(self, text):
            return len(text)

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")
    monkeypatch.setattr(sys, "stdout", ClosedAtFlush())
    monkeypatch.setattr(cli, "_stdout_closed", lambda: True)
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    assert cli.main(["hint", "exercise-2", "99"]) == 2
    assert cli.main(["list"]) == 0


def test_a_command_cut_short_by_a_closed_pipe_ends_quietly_with_0(tmp_path):
    run = _closed_pipe_run("validate", str(tmp_path / "missing.yaml"))  # it flushes every line: stops at the first
    assert run.returncode == 0 and run.stderr == "", run.stderr


def test_a_broken_pipe_that_is_not_the_output_is_still_reported(run_cli, monkeypatch):
    def broken(**options):
        raise BrokenPipeError(32, "Broken pipe")
    monkeypatch.setattr(listing, "list_progress", broken)
    _refused(run_cli("list"), "Broken pipe")


@pytest.mark.parametrize("given", ["2", "EXERCISE-2", "exercise2", "ex2", "Exercise_2", "ex-2"])
def test_a_near_miss_exercise_id_gets_a_did_you_mean_and_exit_2(run_cli, workspace, given):
    _refused(run_cli(given), f"there is no exercise '{given}'. Did you mean 'exercise-2'?")
    _refused(run_cli("start", given), "Did you mean 'exercise-2'?")
    assert not workspace.exists()  # nothing was guessed or written


def test_a_quiz_id_given_as_an_exercise_points_to_grade_quiz(run_cli):
    _refused(run_cli("convolution"), "'convolution' is a quiz: `grade quiz convolution`")
    code, _, err = run_cli("no-such-thing")
    assert code == 2 and "Did you mean" not in err and "`grade list` shows them all" in err


def test_an_os_error_on_a_temporary_file_names_the_file_it_was_for(workspace, run_cli, monkeypatch):
    def failing(**options):  # what results.write_atomic raises when the folder refuses its temporary file
        raise OSError(2, "No such file or directory", "/somewhere/.r.json.k3j9x_2a.tmp")
    monkeypatch.setattr(listing, "list_progress", failing)
    code, out, err = run_cli("list")
    _refused((code, out, err), "cannot use /somewhere/r.json (No such file or directory)")
    assert ".tmp" not in err


def test_a_reader_that_leaves_early_never_costs_the_reports(tmp_path, workspace):
    """`grade exercise-2 | head -3`: the reports are written before anything is printed. Unbuffered output (-u)
    makes the first print meet the closed pipe, as a long summary does once it outgrows the pipe's buffer."""
    submission = tmp_path / "exercise_2.py"
    submission.write_text("def conv2d(x, weight, bias=None, stride=1, padding=0):\n    return None\n")
    reader, writer = os.pipe()
    os.close(reader)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    try:
        run = subprocess.run([sys.executable, "-u", "-m", "grader", "exercise-2", "--submission", str(submission),
                              "--sandbox", "standard", "--json", str(tmp_path / "r.json"),
                              "--html", str(tmp_path / "r.html")],
                             stdout=writer, stderr=subprocess.PIPE, text=True, env=env, timeout=120)
    finally:
        os.close(writer)
    assert run.stderr == "", run.stderr
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0
    assert "did you forget a `return`" in (tmp_path / "r.html").read_text().lower()


# --- the quick exit of `grade` (cli.run): exit handlers run, output is flushed, only the module tear-down is skipped

@pytest.mark.parametrize("submission, code", [("link", 1), ("correct", 0)])
def test_the_grade_command_exits_quickly_yet_cleans_up_and_flushes(tmp_path, repo, submission, code):
    from conftest import reference_source
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    target = tmp_path / "real.py"
    target.write_text(reference_source("conv"))
    path = tmp_path / "exercise_2.py"
    if submission == "link":  # unusable: graded without a worker, so the spare spawned ahead is never adopted
        path.symlink_to(target)
    else:
        path.write_text(target.read_text())
    env = dict(os.environ, PYTHONPATH=str(repo), TMPDIR=str(private_tmp), NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "grader", "exercise-2", "--submission", str(path), "--workspace",
                           str(tmp_path / "ws"), "--sandbox", "standard"], capture_output=True, text=True, env=env,
                          cwd=repo, timeout=120)
    assert done.returncode == code, done.stdout + done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith(("Stuck?", "Solved!", "Next", "All ")), done.stdout
    assert not list(private_tmp.glob("grade-worker-*"))  # the spare worker was ended and its folder removed
    assert json.loads((tmp_path / "ws" / "reports" / "exercise-2.json").read_text())["tests"]
