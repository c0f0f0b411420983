"""Strict mode is a jail, with each tool: its own namespaces, no IPC, socket or terminal shared with the host or
another learner; it is the default where it works (said in one line), and its probe is remembered, not trusted."""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import fcntl
import json
import os
import pty
import select
import shutil
import socket
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from grader.grading.runner import grade
from grader.sandbox import client, launch, probe_cache
from grader.spec.catalog import find_exercise
from conftest import strict_prefix_for

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "adversarial"
NAMESPACES = ("user", "pid", "net", "ipc", "uts", "mnt")


@pytest.fixture(scope="module")
def exercise():
    full = find_exercise("exercise-2")
    limits = dataclasses.replace(full.limits, case_seconds=5, total_seconds=20, import_seconds=15)
    return dataclasses.replace(full, cases=full.cases[:1], limits=limits, misconceptions=())


@pytest.fixture(params=["bwrap", "unshare"])
def tool(request, monkeypatch) -> str:
    """Strict mode with one tool alone (skipped only where the tool is missing or the kernel refuses it)."""
    name = request.param
    prefix = strict_prefix_for(name, monkeypatch)
    monkeypatch.setitem(launch._strict_cache, "prefix", prefix)
    return name


def _loaded_output(tmp_path: Path, exercise, source: str, name: str = "submission.py") -> dict:
    path = tmp_path / name
    path.write_text(source)
    with client.Worker(path, "conv2d", "array", exercise.limits, "strict") as worker:
        reply = worker.wait_loaded()
    assert reply.status == "loaded", reply
    return json.loads(reply.output.strip().splitlines()[-1])


LOOK_AROUND = """
import json, os
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
def opened(path):
    try:
        os.close(os.open(path, os.O_RDWR | os.O_NOCTTY))
        return "opened"
    except OSError as err:
        return type(err).__name__
print(json.dumps({"ns": {name: os.readlink(f"/proc/self/ns/{name}") for name in NAMESPACES},
                  "caps": [status[key].strip() for key in ("CapEff", "CapPrm", "CapBnd", "CapAmb")],
                  "dev": sorted(os.listdir("/dev")), "tty": opened("/dev/tty"),
                  "isatty": [os.isatty(fd) for fd in (0, 1, 2)],
                  "streams": [os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)],
                  "processes": sorted(name for name in os.listdir("/proc") if name.isdigit())}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""


def test_the_jail_has_its_own_namespaces_no_capabilities_a_minimal_dev_and_no_terminal(tool, tmp_path, exercise):
    seen = _loaded_output(tmp_path, exercise, LOOK_AROUND.replace("NAMESPACES", repr(NAMESPACES)))
    for name in NAMESPACES:
        assert seen["ns"][name] != os.readlink(f"/proc/self/ns/{name}"), name
    assert set(seen["caps"]) == {"0000000000000000"}
    assert set(seen["dev"]) <= {"null", "zero", "full", "random", "urandom", "fd"}
    assert seen["tty"] != "opened" and seen["isatty"] == [False, False, False]
    assert not any(stream.startswith(("/dev/pts", "/dev/tty", "/dev/console")) for stream in seen["streams"])
    assert len(seen["processes"]) <= 3  # the supervisor, the worker, at most the tool's own init


MAKE_IPC = """
import ctypes, ctypes.util, json, os
libc = ctypes.CDLL(None, use_errno=True)
librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
KEY = KEY_VALUE
made = [libc.shmget(KEY, 4096, 0o1666), libc.msgget(KEY + 1, 0o1666), libc.semget(KEY + 2, 2, 0o1666),
        librt.mq_open(b"/QUEUE", os.O_RDWR | os.O_CREAT, ctypes.c_uint(0o666), None)]
print(json.dumps({"made": made}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""
LOOK_FOR_IPC = """
import ctypes, ctypes.util, json, os
libc = ctypes.CDLL(None, use_errno=True)
librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
KEY = KEY_VALUE
tables = {name: open(f"/proc/sysvipc/{name}").read().splitlines()[1:] for name in ("shm", "msg", "sem")}
print(json.dumps({"found": [libc.shmget(KEY, 0, 0o666), libc.msgget(KEY + 1, 0o666), libc.semget(KEY + 2, 0, 0o666),
                            librt.mq_open(b"/QUEUE", os.O_RDWR)], "tables": tables}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""


def _host_ipc(key: int, queue: str) -> list[int]:
    libc = ctypes.CDLL(None, use_errno=True)
    librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
    return [libc.shmget(key, 0, 0o666), libc.msgget(key + 1, 0o666), libc.semget(key + 2, 0, 0o666),
            librt.mq_open(f"/{queue}".encode(), os.O_RDWR)]


def test_ipc_objects_die_with_the_jail_and_no_learner_sees_anothers(tool, tmp_path, exercise):
    key, queue = 0x13000000 + os.getpid() % 0xFFFF * 4, f"k13-{os.getpid()}"
    make = MAKE_IPC.replace("KEY_VALUE", str(key)).replace("QUEUE", queue)
    look = LOOK_FOR_IPC.replace("KEY_VALUE", str(key)).replace("QUEUE", queue)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "submission.py").write_text(make)
    (tmp_path / "b" / "submission.py").write_text(look)
    with client.Worker(tmp_path / "a" / "submission.py", "conv2d", "array", exercise.limits, "strict") as first:
        reply = first.wait_loaded()  # the first learner's objects exist while it is still loaded
        assert reply.status == "loaded" and all(n >= 0 for n in json.loads(reply.output.splitlines()[-1])["made"])
        assert _host_ipc(key, queue) == [-1, -1, -1, -1]  # not in the host's IPC namespace
        with client.Worker(tmp_path / "b" / "submission.py", "conv2d", "array", exercise.limits, "strict") as second:
            seen = json.loads(second.wait_loaded().output.splitlines()[-1])
    assert seen["found"] == [-1, -1, -1, -1] and seen["tables"] == {"shm": [], "msg": [], "sem": []}
    assert _host_ipc(key, queue) == [-1, -1, -1, -1]


CONNECT = """
import json, socket
results = {}
for address in ADDRESSES:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        try:
            with socket.socket(socket.AF_UNIX, kind) as sock:
                sock.settimeout(1)
                sock.connect(address)
                sock.sendall(b"k13 hidden inputs")
                results[repr(address)] = "connected"
        except OSError as err:
            results.setdefault(repr(address), type(err).__name__)
print(json.dumps(results))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""


def _listen(address, kind) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, kind)
    sock.bind(address)
    if kind == socket.SOCK_STREAM:
        sock.listen(5)
    sock.setblocking(False)
    return sock


def test_host_unix_sockets_pathname_and_abstract_are_unreachable(tool, tmp_path, exercise):
    places = [str(tmp_path / "host.sock"), f"\0k13-abstract-{os.getpid()}"]
    run = Path("/run")
    if os.access(run, os.W_OK):
        places.append(str(run / f"k13-{os.getpid()}.sock"))
    listeners = [_listen(place, socket.SOCK_STREAM) for place in places]
    listeners += [_listen(place + "-dgram", socket.SOCK_DGRAM) for place in places]
    try:
        addresses = [*places, *(place + "-dgram" for place in places)]
        seen = _loaded_output(tmp_path, exercise, CONNECT.replace("ADDRESSES", repr(addresses)))
        assert "connected" not in seen.values() and len(seen) == len(addresses)
        for sock in listeners:  # nothing arrived
            assert not select.select([sock], [], [], 0)[0]
    finally:
        for sock in listeners:
            sock.close()
        for place in places:
            for suffix in ("", "-dgram"):
                if not place.startswith("\0") and os.path.exists(place + suffix):
                    os.unlink(place + suffix)


RUN_CLI = """import json, sys
sys.path.insert(0, sys.argv[1])
from grader.sandbox import launch
launch._strict_cache["prefix"] = json.loads(sys.argv[2])
from grader.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _on_a_terminal(command: list[str], cwd: Path, seconds: float = 60) -> tuple[int, bytes]:
    """Run `command` with a new pseudo-terminal as its controlling terminal and standard streams; all it showed."""
    master, slave = pty.openpty()

    def take_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, preexec_fn=take_terminal,
                            env=dict(os.environ, CNN_GRADER_WORKSPACE=str(cwd / "ws"), NO_COLOR="1"))
    os.close(slave)
    shown, deadline = bytearray(), time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=10)
    os.close(master)
    return code, bytes(shown)


def test_learner_code_cannot_write_to_or_type_into_the_graders_terminal(tool, tmp_path):
    submission = tmp_path / "exercise_2.py"
    shutil.copyfile(HOSTILE / "h13_jail_terminal.py", submission)
    command = [sys.executable, "-c", RUN_CLI, str(REPO), json.dumps(launch._strict_cache["prefix"]), "exercise-2",
               "--submission", str(submission), "--sandbox", "strict", "--json", str(tmp_path / "r.json")]
    code, shown = _on_a_terminal(command, tmp_path)
    assert code == 1, shown.decode(errors="replace")
    for trace in (b"h13-tty-write", b"h13-title", b"h13-typed", b"\x1b]52", b"\x1b[2J"):
        assert trace not in shown
    assert b"wrote to 0 terminals" in shown
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0


def test_grading_in_the_jail_reaches_no_one_elses_work(tool, tmp_path):
    other = Path("/tmp") / f"k13-other-learner-{os.getpid()}"  # another person's correct work on the host
    other.mkdir()
    try:
        shutil.copyfile(REPO / "solutions" / "conv.py", other / "exercise_2.py")
        result = grade(find_exercise("exercise-2"), HOSTILE / "h13_jail_plagiarism.py", sandbox="strict")
    finally:
        shutil.rmtree(other)
    assert result.score == 0 and "no one else's conv2d is reachable" in result.cases[0].message


# --- secure by default --------------------------------------------------------------------------------------------

def test_strict_is_the_default_where_it_works_and_batch_says_so(tmp_path, run_cli, workspace):
    if not launch.strict_available():
        pytest.skip("neither bwrap nor unshare works here")
    subs = tmp_path / "subs"
    for learner in ("ann", "ben"):  # each leaves IPC objects and looks for the other's
        (subs / learner).mkdir(parents=True)
        shutil.copyfile(HOSTILE / "h13_jail_ipc_share.py", subs / learner / "exercise_2.py")
    (subs / "cat").mkdir()
    shutil.copyfile(HOSTILE / "h13_jail_plagiarism.py", subs / "cat" / "exercise_2.py")
    code, out, _ = run_cli("batch", subs, "--exercise", "exercise-2", "--out", tmp_path / "out", "--jobs", "2")
    assert code == 0 and f"Sandbox: strict ({launch.strict_tool()}), the default" in out
    for learner in ("ann", "ben", "cat"):
        result = json.loads((tmp_path / "out" / "learners" / learner / "result.json").read_text())
        assert result["sandbox"] == "strict" and result["score"] == 0
        if learner != "cat":
            assert "found 0 left by others" in json.dumps(result)
    code, _, _ = run_cli("exercise-2", "--submission", subs / "cat" / "exercise_2.py", "--json", tmp_path / "r.json")
    assert code == 1 and json.loads((tmp_path / "r.json").read_text())["sandbox"] == "strict"


def test_without_a_working_tool_the_default_is_standard_with_one_line(tmp_path, run_cli, workspace, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", [])
    submission = tmp_path / "exercise_2.py"
    submission.write_text("def conv2d(x, weight, bias=None, stride=1, padding=0):\n    raise NotImplementedError\n")
    code, _, err = run_cli("exercise-2", "--submission", submission, "--json", tmp_path / "r.json")
    assert code == 1 and err.count("\n") == 1 and err.startswith("Sandbox: standard") and "bwrap" in err
    assert json.loads((tmp_path / "r.json").read_text())["sandbox"] == "standard"
    code, _, err = run_cli("exercise-2", "--submission", submission, "--sandbox", "strict")
    assert code == 2 and "--sandbox strict needs bubblewrap" in err  # asked for: never silently standard
    from grader.gradescope import main
    (tmp_path / "gs").mkdir()
    shutil.copyfile(submission, tmp_path / "gs" / "exercise_2.py")
    code = main(["--exercise", "exercise-2", "--submission", str(tmp_path / "gs"),
                 "--results", str(tmp_path / "results.json")])
    assert code == 0 and json.loads((tmp_path / "results.json").read_text())["score"] == 0


# --- the remembered probe -----------------------------------------------------------------------------------------

@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """An empty private cache folder, nothing remembered in this process; returns the cache file's path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(launch, "_strict_cache", {})
    monkeypatch.setattr(launch, "_cache", {})
    return tmp_path / "cache" / "cnn-grader" / probe_cache.CACHE_FILE


def _count_probes(monkeypatch) -> list:
    calls, probe = [], launch._probe_strict
    monkeypatch.setattr(launch, "_probe_strict", lambda: calls.append(1) or probe())
    return calls


def _forget_in_memory(monkeypatch) -> None:
    monkeypatch.setattr(launch, "_strict_cache", {})
    monkeypatch.setattr(launch, "_cache", {})


def test_the_probe_is_remembered_between_runs_and_checked_before_use(fresh_cache, monkeypatch):
    if not launch.strict_available():
        pytest.skip("neither bwrap nor unshare works here")
    fresh_cache.unlink()
    _forget_in_memory(monkeypatch)
    calls = _count_probes(monkeypatch)
    prefix = launch.strict_prefix()
    assert len(calls) == 1 and fresh_cache.is_file() and oct(fresh_cache.parent.stat().st_mode)[-3:] == "700"
    _forget_in_memory(monkeypatch)
    started = time.monotonic()
    assert launch.strict_prefix() == prefix and len(calls) == 1  # remembered: no second probe
    assert time.monotonic() - started < 1.0
    saved = json.loads(fresh_cache.read_text())
    saved["prefix"] = [prefix[0], "--no-such-option"]  # a remembered "yes" that no longer starts
    fresh_cache.write_text(json.dumps(saved))
    _forget_in_memory(monkeypatch)
    assert launch.strict_prefix() == prefix and len(calls) == 2
    assert json.loads(fresh_cache.read_text())["prefix"] == prefix  # probed again, and remembered anew


@pytest.mark.parametrize("damage", ["garbage", "deep", "wrong key", "symlink", "fifo", "huge"])
def test_a_damaged_or_planted_probe_file_is_never_trusted(damage, fresh_cache, tmp_path, monkeypatch):
    if not launch.strict_available():
        pytest.skip("neither bwrap nor unshare works here")
    _forget_in_memory(monkeypatch)
    launch.strict_prefix()
    saved = json.loads(fresh_cache.read_text())
    fresh_cache.unlink()
    planted = dict(saved, prefix=["/bin/sh", "-c", "exit 0"])  # a tool that "works" but builds no jail
    if damage == "garbage":
        fresh_cache.write_bytes(b"\xff{not json")
    elif damage == "deep":
        fresh_cache.write_text("[" * 100_000)
    elif damage == "wrong key":
        fresh_cache.write_text(json.dumps(dict(planted, key="0" * 64)))
    elif damage == "symlink":
        (tmp_path / "elsewhere.json").write_text(json.dumps(planted))
        fresh_cache.symlink_to(tmp_path / "elsewhere.json")
    elif damage == "fifo":
        os.mkfifo(fresh_cache)
    else:
        fresh_cache.write_text(json.dumps(dict(planted, pad="x" * (probe_cache.MAX_BYTES + 1))))
    _forget_in_memory(monkeypatch)
    calls = _count_probes(monkeypatch)
    assert launch.strict_prefix() == saved["prefix"] and len(calls) == 1  # (a FIFO is opened without waiting)
