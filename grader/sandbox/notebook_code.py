"""What of a notebook the grader grades: what it defines, not what it does. Imports, function and class definitions
and simple constants are kept, each at its own line inside its cell, so that a line of the generated file maps back
to "cell 4, line 2"; calls, prints, plots, asserts, loops and test code are left out, and IPython magics, shell and
help lines are blanked. Cells are parsed with `ast`, never run: a notebook's top-level code never runs in the grader."""

from __future__ import annotations

import ast
import re
import symtable
import sys

from .notebook import Cell
from .notebook_defs import Definitions
from .notebook_lines import blank_magics, magic_words

_PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # IPython runs a top-level `await`
_PLOT_ROOTS = {"plt", "matplotlib", "pyplot", "sns", "seaborn"}
_PLOT_CALLS = {"show", "imshow", "plot", "figure", "subplots", "subplot", "hist", "scatter", "savefig", "colorbar",
               "title", "xlabel", "ylabel", "legend", "matshow"}


def definitions(cells: list[Cell], entry: str = "") -> Definitions:
    """The definitions of `cells`, in order, as one Python file (see the module's docstring). Pure: runs nothing.
    An import that neither the kept code nor the entry point's name (`entry`) uses is left out too, unless it is of
    NumPy or the standard library: a plotting library imported for a test cell must not fail the grading."""
    result = Definitions()
    future: list[str] = []
    parsed: list[tuple[Cell, list[str], list[ast.stmt] | None]] = []  # None: the cell does not parse
    for cell in cells:
        text = cell.source.replace("\r\n", "\n").replace("\r", "\n")  # Python's own line breaks, no others
        first = next((line.strip() for line in text.split("\n") if line.strip()), "")
        if first.startswith("%%"):  # a cell magic: IPython hands the whole cell to it, not to Python
            magic = (re.match(r"%%[A-Za-z_][\w.]{0,30}", first) or re.match("%%", first)).group(0)
            result.cell_magics[cell.label] = magic
            _record_unrun(result, cell.label, text.split(first, 1)[1], magic)
            continue
        lines, found = blank_magics(text.split("\n"))
        if found:
            result.magics[cell.label] = magic_words(found)
        tree = _parse("\n".join(lines))
        if tree is None:  # kept as it is: the worker reports the syntax error, in this cell
            parsed.append((cell, lines, None))
            result.unparsed = cell.label if cell is not cells[-1] else ""
            break
        kept, left = _split(tree.body)
        future.extend(alias.name for node in kept if _is_future(node) for alias in node.names)
        for node, kind in left:
            _left_out(result.left_out, cell.label, kind)
            _record_left_binding(result, cell.label, node)
        parsed.append((cell, lines, [node for node in kept if not _is_future(node)]))
    known = all(kept is not None for _, _, kept in parsed)  # a cell that does not parse may use any import
    used = _used_globals("\n".join(line for _, lines, kept in parsed if kept is not None
                                   for line in _keep_lines(lines, [node for node in kept if not _is_import(node)])))
    blocks = []
    for cell, lines, kept in parsed:
        if kept is not None:
            unused = [node for node in kept if known and _is_import(node) and not _always_there(node)
                      and not _imported_names(node) & (used | {entry})]
            for node in unused:
                modules = result.unused_imports.setdefault(cell.label, [])
                modules.extend(_import_words(node))
            kept = [node for node in kept if node not in unused]
            if not kept:
                continue
        result.graded.append(cell.label)
        blocks.append((cell, lines if kept is None else _keep_lines(lines, kept)))
    _assemble(result, future, blocks)
    return result


def _left_out(found: dict[str, list[str]], label: str, kind: str) -> None:
    if kind and kind not in found.setdefault(label, []):
        found[label].append(kind)


def _is_future(node: ast.stmt) -> bool:  # must come first in a file: all of them go on one line at the top
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _is_import(node: ast.stmt) -> bool:
    return isinstance(node, (ast.Import, ast.ImportFrom))


def _always_there(node: ast.stmt) -> bool:
    """An import of NumPy or the standard library only: kept even when unused (it costs nothing and cannot fail)."""
    modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
    return getattr(node, "level", 0) == 0 and all(
        module.split(".")[0] == "numpy" or module.split(".")[0] in sys.stdlib_module_names for module in modules)


def _imported_names(node: ast.stmt) -> set[str]:
    """The names an import binds; `from m import *` binds any name, so it counts as used."""
    if any(alias.name == "*" for alias in node.names):
        return {"*"}
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def _import_words(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return ["." * node.level + (node.module or "")]
    return [alias.name for alias in node.names]


def _assemble(result: Definitions, future: list[str], blocks: list[tuple[Cell, list[str]]]) -> None:
    out: list[str] = []
    if future:
        out.append(f"from __future__ import {', '.join(dict.fromkeys(future))}")
        result.lines.append(None)
    for cell, lines in blocks:
        out.extend(lines)
        result.lines.extend((cell.label, number) for number in range(1, len(lines) + 1))
    result.source = "\n".join(out) + "\n" if out else ""
    result.bound_at = _bound_lines(result.source)
    for name in [name for name in result.set_elsewhere if name in result.bound_at]:
        del result.set_elsewhere[name]  # kept code defines it too: that one counts


def _split(body: list[ast.stmt]) -> tuple[list[ast.stmt], list[tuple[ast.stmt, str]]]:
    """The statements kept, and the ones left out with what kind of code each is ("" when not worth saying)."""
    kept, left = [], []
    for node in body:
        kind = _left_out_kind(node)
        if kind is None:
            kept.append(node)
        else:
            left.append((node, kind))
    return kept, left


def _left_out_kind(node: ast.stmt) -> str | None:
    """None for a statement the grader keeps; else the kind of code it is, for the note."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return None
    if isinstance(node, ast.Assign) and all(_simple_target(target) for target in node.targets) \
            and _simple_value(node.value):
        return None
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
            and (node.value is None or _simple_value(node.value)):
        return None
    if isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
        return ""  # a docstring, `...` or `pass`: nothing to say
    calls = [item for item in ast.walk(node) if isinstance(item, ast.Call)]
    if any(isinstance(call.func, ast.Name) and call.func.id == "print" for call in calls):
        return "prints"
    if any(_plots(call.func) for call in calls):
        return "plots"
    if isinstance(node, ast.Assert):
        return "asserts"
    if isinstance(node, ast.If) and any(isinstance(item, ast.Name) and item.id == "__name__"
                                        for item in ast.walk(node.test)):
        return "a __main__ block"
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return "loops"
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return "computed values"
    if isinstance(node, ast.Expr):
        return "calls" if calls or isinstance(node.value, ast.Await) else "displayed values"
    return "other statements"


def _simple_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(item, ast.Name) for item in target.elts)


def _simple_value(value: ast.expr) -> bool:
    """A literal constant (numbers, strings, tuples of them...), a lambda, or an alias (`conv2d_fast`, `np.float64`)."""
    if isinstance(value, (ast.Name, ast.Lambda)):  # a lambda defines a function; it runs nothing yet
        return True
    if isinstance(value, ast.Attribute):
        return isinstance(value.value, (ast.Name, ast.Attribute)) and _simple_value(value.value)
    try:
        ast.literal_eval(value)  # reads the tree only; evaluates nothing of the learner's
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _plots(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        return func.attr in _PLOT_CALLS or (isinstance(root, ast.Name) and root.id in _PLOT_ROOTS)
    return isinstance(func, ast.Name) and func.id in _PLOT_CALLS - {"title"}


def _keep_lines(lines: list[str], kept: list[ast.stmt]) -> list[str]:
    """The cell's lines with only the kept statements, each where it was (blank lines for the rest)."""
    pieces: dict[int, list[str]] = {}
    for node in kept:
        first = min([node.lineno] + [item.lineno for item in getattr(node, "decorator_list", [])])
        start = 0 if first < node.lineno else node.col_offset  # a decorated definition starts its line
        for number in range(first, node.end_lineno + 1):
            data = lines[number - 1].encode("utf-8")  # ast's columns count UTF-8 bytes
            begin = start if number == first else 0
            end = node.end_col_offset if number == node.end_lineno else len(data)
            if data[end:].strip().startswith(b"#"):  # its comment stays with it
                end = len(data)
            pieces.setdefault(number, []).append(data[begin:end].decode("utf-8", "replace"))
    out = ["; ".join(pieces[number]) if number in pieces else "" for number in range(1, len(lines) + 1)]
    if _parse("\n".join(out)) is not None:
        return out
    whole = {number for node in kept for number in range(node.lineno, node.end_lineno + 1)}  # a safe fallback
    first_lines = {item.lineno for node in kept for item in getattr(node, "decorator_list", [])}
    return [line if number in whole or number in first_lines else "" for number, line in enumerate(lines, 1)]


def _record_left_binding(result: Definitions, label: str, node: ast.stmt) -> None:
    """Names a left-out statement gives a value, so messages can say why the grader does not see them."""
    computed = isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign))
    for name in _names_set(node):
        if computed:
            why = f"{label} sets {name} with code the grader does not run (it computes a value)"
            fix = f"set {name} inside the function that uses it, or as a plain constant"
        else:
            why = f"{label} sets {name} inside {_statement_words(node)}, which the grader does not run"
            fix = f"define {name} at the top level of the cell"
        result.set_elsewhere.setdefault(name, (why, fix))


def _record_unrun(result: Definitions, label: str, text: str, magic: str) -> None:
    """Names a whole left-out cell (a cell magic) would define, when its body parses as Python."""
    lines, _ = blank_magics(text.split("\n"))
    tree = _parse("\n".join(lines))
    for node in tree.body if tree is not None else []:
        for name in _names_set(node):
            result.set_elsewhere.setdefault(name, (
                f"{label} defines {name} under {magic}, a cell magic the grader does not run",
                f"remove the {magic} line, or move {name} to a cell of its own"))


def _names_set(node: ast.stmt) -> list[str]:
    """The names a statement defines or assigns, anywhere inside it (in order, once each)."""
    names = []
    for item in ast.walk(node):
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(item.name)
        elif isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
            names.append(item.id)
    return list(dict.fromkeys(names))


def _statement_words(node: ast.stmt) -> str:
    words = {ast.If: "an `if` block", ast.For: "a `for` loop", ast.While: "a `while` loop", ast.With: "a `with` block",
             ast.Try: "a `try` block"}
    return next((text for kind, text in words.items() if isinstance(node, kind)), "top-level code")


def _parse(text: str) -> ast.Module | None:
    try:
        return compile(text, "<cell>", "exec", _PARSE_FLAGS)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def _used_globals(source: str) -> set[str]:
    """The global names the generated file reads: inside its functions, or at its top level. Static (symtable)."""
    try:
        table = symtable.symtable(source, "<notebook>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    used = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        pending.extend(child.get_children())
        used.update(symbol.get_name() for symbol in child.get_symbols()
                    if symbol.is_global() and symbol.is_referenced())
    return used


def _bound_lines(source: str) -> dict[str, int]:
    """Each name the file's top-level statements bind, with the line of the first that does."""
    tree = _parse(source)
    lines: dict[str, int] = {}
    for node in tree.body if tree is not None else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif _is_import(node):
            names = sorted(_imported_names(node) - {"*"})
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [item.id for target in targets for item in ast.walk(target) if isinstance(item, ast.Name)]
        else:
            names = []
        for name in names:
            lines.setdefault(name, node.lineno)
    return lines
