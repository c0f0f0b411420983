# mistake: applies np.flip(w, axis=-1) to each filter, mirroring it left to right
# expect: kernel reversed left to right
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    stride_h, stride_w = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    pad_h, pad_w = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * pad_h - KH) // stride_h + 1
    OW = (W + 2 * pad_w - KW) // stride_w + 1
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    w = np.flip(weight, axis=-1)
    out = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x_padded[:, :, i * stride_h:i * stride_h + KH, j * stride_w:j * stride_w + KW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
