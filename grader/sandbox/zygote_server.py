"""The zygote's side: NumPy imported once, a fresh supervisor forked per learner (zygote.py is the grader's side).

Part of the worker's source (launch.WORKER_SOURCE), run as `python -I -S -c SOURCE SITE zygote`.
"""

import json
import os
import signal
import sys

NO_PRIVATE_NAMESPACES = 3  # a jailed zygote's exit code where it cannot give each learner namespaces of its own

if __name__ != "__main__":  # imported by the grader; in the worker all pieces share one namespace (launch.py)
    from .confine import private_namespaces
    from .limits import apply_limits, library_paths
    from .reaper import has_children, kill_tree, process_table, set_subreaper
    from .supervisor import supervise


def zygote_main(jailed=False):
    """Serve the grader on fd 0 (a Unix socket): fork learners' supervisors, report how they ended. No learner
    code ever runs in this process; everything a learner does happens in a child that never returns here.

    `jailed`: inside a strict jail that serves many learners, each learner's child gets IPC and UTS namespaces of
    its own (confine.private_namespaces); where that cannot be done, the zygote exits at once
    (NO_PRIVATE_NAMESPACES)."""
    import resource  # noqa: F401 - imported once here rather than in every child (apply_limits)
    library_paths()  # found once here rather than in every child (drop_root)
    if jailed and not _namespaces_work():
        os._exit(NO_PRIVATE_NAMESPACES)
    import select
    import socket
    control = socket.socket(fileno=0)
    set_subreaper()  # a learner's orphans whose supervisor was killed come here, and die before the next learner
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
                    pid = _fork_learner(request, fds, control, jailed)
                    live.add(pid)
                    control.send(json.dumps({"spawned": pid}).encode())
                elif request["op"] == "kill" and request["pid"] in live:
                    kill_tree(request["pid"])  # not reaped yet, so the pid is still ours
                    os.kill(request["pid"], signal.SIGKILL)
                elif request["op"] == "clear":  # before the next learner's folder is made: nothing may write in it
                    _kill_strays(live)
                    control.send(json.dumps({"cleared": True}).encode())
            except (ValueError, KeyError, TypeError):
                pass  # only the grader holds the other end; a malformed request is dropped, not obeyed
            finally:
                for fd in fds:
                    os.close(fd)
    finally:
        kill_tree(os.getpid())
        os._exit(0)


def _fork_learner(request, fds, control, jailed=False):
    """Fork one learner's supervisor: new session, its own pipes, folder, environment and limits (and in a jail,
    its own IPC and UTS namespaces)."""
    pid = os.fork()
    if pid:
        return pid
    try:
        if jailed and not private_namespaces():
            os._exit(NO_PRIVATE_NAMESPACES)  # checked when the zygote started: never share them instead
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
            sys.modules["numpy.random"].seed()
        sys.argv = ["-c"]
        supervise(lifeline=3)
    finally:
        os._exit(70)


def _namespaces_work():
    """Can a child of this zygote get namespaces of its own here? Tried in a throwaway child."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if private_namespaces() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


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
    if not live and not has_children():  # the usual case: the last learner's supervisor ended and was reaped
        return
    me = os.getpid()
    for pid, (ppid, _, state) in process_table().items():
        if ppid == me and pid not in live and state not in "ZX":
            kill_tree(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
