"""Reference 2-D max pooling, like torch.nn.functional.max_pool2d (floor mode, no dilation)."""

import numpy as np

from ._args import as_nchw, compute_dtype, pad_hw, pair


def pool_geometry(x_shape, kernel_size, stride, padding):
    """Validate pooling arguments; return ((KH, KW), (sh, sw), (ph, pw), (OH, OW))."""
    H, W = x_shape[2:]
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride", minimum=1)
    ph, pw = pair(padding, "padding")
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError(
            f"padding {ph, pw} must be at most half the kernel size {kh, kw}"
        )
    if kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError(
            f"kernel {kh}x{kw} is bigger than the padded input {H + 2 * ph}x{W + 2 * pw}"
        )
    OH = (H + 2 * ph - kh) // sh + 1
    OW = (W + 2 * pw - kw) // sw + 1
    return (kh, kw), (sh, sw), (ph, pw), (OH, OW)


def window_slices(kernel, stride, out_size):
    """Yield (i, j, index) for every kernel offset in row-major order, where ``index`` selects,
    for every output pixel at once, the input element at offset (i, j) of its window."""
    (kh, kw), (sh, sw), (OH, OW) = kernel, stride, out_size
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + sh * (OH - 1) + 1, sh)
            cols = slice(j, j + sw * (OW - 1) + 1, sw)
            yield i, j, (slice(None), slice(None), rows, cols)


def maxpool2d(x, kernel_size, stride=None, padding=0):
    """Max over each window, like torch.nn.functional.max_pool2d.

    Shapes: x (N, C, H, W) -> (N, C, OH, OW) with OH = (H + 2*pad_h - KH) // stride_h + 1.
    stride defaults to kernel_size; padded cells count as -inf; padding may be at most half
    the kernel. kernel_size, stride and padding are an int or a pair (h, w).
    """
    x = as_nchw(x)
    kernel, stride, (ph, pw), out_size = pool_geometry(x.shape, kernel_size, stride, padding)
    xp = pad_hw(x.astype(compute_dtype(x), copy=False), ph, pw, value=-np.inf)

    # Elementwise maximum over the KH*KW strided views: much faster than building the
    # (..., KH, KW) windows and reducing over them.
    out = None
    for _, _, index in window_slices(kernel, stride, out_size):
        if out is None:
            out = xp[index].copy()
        else:
            np.maximum(out, xp[index], out=out)
    return out
