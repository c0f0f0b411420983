"""The worker process that imports and runs learner code, and the wire format both sides speak.

The parent runs this file's source as `python -I -S -c SOURCE SITE` (grader/isolation.py), so the worker
imports nothing of the grader and no site-packages: only the standard library and NumPy, from the folder SITE,
which holds NumPy alone. Messages are a JSON header plus raw `.npy` blobs, never pickles.
Run with the further argument `zygote`, the same source serves a batch grading process: it forks workers on request.
"""

import io
import json
import os
import signal
import struct
import sys
import time

if __name__ == "__main__":  # run as a worker, not imported by the grader
    sys.path.insert(0, sys.argv.pop(1))
    import site
    site.setquit()  # what -S leaves out but learner code may use: exit(), quit(), help(), copyright()
    site.sethelper()
    site.setcopyright()

import numpy as np  # noqa: E402

_LENGTH = struct.Struct(">Q")
MAX_HEADER_BYTES = 1 << 20


class WireError(Exception):
    """A message that is malformed or larger than the reader allows."""


# --- wire format (used by both sides) ----------------------------------------------------------------

def pack(value, blobs):
    """Turn a value into a JSON-able tree; arrays go to `blobs` as .npy bytes."""
    if isinstance(value, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        blobs.append(buffer.getvalue())
        return {"$array": len(blobs) - 1}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"$tuple": [pack(item, blobs) for item in value]}
    if isinstance(value, list):
        return [pack(item, blobs) for item in value]
    if isinstance(value, dict):
        return {"$dict": {str(key): pack(item, blobs) for key, item in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot send a {type(value).__name__}")


def unpack(tree, arrays):
    if isinstance(tree, dict):
        if "$array" in tree:
            return arrays[tree["$array"]]
        if "$tuple" in tree:
            return tuple(unpack(item, arrays) for item in tree["$tuple"])
        if "$dict" in tree:
            return {key: unpack(item, arrays) for key, item in tree["$dict"].items()}
        raise WireError("unknown value in message")
    if isinstance(tree, list):
        return [unpack(item, arrays) for item in tree]
    return tree


def encode_message(header, blobs=()):
    header = dict(header, blobs=[len(blob) for blob in blobs])
    head = json.dumps(header).encode("utf-8")
    return b"".join([_LENGTH.pack(len(head)), head, *blobs])


def decode_header(head_bytes):
    try:
        header = json.loads(head_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WireError("the message header is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("blobs"), list) or \
            not all(isinstance(n, int) and n >= 0 for n in header["blobs"]):
        raise WireError("the message header is malformed")
    return header


def load_array(blob):
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as err:  # any malformed .npy is the sender's fault, whatever NumPy raises
        raise WireError(f"an array in the message is malformed ({type(err).__name__})") from None
    if not isinstance(array, np.ndarray):
        raise WireError("an array in the message is malformed")
    return array


def _read_exact(stream, size):
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream):
    """Blocking read used by the worker (the parent reads with deadlines, in sandbox.py)."""
    (size,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size))
    header = decode_header(_read_exact(stream, size))
    arrays = [load_array(_read_exact(stream, n)) for n in header["blobs"]]
    return header, arrays


# --- the worker ----------------------------------------------------------------------------------------

class _BoundedText(io.TextIOBase):
    """Stands in for sys.stdout/stderr: keeps the first `limit` characters, counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... [{self.dropped} more characters not shown]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


class _Blocker:
    """A meta-path finder that keeps the grader and the reference solutions out of learner code."""

    BLOCKED = ("grader", "solutions")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ImportError(f"'{name}' is not available to submissions")
        return None


def _describe_exception(err, tb, workdir):
    import traceback
    frames = [frame for frame in traceback.extract_tb(tb) if frame.filename.startswith(workdir)]
    lines = []
    for frame in frames[-6:]:
        name = os.path.basename(frame.filename)
        lines.append(f'  File "{name}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line}")
    try:
        text = str(err)
    except BaseException:
        text = "(the exception's message could not be read)"
    return {"type": type(err).__name__[:100], "message": text[:2000], "traceback": "\n".join(lines)[:4000],
            "line": frames[-1].lineno if frames else None}


def _describe_output(value, returns, max_bytes):
    """Check the learner's return value and turn it into something sendable."""
    if returns == "tuple":
        if not isinstance(value, (tuple, list)):
            return {"kind": "wrong_type", "type": type(value).__name__}, None
        parts = []
        for item in value:
            if not isinstance(item, np.ndarray):
                return {"kind": "wrong_type", "type": f"{type(value).__name__} holding a {type(item).__name__}",
                        "length": len(value)}, None
            parts.append(np.asarray(item))
        arrays = parts
    else:
        if not isinstance(value, np.ndarray):
            info = {"kind": "wrong_type", "type": type(value).__name__}
            if isinstance(value, (list, tuple)):
                info["length"] = len(value)
            return info, None
        arrays = [np.asarray(value)]
    for array in arrays:
        if array.dtype.kind not in "biuf":
            return {"kind": "bad_dtype", "dtype": str(array.dtype), "shape": list(array.shape)}, None
        if array.nbytes > max_bytes:
            return {"kind": "too_large", "shape": list(array.shape), "nbytes": int(array.nbytes)}, None
    return {"kind": "ok", "count": len(arrays)}, [np.asarray(a, order="C") for a in arrays]  # 0-d stays 0-d


def _run(requests, replies, workdir, capture_fd):
    out_text = _BoundedText(2000)

    def output_since(offset):
        text = out_text.take()
        size = os.fstat(capture_fd).st_size
        if size > offset:
            raw = os.pread(capture_fd, min(size - offset, 4000), offset).decode("utf-8", "replace")
            text += raw + (f"\n... [{size - offset - 4000} more bytes not shown]" if size - offset > 4000 else "")
        return text, size

    def reply(header, blobs=()):
        data = encode_message(dict(header, id=request_id), blobs)  # the id tells stale or forged replies apart
        view = memoryview(data)
        while view:
            written = os.write(replies, view)
            view = view[written:]

    header, _ = read_message(requests)
    request_id = header.get("id")
    if header.get("drop", True):
        _drop_root(workdir)
    out_text.limit = int(header.get("output_chars", 2000))
    max_bytes = int(header.get("max_output_bytes", 64 << 20))
    returns = header.get("returns", "array")
    sys.stdout = sys.stderr = out_text
    offset = 0
    started = time.perf_counter()
    try:
        import importlib.util
        spec = importlib.util.spec_from_file_location("submission", os.path.join(workdir, header["file"]))
        module = importlib.util.module_from_spec(spec)
        sys.modules["submission"] = module
        spec.loader.exec_module(module)
        function = getattr(module, header["function"], None)
    except BaseException as err:
        text, offset = output_since(offset)
        kind = "syntax" if isinstance(err, SyntaxError) else "import"
        info = _describe_exception(err, err.__traceback__, workdir)
        if isinstance(err, SyntaxError):
            info.update(line=err.lineno, message=err.msg)
        reply({"status": kind, "error": info, "output": text})
        return
    text, offset = output_since(offset)
    if not callable(function):
        reply({"status": "missing", "output": text})
        return
    reply({"status": "loaded", "output": text, "seconds": time.perf_counter() - started})
    while True:
        try:
            header, arrays = read_message(requests)
        except EOFError:
            return
        request_id = header.get("id")
        args = unpack(header["args"], arrays)
        kwargs = unpack(header["kwargs"], arrays)
        started = time.perf_counter()
        try:
            value = function(*args, **kwargs)
            seconds = time.perf_counter() - started
            info, blobs = _describe_output(value, returns, max_bytes)
            del value
        except NotImplementedError as err:
            text, offset = output_since(offset)
            reply({"status": "not_implemented", "error": _describe_exception(err, err.__traceback__, workdir),
                   "output": text})
            continue
        except BaseException as err:  # SystemExit, KeyboardInterrupt and MemoryError are learner outcomes too
            text, offset = output_since(offset)
            reply({"status": "exception", "error": _describe_exception(err, err.__traceback__, workdir),
                   "output": text})
            continue
        text, offset = output_since(offset)
        if blobs is None:
            reply({"status": "bad_output", "info": info, "output": text, "seconds": seconds})
        else:
            reply({"status": "ok", "info": info, "output": text, "seconds": seconds},
                  [encode_array(array) for array in blobs])


def _drop_root(workdir):
    """Graded by root, learner code runs as `nobody` where Python stays usable so, else as root without capabilities
    (so it cannot read or write the grader's memory, ptrace it, or override file permissions)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        import pwd
        entry = pwd.getpwnam("nobody")
        uid, gid = entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        uid = gid = 65534
    numpy_site = os.path.dirname(os.path.dirname(np.__file__))  # links, in standard mode: check where they lead
    libraries = [os.path.dirname(os.__file__), numpy_site, os.path.realpath(os.path.dirname(np.__file__)), workdir]
    if all(_world_reachable(path) for path in libraries):
        try:
            for name in ["", *os.listdir(workdir)]:  # the worker's own folder stays the learner's to use
                os.lchown(os.path.join(workdir, name), uid, gid)
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            return
        except OSError:
            pass  # e.g. in a user namespace that does not map `nobody`: drop the capabilities instead
    _drop_capabilities()


def _world_reachable(path):
    """True when any user can list `path` and pass through every folder above it."""
    import stat
    try:
        if os.stat(path).st_mode & 0o005 != 0o005:
            return False
        while path != os.path.dirname(path):
            path = os.path.dirname(path)
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
    except OSError:
        return False
    return True


def _drop_capabilities():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: no setuid programs
        for number in range(64):
            libc.prctl(24, number, 0, 0, 0)  # PR_CAPBSET_DROP: no capabilities back through exec
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        libc.capset(header, (ctypes.c_uint32 * 6)())  # effective, permitted, inheritable: none
    except (OSError, AttributeError):
        pass  # not Linux


def encode_array(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def main(lifeline=None):
    """Become a supervisor that outlives nothing: fork the worker, reap and kill whatever it leaves behind.

    Started by the grader, the supervisor watches its parent; forked by a zygote, it watches `lifeline`, a pipe
    whose only write end the grading process holds (readable, at EOF, once that process is gone)."""
    if lifeline is None:
        parent = os.getppid()
        alive = lambda: os.getppid() == parent  # noqa: E731
    else:
        import select
        alive = lambda: not select.select([lifeline], [], [], 0)[0]  # noqa: E731
    _set_subreaper()  # orphans of learner processes (even after setsid) re-parent here, not to init
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    child = os.fork()
    if child == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        try:
            if lifeline is not None:
                os.close(lifeline)
            worker_main()
        finally:
            os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # the supervisor holds no end of the pipes, so the parent sees EOF when the worker dies
    os.dup2(devnull, 1)
    _supervise(child, alive)


def _supervise(child, alive):
    status = None
    while status is None and alive():
        signal.sigtimedwait([signal.SIGCHLD], 0.25)
        status = _reap(child)
    kill_tree(os.getpid())
    while _reap(None) != "none":
        pass
    if status is None or os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status) if status is not None else 0)
    number = os.WTERMSIG(status)  # die the way the worker died, so the parent can explain it
    try:
        signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
    except (OSError, ValueError):
        pass
    os.kill(os.getpid(), number)
    os._exit(128 + number)


def _reap(child):
    """Reap every finished child; return the worker's wait status once it ended (or "none" if no children)."""
    found = None
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return found if found is not None else "none"
        if pid == 0:
            return found
        if pid == child:
            found = status


def _set_subreaper():
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass  # not Linux: the process group kill still applies


# --- process trees (used by the supervisor and by the parent) ----------------------------------------

def _process_table():
    """pid -> (ppid, session id, state) for every process /proc shows."""
    table = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # the command name may contain spaces and parentheses
        if len(fields) > 3:
            table[int(name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def tree_members(root):
    """Live processes below `root` (by parent links) or in its session, not counting `root` itself."""
    table = _process_table()
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found = {pid for pid, (_, sid, _) in table.items() if sid == root}
    stack = [root, *found]  # also what session members started: the supervisor may be gone already
    while stack:
        for pid in children.get(stack.pop(), ()):
            if pid not in found:
                found.add(pid)
                stack.append(pid)
    found.discard(root)
    found.discard(os.getpid())
    return sorted(pid for pid in found if table.get(pid, (0, 0, "Z"))[2] not in "ZX")


def kill_tree(root, rounds=200):
    """SIGKILL everything below `root` until nothing is left (a process may fork while we scan)."""
    for _ in range(rounds):
        members = tree_members(root)
        if not members:
            return True
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.002)
    return False


def worker_main():
    workdir = os.getcwd()
    # Requests arrive on fd 0 and replies leave on fd 1; move both out of the learner's way and send the
    # learner's own fd-level output to a file the worker reads back after every call.
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    capture_fd = os.open(os.path.join(workdir, ".output"), os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    os.dup2(capture_fd, 1)
    os.dup2(capture_fd, 2)
    sys.meta_path.insert(0, _Blocker())
    sys.path.insert(0, workdir)
    _run(requests, replies, workdir, capture_fd)


def apply_limits(values):
    """Set each RLIMIT named in `values` (soft and hard), never above a hard limit already in force."""
    import resource
    for name, value in values.items():
        limit = getattr(resource, name)
        soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, value + 1 if name == "RLIMIT_CPU" else value))


# --- the zygote: NumPy imported once, a fresh supervisor forked per learner (grader/zygote.py drives it) ------

def zygote_main():
    """Serve the grader on fd 0 (a Unix socket): fork learners' supervisors, report how they ended. No learner
    code ever runs in this process; everything a learner does happens in a child that never returns here."""
    import resource  # noqa: F401 - imported once here rather than in every child (apply_limits)
    import select
    import socket
    control = socket.socket(fileno=0)
    _set_subreaper()  # a learner's orphans whose supervisor was killed come here, and die before the next learner
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    live = set()
    import gc
    gc.freeze()  # the children's garbage collector then never walks (and so never copies) the zygote's objects
    try:
        while True:
            ready = select.select([control, wake_r], [], [])[0]
            if wake_r in ready:
                os.read(wake_r, 4096)
            _report_exits(control, live)
            if control not in ready:
                continue
            data, fds, _, _ = socket.recv_fds(control, 1 << 16, 8)
            if not data:
                return  # the grading process is gone
            try:
                request = json.loads(data)
                if request["op"] == "spawn" and len(fds) == 4:
                    _kill_strays(live)
                    pid = _fork_learner(request, fds, control)
                    live.add(pid)
                    control.send(json.dumps({"spawned": pid}).encode())
                elif request["op"] == "kill" and request["pid"] in live:
                    os.kill(request["pid"], signal.SIGKILL)  # not reaped yet, so the pid is still ours
            except (ValueError, KeyError, TypeError):
                pass  # only the grader holds the other end; a malformed request is dropped, not obeyed
            finally:
                for fd in fds:
                    os.close(fd)
    finally:
        kill_tree(os.getpid())
        os._exit(0)


def _fork_learner(request, fds, control):
    """Fork one learner's supervisor: new session, its own pipes, folder, environment and limits."""
    pid = os.fork()
    if pid:
        return pid
    try:
        control.detach()  # fd 0 is about to become the learner's request pipe
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        for target, fd in enumerate(fds):  # request pipe, reply pipe, stderr file, lifeline -> fds 0..3
            os.dup2(fd, target)
        os.closerange(4, 1 << 16)  # the control socket, the zygote's own pipe, the other received fds
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        apply_limits(request["limits"])
        if "tempfile" in sys.modules:
            sys.modules["tempfile"].tempdir = None  # read TMPDIR afresh
        if "numpy.random" in sys.modules:  # NumPy imports it lazily; if it is here, do not repeat its state
            np.random.seed()
        sys.argv = ["-c"]
        main(lifeline=3)
    finally:
        os._exit(70)


def _report_exits(control, live):
    """Reap finished children; tell the grader how each learner's supervisor ended (strays are just reaped)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in live:
            live.discard(pid)
            control.send(json.dumps({"exited": pid, "status": status}).encode())


def _kill_strays(live):
    """Kill whatever a previous learner left that re-parented here (its supervisor was killed first)."""
    me = os.getpid()
    for pid, (ppid, _, state) in _process_table().items():
        if ppid == me and pid not in live and state not in "ZX":
            kill_tree(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


if __name__ == "__main__":
    zygote_main() if sys.argv[1:] == ["zygote"] else main()
