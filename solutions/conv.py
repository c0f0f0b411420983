"""Reference 2-D cross-correlation (what deep-learning libraries call "convolution")."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._args import as_nchw, compute_dtype, pad_hw, pair


def conv2d_single(image, kernel):
    """Valid 2-D cross-correlation of one channel (no kernel flip).

    Shapes: image (H, W), kernel (KH, KW) -> (H - KH + 1, W - KW + 1).
    It is conv2d on a batch of one single-channel image and one filter, so a mistake in
    conv2d's building blocks shows here too.
    """
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            f"image and kernel must both be 2-D, got shapes {image.shape} and {kernel.shape}"
        )
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} is bigger than image {image.shape}")
    # squeeze, not [0, 0]: a variant that moves the filter axis (channels last) raises here instead
    # of passing off a slice of its output as a mistake one image and one kernel can make
    return np.squeeze(conv2d(image[None, None], kernel[None, None]), axis=(0, 1))


def conv_geometry(x_shape, w_shape, stride, padding):
    """Validate conv2d shapes; return ((sh, sw), (ph, pw), (OH, OW))."""
    N, C, H, W = x_shape
    F, Cw, KH, KW = w_shape
    sh, sw = pair(stride, "stride", minimum=1)
    ph, pw = pair(padding, "padding")
    if C != Cw:
        raise ValueError(f"channel mismatch: x has {C} channels but weight expects {Cw}")
    if KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError(
            f"kernel {KH}x{KW} is bigger than the padded input {H + 2 * ph}x{W + 2 * pw}"
        )
    OH = (H + 2 * ph - KH) // sh + 1
    OW = (W + 2 * pw - KW) // sw + 1
    return (sh, sw), (ph, pw), (OH, OW)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Batched multi-channel cross-correlation, like torch.nn.functional.conv2d.

    Shapes: x (N, C, H, W), weight (F, C, KH, KW), bias (F,) or None -> (N, F, OH, OW)
    with OH = (H + 2*pad_h - KH) // stride_h + 1 (same for OW). Zero padding.
    stride and padding are an int or a pair (h, w).
    """
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    (sh, sw), (ph, pw), (OH, OW) = conv_geometry(x.shape, weight.shape, stride, padding)
    N, C = x.shape[:2]
    F, _, KH, KW = weight.shape
    if bias is not None:
        bias = np.asarray(bias)
        if bias.shape != (F,):
            raise ValueError(f"bias must have shape ({F},), got {bias.shape}")
    dtype = compute_dtype(x, weight, bias)

    xp = pad_hw(x.astype(dtype, copy=False), ph, pw)
    # (N, C, OH, OW, KH, KW): a view, nothing is copied yet.
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    # im2col: one (C*KH*KW, N*OH*OW) matrix, then a single matrix product. Copying in
    # (C, KH, KW, N, OH, OW) order keeps the copy's inner loop contiguous; it measured
    # clearly faster than the layout einsum picks for the same contraction.
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * OH * OW)
    out = weight.astype(dtype, copy=False).reshape(F, C * KH * KW) @ cols
    out = out.reshape(F, N, OH, OW).transpose(1, 0, 2, 3)
    if bias is not None:
        out += bias.astype(dtype, copy=False)[None, :, None, None]
    return out


# The vectorized reference is already the fast version.
conv2d_fast = conv2d
