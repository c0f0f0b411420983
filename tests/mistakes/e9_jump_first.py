"""Updates the jump first, then grows the field with the new jump."""
import numpy as np


def receptive_field(layers):
    out = []
    size, jump, start = [1, 1], [1, 1], [0, 0]
    for layer in layers:
        for a in range(2):
            get = lambda key, default: layer.get(key, default) if isinstance(layer.get(key, default), int) \
                else layer.get(key, default)[a]
            jump[a] *= get("stride", 1)
            size[a] += get("dilation", 1) * (get("kernel", 1) - 1) * jump[a]
            start[a] -= get("padding", 0) * (jump[a] // get("stride", 1))
        out.append((list(size), list(jump), list(start)))
    return tuple(np.array([row[i] for row in out]) for i in range(3))
