# Opens the grader's, the solutions', the venv's, Python's and /etc's files for writing and plants new files outside.
# modes: standard strict
import glob
import os
import sys

TARGETS = ["{REPO}/grader/grading/compare.py", "{REPO}/grader/__init__.py", "{REPO}/solutions/conv.py",
           "{REPO}/exercises/exercise-2.yaml", os.__file__, "/etc/passwd", "/etc/hosts"]
TARGETS += glob.glob("{REPO}/.venv/lib/python3*/site-packages/*.pth")[:3]
TARGETS += glob.glob("{REPO}/.venv/lib/python3*/site-packages/numpy/__init__.py")
TARGETS += glob.glob(sys.base_prefix + "/lib/python3*/site-packages/*.pth")[:3]
PLANTS = ["{REPO}/grader/h13-planted-{MARKER}.py", "/tmp/h13-planted-{MARKER}", "/dev/shm/h13-planted-{MARKER}",
          "/var/tmp/h13-planted-{MARKER}", os.path.dirname(os.__file__) + "/h13_planted_{MARKER}.py"]
PLANTS += [folder + "/h13-planted-{MARKER}.pth" for folder in glob.glob("{REPO}/.venv/lib/python3*/site-packages")]


def _try_all():
    opened = []
    for path in TARGETS:
        try:
            with open(path, "ab"):  # append nothing: the file stays as it was, the open alone is the breach
                opened.append(path)
        except OSError:
            pass
    for path in PLANTS:
        try:
            with open(path, "x") as handle:
                handle.write("# planted by a hostile submission\n")
            opened.append(path)
        except OSError:
            pass
    return opened


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError(f"opened for writing: {_try_all()}")
