"""Adds the kernel sizes up layer after layer and never scales them by the jump."""
import numpy as np


def receptive_field(layers):
    sizes, jumps, starts = [], [], []
    size, jump, start = np.ones(2, int), np.ones(2, int), np.zeros(2, int)
    for layer in layers:
        k = np.broadcast_to(layer["kernel"], 2)
        s = np.broadcast_to(layer.get("stride", 1), 2)
        p = np.broadcast_to(layer.get("padding", 0), 2)
        d = np.broadcast_to(layer.get("dilation", 1), 2)
        size = size + d * (k - 1)
        start = start - p * jump
        jump = jump * s
        sizes.append(size); jumps.append(jump); starts.append(start)
    return np.array(sizes), np.array(jumps), np.array(starts)
