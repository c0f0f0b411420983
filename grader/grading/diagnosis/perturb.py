"""Input perturbations: many mistakes are the right computation on a misread argument (a flipped kernel, an
ignored stride, a pair read the other way round, a bias never added). Each perturbation rewrites the call's
arguments; when the reference on the rewritten call gives exactly the learner's output, that misreading is the
diagnosis. Exercise-independent: it needs only the signature, the argument values and the declared axis names."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ...spec.model import Exercise
from ..compare import matches
from ..failures import signature_defaults
from . import perturb_text as text
from .model import Diagnosis, Evidence
from .perturb_call import ABSENT, Perturbation, Slot, call_arguments, rebuilt
from .perturb_cuts import cut_perturbations

MAX_PERTURBATIONS = 30  # each costs one reference run


@dataclass(frozen=True)
class _Change:
    """One rewritten argument and how to say it; `what` may quote the case's values, `hidden_what` may not."""

    slot: Slot
    value: Any
    name: str
    explanation: str
    what: str
    hidden_what: str = ""
    crop: bool = False


def perturbations(exercise: Exercise, positional: list, keyword: dict, label: str = "output") -> list[Perturbation]:
    """The perturbed calls worth trying on this call, most likely and cheapest first, at most MAX_PERTURBATIONS;
    builds new arrays, runs nothing. `label` names the output part they are meant to explain."""
    arguments = call_arguments(exercise, positional, keyword)
    original = dict(arguments)
    numbers = _distinct(_bias_changes(exercise, arguments) + _number_changes(exercise, arguments), original)
    arrays = _distinct(numbers + _array_changes(exercise, arguments), original)[len(numbers):]
    found = [_perturbation(exercise, positional, keyword, change, label) for change in numbers]
    found += cut_perturbations(exercise, positional, keyword, label)
    found += [_perturbation(exercise, positional, keyword, change, label) for change in arrays]
    return found[:MAX_PERTURBATIONS]


def _array_changes(exercise: Exercise, arguments: list[tuple[Slot, Any]]) -> list[_Change]:
    axes = dict(getattr(exercise.entry, "axes", ()) or ())
    arrays = [(slot, value) for slot, value in arguments if isinstance(value, np.ndarray)]
    kernel_slots = {slot for slot, value in arrays if _kernel_like(slot, value, axes.get(slot.label))}
    kernels = [(slot, value) for slot, value in arrays if slot in kernel_slots]
    others = [(slot, value) for slot, value in arrays if slot not in kernel_slots]
    changes = []
    for slot, value in kernels:
        changes += _spatial_changes(slot, value, axes.get(slot.label), kernel=True)
    for slot, value in kernels + others:
        changes += _axis_swap_changes(slot, value, axes.get(slot.label), scramble=slot in kernel_slots)
    for slot, value in others:
        changes += _spatial_changes(slot, value, axes.get(slot.label), kernel=False)
    return changes + _absent_stride_changes(exercise, arguments)


def _perturbation(exercise: Exercise, positional: list, keyword: dict, change: _Change, label: str) -> Perturbation:
    new_positional, new_keyword = rebuilt(exercise, positional, keyword, [(change.slot, change.value)])
    hidden = change.hidden_what or change.what
    return Perturbation(change.name, change.explanation, text.evidence(change.what, change.crop, label),
                        text.evidence(hidden, change.crop, label), new_positional, new_keyword, change.crop)


def find_perturbation(evidence: Evidence, exercise: Exercise, reference: Callable, deadline: float,
                      prefer: list[str] | tuple[str, ...] = (), only: bool = False) -> Diagnosis | None:
    """The first perturbation whose reference output is the learner's (and not the expected one), or None.
    `prefer`: names found on earlier cases of the same submission, tried first (they usually have one cause);
    with `only`, nothing else is tried."""
    same_size = evidence.have.shape == evidence.want.shape
    items = perturbations(exercise, evidence.positional, evidence.keyword, evidence.label)
    if only:
        items = [item for item in items if item.name in prefer]
    items.sort(key=lambda item: item.name not in prefer)  # stable: otherwise the usual order
    for item in items:
        if time.monotonic() > deadline:
            return None
        if item.crop and not same_size:  # a crop explains an output of the expected size, windows misplaced
            continue
        if item.cut_axis and not same_size:  # one entry's sum has the shape of the sum over all entries
            continue
        output = _run(reference, item, evidence.part)
        if output is not None and item.crop:
            output = _top_left(output, evidence.have.shape)
        if output is None or (item.cut_axis and output.shape != evidence.want.shape) or not _explains(output, evidence):
            continue
        return Diagnosis(name=item.name, explanation=item.explanation, source="structural",
                         evidence=item.evidence + _example(evidence), hidden_evidence=item.hidden_evidence)
    return None


def _distinct(changes: list[_Change], original: dict[Slot, Any]) -> list[_Change]:
    """Drops changes that leave the argument as it was or repeat an earlier change of the same argument."""
    kept: list[_Change] = []
    for change in changes:
        before = [original.get(change.slot, ABSENT)] + [item.value for item in kept
                                                        if item.slot == change.slot and item.crop == change.crop]
        if not any(_same(change.value, value) for value in before):
            kept.append(change)
    return kept


def _same(one: Any, other: Any) -> bool:
    if isinstance(one, np.ndarray) or isinstance(other, np.ndarray):
        return (isinstance(one, np.ndarray) and isinstance(other, np.ndarray) and one.shape == other.shape
                and one.dtype == other.dtype and bool(np.array_equal(one, other)))
    return _as_pair(one) == _as_pair(other) if _number(one) and _number(other) else one is other or one == other


# --- optional arrays and biases ---------------------------------------------------------------------------------

def _bias_changes(exercise: Exercise, arguments: list[tuple[Slot, Any]]) -> list[_Change]:
    """An optional array argument set to None; a bias inside a dict set to zeros."""
    optional = {param.name for param in exercise.entry.params if not param.required}
    changes = []
    for slot, value in arguments:
        if not isinstance(value, np.ndarray) or not np.any(value):
            continue
        if slot.key is None and slot.param in optional:
            changes.append(_Change(slot, None, *text.unused_optional(slot.label, slot.code, text.bias_like(slot.param)),
                                   what=f"{slot.code}=None"))
        elif slot.key is not None and value.ndim == 1 and text.bias_like(slot.key):
            changes.append(_Change(slot, np.zeros_like(value), *text.unused_optional(slot.label, slot.code, True),
                                   what=f"{slot.code} set to zeros"))
    return changes


# --- integer-or-pair parameters (stride, padding, kernel_size, start_dim ...) ---------------------------------

def _number(value: Any) -> bool:
    return _integer(value) or (isinstance(value, (list, tuple)) and len(value) == 2 and all(map(_integer, value)))


def _integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _as_pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if _integer(value) else (int(value[0]), int(value[1]))


def _like(given: Any, pair: tuple[int, int]) -> Any:
    """A pair in the container the case used (list or tuple)."""
    return list(pair) if isinstance(given, list) else tuple(pair)


def _number_changes(exercise: Exercise, arguments: list[tuple[Slot, Any]]) -> list[_Change]:
    defaults = signature_defaults(exercise.entry.signature)
    ndim = next((value.ndim for slot, value in arguments if isinstance(value, np.ndarray)), 0)
    changes = []
    for slot, value in arguments:
        if slot.key is None and _number(value):
            default = defaults.get(slot.param, ABSENT)
            if not _same_axis(slot.param, value, default, ndim):
                changes += _one_number_changes(slot, value, default)
    return changes


def _same_axis(name: str, value: Any, default: Any, ndim: int) -> bool:
    """An axis index counted from the end that is the default counted from the start (start_dim=-3 for 1 on a
    4-D input): the same call written another way, not a value to perturb. The axis is taken to be one of the first
    array argument's."""
    if not (text.axis_like(name) and _integer(value) and _integer(default) and ndim > 0):
        return False
    return -ndim <= value < ndim and -ndim <= default < ndim and value % ndim == default % ndim


def _one_number_changes(slot: Slot, value: Any, default: Any) -> list[_Change]:
    name, (high, wide) = slot.param, _as_pair(value)
    changes = []
    if default is not ABSENT and (default is None or _number(default)):
        changes.append(_Change(slot, default, *text.ignored(name, default), what=f"{name}={default!r}"))
    if text.stride_like(name):
        changes.append(_Change(slot, 1, *text.treated_as(name, 1), what=f"{name}=1"))
    if text.padding_like(name):
        changes.append(_Change(slot, 0, *text.treated_as(name, 0), what=f"{name}=0"))
    if text.stride_like(name) and (high, wide) != (1, 1):
        changes.append(_Change(slot, 1, *text.stride_in_size_only(name), what=f"{name}=1", crop=True))
    if high != wide:
        changes += [
            _Change(slot, _like(value, (wide, high)), *text.pair_swapped(name),
                    what=f"{name}={(wide, high)} instead of {(high, wide)}", hidden_what=f"{name}'s numbers swapped"),
            _Change(slot, _like(value, (high, high)), *text.one_number_used(name, "first"),
                    what=f"{name}={(high, high)}", hidden_what=f"{name}'s first number for both directions"),
            _Change(slot, _like(value, (wide, wide)), *text.one_number_used(name, "second"),
                    what=f"{name}={(wide, wide)}", hidden_what=f"{name}'s second number for both directions")]
    return changes


def _absent_stride_changes(exercise: Exercise, arguments: list[tuple[Slot, Any]]) -> list[_Change]:
    """A stride-like parameter the call leaves at a default other than 1, treated as 1 anyway."""
    given = {slot.param for slot, _ in arguments}
    changes = []
    for name, default in signature_defaults(exercise.entry.signature).items():
        if name not in given and text.stride_like(name) and not (_number(default) and _as_pair(default) == (1, 1)):
            changes.append(_Change(Slot(name), 1, *text.default_missed(name, default), what=f"{name}=1"))
    return changes


# --- arrays: flips, transposes, swapped or scrambled leading axes ------------------------------------------------

def _axis_letter(name: str) -> str:
    return name.rstrip("'_0123456789").upper()[-1:]


def _spatial(value: np.ndarray, names: tuple | None) -> bool:
    """True when the last two axes are rows and columns (declared as H/W-like names, or undeclared)."""
    if names is None:
        return value.ndim >= 2
    return len(names) == value.ndim >= 2 and _axis_letter(names[-2]) == "H" and _axis_letter(names[-1]) == "W"


def _kernel_like(slot: Slot, value: np.ndarray, names: tuple | None) -> bool:
    """A kernel: declared (..., KH, KW), or undeclared and named like one (a 2-D matrix in a dict is a layer's
    weight matrix, not a kernel)."""
    if names is not None:
        return _spatial(value, names) and all(str(axis).upper().startswith("K") for axis in names[-2:])
    if value.ndim == 4 or (value.ndim == 2 and slot.key is None):
        return text.kernel_named(slot.label)
    return False


def _spatial_changes(slot: Slot, value: np.ndarray, names: tuple | None, kernel: bool) -> list[_Change]:
    if not _spatial(value, names):
        return []
    sideways, upside_down = np.flip(value, axis=-1), np.flip(value, axis=-2)
    flips = [("left-right", sideways), ("upside down", upside_down), ("transposed", np.swapaxes(value, -2, -1))]
    both = np.flip(value, axis=(-2, -1))
    if not (np.array_equal(both, sideways) or np.array_equal(both, upside_down)):  # say the simpler flip
        flips.insert(0, ("both", both))
    return [_Change(slot, np.ascontiguousarray(flipped), *text.flipped(slot.label, slot.code, how, kernel, value.ndim),
                    what=text.flip_name(slot.label, how)) for how, flipped in flips]


def _axis_swap_changes(slot: Slot, value: np.ndarray, names: tuple | None, scramble: bool) -> list[_Change]:
    """The first two axes read the other way round (4-D arrays, and 2-D matrices inside a dict); for kernels and
    matrices also the reshape that was meant to be that transpose."""
    if not (value.ndim == 4 or (value.ndim == 2 and slot.key is not None)):
        return []
    if names is not None and len(names) != value.ndim:
        names = None
    swapped = np.ascontiguousarray(np.swapaxes(value, 0, 1))
    changes = [_Change(slot, swapped, *text.axes_swapped(slot.label, slot.code, names),
                       what=text.axes_swapped(slot.label, slot.code, names)[0])]
    if scramble or slot.key is not None:
        reshaped = value.reshape(swapped.shape).swapaxes(0, 1).copy()
        changes.append(_Change(slot, reshaped, *text.reshaped_not_transposed(slot.label, slot.code, names, value.ndim),
                               what=text.reshaped_not_transposed(slot.label, slot.code, names, value.ndim)[0]))
    return changes


# --- running and comparing --------------------------------------------------------------------------------------

def _run(reference: Callable, item: Perturbation, part: int) -> np.ndarray | None:
    """Output part `part` of the reference on the perturbed call; None when the call is invalid."""
    try:
        with np.errstate(all="ignore"):
            output = reference(*item.positional, **item.keyword)
        parts = list(output) if isinstance(output, (tuple, list)) else [output]
        found = np.asarray(parts[part]) if part < len(parts) else None
    except Exception:  # a perturbed call may be invalid (a swapped axis no longer fits)
        return None
    return found if found is not None and found.dtype.kind in "biuf" else None


def _top_left(output: np.ndarray, shape: tuple) -> np.ndarray | None:
    """The top-left corner of `output` with `shape`; None unless `output` is strictly larger somewhere."""
    if output.ndim != len(shape) or any(have > full for have, full in zip(shape, output.shape)):
        return None
    if tuple(shape) == output.shape:
        return None
    return output[tuple(slice(0, size) for size in shape)]


def _explains(output: np.ndarray, evidence: Evidence) -> bool:
    """The perturbed output is the learner's, is not the expected one, and is specific enough to be evidence
    (an all-zero or constant answer agrees with too many mistakes to name one)."""
    have, want = np.asarray(evidence.have), np.asarray(evidence.want)
    if have.dtype.kind not in "biuf" or not _close(output, have, evidence) or _close(output, want, evidence):
        return False
    values = output.astype(np.float64, copy=False)
    if not np.all(np.isfinite(values)) or not np.any(values):
        return False
    return values.size == 1 or not np.all(values == values.flat[0])


def _close(one: np.ndarray, other: np.ndarray, evidence: Evidence) -> bool:
    try:
        return matches(np.asarray(other), np.asarray(one), evidence.tolerance)
    except (TypeError, ValueError):
        return False


def _example(evidence: Evidence) -> str:
    """One value that shows it: where the learner's output differs from the expected one."""
    have, want = np.asarray(evidence.have, dtype=np.float64), np.asarray(evidence.want, dtype=np.float64)
    if have.shape != want.shape or have.size == 0:
        return ""
    tolerance = evidence.tolerance
    with np.errstate(invalid="ignore"):
        differ = ~np.isclose(have, want, rtol=max(tolerance.rtol, 1e-5), atol=max(tolerance.atol, 1e-6))
    if not differ.any():
        return ""
    index = np.unravel_index(int(np.argmax(differ)), have.shape)
    return text.example(evidence.label, tuple(int(i) for i in index), float(have[index]), float(want[index]))
