# Correct exercise 9 with a small class per axis and a list comprehension per output.
from dataclasses import dataclass

import numpy as np


@dataclass
class Field:
    size: int = 1
    jump: int = 1
    start: int = 0

    def through(self, k, s, p, d):
        return Field(self.size + (d * (k - 1)) * self.jump, self.jump * s, self.start - p * self.jump)


def as_pair(value):
    return (value, value) if np.isscalar(value) else tuple(value)


def receptive_field(layers):
    fields, history = [Field(), Field()], []
    for layer in layers:
        k, s = as_pair(layer["kernel"]), as_pair(layer.get("stride", 1))
        p, d = as_pair(layer.get("padding", 0)), as_pair(layer.get("dilation", 1))
        fields = [fields[a].through(k[a], s[a], p[a], d[a]) for a in range(2)]
        history.append(fields)
    return tuple(np.array([[getattr(f, name) for f in row] for row in history], dtype=int)
                 for name in ("size", "jump", "start"))
