"""exercise-3 (maxpool2d): max pooling tolerates shifts within a window but is not invariant to them. Format:
docs/exercise-format.md, "Instructor checks"."""

import numpy as np


def first_difference(got, want):
    """"" when `got` matches `want`, else where and how it differs."""
    wrong = ~np.isclose(got, want, rtol=1e-6, atol=1e-8)
    if not wrong.any():
        return ""
    index = tuple(int(k) for k in np.argwhere(wrong)[0])
    return f"at index {index} the expected value is {want[index]:g}, yours is {got[index]:g}"


def test_one_pixel_shift(learner, reference, rng):
    """A one-pixel shift: a maximum that stays inside its window survives pooling, the others change."""
    canvas = rng.permutation(2 * 3 * 6 * 9).reshape(2, 3, 6, 9).astype(float)  # distinct values: no ties
    image, moved = canvas[..., 1:].copy(), canvas[..., :8].copy()  # `moved`: the content one pixel to the right
    want, want_moved = reference(image, 2), reference(moved, 2)
    survived = int(np.sum(want == want_moved))
    story = (f"Max pooling tolerates small shifts but is not invariant to them: after moving the input one pixel "
             f"to the right, {survived} of {want.size} pooled values stay the same (their maximum is still inside "
             f"its window) and {want.size - survived} change. ")
    problem = first_difference(learner(image, 2), want)
    assert not problem, story + f"Your pooled output before the move must match the expected one: {problem}."
    problem = first_difference(learner(moved, 2), want_moved)
    assert not problem, story + f"Your pooled output after the move must match the expected one too: {problem}."
