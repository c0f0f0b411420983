"""A worker's reply checked in the grader: learner code can write the reply itself, so every header field is
type-checked, cut to size and made printable, and every array is checked for dtype, rank and size before use."""

from __future__ import annotations

from ..results import printable
from .wire import WireError

MAX_REPLY_ARRAYS = 16
MAX_RANK = 32
MAX_DIMENSION = 1 << 31  # also bounds the numbers of a shape that a message quotes
ACCEPTED_KINDS = "biuf"  # bool, signed and unsigned integers, floats: nothing else is compared
MAX_MUTATIONS = 8  # entries of a reply's "mutated" list (the worker's own limit too)
MUTATION_CHANGES = ("shape", "dtype", "values", "keys", "replaced", "length")
_MAX_PATH = 8


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
    mutated = checked_mutations(header.get("mutated"))
    if mutated:
        clean["mutated"] = mutated
    return clean


def checked_mutations(value) -> list[dict]:
    """The worker's list of changed inputs with every entry well formed; whatever is not is dropped, never raised.

    Each entry: "arg" (a position) or "name" (a keyword), "path" (keys and indexes inside it), "change" (one of
    MUTATION_CHANGES) and what that change quotes: "before"/"after" (a shape, dtype text or length), "count",
    "index", "was"/"now" (for values), "added"/"removed" (dict keys)."""
    if not isinstance(value, list):
        return []
    entries = (_checked_mutation(entry) for entry in value[:MAX_MUTATIONS])
    return [entry for entry in entries if entry is not None]


def _checked_mutation(entry) -> dict | None:
    if not isinstance(entry, dict) or entry.get("change") not in MUTATION_CHANGES:
        return None
    change = entry["change"]
    clean: dict = {"change": change}
    if _whole(entry.get("arg"), 1 << 16):
        clean["arg"] = entry["arg"]
    elif isinstance(entry.get("name"), str) and entry["name"]:
        clean["name"] = printable(entry["name"][:100])
    else:
        return None
    path = entry.get("path", [])
    if not isinstance(path, list) or len(path) > _MAX_PATH or not all(_key(step) is not None for step in path):
        return None
    clean["path"] = [_key(step) for step in path]
    if change == "shape":
        before, after = checked_shape(entry.get("before")), checked_shape(entry.get("after"))
    elif change == "dtype":
        before, after = (printable(entry.get(side)[:40]) if isinstance(entry.get(side), str) else ""
                         for side in ("before", "after"))
    elif change == "length":
        before, after = (entry.get(side) if _whole(entry.get(side), 1 << 62) else None for side in ("before", "after"))
    else:
        before = after = None
    if before not in (None, "", []) and after not in (None, "", []):
        clean.update(before=before, after=after)
    if change == "values":
        clean.update(_checked_values(entry))
    if change == "keys":
        for side in ("added", "removed"):
            keys = entry.get(side) if isinstance(entry.get(side), list) else []
            clean[side] = [key for key in map(_key, keys[:8]) if key is not None]
    return clean


def _checked_values(entry: dict) -> dict:
    clean: dict = {}
    if _whole(entry.get("count"), 1 << 62):
        clean["count"] = entry["count"]
    index = entry.get("index")
    if isinstance(index, list) and len(checked_shape(index)) == len(index):  # an index is a list like a shape's
        clean["index"] = index
    for side in ("was", "now"):
        value = entry.get(side)
        if type(value) in (bool, float) or (type(value) is int and abs(value) <= 1 << 64):
            clean[side] = value
    return clean


def _whole(value, limit: int) -> bool:
    return type(value) is int and 0 <= value <= limit


def _key(value):
    """A dict key or list index from the reply: bounded text or a whole number; None for anything else."""
    if isinstance(value, str):
        return printable(value[:100])
    if type(value) is int and abs(value) <= 1 << 62:
        return value
    return None


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
