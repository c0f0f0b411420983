"""Layout findings: the right numbers in the wrong place or shape (axes in another order, a reshape where a
transpose belongs, an empty axis, one row or column too many or too few, padding left on a gradient)."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import permutations

import numpy as np

from .model import Diagnosis
from .observed import Observed, ordinal, probable_line, shape_text

MAX_PERMUTED_AXES = 6  # 720 orders at most, each rejected on a sample of values
_NEGATIVE_END = re.compile(r"\[[^\]]*:\s*-\s*([A-Za-z_]\w*)\s*[\],]")


def shape_finding(observed: Observed) -> Diagnosis | None:
    """For outputs whose shapes differ."""
    want, have = observed.want, observed.have
    if have.ndim == want.ndim:
        found = _empty_axis(observed)
        if found is not None:
            return found
    if have.size == want.size and have.size > 0:
        found = _reordered(observed)
        if found is not None:
            return found
    if have.ndim == want.ndim and observed.spatial() and have.shape[:-2] == want.shape[:-2]:
        return _off_by_one(observed) or _padding_left_on(observed)
    return None


def same_shape_finding(observed: Observed) -> Diagnosis | None:
    """For outputs of the expected shape whose values sit in the wrong places."""
    if observed.have.size == 0:
        return None
    return _reordered(observed)


# --- reordered values ---------------------------------------------------------------------------------------------

def _reordered(observed: Observed) -> Diagnosis | None:
    want, have = observed.want, observed.have
    if not observed.may_be_reordered():
        return None
    if have.shape != want.shape and observed.same_in_order(have, want):
        return _right_values(observed, None)
    if want.ndim > MAX_PERMUTED_AXES or have.ndim > MAX_PERMUTED_AXES or not observed.varied(want):
        return None
    found = _read_in_another_order(observed)
    if found is not None:
        return found
    for split in (_split_as_input(observed), _split(observed)):
        found = _merged_in_another_order(split, want.shape) if split is not None else None
        if found is not None:
            return found
    for order in _orders(have.ndim):  # the learner's values in `order` are the expected ones
        if not observed.same_in_order(have.transpose(order), want):
            continue
        return _right_values(observed, None, order) if have.shape != want.shape else _transposed_after(observed, order)
    return None


def _orders(count: int) -> list[tuple[int, ...]]:
    """Every order of `count` axes but the identity, fewest axes out of place first: when size-1 axes or repeated
    values let several orders fit, the simplest explanation is the one said."""
    identity = tuple(range(count))
    others = [order for order in permutations(identity) if order != identity]
    return sorted(others, key=lambda order: sum(axis != position for position, axis in enumerate(order)))


def _read_in_another_order(observed: Observed) -> Diagnosis | None:
    """The learner's values are the expected output with its axes in another order, read in row-major order:
    a plain permutation of the axes when the shapes allow it (the simpler explanation), else a reshape."""
    want, have = observed.want, observed.have
    fitting = [order for order in _orders(want.ndim) if observed.same_in_order(have, want.transpose(order))]
    moved = [order for order in fitting if want.transpose(order).shape == have.shape]
    if moved:
        return _axes_moved(observed, moved[0])
    if not fitting:
        return None
    if have.shape != want.shape:
        return _right_values(observed, fitting[0])
    return _reshaped(observed, fitting[0], want.shape)


def _merged_in_another_order(split: Observed, shape: tuple[int, ...]) -> Diagnosis | None:
    """The learner's values are the expected output (of `shape`) split into its parts, with those parts in
    another order, read in row-major order: the parts were merged (flattened) while in that order."""
    have = split.have
    for order in _orders(split.want.ndim):
        if split.same_in_order(have, split.want.transpose(order)):
            return _merged_axes_moved(split, order) if have.shape == shape else _right_values(split, order, shape=shape)
    return None


def _split(observed: Observed) -> Observed | None:
    """The expected output with each merged axis (declared like C*H*W) split into its named parts, e.g.
    (N, C*H*W) as (N, C, H, W): a flattened output can then be read in another order of those parts."""
    names = observed.axes()
    if not names or not any("*" in name for name in names):
        return None
    named = observed.evidence.sizes.named
    split_names: list[str] = []
    split_shape: list[int] = []
    for name, size in zip(names, observed.want.shape):
        parts = name.split("*")
        sizes = [named.get(part) for part in parts] if len(parts) > 1 else [size]
        if None in sizes or int(np.prod(sizes)) != size:
            return None
        split_names += parts
        split_shape += sizes
    if len(split_shape) > MAX_PERMUTED_AXES:
        return None
    return replace(observed, want=observed.want.reshape(split_shape), axis_names=tuple(split_names))


def _split_as_input(observed: Observed) -> Observed | None:
    """The expected output reshaped back to the input it is made of (the output is that input, reshaped, and has
    fewer axes), named by the input's declared axes when they fit; None when no input is."""
    want = observed.want
    for name, value in _inputs(observed):
        shape = value.shape
        if value.ndim <= want.ndim or value.ndim > MAX_PERMUTED_AXES or value.size != want.size \
                or value.dtype.kind not in "biuf" or not _merges(shape, want.shape):
            continue
        if observed.same_in_order(want, value.astype(np.float64, copy=False)):
            names = observed.evidence.sizes.axes.get(name, ()) if name else ()
            return replace(observed, want=want.reshape(shape), axis_names=tuple(names) if len(names) == len(shape)
                           else (), merged_from=name or "the input")
    return None


def _inputs(observed: Observed) -> list[tuple[str | None, np.ndarray]]:
    """The call's array arguments, each with its name when the name is known (keyword arguments, or a declared
    input whose axes and sizes single it out)."""
    evidence = observed.evidence
    found = [(name, value) for name, value in evidence.keyword.items() if isinstance(value, np.ndarray)]
    for value in evidence.positional:
        if isinstance(value, np.ndarray):
            found.append((_declared_name(observed, value.shape), value))
    return found


def _declared_name(observed: Observed, shape: tuple[int, ...]) -> str | None:
    sizes = observed.evidence.sizes
    names = [name for name, axes in sizes.axes.items() if name != observed.label and len(axes) == len(shape)
             and all(sizes.named.get(axis) == size for axis, size in zip(axes, shape))]
    return names[0] if len(names) == 1 else None


def _merges(parts: tuple[int, ...], merged: tuple[int, ...]) -> bool:
    """Whether `merged` is `parts` with runs of neighbouring axes multiplied together (and nothing else)."""
    position = 0
    for size in merged:
        if position >= len(parts):
            return False
        product, position = parts[position], position + 1
        while product < size and position < len(parts):
            product, position = product * parts[position], position + 1
        if product != size:
            return False
    return all(part == 1 for part in parts[position:])


def _inverse(order: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(axis) for axis in np.argsort(order))


def _code_tuple(order: tuple[int, ...]) -> str:
    return ", ".join(str(axis) for axis in order)


def _axes_moved(observed: Observed, order: tuple[int, ...]) -> Diagnosis:
    moved = _moved_text(observed, order)
    expected = observed.order_text(tuple(range(observed.want.ndim)))
    in_order = f" {expected}" if observed.axes() else ""
    return observed.found(
        "axes in the wrong order",
        f"Put the axes in the expected order{in_order}: apply `.transpose({_code_tuple(_inverse(order))})` to "
        "your result, or better, build it in that order from the start.",
        f"your {observed.label} (shape {shape_text(observed.have.shape)}) holds the expected values with its axes "
        f"in the order {observed.order_text(order)}: {moved}",
        f"your {observed.label} holds the expected values with its axes in the order "
        f"{observed.order_text(order)}: {moved}")


def _merged_axes_moved(split: Observed, order: tuple[int, ...]) -> Diagnosis:
    """A flatten (of an input, or of the parts of a merged output axis) done with the axes in another order."""
    moved = _moved_text(split, order)
    identity = tuple(range(split.want.ndim))
    if split.axes():
        wanted, layout = f"in the order {split.order_text(identity)}", f"in the order {split.order_text(order)}"
    else:
        wanted, layout = "in their own order", f"in the order {split.order_text(order)} of its axes"
    if split.merged_from:
        whose = f"the values of `{split.merged_from}`" if split.merged_from != "the input" else "the input's values"
        what = f"{whose}, but flattened {layout}"
    else:
        what = f"the expected values, but merged with the parts {layout}"
    return split.found(
        "axes in the wrong order",
        f"Your values were flattened with their axes in another order. Flatten them with the axes {wanted}: "
        "remove the transpose, swapaxes or moveaxis that reorders them before the reshape, or undo it with "
        f"`.transpose({_code_tuple(_inverse(order))})` right before the reshape.",
        f"your {split.label} (shape {shape_text(split.have.shape)}) holds {what}: {moved}",
        # axes given by position would tell how many a hidden input has
        f"your {split.label} holds {what}: {moved}" if split.axes() else
        f"your {split.label} holds the input's values, but flattened with its axes in another order")


def _moved_text(observed: Observed, order: tuple[int, ...]) -> str:
    """'filters (F) ended up last instead of second', 'rows (OH) and columns (OW) are swapped', or per axis."""
    count = len(order)
    out_of_place = [position for position in range(count) if order[position] != position]
    if len(out_of_place) == 2:
        first, second = out_of_place
        return f"{observed.axis_text(first)} and {observed.axis_text(second)} are swapped"
    for axis in range(count):
        rest = [item for item in order if item != axis]
        if rest == sorted(rest):  # only `axis` moved; the others kept their relative order
            position = order.index(axis)
            if observed.axes():
                return f"{observed.axis_text(axis)} ended up {ordinal(position, count)} instead of " \
                       f"{ordinal(axis, count)}"
            return f"what belongs on axis {axis} is on your axis {position}"
    return "; ".join(f"your axis {position} holds what belongs on axis {order[position]}"
                     for position in out_of_place)


def _reshaped(observed: Observed, order: tuple[int, ...], expected_shape: tuple[int, ...]) -> Diagnosis:
    layout = observed.order_text(order)
    shape = shape_text(expected_shape)
    merge = ", then reshape to the expected shape" if expected_shape != observed.want.shape else ""
    return observed.found(
        "reshaped instead of transposed",
        f"A reshape keeps the values in memory order; it cannot move an axis. Reshape your result to the layout "
        f"it was computed in, {layout}, and then apply `.transpose({_code_tuple(_inverse(order))})`{merge}.",
        f"your {observed.label} holds the expected values in a scrambled order: it is the expected output laid out "
        f"as {layout} and then reshaped straight to {shape}",
        f"your {observed.label} holds the expected values in a scrambled order: the expected output laid out as "
        f"{layout} and then reshaped straight to the expected shape")


def _transposed_after(observed: Observed, order: tuple[int, ...]) -> Diagnosis:
    said = f"({_code_tuple(order)})"
    return observed.found(
        "reshaped instead of transposed",
        "Your values were computed in the right order, but their axes were then moved (probably by a transpose "
        "after a reshape). Reshape straight to the expected shape and leave the axes where the reshape puts them.",
        f"your {observed.label} holds the expected values in a scrambled order: with its axes moved to the order "
        f"{said}, its values are the expected ones in the expected order (shape {shape_text(observed.want.shape)})",
        f"your {observed.label} holds the expected values in a scrambled order: with its axes moved to the order "
        f"{said}, its values are the expected ones in the expected order")


def _right_values(observed: Observed, order: tuple[int, ...] | None, own_order: tuple[int, ...] | None = None,
                  shape: tuple[int, ...] | None = None) -> Diagnosis:
    """Shapes differ; the values are the expected ones (of `shape`, the expected output's unless it was split)
    read in row-major order, after moving the expected output's axes to `order`, or the learner's to `own_order`."""
    have_shape, want_shape = shape_text(observed.have.shape), shape_text(shape or observed.want.shape)
    named = observed.axes()
    target = f"the expected shape {observed.order_text(tuple(range(observed.want.ndim)))}" if named \
        else "the expected shape"
    if order is not None:
        layout = observed.order_text(order)
        how = f"the expected values read with the axes in the order {layout}"
        fix = (f"Reshape your result to the layout it holds, {layout}, and then apply "
               f"`.transpose({_code_tuple(_inverse(order))})`: a reshape alone never moves an axis.")
    elif own_order is not None:
        how = f"the expected values in the expected order once its axes are moved to ({_code_tuple(own_order)})"
        fix = (f"Apply `.transpose({_code_tuple(own_order)})` to your result and then reshape it to {target}, or "
               "better, build it in that shape from the start.")
    else:
        how = "the expected values in the expected order"
        fix = f"Only the shape is wrong: reshape your result to {target} before returning it."
    return observed.found(
        "right values, wrong shape", fix,
        f"your {observed.label} has shape {have_shape} where {want_shape} was expected, but it holds {how}",
        f"your {observed.label} has the wrong shape, but it holds {how}")


# --- shapes that differ in a telling way --------------------------------------------------------------------------

def _empty_axis(observed: Observed) -> Diagnosis | None:
    have_shape, want_shape = observed.have.shape, observed.want.shape
    pairs = list(zip(have_shape, want_shape))
    empty = [axis for axis, (got, expected) in enumerate(pairs) if got == 0 and expected > 0]
    if not empty or any(got != expected for axis, (got, expected) in enumerate(pairs) if axis not in empty):
        return None
    if all(want_shape[axis] == 1 for axis in empty):
        return None  # one short of a single row: the output size is off by one, not a slice
    line = probable_line(observed.evidence.source_lines, _NEGATIVE_END)
    if line is not None:
        name = _NEGATIVE_END.search(line[1]).group(1)
        cause = observed.quote(line, f"when {name} is 0, the slice end -{name} is 0 too, so `{name}:-{name}` is "
                                     "`0:0`, which selects nothing") + ". "
    else:
        cause = "A common cause: a slice like a[p:-p] is empty when p is 0, because -0 is 0 and a[0:0] selects " \
                "nothing. "
    axes = " and ".join(observed.axis_text(axis) for axis in empty)
    verb = "is" if len(empty) == 1 else "are"
    return observed.found(
        "empty slice",
        f"{cause}Write the end as start plus length instead, e.g. a[p:p + H], which works for p = 0 too.",
        f"your {observed.label} has shape {shape_text(have_shape)} where {shape_text(want_shape)} was expected: "
        f"{axes} {verb} empty",
        f"your {observed.label} has an empty axis ({axes}) where the expected one has values")


def _off_by_one(observed: Observed) -> Diagnosis | None:
    (have_rows, have_cols), (want_rows, want_cols) = observed.have.shape[-2:], observed.want.shape[-2:]
    rows, cols = have_rows - want_rows, have_cols - want_cols
    if {rows, cols} - {-1, 0, 1} or rows * cols < 0:
        return None
    more = rows + cols > 0
    what = " and ".join(word for word, change in (("one row", rows), ("one column", cols)) if change)
    how = f"{what} too many" if more else f"{what} short"
    rows_kept, cols_kept = min(have_rows, want_rows), min(have_cols, want_cols)
    overlap = (Ellipsis, slice(0, rows_kept), slice(0, cols_kept))
    shared = rows_kept * cols_kept > 0
    if shared and not observed.same(observed.have[overlap], observed.want[overlap]):
        return None  # the values differ too: the size is not the only thing wrong, and may not be the cause
    agreeing = "; where both have values, yours match the expected ones" if shared else ""
    if observed.gradient:
        explanation = ("A gradient has exactly the shape of the array it belongs to: allocate it from that array's "
                       "shape, e.g. np.zeros(x.shape), and return it whole.")
    elif more:
        explanation = ("The window fits (H + 2·pad − KH) // stride + 1 times along the height (the same for the "
                       "width): count the + 1 only once and use floor division (//).")
    else:
        explanation = ("The window fits (H + 2·pad − KH) // stride + 1 times along the height (the same for the "
                       "width): the + 1 is probably missing, or a range stops one short.")
    return observed.found(
        "output size off by one", explanation,
        f"your {observed.label} has shape {shape_text(observed.have.shape)} where "
        f"{shape_text(observed.want.shape)} was expected: {how}{agreeing}",
        f"your {observed.label} is {how}{agreeing}")


def _padding_left_on(observed: Observed) -> Diagnosis | None:
    """A gradient with an equal border too many on each side whose centre is the expected gradient."""
    if not observed.gradient:
        return None
    (have_rows, have_cols), (want_rows, want_cols) = observed.have.shape[-2:], observed.want.shape[-2:]
    extra_rows, extra_cols = have_rows - want_rows, have_cols - want_cols
    if min(extra_rows, extra_cols) < 0 or extra_rows % 2 or extra_cols % 2 or extra_rows + extra_cols == 0:
        return None
    top, left = extra_rows // 2, extra_cols // 2
    centre = observed.have[..., top:top + want_rows, left:left + want_cols]
    if not observed.varied(observed.want) or not observed.same(centre, observed.want):
        return None
    return observed.found(
        "padding not removed",
        "The padding added for the forward pass must be cut off the gradient again: return the centre, e.g. "
        "`padded[..., pad_h:pad_h + H, pad_w:pad_w + W]`.",
        f"your {observed.label} has shape {shape_text(observed.have.shape)} where "
        f"{shape_text(observed.want.shape)} was expected, and without {top} row(s) and {left} column(s) on each "
        f"side it is exactly the expected {observed.label}",
        f"your {observed.label} is larger than expected, and without an equal border on each side it is exactly "
        f"the expected {observed.label}")
