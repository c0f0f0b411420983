# Correct exercise 9, top-down: the field of the last layer folded back through the layers (recursion per prefix).
import numpy as np


def _get(layer, key, default, axis):
    value = layer.get(key, default)
    return value[axis] if isinstance(value, (tuple, list)) else value


def _field(layers, axis):
    """(size, jump, start) of the last layer, computed from the output end: a field of r cells of a layer covers
    (r - 1) * s + span cells of its input."""
    size, jump, start = 1, 1, 0
    for layer in reversed(layers):
        k, s = _get(layer, "kernel", 1, axis), _get(layer, "stride", 1, axis)
        p, d = _get(layer, "padding", 0, axis), _get(layer, "dilation", 1, axis)
        size = (size - 1) * s + d * (k - 1) + 1
        start = start * s - p
        jump = jump * s
    return size, jump, start


def receptive_field(layers):
    rows = [[_field(layers[:count], axis) for axis in range(2)] for count in range(1, len(layers) + 1)]
    table = np.array(rows).reshape(len(layers), 2, 3)
    return table[..., 0], table[..., 1], table[..., 2]
