"""A small, safe expression language for quiz answers: arithmetic, comparisons and whitelisted calls (no eval)."""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_SOURCE = 600  # characters; keeps nesting shallow enough for the parser
MAX_ELEMENTS = 4_000_000  # the largest array `zeros` may build
MAX_INT = 10**30
ATTRIBUTES = ("shape", "size", "ndim")  # the only attributes an expression may read


class ExprError(ValueError):
    """An expression is malformed or failed to evaluate; the caller adds file and line."""


def _zeros(shape) -> Any:
    import numpy as np

    dims = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in dims):
        raise ExprError(f"zeros() needs whole, non-negative sizes, not {shape!r}")
    if math.prod(dims) > MAX_ELEMENTS:
        raise ExprError(f"zeros{dims} would be too large ({math.prod(dims)} elements; limit {MAX_ELEMENTS})")
    return np.zeros(dims)


def _reference(name: str) -> Callable:
    def call(*args, **kwargs):
        import solutions  # imported lazily: only questions that compute answers need the references

        return getattr(solutions, name)(*args, **kwargs)

    call.__name__ = name
    return call


FUNCTIONS: dict[str, Callable] = {
    "min": min, "max": max, "abs": abs, "len": len, "sum": sum, "prod": math.prod,
    "ceil": math.ceil, "floor": math.floor, "round": round, "int": int, "zeros": _zeros,
    **{name: _reference(name) for name in ("conv2d", "conv2d_general", "maxpool2d", "global_avg_pool", "flatten",
                                           "relu", "linear")},
}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}


@dataclass(frozen=True)
class Expr:
    """A parsed, checked expression and the names it reads."""

    source: str
    tree: ast.Expression = field(compare=False)  # ast nodes compare by identity; the source says it all
    names: frozenset = frozenset()

    def evaluate(self, values: dict[str, Any]) -> Any:
        try:
            return _plain(_eval(self.tree.body, values))
        except ExprError:
            raise
        except RecursionError:
            raise ExprError("the expression is nested too deeply") from None
        except Exception as err:  # ZeroDivisionError, TypeError, a reference's ValueError, ...
            raise ExprError(f"{type(err).__name__}: {err}") from None


def parse(source: str, known: set[str] | frozenset) -> Expr:
    """Parse and check `source`; every name must be in `known` or be a whitelisted function."""
    if len(source) > MAX_SOURCE:
        raise ExprError(f"the expression is too long ({len(source)} characters; limit {MAX_SOURCE})")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        raise ExprError(f"not a valid expression ({err.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError("not a valid expression") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, known, names)
    return Expr(source, tree, frozenset(names))


_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.Tuple, ast.List, ast.BinOp, ast.UnaryOp, ast.BoolOp,
            ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute, ast.Subscript, ast.Slice, ast.Load,
            ast.And, ast.Or, *_BINARY, *_UNARY, *_COMPARE)


def _check_node(node: ast.AST, known, names: set) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExprError(f"'{type(node).__name__}' is not allowed in quiz expressions")
    if isinstance(node, ast.Constant) and (not isinstance(node.value, (int, float)) or isinstance(node.value, complex)):
        raise ExprError(f"only numbers may appear as constants, not {node.value!r}")
    if isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTES:
        raise ExprError(f"'.{node.attr}' is not allowed; expressions may read {', '.join(ATTRIBUTES)}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExprError(f"only these functions may be called: {allowed}")
        if any(kw.arg is None for kw in node.keywords):
            raise ExprError("'**' arguments are not allowed")
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            return  # checked as a call target above; a bare function name fails at evaluation
        if node.id not in known:
            hint = f" (known names: {', '.join(sorted(known))})" if known else " (the question has no params)"
            raise ExprError(f"unknown name '{node.id}'{hint}")
        names.add(node.id)


def _eval(node: ast.AST, values: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise ExprError(f"'{node.id}' is a function; call it with arguments")
        return values[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(item, values) for item in node.elts)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Pow) and (_big(right, 64) or _big(left, 10**9)):
            raise ExprError("'**' is limited to exponents up to 64 and bases up to 10**9")
        if isinstance(node.op, ast.Mult) and isinstance(left, tuple) | isinstance(right, tuple) \
                and (_big(left, 64) or _big(right, 64)):
            raise ExprError("a tuple may be repeated at most 64 times")
        return _checked(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, values))
    if isinstance(node, ast.BoolOp):
        result = _eval(node.values[0], values)
        for item in node.values[1:]:
            if bool(result) != isinstance(node.op, ast.And):
                return result
            result = _eval(item, values)
        return result
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values)
        for op, item in zip(node.ops, node.comparators):
            right = _eval(item, values)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, values) else node.orelse, values)
    if isinstance(node, ast.Call):
        args = [_eval(arg, values) for arg in node.args]
        kwargs = {kw.arg: _eval(kw.value, values) for kw in node.keywords}
        return _checked(FUNCTIONS[node.func.id](*args, **kwargs))
    if isinstance(node, ast.Attribute):
        return getattr(_eval(node.value, values), node.attr)
    if isinstance(node, ast.Subscript):
        return _eval(node.value, values)[_eval(node.slice, values)]
    if isinstance(node, ast.Slice):
        parts = [None if part is None else _eval(part, values) for part in (node.lower, node.upper, node.step)]
        return slice(*parts)
    raise ExprError(f"'{type(node).__name__}' is not allowed in quiz expressions")  # pragma: no cover


def _big(value: Any, limit: int) -> bool:
    return isinstance(value, (int, float)) and abs(value) > limit


def _checked(value: Any) -> Any:
    if isinstance(value, int) and abs(value) > MAX_INT:
        raise ExprError("an intermediate result is too large")
    return value


def _plain(value: Any) -> Any:
    """numpy scalars and tuples of them -> Python ints/floats/tuples, so answers compare and serialise simply."""
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    return value
