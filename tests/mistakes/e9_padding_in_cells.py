"""Moves the start back by the padding itself, in the layer's cells, not in input pixels."""
import numpy as np


def receptive_field(layers):
    size, jump, start = np.array([1, 1]), np.array([1, 1]), np.array([0, 0])
    sizes, jumps, starts = [], [], []
    for layer in layers:
        k, s, p, d = (np.array(layer.get(key, default)) * np.ones(2, int)
                      for key, default in (("kernel", 1), ("stride", 1), ("padding", 0), ("dilation", 1)))
        size = size + (d * (k - 1)) * jump
        start = start - p
        jump = jump * s
        sizes.append(size); jumps.append(jump); starts.append(start)
    return np.stack(sizes), np.stack(jumps), np.stack(starts)
