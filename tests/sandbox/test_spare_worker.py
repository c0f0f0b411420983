"""The spare worker of a grader that stays up (grade watch, check()): spawned ahead with Python and NumPy loaded,
it imports nothing until a grading adopts it, then behaves exactly like a freshly spawned worker."""

from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import strict_prefix_for
from grader.sandbox import client
from grader.sandbox.client import Worker, discard_spare, prestart
from grader.spec.model import Limits

LIMITS = Limits(case_seconds=5, total_seconds=20, import_seconds=10, memory_mb=512)
SOURCE = "import os\n\ndef twice(x):\n    return 2 * x\n\ndef where():\n    return None\n"


@pytest.fixture(autouse=True)
def no_spare_left():
    yield
    discard_spare()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sandbox", ["standard", "strict"])
def test_a_grading_adopts_the_spare_and_gets_the_file_only_then(tmp_path, sandbox, monkeypatch):
    if sandbox == "strict":
        strict_prefix_for("bwrap", monkeypatch)  # skips where this machine has no jail
    prestart(sandbox, LIMITS)
    spare = client._SPARE["worker"]
    pid, folder = spare.proc.pid, spare.workdir
    assert os.listdir(folder) == [".stderr"]  # nothing of the learner's before a grading asks for it
    (tmp_path / "learner.py").write_text(SOURCE)
    (tmp_path / "helper.py").write_text("VALUE = 3\n")
    with Worker(tmp_path / "learner.py", "twice", "array", LIMITS, sandbox) as worker:
        reply = worker.call([np.arange(3.0)], {}, seconds=5)
        assert worker.proc.pid == pid and worker.workdir == folder
        assert reply.status == "ok" and reply.arrays[0].tolist() == [0.0, 2.0, 4.0]
        assert {"learner.py", "helper.py"} <= set(os.listdir(folder))
    assert "worker" not in client._SPARE and not alive(pid) and not os.path.exists(folder)


def test_a_spare_made_for_other_limits_or_sandbox_is_discarded(tmp_path):
    prestart("standard", LIMITS)
    spare = client._SPARE["worker"]
    pid, folder, proc = spare.proc.pid, spare.workdir, spare.proc
    (tmp_path / "learner.py").write_text(SOURCE)
    other = Limits(case_seconds=5, total_seconds=20, import_seconds=10, memory_mb=256)
    with Worker(tmp_path / "learner.py", "twice", "array", other, "standard") as worker:
        assert worker.call([np.ones(2)], {}, seconds=5).status == "ok"
        assert worker.proc.pid != pid
    assert not os.path.exists(folder) and proc.poll() is not None  # killed and reaped, not left behind


def test_a_dead_spare_is_replaced_by_a_fresh_worker(tmp_path):
    prestart("standard", LIMITS)
    spare = client._SPARE["worker"]
    spare.proc.kill()
    spare.proc.wait(timeout=5)
    (tmp_path / "learner.py").write_text(SOURCE)
    with Worker(tmp_path / "learner.py", "twice", "array", LIMITS, "standard") as worker:
        assert worker.call([np.ones(2)], {}, seconds=5).arrays[0].tolist() == [2.0, 2.0]


def test_the_references_own_worker_never_takes_the_learners_spare(tmp_path):
    prestart("standard", LIMITS)
    pid = client._SPARE["worker"].proc.pid
    (tmp_path / "learner.py").write_text(SOURCE)
    with Worker(tmp_path / "learner.py", "twice", "array", LIMITS, "standard", trusted=True) as worker:
        assert worker.call([np.ones(2)], {}, seconds=5).status == "ok" and worker.proc.pid != pid


def test_discard_ends_the_spare_and_its_folder():
    prestart("standard", LIMITS)
    spare = client._SPARE["worker"]
    pid, folder = spare.proc.pid, spare.workdir
    proc = spare.proc
    discard_spare()
    proc.wait(timeout=5)
    assert not alive(pid) and not os.path.exists(folder)


def test_a_forked_child_never_adopts_or_ends_its_parents_spare(tmp_path):
    """A batch forks its grading processes: they must not share the parent's spare (one process, two users)."""
    prestart("standard", LIMITS)
    parent_spare = client._SPARE["worker"]
    (tmp_path / "learner.py").write_text(SOURCE)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade with a worker of its own, then try to discard the parent's spare
        try:
            with Worker(tmp_path / "learner.py", "twice", "array", LIMITS, "standard") as worker:
                ok = worker.call([np.ones(2)], {}, seconds=5).status == "ok"
                os.write(write, f"{int(ok)} {worker.proc.pid}".encode())
            discard_spare()
        finally:
            os._exit(0)
    os.close(write)
    ok, child_worker = os.read(read, 100).decode().split()
    os.waitpid(pid, 0)
    assert ok == "1" and int(child_worker) != parent_spare.proc.pid
    assert client._SPARE.get("worker") is parent_spare and parent_spare.proc.poll() is None  # still the parent's
