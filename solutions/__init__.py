"""Reference solutions for the CNN exercises (NumPy, NCHW, PyTorch semantics)."""

from .backward import conv2d_backward, maxpool2d_backward
from .conv import conv2d, conv2d_fast, conv2d_single
from .network import cnn_forward, cnn_forward_stages, linear, relu
from .pool import maxpool2d
from .shape import flatten

__all__ = [
    "cnn_forward",
    "cnn_forward_stages",
    "conv2d",
    "conv2d_backward",
    "conv2d_fast",
    "conv2d_single",
    "flatten",
    "linear",
    "maxpool2d",
    "maxpool2d_backward",
    "relu",
]
