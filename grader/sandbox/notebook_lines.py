"""IPython's own lines in a cell: line magics (`%timeit f(x)`), shell lines (`!pip install scipy`, `files = !ls`)
and help lines (`np.pad?`, `??conv2d`). None of them is Python; each is blanked where it stands (a `pass` when it
is indented, so the block around it stays a block) and the line numbers of the cell stay as they were. Only a line
that starts a statement counts: a `%` or `?` inside brackets, a string or a continued line is Python's."""

from __future__ import annotations

import re

_ASSIGNED_MAGIC = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!]")
_WORDS = {"magic": "magics", "shell": "shell lines", "help": "help lines"}


def blank_magics(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines with IPython's lines blanked, and the kind of each one blanked ("magic", "shell", "help")."""
    out, found = [], []
    depth, quote, continued = 0, "", False
    for line in lines:
        starts = depth == 0 and not quote and not continued
        code, state = _scan(line, depth, quote)
        kind = _magic_kind(line.lstrip(), code.strip(), closed=not state[1]) if starts else ""
        if kind:
            found.append(kind)
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f"{indent}pass" if indent else "")
            continue  # the state stays as it was at the start of the line: a shell line's quotes are not Python's
        depth, quote = state
        continued = not quote and code.endswith("\\") and not code.endswith("\\\\")
        out.append(line)
    return out, found


def magic_words(found: list[str]) -> list[str]:
    """["magics", "shell lines"] for the note, in the order first seen."""
    return [_WORDS[kind] for kind in dict.fromkeys(found)]


def _magic_kind(stripped: str, code: str, closed: bool) -> str:
    """The kind of IPython line that starts with `stripped` ("" for Python); `closed`: no string is left open."""
    if stripped.startswith("%") or (_ASSIGNED_MAGIC.match(stripped) and "%" in stripped.split("=", 1)[1][:2]):
        return "magic"
    if stripped.startswith("!") or _ASSIGNED_MAGIC.match(stripped):
        return "shell"
    if stripped.startswith("?") or (closed and code.endswith("?")):
        return "help"
    return ""


def _scan(line: str, depth: int, quote: str) -> tuple[str, tuple[int, str]]:
    """The line's code without its comment, and the bracket depth and open triple quote after it."""
    index, end = 0, len(line)
    while index < len(line):
        if quote:  # inside a triple-quoted string that began on an earlier line
            if line[index] == "\\":
                index += 2
            elif line.startswith(quote, index):
                quote, index = "", index + 3
            else:
                index += 1
            continue
        char = line[index]
        if char == "#":
            end = index
            break
        if line.startswith(('"""', "'''"), index):
            quote, index = line[index:index + 3], index + 3
        elif char in "\"'":
            index = _string_end(line, index)
        else:
            depth += char in "([{"
            depth = max(0, depth - (char in ")]}"))
            index += 1
    return line[:end].rstrip(), (depth, quote)


def _string_end(line: str, start: int) -> int:
    """The index after a one-line string that opens at `start` (the line's end when it does not close)."""
    index = start + 1
    while index < len(line):
        if line[index] == "\\":
            index += 2
        elif line[index] == line[start]:
            return index + 1
        else:
            index += 1
    return len(line)
