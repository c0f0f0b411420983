# mistake: computes the feature maps of x[0] and assigns them to every image of the batch
# expect: only the first image is right
import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    img = np.pad(x[0], ((0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, OH, OW))
    for f in range(F):
        for i in range(OH):
            for j in range(OW):
                out[:, f, i, j] = np.sum(img[:, i * sh:i * sh + KH, j * sw:j * sw + KW] * weight[f])
    if bias is not None:
        out += bias[None, :, None, None]
    return out
