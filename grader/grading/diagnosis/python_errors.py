"""Explanations of Python's own errors in learner code: misspelled names, imports that cannot work here, None where
a value was expected, an int where a pair was (or the reverse), floats as indices, PyTorch habits on NumPy arrays."""

from __future__ import annotations

import ast
import builtins
import difflib
import pkgutil
import re
import sys
from functools import lru_cache

import numpy as np

from .model import Diagnosis
from .raised import Raised
from .source import defined_names, parameters_defaulting_to_none, parses

ONLY_NUMPY = ("only NumPy, the Python standard library and your own .py files next to this one can be imported "
              "when your work is graded.")
LIBRARIES = {"scipy", "torch", "torchvision", "tensorflow", "keras", "jax", "sklearn", "skimage", "cv2", "PIL",
             "matplotlib", "pandas", "numba", "cupy", "einops"}
PAIR_PARAMETERS = ("stride", "padding", "kernel_size", "pool_size", "dilation")
BUILTIN_NAMES = {name for name in dir(builtins) if not name.startswith("_")}
# the NumPy spelling of what learners write from PyTorch habit
TORCH_HABITS = {"unsqueeze": "np.expand_dims(x, axis) or x[:, None]", "permute": "x.transpose(...)",
                "view": "x.reshape(...)", "size": "x.shape", "dim": "x.ndim", "numel": "x.size",
                "clone": "x.copy()", "contiguous": "np.ascontiguousarray(x)", "float": "x.astype(float)",
                "length": "len(x) or x.shape[0]", "len": "len(x) or x.shape[0]", "append": "np.append(x, values)",
                "detach": "nothing (it is already a NumPy array)", "cpu": "nothing (it is already a NumPy array)",
                "numpy": "nothing (it is already a NumPy array)"}
NUMPY_HOMES = ("numpy", "numpy.lib.stride_tricks", "numpy.linalg", "numpy.fft", "numpy.random")
PAIR_AS_INT = re.compile(r"'(tuple|list)' object cannot be interpreted as an integer|unsupported operand type\(s\) "
                         r"for [^:]+: '\w+' and '(tuple|list)'|unsupported operand type\(s\) for [^:]+: '(tuple|list)'"
                         r"|can only concatenate (tuple|list)"
                         r"|can't multiply sequence by non-int of type '(tuple|list)'")
INT_AS_PAIR = re.compile(r"'int' object is not (subscriptable|iterable)|cannot unpack non-iterable int object"
                         r"|object of type 'int' has no len\(\)")
FLOAT_INDEX = re.compile(r"only integers, slices \(`:`\)|'(numpy\.)?float\d*' object cannot be interpreted as an "
                         r"integer|slice indices must be integers")


def explain_python(raised: Raised) -> Diagnosis | None:
    for analysis in (misspelled_name, used_before_assignment, module_not_available, import_name, none_value,
                     int_or_pair, float_index, not_a_method, division_by_zero):
        found = analysis(raised)
        if found is not None:
            return found
    return None


def misspelled_name(raised: Raised) -> Diagnosis | None:
    found = re.search(r"name '(\w+)' is not defined", raised.message)
    if raised.type != "NameError" or not found:
        return None
    name = found.group(1)
    if name in ("np", "numpy"):
        return raised.found("missing import", f"Your file uses `{name}` without importing it: add "
                            "`import numpy as np` at the top of the file.")
    known = defined_names(raised.source_lines)
    if name in known and parses(raised.source_lines):
        early = used_before_top_level_definition(raised, name)
        if early is not None:
            return early
        return raised.found("name out of reach", f"`{name}` gets a value elsewhere in your file, but not where this "
                            "line can see it: a name set inside a function exists only in that function. Pass it in "
                            "as an argument, or compute it here.")
    close = difflib.get_close_matches(name, sorted((known | BUILTIN_NAMES) - {name}), n=1, cutoff=0.75)
    if close:
        return raised.found("misspelled name", f"`{name}` is not defined anywhere in your file; did you mean "
                            f"`{close[0]}`?")
    return raised.found("undefined name", f"`{name}` is used here but never given a value in your file. Give it one "
                        "before this line, or check its spelling.")


def used_before_top_level_definition(raised: Raised, name: str) -> Diagnosis | None:
    """A name the file defines at its top level (a def, class, import or assignment), used by code that ran while
    the file was imported, before that definition: a top-level line above it, or a function called from one."""
    tree = _tree("\n".join(raised.source_lines))
    line = raised.line
    if tree is None or line is None:
        return None
    defined = next((node.lineno for node in tree.body if name in _bound_by(node)), None)
    if defined is None:
        return None
    where = raised.name_line(defined)  # "line 12"; "" for a line the learner did not write
    if not _in_function_body(tree, line):
        if line >= defined:
            return None  # an unconditional definition above this line has run: the cause is something else
        return raised.found("used before it is defined", f"`{name}` is defined {'on ' + where if where else 'below'}, "
                            "but this line is at the top level of your file, so it runs when the file is imported, "
                            f"before Python reaches that definition. Move this line below the definition of `{name}`, "
                            "or into a function.")
    place = "on " + where if where else "at the top level of your file"
    return raised.found("used before it is defined", f"`{name}` is defined {place}, but this function was called "
                        "while the file was being imported, before Python reached that definition (a call at the top "
                        f"level runs right away). Move that call below the definition of `{name}`, or remove it: the "
                        "grader calls your function itself.")


def _bound_by(node: ast.stmt) -> set[str]:
    """The names a top-level statement always binds (not those of a branch, loop or try that may not run)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name != "*"}
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []
    return {item.id for target in targets for item in ast.walk(target)
            if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store)}


def _in_function_body(tree: ast.Module, line: int) -> bool:
    """Whether `line` is in the body of a def (its decorators and defaults, and a class body, run on import)."""
    return any(node.body[0].lineno <= line <= (node.end_lineno or node.lineno) for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


@lru_cache(maxsize=2)  # every case of a file that fails to import asks again
def _tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def used_before_assignment(raised: Raised) -> Diagnosis | None:
    found = re.search(r"cannot access (local|free) variable '(\w+)'|local variable '(\w+)' referenced before "
                      r"assignment", raised.message)
    if not found:
        return None
    name = found.group(2) or found.group(3)
    return raised.found("used before assignment", f"Your function assigns `{name}` somewhere, so Python treats it as "
                        "the function's own variable everywhere in it, and this line runs before any assignment to "
                        "it did (a branch or loop that sets it did not run for this input). Give it a value before "
                        "that branch or loop, or rename it if you meant a name from outside the function.")


def module_not_available(raised: Raised) -> Diagnosis | None:
    if "is not available to submissions" in raised.message:
        return raised.found("module not available", "The grader's own code and the course's solutions cannot be "
                            "imported when your work is graded. Remove that import.")
    found = re.search(r"No module named '([\w.]+)'", raised.message)
    if raised.type not in ("ModuleNotFoundError", "ImportError") or not found:
        return None
    module = found.group(1)
    top = module.split(".")[0]
    if top == "numpy":
        return _no_numpy_module(raised, module)
    if top in sys.stdlib_module_names:
        return None
    if top in LIBRARIES:
        advice = "Remove that import and write that part with NumPy."
    else:
        advice = (f"If {top}.py is a file of yours, put it in the same folder as this one; otherwise remove the "
                  "import and write that part with NumPy.")
    return raised.found("module not available", f"`{top}` cannot be imported here: {ONLY_NUMPY} {advice}")


def _no_numpy_module(raised: Raised, module: str) -> Diagnosis:
    parent, _, last = module.rpartition(".")
    package = sys.modules.get(parent)
    siblings = [item.name for item in pkgutil.iter_modules(getattr(package, "__path__", None) or [])]
    close = difflib.get_close_matches(last, siblings, n=1, cutoff=0.75)
    hint = f" Did you mean `{parent}.{close[0]}`?" if close else " Check the spelling in NumPy's documentation."
    return raised.found("no such module", f"NumPy has no module `{module}`.{hint}")


def import_name(raised: Raised) -> Diagnosis | None:
    if raised.type != "ImportError":
        return None
    if "relative import with no known parent package" in raised.message:
        return raised.found("relative import", "Your file is graded as a single module, not as part of a package, so "
                            "`from .name import ...` cannot work: write `from name import ...` (without the dot), "
                            "with name.py in the same folder.")
    found = re.search(r"cannot import name '(\w+)' from (partially initialized module )?'([\w.]+)'", raised.message)
    if not found:
        return None
    name, partial, module = found.groups()
    if partial or "circular import" in raised.message:
        return raised.found("circular import", f"Your files import each other in a circle, so `{module}` is used "
                            "before it finished loading. Move the import into the function that needs it, or move "
                            "the shared code into a third file.")
    if module.split(".")[0] == "numpy":
        home = numpy_home(name)
        advice = f"write `from {home} import {name}`." if home else "check the spelling in NumPy's documentation."
        return raised.found("not in that module", f"`{module}` has no `{name}`: {advice}")
    return raised.found("not in that module", f"`{module}` has no `{name}`. Check the spelling, and that "
                        f"{module.split('.')[0]}.py defines it at its top level (not inside a function or an `if`).")


def numpy_home(name: str) -> str:
    """The NumPy module that offers `name` (e.g. numpy.lib.stride_tricks for sliding_window_view), or ""."""
    for home in NUMPY_HOMES:
        if hasattr(sys.modules.get(home), name):
            return home
    return ""


def none_value(raised: Raised) -> Diagnosis | None:
    if "NoneType" not in raised.message or raised.type not in ("TypeError", "AttributeError"):
        return None
    optional = sorted(parameters_defaulting_to_none(raised.source_lines) & raised.names)
    if optional:
        name = optional[0]
        said = f"`{name}` defaults to None, and cases that leave it out pass None."
        if name == "stride" and "kernel_size" in defined_names(raised.source_lines):
            advice = ("None means a stride equal to the kernel size: set `if stride is None: stride = kernel_size` "
                      "first.")
        elif name.startswith("bias"):
            advice = f"Use it only when it is given: put `if {name} is not None:` before the code that adds it."
        else:
            advice = f"Handle that first with `if {name} is None:`, as the exercise says for that case."
        return raised.found(f"{name} can be None", f"{said} {advice}")
    return raised.found("None value", "A value on this line is None. A function without `return` gives None, and so "
                        "do in-place methods such as list.sort() or np.random.shuffle(): check what each name on "
                        "this line holds.")


def int_or_pair(raised: Raised) -> Diagnosis | None:
    """An int where an (h, w) pair was expected, or the reverse, in a file whose function takes such parameters.
    Which of them it was is not claimed: the value may travel under another name (k = kernel_size)."""
    if raised.type != "TypeError":
        return None
    float_division = re.search(r"(?<![/])/(?![/=])", raised.code)
    slice_error = "slice indices must be integers" in raised.message and not float_division
    if not (INT_AS_PAIR.search(raised.message) or PAIR_AS_INT.search(raised.message) or slice_error):
        return None
    parameters = defined_names(raised.source_lines)
    pairs = [name for name in PAIR_PARAMETERS if name in parameters]
    on_line = [name for name in pairs if name in raised.names or raised.names & _aliases(raised.source_lines, name)]
    if not on_line:
        return None  # the line holds none of them: the int or tuple may be anything else
    name = on_line[0]
    listed = _listing([f"`{name}`" for name in pairs])
    each = "may each be" if len(pairs) > 1 else "may be"
    likewise = " (likewise for the others)" if len(pairs) > 1 else ""
    return raised.found("int or pair", f"{listed} {each} one int or an (h, w) pair, and this line uses a value in "
                        "the other form. Turn each into a pair once at the start of your function, e.g. "
                        f"`{name}_h, {name}_w = ({name}, {name}) if isinstance({name}, int) else {name}`{likewise}, "
                        "and use the two parts below.")


def _aliases(lines: tuple[str, ...], name: str) -> set[str]:
    """Names the file sets to `name` itself (`k = kernel_size`), which then hold an int or a pair just the same."""
    alias = re.compile(rf"^\s*(\w+)\s*=\s*{name}\s*(#.*)?$")
    return {found.group(1) for line in lines[:5000] if (found := alias.match(line))}


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def float_index(raised: Raised) -> Diagnosis | None:
    if raised.type not in ("TypeError", "IndexError") or not FLOAT_INDEX.search(raised.message):
        return None
    return raised.found("float index", "An index, slice bound, range() or array size here is a float, and those "
                        "must be ints. In Python 3 `/` always gives a float: use `//` for sizes and positions, "
                        "e.g. (H - KH) // stride + 1.")


def not_a_method(raised: Raised) -> Diagnosis | None:
    attribute = re.search(r"'numpy\.ndarray' object has no attribute '(\w+)'", raised.message)
    if attribute:
        name = attribute.group(1)
        if name in TORCH_HABITS:
            return raised.found("not a NumPy method", f"NumPy arrays have no `.{name}`: in NumPy, write "
                                f"{TORCH_HABITS[name]} instead.")
        close = difflib.get_close_matches(name, [item for item in dir(np.ndarray)
                                                 if not item.startswith("_")], n=1, cutoff=0.75)
        hint = f"; did you mean `.{close[0]}`?" if close else ": check the spelling in NumPy's list of array methods."
        return raised.found("not a NumPy method", f"NumPy arrays have no `.{name}`{hint}")
    module = re.search(r"module '(numpy[\w.]*)' has no attribute '(\w+)'", raised.message)
    if module:
        home = numpy_home(module.group(2))
        advice = f"it is in `{home}`." if home and home != module.group(1) else \
            "check the spelling in NumPy's documentation (some old aliases such as np.float were removed: use float)."
        return raised.found("not in NumPy", f"`{module.group(1)}` has no `{module.group(2)}`: {advice}")
    keyword = re.search(r"unexpected keyword argument '(dim|keepdim)'", raised.message)
    if keyword:
        return raised.found("not a NumPy method", "NumPy calls this argument `axis=` (and `keepdims=`), not "
                            f"`{keyword.group(1)}=`.")
    called = re.search(r"'(int|tuple)' object is not callable", raised.message)
    used = re.search(r"\.(size|shape|ndim)\s*\(", raised.code)
    if called and used:
        attribute = used.group(1)
        what = {"size": "a number (how many values the array holds)", "shape": "a tuple",
                "ndim": "a number"}[attribute]
        return raised.found("not a method", f"`.{attribute}` of a NumPy array is {what}, not a method: write "
                            f"`x.{attribute}` without parentheses, and x.shape[0] for the length of axis 0.")
    return None


def division_by_zero(raised: Raised) -> Diagnosis | None:
    if raised.type != "ZeroDivisionError":
        return None
    return raised.found("division by zero", "A divisor on this line is 0 for this case's input. Find which one (a "
                        "size, a count or a stride computed from the input) and handle that case before dividing.")
