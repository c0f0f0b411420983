"""The worker's folder is learner ground: read from it without following links or blocking, and remove it whatever
shape learner code gave it (any depth, no permissions, links, FIFOs, many files), never raising."""

from __future__ import annotations

import atexit
import logging
import os
import stat

_LOG = logging.getLogger("grader.sandbox")
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_leftovers: set[str] = set()  # folders a removal could not finish: tried again when the grader exits


def read_capture(folder_fd: int, name: str, limit: int) -> bytes:
    """At most `limit` bytes of a file the worker wrote in its folder; b"" unless it is a plain regular file of its
    own (never a link, FIFO, device or a hard link to someone else's file), so the read can neither block nor leak."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, dir_fd=folder_fd)
    except OSError:
        return b""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return b""
        return os.pread(fd, max(0, limit), 0)
    except OSError:
        return b""
    finally:
        os.close(fd)


def open_folder(path: str) -> int | None:
    """A descriptor of the folder itself, so later reads do not go through a path learner code may have replaced."""
    try:
        return os.open(path, _DIRECTORY)
    except OSError:
        return None


def remove_folder(path: str) -> bool:
    """Remove `path` and all it holds, iteratively and by descriptor (no depth or path-length limit, links unlinked,
    never followed). False, logged and retried at exit, when something could not be removed."""
    try:
        _remove(path)
    except (OSError, ValueError) as err:
        _leftovers.add(path)
        _LOG.warning("could not remove the worker folder %s (%s); trying again when the grader exits", path, err)
        return False
    _leftovers.discard(path)
    return True


def _remove(path: str) -> None:
    try:
        fd = os.open(path, _DIRECTORY)
    except FileNotFoundError:
        return
    except PermissionError:
        os.chmod(path, 0o700)
        fd = os.open(path, _DIRECTORY)
    except OSError:  # a link or a file where the folder was: remove the entry itself, never what it names
        os.unlink(path)
        return
    names: list[str] = []  # the path from `path` down to `fd`, by entry name
    try:
        while True:
            _allow(fd)
            child = _empty_but_one_folder(fd)
            if child is not None:
                inner = _open_inner(fd, child)
                os.close(fd)
                fd = inner
                names.append(child)
                continue
            if not names:
                break
            parent = os.open("..", _DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir(names.pop(), dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(path)


def _open_inner(fd: int, name: str) -> int:
    try:
        return os.open(name, _DIRECTORY, dir_fd=fd)
    except PermissionError:  # a folder without permissions: its owner (the grader's user) may open it up
        os.chmod(name, 0o700, dir_fd=fd)  # nothing of the worker runs any more, so the entry is still that folder
        return os.open(name, _DIRECTORY, dir_fd=fd)


def _allow(fd: int) -> None:
    try:
        os.fchmod(fd, 0o700)  # a folder learner code made unreadable or read-only is its owner's to open up
    except OSError:
        pass


def _empty_but_one_folder(fd: int) -> str | None:
    """Unlink every entry of the folder `fd` but folders; the name of one folder left, or None when it is empty."""
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                return entry.name
            os.unlink(entry.name, dir_fd=fd)
    return None


@atexit.register
def _retry_leftovers() -> None:
    for path in sorted(_leftovers):
        try:
            _remove(path)
        except (OSError, ValueError) as err:
            _LOG.warning("left the worker folder %s behind (%s)", path, err)
