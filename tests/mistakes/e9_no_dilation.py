"""Never reads the dilation."""
import numpy as np


def receptive_field(layers):
    rows = []
    field = [[1, 1, 0], [1, 1, 0]]
    for layer in layers:
        for a in range(2):
            k = layer["kernel"] if isinstance(layer["kernel"], int) else layer["kernel"][a]
            s = layer.get("stride", 1)
            s = s if isinstance(s, int) else s[a]
            p = layer.get("padding", 0)
            p = p if isinstance(p, int) else p[a]
            size, jump, start = field[a]
            field[a] = [size + (k - 1) * jump, jump * s, start - p * jump]
        rows.append([list(f) for f in field])
    table = np.array(rows)  # (L, 2, 3)
    return table[:, :, 0], table[:, :, 1], table[:, :, 2]
