# Attack: flood stdout/stderr through print and raw file descriptors, then return zeros.
import os
import sys
import numpy as np

def _out_shape(x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    return (n, f, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)



def conv2d(x, weight, bias=None, stride=1, padding=0):
    for _ in range(20000):
        print('spam ' * 40)
        sys.stderr.write('err ' * 40 + chr(10))
    os.write(1, b'raw ' * 500000)
    return np.zeros(_out_shape(x, weight, stride, padding))
