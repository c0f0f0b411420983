"""The unscored "see it on a real image" panel: the learner's function and the reference on a small picture."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..reports.heatmap import diverging_rgb, grayscale, png_data_uri, symmetric_limit
from ..spec.model import Exercise

PICTURE_SIDE = 40
CALL_SECONDS = 5.0
SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])  # responds to vertical edges


def picture(side: int = PICTURE_SIDE) -> np.ndarray:
    """A deterministic grayscale scene in [0, 1]: a lit square, a disc and a bar on a soft gradient."""
    rows, cols = np.mgrid[0:side, 0:side] / side
    image = 0.15 + 0.2 * rows
    image[(rows >= 0.15) & (rows < 0.45) & (cols >= 0.12) & (cols < 0.42)] = 0.95
    image[(rows - 0.62) ** 2 + (cols - 0.66) ** 2 < 0.2 ** 2] = 0.7
    image[(rows >= 0.8) & (rows < 0.9) & (cols >= 0.08) & (cols < 0.5)] = 0.05
    return image


@dataclass(frozen=True)
class Demo:
    """How one entry point is shown: its call on the picture and which 2-D slices of the output to draw."""

    call: str  # shown to the learner, e.g. "conv2d(picture, sobel, padding=1)"
    positional: tuple
    keyword: dict
    views: tuple  # (label, index into the output, "signed" | "gray")


def _demos(image: np.ndarray) -> dict[str, Demo]:
    batch = image[None, None]
    sobel = np.stack([SOBEL_X, SOBEL_X.T])[:, None]  # (2, 1, 3, 3): vertical and horizontal edges
    return {
        "conv2d_single": Demo("conv2d_single(picture, sobel_x)", (image, SOBEL_X), {},
                              (("vertical edges", (), "signed"),)),
        "conv2d": Demo("conv2d(picture, sobel)", (batch, sobel), {},
                       (("filter 0: vertical edges", (0, 0), "signed"),
                        ("filter 1: horizontal edges", (0, 1), "signed"))),
        "maxpool2d": Demo("maxpool2d(picture, 2)", (batch, 2), {},
                          (("2×2 max pooling", (0, 0), "gray"),)),
    }


def demo_for(exercise: Exercise, image: np.ndarray) -> Demo | None:
    """The picture demo of this exercise's entry point, if it has one that its signature can take."""
    demo = _demos(image).get(exercise.entry.name)
    return demo if demo is not None and _fits(exercise, demo) else None


def _fits(exercise: Exercise, demo: Demo) -> bool:
    params = exercise.entry.params
    names = {param.name for param in params}
    required = sum(param.required for param in params)
    return exercise.entry.returns == "array" and required == len(demo.positional) <= len(params) \
        and set(demo.keyword) <= names


def run_showcase(evaluator) -> dict:
    """`{"showcase": {...}}` for GradeResult.extras, or {} when the exercise has no picture demo or the file
    never imported. Unscored: nothing here changes a case result."""
    exercise = evaluator.exercise
    image = picture()
    demo = demo_for(exercise, image)
    drawn_fields = exercise.entry.name == "receptive_field" and exercise.entry.returns == "tuple"
    if demo is None and not drawn_fields:
        return {}
    if evaluator.worker.wait_loaded().status != "loaded":
        return {}
    if drawn_fields:  # exercise 9: its fields drawn on the input grid
        from .field_picture import field_showcase
        return field_showcase(evaluator)
    expected = np.asarray(evaluator.reference(*demo.positional, **demo.keyword))
    panel = {"call": demo.call, "input": _figure("input", image, "gray", (0.0, 1.0), demo.positional[0].shape),
             "rows": [], "problem": ""}
    reply = evaluator.worker.call(list(demo.positional), dict(demo.keyword), CALL_SECONDS)
    if reply.status == "not_implemented":
        return {}
    yours, problem = None, ""
    if reply.status != "ok" or not reply.arrays:
        problem = f"your function failed on the picture: {_reason(reply, evaluator.failures.at_line)}"
    else:
        yours = np.asarray(reply.arrays[0])
        if yours.shape != expected.shape:
            problem = (f"on the picture your output has shape {_shape(yours.shape)}; "
                       f"the reference's is {_shape(expected.shape)}.")
    panel["problem"] = problem
    for label, index, style in demo.views:
        want = expected[index]
        have = _slice(yours, index) if yours is not None else None
        both = (want,) if have is None else (want, have)  # one scale for both, so a wrong size of values shows
        scale = (symmetric_limit(*both),) if style == "signed" else _range(*both)
        panel["rows"].append({"label": label,
                              "reference": _figure("reference", want, style, scale, expected.shape),
                              "yours": None if have is None else _figure("yours", have, style, scale, yours.shape)})
    return {"showcase": panel}


def _range(*arrays: np.ndarray) -> tuple[float, float]:
    finite = [a[np.isfinite(a)] for a in arrays]
    values = np.concatenate([f.ravel() for f in finite]) if finite else np.zeros(1)
    return (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)


def _slice(output: np.ndarray, index: tuple) -> np.ndarray | None:
    if output.ndim != len(index) + 2 or any(i >= n for i, n in zip(index, output.shape)):
        return None
    part = np.asarray(output[index], dtype=float)
    return part if 0 < part.size and max(part.shape) <= 256 else None


_DRAWN: dict = {}  # (style, scale, shape, dtype, values' bytes) -> its PNG: a batch draws the same pictures again
_DRAWN_LIMIT = 64


def _figure(label: str, values: np.ndarray, style: str, scale: tuple = (), shape=None) -> dict:
    key = (style, scale, values.shape, values.dtype.str, values.tobytes())
    src = _DRAWN.get(key)
    if src is None:  # the input always, the reference's rows and a right answer's usually, are drawn already
        pixels = diverging_rgb(values, *scale) if style == "signed" else grayscale(values, *scale)
        src = png_data_uri(pixels)
        if len(_DRAWN) >= _DRAWN_LIMIT:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = src
    return {"label": label, "shape": _shape(values.shape if shape is None else shape),
            "slice_shape": list(values.shape), "src": src, "style": style}


def _shape(shape) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _reason(reply, at_line: Callable[[dict], str]) -> str:
    """What went wrong; `at_line` says where an exception was raised (" on line 12", " in cell 4, line 2")."""
    error = reply.header.get("error") or {}
    if reply.status == "exception":
        return f"{error.get('type', 'Exception')}{at_line(error)}: {error.get('message', '')}".strip()
    if reply.status == "timeout":
        return "it did not finish in time"
    if reply.status == "bad_output":
        return f"it returned {(reply.header.get('info') or {}).get('type', 'something other than an array')}"
    return reply.detail or reply.status
