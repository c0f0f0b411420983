# Attack: an ndarray subclass whose dtype, shape, nbytes, tobytes and __array__ lie, and whose
# __array_finalize__ and __reduce__ raise, returned in place of zeros.
import numpy as np


def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)



class Liar(np.ndarray):
    dtype = np.dtype("f8")
    nbytes = 8
    shape = (1,)

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __array_finalize__(self, obj):
        if obj is not None and getattr(obj, "armed", False):
            raise RuntimeError("finalize")

    def __reduce__(self):
        raise RuntimeError("reduce")

    def tobytes(self, *args, **kwargs):
        return b"\x00" * 8


def conv2d(x, weight, bias=None, stride=1, padding=0):
    out = np.zeros(_out_shape(x, weight, stride, padding)).view(Liar)
    out.armed = True
    return out
