"""Reference backward passes for conv2d and maxpool2d."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._args import as_nchw, compute_dtype, pad_hw
from .conv import conv_geometry
from .pool import pool_geometry, window_slices


def _check_dout(dout, expected):
    dout = np.asarray(dout)
    if dout.shape != tuple(expected):
        raise ValueError(f"dout must have the output shape {tuple(expected)}, got {dout.shape}")
    return dout


def conv2d_input_grad(dout, weight, xp_shape, stride):
    """Gradient w.r.t. the padded input: scatter-add dout times each kernel tap.

    dout (N, F, OH, OW), weight (F, C, KH, KW) -> array of shape xp_shape (N, C, Hp, Wp).
    """
    KH, KW = weight.shape[2:]
    sh, sw = stride
    OH, OW = dout.shape[2:]
    dxp = np.zeros(xp_shape, dtype=np.result_type(dout, weight))
    for i in range(KH):
        for j in range(KW):
            contribution = np.einsum("nfhw,fc->nchw", dout, weight[:, :, i, j], optimize=True)
            dxp[:, :, i : i + sh * (OH - 1) + 1 : sh, j : j + sw * (OW - 1) + 1 : sw] += contribution
    return dxp


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    """Gradients of sum(dout * conv2d(x, weight, bias, stride, padding)).

    Shapes: dout (N, F, OH, OW), x (N, C, H, W), weight (F, C, KH, KW)
    -> (dx (N, C, H, W), dweight (F, C, KH, KW), dbias (F,)).
    Dtypes: dout, x and weight are float arrays (float64 or float32); like PyTorch, gradients exist
    only for floats, so the exercise has no integer cases (integers are still accepted here, as float64).
    """
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    (sh, sw), (ph, pw), (OH, OW) = conv_geometry(x.shape, weight.shape, stride, padding)
    dout = _check_dout(dout, (x.shape[0], weight.shape[0], OH, OW))
    dtype = compute_dtype(dout, x, weight)
    dout = dout.astype(dtype, copy=False)
    weight = weight.astype(dtype, copy=False)
    KH, KW = weight.shape[2:]
    H, W = x.shape[2:]

    xp = pad_hw(x.astype(dtype, copy=False), ph, pw)
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dweight = np.einsum("nfhw,nchwij->fcij", dout, windows, optimize=True)
    dbias = dout.sum(axis=(0, 2, 3))
    dxp = conv2d_input_grad(dout, weight, xp.shape, (sh, sw))
    dx = dxp[:, :, ph : ph + H, pw : pw + W]
    return dx, dweight, dbias


def maxpool_argmax(xp, valid, kernel, stride, out_size):
    """Index (row-major offset i*KW + j) of the FIRST maximal real element of every window.

    NaN counts as bigger than any number (as in torch; among several NaNs the first wins
    here too). Padded cells (valid == False) never win.
    """
    best = np.full(xp.shape[:2] + tuple(out_size), -np.inf, dtype=xp.dtype)
    found = np.zeros(best.shape, dtype=bool)
    argmax = np.zeros(best.shape, dtype=np.intp)
    kw = kernel[1]
    for i, j, index in window_slices(kernel, stride, out_size):
        candidate = xp[index]
        better = (candidate > best) | (np.isnan(candidate) & ~np.isnan(best))
        take = valid[index] & (better | ~found)
        best = np.where(take, candidate, best)
        argmax[take] = i * kw + j
        found |= valid[index]
    return argmax


def maxpool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    """Gradient of sum(dout * maxpool2d(x, kernel_size, stride, padding)) w.r.t. x.

    Shapes: dout (N, C, OH, OW), x (N, C, H, W) -> dx (N, C, H, W).
    Each window sends its whole gradient to its maximum. Tie rule: when several elements
    share the maximum, the FIRST one in row-major order within the window gets it all
    (padding never does), PyTorch's convention. Overlapping windows accumulate their gradients.
    Dtypes: dout and x are float arrays (float64 or float32); like PyTorch, gradients exist only for
    floats, so the exercise has no integer cases (integers are still accepted here, as float64).
    """
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    dout = _check_dout(dout, x.shape[:2] + tuple(out_size))
    dtype = compute_dtype(dout, x)
    H, W = x.shape[2:]

    xp = pad_hw(x.astype(dtype, copy=False), ph, pw, value=-np.inf)
    valid = pad_hw(np.ones(x.shape, dtype=bool), ph, pw, value=False)
    argmax = maxpool_argmax(xp, valid, kernel, stride, out_size)

    dout = dout.astype(dtype, copy=False)
    dxp = np.zeros(xp.shape, dtype=dtype)
    for i, j, index in window_slices(kernel, stride, out_size):
        dxp[index] += np.where(argmax == i * kernel[1] + j, dout, 0)
    return dxp[:, :, ph : ph + H, pw : pw + W]
