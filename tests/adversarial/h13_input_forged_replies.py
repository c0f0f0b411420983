# Writes its own replies (with the current request id): a header nested 200000 deep, arrays of str, datetime,
# structured and complex dtype, a 40-dimensional array, an empty array with a dimension of 2**55, too many arrays,
# and shapes made of huge or non-integer numbers; the grader must check all of it itself.
# modes: standard strict
import io
import json
import itertools
import os
import struct
import sys

import numpy as np


def _worker_frame():
    frame = sys._getframe()
    while frame is not None and "requests" not in frame.f_locals:
        frame = frame.f_back
    return frame


def _blob(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _forgeries():
    ok = {"status": "ok", "output": "", "info": {"kind": "ok", "count": 1}}
    digits = int("9" * 4000)
    return [
        (b"", [], "[" * 200000 + "]" * 200000),
        (ok, [np.array(["1.0", "2.0"])], None),
        (ok, [np.array(["2020-01-01"], dtype="datetime64[D]")], None),
        (ok, [np.zeros(3, dtype=[("a", "f8"), ("b", "i4")])], None),
        (ok, [np.zeros((2, 2), dtype=complex)], None),
        (ok, [np.zeros((1,) * 40)], None),
        (ok, [np.zeros((0, 1 << 55))], None),
        (ok, [np.zeros(1)] * 5000, None),
        ({"status": "bad_output", "output": "", "info": {"kind": "too_large", "nbytes": digits,
                                                          "shape": [digits, 10 ** 300, 1.5, -7, True] * 40}},
         [], None),
        ({"status": "bad_output", "output": "", "info": {"kind": "bad_dtype", "dtype": "x" * 10 ** 5,
                                                          "shape": [10 ** 18] * 30000}}, [], None),
    ]


def _send(replies, request_id, header, arrays, raw):
    blobs = [_blob(array) for array in arrays]
    if raw is not None:
        head = ('{"id": "%s", "status": "ok", "blobs": [], "x": %s}' % (request_id, raw)).encode()
    else:
        head = json.dumps(dict(header, id=request_id, blobs=[len(b) for b in blobs])).encode()
    message = memoryview(struct.pack(">Q", len(head)) + head + b"".join(blobs))
    while message:
        message = message[os.write(replies, message):]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Answers this request and every later one itself, each with the next forgery, until the grader hangs up."""
    frame = _worker_frame()
    requests, replies, read_message = frame.f_locals["requests"], frame.f_locals["replies"], frame.f_globals["read_message"]
    request_id = frame.f_locals["request_id"]
    start = sum(x.shape) + sum(weight.shape) + (bias is None)  # a protocol error respawns the worker: vary by case
    for number in itertools.count(start):
        _send(replies, request_id, *_forgeries()[number % len(_forgeries())])
        try:
            header, _ = read_message(requests)
        except EOFError:
            os._exit(0)
        request_id = header.get("id")
