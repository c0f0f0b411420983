# mistake: accumulates dweight from image 0 only (x_pad[0] and dout[0]), forgetting the sum over the batch
# expect: dweight from the first image only
import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    OH, OW = dout.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dx_pad = np.zeros_like(x_pad)
    dweight = np.zeros_like(weight)
    for i in range(OH):
        for j in range(OW):
            top, left = i * sh, j * sw
            window = x_pad[:, :, top:top + KH, left:left + KW]
            for f in range(F):
                dweight[f] += dout[0, f, i, j] * window[0]
                dx_pad[:, :, top:top + KH, left:left + KW] += dout[:, f, i, j][:, None, None, None] * weight[f]
    dbias = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, ph:ph + H, pw:pw + W], dweight, dbias
