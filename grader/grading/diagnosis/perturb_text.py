"""What the input perturbations say to the learner: each maker returns (name, explanation). Names are stable labels
built from the parameter's own name; explanations say what the result shows and what to change, and hold for any
exercise with such a parameter."""

from __future__ import annotations

from typing import Any


# --- what a parameter is, from its name ----------------------------------------------------------------------

def bias_like(name: str) -> bool:
    lower = name.lower()
    return "bias" in lower or lower == "b" or lower.endswith("_b")


def stride_like(name: str) -> bool:
    return "stride" in name.lower()


def padding_like(name: str) -> bool:
    return "pad" in name.lower()


def axis_like(name: str) -> bool:
    """An axis index such as start_dim or axis, where -1 and ndim - 1 mean the same axis."""
    lower = name.lower()
    return "dim" in lower or "axis" in lower


def kernel_named(name: str) -> bool:
    lower = name.lower()
    return any(word in lower for word in ("kernel", "weight", "filter")) or lower == "w" or lower.endswith("_w")


# --- evidence ----------------------------------------------------------------------------------------------------

def evidence(what: str, crop: bool, label: str = "output") -> str:
    if crop:
        return f"the reference solution run with {what} gives your {label} exactly, as its top-left corner"
    return f"the reference solution run with {what} gives exactly your {label}"


def example(label: str, index: tuple[int, ...], have: float, want: float) -> str:
    where = f"{label}[{', '.join(str(i) for i in index)}]"
    return f"; at {where}, for example, both give {have:.6g}, where {want:.6g} was expected"


# --- arrays left out ---------------------------------------------------------------------------------------------

def unused_optional(label: str, code: str, bias: bool) -> tuple[str, str]:
    where = "its layer's output" if "[" in code else "the output"
    if bias:
        return (f"{label} never added",
                f"Your result is what you get without {code}: it was never added. Add {code} to {where}: "
                f"{code}[k] goes to every value whose index on axis 1 is k (output channel or class k).")
    return (f"{label} never used",
            f"Your result is what you get with {code}=None: your code ignores {code}. Use it when the call passes it.")


# --- integer-or-pair parameters ---------------------------------------------------------------------------------

def _use(name: str) -> str:
    if stride_like(name) or padding_like(name):
        return (f"Use the {name} the call passes: one number applies to both height and width, a pair is "
                "(height, width).")
    return f"Use the {name} the call passes."


def ignored(name: str, default: Any) -> tuple[str, str]:
    return (f"{name} ignored",
            f"Your code does not use {name}: your result is what the default, {name}={default!r}, gives. {_use(name)}")


def treated_as(name: str, value: int) -> tuple[str, str]:
    return (f"{name} treated as {value}",
            f"Your result is what {name}={value} gives, not the {name} the call passes. {_use(name)}")


def stride_in_size_only(name: str) -> tuple[str, str]:
    return (f"{name} only in the output size",
            f"Your output has the size {name} gives, but its windows start one pixel apart, as with {name}=1. "
            f"Move each window by {name}: window (i, j) starts at row i·{name}_h and column j·{name}_w, where "
            f"({name}_h, {name}_w) is the pair (or the one number twice).")


def pair_swapped(name: str) -> tuple[str, str]:
    return (f"{name} pair swapped",
            f"Your code uses the two numbers of {name} the other way round. The pair is (height, width): the first "
            "number is for rows, the second for columns.")


def one_number_used(name: str, which: str) -> tuple[str, str]:
    return (f"only the {which} number of {name} used",
            f"Your code uses the {which} number of {name} for both height and width. The pair is (height, width): "
            "use the first number for rows and the second for columns.")


def default_missed(name: str, default: Any) -> tuple[str, str]:
    return (f"{name} default not applied",
            f"This call passes no {name}, so {name} is the default, {default!r}, but your result is what {name}=1 "
            f"gives. Check in the docstring what {name}={default!r} means and handle that case.")


# --- flips and transposes of the last two axes ------------------------------------------------------------------

def flip_name(label: str, how: str) -> str:
    return {"both": f"{label} rotated 180°", "left-right": f"{label} flipped left-right",
            "upside down": f"{label} flipped upside down", "transposed": f"{label} transposed"}[how]


_KERNEL_FLIPS = {
    "both": "{c} is rotated 180° (flipped both ways), as in a textbook convolution: {c}[{i}0, 0] meets the "
            "window's bottom-right pixel. Deep-learning layers compute a cross-correlation instead",
    "left-right": "{c} is flipped left-right: {c}[{i}0, 0] meets the window's top-right pixel",
    "upside down": "{c} is flipped upside down: {c}[{i}0, 0] meets the window's bottom-left pixel",
    "transposed": "{c} is transposed: {c}[{i}r, s] meets the window pixel at row s, column r",
}

_ARRAY_FLIPS = {
    "both": "{c} rotated 180°, its rows and columns in reverse order. Read it as stored: {c}[{i}0, 0] is the "
            "top-left value",
    "left-right": "{c} flipped left-right, its columns in reverse order. Read it as stored: {c}[{i}:, 0] is the "
                  "first column",
    "upside down": "{c} flipped upside down, its rows in reverse order. Read it as stored: {c}[{i}0, :] is the "
                   "first row",
    "transposed": "{c} with rows and columns swapped. Read it as stored: {c}[{i}r, s] is row r, column s",
}


def flipped(label: str, code: str, how: str, kernel: bool, ndim: int) -> tuple[str, str]:
    lead = "" if ndim == 2 else "..., "
    if kernel:
        shown = _KERNEL_FLIPS[how].format(c=code, i=lead)
        explanation = (f"In your result, {shown}. Pair {code}[{lead}r, s] with the pixel at row r, column s of "
                       f"each window, so {code}[{lead}0, 0] multiplies the window's top-left pixel.")
    else:
        explanation = f"Your result is what you get from {_ARRAY_FLIPS[how].format(c=code, i=lead)}."
    return flip_name(label, how), explanation


# --- the first two axes -------------------------------------------------------------------------------------------

def _tuple(names: tuple) -> str:
    return "(" + ", ".join(str(name) for name in names) + ")"


def axes_swapped(label: str, code: str, names: tuple | None) -> tuple[str, str]:
    if names is not None:
        swapped = _tuple((names[1], names[0]) + tuple(names[2:]))
        explanation = f"Your code reads {code} as {swapped}, but it is laid out as {_tuple(names)}"
        if all(str(name).isidentifier() for name in names[:2]):
            rest = [str(names[0]).lower(), str(names[1]).lower()] + (["..."] if len(names) > 2 else [])
            explanation += f": index it as {code}[{', '.join(rest)}]"
        return f"{label} read as {swapped}", explanation + "."
    return (f"{label}'s first two axes swapped",
            f"Your result is what {code} with its first two axes swapped gives. Keep the axes of {code} in the "
            "order the docstring gives: drop the transpose (or .T, swapaxes) of those axes, or index them the other "
            "way round.")


def reshaped_not_transposed(label: str, code: str, names: tuple | None, ndim: int) -> tuple[str, str]:
    fix = f"{code}.T" if ndim == 2 else f"{code}.transpose(1, 0, 2, 3)"
    if names is not None:
        name = f"{label} reshaped to {_tuple((names[1], names[0]) + tuple(names[2:]))} instead of transposed"
    else:
        name = f"{label} reshaped where a transpose was needed"
    return (name,
            f"Your code reshapes {code} to swap its first two axes, but a reshape keeps the values in their stored "
            f"order and only regroups them, so they land in the wrong places. Swap the axes with {fix}.")


# --- one entry of a summed axis ---------------------------------------------------------------------------------

_ENTRIES = {"N": ("image", "images"), "C": ("input channel", "input channels"), "F": ("filter", "filters")}


def _entry(axis: str) -> tuple[str, str]:
    return _ENTRIES.get(axis, (f"entry of axis {axis}", f"entries of axis {axis}"))


def one_entry_counted(label: str, axis: str, which: str) -> tuple[str, str]:
    one, many = _entry(axis)
    if which == "first":
        how = f"as when only index 0 is used, with the loop over the {many} missing or stopping early"
    else:
        how = f"as when the loop over the {many} assigns with = where it should add with +="
    target = "the output" if label == "output" else label
    return (f"{label} from the {which} {one} only",
            f"Your {label} is what the {which} {one} alone gives: the other {many} add nothing to it, {how}. "
            f"Every {one} contributes to {target}: add up all their contributions (+= inside a loop over all "
            f"the {many}, or a sum over the {axis} axis).")


def cut_to(codes: list[str], which: str, axis: str) -> str:
    shown = " and ".join([", ".join(codes[:-1]), codes[-1]]) if len(codes) > 1 else codes[0]
    return f"{shown} (the {which} {_entry(axis)[0]} only)"
