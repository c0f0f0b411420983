# Writes outside its folder through /proc/PID/root of other processes (it leads into the host's own mounts).
# modes: standard strict
import os


def _plant():
    planted = []
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        pids = []
    for pid in pids[:400]:
        for path in (f"/proc/{pid}/root/tmp/h13-planted-{pid}-{MARKER}",
                     f"/proc/{pid}/root{REPO}/h13-planted-{MARKER}"):
            try:
                with open(path, "x") as handle:
                    handle.write("planted\n")
                planted.append(path)
            except OSError:
                pass
    return planted


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError(f"planted through /proc: {len(_plant())} files")
