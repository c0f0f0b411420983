"""Deliberately WRONG variants of conv2d_general (exercise 11, family conv-general), one per learner mistake with
dilation and groups. Each has conv2d_general's signature; exercises/families/conv-general.yaml says what each is.

A variant that does not apply to an input (no dilation, one group) gives the reference's output there, so it is
never named on it."""

import numpy as np

from ._args import as_nchw, pad_hw, pair
from .conv import conv2d
from .conv_general import conv2d_general, spread_kernel

__all__ = [
    "conv2d_general_dilation_ignored",
    "conv2d_general_dilation_on_input",
    "conv2d_general_size_without_dilation",
    "conv2d_general_groups_ignored",
    "conv2d_general_depthwise_summed",
    "conv2d_general_first_channels_only",
    "conv2d_general_channel_slice_off",
    "conv2d_general_filters_round_robin",
    "conv2d_general_bias_per_group",
]


# --- dilation -------------------------------------------------------------------------------------

def conv2d_general_dilation_ignored(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: dilation is never used: the taps stay next to each other."""
    return conv2d_general(x, weight, bias, stride, padding, 1, groups)


def conv2d_general_dilation_on_input(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: the image is sampled every dilation pixels (x[:, :, ::dh, ::dw]) and convolved with the compact kernel,
    instead of spreading the kernel's taps over the full-resolution image."""
    dilation_h, dilation_w = pair(dilation, "dilation", minimum=1)
    return conv2d_general(as_nchw(x)[:, :, ::dilation_h, ::dilation_w], weight, bias, stride, padding, 1, groups)


def conv2d_general_size_without_dilation(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: the output size uses KH and KW instead of the spread kernel's dil*(K-1)+1, so there are extra rows
    and columns whose taps run past the padded image (read as zeros)."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    dilation_h, dilation_w = pair(dilation, "dilation", minimum=1)
    KH, KW = weight.shape[2:]
    extra_h, extra_w = (dilation_h - 1) * (KH - 1), (dilation_w - 1) * (KW - 1)
    if extra_h == extra_w == 0:
        return conv2d_general(x, weight, bias, stride, padding, dilation, groups)
    ph, pw = pair(padding, "padding")
    canvas = np.pad(pad_hw(x, ph, pw), ((0, 0), (0, 0), (0, extra_h), (0, extra_w)))
    return conv2d_general(canvas, weight, bias, stride, 0, dilation, groups)


# --- groups ---------------------------------------------------------------------------------------

def _per_filter(x, weight, bias, stride, padding, dilation, channels_of):
    """Filter f (its C/groups kernel channels) applied to the input channels channels_of(f), one output map each."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    maps = [conv2d_general(x[:, channels_of(f)], weight[f:f + 1], None if bias is None else np.asarray(bias)[f:f + 1],
                           stride, padding, dilation) for f in range(weight.shape[0])]
    return np.concatenate(maps, axis=1)


def conv2d_general_groups_ignored(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: every filter reads every input channel, its C/groups kernel channels repeated across them (what
    broadcasting a depthwise (F, 1, KH, KW) kernel against all channels does)."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    repeats = x.shape[1] // weight.shape[1]
    if groups == 1 or repeats * weight.shape[1] != x.shape[1]:
        return conv2d_general(x, weight, bias, stride, padding, dilation, groups)
    return conv2d_general(x, np.tile(weight, (1, repeats, 1, 1)), bias, stride, padding, dilation, 1)


def conv2d_general_depthwise_summed(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake (depthwise, F == C): each channel is filtered by its own kernel, but the C results are added into
    one map and every output channel gets that same sum."""
    x, weight = as_nchw(x), as_nchw(weight, "weight")
    F, C = weight.shape[0], x.shape[1]
    if groups != C or F != C or weight.shape[1] != 1:
        return conv2d_general(x, weight, bias, stride, padding, dilation, groups)
    per_channel = conv2d_general(x, weight, None, stride, padding, dilation, groups)
    out = np.repeat(per_channel.sum(axis=1, keepdims=True), F, axis=1)
    return out if bias is None else out + np.asarray(bias)[None, :, None, None]


def conv2d_general_first_channels_only(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: the filters are split into groups, but every group reads the first C/groups input channels."""
    Cg = as_nchw(weight, "weight").shape[1]
    return _per_filter(x, weight, bias, stride, padding, dilation, lambda f: slice(0, Cg))


def conv2d_general_channel_slice_off(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: group g reads channels g ... g + C/groups - 1 (the slice starts at g, not at g * C/groups)."""
    F, Cg = as_nchw(weight, "weight").shape[:2]
    Fg = F // max(int(groups), 1)
    return _per_filter(x, weight, bias, stride, padding, dilation, lambda f: slice(f // Fg, f // Fg + Cg))


def conv2d_general_filters_round_robin(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: filter f is put in group f % groups (dealt out in turn) instead of f // (F/groups) (in blocks)."""
    Cg = as_nchw(weight, "weight").shape[1]
    return _per_filter(x, weight, bias, stride, padding, dilation,
                       lambda f: slice((f % int(groups)) * Cg, (f % int(groups)) * Cg + Cg))


def conv2d_general_bias_per_group(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Mistake: inside the loop over groups, the bias is indexed by the filter's number within its group, so every
    group's filters get bias[0 : F/groups]."""
    if bias is None or groups == 1:
        return conv2d_general(x, weight, bias, stride, padding, dilation, groups)
    bias = np.asarray(bias)
    Fg = bias.shape[0] // int(groups)
    return conv2d_general(x, weight, np.tile(bias[:Fg], int(groups)), stride, padding, dilation, groups)
