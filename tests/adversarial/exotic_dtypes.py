# Attack: return arrays whose dtype is not a plain number but whose shape is right: structured records, complex
# numbers, datetimes, raw bytes (each case gets the next kind).
import numpy as np


def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)


KINDS = [np.dtype([("value", "f8"), ("pass", "?")]), np.complex128, "datetime64[s]", "V8", "U3"]
calls = []


def conv2d(x, weight, bias=None, stride=1, padding=0):
    calls.append(1)
    return np.zeros(_out_shape(x, weight, stride, padding), dtype=KINDS[(len(calls) - 1) % len(KINDS)])
