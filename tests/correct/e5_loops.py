# Correct exercise 5, plain Python: every stage written with nested loops over its output values.
import numpy as np


def conv(x, weight, bias):
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    OH, OW = H + 2 - KH + 1, W + 2 - KW + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    total = bias[f]
                    for c in range(C):
                        for p in range(KH):
                            for q in range(KW):
                                total += xp[n, c, i + p, j + q] * weight[f, c, p, q]
                    out[n, f, i, j] = total
    return out


def relu(x):
    out = x.copy()
    for index in np.ndindex(*x.shape):
        if out[index] < 0:
            out[index] = 0.0
    return out


def pool(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H // 2, W // 2))
    for n in range(N):
        for c in range(C):
            for i in range(H // 2):
                for j in range(W // 2):
                    out[n, c, i, j] = max(x[n, c, 2 * i, 2 * j], x[n, c, 2 * i, 2 * j + 1],
                                          x[n, c, 2 * i + 1, 2 * j], x[n, c, 2 * i + 1, 2 * j + 1])
    return out


def linear(flat, weight, bias):
    N, D = flat.shape
    K = weight.shape[0]
    scores = np.zeros((N, K))
    for n in range(N):
        for k in range(K):
            total = bias[k]
            for d in range(D):
                total += flat[n, d] * weight[k, d]
            scores[n, k] = total
    return scores


def cnn_forward(x, params):
    maps = pool(relu(conv(x, params["conv_w"], params["conv_b"])))
    flat = maps.reshape(maps.shape[0], -1)
    return linear(flat, params["fc_w"], params["fc_b"])
