"""Deliberately WRONG variants of receptive_field, exercise 9's reference (family receptive-field).

Each has receptive_field's signature and stands in for it; each makes one slip and gets everything else right."""

import numpy as np

from .receptive import layer_geometry, receptive_field


def _walk(layers, step):
    """The (size, jump, start) tables, with `step(size, jump, start, kernel, stride, padding, dilation)` per axis."""
    rows, fields = [], [(1, 1, 0), (1, 1, 0)]
    for layer in layers:
        geometry = layer_geometry(layer)
        fields = [step(*fields[axis], *(value[axis] for value in geometry)) for axis in (0, 1)]
        rows.append(fields)
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 2, 3)
    return table[:, :, 0].copy(), table[:, :, 1].copy(), table[:, :, 2].copy()


def receptive_field_no_jump(layers):
    """Mistake: the field grows by span - 1 input pixels per layer, as if every layer's inputs were one pixel apart
    (kernel sizes added up without the jump)."""
    def step(size, jump, start, k, s, p, d):
        return size + d * (k - 1), jump * s, start - p * jump
    return _walk(layers, step)


def receptive_field_jump_too_early(layers):
    """Mistake: the jump is multiplied by this layer's stride before the field grows, so the layer's own stride
    scales its own kernel."""
    def step(size, jump, start, k, s, p, d):
        return size + d * (k - 1) * jump * s, jump * s, start - p * jump
    return _walk(layers, step)


def receptive_field_stride_not_compounded(layers):
    """Mistake: the jump is this layer's stride alone, not the product of the strides so far."""
    def step(size, jump, start, k, s, p, d):
        return size + d * (k - 1) * jump, s, start - p * jump
    return _walk(layers, step)


def receptive_field_dilation_ignored(layers):
    """Mistake: dilation is left out; every kernel spans k cells."""
    def step(size, jump, start, k, s, p, d):
        return size + (k - 1) * jump, jump * s, start - p * jump
    return _walk(layers, step)


def receptive_field_dilation_times_kernel(layers):
    """Mistake: a dilated kernel is taken to span d*k cells instead of d*(k - 1) + 1."""
    def step(size, jump, start, k, s, p, d):
        return size + (d * k - 1) * jump, jump * s, start - p * jump
    return _walk(layers, step)


def receptive_field_padding_ignored(layers):
    """Mistake: padding never moves the start, which stays 0."""
    def step(size, jump, start, k, s, p, d):
        return size + d * (k - 1) * jump, jump * s, start
    return _walk(layers, step)


def receptive_field_padding_not_scaled(layers):
    """Mistake: the start moves back by the padding in the layer's own cells, not in input pixels (p, not p*jump)."""
    def step(size, jump, start, k, s, p, d):
        return size + d * (k - 1) * jump, jump * s, start - p
    return _walk(layers, step)


def receptive_field_start_at_centre(layers):
    """Mistake: the start is the centre of the field of output (0, 0), not its first pixel."""
    size, jump, start = receptive_field(layers)
    return size, jump, start + (size - 1) / 2
