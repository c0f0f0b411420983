"""How a worker is launched: its program, interpreter, NumPy, environment and limits, and strict mode's jail.

The worker program (`WORKER_SOURCE`) is the source of this package's worker-side modules (`WORKER_PIECES`),
joined in order between a start that puts NumPy's folder on sys.path and a last line that runs the supervisor
(or, given the argument `zygote`, the zygote). Run from `-c`, the pieces share one namespace, so each imports
its siblings only when the grader imports it, and imports nothing at the top but the standard library (and
NumPy, in the pieces the grader never imports).

Every worker runs the *base* interpreter (a venv's python resolved to the installation it was made from) with
`-I -S`: no site-packages, no .pth files, nothing of a venv. NumPy reaches it through one neutral folder given on
its command line, which holds NumPy's own folders and nothing else:

- standard mode: a temporary folder of links to them, one per user and NumPy installation (`standard_site`);
- strict mode: `/worker-site`, with NumPy's folders mounted there read-only (`WORKER_SITE`).

So wherever the venv or the checkout lives, the worker is handed no path of the repository. In strict mode it
cannot reach one either: its root file system is an empty tmpfs into which `jail_mounts` puts, read-only, the
system's program and library folders, the interpreter's installation, NumPy, the files the interpreter maps to
import NumPy, a minimal /dev and a fresh /proc; then an empty /tmp and the writable work folder. Site-packages
folders inside those trees (where `grader` and `solutions` may be installed) are covered by empty tmpfs.

Which tool works here (and the layout above) is probed once and remembered in the user's cache folder
(probe_cache.py); a remembered answer is used only after a quick check that the tool still builds the jail.
`resolve_sandbox` picks the default: strict where it works, else standard.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from ..errors import UsageError
from .. import PACKAGE_DIR
from . import probe_cache
from .workdir import remove_folder

WORKER_SITE = "/worker-site"  # a top-level name: no bound tree can hold it
SYSTEM_TREES = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
DEVICES = ("null", "zero", "full", "random", "urandom")
# The strict worker is started by the tool, then this script (unshare only; bwrap does the same itself): it builds
# the new root in a tmpfs on "$wd.root" from the mount operations given as arguments, pivots into it and makes
# every mount but the work folder read-only.
_UNSHARE_SCRIPT = r'''set -e
wd=$1; root=$wd.root; shift
mkdir "$root"; mount -t tmpfs -o mode=755 none "$root"
while [ "$1" != -- ]; do
    case $1 in
    ro|rw|dev)
        if [ -d "$2" ]; then mkdir -p "$root$3"; else mkdir -p "$(dirname "$root$3")"; : > "$root$3"; fi
        mount --bind "$2" "$root$3"
        [ "$1" = rw ] || mount -o remount,bind,ro "$root$3"
        shift 3;;
    tmpfs) mkdir -p "$root$2"; mount -t tmpfs -o size=1m,mode=755 none "$root$2"; shift 2;;
    proc) mkdir -p "$root$2"; mount --bind /proc "$root$2"; mount -o remount,bind,ro "$root$2"; shift 2;;
    link) mkdir -p "$(dirname "$root$3")"; ln -s "$2" "$root$3"; shift 3;;
    seal) mount -o remount,bind,ro "$root$2"; shift 2;;
    *) echo "unknown mount operation $1" >&2; exit 1;;
    esac
done
shift
mkdir "$root/.old"; cd "$root"; PATH=/usr/sbin:/sbin:$PATH pivot_root . .old; umount -l /.old; rmdir /.old
mount -o remount,bind,ro /
cd "$wd"
exec "$@"
'''
_IMPORT_NUMPY = "import sys\nsys.path.insert(0, sys.argv.pop(1))\nimport numpy\n"  # SITE, then NumPy from it
# What -S leaves out but learner code may use: exit(), quit(), help(), copyright().
_SITE_BUILTINS = "import site\nsite.setquit()\nsite.sethelper()\nsite.setcopyright()\n"
_RUN = 'zygote_main(sys.argv[2:] == ["jailed"]) if sys.argv[1:2] == ["zygote"] else supervise()\n'
WORKER_PIECES = ("known_functions", "wire", "confine", "limits", "reaper", "worker_main", "supervisor", "zygote_server")
WORKER_SOURCE = _IMPORT_NUMPY + _SITE_BUILTINS + "".join(
    Path(__file__).with_name(f"{piece}.py").read_text(encoding="utf-8") for piece in WORKER_PIECES) + _RUN
FILE_SIZE_LIMIT = 64 << 20
OPEN_FILES_LIMIT = 256
_PASSED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # some CPUs need these for NumPy not to crash
_PROBE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}  # as worker_env's
_cache: dict = {}
_strict_cache: dict[str, list[str]] = {}


# --- the interpreter, NumPy, environment and limits, for every worker -----------------------------------------------

def interpreter() -> str:
    """The base interpreter: a venv's python is a link to (or copy of) it, and only adds site-packages."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def numpy_entries(package: Path | None = None) -> list[Path]:
    """NumPy's folders in its site-packages: the package, its bundled libraries and its metadata."""
    if package is None:  # found, not imported: the grader may start a worker before it imports NumPy
        package = Path(importlib.util.find_spec("numpy").origin).resolve().parent
    names = {package.name, f"{package.name}.libs"}
    return sorted(path for path in package.parent.iterdir()
                  if path.name in names or (path.name.startswith("numpy-") and path.name.endswith(".dist-info")))


def worker_command(site: str, source: str, *args: str) -> list[str]:
    """`python -I -S -c SOURCE SITE ARGS`: the worker puts SITE first on sys.path and imports NumPy from it."""
    return [interpreter(), "-I", "-S", "-c", source, site, *args]


def worker_env(folder: str) -> dict:
    """A worker's whole environment: `folder` as HOME and TMPDIR, one thread per library, nothing of ours."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": folder, "TMPDIR": folder,
           "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({key: os.environ[key] for key in _PASSED_ENV if key in os.environ})
    return env


def rlimit_values(memory_mb: int, cpu_seconds: int) -> dict:
    """The resource limits of a worker (set by limits.apply_limits before it runs Python)."""
    return {"RLIMIT_AS": memory_mb << 20, "RLIMIT_CPU": cpu_seconds, "RLIMIT_FSIZE": FILE_SIZE_LIMIT,
            "RLIMIT_NOFILE": OPEN_FILES_LIMIT, "RLIMIT_CORE": 0}


def standard_site() -> str:
    """The folder of links to NumPy's folders: one per user and NumPy installation, kept for later runs."""
    if "site" not in _cache:
        entries = numpy_entries()
        folder = shared_site_folder(entries)
        if not _is_site(folder, entries):
            staged = link_site(entries)
            try:
                os.rename(staged, folder)  # atomic: a concurrent grader's folder, if first, stays
            except OSError:
                shutil.rmtree(staged, ignore_errors=True)
            if not _is_site(folder, entries):  # another user's, or damaged: a private one for this process
                folder = link_site(entries)
                atexit.register(shutil.rmtree, folder, True)
        _cache["site"] = folder
    return _cache["site"]


def shared_site_folder(entries: list[Path]) -> str:
    key = hashlib.sha256("\0".join(map(str, entries)).encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"grade-site-{os.getuid()}-{key}")


def link_site(entries: list[Path]) -> str:
    """A new temporary folder holding one link to each of `entries`, and nothing else."""
    folder = tempfile.mkdtemp(prefix="grade-site-")
    os.chmod(folder, 0o755)  # a worker graded by root may run as `nobody`
    for entry in entries:
        os.symlink(entry, os.path.join(folder, entry.name))
    return folder


def _is_site(folder: str, entries: list[Path]) -> bool:
    """True if `folder` is ours, writable by us alone, and links to exactly `entries`."""
    try:
        info = os.lstat(folder)
        return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022
                and sorted(os.listdir(folder)) == sorted(entry.name for entry in entries)
                and all(os.readlink(os.path.join(folder, entry.name)) == str(entry) for entry in entries))
    except OSError:
        return False


# --- strict mode ----------------------------------------------------------------------------------------------------

def strict_prefix() -> list[str]:
    """The tool command that wraps the worker in strict mode; UsageError (exit 2) if this machine offers none."""
    if "prefix" not in _strict_cache:
        _strict_cache["prefix"] = _remembered_or_probed()
    if not _strict_cache["prefix"]:
        raise UsageError("--sandbox strict needs bubblewrap (`bwrap`) or unprivileged user namespaces "
                         "(`unshare --user`), and neither works here. Install bubblewrap "
                         "(apt-get install bubblewrap) or grade with --sandbox standard.")
    return list(_strict_cache["prefix"])


def strict_available() -> bool:
    """True when strict mode works on this machine (the probe's answer, remembered between runs)."""
    try:
        strict_prefix()
    except UsageError:
        return False
    return True


def resolve_sandbox(requested: str | None) -> tuple[str, str]:
    """The sandbox to grade in and one line for the user saying which and why, when none was asked for ("" else):
    strict where this machine offers it, else standard. Strict asked for but unavailable: UsageError (exit 2)."""
    if requested is not None:
        if requested == "strict":
            strict_prefix()
        return requested, ""
    if strict_available():
        return "strict", (f"Sandbox: strict ({strict_tool()}), the default where it works; "
                          "--sandbox standard grades without the jail.")
    return "standard", ("Sandbox: standard (no network or file system jail): strict mode needs bubblewrap (bwrap) "
                        "or unshare, and neither works here.")


def strict_tool() -> str:
    """"bwrap" or "unshare": the tool strict mode uses here (call strict_prefix first)."""
    return Path(strict_prefix()[0]).name


def strict_command(workdir: str, source: str, *args: str) -> list[str]:
    """The whole command that starts a worker (or any `source`) in the jail, in `workdir`."""
    prefix = strict_prefix()
    return [*prefix, *jail_arguments(prefix[0], workdir), *worker_command(WORKER_SITE, source, *args)]


def _remembered_or_probed() -> list[str]:
    """The probe's remembered answer when it still holds (its tool still starts the jail), else a fresh probe."""
    key = probe_cache.key_of([*map(str, (shutil.which("bwrap"), shutil.which("unshare"), interpreter())),
                              *map(str, numpy_entries()), "/etc/ld.so.cache", __file__, str(PACKAGE_DIR.parent),
                              sys.version, str(os.getuid())])
    saved = probe_cache.load(key)
    if saved is not None and _still_starts(saved["prefix"], saved["layout"]):
        _cache["layout"] = saved["layout"]
        return saved["prefix"]
    prefix = _probe_strict()
    if prefix:
        probe_cache.save(key, prefix, _cache["layout"])
    else:
        probe_cache.forget()
    return prefix


def _still_starts(prefix: list[str], layout: dict) -> bool:
    """A quick check of a remembered answer: every path it names is there and the tool still builds the jail
    (bubblewrap: the whole jail, ~10 ms; unshare: its namespaces, as the whole recipe costs ~0.1 s)."""
    paths = [prefix[0], *layout["prefixes"], *layout["numpy"], *layout["files"]]
    if not all(os.path.exists(path) for path in paths):
        return False
    if Path(prefix[0]).name == "unshare":
        return _namespaces_work(prefix)
    workdir = tempfile.mkdtemp(prefix="grade-probe-")
    try:
        command = [*prefix, *jail_arguments(prefix[0], workdir, layout), "true"]
        return subprocess.run(command, cwd=workdir, capture_output=True, timeout=20, env=_PROBE_ENV).returncode == 0
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False
    finally:
        remove_workdir(workdir)


def _namespaces_work(prefix: list[str]) -> bool:
    """Does the tool create its namespaces here at all? (~5 ms: where it cannot, the probe stops before the
    ~0.15 s it takes to find the files the interpreter maps.)"""
    if Path(prefix[0]).name == "unshare":
        command = [*prefix[:prefix.index("--")], "true"]
    else:
        command = [*prefix, "--ro-bind", "/", "/", "true"]
    try:
        return subprocess.run(command, capture_output=True, timeout=20, env=_PROBE_ENV, cwd="/").returncode == 0
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False


def _probe_strict() -> list[str]:
    """The first tool whose jail really starts the interpreter and imports NumPy here; [] if none does."""
    bwrap, unshare = shutil.which("bwrap"), shutil.which("unshare")
    candidates = []
    if bwrap:
        candidates.append([bwrap, "--unshare-all", "--die-with-parent", "--new-session"])
    if unshare:
        candidates.append([unshare, "--user", "--map-root-user", "--net", "--mount", "--pid", "--ipc", "--uts",
                           "--fork", "--kill-child", "--mount-proc", "--", "sh", "-c", _UNSHARE_SCRIPT, "sh"])
    for prefix in candidates:
        if not _namespaces_work(prefix):
            continue
        workdir = tempfile.mkdtemp(prefix="grade-probe-")
        try:
            command = [*prefix, *jail_arguments(prefix[0], workdir), *worker_command(WORKER_SITE, _IMPORT_NUMPY)]
            done = subprocess.run(command, cwd=workdir, capture_output=True, timeout=20, env=_PROBE_ENV)
            if done.returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
        finally:
            remove_workdir(workdir)
    return []


def remove_workdir(workdir: str) -> None:
    """Remove a worker's folder and, for unshare, the empty mount point its jail's root was built on."""
    remove_folder(workdir)  # the worker shaped it: no depth, permission or link may break the removal
    try:
        os.rmdir(workdir + ".root")
    except OSError:
        pass


def jail_arguments(tool: str, workdir: str, layout: dict | None = None) -> list[str]:
    """The tool's arguments that build the jail for `workdir`, up to and including "--" (layout: host_layout())."""
    if layout is None:
        if "layout" not in _cache:
            _cache["layout"] = host_layout()
        layout = _cache["layout"]
    operations = jail_mounts(workdir=workdir, **layout)
    if Path(tool).name == "unshare":
        return [workdir, *(part for operation in operations for part in operation), "--"]
    flags = {"ro": "--ro-bind", "rw": "--bind", "dev": "--dev-bind", "tmpfs": "--tmpfs", "proc": "--proc",
             "link": "--symlink", "seal": "--remount-ro"}
    arguments = [part for kind, *paths in operations for part in (flags[kind], *paths)]
    return [*arguments, "--remount-ro", "/", "--chdir", workdir, "--"]


def host_layout() -> dict:
    """Where this machine keeps what a worker needs (the arguments of `jail_mounts`, but the work folder)."""
    prefixes = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)})
    grader_home = PACKAGE_DIR.parent  # the checkout, or the site-packages we are installed in
    return layout(numpy_entries(), grader_home, prefixes, _files_mapped_to_import_numpy())


def layout(numpy: list[Path], grader_home: Path, prefixes: list[str], files: list[str]) -> dict:
    """What the jail is built from: the interpreter's installation (`prefixes`), NumPy's folders, the files the
    interpreter maps to import NumPy, and the folders to cover wherever they fall inside what is visible: every
    site-packages of the interpreter, NumPy's own (it may hold `grader` and `solutions`) and the grader's home."""
    site_folders = {os.path.realpath(sysconfig.get_path(name, vars={"base": prefix, "platbase": prefix}))
                    for name in ("purelib", "platlib") for prefix in prefixes}
    site_folders |= {"/usr/lib/python3/dist-packages", f"/usr/local/lib/python3.{sys.version_info[1]}/dist-packages"}
    return {"prefixes": list(prefixes), "numpy": [str(entry) for entry in numpy],
            "hidden": sorted(site_folders | {str(numpy[0].parent), str(grader_home)}), "files": list(files)}


def _files_mapped_to_import_numpy() -> list[str]:
    """Every file the worker's interpreter maps to import NumPy (the loader's cache, shared libraries)."""
    script = _IMPORT_NUMPY + "with open('/proc/self/maps') as f: print(f.read())"
    try:
        done = subprocess.run(worker_command(standard_site(), script), capture_output=True, text=True, timeout=30,
                              env=_PROBE_ENV, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return []
    paths = {line.split(None, 5)[5] for line in done.stdout.splitlines() if len(line.split(None, 5)) == 6}
    return sorted(path for path in paths if path.startswith("/") and os.path.isfile(path))


def jail_mounts(workdir: str, prefixes: list[str], numpy: list[str], hidden: list[str], files: list[str]) -> list:
    """The jail's file system, as mount operations applied in order on an empty, finally read-only root.

    ("ro"|"rw"|"dev", source, target) binds; ("tmpfs", target) an empty tmpfs, read-only at the end ("seal");
    ("link", target, name) a symbolic link; ("proc", "/proc") the jail's own /proc."""
    operations, visible, tmpfs = [], [], []
    for tree in SYSTEM_TREES:
        if os.path.islink(tree):
            operations.append(("link", os.readlink(tree), tree))
        elif os.path.isdir(tree):
            operations.append(("ro", tree, tree))
            visible.append(tree)
    for prefix in sorted(prefixes, key=len):
        if not _inside(prefix, visible):
            operations.append(("ro", prefix, prefix))
            visible.append(prefix)
    for folder in sorted(hidden, key=len):
        if _inside(folder, visible) and not _inside(folder, tmpfs) and os.path.isdir(folder):
            operations.append(("tmpfs", folder))
            tmpfs.append(folder)
    for entry in numpy:
        operations.append(("ro", entry, f"{WORKER_SITE}/{os.path.basename(entry)}"))
    for path in files:  # what NumPy's libraries find on their own ($ORIGIN) is already in WORKER_SITE
        if not (_inside(path, visible) and not _inside(path, tmpfs)) and not _inside(path, numpy):
            operations.append(("ro", path, path))
    operations += [("tmpfs", "/tmp"), ("rw", workdir, workdir), ("tmpfs", "/dev")]
    operations += [("dev", f"/dev/{name}", f"/dev/{name}") for name in DEVICES if os.path.exists(f"/dev/{name}")]
    operations += [("link", "/proc/self/fd", "/dev/fd"), ("proc", "/proc")]
    return operations + [("seal", folder) for folder in (*tmpfs, "/tmp", "/dev", "/proc")]


def _inside(path: str, folders: list[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)
