"""Deliberately WRONG variants of flatten (family flatten: exercises 4 and 5) and of the tiny network's layers
(family network: exercise 5). Each has the signature of the block it stands in for."""

import numpy as np

from .conv import conv2d
from .network import linear, relu
from .pool import maxpool2d
from .shape import flatten, normalize_start_dim


# --- flatten ------------------------------------------------------------------------------

def flatten_fortran_order(x, start_dim=1):
    """Mistake: the flattened axes are read in column-major (Fortran) order."""
    x = np.asarray(x)
    start = normalize_start_dim(x.ndim, start_dim)
    if x.ndim == 0:
        return x.reshape(1)
    axes = list(range(start)) + list(reversed(range(start, x.ndim)))
    return flatten(x.transpose(axes), start)


def flatten_batch_too(x, start_dim=1):
    """Mistake: start_dim is ignored and everything, batch included, becomes 1-D."""
    return np.asarray(x).reshape(-1)


def flatten_channels_last(x, start_dim=1):
    """Mistake: the first flattened axis (channels) is moved to the end before flattening, the
    channels-last (N, H, W, C) habit. Needs at least three flattened axes to differ from
    column-major order."""
    x = np.asarray(x)
    start = normalize_start_dim(x.ndim, start_dim)
    if x.ndim - start < 3:
        raise ValueError("channels-last mistake needs at least three flattened axes")
    axes = list(range(start)) + list(range(start + 1, x.ndim)) + [start]
    return flatten(x.transpose(axes), start)


# --- the network's layers ---------------------------------------------------------------------

def relu_missing(x):
    """Mistake: the ReLU is left out; its input goes on unchanged."""
    return np.asarray(x)


def linear_softmax(x, w, b):
    """Mistake: a softmax is applied to the class scores, which should be returned as they are."""
    scores = linear(x, w, b)
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def cnn_forward_relu_after_linear(x, params):
    """Mistake: the ReLU is applied to the class scores instead of to the conv's output."""
    out = conv2d(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    out = flatten(maxpool2d(out, kernel_size=2, stride=2), start_dim=1)
    return relu(linear(out, params["fc_w"], params["fc_b"]))
