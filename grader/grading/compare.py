"""Compare a learner's array with the expected one: shape first, then values, NaN never passing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..results import Kind
from ..spec.model import Tolerance


@dataclass
class Verdict:
    passed: bool
    kind: Kind | str = ""  # "" when it passed, else Kind.SHAPE, Kind.NAN or Kind.VALUES
    message: str = ""  # precise, for public cases
    brief: str = ""  # the same without any value from the inputs, for hidden cases
    details: dict[str, Any] = field(default_factory=dict)


def shape_text(shape) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def compare(expected: np.ndarray, got: np.ndarray, tol: Tolerance, shape_rule: str = "",
            label: str = "output") -> Verdict:
    if got.shape != expected.shape:
        return _shape_verdict(expected.shape, got.shape, shape_rule, label)
    got64 = got.astype(np.float64, copy=False)
    expected64 = expected.astype(np.float64, copy=False)
    # np.isclose's own test without its set-up (most of its cost on a case's arrays), for the usual case, a pass.
    # NaN is never close to anything; infinity only to the same infinity. What is not close is looked at below.
    with np.errstate(invalid="ignore", over="ignore"):
        near = (np.abs(got64 - expected64) <= tol.atol + tol.rtol * np.abs(expected64)) & np.isfinite(expected64)
        if (near | (got64 == expected64)).all():
            return Verdict(True)
    # NaN never passes, not even where the reference has NaN too; infinity passes only where it is expected.
    with np.errstate(invalid="ignore"):
        bad = np.isnan(got64) | (np.isinf(got64) & (got64 != expected64))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        what = "NaN" if np.isnan(got64[index]) else "infinity"
        want = expected64[index]
        wanted = "a finite number" if np.isfinite(want) else ("a number (NaN never passes)" if np.isnan(want)
                                                             else f"{want:g}")
        return Verdict(
            False, Kind.NAN,
            f"Your {label} contains {what} at index {index} ({int(bad.sum())} non-finite value(s) in all), "
            f"where {wanted} was expected. Look for a division by zero or a value read before it was set "
            "(np.empty leaves memory uninitialised).",
            f"Your {label} contains NaN or infinity where finite numbers were expected.",
            {"first_index": list(index), "nonfinite": int(bad.sum())})
    wrong = ~np.isclose(got64, expected64, rtol=tol.rtol, atol=tol.atol, equal_nan=False)
    with np.errstate(invalid="ignore"):
        errors = np.abs(got64 - expected64)
    errors[~wrong] = 0
    errors[np.isnan(errors)] = np.inf  # a finite value where the reference has NaN: as wrong as it gets
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(errors)), errors.shape))
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    count = int(wrong.sum())
    max_error = float(errors[worst])
    message = (f"The {label} has the right shape {shape_text(expected.shape)} but {count} of {expected.size} "
               f"values differ. First at index {first}: expected {expected64[first]:.6g}, got {got64[first]:.6g}. "
               f"Largest error {max_error:.3g} at index {worst} (allowed: rtol={tol.rtol:g}, atol={tol.atol:g}).")
    brief = f"The {label} has the right shape but {count} of {expected.size} values are wrong."
    note = dtype_note(expected64[wrong], got64[wrong], expected.dtype, got.dtype, label)
    message, brief = (message + note, brief + note) if note else (message, brief)
    return Verdict(False, Kind.VALUES, message, brief,
                   {"mismatches": count, "size": int(expected.size), "max_abs_error": _json_number(max_error),
                    "first_index": list(first), "worst_index": list(worst),
                    "expected_at_first": _json_number(expected64[first]), "got_at_first": _json_number(got64[first])})


# How to make an array that can hold fractions; also said when adding floats into an integer array fails.
FLOAT_ALLOCATION = "Allocate it as float, e.g. np.zeros(shape) — np.zeros_like(x) copies an integer input's dtype."


def dtype_note(want: np.ndarray, have: np.ndarray, expected: np.dtype, got: np.dtype, label: str = "output") -> str:
    """Say so when the learner's narrower dtype explains the wrong values (`want`, `have`: those values only)."""
    if expected.kind != "f":
        return ""
    if got.kind in "iub":
        low, high = (0, 1) if got.kind == "b" else (np.iinfo(got).min, np.iinfo(got).max)  # iinfo refuses bool
        if np.all((want == np.round(want)) & (want >= low) & (want <= high)):
            return ""  # every wanted value fits the learner's dtype: the dtype is not what went wrong
        return (f" Your {label} has the integer dtype {got}, which cuts off fractions (and may wrap around); "
                f"{expected} was expected. {FLOAT_ALLOCATION}")
    if got.kind == "f" and got.itemsize < expected.itemsize and np.allclose(have, want, rtol=1e-4, atol=1e-6):
        return (f" Your {label} is {got} where {expected} was expected: the lost precision alone changes "
                "values. Keep the inputs' precision (np.zeros(shape) is float64).")
    return ""


def _json_number(value) -> float | str:
    """Results are strict JSON (no NaN or Infinity literals): non-finite numbers travel as text."""
    value = float(value)
    return value if np.isfinite(value) else str(value)


def _shape_verdict(expected, got, shape_rule: str, label: str) -> Verdict:
    message = f"Expected the {label} to have shape {shape_text(expected)}, but it has shape {shape_text(got)}."
    if len(got) != len(expected):
        message += f" That is a {len(got)}-D array where a {len(expected)}-D one was expected"
        message += " — was something flattened or squeezed?" if len(got) < len(expected) else "."
    elif sorted(got) == sorted(expected):
        axes = declared_axes(shape_rule, label, len(expected))
        message += f" The same sizes in another order: check the axis order{axes_gloss(axes)}."
    if shape_rule:
        message += f" The rule: {shape_rule}"
    brief = f"The {label} has the wrong shape ({len(got)}-D, expected {len(expected)}-D)." \
        if len(got) != len(expected) else f"The {label} has the wrong shape."
    return Verdict(False, Kind.SHAPE, message, brief, {"expected_shape": list(expected), "got_shape": list(got)})


# What an axis name in a shape rule stands for; names not listed are shown without a meaning.
AXIS_MEANINGS = {"N": "batch", "C": "channels", "F": "filters", "K": "classes", "H": "height", "W": "width",
                 "OH": "height", "OW": "width", "H'": "height", "W'": "width", "KH": "kernel height",
                 "KW": "kernel width", "features": "features"}
_AXES = re.compile(r"\(\s*([A-Za-z_][\w']*(?:\s*,\s*[A-Za-z_][\w']*)*)\s*,?\s*\)")


def declared_axes(shape_rule: str, label: str, ndim: int) -> list[str]:
    """The axis names the shape rule gives this output, e.g. ["F", "C", "KH", "KW"] for dweight in
    "dx has the shape of x (N, C, H, W), dweight that of weight (F, C, KH, KW)". The first tuple of `ndim` names
    after the output's name counts; when the rule does not name the output, the last such tuple (rules end with
    the result: "(N, C, H, W) gives class scores (N, K)"). Empty when the rule declares none."""
    tuples = [(found.start(), [name.strip() for name in found.group(1).split(",")])
              for found in _AXES.finditer(shape_rule)]
    tuples = [(start, names) for start, names in tuples if len(names) == ndim]
    named = re.search(rf"\b{re.escape(label)}\b", shape_rule)
    if named:
        after = [names for start, names in tuples if start > named.start()]
        if after:
            return after[0]
    return tuples[-1][1] if tuples else []


def axes_gloss(axes: list[str]) -> str:
    """The axes and what they hold, e.g. ' (F, C, KH, KW: filters first, then channels, kernel height, kernel
    width)'; only the axes when one has no known meaning; empty without axes."""
    if not axes:
        return ""
    meanings = [AXIS_MEANINGS.get(name) for name in axes]
    if None in meanings:
        return f" ({', '.join(axes)})"
    return f" ({', '.join(axes)}: {meanings[0]} first, then {', '.join(meanings[1:])})"


def matches(expected: np.ndarray, got: np.ndarray, tol: Tolerance) -> bool:
    """True when `got` equals `expected` within tolerance (used to recognise misconceptions)."""
    if got.shape != expected.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(got.astype(np.float64), expected.astype(np.float64),
                                rtol=max(tol.rtol, 1e-5), atol=max(tol.atol, 1e-6)))
