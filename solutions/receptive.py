"""Reference receptive-field arithmetic for a stack of conv/pool layers (PyTorch's geometry: dilation spreads the
kernel's taps, so a kernel k with dilation d spans d*(k - 1) + 1 input cells of its layer)."""

import numpy as np

from ._args import pair

LAYER_KEYS = {"kernel": 1, "stride": 1, "padding": 0, "dilation": 1}  # key -> the smallest value allowed
DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1}


def layer_geometry(layer):
    """A layer dict {kernel, stride=1, padding=0, dilation=1} (each an int or an (h, w) pair) as four (h, w) pairs."""
    if not isinstance(layer, dict):
        raise ValueError(f"a layer must be a dict with a 'kernel' key, got {layer!r}")
    unknown = set(layer) - set(LAYER_KEYS)
    if unknown or "kernel" not in layer:
        raise ValueError(f"a layer has keys kernel, stride, padding, dilation (kernel required), got {sorted(layer)}")
    return tuple(pair(layer.get(key, DEFAULTS.get(key)), key, minimum=LAYER_KEYS[key])
                 for key in ("kernel", "stride", "padding", "dilation"))


def field_step(size, jump, start, kernel, stride, padding, dilation):
    """One axis through one layer: the field (size, jump, start) of the layer's outputs from that of its inputs."""
    span = dilation * (kernel - 1) + 1
    return size + (span - 1) * jump, jump * stride, start - padding * jump


def receptive_field(layers):
    """Per layer l (rows, in order) and axis (columns: height, width), for the outputs of layer l:

    size:  how many input pixels, first to last, the field of one output spans
    jump:  the distance in input pixels between the fields of neighbouring outputs
    start: the input coordinate of the first pixel in the field of output (0, 0); negative when it lies in the
           padding. Output (i, j) sees rows start_h + i*jump_h ... start_h + i*jump_h + size_h - 1.

    Returns the tuple (size, jump, start) of three (L, 2) int64 arrays.
    """
    rows = []
    fields = [(1, 1, 0), (1, 1, 0)]  # the input itself: each pixel sees itself
    for layer in layers:
        geometry = layer_geometry(layer)
        fields = [field_step(*fields[axis], *(value[axis] for value in geometry)) for axis in (0, 1)]
        rows.append(fields)
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 2, 3)
    return table[:, :, 0].copy(), table[:, :, 1].copy(), table[:, :, 2].copy()
