"""Naive pure-Python-loop oracles for the reference solutions (slow, obvious, independent)."""

import math

import numpy as np


def _two(v):
    return (v[0], v[1]) if isinstance(v, (tuple, list)) else (v, v)


def _out_dtype(*arrays):
    if any(a is not None and np.asarray(a).dtype == np.float64 for a in arrays):
        return np.float64
    if all(a is None or np.asarray(a).dtype == np.float32 for a in arrays):
        return np.float32
    return np.float64


def conv2d_single(image, kernel):
    """Loop over every output pixel and every kernel cell."""
    H, W = len(image), len(image[0])
    KH, KW = len(kernel), len(kernel[0])
    out = np.zeros((H - KH + 1, W - KW + 1), dtype=_out_dtype(image, kernel))
    for r in range(H - KH + 1):
        for c in range(W - KW + 1):
            total = 0.0
            for i in range(KH):
                for j in range(KW):
                    total += float(image[r + i][c + j]) * float(kernel[i][j])
            out[r, c] = total
    return out


def _at(x, n, c, r, col, H, W, outside):
    """x[n, c, r, col] when inside the image, else the padding value."""
    if 0 <= r < H and 0 <= col < W:
        return float(x[n, c, r, col])
    return outside


def conv2d(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    sh, sw = _two(stride)
    ph, pw = _two(padding)
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    out = np.zeros((N, F, OH, OW), dtype=_out_dtype(x, weight, bias))
    for n in range(N):
        for f in range(F):
            for oh in range(OH):
                for ow in range(OW):
                    total = 0.0 if bias is None else float(bias[f])
                    for c in range(C):
                        for i in range(KH):
                            for j in range(KW):
                                value = _at(x, n, c, oh * sh - ph + i, ow * sw - pw + j, H, W, 0.0)
                                total += value * float(weight[f, c, i, j])
                    out[n, f, oh, ow] = total
    return out


def _pool_windows(x, kernel_size, stride, padding):
    """Yield (n, c, oh, ow, [(r, col, value) for the real cells of the window, row-major])."""
    N, C, H, W = x.shape
    KH, KW = _two(kernel_size)
    sh, sw = _two(kernel_size if stride is None else stride)
    ph, pw = _two(padding)
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    for n in range(N):
        for c in range(C):
            for oh in range(OH):
                for ow in range(OW):
                    cells = []
                    for i in range(KH):
                        for j in range(KW):
                            r, col = oh * sh - ph + i, ow * sw - pw + j
                            if 0 <= r < H and 0 <= col < W:
                                cells.append((r, col, float(x[n, c, r, col])))
                    yield n, c, oh, ow, cells


def _pool_out_shape(x, kernel_size, stride, padding):
    KH, KW = _two(kernel_size)
    sh, sw = _two(kernel_size if stride is None else stride)
    ph, pw = _two(padding)
    return x.shape[:2] + ((x.shape[2] + 2 * ph - KH) // sh + 1, (x.shape[3] + 2 * pw - KW) // sw + 1)


def maxpool2d(x, kernel_size, stride=None, padding=0):
    out = np.full(_pool_out_shape(x, kernel_size, stride, padding), -math.inf,
                  dtype=_out_dtype(x))
    for n, c, oh, ow, cells in _pool_windows(x, kernel_size, stride, padding):
        out[n, c, oh, ow] = max(v for _, _, v in cells)
    return out


def flatten(x, start_dim=1):
    """Walk the trailing axes with an odometer, last axis fastest."""
    shape = x.shape
    if start_dim < 0:
        start_dim += len(shape)
    lead, tail = shape[:start_dim], shape[start_dim:]
    size = 1
    for d in tail:
        size *= d
    out = np.zeros(lead + (size,), dtype=x.dtype)
    for lead_idx in np.ndindex(*lead) if lead else [()]:
        k = 0
        for tail_idx in np.ndindex(*tail):
            out[lead_idx + (k,)] = x[lead_idx + tail_idx]
            k += 1
    return out


def cnn_forward(x, params):
    out = conv2d(x, params["conv_w"], params["conv_b"], 1, 1)
    out = np.where(out > 0, out, 0).astype(out.dtype)
    out = maxpool2d(out, 2, 2)
    out = flatten(out, 1)
    fc_w, fc_b = params["fc_w"], params["fc_b"]
    K = fc_w.shape[0]
    scores = np.zeros((out.shape[0], K), dtype=out.dtype)
    for n in range(out.shape[0]):
        for k in range(K):
            total = float(fc_b[k])
            for d in range(out.shape[1]):
                total += float(out[n, d]) * float(fc_w[k, d])
            scores[n, k] = total
    return scores


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    """Chain rule, one output pixel and one kernel cell at a time."""
    N, C, H, W = x.shape
    F, _, KH, KW = weight.shape
    sh, sw = _two(stride)
    ph, pw = _two(padding)
    _, _, OH, OW = dout.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(weight.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for oh in range(OH):
                for ow in range(OW):
                    g = float(dout[n, f, oh, ow])
                    db[f] += g
                    for c in range(C):
                        for i in range(KH):
                            for j in range(KW):
                                r, col = oh * sh - ph + i, ow * sw - pw + j
                                if 0 <= r < H and 0 <= col < W:
                                    dx[n, c, r, col] += g * float(weight[f, c, i, j])
                                    dw[f, c, i, j] += g * float(x[n, c, r, col])
    return dx, dw, db


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    """The first (row-major) maximal real cell of each window receives its gradient."""
    dx = np.zeros(x.shape)
    for n, c, oh, ow, cells in _pool_windows(x, kernel_size, stride, padding):
        best_r, best_c, best_v = cells[0]
        for r, col, v in cells[1:]:
            if v > best_v:
                best_r, best_c, best_v = r, col, v
        dx[n, c, best_r, best_c] += float(dout[n, c, oh, ow])
    return dx
