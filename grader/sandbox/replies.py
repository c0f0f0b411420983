"""A worker's reply checked in the grader: learner code can write the reply itself, so every header field is
type-checked, cut to size and made printable, and every array is checked for dtype, rank and size before use."""

from __future__ import annotations

from ..results import printable
from .wire import WireError

MAX_REPLY_ARRAYS = 16
MAX_RANK = 32
MAX_DIMENSION = 1 << 31  # also bounds the numbers of a shape that a message quotes
ACCEPTED_KINDS = "biuf"  # bool, signed and unsigned integers, floats: nothing else is compared


def checked_header(header: dict) -> dict:
    """A reply header with every field the grader reads of the expected type and size (learner code can forge it)."""
    def text(value, limit: int) -> str:
        return printable(value[:limit]) if isinstance(value, str) else ""

    def number(value):
        return value if type(value) is int and abs(value) <= 1 << 62 else None
    if not isinstance(header.get("status"), str):
        raise WireError("the reply has no status")
    clean = {"status": text(header["status"], 40), "output": text(header.get("output"), 1 << 20)}
    error, info = header.get("error"), header.get("info")
    if error is not None:
        if not isinstance(error, dict):
            raise WireError("the reply's error is malformed")
        clean["error"] = {"type": text(error.get("type"), 100) or "Exception", "message": text(error.get("message"), 2000),
                          "traceback": text(error.get("traceback"), 4000), "line": number(error.get("line"))}
    if info is not None:
        if not isinstance(info, dict):
            raise WireError("the reply's output description is malformed")
        clean["info"] = {"kind": text(info.get("kind"), 20), "type": text(info.get("type"), 200) or "something else",
                         "dtype": text(info.get("dtype"), 100), "nbytes": max(0, number(info.get("nbytes")) or 0),
                         "shape": checked_shape(info.get("shape")),
                         **({"length": info["length"]} if number(info.get("length")) is not None else {})}
    return clean


def checked_shape(shape) -> list[int]:
    """A shape a message may quote: at most MAX_RANK whole numbers within 0..MAX_DIMENSION; [] (unknown) otherwise."""
    if not isinstance(shape, list) or len(shape) > MAX_RANK or \
            not all(type(n) is int and 0 <= n <= MAX_DIMENSION for n in shape):
        return []
    return shape


def array_problem(arrays: list) -> dict | None:
    """None when every returned array is one the grader compares; otherwise the `info` of a bad_output reply."""
    if len(arrays) > MAX_REPLY_ARRAYS:
        return {"kind": "wrong_type", "type": f"{len(arrays)} arrays", "length": len(arrays)}
    for array in arrays:
        shape = checked_shape(list(array.shape))
        if array.dtype.kind not in ACCEPTED_KINDS:
            return {"kind": "bad_dtype", "dtype": printable(str(array.dtype))[:100], "shape": shape}
        if len(shape) != array.ndim:  # over MAX_RANK dimensions, or one over MAX_DIMENSION (an empty array can)
            return {"kind": "bad_shape", "ndim": array.ndim}
    return None
