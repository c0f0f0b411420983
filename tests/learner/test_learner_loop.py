"""The learner loop: `grade list` progress, `grade hint` one at a time, `grade watch` re-grading on save."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import yaml

from conftest import REPO, reference_source
from grader.spec.loader import load_exercise
from grader.learner.next_step import next_step
from grader.learner.watch import FileWatcher
from grader.results import CaseResult, GradeResult, Outcome
from grader.workspace import Workspace


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A tiny course: exercise-2 cut to two public cases, a copy of it as exercise-3, one real quiz."""
    data = yaml.safe_load((REPO / "exercises" / "exercise-2.yaml").read_text())
    data["cases"] = [case for case in data["cases"] if case.get("visibility") != "hidden"][:2]
    (tmp_path / "course" / "exercises").mkdir(parents=True)
    shutil.copytree(REPO / "exercises" / "families", tmp_path / "course" / "exercises" / "families")
    (tmp_path / "course" / "quizzes").mkdir()
    for exercise_id in ("exercise-2", "exercise-3"):
        data["id"] = exercise_id
        (tmp_path / "course" / "exercises" / f"{exercise_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    shutil.copy(REPO / "quizzes" / "convolution.yaml", tmp_path / "course" / "quizzes")
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path / "course"))
    return tmp_path / "course"


def full_marks(exercise) -> GradeResult:
    cases = [CaseResult(case.name, case.points, Outcome.PASSED, points=case.points) for case in exercise.cases]
    return GradeResult(exercise.id, exercise.title, cases)


def list_rows(out: str) -> dict[str, list[str]]:
    """{id: [mark, id, score, title words...]} from the rows of `grade list` (the mark may be blank)."""
    rows = [[line[2], *line[4:].split()] for line in out.splitlines() if line.startswith("  ")]
    return {row[1]: row for row in rows}


# --- grade list ----------------------------------------------------------------------------------

def test_list_shows_scores_solved_marks_and_the_next_exercise(course, workspace, run_cli):
    exercises = {p.stem: load_exercise(p) for p in sorted((course / "exercises").glob("*.yaml"))}
    code, out, _ = run_cli("list")
    rows = list_rows(out)
    assert code == 0 and "Quizzes" in out and "convolution" in rows
    assert rows["exercise-2"][0] == "→" and rows["exercise-2"][2] == f"-/{exercises['exercise-2'].max_score:g}"
    assert "Next: `grade start exercise-2`." in out

    Workspace().record(full_marks(exercises["exercise-2"]))
    rows = list_rows(run_cli("list")[1])
    total = exercises["exercise-2"].max_score
    assert rows["exercise-2"][0] == "✓" and rows["exercise-2"][2] == f"{total:g}/{total:g}"
    assert rows["exercise-3"][0] == "→"

    Workspace().record(full_marks(exercises["exercise-3"]))
    out = run_cli("list")[1]
    assert "Every exercise is solved" in out and "`grade quiz convolution`" in out


def _list_next(run_cli) -> str:
    return next(line for line in run_cli("list")[1].splitlines() if line.startswith("Next: "))


def test_after_solving_and_in_the_list_the_next_step_is_the_same(course, workspace, run_cli):
    """Solving exercise-3 first: both say exercise-2 (the first unsolved), `start` until its file exists."""
    later = load_exercise(course / "exercises" / "exercise-3.yaml")
    result = full_marks(later)
    Workspace().record(result)
    advice = next_step(result, later, Workspace())
    assert advice == "Solved! Next: `grade start exercise-2`." and _list_next(run_cli) == "Next: `grade start exercise-2`."
    assert run_cli("start", "exercise-2")[0] == 0
    advice = next_step(result, later, Workspace())
    assert advice == "Solved! Next: `grade exercise-2`." and _list_next(run_cli) == "Next: `grade exercise-2`."
    Workspace().record(full_marks(load_exercise(course / "exercises" / "exercise-2.yaml")))
    assert "last unsolved exercise" in next_step(result, later, Workspace())


def test_list_survives_a_broken_definition(course, workspace, run_cli):
    (course / "exercises" / "exercise-4.yaml").write_text("schema_version: 1\nid: exercise-4\n")
    code, out, _ = run_cli("list")
    rows = list_rows(out)
    assert code == 0 and "exercise-2" in rows
    assert "exercise-4" in rows and "cannot be loaded" in out and "exercise-4.yaml" in out


# --- grade hint ----------------------------------------------------------------------------------

def test_hints_come_one_at_a_time_and_are_remembered(workspace, run_cli):
    hints = load_exercise(REPO / "exercises" / "exercise-2.yaml").hints
    assert len(hints) >= 2
    for number, text in enumerate(hints, start=1):
        code, out, _ = run_cli("hint", "exercise-2")
        assert code == 0
        assert f"Hint {number} of {len(hints)} for exercise-2:" in out
        assert " ".join(out.split()).count(" ".join(text.split())) == 1
        assert (f"`grade hint exercise-2` shows hint {number + 1}." in out) == (number < len(hints))
        assert Workspace().entry("exercise-2")["hints_seen"] == number
    code, out, _ = run_cli("hint", "exercise-2")
    assert f"You have seen all {len(hints)} hints" in out and " ".join(hints[-1].split()) in " ".join(out.split())
    assert Workspace().entry("exercise-2")["hints_seen"] == len(hints)


def test_hint_n_shows_an_earlier_hint_again_and_all_shows_every_hint(workspace, run_cli):
    hints = load_exercise(REPO / "exercises" / "exercise-2.yaml").hints
    flat = lambda text: " ".join(text.split())  # noqa: E731 - hints are wrapped on the terminal
    run_cli("hint", "exercise-2")
    run_cli("hint", "exercise-2")
    code, out, _ = run_cli("hint", "exercise-2", "1")
    assert code == 0 and f"Hint 1 of {len(hints)} for exercise-2:" in out and flat(hints[0]) in flat(out)
    assert Workspace().entry("exercise-2")["hints_seen"] == 2  # looking back does not lose your place
    code, out, _ = run_cli("hint", "exercise-2", "--all")
    assert code == 0 and all(flat(text) in flat(out) for text in hints)
    assert [f"Hint {n} of {len(hints)}" in out for n in range(1, len(hints) + 1)] == [True] * len(hints)
    assert Workspace().entry("exercise-2")["hints_seen"] == len(hints)


@pytest.mark.parametrize("args, fragment", [
    (["0"], "give a number from 1 to {n}"), (["{past}"], "give a number from 1 to {n}"),
    (["2", "--all"], "not both"), (["two"], "invalid int value")])
def test_a_hint_number_out_of_range_is_a_usage_error(workspace, run_cli, args, fragment):
    count = len(load_exercise(REPO / "exercises" / "exercise-2.yaml").hints)
    code, out, err = run_cli("hint", "exercise-2", *(arg.format(past=count + 1) for arg in args))
    assert code == 2 and fragment.format(n=count) in err and "Hint" not in out
    assert Workspace().entry("exercise-2").get("hints_seen") is None


def test_hint_for_an_unknown_exercise_is_a_usage_error(workspace, run_cli):
    code, _, err = run_cli("hint", "exercise-99")
    assert code == 2 and "there is no exercise 'exercise-99'" in err


# --- grade watch ---------------------------------------------------------------------------------

def test_file_watcher_waits_for_a_save_to_settle_and_for_a_missing_file(tmp_path):
    path = tmp_path / "learner.py"
    path.write_text("a = 1\n")
    watcher = FileWatcher(path)
    assert not watcher.poll()  # nothing changed
    path.write_text("a = 22\n")
    assert not watcher.poll() and watcher.poll()  # the change counts once it holds for two polls
    assert not watcher.poll()  # ... and only once
    path.unlink()
    assert not watcher.poll() and not watcher.poll() and watcher.missing_polls == 2
    path.write_text("a = 333\n")
    assert not watcher.poll() and watcher.poll() and watcher.missing_polls == 0


def test_watch_says_save_where_it_means_grade_again(course, workspace, run_cli, monkeypatch):
    """One round on the untouched starter, then Ctrl-C during the first wait."""
    from types import SimpleNamespace

    from grader.learner import watch

    def interrupt(seconds):
        raise KeyboardInterrupt
    monkeypatch.setattr(watch, "time", SimpleNamespace(sleep=interrupt))  # the grader's own waits still work
    code, out, _ = run_cli("watch", "exercise-2")
    assert code == 0 and "Not implemented yet" in out and "Stopped watching." in out
    assert "then save to grade again." in out  # the starter message and the not-implemented one
    assert out.count("grade again") == out.count("save to grade again") + out.count("save it to grade again")


def test_watch_regrades_on_save_and_stops_cleanly_on_ctrl_c(course, tmp_path):
    space = tmp_path / "space"
    submission = Workspace(space).submission_path("exercise-2")
    submission.parent.mkdir(parents=True)
    submission.write_text(reference_source("conv"))
    env = dict(os.environ, PYTHONPATH=str(REPO), CNN_GRADER_WORKSPACE=str(space), NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", "exercise-2", "--interval", "0.05"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()

    def wait_for_rounds(count: int) -> None:
        deadline = time.monotonic() + 60
        while sum("Watching" in line for line in lines) < count:
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines) + proc.stderr.read()
            time.sleep(0.05)

    try:
        wait_for_rounds(1)
        submission.unlink()  # an editor that writes a new file and renames it: briefly no file at all
        time.sleep(0.3)
        submission.write_text(reference_source("conv") + "\n_ok = conv2d\n\ndef conv2d(x, weight, bias=None, "
                              "stride=1, padding=0):\n    return _ok(x, weight[..., ::-1, ::-1], bias, stride, padding)\n")
        wait_for_rounds(2)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    out = "".join(lines)
    assert out.count("re-graded at") == 1 and "Solved!" in out and "Stopped watching." in out
    entry = Workspace(space).entry("exercise-2")
    maximum = load_exercise(course / "exercises" / "exercise-2.yaml").max_score
    assert entry["attempts"] == 2 and entry["best_score"] == maximum and entry["last_score"] < maximum
    assert "Traceback" not in proc.stderr.read()
