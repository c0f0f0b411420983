# Keeps starting double-forked, setsid'd sleepers from every call while grading, racing the grader's final sweep.
# modes: standard strict
import os
import sys

SLEEPER = '''
import sys, time
time.sleep(3)
try:
    with open(sys.argv[1] + "/result.json", "a") as handle:
        handle.write(" ")
except OSError:
    pass
time.sleep(120)
'''


def _escape():
    if os.fork():
        return
    os.setsid()
    if os.fork():
        os._exit(0)
    for _ in range(3):  # a short family of its own, each member detached again
        if os.fork() == 0:
            os.setsid()
            break
    os.execv(sys.executable, [sys.executable, "-c", SLEEPER, "{WORKSPACE}", "{MARKER}"])


_escape()


def conv2d(x, weight, bias=None, stride=1, padding=0):
    _escape()
    _escape()
    raise ValueError("no answer: this file only leaves processes behind")
