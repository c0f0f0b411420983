"""The cells a running IPython kernel has executed, as the cells `check()` grades: its input history in order, each
labelled "In [N]" as Jupyter shows it. Nothing here imports IPython: the shell is handed in by `check()`.

Only parsed, never run: each cell's code is read with `ast`. Left out are cells the kernel could not run (a syntax
error: nothing in them was defined), the grader's own imports (`from grader import check` would not import in the
worker), and of the cell calling `check()`, everything from that call on (it has not run yet)."""

from __future__ import annotations

import ast
import re

MAX_HISTORY_CELLS = 2000  # a kernel that ran more cells than this: the most recent ones


def kernel_cells(shell, caller=None) -> tuple[list, list[str]]:
    """(cells, notes): the kernel's cells to grade, and one sentence per cell left out for a syntax error.
    `caller` is the frame that called check(), to cut the current cell at that call."""
    from ..sandbox.notebook import Cell
    history = shell.history_manager
    raw = list(history.input_hist_raw)
    parsed = list(history.input_hist_parsed)
    current = len(raw) - 1  # the cell now running is stored before it runs
    cells, broken = [], []
    for number in range(max(1, current - MAX_HISTORY_CELLS + 1), current + 1):
        source = str(raw[number])
        code = str(parsed[number]) if number < len(parsed) else source  # magics turned into Python
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):  # ValueError: a NUL byte
            broken.append(number)
            continue
        if len(code.splitlines()) != len(source.splitlines()):
            code, tree = source, None  # a cell magic: its lines do not match; the grader's filter leaves it out
        if number == current:
            source = _before_call(source, tree, caller, shell.user_ns)
        source = without_grader_imports(source, tree)
        if source.strip():
            cells.append(Cell(label=f"In [{number}]", source=source))
    notes = [f"In [{number}] was left out: it has a syntax error, so the kernel never ran it." for number in broken]
    return cells, notes


def _before_call(source: str, tree: ast.Module | None, caller, namespace: dict) -> str:
    """The current cell's lines before the top-level statement that calls check() (all of it has run); the whole
    cell is left out when check() was not called from the cell's top level."""
    if tree is None or caller is None or caller.f_code.co_name != "<module>" or caller.f_globals is not namespace:
        return ""
    line = caller.f_lineno
    for statement in tree.body:
        if statement.lineno <= line <= (statement.end_lineno or statement.lineno):
            return "".join(source.splitlines(keepends=True)[:statement.lineno - 1])
    return ""


def without_grader_imports(source: str, tree: ast.Module | None = None) -> str:
    """The cell with its top-level `import grader...` / `from grader... import ...` lines blanked (kept as empty
    lines, so the line numbers of messages still match the cell). `tree`: the cell's code parsed, if known; else
    it is parsed here with its magic and shell lines read as `pass`; a cell that still does not parse is kept."""
    if tree is None:
        try:
            tree = ast.parse(_MAGIC_LINE.sub(r"\1pass", source))
        except (SyntaxError, ValueError):
            return source
    lines = source.splitlines(keepends=True)
    for statement in tree.body:
        if _imports_grader(statement):
            for index in range(statement.lineno - 1, min(statement.end_lineno or statement.lineno, len(lines))):
                lines[index] = "\n" if lines[index].endswith("\n") else ""
    return "".join(lines)


_MAGIC_LINE = re.compile(r"^([ \t]*)[%!].*$", re.MULTILINE)


def _imports_grader(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Import):
        return all(alias.name == "grader" or alias.name.startswith("grader.") for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        module = statement.module or ""
        return statement.level == 0 and (module == "grader" or module.startswith("grader."))
    return False
