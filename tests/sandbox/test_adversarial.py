"""Hostile submissions (tests/adversarial/) each get 0 points, a clear message, bounded time, an intact grader."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from grader.results import Kind, Outcome
from grader.sandbox import launch
from grader.spec.catalog import exercise_paths, find_exercise
from grader.reports.html import render_html
from grader.grading.runner import grade

HERE = Path(__file__).resolve().parents[1]  # tests/
FILES = HERE / "adversarial"
REPO = HERE.parent
CASES = ("identity 1x1 kernel", "bias added per filter", "hidden padding larger than 1")
MARKER = "adv-leftover"
LOOPED = {Outcome.TIMEOUT, Outcome.NOT_RUN}
LOOPED_KINDS = {Kind.TIMEOUT, Kind.BUDGET, Kind.STOPPED}

# file -> (sandbox, outcomes every case may have, kinds, fragment of the first case's message, max seconds)
TABLE = {
    "lying_eq.py": ("standard", {Outcome.FAILED}, {Kind.TYPE}, "returned Liar", 8),
    "lying_ndarray_subclass.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "monkeypatch_numpy.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "monkeypatch_pytest_grader.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "sys_exit_import.py": ("standard", {Outcome.ERROR}, {Kind.IMPORT}, "raised SystemExit while it was being imported", 8),
    "os_exit_call.py": ("standard", {Outcome.ERROR}, {Kind.CRASH}, "exited with code 0", 8),
    "infinite_loop.py": ("standard", LOOPED, LOOPED_KINDS, "did not finish within 1 s", 10),
    "infinite_loop_signals_ignored.py": ("standard", LOOPED, LOOPED_KINDS, "did not finish", 10),
    "sleep_at_import.py": ("standard", {Outcome.TIMEOUT}, {Kind.IMPORT}, "Importing your file took longer than 2 s", 8),
    "memory_bomb.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "ran out of memory", 10),
    "output_flood.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 10),
    "html_injection.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised ValueError", 8),
    "bad_exception_text.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "could not be read", 8),
    "nan_output.py": ("standard", {Outcome.FAILED}, {Kind.NAN}, "contains NaN", 8),
    "giant_output.py": ("standard", {Outcome.FAILED}, {Kind.TYPE}, "far larger than expected", 10),
    "object_array.py": ("standard", {Outcome.FAILED}, {Kind.TYPE}, "dtype object", 8),
    "import_reference.py": ("standard", {Outcome.ERROR}, {Kind.IMPORT}, "'solutions' is not available", 8),
    "import_reference_lazily.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised ImportError", 8),
    "read_reference_by_path.py": ("strict", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised FileNotFoundError", 10),
    "damage_solutions.py": ("strict", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised RuntimeError", 10),
    "leave_children.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "kill_supervisor.py": ("standard", LOOPED, LOOPED_KINDS, "did not finish", 10),
    "infinite_recursion.py": ("standard", {Outcome.ERROR, *LOOPED}, {Kind.EXCEPTION, Kind.CRASH, *LOOPED_KINDS}, "", 10),
    "syntax_error.py": ("standard", {Outcome.ERROR}, {Kind.SYNTAX}, "syntax error on line 2", 8),
    "empty.py": ("standard", {Outcome.ERROR}, {Kind.MISSING}, "no function named 'conv2d'", 8),
    "wrong_signature.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised TypeError", 8),
    "mutate_inputs.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "forge_result.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised RuntimeError", 8),
    "stack_gc_walk.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "forge_reply_pipe.py": ("standard", {Outcome.ERROR}, {Kind.PROTOCOL}, "answers no request", 8),
    "forge_reply_header.py": ("standard", {Outcome.ERROR}, {Kind.PROTOCOL}, "error is malformed", 8),
    "poison_wire_modules.py": ("standard", {Outcome.ERROR}, {Kind.CRASH}, "answered the import with 'ok'", 8),
    "terminal_spoof.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised ValueError", 8),
    "html_exception_name.py": ("standard", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised <img src=x", 8),
    "exotic_dtypes.py": ("standard", {Outcome.FAILED}, {Kind.TYPE}, "dtype [('value', '<f8'), ('pass', '?')]", 8),
    "odd_arrays.py": ("standard", {Outcome.FAILED}, {Kind.SHAPE, Kind.VALUES}, "shape (65536, 0, 65536, 65536)", 8),
    "lying_subclass_methods.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "close_reply_fds.py": ("standard", {Outcome.ERROR}, {Kind.CRASH}, "stopped the worker process", 8),
    "interval_timer.py": ("standard", {Outcome.ERROR, Outcome.NOT_ATTEMPTED}, {Kind.CRASH, Kind.NOT_IMPLEMENTED}, "", 8),
    "background_noise.py": ("standard", {Outcome.FAILED}, {Kind.VALUES}, "values differ", 8),
    "read_grader_memory.py": ("root", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised PermissionError", 8),
    "write_outside.py": ("strict", {Outcome.ERROR}, {Kind.EXCEPTION}, "raised RuntimeError", 10),
    "signal_grader.py": ("strict", {Outcome.ERROR}, {Kind.EXCEPTION}, "stopped 0 processes", 10),
}
# Files a hostile submission may try to create outside its folder: none may exist after any run.
OUTSIDE = [REPO / "LEARNER_WAS_HERE", Path("/tmp/adv-learner-was-here"), Path("/dev/shm/adv-learner-was-here"),
           Path("/var/tmp/adv-learner-was-here")]


@pytest.fixture(scope="module")
def exercise():
    """exercise-2 cut down to three cases (two public, one hidden) with short limits, so the suite stays fast."""
    full = find_exercise("exercise-2")
    cases = tuple(case for case in full.cases if case.name in CASES)
    limits = dataclasses.replace(full.limits, case_seconds=1, total_seconds=4, import_seconds=2, memory_mb=512)
    return dataclasses.replace(full, cases=cases, limits=limits, misconceptions=())


def _solutions_digest() -> dict:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (REPO / "solutions").glob("*.py")}


def _live_processes() -> dict[int, tuple[str, int]]:
    """pid -> (command line, session id) for every live (non-zombie) process."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2:].split()
            if fields[0] not in "ZX":
                found[int(name)] = (cmdline, int(fields[3]))
    return found


def _submission(tmp_path: Path, name: str) -> Path:
    text = (FILES / name).read_text()
    text = text.replace("{REPO}", str(REPO)).replace("{RESULT}", str(tmp_path / "out" / "result.json"))
    path = tmp_path / "learner" / name
    path.parent.mkdir()
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(TABLE))
def test_hostile_submission_scores_zero_and_leaves_the_grader_intact(name, exercise, tmp_path, worker_pids):
    mode, outcomes, kinds, fragment, max_seconds = TABLE[name]
    if mode == "root":  # standard mode keeps this promise only when grading as root (capabilities dropped)
        if os.geteuid() != 0:
            pytest.skip("only root's workers lose capabilities; as a plain user, use strict mode")
        mode = "standard"
    if mode == "strict":
        try:
            launch.strict_prefix()
        except Exception as err:  # noqa: BLE001 - any failure to set strict up means "not on this machine"
            pytest.skip(f"strict sandbox unavailable: {err}")
    before = _solutions_digest()
    backup = {path: path.read_bytes() for path in (REPO / "solutions").glob("*.py")}
    started = time.monotonic()
    try:
        result = grade(exercise, _submission(tmp_path, name), sandbox=mode)
    finally:
        changed = [path for path, data in backup.items() if path.read_bytes() != data]
        for path in changed:  # never leave the shared repository damaged, even when the test fails
            path.write_bytes(backup[path])
    elapsed = time.monotonic() - started
    assert not changed and _solutions_digest() == before
    assert not [path for path in OUTSIDE if path.exists()]
    assert result.score == 0 and result.max_score == exercise.max_score
    assert {case.outcome for case in result.cases} <= outcomes, [(c.outcome, c.message) for c in result.cases]
    assert {case.kind for case in result.cases} <= kinds
    assert fragment in result.cases[0].message
    assert all(case.message for case in result.cases)
    assert elapsed < max_seconds
    assert result.sandbox == mode
    _assert_nothing_left(worker_pids)
    html = render_html(result)
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    for case in result.cases:
        assert len(case.output) <= exercise.limits.output_chars * 3 and len(case.message) < 3000


def _assert_nothing_left(worker_pids: list[int]) -> None:
    live = _live_processes()
    assert worker_pids, "the grader started no worker"
    assert not [cmd for cmd, _ in live.values() if MARKER in cmd and "pytest" not in cmd]
    assert not [pid for pid, (_, sid) in live.items() if sid in worker_pids]


def test_html_injection_is_escaped_in_the_report(exercise, tmp_path, worker_pids):
    result = grade(exercise, _submission(tmp_path, "html_injection.py"))
    public = result.cases[0]
    assert "<script>" in public.output and "<img src=x" in public.message  # the learner's text is kept, as text
    html = render_html(result)
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html and "<img src=x" not in html


def test_output_floods_are_truncated_with_a_note(exercise, tmp_path, worker_pids):
    result = grade(exercise, _submission(tmp_path, "output_flood.py"))
    output = result.cases[0].output
    assert output.startswith("spam spam") and "not shown" in output
    assert len(output) < exercise.limits.output_chars + 500


def test_forged_result_file_is_replaced_and_stays_replaced(exercise, tmp_path, worker_pids):
    from grader.reports.files import write_reports
    target = tmp_path / "out" / "result.json"
    target.parent.mkdir()
    result = grade(exercise, _submission(tmp_path, "forge_result.py"))
    write_reports(result, target, None)
    time.sleep(0.3)  # a leftover rewriter would have struck by now
    data = json.loads(target.read_text())
    assert data["score"] == 0 and data["max_score"] == exercise.max_score
    _assert_nothing_left(worker_pids)


def test_reference_sees_pristine_inputs_when_the_submission_mutates_them(exercise, tmp_path, worker_pids):
    # If the reference ran on the zeroed inputs, its answer would equal the learner's zeros (plus zeroed bias).
    result = grade(exercise, _submission(tmp_path, "mutate_inputs.py"))
    assert all(case.details.get("mismatches", 0) > 0 for case in result.cases)


def test_an_infinite_loop_is_stopped_by_the_whole_exercise_budget(exercise, tmp_path, worker_pids):
    many = dataclasses.replace(exercise, cases=find_exercise("exercise-2").cases[:10])
    many = dataclasses.replace(many, limits=dataclasses.replace(many.limits, total_seconds=3.5))
    started = time.monotonic()
    result = grade(many, _submission(tmp_path, "infinite_loop.py"))
    assert time.monotonic() - started < many.limits.total_seconds + 2
    assert result.count(Outcome.TIMEOUT) >= 1 and result.count(Outcome.NOT_RUN) >= 1 and result.score == 0
    _assert_nothing_left(worker_pids)


def test_default_limits_bound_any_submission_within_a_minute():
    # Every wait (import, calls) is capped by the exercise-wide deadline, so total_seconds bounds a run;
    # the measured overhead on top of it (spawn, kill, reports) is about 1.5 s on a busy 2-core machine,
    # so a budget of at most 50 s keeps every run inside the one-minute promise with room to spare.
    for path in exercise_paths():
        limits = find_exercise(path.stem).limits
        assert limits.total_seconds <= 50 and limits.case_seconds <= limits.total_seconds, path.name


def test_terminal_summary_shows_escape_sequences_as_text(exercise, tmp_path, worker_pids):
    from grader.reports.terminal import format_summary
    one = dataclasses.replace(exercise, cases=exercise.cases[:1])  # one failing case: its message is printed
    result = grade(one, _submission(tmp_path, "terminal_spoof.py"))
    assert "\x1b[32m" in result.cases[0].message  # the JSON and HTML keep the learner's exact text
    for color in (False, True):
        text = format_summary(result, color=color)
        learner_part = text.replace("\033[0m", "").replace("\033[1m", "").replace("\033[2m", "")
        for code in ("\033[31m", "\033[32m", "\033[33m"):
            learner_part = learner_part.replace(code, "")
        assert not [ch for ch in learner_part if ch in "\x1b\r\x07\x9b\u202e\u202c"], text
        assert "\\x1b[2K" in text and "\\u202e" in text  # shown, as escapes
        # the learner's "Score: 10/10" stays inside the indented message; only the grader's line starts with it
        scores = [line for line in learner_part.splitlines() if line.startswith("Score:")]
        assert scores == [f"Score: 0/{one.max_score:g} (0 of 1 cases passed)"]
