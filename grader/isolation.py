"""Strict mode: wrap the worker in bubblewrap or unshare — no network, a read-only system, the grader hidden."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import UsageError

# Every mount read-only (not only /: /dev/shm and the like are mounts of their own), then the work folder writable.
_UNSHARE_SCRIPT = ('set -e; wd=$1; shift; mount --bind "$wd" "$wd"; cd "$wd"; '
                   'while [ "$1" != "--" ]; do mount -t tmpfs -o size=64k,mode=755 none "$1"; shift; done; shift; '
                   'for m in $(cut -d" " -f2 /proc/self/mounts); do '
                   '[ "$m" = "$wd" ] || mount -o remount,bind,ro "$m" 2>/dev/null || :; done; exec "$@"')
_strict_cache: dict[str, list[str]] = {}


def strict_prefix() -> list[str]:
    """The command that wraps the worker in strict mode; UsageError (exit 2) if this machine offers none."""
    if "prefix" not in _strict_cache:
        _strict_cache["prefix"] = _probe_strict()
    if not _strict_cache["prefix"]:
        raise UsageError("--sandbox strict needs bubblewrap (`bwrap`) or unprivileged user namespaces "
                         "(`unshare --user`), and neither works here. Install bubblewrap "
                         "(apt-get install bubblewrap) or grade with --sandbox standard.")
    return list(_strict_cache["prefix"])


def strict_tool() -> str:
    """"bwrap" or "unshare": the tool strict mode uses here (call strict_prefix first)."""
    return Path(strict_prefix()[0]).name


def _probe_strict() -> list[str]:
    bwrap, unshare = shutil.which("bwrap"), shutil.which("unshare")
    candidates = []
    if bwrap:
        candidates.append([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
                           "--die-with-parent", "--new-session"])
    if unshare:
        candidates.append([unshare, "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork",
                           "--kill-child", "--mount-proc", "--", "sh", "-c", _UNSHARE_SCRIPT, "sh"])
    for prefix in candidates:
        workdir = tempfile.mkdtemp(prefix="grade-probe-")
        try:
            command = [*prefix, *isolation_arguments(prefix[0], workdir, hidden_paths())]
            done = subprocess.run([*command, sys.executable, "-I", "-c", "import numpy"], cwd=workdir,
                                  capture_output=True, timeout=20)
            if done.returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return []


def hidden_paths() -> list[str]:
    """The grader's repository (or, when installed next to NumPy, its own packages): never visible to learners."""
    package = Path(__file__).resolve().parent
    root = package.parent
    numpy_dir = Path(__import__("numpy").__file__).resolve()
    if root in numpy_dir.parents:  # installed in site-packages: hide our packages, keep NumPy
        return [str(path) for path in (package, root / "solutions") if path.is_dir()]
    return [str(root)]


def isolation_arguments(tool: str, workdir: str, hidden: list[str]) -> list[str]:
    """The rest of the strict command line: the work folder writable, the hidden paths covered by empty tmpfs."""
    hidden = [path for path in hidden if not workdir.startswith(path + os.sep)]
    if Path(tool).name == "unshare":
        return [workdir, *hidden, "--"]
    arguments = ["--tmpfs", tempfile.gettempdir(), "--bind", workdir, workdir]
    for path in hidden:
        arguments += ["--tmpfs", path]
    return [*arguments, "--chdir", workdir, "--"]
