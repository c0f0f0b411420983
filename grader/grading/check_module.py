"""Import an exercise's instructor checks module with pytest's assertion rewriting, so a failing `assert` explains
itself as it would under pytest, and remember the message of the assert that failed (it becomes the learner's)."""

from __future__ import annotations

import ast
import sys
import traceback
import types
import warnings
from pathlib import Path
from typing import Callable

from ..errors import DefinitionError
from ..spec.checks import parse_checks
from ..spec.model import INSTRUCTOR_CHECK, Exercise

_SAID = "_cnn_grader_said"  # the module-level function that records an assert's message as it is raised


class Said:
    """The message of the last `assert cond, message` that failed in the module (None: no message given)."""

    def __init__(self):
        self.message: str | None = None

    def __call__(self, message):
        self.message = message if isinstance(message, str) else repr(message)
        return message


class ChecksModule:
    def __init__(self, path: Path, functions: dict[str, Callable], said: Said):
        self.path = path
        self.functions = functions
        self.said = said


_LOADED: dict[tuple, ChecksModule] = {}


def load_checks(exercise: Exercise) -> ChecksModule | None:
    """The exercise's checks module imported (once per file version), or None when it has none. A module that
    does not import is a DefinitionError naming its file and the line that failed."""
    if not exercise.checks:
        return None
    path = Path(exercise.checks)
    try:
        stat = path.stat()
        key = (exercise.id, str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        raise DefinitionError(path, None, "the checks module cannot be read") from None
    if key not in _LOADED:
        _LOADED[key] = _import(path, exercise)
    return _LOADED[key]


def _import(path: Path, exercise: Exercise) -> ChecksModule:
    from _pytest.assertion.rewrite import rewrite_asserts
    from pytest import PytestUnknownMarkWarning
    tree = parse_checks(path)
    _RecordMessages().visit(tree)
    ast.fix_missing_locations(tree)
    rewrite_asserts(tree, path.read_bytes(), str(path), None)
    said = Said()
    name = f"_cnn_checks_{exercise.id.replace('-', '_')}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    module.__dict__[_SAID] = said
    sys.modules[name] = module  # dataclasses and pickling look a module up by name
    try:
        with warnings.catch_warnings():  # spec/checks.py has read the markers; an outer pytest session need not
            warnings.simplefilter("ignore", PytestUnknownMarkWarning)
            exec(compile(tree, str(path), "exec"), module.__dict__)  # noqa: S102 - the instructor's own module
    except BaseException as err:  # noqa: BLE001 - any failure of the import is the definition's problem
        sys.modules.pop(name, None)
        raise DefinitionError(path, _line_in(path, err), "the checks module does not import: "
                              f"{type(err).__name__}: {err}") from None
    # every test function of the module, not only those of `exercise.cases`: the module is remembered per file, and
    # an exercise narrowed to some of its cases (public ones, say) must not leave the others out for later gradings
    functions = {name: value for name, value in module.__dict__.items() if name.startswith("test_") and callable(value)}
    for case in exercise.cases:
        if case.check == INSTRUCTOR_CHECK and case.function not in functions:
            raise DefinitionError(path, None, f"{case.function} is not a function once the module has run")
    return ChecksModule(path, functions, said)


def _line_in(path: Path, err: BaseException) -> int | None:
    """The last line of `path` in the exception's traceback (a syntax error's own line)."""
    if isinstance(err, SyntaxError) and err.filename == str(path):
        return err.lineno
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == str(path)]
    return lines[-1] if lines else None


class _RecordMessages(ast.NodeTransformer):
    """`assert cond, message` -> `assert cond, _cnn_grader_said(message)`: the message is evaluated only when the
    assertion fails (pytest keeps that), and is then recorded word for word."""

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        if node.msg is not None:
            node.msg = ast.Call(func=ast.Name(id=_SAID, ctx=ast.Load()), args=[node.msg], keywords=[])
        return node
