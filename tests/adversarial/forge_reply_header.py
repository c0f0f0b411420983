# Attack: walk up to the worker's frame, copy its current request id, and write a reply carrying that id whose
# fields have the wrong types (error a list, info a string), so the grader's message code trips over them.
import json
import os
import stat
import struct
import sys


def _request_id():
    frame = sys._getframe()
    while frame is not None:
        if "request_id" in frame.f_locals:
            return frame.f_locals["request_id"]
        frame = frame.f_back
    return None


def conv2d(x, weight, bias=None, stride=1, padding=0):
    forged = {"status": "exception", "error": ["not", "a", "dict"], "info": "nope", "id": _request_id(),
              "output": {"x": 1}, "blobs": []}
    head = json.dumps(forged).encode()
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, struct.pack(">Q", len(head)) + head)
        except OSError:
            pass
    raise RuntimeError("the forged reply should have been read instead")
