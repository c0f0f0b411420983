"""Deliberately WRONG variants of conv2d, the building block of exercises 1, 2, 5 and 8 (family conv-forward).

Each has conv2d's signature and stands in for it: exercises/families/conv-forward.yaml says so (`replaces`)."""

import numpy as np

from ._args import as_nchw, pair
from .conv import conv2d, conv_geometry


# --- the kernel ---------------------------------------------------------------------------

def conv2d_flipped(x, weight, bias=None, stride=1, padding=0):
    """Mistake: true convolution (kernel flipped spatially) instead of cross-correlation."""
    return conv2d(x, np.asarray(weight)[..., ::-1, ::-1], bias, stride, padding)


def conv2d_flipped_up_down(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the kernel's rows are used in reverse order (flipped upside down only)."""
    return conv2d(x, np.asarray(weight)[..., ::-1, :], bias, stride, padding)


def conv2d_flipped_left_right(x, weight, bias=None, stride=1, padding=0):
    """Mistake: each kernel row is reversed (what np.convolve does row by row), rows kept in order."""
    return conv2d(x, np.asarray(weight)[..., :, ::-1], bias, stride, padding)


def conv2d_kernel_transposed(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the kernel's two spatial axes are swapped, weight[f, c, q, p] used at offset (p, q)."""
    return conv2d(x, as_nchw(weight, "weight").transpose(0, 1, 3, 2), bias, stride, padding)


# --- the sum over the window ----------------------------------------------------------------

def conv2d_window_mean(x, weight, bias=None, stride=1, padding=0):
    """Mistake: each window's products are averaged (np.mean over C*KH*KW of them) instead of added."""
    weight = as_nchw(weight, "weight")
    count = weight.shape[1] * weight.shape[2] * weight.shape[3]
    return conv2d(x, weight / count, bias, stride, padding)


def conv2d_last_channel_only(x, weight, bias=None, stride=1, padding=0):
    """Mistake: `out = ...` instead of `out += ...` in the loop over input channels, so only the
    last channel's products are kept."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    return conv2d(x[:, -1:], weight[:, -1:], bias, stride, padding)


def conv2d_first_channel_only(x, weight, bias=None, stride=1, padding=0):
    """Mistake: only input channel 0 is used (x[:, 0] and weight[:, 0]), the others are left out."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    return conv2d(x[:, :1], weight[:, :1], bias, stride, padding)


# --- the bias -----------------------------------------------------------------------------

def conv2d_no_bias(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the bias is never added."""
    return conv2d(x, weight, None, stride, padding)


def conv2d_bias_per_input_channel(x, weight, bias=None, stride=1, padding=0):
    """Mistake: bias[f] is added inside the loop over input channels, once per channel, so every
    value of filter f's map gets C * bias[f] (however the loops around it are written)."""
    x = as_nchw(x)
    out = conv2d(x, weight, None, stride, padding)
    if bias is None:
        return out
    channels = x.shape[1]
    return out + channels * np.asarray(bias).astype(out.dtype, copy=False)[None, :, None, None]


def conv2d_bias_per_tap(x, weight, bias=None, stride=1, padding=0):
    """Mistake: bias[f] is added inside the innermost loop, once for every product of the
    window (C*KH*KW times) instead of once per output value."""
    weight = as_nchw(weight, "weight")
    out = conv2d(x, weight, None, stride, padding)
    if bias is None:
        return out
    count = weight.shape[1] * weight.shape[2] * weight.shape[3]
    return out + count * np.asarray(bias).astype(out.dtype, copy=False)[None, :, None, None]


def conv2d_bias_on_width(x, weight, bias=None, stride=1, padding=0):
    """Mistake: `out + bias` with plain broadcasting adds bias[k] to output column k (it only
    runs when F == OW; otherwise NumPy refuses to broadcast)."""
    out = conv2d(x, weight, None, stride, padding)
    if bias is None or np.shape(bias) != (out.shape[-1],):
        raise ValueError("bias-on-width mistake needs a bias of length OW")
    return out + np.asarray(bias).astype(out.dtype, copy=False)


# --- padding, stride and size ---------------------------------------------------------------

def conv2d_padding_ignored(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the padding argument is never applied."""
    return conv2d(x, weight, bias, stride, 0)


def conv2d_padding_one_side(x, weight, bias=None, stride=1, padding=0):
    """Mistake: all 2*pad zeros go below and to the right (np.pad with (0, 2*pad)), none above
    or to the left: the size is right, but every window covers the image pad pixels lower and
    further right than it should."""
    ph, pw = pair(padding, "padding")
    padded = np.pad(as_nchw(x), ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))
    return conv2d(padded, weight, bias, stride, 0)


def conv2d_edge_padding(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the border repeats the edge pixels (np.pad mode='edge') instead of holding zeros."""
    ph, pw = pair(padding, "padding")
    padded = np.pad(as_nchw(x), ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="edge")
    return conv2d(padded, weight, bias, stride, 0)


def conv2d_stride_ignored(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the stride argument is never applied (always stride 1)."""
    return conv2d(x, weight, bias, 1, padding)


def conv2d_stride_in_size_only(x, weight, bias=None, stride=1, padding=0):
    """Mistake: the output size uses the stride but windows still step by 1, giving the
    top-left OH x OW corner of the stride-1 result."""
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    _, _, (OH, OW) = conv_geometry(x.shape, weight.shape, stride, padding)
    return conv2d(x, weight, bias, 1, padding)[:, :, :OH, :OW]


def conv2d_size_off_by_one(x, weight, bias=None, stride=1, padding=0):
    """Mistake: OH = (H + 2p - KH) // s without the +1 (last output row and column lost)."""
    return conv2d(x, weight, bias, stride, padding)[:, :, :-1, :-1]


def conv2d_channels_last(x, weight, bias=None, stride=1, padding=0):
    """Mistake: correct values, but returned in (N, OH, OW, F) layout instead of NCHW."""
    return conv2d(x, weight, bias, stride, padding).transpose(0, 2, 3, 1)
