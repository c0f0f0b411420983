"""Reference for the full convolution layer: dilation and groups on top of conv2d, with exactly the semantics of
torch.nn.functional.conv2d (weight (F, C/groups, KH, KW); stride, padding and dilation an int or a pair)."""

import numpy as np

from ._args import as_nchw, pair
from .conv import conv2d


def group_count(groups, channels, filters, weight_channels):
    """Validate `groups` against x's channels C, the filters F and weight's C/groups; return it as an int."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"groups must be a whole number >= 1, got {groups!r}")
    groups = int(groups)
    if channels % groups or filters % groups:
        raise ValueError(f"groups={groups} must divide both the input channels ({channels}) and the filters "
                         f"({filters})")
    if weight_channels != channels // groups:
        raise ValueError(f"weight has {weight_channels} channels per filter, but C / groups = "
                         f"{channels} / {groups} = {channels // groups}")
    return groups


def spread_kernel(weight, dilation_h, dilation_w):
    """The kernel with dilation - 1 zeros between neighbouring taps: (F, Cg, dh*(KH-1)+1, dw*(KW-1)+1)."""
    F, Cg, KH, KW = weight.shape
    spread = np.zeros((F, Cg, dilation_h * (KH - 1) + 1, dilation_w * (KW - 1) + 1), dtype=weight.dtype)
    spread[:, :, ::dilation_h, ::dilation_w] = weight
    return spread


def conv2d_general(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Batched cross-correlation with dilation and groups, like torch.nn.functional.conv2d.

    Shapes: x (N, C, H, W), weight (F, C/groups, KH, KW), bias (F,) or None -> (N, F, OH, OW) with
    OH = (H + 2*pad_h - dil_h*(KH - 1) - 1) // stride_h + 1 (same for OW). Filters g*F/groups ... (g+1)*F/groups - 1
    see only channels g*C/groups ... (g+1)*C/groups - 1.
    """
    x = as_nchw(x)
    weight = as_nchw(weight, "weight")
    dilation_h, dilation_w = pair(dilation, "dilation", minimum=1)
    F, Cg = weight.shape[:2]
    groups = group_count(groups, x.shape[1], F, Cg)
    if bias is not None and np.shape(bias) != (F,):
        raise ValueError(f"bias must have shape ({F},), got {np.shape(bias)}")
    # A dilated kernel is a larger kernel with zeros between its taps: conv2d then does the rest.
    spread = spread_kernel(weight, dilation_h, dilation_w)
    if groups == 1:
        return conv2d(x, spread, bias, stride, padding)
    Fg = F // groups
    parts = [conv2d(x[:, g * Cg:(g + 1) * Cg], spread[g * Fg:(g + 1) * Fg],
                    None if bias is None else np.asarray(bias)[g * Fg:(g + 1) * Fg], stride, padding)
             for g in range(groups)]
    return np.concatenate(parts, axis=1)
