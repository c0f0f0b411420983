"""The receptive-field reference (exercise 9) against a brute-force oracle: real stacks of the project's own conv and
pool references, and which input pixels reach one output, found two ways:

- a one-hot output gradient pushed back through solutions.conv2d_backward (pool layers as an all-ones kernel: the
  same window, and a gradient that reaches every pixel of it; dilation as a kernel with zeros between its taps);
- a single input pixel made huge, through the real solutions.maxpool2d and positive convolutions.

The field is read where it lies wholly inside the input (an output far from the border), then moved back to output
(0, 0): start = first pixel - i * jump. Dilated fields have holes; size is first to last."""

from __future__ import annotations

import numpy as np
import pytest

import solutions
from solutions.receptive import layer_geometry


def random_stack(rng, pool_padding_limit=False):
    layers = []
    for _ in range(int(rng.integers(1, 5))):
        kernel = [int(k) for k in rng.integers(1, 5, size=2)]
        layer = {"kernel": kernel if rng.random() < 0.5 else kernel[0]}
        if rng.random() < 0.6:
            layer["stride"] = [int(s) for s in rng.integers(1, 4, size=2)]
        if rng.random() < 0.6:
            layer["padding"] = [int(p) for p in rng.integers(0, 3, size=2)]
        if rng.random() < 0.5:
            layer["dilation"] = [int(d) for d in rng.integers(1, 4, size=2)]
        layers.append(layer)
    return layers


def spread_kernel(kernel, dilation):
    """An all-ones (KH, KW) kernel with its taps `dilation` apart (zeros between), as a (1, 1, ., .) weight."""
    (kh, kw), (dh, dw) = kernel, dilation
    weight = np.zeros((1, 1, dh * (kh - 1) + 1, dw * (kw - 1) + 1))
    weight[0, 0, ::dh, ::dw] = 1.0
    return weight


def forward_shapes(layers, shape):
    """The input of every layer, as zeros (conv2d_backward needs x only for its shape)."""
    inputs = []
    x = np.zeros((1, 1) + shape)
    for layer in layers:
        kernel, stride, padding, dilation = layer_geometry(layer)
        inputs.append(x)
        x = solutions.conv2d(x, spread_kernel(kernel, dilation), stride=stride, padding=padding)
    return inputs, x.shape[2:]


def reached_by_gradient(layers, shape, output):
    """The input pixels whose gradient is nonzero when output `output` of the last layer gets gradient 1."""
    inputs, out_shape = forward_shapes(layers, shape)
    dout = np.zeros((1, 1) + out_shape)
    dout[(0, 0) + output] = 1.0
    for layer, x in zip(reversed(layers), reversed(inputs)):
        kernel, stride, padding, dilation = layer_geometry(layer)
        dout, _, _ = solutions.conv2d_backward(dout, x, spread_kernel(kernel, dilation), stride, padding)
    return dout[0, 0] != 0


def measured(reached, output_index, axis):
    """(first, last) input coordinate reached along `axis`, or None if the field touches the input's border."""
    hits = np.flatnonzero(reached.any(axis=1 - axis))
    if hits.size == 0 or hits[0] == 0 or hits[-1] == reached.shape[axis] - 1:
        return None
    return int(hits[0]), int(hits[-1])


def oracle(layers, reach):
    """(size, jump, start) of the last layer for each axis, from `reach(shape, output)`: grows the input until an
    output in the middle and its neighbours have fields well inside it."""
    for side in (24, 48, 96, 192, 400):
        shape = (side, side)
        try:
            _, out_shape = forward_shapes(layers, shape)
        except ValueError:  # a kernel bigger than its padded input: try a larger one
            continue
        if min(out_shape) < 3:
            continue
        middle = (out_shape[0] // 2, out_shape[1] // 2)
        here = reach(shape, middle)
        below = reach(shape, (middle[0] + 1, middle[1]))
        right = reach(shape, (middle[0], middle[1] + 1))
        found = []
        for axis, neighbour in ((0, below), (1, right)):
            span, moved = measured(here, middle, axis), measured(neighbour, middle, axis)
            if span is None or moved is None:
                break
            jump = moved[0] - span[0]
            found.append((span[1] - span[0] + 1, jump, span[0] - middle[axis] * jump))
        if len(found) == 2:
            return found
    raise AssertionError(f"no input size fits the field of {layers}")


def last_row(layers):
    size, jump, start = solutions.receptive_field(layers)
    return [(int(size[-1, axis]), int(jump[-1, axis]), int(start[-1, axis])) for axis in (0, 1)]


@pytest.mark.parametrize("seed", range(8))
def test_reference_matches_the_gradient_oracle_on_random_stacks(seed):
    rng = np.random.default_rng([20240917, seed])
    for _ in range(12):
        layers = random_stack(rng)
        got = last_row(layers)
        want = oracle(layers, lambda shape, output: reached_by_gradient(layers, shape, output))
        assert got == want, layers
        # every row is the field of the stack cut after that layer
        size, jump, start = solutions.receptive_field(layers)
        for count in range(1, len(layers)):
            assert last_row(layers[:count]) == [(size[count - 1, a], jump[count - 1, a], start[count - 1, a])
                                                for a in (0, 1)]


def reached_by_perturbation(stack, shape, output):
    """Input pixels that change output `output` when made huge, through real max pooling and positive convs."""
    rows, cols = shape
    base = np.random.default_rng(0).uniform(0, 1, size=(1, 1) + shape)
    batch = np.repeat(base, rows * cols, axis=0)
    batch[np.arange(rows * cols), 0, np.arange(rows * cols) // cols, np.arange(rows * cols) % cols] = 1e6
    plain, moved = base, batch
    for kind, layer in stack:
        kernel, stride, padding, dilation = layer_geometry(layer)
        if kind == "pool":
            plain, moved = (solutions.maxpool2d(a, kernel, stride, padding) for a in (plain, moved))
        else:
            weight = spread_kernel(kernel, dilation)
            plain, moved = (solutions.conv2d(a, weight, stride=stride, padding=padding) for a in (plain, moved))
    changed = moved[(slice(None), 0) + output] != plain[(0, 0) + output]
    return changed.reshape(shape)


@pytest.mark.parametrize("seed", range(3))
def test_reference_matches_real_max_pooling_when_one_pixel_is_perturbed(seed):
    rng = np.random.default_rng([7, seed])
    for _ in range(3):
        stack = []
        for _ in range(3):
            kernel = [int(k) for k in rng.integers(2, 4, size=2)]
            if rng.random() < 0.5:
                padding = [int(rng.integers(0, k // 2 + 1)) for k in kernel]
                stack.append(("pool", {"kernel": kernel, "stride": [int(s) for s in rng.integers(1, 3, size=2)],
                                       "padding": padding}))
            else:
                stack.append(("conv", {"kernel": kernel, "padding": [int(p) for p in rng.integers(0, 2, size=2)],
                                       "dilation": [int(d) for d in rng.integers(1, 3, size=2)]}))
        layers = [layer for _, layer in stack]

        def reach(shape, output):
            return reached_by_perturbation(stack, shape, output)

        assert last_row(layers) == oracle(layers, reach), stack


def test_known_networks():
    vgg_block = [{"kernel": 3, "padding": 1}] * 2 + [{"kernel": 2, "stride": 2}]
    size, jump, start = solutions.receptive_field(vgg_block)
    assert size[:, 0].tolist() == [3, 5, 6] and jump[:, 0].tolist() == [1, 1, 2] and start[:, 0].tolist() == [-1, -2, -2]
    stem = [{"kernel": 7, "stride": 2, "padding": 3}, {"kernel": 3, "stride": 2, "padding": 1}]
    size, jump, start = solutions.receptive_field(stem)
    assert size[-1].tolist() == [11, 11] and jump[-1].tolist() == [4, 4] and start[-1].tolist() == [-5, -5]
    assert all(part.dtype == np.int64 and part.shape == (2, 2) for part in (size, jump, start))


@pytest.mark.parametrize("layer", [{"kernel": 0}, {"stride": 2}, {"kernel": 3, "strides": 2}, {"kernel": [3]},
                                   {"kernel": 3, "dilation": 0}, {"kernel": 3, "padding": -1}, [3]])
def test_bad_layers_are_refused(layer):
    with pytest.raises(ValueError):
        solutions.receptive_field([layer])


@pytest.mark.parametrize("variant", ["receptive_field_no_jump", "receptive_field_jump_too_early",
                                     "receptive_field_stride_not_compounded", "receptive_field_dilation_ignored",
                                     "receptive_field_dilation_times_kernel", "receptive_field_padding_ignored",
                                     "receptive_field_padding_not_scaled", "receptive_field_start_at_centre"])
def test_the_oracle_catches_every_known_mistake(variant):
    from solutions import misconceptions
    wrong = getattr(misconceptions, variant)
    rng = np.random.default_rng([99, len(variant)])
    for _ in range(20):
        layers = random_stack(rng)
        size, jump, start = wrong(layers)
        mistaken = [(size[-1, a], jump[-1, a], start[-1, a]) for a in (0, 1)]
        if mistaken != oracle(layers, lambda shape, output: reached_by_gradient(layers, shape, output)):
            return
    raise AssertionError(f"{variant} agrees with the oracle on 20 random stacks")
