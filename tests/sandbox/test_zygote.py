"""Workers forked from a batch's zygote: learners stay apart, failures stay precise, a dead zygote costs nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import reference_source, strict_prefix_for, tiny_flatten_yaml
from grader.results import Outcome
from grader.sandbox import client, launch, zygote
from grader.spec.catalog import find_exercise
from grader.spec.loader import load_exercise
from grader.grading.runner import grade

REPO = Path(__file__).resolve().parents[2]
ADVERSARIAL = REPO / "tests" / "adversarial"
STUB = "\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n    raise NotImplementedError\n"
# Learner A leaves every kind of process-wide state behind it.
POLLUTER = """
import builtins, json, os, sys
import numpy as np
np.dot = lambda *args, **kwargs: 0
np.zygote_leak = builtins.zygote_leak = "A"
sys.modules["leaked_module"] = sys
os.environ["LEAKED"] = "A"
open(os.path.join(os.environ["HOME"], "a-was-here"), "w").close()
print(json.dumps({"draw": float(np.random.random()), "cwd": os.getcwd()}))
""" + STUB
# Learner B reports what it can see, including which process forked its supervisor.
PROBE = """
import builtins, json, os, sys
import numpy as np
try:
    with open(f"/proc/{os.getppid()}/stat") as handle:
        grandparent = int(handle.read().rsplit(")", 1)[1].split()[1])
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
except OSError:  # graded by a plain user, the worker sees no /proc (confine.py)
    grandparent = fds = None
print(json.dumps({"dot": int(np.dot(2, 3)), "np_leak": hasattr(np, "zygote_leak"), "numpy": np.__file__,
                  "executable": sys.executable, "orig_argv": sys.orig_argv,
                  "modules": sorted({str(getattr(module, "__file__", "")) for module in list(sys.modules.values())}),
                  "builtins_leak": hasattr(builtins, "zygote_leak"), "module": "leaked_module" in sys.modules,
                  "env": dict(os.environ), "home": sorted(os.listdir(os.environ["HOME"])), "cwd": os.getcwd(),
                  "argv": sys.argv, "path": sys.path, "draw": float(np.random.random()), "grandparent": grandparent,
                  "fds": fds}))
""" + STUB
# Kills the zygote its supervisor was forked from (the worker's grandparent), if there is one.
KILL_ZYGOTE = """
import os, signal
try:  # graded by root, a worker has a uid of its own and may not; by a plain user, it sees no /proc
    with open(f"/proc/{os.getppid()}/stat") as handle:
        grandparent = int(handle.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{grandparent}/cmdline", "rb") as handle:
        if handle.read().endswith(b"\\0zygote\\0"):
            os.kill(grandparent, signal.SIGKILL)
            print("{MARKER}")
except OSError:
    pass
"""
# Misbehaves according to the input's height, as in test_worker.py.
MISCHIEF = """
import ctypes, os, time
_good = conv2d

def conv2d(x, weight, bias=None, stride=1, padding=0):
    height = x.shape[2]
    if height == 4:
        while True:
            pass
    if height == 6:
        os._exit(7)
    if height == 7:
        ctypes.string_at(0)
    return _good(x, weight, bias, stride, padding)
"""
MISCHIEF_CASES = {"timeout": 4, "os exit": 6, "segfault": 7, "after the crashes": 3}
ALLOWED_ENV = {"PATH", "HOME", "TMPDIR", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "PYTHONDONTWRITEBYTECODE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}


@pytest.fixture(params=["standard", "bwrap", "unshare"])
def sandbox(request, monkeypatch) -> str:
    """The sandbox a zygote serves: standard, or strict with one tool (the zygote then runs inside the jail)."""
    if request.param == "standard":
        return "standard"
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for(request.param, monkeypatch))
    return "strict"


@pytest.fixture
def zygote_on():
    zygote.enable()
    yield
    zygote.disable()


@pytest.fixture(scope="module")
def small():
    """exercise-2 cut to three cases with short limits."""
    full = find_exercise("exercise-2")
    names = ("identity 1x1 kernel", "bias added per filter", "hidden padding larger than 1")
    limits = dataclasses.replace(full.limits, case_seconds=1, total_seconds=4, import_seconds=3, memory_mb=512,
                                 output_chars=100_000)
    return dataclasses.replace(full, cases=tuple(c for c in full.cases if c.name in names), limits=limits,
                               misconceptions=())


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name / "submission.py"  # one folder per learner: no sibling files shared
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def _printed(path: Path, exercise) -> tuple[dict, object]:
    with client.Worker(path, "conv2d", "array", exercise.limits) as worker:
        reply = worker.wait_loaded()
        proc = worker.proc
    assert reply.status == "loaded", reply
    return json.loads(reply.output.strip().splitlines()[-1]), proc


def _paths_of_this_installation() -> list[str]:
    """The checkout, the venv (if any) and NumPy's real site-packages: none may be named to a worker."""
    paths = {str(REPO), str(Path(np.__file__).resolve().parent.parent)}
    if sys.prefix != sys.base_prefix:
        paths.add(sys.prefix)
    return sorted(paths)


def _zygote_pid() -> int:
    return zygote._state["zygote"].proc.pid


def test_learners_forked_from_one_zygote_cannot_see_each_others_state(zygote_on, small, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "s3cr3t-value")
    first, proc_a = _printed(_file(tmp_path, "a", POLLUTER), small)
    seen, proc_b = _printed(_file(tmp_path, "b", PROBE), small)
    assert isinstance(proc_a, zygote.Child) and isinstance(proc_b, zygote.Child)
    assert seen["grandparent"] == _zygote_pid() or os.geteuid() != 0  # B really was forked by A's zygote
    assert seen["dot"] == 6 and not seen["np_leak"] and not seen["builtins_leak"] and not seen["module"]
    assert "LEAKED" not in seen["env"] and "a-was-here" not in seen["home"] and seen["cwd"] != first["cwd"]
    assert seen["draw"] != first["draw"]  # NumPy's global generator is reseeded per learner
    assert set(seen["env"]) <= ALLOWED_ENV and seen["env"]["HOME"] == seen["cwd"] == seen["env"]["TMPDIR"]
    assert seen["argv"] == ["-c"] and seen["cwd"] in seen["path"]
    for secret in ("s3cr3t-value", *_paths_of_this_installation()):
        assert secret not in json.dumps(seen)
    assert seen["executable"] == launch.interpreter() and seen["path"][1] == launch.standard_site()
    with monkeypatch.context() as patch:  # the same probe spawned directly holds the same open files
        patch.setitem(zygote._state, "enabled", False)
        direct, proc = _printed(_file(tmp_path, "direct", PROBE), small)
    assert not isinstance(proc, zygote.Child) and seen["fds"] == direct["fds"]
    # The grader's own verdicts are unaffected too: a numpy-patching learner, then a correct one.
    hostile = grade(small, _file(tmp_path, "c", (ADVERSARIAL / "monkeypatch_numpy.py").read_text()))
    correct = grade(small, _file(tmp_path, "d", reference_source("conv")))
    assert hostile.score == 0 and correct.score == correct.max_score == small.max_score


def test_the_zygote_runs_with_no_grader_paths_or_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "s3cr3t-value")
    zygote.enable()
    try:
        pid = _zygote_pid()
        deadline = time.monotonic() + 5
        while not (argv := Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))[0] and time.monotonic() < deadline:
            time.sleep(0.02)  # /proc may show an empty command line while the new program is being set up
        environ = dict(item.split(b"=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if item)
        cwd = os.readlink(f"/proc/{pid}/cwd")
    finally:
        zygote.disable()
    assert argv[0].decode() == launch.interpreter() and argv[1:4] == [b"-I", b"-S", b"-c"]
    assert argv[-3:] == [launch.standard_site().encode(), b"zygote", b""]
    assert {key.decode() for key in environ} <= ALLOWED_ENV
    for text in (b" ".join(argv), b" ".join(environ.values()), cwd.encode()):
        for secret in ("s3cr3t-value", *_paths_of_this_installation()):
            assert secret.encode() not in text
    assert not os.path.exists(f"/proc/{pid}")  # stopped and reaped by disable()


def test_crashes_and_timeouts_are_reported_exactly_as_without_a_zygote(tmp_path, sandbox):
    lines = ["schema_version: 1", "id: ex-z", "title: zygote", "concept: misbehaviour",
             "entry_point: {name: conv2d, signature: 'conv2d(x, weight, bias=None, stride=1, padding=0)'}",
             "starter: 'def conv2d(x, weight): pass'", "reference: solutions.conv2d",
             "limits: {case_seconds: 0.5, total_seconds: 8, memory_mb: 512}", "cases:"]
    for name, height in MISCHIEF_CASES.items():
        lines += [f"  - name: {name}", "    args:", f"      x: {{shape: [1, 1, {height}, 3]}}",
                  "      weight: {shape: [1, 1, 1, 1]}"]
    (tmp_path / "ex-z.yaml").write_text("\n".join(lines) + "\n")
    exercise = load_exercise(tmp_path / "ex-z.yaml")
    path = _file(tmp_path, "m", reference_source("conv") + MISCHIEF)
    seen = {}
    for mode in ("direct", "zygote"):
        if mode == "zygote":
            zygote.enable(sandbox)
        try:
            result = grade(exercise, path, sandbox=sandbox)
            assert mode == "direct" or zygote._state["zygote"].spawned >= 1
        finally:
            zygote.disable()
        seen[mode] = [(case.outcome, case.kind, case.message) for case in result.cases]
    assert seen["zygote"] == seen["direct"]
    messages = dict(zip(MISCHIEF_CASES, (message for _, _, message in seen["zygote"])))
    assert "did not finish within 0.5 s" in messages["timeout"]
    assert "exited with code 7" in messages["os exit"] and "segmentation fault" in messages["segfault"]
    assert seen["zygote"][-1][0] == Outcome.PASSED


@pytest.mark.parametrize("name", ["memory_bomb.py", "stack_gc_walk.py", "sys_exit_import.py"])
def test_hostile_submissions_get_the_same_verdict_through_the_zygote(name, small, tmp_path, sandbox):
    path = _file(tmp_path, "h", (ADVERSARIAL / name).read_text())
    # A roomy case limit: on a busy machine the memory bomb may need over 1 s to reach its cap, and a timeout
    # on one side only would compare the machine's load, not the two ways of starting a worker.
    one = dataclasses.replace(small, cases=small.cases[:1],
                              limits=dataclasses.replace(small.limits, case_seconds=5, total_seconds=10))
    direct = grade(one, path, sandbox=sandbox)
    zygote.enable(sandbox)
    try:
        forked = grade(one, path, sandbox=sandbox)
        assert zygote._state["starts"] == 1 and zygote._state["zygote"].spawned >= 1
    finally:
        zygote.disable()
    assert forked.score == direct.score == 0
    assert [(c.outcome, c.kind, c.message) for c in forked.cases] == [(c.outcome, c.kind, c.message) for c in direct.cases]


@pytest.mark.parametrize("name", ["leave_children.py", "kill_supervisor.py"])
def test_processes_a_learner_leaves_behind_do_not_outlive_it(name, sandbox, small, tmp_path):
    one = dataclasses.replace(small, cases=small.cases[:1],
                              limits=dataclasses.replace(small.limits, total_seconds=2))
    zygote.enable(sandbox)
    try:
        result = grade(one, _file(tmp_path, "x", (ADVERSARIAL / name).read_text()), sandbox=sandbox)
        assert result.score == 0
        # forked once x's strays were killed
        after = grade(small, _file(tmp_path, "y", reference_source("conv")), sandbox=sandbox)
        assert after.score == small.max_score and zygote._state["zygote"].spawned >= 2
    finally:
        zygote.disable()
    deadline = time.monotonic() + 3
    while _leftovers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _leftovers()


def _leftovers() -> list[int]:
    found = []
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"adv-leftover" in cmdline and b"pytest" not in cmdline and state not in "ZX":
            found.append(int(name))
    return found


def test_a_zygote_killed_between_or_during_learners_costs_no_result(zygote_on, small, tmp_path):
    correct = reference_source("conv")
    assert grade(small, _file(tmp_path, "a", correct)).score == small.max_score
    os.kill(_zygote_pid(), signal.SIGKILL)  # between learners
    assert grade(small, _file(tmp_path, "b", correct)).score == small.max_score
    # During a learner: this one kills the zygote that forked its supervisor, then answers correctly.
    killer = KILL_ZYGOTE.replace("{MARKER}", "killed-zygote") + correct
    first = zygote._current()  # the zygote that will fork this learner (started now if "b" left none alive)
    assert first is not None
    result = grade(small, _file(tmp_path, "c", killer))
    assert result.score == small.max_score, [case.message for case in result.cases]
    assert first.proc.poll() is None or os.geteuid() != 0  # graded by root, the worker may not kill the zygote
    assert grade(small, _file(tmp_path, "d", correct)).score == small.max_score


def test_a_zygote_that_never_answers_falls_back_to_a_direct_spawn(zygote_on, small, tmp_path, monkeypatch):
    os.kill(_zygote_pid(), signal.SIGSTOP)  # alive, but deaf
    monkeypatch.setattr(zygote, "FIRST_SPAWN_SECONDS", 0.5)
    monkeypatch.setattr(zygote, "MAX_STARTS", 1)
    path = _file(tmp_path, "a", reference_source("conv"))
    with client.Worker(path, "conv2d", "array", small.limits) as worker:
        worker.start()
        assert not isinstance(worker.proc, zygote.Child)
        assert worker.wait_loaded().status == "loaded"
    assert grade(small, path).score == small.max_score


TINY = tiny_flatten_yaml()
FLATTEN = "def flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"


def test_batch_survives_a_learner_killing_its_zygote_and_records_the_sandbox(tmp_path, monkeypatch, run_cli):
    (tmp_path / "course" / "exercises").mkdir(parents=True)
    (tmp_path / "course" / "exercises" / "tiny-flatten.yaml").write_text(TINY)
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path / "course"))
    subs, marker = tmp_path / "subs", tmp_path / "killed"
    subs.mkdir()
    for name in ("alice", "bob", "zoe"):
        (subs / f"{name}.py").write_text(FLATTEN)
    (subs / "mallory.py").write_text(KILL_ZYGOTE.replace("{MARKER}", "killed-zygote") + FLATTEN)
    code, out, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", tmp_path / "out", "--jobs", "1",
                             "--sandbox", "standard")  # the zygote's mode (strict, the default here, has none)
    assert code == 0, err
    # graded by root, the worker may not kill the zygote; by a plain user, it may when it finds it (no /proc)
    for name in ("alice", "bob", "mallory", "zoe"):
        result = json.loads((tmp_path / "out" / "learners" / name / "result.json").read_text())
        assert result["score"] == result["max_score"] == 1 and result["sandbox"] == "standard", name
    try:
        launch.strict_prefix()
    except Exception as err:  # noqa: BLE001 - any failure to set strict up means "not on this machine"
        pytest.skip(f"strict sandbox unavailable: {err}")
    (subs / "mallory.py").unlink()
    code, out, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", tmp_path / "strict", "--jobs", "2",
                             "--sandbox", "strict")
    assert code == 0 and "strict sandbox" in out, err
    for name in ("alice", "bob", "zoe"):
        result = json.loads((tmp_path / "strict" / "learners" / name / "result.json").read_text())
        assert result["score"] == 1 and result["sandbox"] == "strict"


def test_batch_refuses_strict_mode_where_no_tool_provides_it(tmp_path, monkeypatch, run_cli):
    monkeypatch.setitem(launch._strict_cache, "prefix", [])  # as on a machine without bwrap or user namespaces
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "alice.py").write_text(FLATTEN)
    code, out, err = run_cli("batch", tmp_path / "subs", "--exercise", "exercise-3", "--out", tmp_path / "out",
                             "--sandbox", "strict")
    assert code == 2 and "bubblewrap" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "learners").exists()  # refused before grading anyone


# Learner A, in a strict zygote's jail: files beside its folder and a process that outlives it, writing on.
PLANTER = """
import os, time
open(os.path.join("..", "planted.txt"), "w").write("from A")
open(os.path.join(os.environ["HOME"], "a-was-here"), "w").close()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        sys_argv_marker = "jailed-leftover"
        while True:
            for name in os.listdir(".."):
                try:
                    open(os.path.join("..", name, "exercise_2.py"), "w").write("def conv2d(*a, **k):\\n    return 0\\n")
                except OSError:
                    pass
            time.sleep(0.005)
    os._exit(0)
""" + STUB
JAIL_PROBE = """
import json, os
processes = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            processes.append(handle.read()[:300].decode(errors="replace"))
    except OSError:
        pass
print(json.dumps({"beside": sorted(os.listdir("..")), "mine": sorted(os.listdir(".")), "pid": os.getpid(),
                  "processes": processes, "work": os.path.exists(%r)}))
""" % str(REPO) + STUB


@pytest.mark.parametrize("tool", ["bwrap", "unshare"])
def test_a_jailed_learner_finds_nothing_the_previous_one_left(tool, small, tmp_path, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for(tool, monkeypatch))
    zygote.enable("strict")
    try:
        seen = []
        for name, source in (("a", PLANTER), ("b", JAIL_PROBE), ("c", JAIL_PROBE)):
            path = _file(tmp_path, name, source)
            with client.Worker(path, "conv2d", "array", small.limits, "strict") as worker:
                reply = worker.wait_loaded()
                assert isinstance(worker.proc, zygote.Child) and worker.proc.jailed
                assert os.path.dirname(worker.workdir) == zygote._state["zygote"].folder
                if name == "a":
                    time.sleep(0.2)  # the stray is writing by now
                else:
                    assert reply.status == "loaded", reply
                    seen.append(json.loads(reply.output.strip().splitlines()[-1]))
        assert zygote._state["zygote"].spawned == 3
    finally:
        zygote.disable()
    for probe in seen:
        assert len(probe["beside"]) == 1 and probe["beside"][0].startswith("grade-worker-")  # its own folder only
        assert "planted.txt" not in probe["beside"] and "exercise_2.py" not in probe["mine"]
        assert "submission.py" in probe["mine"] and "a-was-here" not in probe["mine"]
        assert not any("jailed-leftover" in line or "time.sleep" in line for line in probe["processes"])
        assert not probe["work"] and probe["pid"] < 100  # in the jail's own process and file namespaces


IPC_KEY = 0x13100000 + os.getpid() % 0xFFFF * 4
MAKE_IPC = f"""
import ctypes, ctypes.util, os, socket
libc = ctypes.CDLL(None, use_errno=True)
librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
made = [libc.shmget({IPC_KEY}, 4096, 0o1666), libc.msgget({IPC_KEY + 1}, 0o1666), libc.semget({IPC_KEY + 2}, 2, 0o1666),
        librt.mq_open(b"/k18-queue", os.O_RDWR | os.O_CREAT, ctypes.c_uint(0o666), None)]
try:
    socket.sethostname("k18-learner-a")
except OSError:
    pass
print("made", made)
""" + STUB
LOOK_FOR_IPC = f"""
import ctypes, ctypes.util, json, os, socket
libc = ctypes.CDLL(None, use_errno=True)
librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
tables = {{name: open(f"/proc/sysvipc/{{name}}").read().splitlines()[1:] for name in ("shm", "msg", "sem")}}
print(json.dumps({{"found": [libc.shmget({IPC_KEY}, 0, 0o666), libc.msgget({IPC_KEY + 1}, 0o666),
                            libc.semget({IPC_KEY + 2}, 0, 0o666), librt.mq_open(b"/k18-queue", os.O_RDWR)],
                  "tables": tables, "host": socket.gethostname()}}))
""" + STUB


@pytest.mark.parametrize("tool", ["bwrap", "unshare"])
def test_learners_of_one_jailed_zygote_share_no_ipc_object_or_host_name(tool, small, tmp_path, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for(tool, monkeypatch))
    zygote.enable("strict")
    try:
        with client.Worker(_file(tmp_path, "a", MAKE_IPC), "conv2d", "array", small.limits, "strict") as first:
            reply = first.wait_loaded()
            served = isinstance(first.proc, zygote.Child)
        assert reply.status == "loaded" and "-1" not in reply.output.split("made", 1)[1], reply.output
        with client.Worker(_file(tmp_path, "b", LOOK_FOR_IPC), "conv2d", "array", small.limits, "strict") as second:
            seen = json.loads(second.wait_loaded().output.strip().splitlines()[-1])
            assert isinstance(second.proc, zygote.Child) == served
    finally:
        zygote.disable()
    # served by the zygote where the jail allows a learner namespaces of its own (here: run by root, or unshare);
    # else each learner got a jail of its own: either way the second learner finds nothing of the first
    assert served or (os.geteuid() != 0 and tool == "bwrap")
    assert seen["found"] == [-1, -1, -1, -1] and seen["tables"] == {"shm": [], "msg": [], "sem": []}
    assert seen["host"] != "k18-learner-a"


def test_a_jail_that_allows_no_namespaces_per_learner_gets_a_jail_per_learner(small, tmp_path, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for("bwrap", monkeypatch))
    refusing = zygote.WORKER_SOURCE.replace("return libc.unshare(flags) == 0", "return False")
    assert refusing != zygote.WORKER_SOURCE
    monkeypatch.setattr(zygote, "WORKER_SOURCE", refusing)  # as in bubblewrap run by a plain user
    zygote.enable("strict")
    try:
        for name in ("a", "b"):
            result = grade(small, _file(tmp_path, name, reference_source("conv")), sandbox="strict")
            assert result.score == small.max_score
        assert zygote._state["zygote"] is None and zygote._state["starts"] == zygote.MAX_STARTS  # tried once
    finally:
        zygote.disable()
