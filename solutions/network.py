"""Reference tiny CNN classifier: conv -> ReLU -> 2x2 max pool -> flatten -> linear."""

import numpy as np

from ._args import compute_dtype
from .conv import conv2d
from .pool import maxpool2d
from .shape import flatten


def relu(x):
    """Elementwise max(x, 0); output has the same shape as x."""
    x = np.asarray(x)
    return np.maximum(x, np.zeros((), dtype=x.dtype))


def linear(x, w, b):
    """Fully connected layer like torch.nn.Linear: x (N, D), w (K, D), b (K,) or None -> (N, K)."""
    x = np.asarray(x)
    w = np.asarray(w)
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(f"linear needs x (N, D) and w (K, D), got {x.shape} and {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"linear: x has {x.shape[1]} features but w expects {w.shape[1]} (w is {w.shape})"
        )
    dtype = compute_dtype(x, w, b)
    out = x.astype(dtype, copy=False) @ w.astype(dtype, copy=False).T
    if b is not None:
        b = np.asarray(b)
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: b must have shape ({w.shape[0]},), got {b.shape}")
        out = out + b.astype(dtype, copy=False)
    return out


def cnn_forward_stages(x, params):
    """Run the classifier and keep every intermediate result.

    x (N, C, H, W); params: conv_w (F, C, KH, KW), conv_b (F,), fc_w (K, F*H'*W'), fc_b (K,)
    where H', W' are the sizes after the pad-1 conv and the 2x2 pool.
    Returns [("input", x), ("conv", (N, F, OH, OW)), ("relu", same), ("pool", (N, F, H', W')),
    ("flatten", (N, F*H'*W')), ("linear", (N, K))].
    """
    stages = [("input", np.asarray(x))]
    out = conv2d(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    stages.append(("conv", out))
    out = relu(out)
    stages.append(("relu", out))
    out = maxpool2d(out, kernel_size=2, stride=2)
    stages.append(("pool", out))
    out = flatten(out, start_dim=1)
    stages.append(("flatten", out))
    out = linear(out, params["fc_w"], params["fc_b"])
    stages.append(("linear", out))
    return stages


def cnn_forward(x, params):
    """Class scores of the tiny classifier: x (N, C, H, W) -> (N, K). See cnn_forward_stages."""
    return cnn_forward_stages(x, params)[-1][1]
