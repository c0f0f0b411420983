# Attack: return arrays that are odd but numeric: a huge shape of size zero, a 0-d array, then a bool memmap on a
# file deleted meanwhile, seen through a negative-stride view.
import os
import numpy as np


def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)


calls = []


def conv2d(x, weight, bias=None, stride=1, padding=0):
    calls.append(1)
    shape = _out_shape(x, weight, stride, padding)
    if len(calls) == 1:
        return np.empty((2 ** 16, 0, 2 ** 16, 2 ** 16))
    if len(calls) == 2:
        return np.array(1.0)
    mapped = np.memmap("out.bin", dtype=bool, mode="w+", shape=shape)
    os.remove("out.bin")
    return mapped[::-1, ::-1, ::-1, ::-1]
