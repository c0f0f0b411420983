# Damages the workspace's progress file while it is graded (which way depends on the case: deeply nested JSON,
# wrong types, non-UTF-8 bytes, a huge file, a FIFO or a link out of the workspace); `record` then meets it.
# modes: standard
import os

PROGRESS = "{WORKSPACE}/.progress.json"
_calls = [0]


def _damages():
    yield lambda: _write(b"[" * 100000 + b"]" * 100000)
    yield lambda: _write(b'{"exercise-2": {"attempts": "many", "best_score": "28", "max_score": [1], '
                         b'"hints_seen": -3, "last_score": 1e999}, "exercise-3": 7}')
    yield lambda: _write(b"\xff\xfe{\x00\x00 not utf-8")
    yield lambda: _write(b'{"exercise-2": {"attempts": 1}, "pad": "' + b"x" * (40 << 20) + b'"}')
    yield lambda: os.mkfifo(PROGRESS)
    yield lambda: os.symlink("{REPO}/exercises/exercise-2.yaml", PROGRESS)


def _write(data):
    with open(PROGRESS, "wb") as handle:
        handle.write(data)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    damages = list(_damages())
    pick = (sum(x.shape) + sum(weight.shape)) % len(damages)
    try:
        os.unlink(PROGRESS)
    except OSError:
        pass
    try:
        damages[pick]()
    except OSError:
        pass
    raise ValueError("the progress file is damaged now")
