"""Reference solutions for the CNN exercises (NumPy, NCHW, PyTorch semantics)."""

from .backward import conv2d_backward, maxpool2d_backward
from .conv import conv2d, conv2d_fast, conv2d_single
from .conv_general import conv2d_general
from .global_pool import global_avg_pool
from .gradcheck import numerical_gradient
from .network import cnn_forward, cnn_forward_stages, linear, relu
from .pool import maxpool2d
from .receptive import receptive_field
from .shape import flatten

__all__ = [
    "cnn_forward",
    "cnn_forward_stages",
    "conv2d",
    "conv2d_backward",
    "conv2d_fast",
    "conv2d_general",
    "conv2d_single",
    "flatten",
    "global_avg_pool",
    "linear",
    "maxpool2d",
    "maxpool2d_backward",
    "numerical_gradient",
    "receptive_field",
    "relu",
]
