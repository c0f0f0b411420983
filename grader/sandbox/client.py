"""Run learner code in a worker process we can always stop: limits, deadlines, kills and clean-up."""

from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..results import printable
from ..spec.model import Limits
from . import zygote
from .launch import (FILE_SIZE_LIMIT, WORKER_SOURCE, remove_workdir, rlimit_values, standard_site, strict_command,
                     strict_prefix, worker_command, worker_env)
from .limits import apply_limits
from .reaper import kill_tree
from .replies import MAX_REPLY_ARRAYS, array_problem, checked_header
from .wire import HEADER_LENGTH, MAX_HEADER_BYTES, WireError, decode_header, encode_message, load_array, pack
from .workdir import open_folder, read_capture

MAX_SUBMISSION_BYTES = 1_000_000
MAX_SIBLING_FILES = 64
MAX_REPLY_BYTES = 64 << 20
CLOSE_SECONDS = 0.5  # a worker told to stop has this long to end on its own before it is killed
_LOAD_STATUSES = ("loaded", "syntax", "import", "missing", "timeout", "crash", "protocol")


@dataclass
class Reply:
    """What came back from the worker for one request, or why nothing usable did."""

    status: str  # loaded | syntax | import | missing | ok | bad_output | exception | not_implemented
    #              | timeout | crash | protocol
    header: dict = field(default_factory=dict)
    arrays: list = field(default_factory=list)
    seconds: float = 0.0  # measured by the parent, from request sent to reply read
    output: str = ""
    detail: str = ""  # for crash/protocol: how the worker died or what was wrong


class Worker:
    """One worker process for one submission, reused across cases and respawned after a kill."""

    def __init__(self, submission: Path, function: str, returns: str, limits: Limits, sandbox: str = "standard",
                 trusted: bool = False):
        self.submission = Path(submission)
        self.trusted = trusted  # the grader's own reference: it keeps the grader's rights to read the course
        self._request_id = ""
        self.function = function
        self.returns = returns
        self.limits = limits
        self.sandbox = sandbox
        self._prefix = strict_prefix() if sandbox == "strict" else []
        self.proc: subprocess.Popen | None = None
        self.workdir: str | None = None
        self._folder_fd: int | None = None  # the work folder itself: learner code may replace its path
        self.load_reply: Reply | None = None
        self._load_started = self._load_deadline = 0.0
        self._budget_end: float | None = None  # the whole-exercise wall clock, from the first start

    # --- life cycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Spawn the worker (or take the spare one prestart() made) and ask it to import the submission; returns
        without waiting."""
        now = time.monotonic()
        if self._budget_end is None:
            self._budget_end = now + self.limits.total_seconds
        if not _take_spare(self):
            self._spawn()
        _copy_submission(self.submission, Path(self.workdir))
        self._load_started = time.monotonic()
        self._load_deadline = min(self._load_started + self.limits.import_seconds, self._budget_end)
        # None once sent; a timeout or crash before the worker even read its first request is the load outcome
        self.load_reply = self._send({"file": self.submission.name, "function": self.function,
                                      "returns": self.returns, "output_chars": self.limits.output_chars,
                                      "max_output_bytes": MAX_REPLY_BYTES, "drop": not self.trusted}, [],
                                     self._load_deadline)

    def _spawn(self) -> None:
        """The process in its sandbox and limits, with Python and NumPy loaded, waiting to be told what to import;
        its work folder is still empty."""
        # in a strict batch grading process, inside the jail its zygote runs in
        self.workdir = zygote.jail_workdir(self.sandbox) or tempfile.mkdtemp(prefix="grade-worker-")
        self._folder_fd = open_folder(self.workdir)
        env = worker_env(self.workdir)
        cpu_seconds = int(self.limits.total_seconds + self.limits.import_seconds) + 5
        limits = rlimit_values(self.limits.memory_mb, cpu_seconds)
        stderr = open(os.path.join(self.workdir, ".stderr"), "wb")
        try:
            # in a batch grading process: fork from the pre-imported zygote (None otherwise)
            self.proc = zygote.spawn(self.workdir, env, limits, stderr.fileno(), self.sandbox)
            if self.proc is None:
                command = strict_command(self.workdir, WORKER_SOURCE) if self._prefix \
                    else worker_command(standard_site(), WORKER_SOURCE)
                self.proc = subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=self.workdir, env=env,
                    start_new_session=True, preexec_fn=lambda: apply_limits(limits))
        finally:
            stderr.close()
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)

    def wait_loaded(self) -> Reply:
        """The outcome of importing the submission (cached until the worker is respawned)."""
        if self.load_reply is not None and self.load_reply.status != "loaded":
            return self.load_reply  # a file that failed to import fails again: do not pay the import twice
        if self.proc is None and self._budget_end is not None and time.monotonic() >= self._budget_end:
            return Reply("timeout", detail="the exercise's time budget is used up")
        if self.proc is None:
            self.start()
        if self.load_reply is None:
            self.load_reply = self._receive(self._load_deadline, started=self._load_started)
            if self.load_reply.status not in _LOAD_STATUSES:
                self.load_reply = Reply("protocol", detail=f"it answered the import with '{self.load_reply.status}'")
            if self.load_reply.status != "loaded":
                self.kill()
        return self.load_reply

    def call(self, args: list, kwargs: dict, seconds: float) -> Reply:
        loaded = self.wait_loaded()
        if loaded.status != "loaded":
            return loaded
        blobs: list[bytes] = []
        header = {"args": pack(list(args), blobs), "kwargs": pack(dict(kwargs), blobs)}
        started = time.monotonic()
        deadline = min(started + seconds, self._budget_end)
        sent = self._send(header, blobs, deadline)
        if sent is not None:
            return sent
        reply = self._receive(deadline, started)
        if reply.status in ("timeout", "crash", "protocol"):
            self.kill()
        return reply

    def kill(self) -> None:
        """Kill the worker and everything it started; the next call spawns a fresh one."""
        if self.proc is not None:
            if self.proc.returncode != 0:  # 0: its supervisor ended on its own, after stopping the worker's processes
                _kill_everything(self.proc)
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc = None
        if self._folder_fd is not None:
            os.close(self._folder_fd)
            self._folder_fd = None
        if self.workdir:
            remove_workdir(self.workdir)
            self.workdir = None

    def close(self) -> None:
        """End the worker once its grading is done. Its request pipe closes, so it exits, and its supervisor stops
        whatever it started and ends with status 0; a worker that is not gone within CLOSE_SECONDS is killed. (The
        grading's final sweep checks that nothing is left either way.)"""
        if self.proc is not None and self.proc.returncode is None:
            try:
                self.proc.stdin.close()
                _wait_exit(self.proc, CLOSE_SECONDS)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the pipe --------------------------------------------------------------------------------
    def _send(self, header: dict, blobs: list, deadline: float) -> Reply | None:
        self._request_id = secrets.token_hex(8)  # sent only now: no reply can be written before it is asked for
        data = memoryview(encode_message(dict(header, id=self._request_id), blobs))
        fd = self.proc.stdin.fileno()
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Reply("timeout", seconds=0.0)
            _, ready, _ = select.select([], [fd], [], remaining)
            if not ready:
                continue
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                return self._died(0.0)
        return None

    def _receive(self, deadline: float, started: float) -> Reply:
        fd = self.proc.stdout.fileno()

        def read_exact(size: int) -> bytes:
            buffer = bytearray()
            while len(buffer) < size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    raise TimeoutError
                try:
                    chunk = os.read(fd, min(size - len(buffer), 1 << 20))
                except BlockingIOError:
                    continue
                if not chunk:
                    raise EOFError
                buffer += chunk
            return bytes(buffer)

        try:
            (size,) = HEADER_LENGTH.unpack(read_exact(HEADER_LENGTH.size))
            if size > MAX_HEADER_BYTES:
                raise WireError(f"a reply header of {size} bytes is over the limit")
            header = decode_header(read_exact(size))
            if len(header["blobs"]) > MAX_REPLY_ARRAYS:
                raise WireError(f"a reply with {len(header['blobs'])} arrays is over the {MAX_REPLY_ARRAYS} limit")
            if sum(header["blobs"]) > MAX_REPLY_BYTES:
                raise WireError(f"a reply of {sum(header['blobs'])} bytes is over the {MAX_REPLY_BYTES} limit")
            arrays = [load_array(read_exact(n)) for n in header["blobs"]]
            if header.get("id") != self._request_id:
                raise WireError("a reply that answers no request of the grader's arrived first")
            header = checked_header(header)
        except TimeoutError:
            return Reply("timeout", seconds=time.monotonic() - started)
        except EOFError:
            return self._died(time.monotonic() - started)
        except WireError as err:
            return Reply("protocol", seconds=time.monotonic() - started, detail=str(err))
        output = _clip(header["output"], self.limits.output_chars)
        problem = array_problem(arrays)  # the worker checks too, but learner code can write the reply itself
        if problem is not None:
            return Reply("bad_output", dict(header, info=problem), [], time.monotonic() - started, output)
        return Reply(header["status"], header, arrays, time.monotonic() - started, output)

    def _died(self, seconds: float) -> Reply:
        code = None
        if self.proc is not None:
            try:
                code = _wait_exit(self.proc, 2)
            except subprocess.TimeoutExpired:
                pass
        output = _tail(self._folder_fd, ".output", self.limits.output_chars) if self._folder_fd is not None else ""
        if self._prefix and not isinstance(self.proc, zygote.Child) and code is not None and 128 < code < 160:
            code = 128 - code  # bwrap and unshare report a child's death by signal N as exit 128 + N
        detail = describe_exit(code, self.limits)
        self.kill()
        return Reply("crash", seconds=seconds, output=output, detail=detail)


# --- a spare worker, for a grader that stays up between gradings (grade watch, check() in a notebook) -------------

_SPARE: dict = {}


def prestart(sandbox: str, limits: Limits) -> None:
    """Spawn the next grading's worker now, while the learner edits: the next grading then only waits for the
    submission's own import. Call it outside a grading (its process-tree sweep would end the spare)."""
    discard_spare()
    spare = Worker(Path("unused"), "", "array", limits, sandbox)
    try:
        spare._spawn()
    except OSError:
        spare.kill()
        return
    if not _SPARE.get("registered"):
        import atexit
        atexit.register(discard_spare)
        _SPARE["registered"] = True
    _SPARE["worker"], _SPARE["owner"] = spare, os.getpid()


def discard_spare() -> None:
    spare = _SPARE.pop("worker", None)
    if spare is not None and _SPARE.get("owner") == os.getpid():  # a forked child leaves its parent's spare be
        spare.kill()


def _take_spare(worker: Worker) -> bool:
    """Hand the spare's process and (empty) work folder to `worker` when it was made for the same sandbox and
    limits and is still waiting; a spare that died or does not fit is discarded."""
    spare = _SPARE.pop("worker", None)
    if spare is None:
        return False
    if _SPARE.get("owner") != os.getpid():  # forked (a batch's grading process): the spare is its parent's
        return False
    if worker.trusted or (spare.sandbox, spare.limits) != (worker.sandbox, worker.limits) \
            or spare.proc is None or spare.proc.poll() is not None:
        spare.kill()
        return False
    worker.proc, worker.workdir, worker._folder_fd = spare.proc, spare.workdir, spare._folder_fd
    spare.proc = spare.workdir = spare._folder_fd = None
    return True


def describe_exit(code: int | None, limits: Limits) -> str:
    if code is None:
        return "the worker stopped answering"
    if code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        if number == signal.SIGXCPU:
            return f"it used more CPU time than allowed ({name})"
        if number == signal.SIGXFSZ:
            return f"it wrote a file larger than the {FILE_SIZE_LIMIT >> 20} MB limit ({name})"
        if number == signal.SIGSEGV:
            return "it crashed with a segmentation fault (SIGSEGV)"
        return f"it was ended by {name}"
    return f"the process exited with code {code} (os._exit or a hard crash)"


def _clip(text: str, limit: int) -> str:
    """Cut what the worker sent to the limit, keeping a visible note (the worker's own note may be cut off)."""
    if len(text) <= limit + 200:
        return text
    return text[:limit] + f"\n... [output truncated: {len(text) - limit} more characters not shown]"


def _tail(folder_fd: int, name: str, limit: int) -> str:
    """What the worker captured, read without following links or blocking (read_capture), as printable text."""
    data = read_capture(folder_fd, name, limit + 1)
    text = printable(data[:limit].decode("utf-8", "replace"))
    return text + ("\n... [output truncated]" if len(data) > limit else "")


def _copy_submission(submission: Path, workdir: Path) -> None:
    """Copy the submission and its sibling .py files: learners may import their own earlier work."""
    shutil.copyfile(submission, workdir / submission.name)
    copy_siblings(submission.parent, workdir, skip=submission.name)


def copy_siblings(folder: Path, workdir: Path, skip: str) -> None:
    """Copy the .py files of `folder` (but `skip`) into `workdir`: regular files only, no links, none too large."""
    siblings = sorted(p for p in folder.glob("*.py") if p.name != skip)
    for path in siblings[:MAX_SIBLING_FILES]:
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_SUBMISSION_BYTES:
                shutil.copyfile(path, workdir / path.name)
        except OSError:
            continue


def _wait_exit(proc, seconds: float) -> int | None:
    """The worker's exit code once its process has ended, waiting up to `seconds` (subprocess.TimeoutExpired if it
    does not end). A child of ours is watched through a pidfd, which wakes us when it ends: Popen.wait polls,
    sleeping 0.5, 1, 2, 4, 8 ms... (a zygote's child is waited for on the zygote's socket)."""
    if proc.returncode is not None:
        return proc.returncode  # reaped already: its pid may be another process's by now
    watch = None
    if isinstance(proc, subprocess.Popen) and hasattr(os, "pidfd_open"):
        try:
            watch = os.pidfd_open(proc.pid)  # not reaped yet, so the pid is still this child's
        except OSError:
            pass
    if watch is None:
        return proc.wait(timeout=seconds)
    try:
        select.select([watch], [], [], seconds)
    finally:
        os.close(watch)
    return proc.wait(timeout=0)


def _kill_everything(proc: subprocess.Popen) -> None:
    """Kill the worker's whole tree: descendants first (while the supervisor still adopts orphans), then it."""
    if isinstance(proc, zygote.Child) and proc.jailed:  # its pid is the jail's: the zygote kills the tree
        proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - the zygote kills before it reads another request
            pass
        return
    kill_tree(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
        _wait_exit(proc, 5)
    except (OSError, subprocess.TimeoutExpired):  # pragma: no cover - SIGKILL does not wait for anyone
        pass
