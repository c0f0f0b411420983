"""exercise-2 (conv2d) and exercise-8 (conv2d_fast, the same layer): properties graded as properties.
Format: docs/exercise-format.md, "Instructor checks"."""

import numpy as np
import pytest


def moved_pair(rng, shape, dy, dx):
    """Two batches of images; in the second, the content of the first sits dy rows lower and dx columns further
    right (new pixels enter at the top and the left)."""
    n, c, h, w = shape
    canvas = rng.standard_normal((n, c, h + dy, w + dx))
    return canvas[..., dy:, dx:].copy(), canvas[..., :h, :w].copy()


def equivariance_problem(before, after, a, b):
    """"" when `after` is `before` moved by (a, b) output pixels wherever both are defined, else the evidence."""
    oh, ow = before.shape[-2:]
    expected = before[..., : oh - a, : ow - b]
    moved = after[..., a:, b:]
    wrong = ~np.isclose(moved, expected, rtol=1e-6, atol=1e-6)
    if not wrong.any():
        return ""
    n, f, i, j = (int(k) for k in np.argwhere(wrong)[0])
    return (f"your output for image {n}, filter {f} at row {i + a}, column {j + b} after the move is "
            f"{moved[n, f, i, j]:.6g}, but before the move it was {expected[n, f, i, j]:.6g} at row {i}, "
            f"column {j} ({int(wrong.sum())} of {wrong.size} such values differ)")


def test_shift_equivariance(learner, rng):
    """Translation equivariance: moving the image moves the feature map by the same amount."""
    before, after = moved_pair(rng, (2, 3, 7, 9), dy=1, dx=2)
    weight = rng.standard_normal((4, 3, 3, 2))
    bias = rng.standard_normal(weight.shape[0])
    problem = equivariance_problem(learner(before, weight, bias=bias), learner(after, weight, bias=bias), 1, 2)
    assert not problem, (
        "Shifting the input should shift your output by the same amount; yours changed in another way. "
        f"With the images moved 1 row down and 2 columns right, {problem}. Each output pixel must depend only "
        "on the window of input under it, wherever that window is.")


@pytest.mark.hidden
def test_shift_equivariance_with_stride(learner, rng):
    """Translation equivariance with a stride: a move by a multiple of the stride moves the output by the quotient."""
    before, after = moved_pair(rng, (3, 4, 11, 12), dy=2, dx=3)
    weight = rng.standard_normal((5, 4, 3, 3))
    problem = equivariance_problem(learner(before, weight, stride=(2, 1)), learner(after, weight, stride=(2, 1)),
                                   1, 3)
    assert not problem, "Shifting the input should shift your output by the same amount; yours changed in another way."
