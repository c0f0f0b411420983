"""The wire format grader and worker speak: a length, a JSON header, then raw `.npy` blobs; never pickles.

Both sides use this module, the worker as part of its source (launch.WORKER_SOURCE). NumPy is imported only inside
the functions that handle arrays, so the grader can start a worker before it has imported NumPy itself.
"""

import io
import json
import re
import struct
import weakref

if __name__ != "__main__":  # in the worker, all pieces share one namespace (launch.py)
    from .known_functions import KnownFunction, UnknownFunction, known_function

HEADER_LENGTH = struct.Struct(">Q")  # the header's size in bytes, before the header
MAX_HEADER_BYTES = 1 << 20
MAX_HEADER_DEPTH = 64  # JSON nesting: deeper headers are refused (JSON's own recursion limit is caught too)


class WireError(Exception):
    """A message that is malformed or larger than the reader allows."""


def pack(value, blobs):
    """Turn a value into a JSON-able tree; arrays go to `blobs` as .npy bytes."""
    import numpy as np
    if isinstance(value, np.ndarray):
        blobs.append(encode_array(value))
        return {"$array": len(blobs) - 1}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, KnownFunction):  # a function travels as its name in the fixed table
        return {"$function": value.name}
    if isinstance(value, tuple):
        return {"$tuple": [pack(item, blobs) for item in value]}
    if isinstance(value, list):
        return [pack(item, blobs) for item in value]
    if isinstance(value, dict):
        return {"$dict": {str(key): pack(item, blobs) for key, item in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot send a {type(value).__name__}")


def unpack(tree, arrays):
    if isinstance(tree, dict):
        if "$array" in tree:
            return arrays[tree["$array"]]
        if "$tuple" in tree:
            return tuple(unpack(item, arrays) for item in tree["$tuple"])
        if "$dict" in tree:
            return {key: unpack(item, arrays) for key, item in tree["$dict"].items()}
        if "$function" in tree:
            try:
                return known_function(tree["$function"])
            except UnknownFunction as err:
                raise WireError(str(err)) from None
        raise WireError("unknown value in message")
    if isinstance(tree, list):
        return [unpack(item, arrays) for item in tree]
    return tree


def encode_message(header, blobs=()):
    header = dict(header, blobs=[len(blob) for blob in blobs])
    head = json.dumps(header).encode("utf-8")
    return b"".join([HEADER_LENGTH.pack(len(head)), head, *blobs])


def nesting_depth(tree):
    """How deeply arrays and objects nest in a decoded JSON tree (walked without recursion)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def decode_header(head_bytes):
    try:
        header = json.loads(head_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WireError("the message header is not JSON") from None
    # no deeper than it has brackets (those inside strings only add to the count): most headers need no walk
    if head_bytes.count(b"[") + head_bytes.count(b"{") > MAX_HEADER_DEPTH and nesting_depth(header) > MAX_HEADER_DEPTH:
        raise WireError("the message header nests too deeply")
    if not isinstance(header, dict) or not isinstance(header.get("blobs"), list) or \
            not all(isinstance(n, int) and n >= 0 for n in header["blobs"]):
        raise WireError("the message header is malformed")
    return header


_ENCODED = {}  # id -> (weak reference, bytes) of read-only arrays that own their data: they cannot change
_ENCODED_LIMIT = 1024


def encode_array(array):
    """The array as .npy bytes. A read-only array that owns its data (a remembered case input, sent to every learner
    of a batch) is encoded once."""
    import numpy as np
    fixed = not array.flags.writeable and array.base is None
    if fixed:
        kept = _ENCODED.get(id(array))
        if kept is not None and kept[0]() is array:
            return kept[1]
    blob = _plain_npy(array)
    if blob is None:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        blob = buffer.getvalue()
    if fixed:
        if len(_ENCODED) >= _ENCODED_LIMIT:
            _ENCODED.pop(next(iter(_ENCODED)))
        key = id(array)
        _ENCODED[key] = (weakref.ref(array, lambda _, key=key: _ENCODED.pop(key, None)), blob)
    return blob


def _plain_npy(array):
    """Exactly what np.save writes (format 1.0) for a plain numeric array, without its general header writer (most
    of the cost of a reply's small arrays); None for any other array, which np.save then writes."""
    dtype = array.dtype
    if dtype.kind not in "biufc" or dtype.fields is not None or dtype.subdtype is not None or dtype.metadata:
        return None
    fortran = array.flags.f_contiguous and not array.flags.c_contiguous
    header = f"{{'descr': '{dtype.str}', 'fortran_order': {fortran}, 'shape': {array.shape!r}, }}"
    if array.shape:  # np.save leaves room for the growing axis to gain digits
        header += " " * (21 - len(repr(array.shape[-1 if fortran else 0])))
    size = len(header) + 1
    size += -(10 + size) % 64  # magic, version and length, then the header: a multiple of 64 bytes
    if size > 0xFFFF:
        return None
    head = b"\x93NUMPY\x01\x00" + struct.pack("<H", size) + header.encode("latin1").ljust(size - 1) + b"\n"
    return head + array.tobytes(order="F" if fortran else "C")


# The header np.save writes for a plain numeric array: descr, order and shape, padded with spaces to a newline.
_PLAIN_NPY = re.compile(rb"\{'descr': '([<>|][biufc][0-9]{1,2})', 'fortran_order': (False|True), "
                        rb"'shape': (\(\)|\([0-9]+,\)|\([0-9]+(?:, [0-9]+)+\)), \} *\n")


def load_array(blob):
    import numpy as np
    plain = _load_plain(blob, np)
    if plain is not None:
        return plain
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as err:  # any malformed .npy is the sender's fault, whatever NumPy raises
        raise WireError(f"an array in the message is malformed ({type(err).__name__})") from None
    if not isinstance(array, np.ndarray):
        raise WireError("an array in the message is malformed")
    return array


def _load_plain(blob, np):
    """A version 1.0 .npy of a plain numeric array, read without np.load's header parser (it compiles the header as
    Python, most of the cost of a small array); None for anything else, which np.load then reads or refuses."""
    if len(blob) < 10 or blob[:8] != b"\x93NUMPY\x01\x00":
        return None
    start = 10 + int.from_bytes(blob[8:10], "little")
    found = _PLAIN_NPY.fullmatch(blob, 10, start)
    if found is None:
        return None
    dtype = np.dtype(found.group(1).decode("ascii"))
    shape = tuple(int(part) for part in found.group(3)[1:-1].split(b",") if part)
    count = 1
    for size in shape:
        count *= size
    if count * dtype.itemsize != len(blob) - start:
        return None
    array = np.frombuffer(blob, dtype=dtype, count=count, offset=start)
    return array.reshape(shape, order="F" if found.group(2) == b"True" else "C").copy(order="K")


def _read_exact(stream, size):
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream):
    """Blocking read used by the worker (the grader reads with deadlines, in client.py)."""
    (size,) = HEADER_LENGTH.unpack(_read_exact(stream, HEADER_LENGTH.size))
    header = decode_header(_read_exact(stream, size))
    arrays = [load_array(_read_exact(stream, n)) for n in header["blobs"]]
    return header, arrays
