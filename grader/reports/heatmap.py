"""Small inline pictures of 2-D arrays for the HTML report: SVG heatmaps and PNG data URIs, numbers only."""

from __future__ import annotations

import base64
import math
import struct
import zlib

import numpy as np

MAX_SIDE = 64  # larger maps are cropped to their top-left corner
MAX_PIXELS = 200  # a map's longer side is drawn at most this wide (or tall)
MAX_CELL = 36
MAX_RECT_CELLS = 400  # up to 20x20 each cell is an SVG rect with a tooltip; beyond, one PNG image
MIN_CELL_FOR_NUMBERS = 30
_NEGATIVE = np.array([33, 102, 172], dtype=float)  # blue
_ZERO = np.array([247, 247, 247], dtype=float)
_POSITIVE = np.array([178, 24, 43], dtype=float)  # red
_NOT_FINITE = (150, 150, 150)


def as_matrix(values) -> np.ndarray | None:
    """A finite-or-not float matrix from nested lists, or None when the data is not a non-empty 2-D grid."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.ndim != 2 or array.size == 0:
        return None
    return array[:MAX_SIDE, :MAX_SIDE]


def symmetric_limit(*arrays: np.ndarray) -> float:
    """The largest finite |value| over all arrays (1 when all are zero), so 0 is always white."""
    largest = 0.0
    for array in arrays:
        finite = np.abs(array[np.isfinite(array)])
        if finite.size:
            largest = max(largest, float(finite.max()))
    return largest or 1.0


def diverging_rgb(values: np.ndarray, limit: float) -> np.ndarray:
    """(H, W, 3) uint8: blue for negative, near-white for 0, red for positive; grey where not finite."""
    finite = np.isfinite(values)
    t = np.clip(np.where(finite, values, 0.0) / limit, -1.0, 1.0)[..., None]
    colour = np.where(t < 0, _ZERO + (_NEGATIVE - _ZERO) * -t, _ZERO + (_POSITIVE - _ZERO) * t)
    colour[~finite] = _NOT_FINITE
    return np.rint(colour).astype(np.uint8)


def grayscale(values: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """(H, W) uint8 from low (black) to high (white), by default the array's own minimum and maximum."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    low = float(values.min()) if low is None else low
    high = float(values.max()) if high is None else high
    if high <= low:
        return np.full(values.shape, 128, dtype=np.uint8)
    return np.rint(np.clip((values - low) / (high - low), 0.0, 1.0) * 255.0).astype(np.uint8)


def png_data_uri(pixels: np.ndarray) -> str:
    """A data: URI of an 8-bit grayscale (H, W) or RGB (H, W, 3) PNG, written with zlib alone."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0
    rows = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def short_number(value: float) -> str:
    """At most about five characters, for printing inside a cell; the tooltip has the full value."""
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    size = abs(value)
    if size >= 1e4 or (0 < size < 0.01):
        return f"{value:.0e}"
    if value == int(value):
        return str(int(value))
    return f"{value:.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def cell_size(rows: int, cols: int) -> int:
    return max(3, min(MAX_CELL, MAX_PIXELS // max(rows, cols)))


def heatmap_svg(values: np.ndarray, limit: float, marks: np.ndarray | None = None) -> str:
    """An inline SVG heatmap of a 2-D array on the colour scale ±limit, with the cells where `marks` is true
    outlined by a dashed border (a shape, not a colour, so it reads without colour too). Only numbers go into it."""
    rows, cols = values.shape
    cell = cell_size(rows, cols)
    width, height = cols * cell, rows * cell
    finite = values[np.isfinite(values)]
    span = f"{finite.min():.4g} to {finite.max():.4g}" if finite.size else "no finite values"
    marked = 0 if marks is None else int(marks.sum())
    said = f", {marked} outlined as different" if marks is not None else ""
    head = (f'<svg class="heatmap" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{rows} by {cols} values, {span}{said}">')
    colours = diverging_rgb(values, limit)
    if rows * cols > MAX_RECT_CELLS:
        body = (f'<title>{rows}×{cols}, values {span}{said}</title><image width="{width}" height="{height}" '
                f'preserveAspectRatio="none" style="image-rendering:pixelated" '
                f'href="{png_data_uri(colours)}"/>')
        return head + body + _frame(width, height) + _outlines(marks, cell) + "</svg>"
    parts = [head]
    numbers = cell >= MIN_CELL_FOR_NUMBERS
    for r in range(rows):
        for c in range(cols):
            red, green, blue = (int(v) for v in colours[r, c])
            value = float(values[r, c])
            differs = " (differs)" if marks is not None and marks[r, c] else ""
            parts.append(f'<g><title>row {r}, col {c}: {value:.6g}{differs}</title>'
                         f'<rect x="{c * cell}" y="{r * cell}" width="{cell}" height="{cell}" '
                         f'fill="rgb({red},{green},{blue})"/>')
            if numbers:
                ink = "#fff" if math.isfinite(value) and abs(value) / limit > 0.6 else "#1f2328"
                parts.append(f'<text x="{c * cell + cell / 2:g}" y="{r * cell + cell / 2:g}" fill="{ink}" '
                             f'font-size="{cell * 0.3:.1f}" text-anchor="middle" dominant-baseline="central">'
                             f'{short_number(value)}</text>')
            parts.append("</g>")
    parts.append(_frame(width, height) + _outlines(marks, cell) + "</svg>")
    return "".join(parts)


def _outlines(marks: np.ndarray | None, cell: int) -> str:
    """One path outlining every marked cell: a white line under a dashed dark one, visible on any fill."""
    if marks is None or not marks.any():
        return ""
    inset = 1 if cell >= 6 else 0
    side = cell - 2 * inset
    path = "".join(f"M{c * cell + inset} {r * cell + inset}h{side}v{side}h{-side}Z" for r, c in np.argwhere(marks))
    thick = max(1, cell // 10)
    return (f'<path class="differs" d="{path}" fill="none" stroke="#fff" stroke-width="{thick + 1}"/>'
            f'<path class="differs" d="{path}" fill="none" stroke="#1f2328" stroke-width="{thick}" '
            f'stroke-dasharray="{max(2, cell // 5)} {max(1, cell // 10)}"/>')


def differing_cells(expected: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Where `got` is not close to `expected` within 1e-6 relative (to the value, or to the map's largest value
    for values near 0), so rounding noise is never outlined; NaN matches NaN."""
    scale = symmetric_limit(expected)
    return ~np.isclose(got, expected, rtol=1e-6, atol=1e-6 * scale, equal_nan=True)


def _frame(width: int, height: int) -> str:
    return f'<rect width="{width}" height="{height}" fill="none" stroke="#8c959f" stroke-width="1"/>'


def preview_maps(preview) -> list[dict]:
    """Expected, yours (one shared scale) and their difference, from evaluate's `details["preview"]`."""
    if not isinstance(preview, dict):
        return []
    expected, got = as_matrix(preview.get("expected")), as_matrix(preview.get("got"))
    if expected is None or got is None or expected.shape != got.shape:
        return []
    shared = symmetric_limit(expected, got)
    difference = got - expected
    spread = symmetric_limit(difference)
    return [
        {"svg": heatmap_svg(expected, shared), "label": "expected", "scale": f"±{shared:.3g}"},
        {"svg": heatmap_svg(got, shared), "label": "yours", "scale": f"±{shared:.3g}"},
        {"svg": heatmap_svg(difference, spread), "label": "yours − expected", "scale": f"±{spread:.3g}"},
    ]


def compared_maps(preview) -> tuple[list[dict], int, int]:
    """Expected and yours on one shared scale, the cells that differ outlined on both (unless all do), from
    `details["preview"]`; with how many cells differ, of how many."""
    if not isinstance(preview, dict):
        return [], 0, 0
    expected, got = as_matrix(preview.get("expected")), as_matrix(preview.get("got"))
    if expected is None or got is None or expected.shape != got.shape:
        return [], 0, 0
    shared = symmetric_limit(expected, got)
    marks = differing_cells(expected, got)
    outlined = marks if not marks.all() else None  # every cell outlined would hide the pattern and say nothing
    maps = [{"svg": heatmap_svg(expected, shared, outlined), "label": "expected", "scale": f"±{shared:.3g}"},
            {"svg": heatmap_svg(got, shared, outlined), "label": "yours", "scale": f"±{shared:.3g}"}]
    return maps, int(marks.sum()), int(marks.size)


def preview_caption(preview) -> str:
    """Which slice of the output the maps show, e.g. "sample 0, channel 0"."""
    index = preview.get("index") if isinstance(preview, dict) else None
    if not isinstance(index, list) or not all(isinstance(i, int) for i in index):
        return ""
    if len(index) > 2:
        return "index [" + ", ".join(map(str, index)) + ", :, :]"
    return ", ".join(f"{name} {i}" for name, i in zip(["sample", "channel"], index))
