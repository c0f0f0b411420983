"""One hostile learner among five clean ones: the others' results and gradebook rows are a clean run's, and the
batch's exit code speaks of the learners, never of a grader failure."""

from __future__ import annotations

import csv
import html
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import tiny_flatten_yaml

REPO = Path(__file__).resolve().parents[2]
TINY = tiny_flatten_yaml(case_seconds=0.5, total_seconds=3, full=True)
CLEAN = {
    "alice": "import numpy as np\n\ndef flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n",
    "bob": "def flatten(x, start_dim=1):\n    return x.reshape(len(x), -1) if x.ndim == 3 else x.reshape(-1)\n",
    "carol": "def flatten(x, start_dim=1):\n    raise NotImplementedError\n",
    "dan": "import os\n\ndef flatten(x, start_dim=1):\n    os._exit(7)\n",
    "erin": "def flatten(x, start_dim=1):\n    return x.reshape(-1)\n",  # the known mistake
}
# The hostile learner's file, one per kind; {REPO} and {OUT} are replaced by the checkout and the batch's output.
HOSTILE = {
    "flood_with_surrogates": r"""
import sys

def flatten(x, start_dim=1):
    for _ in range(3000):
        print("flood \ud800 \udfff \x1b[2J " * 30)
    sys.stderr.write("\udcff" * 5000)
    raise type("Bad\ud800Name", (ValueError,), {})("lone \ud83d surrogate \udc00" * 300)
""",
    "fifos_in_the_folder": r"""
import os

def flatten(x, start_dim=1):
    for name in {n for n in os.listdir(".") if not n.endswith(".py")} | {".output"}:
        try:
            os.unlink(name)
            os.mkfifo(name)
        except OSError:
            pass
    print("crashing now")
    os._exit(3)
""",
    "links_in_the_folder": r"""
import os

def flatten(x, start_dim=1):
    for name in {n for n in os.listdir(".") if not n.endswith(".py")} | {".output"}:
        try:
            os.unlink(name)
            os.symlink("{REPO}/solutions/shape.py", name)
        except OSError:
            pass
    print("crashing now")
    os._exit(3)
""",
    "deep_directory_tree": r"""
import os

def flatten(x, start_dim=1):
    for level in range(3000):
        os.mkdir("d")
        os.chdir("d")
    os.mkdir("locked")
    os.chmod("locked", 0)
    os._exit(1)
""",
    "forged_replies": r"""
import io, json, os, stat, struct, sys
import numpy as np

def _request_id():
    frame = sys._getframe()
    while frame is not None:
        if "request_id" in frame.f_locals:
            return frame.f_locals["request_id"]
        frame = frame.f_back

def _send(head, blobs=b""):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", len(head)) + head + blobs)
        except OSError:
            pass

def flatten(x, start_dim=1):
    if x.ndim == 3:  # a header nested 100000 deep
        nested = "[" * 100000 + "]" * 100000
        _send(('{"id": "%s", "status": "ok", "blobs": [], "x": %s}' % (_request_id(), nested)).encode())
    else:  # an array of str, and a shape of 401 digits
        buffer = io.BytesIO()
        np.save(buffer, np.array(["1.0", "2.0"]), allow_pickle=False)
        blob = buffer.getvalue()
        head = {"id": _request_id(), "status": "ok", "output": "", "blobs": [len(blob)],
                "info": {"kind": "ok", "shape": [10 ** 400]}}
        _send(json.dumps(head).encode(), blob)
    raise RuntimeError("the forged reply should have been read instead")
""",
    "setsid_survivor": r"""
import os
import time

def _linger():  # rewrites another learner's result and the gradebook, if it outlives its own grading
    if os.fork():
        return
    os.setsid()
    if os.fork():
        os._exit(0)
    for _ in range(40):
        time.sleep(0.1)
        for name in ("{OUT}/learners/alice/result.json", "{OUT}/gradebook.csv"):
            try:
                with open(name, "w") as handle:
                    handle.write("forged")
            except OSError:
                pass
    os._exit(0)

_linger()

def flatten(x, start_dim=1):
    return x
""",
    "sysv_ipc_objects": r"""
import ctypes

def flatten(x, start_dim=1):
    libc = ctypes.CDLL(None)
    libc.shmget(0, 4096, 0o1000 | 0o600)
    libc.msgget(0, 0o1000 | 0o600)
    libc.semget(0, 1, 0o1000 | 0o600)
    return x
""",
}
SOLUTION_LINES = [line.strip() for line in (REPO / "solutions" / "shape.py").read_text().splitlines()
                  if len(line.strip()) > 30 and "def " not in line]
# Measured, not graded: these differ between two runs of the same submission.
TIMING_KEYS = {"execution_time", "duration", "seconds", "time", "timing", "graded_at"}


def masked(value):
    if isinstance(value, dict):
        return {key: "-" if key in TIMING_KEYS else masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def run_batch(root: Path, learners: dict[str, str], sandbox: str) -> tuple[int, str, Path]:
    """`grade batch` in a subprocess on its own course copy, in the default sandbox or the one named; (exit code,
    stderr, output folder)."""
    (root / "course" / "exercises").mkdir(parents=True)
    (root / "course" / "exercises" / "tiny-flatten.yaml").write_text(TINY)
    subs, out = root / "subs", root / "out"
    subs.mkdir()
    for name, text in learners.items():
        (subs / f"{name}.py").write_text(text.replace("{REPO}", str(REPO)).replace("{OUT}", str(out)))
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": str(REPO), "CNN_GRADER_COURSE": str(root / "course"),
           "HOME": str(root), "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "grader", "batch", str(subs), "--exercise", "tiny-flatten", "--out", str(out),
               "--jobs", "2", *([] if sandbox == "default" else ["--sandbox", sandbox])]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=120)
    return done.returncode, done.stderr.decode("utf-8", "replace"), out


def learner_results(out: Path, names) -> dict:
    return {name: masked(json.loads((out / "learners" / name / "result.json").read_text())) for name in names}


def gradebook_rows(out: Path, names) -> dict:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    return {name: masked(rows.get(name)) for name in names}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """sandbox -> (exit code, the five results, their gradebook rows) of a batch whose sixth learner is clean too."""
    runs = {}

    def run(sandbox: str):
        if sandbox not in runs:
            code, err, out = run_batch(tmp_path_factory.mktemp("clean"), {**CLEAN, "mallory": CLEAN["carol"]}, sandbox)
            assert code in (0, 1), err
            runs[sandbox] = code, learner_results(out, CLEAN), gradebook_rows(out, CLEAN)
        return runs[sandbox]
    return run


# The default (strict where it works) and standard mode, whose batch workers are forked from a zygote.
@pytest.mark.parametrize("sandbox", ["default", "standard"])
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_learner_changes_no_other_result_and_fails_no_batch(kind, sandbox, clean_run, tmp_path):
    clean_code, clean_results, clean_rows = clean_run(sandbox)
    code, err, out = run_batch(tmp_path, {**CLEAN, "mallory": HOSTILE[kind]}, sandbox)
    time.sleep(1.0)  # a survivor would have struck by now
    assert code == clean_code and code != 3, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    assert learner_results(out, CLEAN) == clean_results
    assert gradebook_rows(out, CLEAN) == clean_rows
    mallory = (out / "learners" / "mallory" / "result.json").read_text()
    report = (out / "learners" / "mallory" / "report.html").read_text()
    assert json.loads(mallory)["score"] == 0 and len(report) < 2 << 20
    assert not [line for line in SOLUTION_LINES if line in mallory or line in html.unescape(report)]
    assert gradebook_rows(out, ["mallory"])["mallory"]["status"] == "zero"
