# Creates a SysV shared memory segment, a SysV message queue and a POSIX shared memory file, and never removes them.
# modes: standard strict
import ctypes

IPC_PRIVATE, IPC_CREAT = 0, 0o1000


def _create():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)
    queue = libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
    message = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + 8)
    ctypes.c_long.from_buffer(message).value = 1
    libc.msgsnd(queue, message, 8, 0o4000)  # IPC_NOWAIT: the queue now names this process as its last sender
    try:
        with open("/dev/shm/h13-{MARKER}", "w") as handle:
            handle.write("left behind")
    except OSError:
        pass


_create()


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError("no answer")
