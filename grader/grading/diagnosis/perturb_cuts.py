"""One entry of a summed axis counted: a loop that assigns (=) where it should add (+=), or a loop over the images
(channels, filters) that was never written, leaves only one entry's contribution. Cutting every input that has
that declared axis down to its first or its last entry gives the reference's answer for that mistake; it explains
only outputs that do not have the axis themselves (dweight and dbias summed over the images, a conv output summed
over the input channels)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ...spec.model import Exercise
from . import perturb_text as text
from .perturb_call import Perturbation, Slot, call_arguments, rebuilt

_CUTS = (("first", slice(0, 1), "0:1"), ("last", slice(-1, None), "-1:"))


def axis_tokens(name: Any) -> set[str]:
    """The axis names a declared axis is made of: {"F", "H'", "W'"} for "F*H'*W'", {"N"} for "N"."""
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_']*", str(name)))


def output_has_axis(exercise: Exercise, label: str, axis: str) -> bool:
    """True when the output part `label` declares `axis` (alone or inside a product such as C*H*W)."""
    declared = dict(getattr(exercise.entry, "axes", ()) or ())
    return any(axis in axis_tokens(name) for name in declared.get(label, ()))


def cut_perturbations(exercise: Exercise, positional: list, keyword: dict, label: str) -> list[Perturbation]:
    """For each declared axis that two or more array inputs share (see _cuttable): the call with every one of them
    cut to its first entry, and to its last one; only for axes the output part `label` does not declare, and
    named for it."""
    found = []
    for axis, holders in _shared_axes(exercise, positional, keyword).items():
        if output_has_axis(exercise, label, axis):
            continue  # one entry of an axis the output keeps changes its shape: not one entry's sum
        for which, cut, shown in _CUTS:
            replaced = [(slot, _cut(value, position, cut)) for slot, value, position in holders]
            codes = [f"{slot.code}[{', '.join([':'] * position + [shown])}]" for slot, _, position in holders]
            name, explanation = text.one_entry_counted(label, axis, which)
            what = text.cut_to(codes, which, axis)
            new_positional, new_keyword = rebuilt(exercise, positional, keyword, replaced)
            said = text.evidence(what, False, label)
            found.append(Perturbation(name, explanation, said, said,
                                      new_positional, new_keyword, cut_axis=axis))
    return found


def _shared_axes(exercise: Exercise, positional: list, keyword: dict) -> dict[str, list[tuple[Slot, np.ndarray, int]]]:
    """{axis: [(slot, array, position of the axis)]} for the declared axes worth cutting on this call."""
    declared = {name: tuple(axes) for name, axes in dict(getattr(exercise.entry, "axes", ()) or ()).items()}
    holders: dict[str, list[tuple[Slot, np.ndarray, int]]] = {}
    in_products: set[str] = set()  # an axis inside a product (fc_w's F*H'*W') cannot be cut on its own
    for slot, value in call_arguments(exercise, positional, keyword):
        names = declared.get(slot.label)
        if not isinstance(value, np.ndarray) or names is None or len(names) != value.ndim:
            continue
        for position, name in enumerate(names):
            if axis_tokens(name) == {str(name)}:
                holders.setdefault(str(name), []).append((slot, value, position))
            else:
                in_products |= axis_tokens(name)
    return {axis: found for axis, found in holders.items() if axis not in in_products and _cuttable(found)}


def _cuttable(holders: list[tuple[Slot, np.ndarray, int]]) -> bool:
    """Shared by two or more inputs with one size above 1, the first entry unlike the last in one of them at least:
    where every input has them alike, the two cuts cannot be told apart (and with every entry alike, one entry
    alone is also what the mean over the axis gives)."""
    sizes = {value.shape[position] for _, value, position in holders}
    if len(holders) < 2 or len(sizes) != 1 or sizes.pop() < 2:
        return False
    return any(not np.array_equal(_cut(value, position, _CUTS[0][1]), _cut(value, position, _CUTS[1][1]))
               for _, value, position in holders)


def _cut(value: np.ndarray, position: int, cut: slice) -> np.ndarray:
    return np.ascontiguousarray(value[(slice(None),) * position + (cut,)])
