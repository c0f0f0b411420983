"""The learner's file as the diagnosis quotes it: its lines (a bounded, forgiving read) and the names it defines."""

from __future__ import annotations

import ast
import keyword
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"""[rbuf]*("[^"]*"|'[^']*')""", re.IGNORECASE)


def read_source_lines(path: Path, limit_bytes: int = 1_000_000) -> tuple[str, ...]:
    """The file's lines as Python numbers them; () if it cannot be read. At most `limit_bytes` are read, undecodable
    bytes are replaced, and anything but a regular file (a FIFO, a device) is refused so the read cannot block."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError, TypeError):
        return ()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ()
        data = os.read(fd, max(0, limit_bytes))
    except OSError:
        return ()
    finally:
        os.close(fd)
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    # Python counts lines at \r\n, \r and \n only (not at \f or \u2028, which str.splitlines also splits on)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(lines[:-1] if lines and lines[-1] == "" else lines)


def defined_names(lines: tuple[str, ...] | list[str]) -> set[str]:
    """Every name the file gives a value: assignments, loop and `with` targets, parameters, functions, classes and
    imports. A file that does not parse gives every identifier in it instead (keywords left out)."""
    tree = _parse(lines)
    if tree is None:
        return {word for line in lines for word in _IDENTIFIER.findall(line) if not keyword.iskeyword(word)}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def parses(lines: tuple[str, ...] | list[str]) -> bool:
    return _parse(lines) is not None


def assignment_counts(lines: tuple[str, ...] | list[str]) -> dict[str, int] | None:
    """How many times the file gives each name a value by assignment, loop, `with` or `del` (parameters do not
    count); None when the file does not parse, so nothing can be said about what a name holds."""
    tree = _parse(lines)
    if tree is None:
        return None
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def parameters_defaulting_to_none(lines: tuple[str, ...] | list[str]) -> set[str]:
    """The parameters of the file's functions whose default is None (e.g. `bias` in `conv2d(x, w, bias=None)`)."""
    tree = _parse(lines)
    if tree is None:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
            pairs += [(arg, value) for arg, value in zip(arguments.kwonlyargs, arguments.kw_defaults) if value]
            found.update(arg.arg for arg, value in pairs
                         if isinstance(value, ast.Constant) and value.value is None)
    return found


def identifiers(code: str) -> set[str]:
    """The names a line of code mentions, leaving out keywords and the words inside string literals."""
    return {word for word in _IDENTIFIER.findall(_STRING.sub(" ", code)) if not keyword.iskeyword(word)}


def _parse(lines) -> ast.Module | None:
    return _parse_text("\n".join(lines)) if all(isinstance(line, str) for line in lines) else None


@lru_cache(maxsize=4)  # one submission's failing cases ask again and again; the tree is only read
def _parse_text(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, TypeError):
        return None  # a file that does not parse, holds a NUL byte or nests too deeply
