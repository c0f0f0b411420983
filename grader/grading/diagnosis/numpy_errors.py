"""Explanations of the errors NumPy raises: shapes that do not line up, indices out of range, integer arrays.

Each analysis reads one exception (a Raised) and returns a Diagnosis or None. Explanations never quote the case's
values (a hidden case's shapes are secret); what the values show goes into the finding, which only public cases see.
"""

from __future__ import annotations

import re

from ..compare import FLOAT_ALLOCATION
from .model import Diagnosis
from .raised import Raised, shape_of, shape_text

_SHAPE = r"\(([\d,\s]*)\)"
BROADCAST = re.compile(r"operands could not be broadcast together with shapes ((?:\([\d,\s]*\)\s*)+)")
ASSIGN = re.compile(rf"could not broadcast input array from shape {_SHAPE} into shape {_SHAPE}")
OUTPUT = re.compile(rf"non-broadcastable output operand with shape {_SHAPE} doesn't match the broadcast shape {_SHAPE}")
REMAPPED = re.compile(r"remapped shapes \[original->remapped\]:\s*(.*?)\s*(?:and requested shape \(([\d,\s]*)\))?\s*$")
EMPTY_REDUCTION = re.compile(r"zero-size array to reduction operation|attempt to get arg\w+ of an empty sequence")
# a slice whose stop is a negated name, e.g. `p:-p`: empty when that name is 0 (-0 is 0)
NEGATIVE_STOP = re.compile(r"([A-Za-z_]\w*|\d+)?\s*(?<!:):\s*-\s*([A-Za-z_]\w*)\b(?!\s*[\[(.])")
SUBSCRIPT = re.compile(r"([A-Za-z_]\w*)\s*\[([^\[\]]*)\]")

BROADCAST_RULE = ("NumPy lines arrays up from their last axis, and each pair of lengths must be equal or 1. "
                  "Print the shapes of the arrays on this line just before it, find the array whose axis is off, "
                  "and fix how you build or index it (reorder axes with .transpose(...), add one with [..., None]).")
EINSUM_LETTERS = ("In np.einsum each letter stands for one axis, and every operand that uses a letter must have the "
                  "same length there. Write each operand's letters in the order of that operand's own axes "
                  "(check them with .shape), so equal letters name equal axes.")
EINSUM_MESSAGES = (
    (r"too many subscripts|more dimensions than subscripts",
     "Each operand needs one letter per axis, in order: the subscripts of one operand have more or fewer letters "
     "than it has axes. Count its axes with .ndim."),
    (r"output subscript '(\w)' which never appeared", "Every letter after '->' must also appear in an input's "
     "subscripts: the output's axes are made of the inputs' axes."),
    (r"operands provided to einstein sum", "Give one comma-separated group of letters per array you pass, in the "
     "same order as the arrays."),
    (r"invalid subscript", "Subscripts are letters only (a-z, A-Z), one group per operand separated by commas, with "
     "'->' before the output's letters."),
)


def explain_numpy(raised: Raised) -> Diagnosis | None:
    for analysis in (empty_slice, shapes_do_not_broadcast, output_too_small, tensordot_axes, einsum_subscripts,
                     matmul_sizes, pad_widths, stacked_pieces, reshape_size, index_out_of_range, too_many_indices,
                     axis_out_of_range, integer_array, sequence_into_element):
        found = analysis(raised)
        if found is not None:
            return found
    return None


# --- shapes ----------------------------------------------------------------------------------------------------------

def empty_slice(raised: Raised) -> Diagnosis | None:
    """An empty value or place in an assignment, or an empty array reduced: a slice selected nothing."""
    assign = ASSIGN.search(raised.message)
    value, target = (shape_of(assign.group(1)), shape_of(assign.group(2))) if assign else (None, None)
    if target is not None and 0 in target:
        what = "The part of the array you assign into"
        finding = f"the place you assign into has shape {shape_text(target)}"
    elif value is not None and 0 in value:
        what, finding = "The value you assign", f"the value you assign has shape {shape_text(value)}"
    elif EMPTY_REDUCTION.search(raised.message):
        what, finding = "The array you reduce here", ""
    else:
        return None
    cause = negative_stop_advice(raised.code)
    if cause:
        return raised.found("empty slice", cause, finding)
    return raised.found("empty slice", f"{what} is empty: a slice whose end is at or before its start (or whose start "
                        "is past the array's end) selects nothing. Check the start and end of each slice that "
                        "builds it, for this case's sizes.", finding)


def negative_stop_advice(code: str) -> str:
    """Why `a:-p` is empty when p is 0, with the end written as a length instead; "" if the line has no such slice."""
    for array, inside in SUBSCRIPT.findall(code):
        for match in NEGATIVE_STOP.finditer(inside):
            start, stop = match.group(1) or "", match.group(2)
            before = inside[:match.start()]
            axis = before.count(",") if "..." not in before and "(" not in before else None
            length = f"{array}.shape[{axis}]" if axis is not None else "the axis's length"
            return (f"When `{stop}` is 0, the slice `{start}:-{stop}` ends at -0, which is 0, so it selects nothing. "
                    f"Write the end as a length instead, e.g. `{start}:{length} - {stop}`, which also works for 0.")
    return ""


def shapes_do_not_broadcast(raised: Raised) -> Diagnosis | None:
    together = BROADCAST.search(raised.message)
    assign = ASSIGN.search(raised.message)
    remapped = REMAPPED.search(raised.message)
    if together:
        shapes = [shape_of(text) for text in re.findall(_SHAPE, together.group(1))]
    elif assign:
        shapes = [shape_of(assign.group(1)), shape_of(assign.group(2))]
    elif remapped and "einsum" not in raised.code and not remapped.group(2):
        shapes = [shape_of(text.split("->")[-1]) for text in remapped.group(1).split()]
    else:
        return None
    if len(shapes) < 2 or any(shape is None for shape in shapes):
        return raised.found("shapes do not broadcast", BROADCAST_RULE)
    differ = axis_disagreements(shapes, into=bool(assign))
    finding = "; ".join(differ)
    if assign:
        finding = f"you assign a {shape_text(shapes[0])} value to a {shape_text(shapes[1])} place" + (
            f": {finding}" if finding else "")
    if len(shapes) == 2 and len(shapes[0]) == len(shapes[1]) and shapes[0] != shapes[1] \
            and sorted(shapes[0]) == sorted(shapes[1]):
        return raised.found("axes in another order", "The two arrays have the same lengths in a different axis "
                            "order. Put one array's axes in the other's order with .transpose(...) or np.moveaxis, "
                            "or build it in that order.", finding)
    if _cut_at_edge(shapes) and _slices_windows(raised):
        return _window_cut_short(raised, finding)
    return raised.found("shapes do not broadcast", BROADCAST_RULE, finding)


def _window_cut_short(raised: Raised, finding: str) -> Diagnosis:
    return raised.found("window cut short", "A slice that runs past an array's edge is cut short without an error, "
                        "so a window taken near the edge comes out smaller than the kernel. Check where your loops "
                        "stop: a window that starts at i * stride needs i * stride + kernel <= the (padded) size, "
                        "which holds for i in range((size - kernel) // stride + 1).", finding)


def _slices_windows(raised: Raised) -> bool:
    """Whether the learner's code cuts windows with a computed end (`x[..., i:i + k]`), on this line or another."""
    window = re.compile(r"\[[^\]]*:[^\],]*\+[^\]]*\]")
    return bool(window.search(raised.code)) or any(window.search(line) for line in raised.source_lines[:5000])


def axis_disagreements(shapes: list[tuple[int, ...]], into: bool = False) -> list[str]:
    """Which aligned axes disagree, as NumPy aligns them (from the right): "axis 0 has 3 against 2". With `into`,
    the first shape is assigned into the second, whose length-1 axes cannot stretch."""
    rank = max(len(shape) for shape in shapes)
    same_rank = all(len(shape) == rank for shape in shapes)
    said = []
    for back in range(rank, 0, -1):
        sizes = [shape[-back] if back <= len(shape) else 1 for shape in shapes]
        if into:
            clash = sizes[0] not in (1, sizes[1])
        else:
            clash = len({size for size in sizes if size != 1}) > 1
        if clash:
            label = f"axis {rank - back}" if same_rank else _axis_from_end(back)
            said.append(f"{label} has " + " against ".join(map(str, sizes)))
    return said


def _axis_from_end(back: int) -> str:
    return {1: "the last axis", 2: "the second-to-last axis"}.get(back, f"axis {-back}")


def _cut_at_edge(shapes: list[tuple[int, ...]]) -> bool:
    """Two arrays of one rank that differ only in their last two axes, one no larger than the other in both."""
    if len(shapes) != 2 or len(shapes[0]) != len(shapes[1]) or len(shapes[0]) < 2:
        return False
    first, second = shapes
    if first[:-2] != second[:-2] or first == second:
        return False
    return all(a <= b for a, b in zip(first[-2:], second[-2:])) or all(a >= b for a, b in zip(first[-2:], second[-2:]))


def output_too_small(raised: Raised) -> Diagnosis | None:
    found = OUTPUT.search(raised.message)
    if not found:
        return None
    have, need = shape_of(found.group(1)), shape_of(found.group(2))
    finding = f"the result has shape {shape_text(need)} but the array it goes into has {shape_text(have)}" \
        if have is not None and need is not None else ""
    return raised.found("result does not fit", "`+=` (like `out=`) writes the result into the existing array, so "
                        "that array must already have the result's shape. Make the array on the left as large as "
                        "the result, or reduce the right side first (e.g. np.sum over the axes you mean).", finding)


def tensordot_axes(raised: Raised) -> Diagnosis | None:
    if "shape-mismatch for sum" not in raised.message:
        return None
    return raised.found("tensordot axes", "`np.tensordot` sums over the axes you pair in `axes=`, one of each array "
                        "per pair, and paired axes must have the same length. One pair here does not: check each "
                        "array's axis numbers against its .shape (e.g. the channel axis of (F, C, KH, KW) weights "
                        "is 1).")


def einsum_subscripts(raised: Raised) -> Diagnosis | None:
    label = re.search(r"[Ss]ize of label '(\w)' for operand (\d+) \((\d+)\) does not match previous terms \((\d+)\)",
                      raised.message)
    if label:
        letter, operand, size, before = label.groups()
        return raised.found("einsum subscripts", EINSUM_LETTERS, f"'{letter}' has length {before} in an earlier "
                            f"operand but {size} in operand {operand} (counting from 0)")
    remapped = REMAPPED.search(raised.message)
    if remapped and "einsum" in raised.code:
        shapes = [shape_of(text.split("->")[0]) for text in remapped.group(1).split()]
        if all(shape is not None for shape in shapes) and _cut_at_edge(shapes) and _slices_windows(raised):
            return _window_cut_short(raised, "; ".join(axis_disagreements(shapes)))
        return raised.found("einsum subscripts", EINSUM_LETTERS)
    if "einstein sum" not in raised.message and "einsum" not in raised.message:
        return None
    for pattern, explanation in EINSUM_MESSAGES:
        if re.search(pattern, raised.message):
            return raised.found("einsum subscripts", explanation)
    return None


def matmul_sizes(raised: Raised) -> Diagnosis | None:
    core = re.search(r"mismatch in its core dimension.*\(size (\d+) is different from (\d+)\)", raised.message)
    dot = re.search(rf"shapes {_SHAPE} and {_SHAPE} not aligned: (\d+) \(dim (\d+)\) != (\d+) \(dim (\d+)\)",
                    raised.message)
    if core:
        finding = f"the axes to sum over have lengths {core.group(2)} and {core.group(1)}"
    elif dot:
        finding = (f"axis {dot.group(4)} of the first array has {dot.group(3)}, axis {dot.group(6)} of the second "
                   f"has {dot.group(5)}")
    else:
        return None
    return raised.found("matmul sizes", "`a @ b` (np.matmul, np.dot) sums over the last axis of a and the "
                        "second-to-last axis of b (its only axis if b is 1-D), so those two lengths must be equal. "
                        "Reshape or transpose one array so the axis to sum over sits there, e.g. "
                        "`patches @ kernels.T` when both are laid out as (count, C*KH*KW).", finding)


def pad_widths(raised: Raised) -> Diagnosis | None:
    remapped = REMAPPED.search(raised.message)
    if not remapped or not remapped.group(2) or "pad" not in raised.code:
        return None
    given = shape_of(remapped.group(1).split("->")[0])
    needed = shape_of(remapped.group(2))
    finding = f"the widths have shape {shape_text(given)} where {shape_text(needed)} is needed" \
        if given is not None and needed is not None else ""
    return raised.found("pad widths", "`np.pad` takes one (before, after) pair per axis of the array, in axis order. "
                        "Give exactly as many pairs as the array has axes, e.g. ((0, 0), (0, 0), (p, p), (p, p)) "
                        "for an (N, C, H, W) array.", finding)


def stacked_pieces(raised: Raised) -> Diagnosis | None:
    if not re.search(r"all input arrays must have the same shape|all the input array dimensions except for the "
                     r"concatenation axis must match|inhomogeneous shape", raised.message):
        return None
    return raised.found("pieces differ in shape", "`np.stack` and `np.array` need pieces of one shape "
                        "(np.concatenate: the same except along the joined axis), and one piece here differs. A window "
                        "cut short at the array's edge is a common cause: a slice past the edge comes out smaller "
                        "without an error.")


def reshape_size(raised: Raised) -> Diagnosis | None:
    found = re.search(r"cannot reshape array of size (\d+) into shape \(([^)]*)\)", raised.message)
    if not found:
        return None
    shape = shape_of(found.group(2))
    finding = f"the array has {found.group(1)} values"
    if shape is not None and "newaxis" not in found.group(2):
        total = 1
        for size in shape:
            total *= size
        finding += f" but shape {shape_text(shape)} holds {total}"
    if "//" in raised.code:
        return raised.found("reshape size", "A size computed with `//` drops the remainder (5 // 2 is 2), so when a "
                            "length does not divide evenly the new shape holds fewer values than the array. Crop the "
                            "array to whole blocks before reshaping (e.g. keep the first (H // k) * k rows), or build "
                            "the windows another way.", finding)
    return raised.found("reshape size", "`reshape` keeps every value, so the product of the new shape must equal the "
                        "array's size (.size). Check the sizes you multiply; -1 lets NumPy work out one axis.", finding)


# --- indices --------------------------------------------------------------------------------------------------------

def index_out_of_range(raised: Raised) -> Diagnosis | None:
    found = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", raised.message)
    if not found:
        return None
    index, axis, size = (int(text) for text in found.groups())
    if size == 0:
        return raised.found("empty array", "This array has length 0 along that axis, so no index exists there: an "
                            "earlier slice or size came out empty. " + (negative_stop_in_file(raised) or "Check the "
                            "slices and size formulas that build it."), f"axis {axis} has length 0")
    if index >= 0:
        finding = f"axis {axis} has positions 0 to {size - 1}, so {index} is {index - size + 1} past the end"
    else:
        finding = f"axis {axis} has {size} positions, so {index} counts back past its start"
    return raised.found("index out of range", "An index ran past the end of an axis. Either the array is too small for "
                        "what you put in it (check the size formula you create it with), or a loop or window offset "
                        "runs too far (check each range() bound and the largest i * stride + offset it reaches).",
                        finding)


def negative_stop_in_file(raised: Raised) -> str:
    """Names the first line of the file with an `a:-p` slice, a likely source of an empty array; "" if none."""
    for number, line in enumerate(raised.source_lines[:5000], 1):
        code = line.split("#")[0]
        where = raised.name_line(number)  # "line 12", "cell 4, line 2"; "" for a line the learner did not write
        if where and any(NEGATIVE_STOP.search(inside) for _, inside in SUBSCRIPT.findall(code)):
            return (f"{where[0].upper()}{where[1:]} has a slice ending in a negated name (like `p:-p`), which is "
                    "empty when that name is 0.")
    return ""


def too_many_indices(raised: Raised) -> Diagnosis | None:
    found = re.search(r"too many indices for array: array is (\d+)-dimensional, but (\d+) were indexed",
                      raised.message)
    if not found:
        return None
    return raised.found("too many indices", "You index an array with more positions than it has axes. An integer index "
                        "removes an axis (x[n] of an (N, C, H, W) array is (C, H, W)), and so does a reduction "
                        "without keepdims=True: check the shape of the array you index here.",
                        f"the array has {found.group(1)} axes and you give {found.group(2)} indices")


def axis_out_of_range(raised: Raised) -> Diagnosis | None:
    found = re.search(r"axis (-?\d+) is out of bounds for array of dimension (\d+)", raised.message)
    if found:
        return raised.found("axis out of range", "You name an axis the array does not have: axes are numbered 0 to "
                            ".ndim - 1. An earlier integer index or reduction may have removed one; check the array's "
                            ".shape here.", f"axis {found.group(1)} of an array with {found.group(2)} axes")
    if "axes don't match array" in raised.message:
        return raised.found("axis out of range", "`x.transpose(...)` needs every axis number of the array exactly "
                            "once: as many numbers as the array has axes (.ndim).")
    return None


# --- dtypes and values ----------------------------------------------------------------------------------------------

def integer_array(raised: Raised) -> Diagnosis | None:
    cast = re.search(r"Cannot cast ufunc '(\w+)' output from dtype\('(\w+)'\) to dtype\('(\w+)'\)", raised.message)
    if cast and cast.group(2).startswith(("float", "complex")) and cast.group(3).startswith(("int", "uint", "bool")):
        return raised.found("integer array", f"The array you write the `{cast.group(1)}` results into has the "
                            f"integer dtype {cast.group(3)}, so it cannot hold the {cast.group(2)} results. "
                            f"{FLOAT_ALLOCATION}")
    if not re.search(r"cannot convert float (infinity|NaN) to integer", raised.message):
        return None
    if re.search(r"\bint\s*\(", raised.code):
        return raised.found("infinity to integer", "`int()` cannot convert an infinity or NaN, and the value on this "
                            "line is one: it may come from a maximum over nothing (a start of -np.inf never replaced) "
                            "or from a division by 0. Check how that value is computed.")
    return raised.found("integer array", "An integer array cannot hold an infinity or NaN. If you fill an array with "
                        "-np.inf to take maxima, create it as float, e.g. np.full(shape, -np.inf): np.zeros_like(x) "
                        "and np.empty_like(x) copy an integer input's dtype.")


def sequence_into_element(raised: Raised) -> Diagnosis | None:
    if "setting an array element with a sequence" not in raised.message or "inhomogeneous" in raised.message:
        return None
    return raised.found("array into one element", "The left side selects a single element, but the right side holds "
                        "several values. Reduce the right side to one number (e.g. np.sum(window * kernel)), or "
                        "select as many elements on the left as there are values.")
