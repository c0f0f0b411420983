# Attack: return an object array of the right shape whose elements lie about equality.
import numpy as np

def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)



class Yes:
    def __eq__(self, other): return True
    def __float__(self): return 0.0


def conv2d(x, weight, bias=None, stride=1, padding=0):
    out = np.empty(_out_shape(x, weight, stride, padding), dtype=object)
    out[...] = Yes()
    return out
