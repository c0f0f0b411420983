"""Where a same-shaped output is wrong: nowhere written (all zeros), only the last row or column, only a border
ring, everything but the first image (or channel), or every window shifted by one. A wrong region that fits none
of these is left alone: its cause is not visible in the output."""

from __future__ import annotations

import numpy as np

from .model import Diagnosis
from .observed import AXIS_NOUNS, Observed, index_text, number

MIN_WRONG_CELLS = 3  # fewer wrong positions than this are not a pattern
MIN_SIDE_SHARE = 0.5  # an edge counts as wrong when at least this share of its cells is wrong
MIN_INSIDE_CELLS = 4  # a matching inside smaller than this says little
MIN_SHIFT_OVERLAP = 8  # values compared after a shift; fewer could agree by chance


def all_zeros(observed: Observed) -> Diagnosis | None:
    want, have = observed.want, observed.have
    if have.size == 0 or np.any(have != 0):
        return None
    nonzero = ~observed.close(np.zeros_like(want), want)
    if nonzero.sum() < 2:
        return None
    if observed.gradient:
        explanation = ("Nothing reached the array you return: the values were probably written into a copy (fancy "
                       "indexing like a[mask][...] = ... or a[[i]] += ... copies) or into an array that was then "
                       "thrown away. Add them into the array you return, with plain slices.")
    else:
        explanation = ("Nothing was written into the array you return, or it was reset afterwards: check that the "
                       "loop assigns into that array (out[...] = ...) and that nothing replaces it before the return.")
    index = observed.worst_index()
    return observed.found(
        "all zeros", explanation,
        f"every value of your {observed.label} is 0, but {int(nonzero.sum())} of the {want.size} expected values "
        f"are not, e.g. expected {_value(observed, index)}",
        f"every value of your {observed.label} is 0, but the expected one is not")


def region_finding(observed: Observed) -> Diagnosis | None:
    want, have = observed.want, observed.have
    if have.size == 0 or not observed.varied(want):
        return None
    wrong = ~observed.close(have, want)
    for analysis in (_last_row_or_column, _border, _first_entry_only, _shifted):
        found = analysis(observed, wrong)
        if found is not None:
            return found
    return None


def _value(observed: Observed, index: tuple[int, ...]) -> str:
    return f"{number(observed.want[index])} at index {index_text(index)}"


def _spatial_map(observed: Observed, wrong: np.ndarray) -> np.ndarray | None:
    """Which (row, column) positions are wrong in any image or channel; None unless the last two axes are
    spatial and big enough to have an inside and an edge."""
    if not observed.spatial() or min(wrong.shape[-2:]) < 3:
        return None
    return wrong.any(axis=tuple(range(wrong.ndim - 2))) if wrong.ndim > 2 else wrong


# --- the last row or column ---------------------------------------------------------------------------------------

def _last_row_or_column(observed: Observed, wrong: np.ndarray) -> Diagnosis | None:
    cells = _spatial_map(observed, wrong)
    if cells is None or cells.sum() < MIN_WRONG_CELLS:
        return None
    inside = cells[:-1, :-1]
    row, column = cells[-1, :], cells[:, -1]
    if inside.any():
        return None
    row_wrong, column_wrong = row.mean() >= MIN_SIDE_SHARE, column.mean() >= MIN_SIDE_SHARE
    if not (row_wrong or column_wrong) or (row[:-1].any() and not row_wrong) \
            or (column[:-1].any() and not column_wrong):
        return None
    which = {(True, True): "the last row and the last column", (True, False): "the last row",
             (False, True): "the last column"}[(bool(row_wrong), bool(column_wrong))]
    region = np.zeros(cells.shape, dtype=bool)
    region[-1, :] |= row_wrong
    region[:, -1] |= column_wrong
    zeros = bool(np.all(observed.have[..., region] == 0))
    state = "all zeros there" if zeros else "wrong there"
    explanation = _last_explanation(bool(row_wrong), bool(column_wrong), zeros)
    index = observed.worst_index(wrong)
    return observed.found(
        "last row or column wrong", explanation,
        f"everything matches except {which}, {state}: {observed.example(index)}",
        f"everything matches except {which}, {state}")


def _last_explanation(row: bool, column: bool, zeros: bool) -> str:
    loops = " and ".join(word for word, on in (("rows", row), ("columns", column)) if on)
    ranges = " and ".join(code for code, on in (("range(OH)", row), ("range(OW)", column)) if on)
    if zeros:
        return (f"Your loop over output {loops} probably stops one short — range(OH - 1), or a count of H - KH "
                f"without the + 1 — so the last one is never computed. Loop over {ranges}, with "
                "OH = (H + 2·pad − KH) // stride + 1 (the same for OW).")
    return (f"The last of your output {loops} is not computed like the others. Probably your loop stops one short "
            f"(range(OH - 1), or H - KH without the + 1), and np.empty left leftover values there; or the last "
            f"window is cut short. Loop over {ranges} and give every window its full size.")


# --- a border ring ------------------------------------------------------------------------------------------------

def _border(observed: Observed, wrong: np.ndarray) -> Diagnosis | None:
    cells = _spatial_map(observed, wrong)
    if cells is None or cells.sum() < MIN_WRONG_CELLS:
        return None
    rows, cols = cells.shape
    row_index, col_index = np.indices(cells.shape)
    depth = np.minimum.reduce([row_index, col_index, rows - 1 - row_index, cols - 1 - col_index])
    width = int(depth[cells].max()) + 1
    bands = {"top": cells[:width, :], "bottom": cells[rows - width:, :],
             "left": cells[:, :width], "right": cells[:, cols - width:]}
    sides = [side for side, band in bands.items() if band.mean() >= MIN_SIDE_SHARE]
    covered = np.zeros(cells.shape, dtype=bool)
    for side, rows_taken, cols_taken in (("top", slice(0, width), slice(None)),
                                         ("bottom", slice(rows - width, None), slice(None)),
                                         ("left", slice(None), slice(0, width)),
                                         ("right", slice(None), slice(cols - width, None))):
        covered[rows_taken, cols_taken] |= side in sides
    if not sides or (cells & ~covered).any():
        return None  # some wrong cell lies outside the wrong edges
    one_side = set(sides) <= {"top", "left"} or set(sides) <= {"bottom", "right"}
    if not one_side and not ({"top", "bottom"} <= set(sides) or {"left", "right"} <= set(sides)):
        return None
    # the rectangle left when the wrong edges are cut off holds no wrong cell
    first_row, last_row = (width if "top" in sides else 0), rows - 1 - (width if "bottom" in sides else 0)
    first_col, last_col = (width if "left" in sides else 0), cols - 1 - (width if "right" in sides else 0)
    inside = observed.want[..., first_row:last_row + 1, first_col:last_col + 1]
    if (last_row - first_row + 1) * (last_col - first_col + 1) < MIN_INSIDE_CELLS or not observed.varied(inside):
        return None
    zeros = bool(np.all(observed.have[..., (depth < width) & cells] == 0))
    example = observed.example(observed.worst_index(wrong))
    matching = f"rows {first_row}–{last_row} and columns {first_col}–{last_col}"
    if one_side:
        edges = " and ".join(sides) + (" edges differ" if len(sides) > 1 else " edge differs")
        return observed.found(
            "border wrong on one side", _one_side_explanation(sides, zeros),
            f"{matching} match; only the {edges}, {width} deep: {example}",
            f"the rest matches; only the {edges}")
    return observed.found(
        "border wrong", _border_explanation(observed, zeros),
        f"{matching} (the inside) match; the outer ring of width {width} differs: {example}",
        "the inside matches; only an outer ring along the edges differs")


_ZEROS = ("Those values are 0: either padded zeros won a max (pad with -inf for max pooling, so that a padded cell "
          "never wins), or they were never written (your loops must cover every row and column, from the first "
          "to the last).")


def _border_explanation(observed: Observed, zeros: bool) -> str:
    if zeros:
        return "Only the values near the edges are wrong. " + _ZEROS
    if observed.gradient:
        return ("Only the values near the edges are wrong, and those are the ones padding touches: pad by the "
                "amount given on every side, with what the forward pass pads with (-inf for max pooling, so a "
                "padded cell never wins), and cut exactly that amount off every side of the padded gradient.")
    return ("Only the values near the edges are wrong, and those are the ones padding touches: pad by exactly the "
            "amount given on every side — with zeros for a convolution, with -inf for max pooling so that a padded "
            "cell never wins.")


def _one_side_explanation(sides: list[str], zeros: bool) -> str:
    edges = " and ".join(sides) + (" edges" if len(sides) > 1 else " edge")
    wrong = f"Only the {edges} {'are' if len(sides) > 1 else 'is'} wrong"
    if zeros:
        return f"{wrong}. {_ZEROS} Padding goes on both sides in equal amounts."
    return (f"{wrong}, where the windows reach into the padding. Pad both sides by the same amount, e.g. np.pad "
            "with (pad_h, pad_h) and (pad_w, pad_w) on the last two axes, with the right value: zeros for a "
            "convolution, -inf for max pooling so that a padded cell never wins.")


# --- only the first image (or channel) ---------------------------------------------------------------------------

def _first_entry_only(observed: Observed, wrong: np.ndarray) -> Diagnosis | None:
    for axis in (0, 1):
        if wrong.ndim < axis + 2 or wrong.shape[axis] < 2:
            continue
        per_entry = np.moveaxis(wrong, axis, 0).reshape(wrong.shape[axis], -1)
        if per_entry[0].any() or per_entry[0].size < 4 or per_entry[1:].mean(axis=1).min() < 0.5:
            continue  # entry 0 right, and every other entry mostly wrong
        first = np.moveaxis(observed.want, axis, 0)[0]
        if observed.varied(first, 3):
            return _first_entry_found(observed, axis, wrong)
    return None


def _first_entry_found(observed: Observed, axis: int, wrong: np.ndarray) -> Diagnosis:
    names = observed.axes()
    noun = AXIS_NOUNS.get(names[axis]) if names else None
    others = np.moveaxis(observed.have, axis, 0)[1:]
    zeros = bool(np.all(others == 0))
    if noun:
        name = f"only the first {noun} is right"
        what = f"{noun} 0 matches; every other {noun} differs"
        loop = f"the loop over {noun}s"
    else:
        name = "only the first entry is right"
        what = f"entry 0 along axis {axis} matches; every other entry along it differs"
        loop = f"the loop over axis {axis}"
    state = ", and they are all 0" if zeros else ""
    if zeros:
        explanation = (f"Only the first was ever written: {loop} is missing, or a return sits inside it "
                       "(indented one level too deep). Fill every entry before returning.")
    else:
        explanation = (f"The others are computed, but wrongly: in {loop}, check that every read and write uses "
                       "the loop variable, not a fixed 0.")
    index = observed.worst_index(wrong)
    return observed.found(name, explanation, f"{what}{state}: {observed.example(index)}", f"{what}{state}")


# --- every window shifted by one ---------------------------------------------------------------------------------

def _shifted(observed: Observed, wrong: np.ndarray) -> Diagnosis | None:
    if observed.gradient or not observed.spatial() or wrong.mean() < 0.5:
        return None  # a shift moves (nearly) every value; in a gradient, broken ties can move values too
    want, have = observed.want, observed.have
    for rows, cols in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)):
        mine, theirs = _overlap(have.shape, rows, cols)
        if want[theirs].size < MIN_SHIFT_OVERLAP or want[theirs].size * 2 < want.size:
            continue
        if not observed.same(have[mine], want[theirs]) or not observed.varied(want[theirs]):
            continue
        if np.mean(want[theirs] != 0) < 0.5:
            continue  # a sparse output (a max-pool gradient) also moves when a tie is broken the other way
        if observed.same(have[mine], want[mine]):
            continue  # the unshifted values agree as well: the shift is not what tells them apart
        return _shift_found(observed, rows, cols)
    return None


def _overlap(shape: tuple[int, ...], rows: int, cols: int) -> tuple[tuple, tuple]:
    """Index of the learner's part and of the expected part it should equal when the learner's (i, j) holds the
    expected (i + rows, j + cols)."""
    def along(step: int) -> tuple[slice, slice]:
        if step > 0:
            return slice(0, -step), slice(step, None)
        if step < 0:
            return slice(-step, None), slice(0, step)
        return slice(None), slice(None)
    mine_rows, their_rows = along(rows)
    mine_cols, their_cols = along(cols)
    return (Ellipsis, mine_rows, mine_cols), (Ellipsis, their_rows, their_cols)


def _shift_found(observed: Observed, rows: int, cols: int) -> Diagnosis:
    moves = []
    if rows:
        moves.append(("one row", "up" if rows > 0 else "down", f"i {'+' if rows > 0 else '-'} 1"))
    if cols:
        moves.append(("one column", "left" if cols > 0 else "right", f"j {'+' if cols > 0 else '-'} 1"))
    moved = " and ".join(f"{amount} {direction}" for amount, direction, _ in moves)
    source = ", ".join(code for _, _, code in moves)
    late = rows > 0 or cols > 0
    explanation = ("Output (i, j) uses the window starting at row i·stride and column j·stride. "
                   + ("Yours start one step too far: an index off by one, or padding added on one side only "
                      "(pad before and after equally)." if late else
                      "Yours start one step too early: an index off by one, e.g. a window starting at i - 1."))
    mine = (0,) * (observed.have.ndim - 2) + (max(-rows, 0), max(-cols, 0))
    theirs = mine[:-2] + (mine[-2] + rows, mine[-1] + cols)
    return observed.found(
        "windows shifted by one", explanation,
        f"your values are the expected ones moved {moved}: your position (i, j) holds the expected ({source}), "
        f"e.g. your {number(observed.have[mine])} at index {index_text(mine)} is the expected value at index "
        f"{index_text(theirs)}",
        f"your values are the expected ones moved {moved}")
