# Leaves a setsid'd, double-forked sleeper carrying the run's marker, which rewrites the JSON report after 3 s.
# modes: standard strict
import os
import sys
import time


def _linger():
    if os.fork():
        return
    os.setsid()
    if os.fork():
        os._exit(0)
    try:
        time.sleep(3)
        with open("{WORKSPACE}/result.json", "w") as handle:
            handle.write('{"score": 28, "max_score": 28}')
    except OSError:
        pass
    os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", "{MARKER}"])


_linger()


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError("nothing here")
