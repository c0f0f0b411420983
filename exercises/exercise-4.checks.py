"""exercise-4 (flatten): flatten works on each image alone. Format: docs/exercise-format.md, "Instructor checks"."""

import numpy as np


def test_batch_permutation(learner, rng):
    """Permuting the images of a batch permutes the rows of the output the same way."""
    x = rng.standard_normal((5, 3, 4, 2))
    order = np.array([3, 0, 4, 1, 2])
    rows, rows_permuted = learner(x), learner(x[order])
    wrong = [r for r in range(len(order)) if not np.allclose(rows_permuted[r], rows[order[r]], rtol=1e-6, atol=1e-8)]
    assert not wrong, (
        "Permuting the images of the batch should permute the rows of your output the same way; yours changed in "
        f"another way. The batch in the order {order.tolist()} puts image {order[wrong[0]]} in row {wrong[0]}, but "
        f"that row differs from row {order[wrong[0]]} of your output for the batch in its first order.")


def test_no_data_moves_between_images(learner):
    """Flatten moves no data between images: row n holds the values of image n, and only those."""
    x = np.arange(4 * 2 * 3 * 3, dtype=float).reshape(4, 2, 3, 3)  # image n holds 18n, ..., 18n + 17
    rows = learner(x)
    owners = np.floor_divide(rows, x[0].size).astype(int)  # which image each value came from
    wrong = [n for n in range(len(x)) if not np.all(owners[n] == n)]
    strangers = sorted({int(m) for m in owners[wrong[0]].ravel() if m != wrong[0]}) if wrong else []
    assert not wrong, (
        "Flatten moves no data between images: row n of your output should hold the values of image n only. "
        f"Your row {wrong[0] if wrong else 0} also holds values of image(s) {strangers}; take each image's values "
        "from that image alone, e.g. reshape with the batch axis kept first.")
