# mistake: goes straight from the ReLU to flatten, skipping the 2x2 max pool: the sizes no longer fit fc_w
# expect: pooling missing
import numpy as np


def cnn_forward(x, params):
    conv_w, conv_b = params["conv_w"], params["conv_b"]
    N, C, H, W = x.shape
    F, _, KH, KW = conv_w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
    feat = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    feat[n, f, i, j] = np.sum(x_pad[n, :, i:i + KH, j:j + KW] * conv_w[f]) + conv_b[f]
    feat = np.maximum(feat, 0)
    flat = feat.reshape(N, -1)
    return flat @ params["fc_w"].T + params["fc_b"]
