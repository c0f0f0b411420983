"""exercise-1 (conv2d_single): properties graded as properties. Format: docs/exercise-format.md, "Instructor
checks"."""

import numpy as np


def test_shift_equivariance(learner, rng):
    """Translation equivariance: moving the image moves the feature map by the same amount."""
    dy, dx = 2, 1
    canvas = rng.standard_normal((8 + dy, 9 + dx))
    before, after = canvas[dy:, dx:].copy(), canvas[:8, :9].copy()  # `after`: the content moved down and right
    kernel = rng.standard_normal((3, 2))
    out_before, out_after = learner(before, kernel), learner(after, kernel)
    oh, ow = out_before.shape
    expected, moved = out_before[: oh - dy, : ow - dx], out_after[dy:, dx:]
    wrong = ~np.isclose(moved, expected, rtol=1e-6, atol=1e-6)
    i, j = (int(k) for k in np.argwhere(wrong)[0]) if wrong.any() else (0, 0)
    assert not wrong.any(), (
        "Shifting the input should shift your output by the same amount; yours changed in another way. With the "
        f"image moved {dy} rows down and {dx} column right, your output at row {i + dy}, column {j + dx} is "
        f"{moved[i, j]:.6g}, but before the move it was {expected[i, j]:.6g} at row {i}, column {j} "
        f"({int(wrong.sum())} of {wrong.size} such values differ). Each output pixel must depend only on the "
        "patch under the kernel, wherever that patch is.")
