"""Takes the jump to be the layer's own stride."""
import numpy as np


def receptive_field(layers):
    sizes, jumps, starts = [], [], []
    size, prev_stride, start = [1, 1], [1, 1], [0, 0]
    for layer in layers:
        pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)
        k, s, p, d = (pair(layer.get(key, default)) for key, default in
                      (("kernel", 1), ("stride", 1), ("padding", 0), ("dilation", 1)))
        size = [size[a] + d[a] * (k[a] - 1) * prev_stride[a] for a in range(2)]
        start = [start[a] - p[a] * prev_stride[a] for a in range(2)]
        prev_stride = list(s)
        sizes.append(size); jumps.append(list(s)); starts.append(start)
    return np.array(sizes), np.array(jumps), np.array(starts)
