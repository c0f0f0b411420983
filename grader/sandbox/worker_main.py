"""The worker: it imports the learner's file, then calls the learner's function for each request, until EOF.

Part of the worker's source (launch.WORKER_SOURCE), forked by the supervisor. Requests arrive on fd 0 and replies
leave on fd 1 in the wire format; what learner code prints is captured and sent back with each reply.
"""

import io
import os
import sys
import time

import numpy as np  # the worker's own copy, imported before the learner's folder is on sys.path

if __name__ != "__main__":  # imported by the grader; in the worker all pieces share one namespace (launch.py)
    from .limits import drop_root
    from .wire import encode_array, encode_message, read_message, unpack

# The input check's tools, bound before learner code runs: it can replace np.copy or np.not_equal, not these. A
# determined attacker can still hide a mutation (e.g. through __main__); it then keeps only the marks its correct
# values earn anyway, as it would have before this check.
_ndarray = np.ndarray
_not_equal, _isnan, _absolute, _subtract = np.not_equal, np.isnan, np.absolute, np.subtract
_count_nonzero, _unravel_index, _errstate = np.count_nonzero, np.unravel_index, np.errstate
MAX_MUTATIONS = 8
_MAX_DEPTH = 8  # containers inside arguments are followed this deep


def worker_main():
    workdir = os.getcwd()
    # Requests arrive on fd 0 and replies leave on fd 1; move both out of the learner's way and send the
    # learner's own fd-level output to a file the worker reads back after every call.
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    capture_fd = os.open(os.path.join(workdir, ".output"), os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    os.dup2(capture_fd, 1)
    os.dup2(capture_fd, 2)
    sys.meta_path.insert(0, _Blocker())
    sys.path.insert(0, workdir)
    sys.dont_write_bytecode = True  # the folder is thrown away after the grading: no __pycache__ to write there
    _run(requests, replies, workdir, capture_fd)


class _BoundedText(io.TextIOBase):
    """Stands in for sys.stdout/stderr: keeps the first `limit` characters, counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... [{self.dropped} more characters not shown]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


class _Blocker:
    """A meta-path finder that keeps the grader and the reference solutions out of learner code."""

    BLOCKED = ("grader", "solutions")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ImportError(f"'{name}' is not available to submissions")
        return None


def _describe_exception(err, tb, workdir):
    import traceback
    frames = [frame for frame in traceback.extract_tb(tb) if frame.filename.startswith(workdir)]
    lines = []
    for frame in frames[-6:]:
        name = os.path.basename(frame.filename)
        lines.append(f'  File "{name}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line}")
    try:
        text = str(err)
    except BaseException:
        text = "(the exception's message could not be read)"
    return {"type": type(err).__name__[:100], "message": text[:2000], "traceback": "\n".join(lines)[:4000],
            "line": frames[-1].lineno if frames else None}


def _describe_output(value, returns, max_bytes):
    """Check the learner's return value and turn it into something sendable."""
    if returns == "tuple":
        if not isinstance(value, (tuple, list)):
            return {"kind": "wrong_type", "type": type(value).__name__}, None
        parts = []
        for item in value:
            if isinstance(item, (np.generic, int, float)) and not isinstance(item, bool):
                item = np.asarray(item)  # a reduction such as np.sum(dout): a 0-d part, compared by its shape
            if not isinstance(item, np.ndarray):
                return {"kind": "wrong_type", "type": f"{type(value).__name__} holding a {type(item).__name__}",
                        "length": len(value)}, None
            parts.append(np.asarray(item))
        arrays = parts
    else:
        if not isinstance(value, np.ndarray):
            info = {"kind": "wrong_type", "type": type(value).__name__}
            if isinstance(value, (list, tuple)):
                info["length"] = len(value)
            return info, None
        arrays = [np.asarray(value)]
    for array in arrays:
        if array.dtype.kind not in "biuf":
            return {"kind": "bad_dtype", "dtype": str(array.dtype), "shape": list(array.shape)}, None
        if array.nbytes > max_bytes:
            return {"kind": "too_large", "shape": list(array.shape), "nbytes": int(array.nbytes)}, None
    return {"kind": "ok", "count": len(arrays)}, [np.asarray(a, order="C") for a in arrays]  # 0-d stays 0-d


def _run(requests, replies, workdir, capture_fd):
    out_text = _BoundedText(2000)

    def output_since(offset):
        text = out_text.take()
        size = os.fstat(capture_fd).st_size
        if size > offset:
            raw = os.pread(capture_fd, min(size - offset, 4000), offset).decode("utf-8", "replace")
            text += raw + (f"\n... [{size - offset - 4000} more bytes not shown]" if size - offset > 4000 else "")
        return text, size

    def reply(header, blobs=()):
        data = encode_message(dict(header, id=request_id), blobs)  # the id tells stale or forged replies apart
        view = memoryview(data)
        while view:
            written = os.write(replies, view)
            view = view[written:]

    header, _ = read_message(requests)
    request_id = header.get("id")
    if header.get("drop", True):
        drop_root(workdir)
    out_text.limit = int(header.get("output_chars", 2000))
    max_bytes = int(header.get("max_output_bytes", 64 << 20))
    returns = header.get("returns", "array")
    sys.stdout = sys.stderr = out_text
    offset = 0
    started = time.perf_counter()
    try:
        import importlib.util
        spec = importlib.util.spec_from_file_location("submission", os.path.join(workdir, header["file"]))
        module = importlib.util.module_from_spec(spec)
        sys.modules["submission"] = module
        spec.loader.exec_module(module)
        function = getattr(module, header["function"], None)
    except BaseException as err:
        text, offset = output_since(offset)
        kind = "syntax" if isinstance(err, SyntaxError) else "import"
        info = _describe_exception(err, err.__traceback__, workdir)
        if isinstance(err, SyntaxError):
            info.update(line=err.lineno, message=err.msg)
        reply({"status": kind, "error": info, "output": text})
        return
    text, offset = output_since(offset)
    if not callable(function):
        reply({"status": "missing", "output": text})
        return
    reply({"status": "loaded", "output": text, "seconds": time.perf_counter() - started})
    while True:
        try:
            header, arrays = read_message(requests)
        except EOFError:
            return
        request_id = header.get("id")
        args = unpack(header["args"], arrays)
        kwargs = unpack(header["kwargs"], arrays)
        pristine = _snapshot(args, kwargs)  # before the clock starts: the copy is not the learner's time
        started = time.perf_counter()
        try:
            value = function(*args, **kwargs)
            seconds = time.perf_counter() - started
            info, blobs = _describe_output(value, returns, max_bytes)
            del value
        except NotImplementedError as err:
            text, offset = output_since(offset)
            reply({"status": "not_implemented", "error": _describe_exception(err, err.__traceback__, workdir),
                   "output": text})
            continue
        except BaseException as err:  # SystemExit, KeyboardInterrupt and MemoryError are learner outcomes too
            text, offset = output_since(offset)
            reply({"status": "exception", "error": _describe_exception(err, err.__traceback__, workdir),
                   "output": text})
            continue
        mutated = _input_changes(pristine)
        pristine = None  # the copies' memory is needed for encoding the output
        text, offset = output_since(offset)
        extra = {"mutated": mutated} if mutated else {}
        if blobs is None:
            reply({"status": "bad_output", "info": info, "output": text, "seconds": seconds, **extra})
        else:
            reply({"status": "ok", "info": info, "output": text, "seconds": seconds, **extra},
                  [encode_array(array) for array in blobs])


# --- did the call change its inputs? ------------------------------------------------------------------------------

def _snapshot(args, kwargs):
    """(where, path, the caller's object, its pristine copy) for every array, dict and list among the arguments."""
    taken = []
    try:
        for position, value in enumerate(args):
            _remember(taken, {"arg": position}, [], value, 0)
        for name, value in kwargs.items():
            _remember(taken, {"name": name}, [], value, 0)
    except MemoryError:  # no room for the copies: the call still runs, unchecked
        return []
    return taken


def _remember(taken, where, path, value, depth):
    if isinstance(value, _ndarray):
        taken.append((where, path, value, _ndarray.copy(value)))
    elif isinstance(value, (dict, list, tuple)) and depth < _MAX_DEPTH:
        if not isinstance(value, tuple):  # a tuple cannot change, but the arrays in it can
            taken.append((where, path, value, type(value)(value)))
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            _remember(taken, where, path + [key], item, depth + 1)


def _input_changes(taken):
    """What the call changed in its arguments: at most MAX_MUTATIONS entries, [] when nothing changed."""
    found = []
    try:
        with _errstate(all="ignore"):  # the learner may have set np.seterr(all="raise")
            for where, path, original, pristine in taken:
                if isinstance(original, _ndarray):
                    changes = _array_changes(original, pristine)
                elif isinstance(original, dict):
                    changes = _dict_changes(original, pristine)
                else:
                    changes = _list_changes(original, pristine)
                for place, change in changes:
                    found.append(dict(where, path=path + place, **change))
                if len(found) >= MAX_MUTATIONS:
                    break
    except Exception:  # the arguments are the learner's objects by now: a check that fails reports what it has
        pass
    return found[:MAX_MUTATIONS]


def _array_changes(array, pristine):
    if array.dtype != pristine.dtype:
        return [([], {"change": "dtype", "before": str(pristine.dtype), "after": str(array.dtype)})]
    if array.shape != pristine.shape:
        return [([], {"change": "shape", "before": list(pristine.shape), "after": list(array.shape)})]
    if pristine.dtype.kind not in "biufc":
        same = _ndarray.tobytes(array) == _ndarray.tobytes(pristine)
        return [] if same else [([], {"change": "values"})]
    changed = _not_equal(array, pristine)
    if pristine.dtype.kind in "fc":
        changed &= ~(_isnan(array) & _isnan(pristine))  # NaN stays NaN: not a change
    count = int(_count_nonzero(changed))
    if not count:
        return []
    if pristine.dtype.kind in "fc":  # the largest change (a new NaN counts as largest) is the clearest evidence
        gap = _absolute(_subtract(array, pristine))
        gap[~changed] = 0
        flat = int(_ndarray.argmax(gap))
    else:
        flat = int(_ndarray.argmax(changed))
    change = {"change": "values", "count": count,
              "index": [int(i) for i in _unravel_index(flat, pristine.shape)]}
    for key, source in (("was", pristine), ("now", array)):
        value = _ndarray.item(source, flat)  # a flat index, whatever the layout
        if type(value) in (bool, int, float):
            change[key] = value
    return [([], change)]


def _dict_changes(mapping, pristine):
    keys = list(mapping)
    added = [_key_text(key) for key in keys if key not in pristine]
    removed = [_key_text(key) for key in pristine if key not in mapping]
    changes = [([], {"change": "keys", "added": added[:8], "removed": removed[:8]})] if added or removed else []
    return changes + [([key], {"change": "replaced"}) for key, value in pristine.items()
                      if key in mapping and mapping[key] is not value]


def _list_changes(items, pristine):
    if len(items) != len(pristine):
        return [([], {"change": "length", "before": len(pristine), "after": len(items)})]
    return [([position], {"change": "replaced"}) for position, value in enumerate(pristine)
            if items[position] is not value]


def _key_text(key):
    """A dict key as the reply can carry it: its own text or number, else its type."""
    if type(key) is str:
        return key[:100]
    if type(key) is int and abs(key) < 1 << 62:
        return key
    return f"<{type(key).__name__[:50]} key>"
