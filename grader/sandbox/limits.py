"""What learner code may use: resource limits set before the worker starts, and the rights it runs with.

Part of the worker's source (launch.WORKER_SOURCE); the grader also calls `apply_limits` in a directly spawned
worker before it runs Python.
"""

import os

if __name__ != "__main__":  # imported by the grader; in the worker all pieces share one namespace (launch.py)
    from .confine import confine, drop_capabilities

WORKER_UID_BASE = 0x7F000000  # root's workers: uid/gid this + pid, owned by no file or user, one per worker


def apply_limits(values):
    """Set each RLIMIT named in `values` (soft and hard), never above a hard limit already in force."""
    import resource
    for name, value in values.items():
        limit = getattr(resource, name)
        soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, value + 1 if name == "RLIMIT_CPU" else value))


_LIBRARIES = []  # (libraries, the real paths a worker needs to read): found once per process, e.g. by a zygote


def library_paths():
    """Python's and NumPy's folders (NumPy's through the site links of standard mode), and the real paths behind
    them and everything in NumPy's site folder: what a confined worker must still read. A zygote finds them before
    it forks anyone (~0.8 ms of every learner's start otherwise)."""
    if not _LIBRARIES:
        import numpy as np  # imported already: the worker's own copy, from its site folder
        numpy_site = os.path.dirname(os.path.dirname(np.__file__))  # links, in standard mode: check where they lead
        libraries = [os.path.dirname(os.__file__), numpy_site, os.path.realpath(os.path.dirname(np.__file__))]
        needed = {os.path.realpath(path) for path in (*libraries, __import__("sys").base_prefix)}
        needed |= {os.path.realpath(os.path.join(numpy_site, name)) for name in os.listdir(numpy_site)}
        _LIBRARIES.append((libraries, needed))
    return _LIBRARIES[0]


def drop_root(workdir):
    """Before learner code runs: everything but `workdir` read-only (confine.py), and graded by root, an
    unprivileged uid of this worker's own that can still read Python and NumPy (so it cannot write root's files,
    signal the grader or another learner's worker, read the grader's memory or ptrace it)."""
    libraries, needed = library_paths()
    # the work folder too: with TMPDIR in a folder others cannot pass, the tmpfs laid over that folder for the
    # site links beside it would hide the learner's own file ("FileNotFoundError" while importing it)
    confine(workdir, sorted({*needed, os.path.realpath(workdir)}))
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    uid = gid = WORKER_UID_BASE + os.getpid() % (1 << 22)  # pids of live processes differ, so do their uids
    if all(_world_reachable(path) for path in [*libraries, os.path.dirname(workdir)]):
        try:
            for name in ["", *os.listdir(workdir)]:  # the worker's own folder stays the learner's to use
                os.lchown(os.path.join(workdir, name), uid, gid)
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            drop_capabilities()  # none are left; this sets no_new_privs
            return
        except OSError:
            pass  # e.g. in a user namespace that maps no other uid: drop the capabilities instead
    drop_capabilities()


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
