"""The sandboxed worker: timeouts, crashes, output floods, the time budget and the memory cap are all
learner outcomes with clear messages, and the cases after them still run."""

from __future__ import annotations

import os
import textwrap

import pytest

from conftest import reference_source
from grader.results import Kind, Outcome
from grader.grading.evaluate import Evaluator
from grader.spec.loader import load_exercise

# The submission misbehaves according to the input's height, so one file covers every failure mode.
MISCHIEF = textwrap.dedent("""
    import ctypes, os, sys, time
    _good = conv2d

    def conv2d(x, weight, bias=None, stride=1, padding=0):
        height = x.shape[2]
        if height == 4:
            while True:
                pass
        if height == 5:
            sys.exit(3)
        if height == 6:
            os._exit(7)
        if height == 7:
            ctypes.string_at(0)
        if height == 8:
            for _ in range(20000):
                print("spam " * 20)
            os.write(1, b"raw " * 5000)
        if height == 9:
            big = np.ones(1 << 27)  # 1 GiB, twice the memory cap
            return big[:1]
        if height == 10:
            raise NotImplementedError("write conv2d here")
        if height == 11:
            time.sleep(30)
        return _good(x, weight, bias, stride, padding)
    """)

CASES = {"timeout": 4, "after timeout": 3, "sys exit": 5, "os exit": 6, "after os exit": 3, "segfault": 7,
         "after segfault": 3, "flood": 8, "memory": 9, "not implemented": 10}


def exercise_yaml(cases: dict, case_seconds: float, total_seconds: float) -> str:
    lines = ["schema_version: 1", "id: ex-w", "title: worker", "concept: misbehaviour",
             "entry_point: {name: conv2d, signature: 'conv2d(x, weight, bias=None, stride=1, padding=0)'}",
             "starter: 'def conv2d(x, weight): pass'", "reference: solutions.conv2d",
             f"limits: {{case_seconds: {case_seconds}, total_seconds: {total_seconds}, memory_mb: 512, output_chars: 500}}",
             "cases:"]
    for name, height in cases.items():
        lines += [f"  - name: {name}", "    args:", f"      x: {{shape: [1, 1, {height}, 3]}}",
                  "      weight: {shape: [1, 1, 1, 1]}"]
    return "\n".join(lines) + "\n"


def evaluator_for(tmp_path, cases: dict, case_seconds: float = 0.8, total_seconds: float = 60) -> Evaluator:
    definition = tmp_path / "ex-w.yaml"
    definition.write_text(exercise_yaml(cases, case_seconds, total_seconds))
    submission = tmp_path / "ex_w.py"
    submission.write_text(reference_source("conv") + MISCHIEF)
    return Evaluator(load_exercise(definition), submission)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every case of CASES graded once by one evaluator; with the worker's pid before and after each."""
    evaluator = evaluator_for(tmp_path_factory.mktemp("worker"), CASES)
    evaluator.start()
    results, pids = {}, {}
    try:
        for case in evaluator.exercise.cases:
            before = evaluator.worker.proc.pid if evaluator.worker.proc else None
            results[case.name] = evaluator.evaluate(case)
            pids[case.name] = (before, evaluator.worker.proc.pid if evaluator.worker.proc else None)
    finally:
        evaluator.close()
    return results, pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_timeout_is_marked_and_the_worker_replaced(graded):
    results, pids = graded
    timeout = results["timeout"]
    assert (timeout.outcome, timeout.kind, timeout.points) == (Outcome.TIMEOUT, Kind.TIMEOUT, 0.0)
    assert "did not finish within 0.8 s" in timeout.message
    assert 0.75 < timeout.duration < 3.0
    old, new = pids["timeout"][0], pids["after timeout"][1]
    assert old != new and not alive(old)  # the looping process was killed, a fresh one answered
    assert results["after timeout"].passed


def test_sys_exit_is_an_error_and_the_worker_survives(graded):
    results, pids = graded
    assert results["sys exit"].outcome == Outcome.ERROR
    assert "called sys.exit()" in results["sys exit"].message
    assert pids["sys exit"][0] == pids["sys exit"][1]


@pytest.mark.parametrize("name, detail", [("os exit", "exited with code 7"),
                                          ("segfault", "segmentation fault (SIGSEGV)")])
def test_hard_crashes_are_explained_and_the_next_case_runs(graded, name, detail):
    results, _ = graded
    crash = results[name]
    assert (crash.outcome, crash.kind) == (Outcome.ERROR, Kind.CRASH)
    assert detail in crash.message and "restarted it for the next case" in crash.message
    assert results[f"after {name}"].passed


def test_print_flood_is_truncated_with_a_visible_note(graded):
    results, _ = graded
    flood = results["flood"]
    assert flood.passed  # printing is allowed; it just is not all kept
    assert flood.output.startswith("spam spam")
    assert flood.output.rstrip().endswith("not shown]")  # the note says how much was left out
    assert len(flood.output) < 500 + 100  # output_chars is 500: about that much is kept, not 2 MB


def test_memory_cap_gives_a_memory_error_with_the_limit(graded):
    results, _ = graded
    memory = results["memory"]
    assert memory.outcome == Outcome.ERROR
    assert "ran out of memory (the limit is 512 MB)" in memory.message


def test_not_implemented_means_not_attempted(graded):
    results, _ = graded
    untouched = results["not implemented"]
    assert (untouched.outcome, untouched.kind) == (Outcome.NOT_ATTEMPTED, Kind.NOT_IMPLEMENTED)
    assert "Not implemented yet" in untouched.message and "ex_w.py" in untouched.message


def test_the_time_budget_marks_what_did_not_run(tmp_path):
    cases = {"quick": 3, "sleeps": 11, "never reached": 3, "nor this": 3}
    evaluator = evaluator_for(tmp_path, cases, case_seconds=20, total_seconds=1.0)
    evaluator.start()
    try:
        results = [evaluator.evaluate(case) for case in evaluator.exercise.cases]
    finally:
        evaluator.close()
    assert [r.outcome for r in results] == [Outcome.PASSED, Outcome.NOT_RUN, Outcome.NOT_RUN, Outcome.NOT_RUN]
    assert "time budget ran out during this case" in results[1].message
    assert all("time budget (1 s) was used up" in r.message for r in results[2:])
    assert sum(r.points for r in results) == 1.0
