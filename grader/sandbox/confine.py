"""Standard mode's walls, raised in the worker just before learner code runs: a private mount namespace in which the
whole file system but the work folder is read-only (for a plain user, /proc is empty too), and a private IPC
namespace (no SysV or POSIX IPC object of learner code outlives it or is shared with another learner).

Part of the worker's source (launch.WORKER_SOURCE): the standard library and ctypes only. A plain user first enters
a new user namespace (its uid mapped to itself), which the kernel requires for the other two, and then drops the
capabilities it gave. Root needs none; graded by root, a folder the unprivileged worker could not pass through
(Python under /root, say) is covered by an empty tmpfs into which only what the worker needs is bound back. Where the
kernel refuses (no user namespaces, not Linux) nothing changes: `confine` says so and security.md says what standard
mode then cannot keep. In strict mode the jail's root is read-only already, and nothing is done here.
"""

import os
import sys

CONFINE_FLAGS = {"newns": 0x00020000, "newipc": 0x08000000, "newuser": 0x10000000, "newuts": 0x04000000}
MOUNT_FLAGS = {"rdonly": 1, "nosuid": 2, "nodev": 4, "noexec": 8, "remount": 32, "bind": 4096, "rec": 16384,
               "private": 1 << 18, "noatime": 1024, "nodiratime": 2048, "relatime": 1 << 21}
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (a syscall added after 5.1)


def confine(workdir, needed=()):
    """Make every file outside `workdir` read-only for this process and all it starts; True if done.

    `needed`: folders the worker must still read after giving up root (the interpreter, NumPy)."""
    if not sys.platform.startswith("linux") or os.statvfs("/").f_flag & os.ST_RDONLY:
        return False  # not Linux, or already in strict mode's read-only jail
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.geteuid(), os.getegid()
    flags = CONFINE_FLAGS["newns"] | CONFINE_FLAGS["newipc"] | (0 if uid == 0 else CONFINE_FLAGS["newuser"])
    if libc.unshare(flags) != 0:
        return False
    try:
        if uid != 0:
            libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: after a change of uid, /proc/self would be root's
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as handle:
                    handle.write(text)
        _mount_call(libc, None, "/", MOUNT_FLAGS["rec"] | MOUNT_FLAGS["private"])  # nothing propagates to the host
        _mount_call(libc, workdir, workdir, MOUNT_FLAGS["bind"])  # a mount of its own, writable again below
        if uid == 0:
            _bind_back_through_tmpfs(libc, needed)  # root's worker gets a uid of its own: other /proc/PID are closed
        else:  # /proc/PID/root of any process of the same user leads back into the host's writable mounts
            _mount_call(libc, "none", "/proc", MOUNT_FLAGS["nosuid"] | MOUNT_FLAGS["nodev"], "tmpfs", "size=4k")
        _set_read_only(libc, "/", True)
        _set_read_only(libc, workdir, False)
        os.chdir(workdir)  # the working folder was found before its mount was made: find it again, through it
        return True
    except OSError:
        return False
    finally:
        if uid != 0:
            drop_capabilities()  # the user namespace's capabilities must not reach learner code


def private_namespaces():
    """In a jail a zygote serves many learners from (strict batch): this process and all it starts get IPC and UTS
    namespaces of their own, so no SysV or POSIX IPC object (they outlive their processes) or host name of one
    learner reaches the next. The jail's network namespace is kept: nothing in it outlives a learner's processes,
    and its loopback is up, as in a jail of one's own. True if made; False where the jail gives no right to make
    them (bubblewrap run by a plain user), and the grader then starts a jail per learner instead."""
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flags = CONFINE_FLAGS["newipc"] | CONFINE_FLAGS["newuts"]
        return libc.unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def drop_capabilities():
    """No capability in any set, none to regain through exec, no setuid programs (no_new_privs)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        for number in range(64):
            libc.prctl(24, number, 0, 0, 0)  # PR_CAPBSET_DROP
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        libc.capset(header, (ctypes.c_uint32 * 6)())  # effective, permitted, inheritable: none
    except (OSError, AttributeError):
        pass  # not Linux


def _mount_call(libc, source, target, flags, fstype=None, data=None):
    encode = lambda text: None if text is None else os.fsencode(text)  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)) != 0:
        number = __import__("ctypes").get_errno()
        raise OSError(number, os.strerror(number), target)


def _set_read_only(libc, target, read_only):
    """Set (recursively) or clear (this mount only) the read-only flag, keeping every other flag."""
    import ctypes
    attr = (ctypes.c_uint64 * 4)(1 if read_only else 0, 0 if read_only else 1, 0, 0)  # set, clear, propagation, fd
    done = libc.syscall(SYS_MOUNT_SETATTR, -100, os.fsencode(target), 0x8000 if read_only else 0, attr, 32)
    if done == 0:
        return
    for point, options in _mounts(target if not read_only else "/"):  # kernels before 5.12: one mount at a time
        flags = MOUNT_FLAGS["remount"] | MOUNT_FLAGS["bind"] | (MOUNT_FLAGS["rdonly"] if read_only else 0)
        flags |= sum(MOUNT_FLAGS[name] for name in options if name in MOUNT_FLAGS and name != "rdonly")
        try:
            _mount_call(libc, None, point, flags)
        except OSError:
            if point in ("/", target):
                raise


def _mounts(under):
    """(mount point, its per-mount options) for every mount at or below `under`, outermost first."""
    found = []
    with open("/proc/self/mountinfo", "rb") as handle:
        for line in handle.read().decode("utf-8", "surrogateescape").splitlines():
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")  # spaces and such come as octal escapes
            if point == under or point.startswith(under.rstrip("/") + "/"):
                found.append((point, fields[5].split(",")))
    return sorted(found, key=lambda item: item[0].count("/"))


def _bind_back_through_tmpfs(libc, needed):
    """Cover each highest folder that others cannot pass through with an empty tmpfs, then bind the needed
    folders below it back at their own paths (so an unprivileged worker reaches them, and nothing else there)."""
    blocked = {}
    for path in needed:
        parts = os.path.realpath(path).split("/")[1:]
        for depth in range(1, len(parts)):
            above = "/" + "/".join(parts[:depth])
            if not os.stat(above).st_mode & 0o001:
                blocked.setdefault(above, []).append(os.path.realpath(path))
                break
    for top, paths in blocked.items():
        paths = sorted(set(paths))
        paths = [path for path in paths if not any(path.startswith(other + "/") for other in paths)]
        handles = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in paths]
        _mount_call(libc, "none", top, MOUNT_FLAGS["nosuid"] | MOUNT_FLAGS["nodev"], "tmpfs", "mode=755,size=64k")
        for path, handle in handles:
            current = top
            for part in path[len(top) + 1:].split("/"):
                current += "/" + part
                if not os.path.isdir(current):
                    os.mkdir(current, 0o755)
                    os.chmod(current, 0o755)
            _mount_call(libc, f"/proc/self/fd/{handle}", path, MOUNT_FLAGS["bind"] | MOUNT_FLAGS["rec"])
            os.close(handle)
