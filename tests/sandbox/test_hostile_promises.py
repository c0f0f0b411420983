"""Every tests/adversarial/h13_*.py, graded by the real CLI in each mode it names, keeps the common promises.

A hostile file says what it attacks on its first line, `# modes: standard strict` (or one of them) on its second,
and may name its exercise in its leading comment (`# exercise: exercise-3`; default exercise-2). Its text may use
{REPO} (the checkout), {SECRET} (a file only its owner, the grader's user, may read), {MARKER} (a word unique to
this run) and {WORKSPACE} (the folder the reports are written to). Strict mode runs once per tool.
All files are graded first (a module fixture), then the suite waits once, 10 s, and reads the reports again.
What each grading leaves is an `Evidence` record; `broken_promises` judges it, so its power is tested on
made-up records too (tests/adversarial/h13_harness_*.py prove it on real runs).
"""

from __future__ import annotations

import ctypes
import dataclasses
import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOSTILE = sorted((REPO / "tests" / "adversarial").glob("h13_*.py"))
MODES = ("standard", "strict")
MAX_SECONDS = 60
MAX_REPORT_BYTES = 2 << 20
WAIT_SECONDS = 10
PR_SET_CHILD_SUBREAPER = 36
WORKSPACE_OWN = {"result.json", "report.html", ".progress.json", "reports"}  # what grading may write there
# The grader's own names in its temporary folder that may stay: the per-user cache of links to NumPy, a probe cache.
GRADER_CACHE = re.compile(r"^(grade-(site|probe-cache|strict)[-\w.]*|_jinja2-cache-\d+)$")
# Outside the checkout's files proper: caches that Python and pytest (also the other people's runs) write.
CHECKOUT_NOISE = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}


@dataclasses.dataclass
class Evidence:
    """What one grading of one hostile file left behind, as the harness saw it."""

    name: str
    mode: str
    exit_code: int | None = None
    seconds: float = 0.0
    stderr: str = ""
    json_bytes: bytes | None = None
    html_bytes: bytes | None = None
    json_later: bytes | None = None
    html_later: bytes | None = None
    survivors: list[str] = dataclasses.field(default_factory=list)  # "pid cmdline" alive when the grader ended
    survivors_later: list[str] = dataclasses.field(default_factory=list)
    new_ipc: list[str] = dataclasses.field(default_factory=list)
    new_outside: list[str] = dataclasses.field(default_factory=list)
    changed_outside: list[str] = dataclasses.field(default_factory=list)
    marker: str = ""  # for the second look, 10 s later
    reports: dict = dataclasses.field(default_factory=dict)
    watcher: object = None


def broken_promises(ev: Evidence, secret_texts: list[str]) -> list[str]:
    """Every promise the evidence shows broken, each a short sentence (empty: all kept)."""
    broken = []
    if ev.exit_code != 1:
        broken.append(f"exit code {ev.exit_code}, not 1; stderr: {ev.stderr[-600:]!r}")
    if ev.seconds > MAX_SECONDS:
        broken.append(f"grading took {ev.seconds:.0f} s (> {MAX_SECONDS} s)")
    data = None
    for kind, first, later in (("JSON", ev.json_bytes, ev.json_later), ("HTML", ev.html_bytes, ev.html_later)):
        if first is None:
            broken.append(f"no {kind} report written")
            continue
        if len(first) > MAX_REPORT_BYTES:
            broken.append(f"{kind} report is {len(first)} bytes (> 2 MB)")
        if later != first:
            broken.append(f"{kind} report changed (or vanished) after the grader ended")
    if ev.json_bytes is not None:
        try:
            data = json.loads(ev.json_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as err:
            broken.append(f"JSON report does not parse: {type(err).__name__}")
    if ev.html_bytes is not None and not _html_parses(ev.html_bytes):
        broken.append("HTML report is not a whole, parseable UTF-8 page")
    mode, _, tool = ev.mode.partition("-")
    if data is not None and not isinstance(data, dict):
        broken.append("JSON report is not an object")
    elif data is not None and data.get("score") != 0:
        broken.append(f"score {data.get('score')!r}, not 0")
    if isinstance(data, dict) and (data.get("sandbox") != mode or tool not in json.dumps(data.get("notes"))):
        broken.append(f"the result says sandbox {data.get('sandbox')!r}, notes {str(data.get('notes'))[:200]}: "
                      f"asked for {ev.mode}")
    texts = _report_texts(ev, data)
    leaked = sorted({secret for secret in secret_texts for text in texts if secret in text})
    if leaked:
        broken.append(f"grader files' text in the reports: {[line[:60] for line in leaked[:3]]}")
    for what, found in (("left running when the grader ended", ev.survivors),
                        ("still running 10 s later", ev.survivors_later), ("IPC objects left", ev.new_ipc),
                        ("new outside the work folder", ev.new_outside),
                        ("changed outside the work folder", ev.changed_outside)):
        if found:
            broken.append(f"{what}: {found[:5]}")
    return broken


def _html_parses(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
        parser = HTMLParser()
        parser.feed(text)
        parser.close()
    except (UnicodeDecodeError, ValueError, AssertionError):
        return False
    return text.lstrip().lower().startswith("<!doctype html") and text.rstrip().lower().endswith("</html>")


def _report_texts(ev: Evidence, data) -> list[str]:
    """The reports as written and as read (JSON strings decoded, HTML entities unescaped)."""
    texts = [raw.decode("utf-8", "replace") for raw in (ev.json_bytes, ev.html_bytes) if raw is not None]
    strings, todo = [], [data]
    while todo:  # no recursion: the tree's depth is the learner's to choose
        value = todo.pop()
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            todo += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            todo += value
    texts.append("\n".join(strings))
    if ev.html_bytes is not None:
        texts.append(html.unescape(ev.html_bytes.decode("utf-8", "replace")))
    return texts


# --- the grader's files: text that must never reach a report ----------------------------------------------------------

def distinctive_lines() -> list[str]:
    """Lines of solutions/*.py and of the exercises' hidden cases no honest report holds."""
    yamls = {path: path.read_text(encoding="utf-8") for path in sorted((REPO / "exercises").glob("*.yaml"))}
    public = "\n".join(yamls.values())  # hints and starters are shown to learners: a line found there is no secret
    lines = set()
    for path in sorted((REPO / "solutions").glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 30 and not line.startswith(("def ", "class ", "import ", "from ", "#", '"""')) \
                    and line not in public:
                lines.add(line)
    for text in yamls.values():
        hidden = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("- name:"):
                hidden = False
            elif stripped == "visibility: hidden":
                hidden = True
            elif hidden and len(stripped) >= 16 and ":" in stripped:
                lines.add(stripped)
    return sorted(lines)


# --- what is running, what IPC exists, what the file system holds -----------------------------------------------------

def _processes() -> dict[int, tuple[int, int, str, str]]:
    """pid -> (parent pid, session id, state, command line) of every process."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        found[int(name)] = (int(fields[1]), int(fields[3]), fields[0], cmdline.strip())
    return found


def _descendants(root: int, table: dict) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class Watcher(threading.Thread):
    """Notes, while the grader runs, every process below it and every session they belong to."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.sessions, self.pids, self.done = pid, set(), set(), threading.Event()
        self.before = _descendants(os.getpid(), _processes())  # this test process's own, from before the grading

    def run(self):
        while not self.done.wait(0.2):
            table = _processes()
            for pid in _descendants(self.pid, table):
                self.pids.add(pid)
                self.sessions.add(table[pid][1])


def survivors(marker: str, watcher: Watcher) -> dict[int, str]:
    """Live processes the grading left: below this test process (its subreaper), carrying the marker, or in a
    session or pid a worker had."""
    _reap_zombies()
    table = _processes()
    ours = _descendants(os.getpid(), table) - watcher.before
    own_session = os.getsid(0)
    found = {}
    for pid, (_ppid, sid, state, cmdline) in table.items():
        if state in "ZX" or pid == os.getpid():
            continue
        if pid in ours or marker in cmdline or (sid in watcher.sessions and sid != own_session) \
                or pid in watcher.pids:
            found[pid] = cmdline[:120]
    return found


def _reap_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def ipc_objects() -> set[str]:
    """SysV segments, queues and semaphore sets, POSIX queues and shared memory that exist now."""
    found = set()
    for kind in ("shm", "msg", "sem"):
        try:
            rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        found |= {f"sysv {kind} key {row.split()[0]} id {row.split()[1]}" for row in rows if row.split()}
    for folder in ("/dev/mqueue", "/dev/shm"):
        if os.path.isdir(folder):
            found |= {f"{folder}/{name}" for name in os.listdir(folder)}
    return found


def file_states(checkout: Path) -> dict[str, tuple]:
    """path -> (size, mtime) of what a worker could plant code or data in: the checkout (listing, and the contents
    of solutions/ and exercises/), git's hooks and config, the venv, the interpreter's standard library, /etc; and
    the listing of the host's /tmp and /var/tmp."""
    states: dict[str, tuple] = {}
    for top, kept in ((checkout, ("solutions", "exercises")), (checkout / ".venv", None),
                      (checkout / ".git" / "hooks", None)):
        for folder, dirs, files in os.walk(top):
            dirs[:] = [name for name in dirs if (top != checkout or name not in CHECKOUT_NOISE)
                       and name != "__pycache__"]
            watched = kept is None or Path(folder).relative_to(top).parts[:1] in [(name,) for name in kept]
            for name in files + dirs:
                states[os.path.join(folder, name)] = _state(os.path.join(folder, name)) if watched else ()
    stdlib = Path(os.__file__).parent
    states.update({str(checkout / ".git" / name): () for name in _listing(checkout / ".git")})  # a new hooks/
    states[str(checkout / ".git" / "config")] = _state(str(checkout / ".git" / "config"))
    for folder in (stdlib, Path("/etc"), Path("/tmp"), Path("/var/tmp")):
        for name in _listing(folder):
            states[str(folder / name)] = _state(str(folder / name)) if folder in (stdlib, Path("/etc")) else ()
    return states


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _state(path: str) -> tuple:
    try:
        info = os.lstat(path)
    except OSError:
        return ("gone",)
    return (info.st_size, info.st_mtime_ns) if not os.path.isdir(path) else ("dir",)


def compare_states(before: dict, after: dict, ignore) -> tuple[list[str], list[str]]:
    """(paths new since `before`, paths whose size or time changed or that vanished), but those `ignore(path)`."""
    new = sorted(path for path in after if path not in before and not ignore(path))
    changed = sorted(path for path, state in before.items()  # a listed-only entry () may go: others' temp files
                     if state and after.get(path, ("gone",)) != state and not ignore(path))
    return new, changed


# What other runs on a shared machine create meanwhile: the grader's own temporary folders (this harness gives its
# graders a private TMPDIR, so these are never its own), pytest's folders, caches, and hostile files being added.
OTHERS = re.compile(r"/\.git/index\.lock$"
                    r"|^/tmp/(grade-(worker|site|probe|zygote|reference|batch|validate)-[\w-]+(\.root)?|pytest-of-\w+"
                    r"|bash_jobs\.\d+)$|/__pycache__(/|$)|/\.pytest_cache(/|$)|^" + re.escape(str(REPO)) +
                    r"/tests/adversarial/h13_\w+\.py$")
# Unnamed temporary files of other programs (Python's tempfile, mktemp, pip, benchmarks) in the host's /tmp: counted only
# where this suite has the machine to itself (H13_EXCLUSIVE_MACHINE=1); hostile files name what they plant.
GENERIC_TMP = re.compile(r"^/(var/)?tmp/(tmp\w{8}[\w.-]*|tmp\.\w{10}|bench-[\w-]+|pip-[\w-]+)$")


def _ignored(path: str) -> bool:
    return bool(OTHERS.search(path)) or (not os.environ.get("H13_EXCLUSIVE_MACHINE") and bool(GENERIC_TMP.match(path)))


# --- grading one file ---------------------------------------------------------------------------------------------

def header(path: Path) -> tuple[list[str], str]:
    """(modes, exercise) from a hostile file's leading comment (`# modes:` is meant to be its second line)."""
    modes, exercise = [], "exercise-2"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# modes:"):
            modes = line.removeprefix("# modes:").split()
        elif line.startswith("# exercise:"):
            exercise = line.removeprefix("# exercise:").strip()
    return [mode for mode in modes if mode in MODES], exercise


# Strict mode runs once per tool: the grader finds its tool on PATH, so the unshare run is given a PATH
# holding unshare alone (the worker's own PATH is fixed by the grader).
TOOLS = {"standard": ["standard"], "strict": ["strict-bwrap", "strict-unshare"]}
TOOL_CHECK = {"bwrap": ["--ro-bind", "/", "/", "--unshare-all", "true"],
              "unshare": ["--user", "--map-root-user", "--mount", "--pid", "--net", "--ipc", "--fork", "true"]}


def unavailable(variant: str) -> str | None:
    """Why this variant (standard, strict-bwrap, strict-unshare) cannot run here, or None."""
    if variant == "standard":
        return None
    tool = variant.split("-", 1)[1]
    path = shutil.which(tool)
    if path is None:
        return f"strict sandbox with {tool} unavailable: {tool} is not installed"
    done = subprocess.run([path, *TOOL_CHECK[tool]], capture_output=True, timeout=30)
    if done.returncode != 0:
        return f"strict sandbox with {tool} unavailable: {done.stderr.decode(errors='replace').strip()[:200]}"
    return None


def tool_path(variant: str, folder: Path) -> str:
    """The PATH a grader gets for this variant."""
    if variant != "strict-unshare":
        return os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    folder.mkdir(exist_ok=True)
    if not (folder / "unshare").exists():
        (folder / "unshare").symlink_to(shutil.which("unshare"))
    return str(folder)


def grade_one(path: Path, mode: str, exercise: str, base: Path, grader_tmp: Path, secret: Path) -> Evidence:
    marker = f"h13mark{secrets.token_hex(6)}"
    work = base / f"{path.stem}-{mode}-{marker}"
    (work / "sub").mkdir(parents=True)
    workspace = work / "ws"
    text = path.read_text(encoding="utf-8")
    for name, value in (("REPO", REPO), ("SECRET", secret), ("MARKER", marker), ("WORKSPACE", workspace)):
        text = text.replace("{" + name + "}", str(value))
    submission = work / "sub" / path.name
    submission.write_text(text, encoding="utf-8")
    reports = {"json": workspace / "result.json", "html": workspace / "report.html"}
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(grader_tmp), "NO_COLOR": "1",
           "PATH": tool_path(mode, base / "only-unshare")}
    env.pop("CNN_GRADER_WORKSPACE", None)
    before_ipc, before_files = ipc_objects(), file_states(REPO)
    before_tmp = set(_listing(grader_tmp))
    command = [sys.executable, "-m", "grader", exercise, "--submission", str(submission),
               "--sandbox", mode.split("-")[0], "--json", str(reports["json"]), "--html", str(reports["html"]),
               "--workspace", str(workspace)]
    ev = Evidence(path.name, mode)
    started = time.monotonic()
    watcher = Watcher(0)
    proc = subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    watcher.pid = proc.pid
    watcher.start()
    try:
        out, err = proc.communicate(timeout=MAX_SECONDS * 2)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    ev.seconds = time.monotonic() - started
    watcher.done.set()
    watcher.join()
    ev.exit_code, ev.stderr = proc.returncode, err.decode("utf-8", "replace")
    ev.survivors = [f"{pid} {cmd}" for pid, cmd in survivors(marker, watcher).items()]
    ev.json_bytes, ev.html_bytes = (_read(reports["json"]), _read(reports["html"]))
    ev.new_ipc = sorted(ipc_objects() - before_ipc)
    new, changed = compare_states(before_files, file_states(REPO), _ignored)
    new += [str(grader_tmp / name) for name in set(_listing(grader_tmp)) - before_tmp
            if not GRADER_CACHE.match(name)]
    new += [str(workspace / name) for name in _listing(workspace) if name not in WORKSPACE_OWN]
    new += [str(work / name) for name in _listing(work) if name not in {"sub", "ws"}]
    new += [str(work / "sub" / name) for name in _listing(work / "sub") if name != path.name]
    ev.new_outside, ev.changed_outside = new, changed
    ev.marker, ev.watcher, ev.reports = marker, watcher, reports
    return ev


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def second_look(ev: Evidence) -> None:
    """The reports and processes once the wait is over; then every survivor is killed, by its pid."""
    if ev.reports:
        ev.json_later, ev.html_later = _read(ev.reports["json"]), _read(ev.reports["html"])
    left = survivors(ev.marker, ev.watcher)
    ev.survivors_later = [f"{pid} {cmd}" for pid, cmd in left.items()]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _reap_zombies()
    for path in ev.new_outside + ev.new_ipc:  # what a hostile file planted under its marker: no later run trips on it
        if ev.marker and ev.marker in path:
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else Path(path).unlink(missing_ok=True)
    remove_sysv(ev.new_ipc, ev.watcher.pids if ev.watcher else set())


def sysv_users() -> dict[str, set[int]]:
    """SysV object name (as in ipc_objects) -> the pids /proc names for it (creator, last sender or receiver)."""
    found = {}
    for kind, columns in (("shm", (4, 5)), ("msg", (5, 6))):
        try:
            rows = [row.split() for row in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]]
        except OSError:
            continue
        found |= {f"sysv {kind} key {row[0]} id {row[1]}": {int(row[c]) for c in columns} for row in rows if row}
    return found


def remove_sysv(names: list[str], pids: set[int]) -> None:
    """Remove the SysV objects, new during one grading, that a process of that grading made or used (never
    another run's: on a shared machine other tests make their own)."""
    libc = ctypes.CDLL(None, use_errno=True)
    remove = {"shm": libc.shmctl, "msg": libc.msgctl}
    users = sysv_users()
    for name in names:
        if users.get(name, set()) & pids:
            remove[name.split()[1]](int(name.split()[-1]), 0, None)  # IPC_RMID


def subreaper(on: bool) -> None:
    """Make this test process the child subreaper, so whatever a grading leaves behind comes back to it."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


def cases() -> list:
    found = []
    for path in HOSTILE:
        modes, _ = header(path)
        found += [pytest.param(path.name, variant, id=f"{path.stem}-{variant}")
                  for mode in modes for variant in TOOLS[mode]]
    return found


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> tuple[Path, str]:
    """A file only its owner may read, holding a token that must never reach a report."""
    token = f"h13-owner-only-{secrets.token_hex(8)}"
    path = tmp_path_factory.mktemp("h13-secret") / "owner-only.txt"
    path.write_text(token + "\n")
    os.chmod(path, 0o600)
    return path, token


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory, secret) -> dict[tuple[str, str], Evidence | str]:
    """Every selected (file, mode): its evidence, or why the mode cannot run here. All graded, then one wait, then
    a look at each."""
    base, grader_tmp = tmp_path_factory.mktemp("h13-work"), tmp_path_factory.mktemp("h13-grader-tmp")
    why_not = {variant: unavailable(variant) for variants in TOOLS.values() for variant in variants}
    selected = {(item.callspec.params["name"], item.callspec.params["mode"]) for item in request.session.items
                if getattr(item, "originalname", "") == "test_a_hostile_submission_keeps_every_common_promise"}
    found: dict = {}
    subreaper(True)
    try:
        for name, variant in sorted(selected):
            path = REPO / "tests" / "adversarial" / name
            found[name, variant] = why_not[variant] or grade_one(path, variant, header(path)[1], base, grader_tmp,
                                                                   secret[0])
        if any(isinstance(ev, Evidence) for ev in found.values()):
            time.sleep(WAIT_SECONDS)
        for ev in found.values():
            if isinstance(ev, Evidence):
                second_look(ev)
    finally:
        subreaper(False)
    shutil.rmtree(base, ignore_errors=True)
    return found


@pytest.fixture(scope="module")
def secret_texts(secret) -> list[str]:
    return [*distinctive_lines(), secret[1]]


@pytest.mark.parametrize("name, mode", cases())
def test_a_hostile_submission_keeps_every_common_promise(name, mode, graded, secret_texts):
    ev = graded[name, mode]
    if isinstance(ev, str):
        pytest.skip(ev)
    broken = broken_promises(ev, secret_texts)
    assert not broken, "\n".join(broken)


def test_every_hostile_file_says_what_it_attacks_and_in_which_modes():
    for path in HOSTILE:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#") and len(lines[0]) > 10, path.name
        modes = [line for line in lines if line.startswith("# modes:")][:1]
        assert modes and header(path)[0], f"{path.name}: no `# modes:` line in its leading comment"
        assert set(modes[0].removeprefix("# modes:").split()) <= set(MODES), path.name


# --- the checks' power, on made-up evidence and on real leftovers ---------------------------------------------------

CLEAN_JSON = json.dumps({"score": 0, "max_score": 28, "sandbox": "standard", "tests": [{"output": "ok"}]}).encode()
CLEAN_HTML = b"<!DOCTYPE html>\n<html><body><p>0/28</p></body></html>\n"


def clean_evidence(**changes) -> Evidence:
    ev = Evidence("h13_fake.py", "standard", exit_code=1, seconds=3.0, json_bytes=CLEAN_JSON, html_bytes=CLEAN_HTML,
                  json_later=CLEAN_JSON, html_later=CLEAN_HTML)
    return dataclasses.replace(ev, **changes)


FORGED = json.dumps({"score": 28, "max_score": 28, "sandbox": "standard"}).encode()
SOLUTION_LINE = 'out[:, f] += np.einsum("nchw,chw->n", window, w)'
LEAKY = json.dumps({"score": 0, "sandbox": "standard", "tests": [{"output": SOLUTION_LINE}]}).encode()


def both(kind: str, data: bytes) -> dict:
    """A report as first written and as read 10 s later: the same bytes."""
    return {f"{kind}_bytes": data, f"{kind}_later": data}


@pytest.mark.parametrize("changes, fragment", [
    ({}, None),
    ({"exit_code": 3, "stderr": "UnicodeEncodeError: surrogates not allowed"}, "exit code 3"),
    ({"exit_code": 0}, "exit code 0"),
    ({"seconds": 75.0}, "took 75 s"),
    ({"json_bytes": None, "json_later": None}, "no JSON report"),
    ({"html_bytes": None, "html_later": None}, "no HTML report"),
    ({"json_later": FORGED}, "JSON report changed"),
    ({"html_later": None}, "HTML report changed"),
    (both("json", b'{"score": 0, '), "does not parse"),
    (both("html", b"<html><body>cut"), "HTML report is not a whole"),
    (both("html", b"<!DOCTYPE html><html>\xed\xa0\x80</html>"), "HTML report is not a whole"),  # a lone surrogate
    (both("json", FORGED), "score 28"),
    (both("json", b"[0]"), "not an object"),
    (both("json", b"[" * 100000 + b"]" * 100000), "does not parse"),
    (both("json", b" " * MAX_REPORT_BYTES + CLEAN_JSON), "> 2 MB"),
    (both("json", LEAKY), "grader files' text"),
    (both("html", b"<!DOCTYPE html><html>secret-token&#45;1</html>"), "grader files' text"),
    ({"mode": "strict-unshare"}, "asked for strict-unshare"),
    ({"survivors": ["4242 python -c sleep h13mark"]}, "left running when the grader ended"),
    ({"survivors_later": ["4242 python -c sleep"]}, "still running 10 s later"),
    ({"new_ipc": ["sysv shm key 0x00000000 id 7"]}, "IPC objects left"),
    ({"new_outside": ["/tmp/h13-planted"]}, "new outside the work folder"),
    ({"changed_outside": ["/work/main/.venv/lib/python3.11/site-packages/x.pth"]}, "changed outside"),
])
def test_the_judge_names_each_broken_promise(changes, fragment):
    secrets_ = [SOLUTION_LINE, "secret-token-1"]
    broken = broken_promises(clean_evidence(**changes), secrets_)
    if fragment is None:
        assert broken == []
    else:
        assert len(broken) >= 1 and any(fragment in line for line in broken), broken


def test_a_setsid_double_forked_survivor_is_found_and_ended(tmp_path):
    marker = f"h13mark{secrets.token_hex(6)}"
    code = ("import os, sys, time\n"
            "if os.fork() == 0:\n os.setsid()\n if os.fork() == 0:\n"
            "  os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)', sys.argv[1]])\n"
            " os._exit(0)\n")
    subreaper(True)
    watcher = Watcher(-1)  # never started, so it saw nothing: only the subreaper finds the survivor
    try:
        subprocess.run([sys.executable, "-c", code, "unmarked"], check=True, start_new_session=True)
        time.sleep(0.5)
        found = survivors(marker, watcher)
        assert any("time.sleep(60)" in cmd for cmd in found.values()), found
    finally:
        subreaper(False)
        second_look(Evidence("fake", "standard", marker=marker, watcher=watcher))
    assert not [pid for pid, cmd in survivors(marker, watcher).items() if "time.sleep(60)" in cmd]


def test_sysv_objects_and_files_outside_are_seen(tmp_path):
    libc = ctypes.CDLL(None, use_errno=True)
    before, files_before = ipc_objects(), file_states(REPO)
    segment = libc.shmget(0, 4096, 0o1000 | 0o600)
    planted = Path("/tmp") / f"h13-harness-{secrets.token_hex(4)}"
    planted.write_text("x")
    try:
        assert segment >= 0 and any(f"id {segment}" in name for name in ipc_objects() - before)
        new, _ = compare_states(files_before, file_states(REPO), _ignored)
        assert str(planted) in new
    finally:
        libc.shmctl(segment, 0, None)  # IPC_RMID
        planted.unlink()
    assert not [name for name in ipc_objects() - before if f"id {segment}" in name]
