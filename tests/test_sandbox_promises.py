"""The promises of docs/security.md that need more than a hostile submission: environment, wire limits, modes."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import results as R
from grader import isolation, sandbox
from grader.exercise import find_exercise
from grader.runner import grade

REPO = Path(__file__).resolve().parent.parent
SHOW_ENVIRONMENT = """
import json, os, sys
print(json.dumps({"env": dict(os.environ), "argv": sys.argv, "path": sys.path, "cwd": os.getcwd()}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""
# Writes a reply header claiming 2**40 bytes straight onto the reply pipe (found among the open fds).
FORGE_HUGE_REPLY = """
import os, stat, struct
def conv2d(x, weight, bias=None, stride=1, padding=0):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", 1 << 40) + b"{")
        except OSError:
            pass
    raise RuntimeError("unreachable if the parent stopped reading")
"""
PROBE_STRICT = """
import json, os, socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1).close()
    network = "open"
except OSError as err:
    network = type(err).__name__
try:  # /dev/shm is a mount of its own: making only / read-only would leave it writable
    open("/dev/shm/strict-probe-%%d" %% os.getpid(), "w").close()
    shm = "written"
except OSError as err:
    shm = type(err).__name__
print(json.dumps({"network": network, "repo": os.path.exists(%r), "solutions": os.path.exists(%r), "shm": shm}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
""" % (str(REPO / "grader"), str(REPO / "solutions" / "conv.py"))


@pytest.fixture(scope="module")
def exercise():
    full = find_exercise("exercise-2")
    limits = dataclasses.replace(full.limits, case_seconds=2, total_seconds=6, import_seconds=4)
    return dataclasses.replace(full, cases=full.cases[:1], limits=limits, misconceptions=())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "submission.py"
    path.write_text(text)
    return path


def _printed_json(tmp_path: Path, exercise, text: str, mode: str = "standard") -> dict:
    with sandbox.Worker(_write(tmp_path, text), "conv2d", "array", exercise.limits, mode) as worker:
        reply = worker.wait_loaded()
    assert reply.status == "loaded", reply
    return json.loads(reply.output.strip().splitlines()[-1])


def test_worker_sees_no_grader_paths_no_secrets_and_a_fresh_folder(tmp_path, exercise, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "s3cr3t-value")
    seen = _printed_json(tmp_path, exercise, SHOW_ENVIRONMENT)
    everything = json.dumps(seen)
    assert "s3cr3t-value" not in everything and str(REPO) not in everything
    assert set(seen["env"]) <= {"PATH", "HOME", "TMPDIR", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert seen["cwd"] != str(tmp_path) and Path(seen["cwd"]).name.startswith("grade-worker-")
    assert seen["argv"] == ["-c"]
    assert not Path(seen["cwd"]).exists()  # removed once grading ended


def test_a_reply_over_the_size_limit_is_refused_before_loading(tmp_path, exercise):
    result = grade(exercise, _write(tmp_path, FORGE_HUGE_REPLY))
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (R.ERROR, "protocol", 0)
    assert "over the limit" in case.message


def test_grading_ignores_conftest_ini_and_plugins_beside_the_submission(tmp_path, exercise, monkeypatch):
    folder = tmp_path / "learner"
    folder.mkdir()
    flag = tmp_path / "loaded"
    (folder / "conftest.py").write_text(
        f"open({str(flag / 'conftest')!r}, 'w')\n"
        "import pytest\n"
        "@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n"
        "    outcome.get_result().outcome = 'passed'\n")
    (folder / "evil_plugin.py").write_text(f"open({str(flag / 'plugin')!r}, 'w')\n")
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -p evil_plugin\n")
    flag.mkdir()
    submission = folder / "exercise_2.py"
    submission.write_text("import numpy as np\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                          "    return np.zeros((1, 1, 3, 3))\n")
    monkeypatch.chdir(folder)  # graded from inside the learner's folder
    monkeypatch.syspath_prepend(str(folder))
    result = grade(exercise, submission)
    assert result.score == 0 and result.cases[0].kind == "values"
    assert list(flag.iterdir()) == []


def test_strict_unavailable_is_a_usage_error_with_exit_2(tmp_path, exercise, monkeypatch, run_cli, workspace):
    monkeypatch.setitem(isolation._strict_cache, "prefix", [])
    code, _, err = run_cli("exercise-2", "--submission", _write(tmp_path, SHOW_ENVIRONMENT), "--sandbox", "strict")
    assert code == 2 and "--sandbox strict needs bubblewrap" in err and "Traceback" not in err


@pytest.mark.parametrize("tool", ["bwrap", "unshare"])
def test_strict_mode_cuts_the_network_and_hides_the_grader(tool, tmp_path, exercise, monkeypatch):
    prefix = isolation._probe_strict()
    candidates = {Path(p[0]).name: p for p in [prefix] if p}
    if tool == "unshare" and prefix and Path(prefix[0]).name != "unshare":
        only = {"bwrap": None}
        monkeypatch.setattr(isolation.shutil, "which", lambda name: None if name in only else f"/usr/bin/{name}")
        candidates["unshare"] = isolation._probe_strict()
    if not candidates.get(tool):
        pytest.skip(f"{tool} is not usable on this machine")
    monkeypatch.setitem(isolation._strict_cache, "prefix", candidates[tool])
    seen = _printed_json(tmp_path, exercise, PROBE_STRICT, "strict")
    assert seen == {"network": seen["network"], "repo": False, "solutions": False, "shm": seen["shm"]}
    assert not list(Path("/dev/shm").glob("strict-probe-*"))  # bwrap gives a private /dev/shm; unshare a read-only one
    assert seen["network"] != "open"
    result = grade(exercise, _write(tmp_path, PROBE_STRICT), sandbox="strict")
    assert result.sandbox == "strict" and any(tool in note for note in result.notes)


def test_standard_mode_is_reported(tmp_path, exercise):
    assert grade(exercise, _write(tmp_path, SHOW_ENVIRONMENT)).to_dict()["sandbox"] == "standard"


TINY = """schema_version: 1
id: tiny-flatten
title: "flatten: one row per sample"
concept: "Merge every axis after the first into one."
entry_point: {name: flatten, signature: "flatten(x, start_dim=1)"}
starter: |
  def flatten(x, start_dim=1):
      raise NotImplementedError
reference: solutions.flatten
limits: {case_seconds: 1, total_seconds: 3, import_seconds: 3, memory_mb: 512}
cases:
  - name: small batch
    args: {x: {shape: [2, 3, 2]}}
"""
SLOW = "import time\n\ndef flatten(x, start_dim=1):\n    time.sleep(0.15)\n    return x.reshape(len(x), -1)\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_batch_interrupted_then_resumed_loses_and_duplicates_nothing(signum, tmp_path, monkeypatch):
    course = tmp_path / "course" / "exercises"
    course.mkdir(parents=True)
    (course / "tiny-flatten.yaml").write_text(TINY)
    subs = tmp_path / "subs"
    subs.mkdir()
    for index in range(5):
        (subs / f"learner{index}.py").write_text(SLOW)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(REPO), CNN_GRADER_COURSE=str(course.parent))
    command = [sys.executable, "-m", "grader", "batch", str(subs), "--exercise", "tiny-flatten", "--out", str(out),
               "--jobs", "1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(out.glob("learners/*/.done")):
        time.sleep(0.02)
    os.killpg(proc.pid, signum) if signum == signal.SIGKILL else proc.send_signal(signum)
    proc.wait(timeout=30)
    finished = {path.parent.name for path in out.glob("learners/*/.done")}
    assert 1 <= len(finished) <= 5
    for name in finished:  # whatever is marked done is complete and readable
        assert json.loads((out / "learners" / name / "result.json").read_text())["score"] == 1
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(finished)} already graded, {5 - len(finished)} to grade" in rerun.stdout
    with open(out / "gradebook.csv", newline="") as handle:
        rows = [row["learner"] for row in csv.DictReader(handle)]
    assert sorted(rows) == [f"learner{index}" for index in range(5)]


PROBE_SIBLINGS = """
import importlib, json, os
import numpy
seen = {"numpy": numpy.__file__, "files": len(os.listdir("."))}
for name in ("secret", "reference", "json_shadow_ran"):
    try:
        importlib.import_module(name)
        seen[name] = "imported"
    except BaseException as err:
        seen[name] = type(err).__name__
seen["links"] = [entry for entry in os.listdir(".") if os.path.islink(entry)]
print(json.dumps(seen))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""


def test_sibling_symlinks_shadow_modules_and_floods_are_not_carried_into_the_worker(tmp_path, exercise):
    # Symlinks to /etc/shadow and to the reference, files named like the modules the worker's own wire format
    # uses (json, struct, io, numpy), and a flood of siblings: the worker copies regular .py files only, at most
    # MAX_SIBLING_FILES of them, and its own modules were imported before the learner's folder is on sys.path.
    (tmp_path / "secret.py").symlink_to("/etc/shadow")
    (tmp_path / "reference.py").symlink_to(REPO / "solutions" / "conv.py")
    for name in ("json", "struct", "io", "numpy"):
        (tmp_path / f"{name}.py").write_text("import sys\nopen('json_shadow_ran.py', 'w')\nsys.exit(7)\n")
    for index in range(400):
        (tmp_path / f"sibling_{index:03}.py").write_text("")
    started = time.monotonic()
    seen = _printed_json(tmp_path, exercise, PROBE_SIBLINGS)
    assert time.monotonic() - started < 5
    assert seen["secret"] == seen["reference"] == seen["json_shadow_ran"] == "ModuleNotFoundError"
    assert seen["links"] == [] and Path(seen["numpy"]).parent.parent.name in ("site-packages", "dist-packages")
    assert seen["files"] <= sandbox.MAX_SIBLING_FILES + 3  # the submission, .output and .stderr


def _speed_exercise():
    full = find_exercise("exercise-8")
    case = next(case for case in full.cases if case.check == "speed" and not case.hidden)
    limits = dataclasses.replace(full.limits, case_seconds=4, total_seconds=15)
    return dataclasses.replace(full, cases=(dataclasses.replace(case, repeats=3),), misconceptions=(), limits=limits)


@pytest.mark.parametrize("name, kind", [("speed_cache.py", "speed"), ("speed_replay.py", "values")])
def test_speed_points_cannot_be_won_by_caching_or_replaying_answers(name, kind):
    # Both submissions take 0.3 s to compute an answer (far over 3x the reference), then answer at once from a
    # cache keyed by the inputs, or by replaying the first answer. Timed runs use fresh inputs and every timed
    # answer is checked, so neither gets the speed points.
    result = grade(_speed_exercise(), REPO / "tests" / "adversarial" / name)
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (R.FAILED, kind, 0), case.message
    if kind == "speed":
        assert case.details["speed"]["seconds"] >= 0.3 and case.details["speed"]["ratio"] > 3


REPLY_STATUS_FORGER = """
import json, os, stat, struct, sys
def conv2d(x, weight, bias=None, stride=1, padding=0):
    frame = sys._getframe()
    while "request_id" not in frame.f_locals:
        frame = frame.f_back
    head = json.dumps({"status": "passed", "id": frame.f_locals["request_id"], "blobs": []}).encode()
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", len(head)) + head)
        except OSError:
            pass
    raise RuntimeError("never read")
"""


def test_a_forged_reply_with_the_right_id_is_still_only_the_learners_answer(tmp_path, exercise):
    # The request id is in the worker's memory, so learner code can copy it; what it forges then answers only the
    # current request, and a status the grader does not know is a protocol error, never a pass.
    result = grade(exercise, _write(tmp_path, REPLY_STATUS_FORGER))
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (R.ERROR, "protocol", 0)
    assert "passed" in case.message
