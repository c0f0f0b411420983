"""The promises of docs/security.md that need more than a hostile submission: environment, wire limits, modes."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

from grader.results import Kind, Outcome
from grader.sandbox import client, launch
from grader.spec.catalog import find_exercise
from grader.grading.runner import grade
from conftest import strict_prefix_for, tiny_flatten_yaml

REPO = Path(__file__).resolve().parents[2]
SHOW_ENVIRONMENT = """
import builtins, json, os, sys
import numpy
print(json.dumps({"env": dict(os.environ), "argv": sys.argv, "orig_argv": sys.orig_argv, "path": sys.path,
                  "cwd": os.getcwd(), "executable": sys.executable, "numpy": numpy.__file__,
                  "prefixes": sorted({sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}),
                  "modules": sorted({str(getattr(module, "__file__", "")) for module in list(sys.modules.values())}),
                  "builtins": [name for name in ("exit", "quit", "help") if hasattr(builtins, name)]}))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""
# Writes a reply header claiming 2**40 bytes straight onto the reply pipe (found among the open fds).
FORGE_HUGE_REPLY = """
import os, stat, struct
def conv2d(x, weight, bias=None, stride=1, padding=0):
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", 1 << 40) + b"{")
        except OSError:
            pass
    raise RuntimeError("unreachable if the parent stopped reading")
"""
# Reports which of PATHS it can see, whether it reaches the network and whether it can write to /dev/shm.
PROBE_STRICT = """
import json, os, socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1).close()
    network = "open"
except OSError as err:
    network = type(err).__name__
try:  # /dev/shm is a mount of its own on the host: making only / read-only would leave it writable
    open("/dev/shm/strict-probe-%d" % os.getpid(), "w").close()
    shm = "written"
except OSError as err:
    shm = type(err).__name__
def look():
    found = []
    for path in PATHS:
        try:
            os.lstat(path)
            found.append(path)
        except OSError:
            pass
    print(json.dumps({"network": network, "shm": shm, "found": found, "root": sorted(os.listdir("/"))}))
look()
def conv2d(x, weight, bias=None, stride=1, padding=0):
    look()
    raise NotImplementedError
"""


@pytest.fixture(scope="module")
def exercise():
    full = find_exercise("exercise-2")
    limits = dataclasses.replace(full.limits, case_seconds=2, total_seconds=6, import_seconds=4, output_chars=100_000)
    return dataclasses.replace(full, cases=full.cases[:1], limits=limits, misconceptions=())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "submission.py"
    path.write_text(text)
    return path


def _printed_json(tmp_path: Path, exercise, text: str, mode: str = "standard") -> dict:
    with client.Worker(_write(tmp_path, text), "conv2d", "array", exercise.limits, mode) as worker:
        reply = worker.wait_loaded()
    assert reply.status == "loaded", reply
    return json.loads(reply.output.strip().splitlines()[-1])


def _paths_of_this_installation() -> list[str]:
    """The checkout, the venv (if any) and NumPy's real site-packages: none may be named to a worker."""
    import numpy
    paths = {str(REPO), str(Path(numpy.__file__).resolve().parent.parent)}
    if sys.prefix != sys.base_prefix:
        paths.add(sys.prefix)
    return sorted(paths)


def test_worker_sees_no_grader_paths_no_secrets_and_a_fresh_folder(tmp_path, exercise, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "s3cr3t-value")
    seen = _printed_json(tmp_path, exercise, SHOW_ENVIRONMENT)
    everything = json.dumps(seen)
    for secret in ("s3cr3t-value", *_paths_of_this_installation()):
        assert secret not in everything
    assert set(seen["env"]) <= {"PATH", "HOME", "TMPDIR", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert seen["cwd"] != str(tmp_path) and Path(seen["cwd"]).name.startswith("grade-worker-")
    assert seen["argv"] == ["-c"]
    # The base interpreter, not a venv's; NumPy through the folder of links, which holds nothing else.
    assert seen["executable"] == launch.interpreter()
    assert seen["prefixes"] == sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)})
    site = Path(launch.standard_site())
    assert Path(seen["numpy"]).parent.parent == site and seen["path"][1] == str(site)
    assert sorted(os.listdir(site)) == sorted(entry.name for entry in launch.numpy_entries())
    assert seen["builtins"] == ["exit", "quit", "help"]  # -S leaves them out; the worker puts them back
    assert not Path(seen["cwd"]).exists()  # removed once grading ended


def test_a_reply_over_the_size_limit_is_refused_before_loading(tmp_path, exercise):
    result = grade(exercise, _write(tmp_path, FORGE_HUGE_REPLY))
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (Outcome.ERROR, Kind.PROTOCOL, 0)
    assert "over the limit" in case.message


def test_grading_ignores_conftest_ini_and_plugins_beside_the_submission(tmp_path, exercise, monkeypatch):
    folder = tmp_path / "learner"
    folder.mkdir()
    flag = tmp_path / "loaded"
    (folder / "conftest.py").write_text(
        f"open({str(flag / 'conftest')!r}, 'w')\n"
        "import pytest\n"
        "@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n"
        "    outcome.get_result().outcome = 'passed'\n")
    (folder / "evil_plugin.py").write_text(f"open({str(flag / 'plugin')!r}, 'w')\n")
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -p evil_plugin\n")
    flag.mkdir()
    submission = folder / "exercise_2.py"
    submission.write_text("import numpy as np\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                          "    return np.zeros((1, 1, 3, 3))\n")
    monkeypatch.chdir(folder)  # graded from inside the learner's folder
    monkeypatch.syspath_prepend(str(folder))
    result = grade(exercise, submission)
    assert result.score == 0 and result.cases[0].kind == Kind.VALUES
    assert list(flag.iterdir()) == []


def test_strict_unavailable_is_a_usage_error_with_exit_2(tmp_path, exercise, monkeypatch, run_cli, workspace):
    monkeypatch.setitem(launch._strict_cache, "prefix", [])
    code, _, err = run_cli("exercise-2", "--submission", _write(tmp_path, SHOW_ENVIRONMENT), "--sandbox", "strict")
    assert code == 2 and "--sandbox strict needs bubblewrap" in err and "Traceback" not in err


def _host_paths_a_learner_must_not_see(marker: Path) -> list[str]:
    """The checkout, the course files, every installed copy of the grader, the folders beside NumPy and in the
    interpreter's site-packages, the users' homes, /work, /etc, /var, /opt and the host's /tmp; less the folders
    that lead to what the jail shows (e.g. /root when the interpreter lives in /root/.pyenv)."""
    import numpy
    numpy_site = Path(numpy.__file__).resolve().parent.parent
    layout = launch.host_layout()
    paths = [REPO, REPO / "exercises", *REPO.glob("exercises/*.yaml"), REPO / "solutions" / "conv.py", marker,
             Path(sysconfig.get_paths()["purelib"]) / "grader", numpy_site / "grader", numpy_site / "solutions"]
    for folder in (numpy_site, *layout["hidden"], Path.home(), "/root", "/home", "/work", "/etc", "/var", "/opt",
                   "/srv", "/mnt", "/media", "/tmp", "/var/tmp", "/run", "/dev/shm"):
        if Path(folder).is_dir():
            paths += [entry for entry in Path(folder).iterdir() if str(entry) not in layout["numpy"]]
    shown = [*layout["prefixes"], *layout["files"]]
    return sorted({str(path) for path in paths if os.path.lexists(path)
                   and not any(target == str(path) or target.startswith(f"{path}/") for target in shown)})


@pytest.mark.parametrize("tool", ["bwrap", "unshare"])
def test_strict_mode_cuts_the_network_and_shows_only_its_allow_list(tool, tmp_path, exercise, monkeypatch):
    monkeypatch.setitem(launch._strict_cache, "prefix", strict_prefix_for(tool, monkeypatch))
    marker = tmp_path / "host-secret.txt"
    marker.write_text("only on the host")
    hidden = _host_paths_a_learner_must_not_see(marker)
    assert {str(REPO / "exercises" / "exercise-2.yaml"), str(REPO / "solutions" / "conv.py"), str(marker)} \
        <= set(hidden)
    probe = PROBE_STRICT.replace("PATHS", repr(hidden))
    seen = _printed_json(tmp_path, exercise, probe, "strict")
    assert seen["found"] == [] and seen["network"] != "open" and seen["shm"] != "written"
    assert not list(Path("/dev/shm").glob("strict-probe-*"))
    workdir = tempfile.gettempdir()  # the worker's folder is made there
    operations = launch.jail_mounts(workdir, **launch.host_layout())
    allowed = {Path(operation[-1]).parts[1] for operation in operations}
    assert set(seen["root"]) <= allowed and "worker-site" in seen["root"]
    result = grade(exercise, _write(tmp_path, probe), sandbox="strict")  # the whole way, through the grader
    assert result.sandbox == "strict" and any(tool in note for note in result.notes)
    assert json.loads(result.cases[0].output.strip().splitlines()[-1])["found"] == []


def _fake_install(site: Path) -> list[Path]:
    """A site-packages holding a stand-in NumPy (with its bundled libraries and metadata) beside the grader."""
    for name in ("numpy", "numpy.libs", "numpy-2.4.6.dist-info", "grader", "solutions", "yaml"):
        (site / name).mkdir(parents=True)
    (site / "numpy" / "__init__.py").write_text("")
    (site / "numpy.libs" / "libopenblas.so").write_text("")
    return launch.numpy_entries(site / "numpy")


LAYOUTS = {  # where the checkout and the venv holding NumPy (`pip install .`) are, below a scratch folder
    "venv inside the checkout": ("course", "course/.venv/lib/python3.11/site-packages"),
    "venv outside the checkout": ("course", "venvs/course/lib/python3.11/site-packages"),
}


def _layouts(tmp_path: Path) -> dict:
    made = {}
    for name, (checkout, site) in LAYOUTS.items():
        root = tmp_path / name.replace(" ", "-")
        entries = _fake_install(root / site)
        (root / checkout / "exercises").mkdir(parents=True, exist_ok=True)
        made[name] = (root / checkout, root / site, entries)
    return made


def test_the_strict_jail_shows_the_same_tree_wherever_the_venv_and_the_checkout_are(tmp_path):
    prefixes = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)})
    seen = {}
    for name, (checkout, site, entries) in _layouts(tmp_path).items():
        libraries = [str(site / "numpy.libs" / "libopenblas.so")]
        for grader_home in (site, checkout):  # installed with pip, or run from the checkout
            operations = launch.jail_mounts("/tmp/grade-worker-x",
                                               **launch.layout(entries, grader_home, prefixes, libraries))
            for operation in operations:
                assert not any(str(place) in operation[-1] for place in (checkout, site, tmp_path)), operation
                if operation[0] in ("ro", "rw", "dev") and str(site) in operation[1]:
                    assert Path(operation[1]) in entries  # only NumPy's own folders, at a neutral place
                    assert operation[2] == f"{launch.WORKER_SITE}/{Path(operation[1]).name}"
            seen[name, grader_home == site] = [operation[0:1] + operation[2:] for operation in operations]
    assert len({json.dumps(targets) for targets in seen.values()}) == 1  # what the learner sees never changes


def test_a_site_packages_inside_a_visible_tree_is_covered_and_numpy_mounted_alone(tmp_path):
    prefix = tmp_path / "python"  # NumPy and the grader installed into the interpreter's own site-packages
    site = prefix / "lib" / "python3.11" / "site-packages"
    entries = _fake_install(site)
    operations = launch.jail_mounts("/tmp/grade-worker-x",
                                       **launch.layout(entries, site, [str(prefix)], []))
    assert ("ro", str(prefix), str(prefix)) in operations
    assert ("tmpfs", str(site)) in operations and ("seal", str(site)) in operations
    assert operations.index(("ro", str(prefix), str(prefix))) < operations.index(("tmpfs", str(site)))
    assert [operation[1] for operation in operations if operation[-1].startswith(launch.WORKER_SITE)] == \
        [str(entry) for entry in entries]


SHOW_SITE = """import json, sys
sys.path.insert(0, sys.argv.pop(1))
import numpy
print(json.dumps({"path": sys.path, "numpy": numpy.__file__, "executable": sys.executable, "argv": sys.orig_argv}))
"""


def test_the_standard_worker_finds_numpy_through_links_wherever_the_venv_and_the_checkout_are(tmp_path):
    for name, (checkout, site, entries) in _layouts(tmp_path).items():
        folder = launch.link_site(entries)
        try:
            assert sorted(os.listdir(folder)) == ["numpy", "numpy-2.4.6.dist-info", "numpy.libs"]
            done = subprocess.run(launch.worker_command(folder, SHOW_SITE), capture_output=True, text=True,
                                  timeout=30, cwd="/", env={"PATH": "/usr/bin:/bin"})
        finally:
            shutil.rmtree(folder)
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout)
        assert seen["numpy"] == f"{folder}/numpy/__init__.py", name  # the stand-in, through the link
        assert str(checkout) not in done.stdout and str(site) not in done.stdout, name


def test_a_planted_or_damaged_site_folder_is_never_used(tmp_path, monkeypatch):
    entries = _fake_install(tmp_path / "site-packages")
    monkeypatch.setattr(launch, "numpy_entries", lambda: entries)
    monkeypatch.setattr(launch.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(launch, "_cache", {})
    planted = Path(launch.shared_site_folder(entries))
    planted.mkdir()
    (planted / "numpy").symlink_to(tmp_path / "site-packages" / "grader")  # someone else's idea of NumPy
    folder = launch.standard_site()
    assert folder != str(planted)
    assert {entry.name: os.readlink(Path(folder) / entry.name) for entry in entries} == \
        {entry.name: str(entry) for entry in entries}
    shutil.rmtree(planted)
    monkeypatch.setattr(launch, "_cache", {})
    assert launch.standard_site() == str(planted) and launch._is_site(str(planted), entries)  # made, shared


def test_standard_mode_is_reported(tmp_path, exercise):
    assert grade(exercise, _write(tmp_path, SHOW_ENVIRONMENT)).to_dict()["sandbox"] == "standard"


TINY = tiny_flatten_yaml()
SLOW = "import time\n\ndef flatten(x, start_dim=1):\n    time.sleep(0.15)\n    return x.reshape(len(x), -1)\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_batch_interrupted_then_resumed_loses_and_duplicates_nothing(signum, tmp_path, monkeypatch):
    course = tmp_path / "course" / "exercises"
    course.mkdir(parents=True)
    (course / "tiny-flatten.yaml").write_text(TINY)
    subs = tmp_path / "subs"
    subs.mkdir()
    for index in range(5):
        (subs / f"learner{index}.py").write_text(SLOW)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(REPO), CNN_GRADER_COURSE=str(course.parent))
    command = [sys.executable, "-m", "grader", "batch", str(subs), "--exercise", "tiny-flatten", "--out", str(out),
               "--jobs", "1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(out.glob("learners/*/.done")):
        time.sleep(0.02)
    os.killpg(proc.pid, signum) if signum == signal.SIGKILL else proc.send_signal(signum)
    proc.wait(timeout=30)
    finished = {path.parent.name for path in out.glob("learners/*/.done")}
    assert 1 <= len(finished) <= 5
    for name in finished:  # whatever is marked done is complete and readable
        assert json.loads((out / "learners" / name / "result.json").read_text())["score"] == 1
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(finished)} already graded, {5 - len(finished)} to grade" in rerun.stdout
    with open(out / "gradebook.csv", newline="") as handle:
        rows = [row["learner"] for row in csv.DictReader(handle)]
    assert sorted(rows) == [f"learner{index}" for index in range(5)]


PROBE_SIBLINGS = """
import importlib, json, os
import numpy
seen = {"numpy": numpy.__file__, "files": len(os.listdir("."))}
for name in ("secret", "reference", "json_shadow_ran"):
    try:
        importlib.import_module(name)
        seen[name] = "imported"
    except BaseException as err:
        seen[name] = type(err).__name__
seen["links"] = [entry for entry in os.listdir(".") if os.path.islink(entry)]
print(json.dumps(seen))
def conv2d(x, weight, bias=None, stride=1, padding=0):
    raise NotImplementedError
"""


def test_sibling_symlinks_shadow_modules_and_floods_are_not_carried_into_the_worker(tmp_path, exercise):
    # Symlinks to /etc/shadow and to the reference, files named like the modules the worker's own wire format
    # uses (json, struct, io, numpy), and a flood of siblings: the worker copies regular .py files only, at most
    # MAX_SIBLING_FILES of them, and its own modules were imported before the learner's folder is on sys.path.
    (tmp_path / "secret.py").symlink_to("/etc/shadow")
    (tmp_path / "reference.py").symlink_to(REPO / "solutions" / "conv.py")
    for name in ("json", "struct", "io", "numpy"):
        (tmp_path / f"{name}.py").write_text("import sys\nopen('json_shadow_ran.py', 'w')\nsys.exit(7)\n")
    for index in range(400):
        (tmp_path / f"sibling_{index:03}.py").write_text("")
    started = time.monotonic()
    seen = _printed_json(tmp_path, exercise, PROBE_SIBLINGS)
    assert time.monotonic() - started < 5
    assert seen["secret"] == seen["reference"] == seen["json_shadow_ran"] == "ModuleNotFoundError"
    assert seen["links"] == [] and Path(seen["numpy"]).parent.parent == Path(launch.standard_site())
    assert seen["files"] <= client.MAX_SIBLING_FILES + 3  # the submission, .output and .stderr


def _speed_exercise():
    full = find_exercise("exercise-8")
    case = next(case for case in full.cases if case.check == "speed" and not case.hidden)
    limits = dataclasses.replace(full.limits, case_seconds=4, total_seconds=15)
    return dataclasses.replace(full, cases=(dataclasses.replace(case, repeats=3),), misconceptions=(), limits=limits)


@pytest.mark.parametrize("name, kind", [("speed_cache.py", Kind.SPEED), ("speed_replay.py", Kind.VALUES)])
def test_speed_points_cannot_be_won_by_caching_or_replaying_answers(name, kind):
    # Both submissions take 0.3 s to compute an answer (far over 3x the reference), then answer at once from a
    # cache keyed by the inputs, or by replaying the first answer. Timed runs use fresh inputs and every timed
    # answer is checked, so neither gets the speed points.
    result = grade(_speed_exercise(), REPO / "tests" / "adversarial" / name)
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (Outcome.FAILED, kind, 0), case.message
    if kind == Kind.SPEED:
        assert case.details["speed"]["seconds"] >= 0.3 and case.details["speed"]["ratio"] > 3


REPLY_STATUS_FORGER = """
import json, os, stat, struct, sys
def conv2d(x, weight, bias=None, stride=1, padding=0):
    frame = sys._getframe()
    while "request_id" not in frame.f_locals:
        frame = frame.f_back
    head = json.dumps({"status": "passed", "id": frame.f_locals["request_id"], "blobs": []}).encode()
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", len(head)) + head)
        except OSError:
            pass
    raise RuntimeError("never read")
"""


def test_a_forged_reply_with_the_right_id_is_still_only_the_learners_answer(tmp_path, exercise):
    # The request id is in the worker's memory, so learner code can copy it; what it forges then answers only the
    # current request, and a status the grader does not know is a protocol error, never a pass.
    result = grade(exercise, _write(tmp_path, REPLY_STATUS_FORGER))
    case = result.cases[0]
    assert (case.outcome, case.kind, result.score) == (Outcome.ERROR, Kind.PROTOCOL, 0)
    assert "passed" in case.message
