# Attack: return an array of the right shape filled with NaN (NaN never compares equal, and must never pass).
import numpy as np

def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)



def conv2d(x, weight, bias=None, stride=1, padding=0):
    return np.full(_out_shape(x, weight, stride, padding), np.nan)
