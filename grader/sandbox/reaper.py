"""Process trees: find and kill everything a learner's code started, and adopt its orphans (a subreaper).

Used by the worker's supervisor and zygote (part of launch.WORKER_SOURCE) and by the grader: it ends a worker with
`kill_tree`, and for a whole grading it is itself a subreaper (`GradingSubreaper`), so that orphans which escaped a
killed supervisor come back to it and die before any result is written (`GradingSubreaper.sweep`).
"""

import os
import signal
import time


def set_subreaper(on=1):
    """Orphans of processes below this one (even after setsid) re-parent here, not to init (`on=0`: no longer)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, on, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass  # not Linux: the process group kill still applies


def subreaper_flag():
    """This process's PR_GET_CHILD_SUBREAPER (0 or 1); None where there is none (not Linux)."""
    try:
        import ctypes
        value = ctypes.c_int(0)
        if ctypes.CDLL(None, use_errno=True).prctl(37, ctypes.byref(value), 0, 0, 0) != 0:
            return None
        return value.value
    except (OSError, AttributeError):
        return None


def has_children():
    """Whether this process has a child, finished or not. A subreaper without one has nothing below it at all: the
    orphans of its descendants would be its children. (No scan of /proc: ~1 ms each on a quiet machine.)"""
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return True


def process_table():
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
    table = process_table()
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


# --- the grader's side: one subreaper for a whole grading ------------------------------------------------------------

WORKER_HARD_LIMITS = {"Max file size": 64 << 20, "Max core file size": 0}  # every worker's (launch.rlimit_values)


class GradingSubreaper:
    """For one grading, this process (not only the supervisor a learner can kill) is a child subreaper: whatever a
    worker's processes leave behind (setsid, double forks, chains that exit at once) re-parents here and is killed
    by `sweep` on leaving (`clean` then says whether none was left), before a result is written. On leaving, the
    flag is put back as it was. The host (pytest, a program
    that calls the grader) keeps its children: those it had before are never searched, and of the rest only
    processes under a worker's limits are touched."""

    def __enter__(self):
        self.clean = False
        self.flag = subreaper_flag()
        self.host = frozenset(pid for pid, (ppid, _, _) in process_table().items()
                              if ppid == os.getpid() and not _is_zygote(pid))
        if self.flag == 0:
            set_subreaper(1)
        return self

    def __exit__(self, *exc):
        try:
            self.clean = self.sweep()  # the caller checks it before writing a result
        finally:
            if self.flag == 0:
                set_subreaper(0)

    def sweep(self, seconds=5.0, adopted_only=False):
        """Kill and reap every grading process left below this one (once the grading's workers are closed); True
        when none is left within `seconds`. `adopted_only`: only orphans adopted here and their trees (a batch's
        parent, whose grading processes go on working)."""
        me = os.getpid()
        deadline = time.monotonic() + seconds
        while True:
            table = process_table()
            children = {}
            for pid, (ppid, _, _) in table.items():
                children.setdefault(ppid, []).append(pid)
            stack = [pid for pid in children.get(me, ()) if pid not in self.host and not (adopted_only and
                                                                                            not _is_grading(pid))]
            left = []
            while stack:  # a batch process's zygote carries no limits: its tree is searched, it is not killed
                pid = stack.pop()
                stack.extend(children.get(pid, ()))
                if _is_grading(pid):
                    left.append(pid)
            live = [pid for pid in left if table[pid][2] not in "ZX"]
            for pid in live:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid in left:
                if table[pid][0] == me:  # our own (adopted) child: reap it, or it stays a zombie of the host
                    try:
                        os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        pass
            if not live:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)


def _is_zygote(pid):
    """True for a batch grading process's zygote (zygote.py): a child of ours started as `... zygote`, whose
    learners' processes belong to the grading, though it was there before."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().endswith(b"\0zygote\0")
    except OSError:
        return False


def _is_grading(pid):
    """True when `pid` runs under a worker's hard limits (inherited by all it starts; no one can raise them)."""
    try:
        with open(f"/proc/{pid}/limits", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return False
    found = {}
    for line in text.splitlines():
        name = line[:26].strip()
        if name in WORKER_HARD_LIMITS:
            fields = line[26:].split()
            found[name] = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None
    return all(found.get(name) is not None and found[name] <= limit for name, limit in WORKER_HARD_LIMITS.items())
