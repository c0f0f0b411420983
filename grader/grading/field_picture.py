"""The unscored picture of exercise 9 (receptive_field): the last layer's fields of outputs (0, 0) and (0, 1) drawn on
the input grid, the reference's beside the learner's, for one public case (the first the learner gets wrong, else the
last). A PNG built from numbers only, in the showcase panel's format (see showcase.py)."""

from __future__ import annotations

import numpy as np

from ..reports.heatmap import png_data_uri
from .inputs import call_parts, case_args

CALL_SECONDS = 5.0
MAX_CELLS = 48  # cells per side drawn at most; a larger field is cut at its bottom right
CANVAS = 160  # pixels per side of the square picture
INPUT, PADDING, GRID = (250, 250, 250), (205, 205, 205), (170, 170, 170)
FIRST, SECOND, BOTH = (66, 120, 220), (240, 150, 40), (140, 80, 170)  # output (0, 0), output (0, 1), both
LEGEND = ("the last layer's fields on the input: blue output (0, 0), orange its neighbour (0, 1), "
          "purple both, grey the padding before row and column 0")


def field_showcase(evaluator) -> dict:
    """`{"showcase": {...}}` for exercise 9, or {} when there is no public case or the function is not written."""
    public = [case for case in evaluator.exercise.cases if not case.hidden and case.check == "values"]
    chosen = None
    for case in public:
        args = case_args(evaluator.exercise, case, evaluator.seed)
        positional, keyword = call_parts(evaluator.exercise, args)
        expected = [np.asarray(part) for part in evaluator.reference(*positional, **keyword)]
        reply = evaluator.worker.call(positional, keyword, CALL_SECONDS)
        if reply.status == "not_implemented":
            return {}
        yours = _last_fields(reply.arrays, len(expected[0])) if reply.status == "ok" else None
        chosen = (case, expected, yours, reply.status)
        if yours is None or yours != _last_fields(expected, len(expected[0])):
            break  # the first case it gets wrong is the one worth drawing
    if chosen is None:
        return {}
    case, expected, yours, status = chosen
    reference = _last_fields(expected, len(expected[0]))
    problem = "" if yours is not None else (
        "your function failed on this case" if status != "ok" else
        "your size, jump and start could not be drawn: each must be an (L, 2) array of whole numbers, size >= 1")
    window = _window([reference] + ([yours] if yours is not None else []))
    row = {"label": LEGEND, "reference": _figure("reference", reference, window),
           "yours": None if yours is None else _figure("yours", yours, window)}
    return {"showcase": {"call": f"receptive_field(layers) of case “{case.name}”", "input": None,
                         "rows": [row], "problem": problem,
                         "note": "the reference's fields beside yours, on the same input grid"}}


def _last_fields(parts, layers: int):
    """((size_h, size_w), (jump_h, jump_w), (start_h, start_w)) of the last layer, or None if not drawable."""
    if parts is None or len(parts) != 3 or layers < 1:
        return None
    arrays = [np.asarray(part) for part in parts]
    if any(a.shape != (layers, 2) or a.dtype.kind not in "iuf" for a in arrays):
        return None
    rows = [a[-1].astype(float) for a in arrays]
    if not all(np.all(np.isfinite(r)) and np.all(r == np.round(r)) and np.all(np.abs(r) < 1e6) for r in rows):
        return None
    size, jump, start = (tuple(int(v) for v in r) for r in rows)
    return (size, jump, start) if min(size) >= 1 else None


def _spans(fields):
    """Rows and columns (first, last) of the fields of output (0, 0) and of output (0, 1)."""
    (size_h, size_w), (_, jump_w), (start_h, start_w) = fields
    rows = (start_h, start_h + size_h - 1)
    return rows, (start_w, start_w + size_w - 1), (start_w + jump_w, start_w + jump_w + size_w - 1)


def _window(all_fields) -> tuple[int, int, int]:
    """(first row, first column, cells per side): a square from one cell before the padding or the fields to one
    cell past them, at most MAX_CELLS wide."""
    rows, cols = [0], [0]
    for fields in all_fields:
        (r0, r1), first, second = _spans(fields)
        rows += [r0, r1]
        cols += [*first, *second]
    top, left = min(rows) - 1, min(cols) - 1
    side = max(max(rows) + 2 - top, max(cols) + 2 - left)
    return top, left, min(side, MAX_CELLS)


def _figure(label: str, fields, window) -> dict:
    top, left, side = window
    (r0, r1), first, second = _spans(fields)
    grid = np.zeros((side, side, 3), dtype=np.uint8)
    coords_r, coords_c = np.meshgrid(np.arange(top, top + side), np.arange(left, left + side), indexing="ij")
    grid[:] = INPUT
    grid[(coords_r < 0) | (coords_c < 0)] = PADDING
    in_rows = (coords_r >= r0) & (coords_r <= r1)
    in_first = in_rows & (coords_c >= first[0]) & (coords_c <= first[1])
    in_second = in_rows & (coords_c >= second[0]) & (coords_c <= second[1])
    grid[in_first], grid[in_second], grid[in_first & in_second] = FIRST, SECOND, BOTH
    (size_h, size_w), (jump_h, jump_w), (start_h, start_w) = fields
    return {"label": label, "shape": f"size {size_h}×{size_w}, jump {jump_h}×{jump_w}, start ({start_h}, {start_w})",
            "slice_shape": [side, side], "src": png_data_uri(_upscale(grid)), "style": "gray"}


def _upscale(grid: np.ndarray) -> np.ndarray:
    """Each cell a block of pixels with a one-pixel grid line, on a square canvas."""
    cell = max(3, CANVAS // grid.shape[0])
    big = np.repeat(np.repeat(grid, cell, axis=0), cell, axis=1)
    big[::cell, :] = GRID
    big[:, ::cell] = GRID
    return big
