"""What learner code may use: resource limits set before the worker starts, and the rights it runs with.

Part of the worker's source (launch.WORKER_SOURCE); the grader also calls `apply_limits` in a directly spawned
worker before it runs Python.
"""

import os


def apply_limits(values):
    """Set each RLIMIT named in `values` (soft and hard), never above a hard limit already in force."""
    import resource
    for name, value in values.items():
        limit = getattr(resource, name)
        soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, value + 1 if name == "RLIMIT_CPU" else value))


def drop_root(workdir):
    """Graded by root, learner code runs as `nobody` where Python stays usable so, else as root without capabilities
    (so it cannot read or write the grader's memory, ptrace it, or override file permissions)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    import numpy as np  # imported already: the worker's own copy, from its site folder
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
