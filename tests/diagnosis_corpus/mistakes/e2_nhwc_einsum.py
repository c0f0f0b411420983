# mistake: TensorFlow habit: the einsum writes the output as (N, OH, OW, F), channels last
# expect: channels last
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    KH, KW = weight.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(float)
    patches = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,fcij->nhwf", patches, weight)
    if bias is not None:
        out = out + bias  # the last axis is the filter axis here
    return out
