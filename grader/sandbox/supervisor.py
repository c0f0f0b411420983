"""The worker's supervisor: it forks the worker, adopts and kills whatever the worker leaves, and dies as it died.

Part of the worker's source (launch.WORKER_SOURCE): the process the grader (or a zygote) starts is this supervisor.
"""

import os
import signal

if __name__ != "__main__":  # imported by the grader; in the worker all pieces share one namespace (launch.py)
    from .reaper import has_children, kill_tree, set_subreaper
    from .worker_main import worker_main


def supervise(lifeline=None):
    """Become a supervisor that outlives nothing: fork the worker, reap and kill whatever it leaves behind.

    Started by the grader, the supervisor watches its parent; forked by a zygote, it watches `lifeline`, a pipe
    whose only write end the grading process holds (readable, at EOF, once that process is gone)."""
    if lifeline is None:
        parent = os.getppid()
        alive = lambda: os.getppid() == parent  # noqa: E731
    else:
        import select
        alive = lambda: not select.select([lifeline], [], [], 0)[0]  # noqa: E731
    set_subreaper()  # orphans of learner processes (even after setsid) re-parent here, not to init
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
    _watch(child, alive)


def _watch(child, alive):
    status = None
    while status is None and alive():
        signal.sigtimedwait([signal.SIGCHLD], 0.25)
        status = _reap(child)
    if has_children():  # the worker's processes, or orphans they left (this is a subreaper)
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
