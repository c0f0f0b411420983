# Writes files outside its own folder: the host's /tmp, /var/tmp, the checkout, the workspace, the grader's folder.
# modes: standard strict
import os


def _plant():
    for folder in ("/tmp", "/var/tmp", "{REPO}", "{REPO}/tests", "{WORKSPACE}", os.path.dirname(os.getcwd())):
        try:
            with open(os.path.join(folder, "h13-planted-{MARKER}"), "w") as handle:
                handle.write("planted")
        except OSError:
            pass


_plant()


def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise RuntimeError("no answer")
