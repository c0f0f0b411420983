"""A pre-imported worker ("zygote") per batch grading process: it forks each learner's fresh, limited worker."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time

from .launch import WORKER_SOURCE, standard_site, worker_command, worker_env

FIRST_SPAWN_SECONDS = 15.0  # the first request also waits for the zygote's own start-up (Python + NumPy)
SPAWN_SECONDS = 5.0
MAX_STARTS = 4  # zygotes one grading process may start; after that every worker is spawned directly

_state: dict = {"enabled": False, "zygote": None, "starts": 0, "lifeline": None}


class ZygoteError(Exception):
    """The zygote did not answer as it should; the caller spawns the worker directly instead."""


class Zygote:
    """The grader's end of one zygote process (zygote_server.py is the other end)."""

    def __init__(self, lifeline: int):
        self.lifeline = lifeline
        self.exited: dict[int, int] = {}  # pid -> wait status, reported by the zygote, not yet asked for
        self.spawned = 0
        self.folder = tempfile.mkdtemp(prefix="grade-zygote-")
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(worker_command(standard_site(), WORKER_SOURCE, "zygote"), stdin=theirs,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.folder,
                                         env=worker_env(self.folder), start_new_session=True)
        except OSError:
            self.sock.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            theirs.close()

    def spawn(self, workdir: str, env: dict, limits: dict, stderr_fd: int) -> "Child":
        """Ask for a fresh supervisor+worker in `workdir`; returns a Popen look-alike, or raises ZygoteError."""
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        seconds = SPAWN_SECONDS if self.spawned else FIRST_SPAWN_SECONDS
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
        shutil.rmtree(self.folder, ignore_errors=True)

    def _receive(self, key: str, pid: int | None, deadline: float) -> int:
        """Read messages until `key` (for `pid`, if given) arrives; exit reports for others are kept."""
        while True:
            if self.sock.fileno() < 0:
                raise ZygoteError("the zygote was stopped")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                if key == "spawned":
                    raise ZygoteError("the zygote did not answer in time")
                raise TimeoutError
            try:
                message = json.loads(self.sock.recv(4096))
            except (OSError, ValueError):
                raise ZygoteError("the zygote is gone or sent garbage") from None
            if "exited" in message:
                self.exited[message["exited"]] = message["status"]
            if key == "spawned" and "spawned" in message:
                return message["spawned"]
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

    def kill(self) -> None:
        if self.returncode is None:
            self.zygote.kill(self.pid)


# --- the grading process's zygote ------------------------------------------------------------------------

def enable() -> None:
    """Serve this process's standard-sandbox workers from a zygote from now on (a batch grading process)."""
    if _state["lifeline"] is None:
        _state["lifeline"] = os.pipe()  # never written: its read end turns readable when this process dies
    if not _state["enabled"]:
        _state.update(enabled=True, starts=0)
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


def spawn(workdir: str, env: dict, limits: dict, stderr_fd: int) -> Child | None:
    """A worker forked by this process's zygote, or None: spawn it directly (not enabled, or the zygote failed)."""
    zygote = _current()
    if zygote is None:
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
            zygote = _state["zygote"] = Zygote(_state["lifeline"][0])
        except OSError:
            return None
    return zygote


def _drop() -> None:
    zygote, _state["zygote"] = _state["zygote"], None
    if zygote is not None:
        zygote.proc.kill()  # our own child: its pid cannot have been reused before we wait for it
        zygote.close()
