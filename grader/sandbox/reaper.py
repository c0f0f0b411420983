"""Process trees: find and kill everything a learner's code started, and adopt its orphans (a subreaper).

Used by the worker's supervisor and zygote (part of launch.WORKER_SOURCE) and by the grader when it ends a worker.
"""

import os
import signal
import time


def set_subreaper():
    """Orphans of processes below this one (even after setsid) re-parent here, not to init."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass  # not Linux: the process group kill still applies


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
