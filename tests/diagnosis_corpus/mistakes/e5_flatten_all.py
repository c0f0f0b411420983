# mistake: flattens with .flatten(), merging the batch too, so the linear layer sees one long vector
# expect: batch flattened too
import numpy as np


def cnn_forward(x, params):
    cw, cb, fw, fb = params["conv_w"], params["conv_b"], params["fc_w"], params["fc_b"]
    N, C, H, W = x.shape
    F, _, k1, k2 = cw.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    oh, ow = H + 3 - k1, W + 3 - k2
    y = np.zeros((N, F, oh, ow))
    for a in range(k1):
        for c in range(k2):
            y += np.einsum("nchw,fc->nfhw", xp[:, :, a:a + oh, c:c + ow], cw[:, :, a, c])
    y += cb[None, :, None, None]
    y = np.maximum(y, 0)
    ph, pw = oh // 2, ow // 2
    p = y[:, :, :2 * ph, :2 * pw].reshape(N, F, ph, 2, pw, 2).max(axis=(3, 5))
    v = p.flatten()
    return fw @ v + fb
