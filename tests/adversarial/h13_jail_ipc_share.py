# Leaves SysV shared memory, a message queue, semaphores and a POSIX message queue, and reads any a learner left.
# modes: strict
import ctypes
import ctypes.util
import os

KEY = 0x13A11C0
IPC_CREAT, IPC_EXCL = 0o1000, 0o2000
found, made = 0, 0
libc = ctypes.CDLL(None, use_errno=True)
for table in ("shm", "msg", "sem"):  # any object at all, before this file makes its own
    try:
        with open(f"/proc/sysvipc/{table}") as lines:
            found += sum(1 for line in lines) - 1
    except OSError:
        pass
for offset, (get, args) in enumerate([(libc.shmget, (4096,)), (libc.msgget, ()), (libc.semget, (3,))]):
    if get(KEY + offset, *args, 0o666) >= 0:  # already there: someone else's, shared with us
        found += 1
    elif get(KEY + offset, *args, IPC_CREAT | IPC_EXCL | 0o666) >= 0:
        made += 1
try:
    librt = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)
    if librt.mq_open(b"/h13-jail-queue", os.O_RDWR) >= 0:
        found += 1
    elif librt.mq_open(b"/h13-jail-queue", os.O_RDWR | os.O_CREAT, ctypes.c_uint(0o666), None) >= 0:
        made += 1
except OSError:
    pass


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError(f"made {made} IPC objects, found {found} left by others")
