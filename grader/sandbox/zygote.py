"""A pre-imported worker ("zygote") per batch grading process: it forks each learner's fresh, limited worker.

In strict mode the zygote runs inside the jail, built once around the zygote's folder: each learner's work folder is
a fresh folder inside it, and before each learner the zygote kills whatever the previous one left running and the
grader empties the folder (the only place in the jail a learner can write). The jail's process ids are not the
grader's, so a jailed learner's processes are killed by the zygote, never by pid from outside."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import tempfile
import time

from .launch import WORKER_SOURCE, remove_workdir, standard_site, strict_command, worker_command, worker_env
from .workdir import remove_folder

FIRST_SPAWN_SECONDS = 15.0  # the first request also waits for the zygote's own start-up (Python + NumPy)
SPAWN_SECONDS = 5.0
MAX_STARTS = 4  # zygotes one grading process may start; after that every worker is spawned directly

_state: dict = {"enabled": False, "zygote": None, "starts": 0, "lifeline": None, "sandbox": "standard"}


class ZygoteError(Exception):
    """The zygote did not answer as it should; the caller spawns the worker directly instead."""


class Zygote:
    """The grader's end of one zygote process (zygote_server.py is the other end)."""

    def __init__(self, lifeline: int, sandbox: str = "standard"):
        self.lifeline = lifeline
        self.sandbox = sandbox
        self.jailed = sandbox == "strict"
        self.exited: dict[int, int] = {}  # pid -> wait status, reported by the zygote, not yet asked for
        self.spawned = 0
        self.folder = tempfile.mkdtemp(prefix="grade-zygote-")
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            if self.jailed:
                os.chmod(self.folder, 0o755)  # graded by root, a worker with a uid of its own passes through it
                command = strict_command(self.folder, WORKER_SOURCE, "zygote", "jailed")
            else:
                command = worker_command(standard_site(), WORKER_SOURCE, "zygote")
            self.proc = subprocess.Popen(command, stdin=theirs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         cwd=self.folder, env=worker_env(self.folder), start_new_session=True)
        except (OSError, ValueError):
            self.sock.close()
            remove_workdir(self.folder)
            raise OSError("the zygote could not be started") from None
        finally:
            theirs.close()

    def new_workdir(self) -> str:
        """A jailed zygote's next learner folder: the zygote first kills what the last learner left running, then
        everything that learner wrote in the zygote's folder is removed. Raises ZygoteError."""
        seconds = self._answer_seconds()
        try:
            self.sock.settimeout(seconds)
            self.sock.send(json.dumps({"op": "clear"}).encode())
            self._receive("cleared", None, time.monotonic() + seconds)
            for name in os.listdir(self.folder):
                if not remove_folder(os.path.join(self.folder, name)):
                    raise ZygoteError(f"a previous learner's {name} could not be removed")
            return tempfile.mkdtemp(prefix="grade-worker-", dir=self.folder)
        except OSError as err:
            raise ZygoteError(str(err) or type(err).__name__) from None

    def _answer_seconds(self) -> float:
        """How long the zygote may take to answer a request: until the first learner's spawn, its own start-up too."""
        return SPAWN_SECONDS if self.spawned else FIRST_SPAWN_SECONDS

    def spawn(self, workdir: str, env: dict, limits: dict, stderr_fd: int) -> "Child":
        """Ask for a fresh supervisor+worker in `workdir`; returns a Popen look-alike, or raises ZygoteError."""
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        seconds = self._answer_seconds()
        try:
            request = json.dumps({"op": "spawn", "cwd": workdir, "env": env, "limits": limits}).encode()
            self.sock.settimeout(seconds)
            socket.send_fds(self.sock, [request], [stdin_r, stdout_w, stderr_fd, self.lifeline])
            pid = self._receive("spawned", None, time.monotonic() + seconds)
        except (OSError, ZygoteError) as err:
            os.close(stdin_w)
            os.close(stdout_r)
            raise ZygoteError(str(err) or type(err).__name__) from None
        finally:
            os.close(stdin_r)
            os.close(stdout_w)
        self.spawned += 1
        return Child(self, pid, os.fdopen(stdin_w, "wb", buffering=0), os.fdopen(stdout_r, "rb", buffering=0))

    def wait(self, pid: int, timeout: float | None) -> int | None:
        """The wait status of a learner's supervisor once the zygote reaped it; None if the zygote is gone."""
        if pid in self.exited:
            return self.exited.pop(pid)
        deadline = time.monotonic() + (timeout if timeout is not None else 3600.0)
        try:
            return self._receive("exited", pid, deadline)
        except ZygoteError:
            return None
        except TimeoutError:
            raise subprocess.TimeoutExpired("zygote child", timeout) from None

    def kill(self, pid: int) -> None:
        """SIGKILL a supervisor the zygote has not reaped yet (it alone knows the pid is not reused)."""
        try:
            if self.sock.fileno() >= 0:
                self.sock.settimeout(SPAWN_SECONDS)
                self.sock.send(json.dumps({"op": "kill", "pid": pid}).encode())
        except OSError:
            pass  # the zygote is gone: the process group kill that came first reached the supervisor

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the zygote; it kills what is left of its children when it sees the socket close."""
        self.sock.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        remove_workdir(self.folder)  # and, for unshare, the empty mount point of a jailed zygote's root

    def _receive(self, key: str, pid: int | None, deadline: float) -> int:
        """Read messages until `key` (for `pid`, if given) arrives; exit reports for others are kept."""
        while True:
            if self.sock.fileno() < 0:
                raise ZygoteError("the zygote was stopped")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                if key != "exited":
                    raise ZygoteError("the zygote did not answer in time")
                raise TimeoutError
            try:
                message = json.loads(self.sock.recv(4096))
            except (OSError, ValueError):
                raise ZygoteError("the zygote is gone or sent garbage") from None
            if "exited" in message:
                self.exited[message["exited"]] = message["status"]
            if key != "exited" and key in message:  # "spawned": the pid; "cleared"
                return message[key]
            if key == "exited" and pid in self.exited:
                return self.exited.pop(pid)


class Child:
    """What client.Worker needs of subprocess.Popen, for a worker the zygote forked."""

    def __init__(self, zygote: Zygote, pid: int, stdin, stdout):
        self.zygote, self.pid, self.stdin, self.stdout = zygote, pid, stdin, stdout
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None:
            status = self.zygote.wait(self.pid, timeout)
            if status is not None:
                self.returncode = os.waitstatus_to_exitcode(status)  # -N for signal N, as Popen reports it
        return self.returncode

    @property
    def jailed(self) -> bool:
        """True when the pid is the jail's: only the zygote can kill this worker's processes."""
        return self.zygote.jailed

    def kill(self) -> None:
        """SIGKILL the supervisor and everything under it (the zygote kills the tree, then the supervisor)."""
        if self.returncode is None:
            self.zygote.kill(self.pid)


# --- the grading process's zygote ------------------------------------------------------------------------

def enable(sandbox: str = "standard") -> None:
    """Serve this process's workers of `sandbox` from a zygote from now on (a batch grading process)."""
    if _state["lifeline"] is None:
        _state["lifeline"] = os.pipe()  # never written: its read end turns readable when this process dies
    if not _state["enabled"] or _state["sandbox"] != sandbox:
        if _state["zygote"] is not None:
            _drop()
        _state.update(enabled=True, starts=0, sandbox=sandbox)
    _current()  # start now: the zygote imports NumPy while this process sets itself up


def disable() -> None:
    """Stop the zygote (call when no worker of this process is running any more)."""
    _state["enabled"] = False
    if _state["zygote"] is not None:
        _state["zygote"].close()
        _state["zygote"] = None
    if _state["lifeline"] is not None:
        for fd in _state["lifeline"]:
            os.close(fd)
        _state["lifeline"] = None


def jail_workdir(sandbox: str) -> str | None:
    """A fresh work folder inside the jail of this process's strict zygote, emptied of the last learner's files;
    None when no jailed zygote serves `sandbox` (the caller makes a folder of its own)."""
    zygote = _current()
    if zygote is None or not zygote.jailed or zygote.sandbox != sandbox:
        return None
    try:
        return zygote.new_workdir()
    except ZygoteError:
        _drop()
        return None


def spawn(workdir: str, env: dict, limits: dict, stderr_fd: int, sandbox: str = "standard") -> Child | None:
    """A worker forked by this process's zygote, or None: spawn it directly (not enabled, another sandbox, a
    folder outside a jailed zygote's, or the zygote failed)."""
    zygote = _current()
    if zygote is None or zygote.sandbox != sandbox \
            or (zygote.jailed and os.path.dirname(workdir) != zygote.folder):
        return None
    try:
        return zygote.spawn(workdir, env, limits, stderr_fd)
    except ZygoteError:
        _drop()
        return None


def _current() -> Zygote | None:
    if not _state["enabled"]:
        return None
    zygote = _state["zygote"]
    if zygote is not None and not zygote.alive():
        _drop()
        zygote = None
    if zygote is None and _state["starts"] < MAX_STARTS:
        _state["starts"] += 1
        try:
            zygote = _state["zygote"] = Zygote(_state["lifeline"][0], _state["sandbox"])
        except OSError:
            return None
    return zygote


def _drop() -> None:
    zygote, _state["zygote"] = _state["zygote"], None
    if zygote is not None:
        from .zygote_server import NO_PRIVATE_NAMESPACES
        if zygote.proc.poll() == NO_PRIVATE_NAMESPACES:  # the jail allows no namespaces per learner: start no more
            _state["starts"] = MAX_STARTS
        zygote.proc.kill()  # our own child: its pid cannot have been reused before we wait for it
        zygote.close()
