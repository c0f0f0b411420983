"""The sandboxed worker: timeouts, crashes, output floods, the time budget and the memory cap are all
learner outcomes with clear messages, and the cases after them still run."""

from __future__ import annotations

import os
import textwrap

import numpy as np
import pytest

from conftest import reference_source, strict_prefix_for
from grader.results import Kind, Outcome
from grader.grading.evaluate import Evaluator
from grader.sandbox import launch
from grader.sandbox.client import Worker
from grader.spec.loader import load_exercise
from grader.spec.model import Limits

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


# --- inputs the call changed ---------------------------------------------------------------------------------------
# One submission, one behaviour per `mode`; the worker compares every argument with a copy taken before the call.
CHANGES_INPUTS = textwrap.dedent("""
    import numpy as np

    def probe(x, params=None, mode="correct"):
        if mode == "set shape":
            x.shape = (x.shape[0], -1)
            return x
        if mode == "resize":
            x.resize((x.size,), refcheck=False)
            return x
        if mode == "set dtype":
            x.dtype = np.int64
            return x
        if mode == "relu in place":
            x[x < 0] = 0
            return x
        if mode == "add one":
            x += 1
            return x
        if mode == "write through a view":
            flat = x.reshape(-1)
            flat[3] = 7.0
            return flat.copy()
        if mode == "replace entry":
            params["w"] = params["w"] * 2
            return x
        if mode == "add and drop keys":
            params["extra"] = 1
            del params["b"]
            return x
        if mode == "write entry":
            params["w"][0, 1] = -4.0
            return x.copy()
        if mode == "wrong type too":
            x += 1
            return "not an array"
        if mode == "raises after writing":
            x[...] = 0
            raise ValueError("late")
        if mode == "reshape view":
            return x.reshape(len(x), -1)
        if mode == "asarray":
            return np.asarray(x)
        if mode == "nan stays nan":
            return x + 0
        if mode == "patched numpy":
            np.array_equal = np.allclose = lambda *args, **kwargs: True
            np.copy = np.asarray = lambda a, *args, **kwargs: a
            np.not_equal = np.isnan = np.count_nonzero = np.unravel_index = lambda *args, **kwargs: 0
            np.ndarray = object
            x[0, 0] = 5.0
            return x
        return x * 2
    """)
X = np.array([[-0.5, 1.0, 2.0], [3.0, -4.0, 5.0]])
MODES = ("correct", "set shape", "resize", "set dtype", "relu in place", "add one", "write through a view",
         "replace entry", "add and drop keys", "write entry", "wrong type too", "raises after writing",
         "reshape view", "asarray", "nan stays nan", "patched numpy")  # patched numpy last: it stays patched


def _mutation_worker(tmp_path, sandbox: str = "standard") -> Worker:
    path = tmp_path / "probe.py"
    path.write_text(CHANGES_INPUTS)
    return Worker(path, "probe", "array", Limits(case_seconds=5, total_seconds=60, import_seconds=15), sandbox)


def _call(worker: Worker, mode: str):
    x = X.copy()
    if mode == "nan stays nan":
        x[0, 0] = np.nan
    params = {"w": np.arange(4.0).reshape(2, 2), "b": np.zeros(2)}
    if mode == "set shape":  # by keyword: named by the worker itself
        return worker.call([], {"x": x.reshape(2, 1, 3), "mode": mode}, 5)
    return worker.call([x], {"params": params, "mode": mode}, 5)


@pytest.fixture(scope="module")
def mutation_replies(tmp_path_factory):
    with _mutation_worker(tmp_path_factory.mktemp("mutation")) as worker:
        return {mode: _call(worker, mode) for mode in MODES}


@pytest.mark.parametrize("mode, expected", [
    ("set shape", [{"name": "x", "path": [], "change": "shape", "before": [2, 1, 3], "after": [2, 3]}]),
    ("resize", [{"arg": 0, "path": [], "change": "shape", "before": [2, 3], "after": [6]}]),
    ("set dtype", [{"arg": 0, "path": [], "change": "dtype", "before": "float64", "after": "int64"}]),
    ("relu in place", [{"arg": 0, "path": [], "change": "values", "count": 2, "index": [1, 1], "was": -4.0,
                        "now": 0.0}]),
    ("write through a view", [{"arg": 0, "path": [], "change": "values", "count": 1, "index": [1, 0], "was": 3.0,
                               "now": 7.0}]),
    ("replace entry", [{"name": "params", "path": ["w"], "change": "replaced"}]),
    ("add and drop keys", [{"name": "params", "path": [], "change": "keys", "added": ["extra"], "removed": ["b"]}]),
    ("write entry", [{"name": "params", "path": ["w"], "change": "values", "count": 1, "index": [0, 1], "was": 1.0,
                      "now": -4.0}]),
    ("patched numpy", [{"arg": 0, "path": [], "change": "values", "count": 1, "index": [0, 0], "was": -0.5,
                        "now": 5.0}]),
])
def test_a_changed_input_is_reported_with_what_changed(mutation_replies, mode, expected):
    reply = mutation_replies[mode]
    assert reply.status == "ok", reply
    assert reply.header["mutated"] == expected


def test_every_value_of_an_input_written_over_is_counted(mutation_replies):
    reply = mutation_replies["add one"]
    [change] = reply.header["mutated"]
    assert (change["change"], change["count"]) == ("values", 6)
    assert change["now"] - change["was"] == 1.0
    np.testing.assert_array_equal(reply.arrays[0], X + 1)  # the output itself is unaffected


def test_a_call_that_returns_no_array_still_reports_its_changes(mutation_replies):
    reply = mutation_replies["wrong type too"]
    assert reply.status == "bad_output" and reply.header["mutated"][0]["change"] == "values"


@pytest.mark.parametrize("mode", ["correct", "reshape view", "asarray", "nan stays nan", "raises after writing"])
def test_inputs_left_as_they_were_are_not_reported(mutation_replies, mode):
    # a view of the input returned unwritten is no change; an exception's reply is not checked at all
    reply = mutation_replies[mode]
    assert reply.status == ("exception" if mode == "raises after writing" else "ok")
    assert "mutated" not in reply.header


def test_a_changed_input_is_reported_in_strict_mode_too(tmp_path, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for("bwrap", monkeypatch))
    with _mutation_worker(tmp_path, "strict") as worker:
        reply = _call(worker, "relu in place")
    assert reply.status == "ok" and reply.header["mutated"][0]["count"] == 2
