"""Nothing a submission starts outlives its grading, the host keeps its own children, and the worker can write
nowhere but its own folder (standard mode; strict mode's jail is tested in test_adversarial.py)."""

from __future__ import annotations

import dataclasses
import errno
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import reference_source
from grader.grading.runner import grade
from grader.sandbox import client, confine, reaper
from grader.spec.catalog import find_exercise

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "adversarial"
CASES = ("identity 1x1 kernel", "bias added per filter")


@pytest.fixture(scope="module")
def exercise():
    full = find_exercise("exercise-2")
    cases = tuple(case for case in full.cases if case.name in CASES)
    limits = dataclasses.replace(full.limits, case_seconds=1, total_seconds=4, import_seconds=2, memory_mb=512)
    return dataclasses.replace(full, cases=cases, limits=limits, misconceptions=())


def _hostile(tmp_path: Path, name: str, marker: str) -> Path:
    text = (HOSTILE / name).read_text().replace("{REPO}", str(REPO)).replace("{MARKER}", marker)
    text = text.replace("{WORKSPACE}", str(tmp_path / "reports"))
    path = tmp_path / "learner" / "exercise_2.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def _with_marker(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and marker.encode() in Path(f"/proc/{name}/cmdline").read_bytes():
                if Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
                    found.append(int(name))
        except OSError:
            continue
    return found


def _grading_processes_below_us() -> list[int]:
    """Live processes that run under a worker's limits and re-parented to this (the grading) process."""
    return [pid for pid, (ppid, _, state) in reaper.process_table().items()
            if ppid == os.getpid() and state not in "ZX" and reaper._is_grading(pid)]


@pytest.fixture
def supervisors_killed(monkeypatch):
    """Before a worker's first call, kill its supervisor, as a learner may when graded by a plain user (as root,
    the worker has a uid of its own and may not): the orphans then re-parent to the grading process, or escape."""
    call = client.Worker.call

    def kill_then_call(self, *args):
        if self.proc is not None and self.wait_loaded().status == "loaded" and not getattr(self, "_h13", False):
            self._h13 = True
            os.kill(self.proc.pid, signal.SIGKILL)
            time.sleep(0.2)
        return call(self, *args)
    monkeypatch.setattr(client.Worker, "call", kill_then_call)


@pytest.mark.parametrize("name", ["h13_survive_setsid_chain.py", "h13_survive_fork_storm.py"])
def test_orphans_of_a_killed_supervisor_are_dead_when_grade_returns(name, exercise, tmp_path, supervisors_killed):
    marker = f"h13-test-{secrets.token_hex(4)}"
    result = grade(exercise, _hostile(tmp_path, name, marker), sandbox="standard")
    assert _grading_processes_below_us() == [] and _with_marker(marker) == []  # at once: before any write
    assert result.score == 0
    time.sleep(2.5)  # a survivor parked elsewhere (init) would have exec'd under its marker by now
    assert _with_marker(marker) == []
    assert not (tmp_path / "reports").exists()


def test_orphans_left_with_a_batch_processs_zygote_are_dead_when_grade_returns(exercise, tmp_path,
                                                                              supervisors_killed):
    from grader.sandbox import zygote
    zygote.enable()  # as a batch grading process does: the zygote adopts what a killed supervisor leaves
    try:
        marker = f"h13-test-{secrets.token_hex(4)}"
        grade(exercise, _hostile(tmp_path, "h13_survive_setsid_chain.py", marker), sandbox="standard")
        assert _with_marker(marker) == []  # not only once the next learner is forked
    finally:
        zygote.disable()


@pytest.mark.parametrize("from_zygote", [False, True])
@pytest.mark.parametrize("ends", [True, False])
def test_a_finished_worker_ends_when_told_or_is_killed_and_leaves_nothing(exercise, tmp_path, monkeypatch,
                                                                           from_zygote, ends):
    """A finished worker is told to stop (its request pipe closes) and ends on its own, its supervisor stopping the
    process it started; one whose end never comes (learner code replaced os._exit) is killed from the grader. Either
    way nothing is left and the result stands."""
    from grader.sandbox import zygote
    kills = []
    kill = client._kill_everything
    monkeypatch.setattr(client, "_kill_everything", lambda proc: (kills.append(proc.pid), kill(proc)))
    marker = f"h13-test-{secrets.token_hex(4)}"
    path = tmp_path / "learner" / "exercise_2.py"
    path.parent.mkdir()
    path.write_text(reference_source("conv") + f"""
import os as _os, subprocess as _sp, sys as _sys, time as _time
_sp.Popen([_sys.executable, "-c", "import time; time.sleep(3600)", "{marker}"])
""" + ("" if ends else "_os._exit = lambda code: _time.sleep(3600)  # the worker's last act never comes\n"))
    if from_zygote:
        zygote.enable()  # as a batch grading process does
    try:
        result = grade(exercise, path, sandbox="standard")
        assert _grading_processes_below_us() == [] and _with_marker(marker) == []
    finally:
        if from_zygote:
            zygote.disable()
    assert result.score == result.max_score and len(result.cases) == len(CASES)
    assert len(kills) == (0 if ends else 1)


def test_the_host_keeps_its_children_its_late_orphans_and_its_subreaper_flag(exercise, tmp_path):
    tag = f"{30 + secrets.randbelow(10 ** 6) / 10 ** 6:.6f}"
    child = subprocess.Popen(["sleep", tag])  # the host's own child, unknown to the grader
    # ... and one that leaves an orphan while the grading runs: it re-parents to us then, but is not the grading's
    orphaner = subprocess.Popen(["sh", "-c", f"sleep 0.8; (sleep {tag} &); exit 0"])
    marker = f"h13-test-{secrets.token_hex(4)}"
    before = reaper.subreaper_flag()
    try:
        grade(exercise, _hostile(tmp_path, "h13_survive_setsid_chain.py", marker), sandbox="standard")
        assert reaper.subreaper_flag() == before
        assert child.poll() is None
        assert orphaner.wait(timeout=5) == 0
        assert len(_with_marker(tag)) == 2  # the child and the orphan both still run
    finally:
        for pid in _with_marker(tag):
            os.kill(pid, 9)
        child.wait()
    assert child.returncode == -9  # still ours to wait for: the grader reaped nothing of the host's


def test_a_host_that_is_a_subreaper_stays_one(exercise, tmp_path):
    reaper.set_subreaper(1)
    try:
        grade(exercise, _hostile(tmp_path, "h13_survive_setsid_chain.py", "h13-test-x"), sandbox="standard")
        assert reaper.subreaper_flag() == 1
    finally:
        reaper.set_subreaper(0)


def test_a_batch_and_the_gradescope_adapter_leave_no_survivor(tmp_path, run_cli, supervisors_killed):
    from grader.gradescope import run_autograder
    marker = f"h13-test-{secrets.token_hex(4)}"
    submission = _hostile(tmp_path, "h13_survive_setsid_chain.py", marker)
    results = tmp_path / "gs" / "results.json"
    run_autograder("exercise-2", submission.parent, results)
    written = results.read_bytes()
    assert _with_marker(marker) == []
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "mallory.py").write_text(submission.read_text())
    code, out, err = run_cli("batch", subs, "--exercise", "exercise-2", "--out", tmp_path / "out", "--jobs", "1",
                             "--sandbox", "standard")
    assert code == 1 or code == 0, err
    assert _with_marker(marker) == []
    batch_result = (tmp_path / "out" / "learners" / "mallory" / "result.json").read_bytes()
    time.sleep(2.5)
    assert _with_marker(marker) == [] and results.read_bytes() == written
    assert (tmp_path / "out" / "learners" / "mallory" / "result.json").read_bytes() == batch_result


def test_the_worker_opens_nothing_outside_its_folder_for_writing(exercise, tmp_path):
    marker = f"h13-test-{secrets.token_hex(4)}"
    result = grade(exercise, _hostile(tmp_path, "h13_write_outside.py", marker), sandbox="standard")
    message = result.cases[0].message
    assert "opened for writing: []" in message, message


def test_no_process_outside_is_a_way_out_through_proc(exercise, tmp_path):
    marker = f"h13-test-{secrets.token_hex(4)}"
    result = grade(exercise, _hostile(tmp_path, "h13_write_via_proc_root.py", marker), sandbox="standard")
    assert "planted through /proc: 0 files" in result.cases[0].message, result.cases[0].message
    assert not list(Path("/tmp").glob(f"h13-planted-*{marker}")) and not (REPO / f"h13-planted-{marker}").exists()


def _confined_child(uid: int) -> str:
    """In a forked child that becomes `uid`: confine() to a fresh folder, then try to write in and out of it."""
    folder = tempfile.mkdtemp(prefix="h13-confine-")
    os.chmod(folder, 0o777)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            if uid != os.geteuid():
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
            done = confine.confine(folder)
            verdicts = [str(done)]
            for path in (f"{folder}/mine", f"/tmp/h13-outside-{os.getpid()}", f"/dev/shm/h13-outside-{os.getpid()}",
                         str(REPO / f"h13-outside-{os.getpid()}")):
                try:
                    with open(path, "w"):
                        verdicts.append("written")
                    os.unlink(path)
                except OSError as err:  # read-only here, or a folder the worker's uid cannot enter: refused
                    verdicts.append("refused" if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else repr(err))
            with open("/dev/null", "w") as handle:  # device nodes still work on a read-only mount
                handle.write("x")
            # /proc/PID/root of a process outside would lead back into the host's writable mounts
            verdicts.append("proc" if os.path.exists(f"/proc/{os.getppid()}/root/tmp") else "no-proc")
            os.write(write, " ".join(verdicts).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as handle:
        return handle.read()


def test_confine_makes_all_but_the_work_folder_read_only_for_root_and_for_a_plain_user():
    if os.geteuid() != 0:
        pytest.skip("needs root to act as both (a plain user's grading is the test above)")
    assert _confined_child(0) == "True written refused refused refused proc"  # root's worker changes uid after
    verdict = _confined_child(65534)  # a plain user: through a user namespace of its own
    if verdict.startswith("False"):
        pytest.skip("this kernel gives a plain user no user namespace: security.md says what standard mode keeps")
    assert verdict == "True written refused refused refused no-proc"


def test_a_root_graded_worker_runs_as_a_uid_of_its_own(exercise, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root's workers change uid")
    path = tmp_path / "learner" / "exercise_2.py"
    path.parent.mkdir()
    path.write_text("import os\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                    "    raise RuntimeError(f'uid {os.getuid()} gid {os.getgid()} groups {os.getgroups()}')\n")
    message = grade(exercise, path, sandbox="standard").cases[0].message
    uid = int(message.split("uid ")[1].split()[0])
    assert uid >= 0x7F000000 and f"gid {uid} groups []" in message, message
    assert sys.executable  # the worker could still run Python and NumPy as that uid
