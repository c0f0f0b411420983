"""The global-average-pooling reference (exercise 10) against plain loops, its dtype rule, and the parameter counts
its concept states."""

import re

import numpy as np
import pytest

import solutions
from grader.spec.loader import load_exercise
from conftest import REPO


def loop_mean(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C))
    for n in range(N):
        for c in range(C):
            total = 0.0
            for i in range(H):
                for j in range(W):
                    total += float(x[n, c, i, j])
            out[n, c] = total / (H * W)
    return out


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (2, 3, 4, 5), (3, 2, 1, 7), (1, 4, 6, 1)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8"])
def test_matches_loops_and_keeps_the_dtype_rule(shape, dtype):
    x = (np.random.default_rng(len(shape) + sum(shape)).uniform(0, 200, size=shape)).astype(dtype)
    out = solutions.global_avg_pool(x)
    assert out.dtype == (np.float32 if dtype == "float32" else np.float64)
    np.testing.assert_allclose(out, loop_mean(x), rtol=1e-5 if dtype == "float32" else 1e-12)


def test_refuses_maps_without_pixels_and_non_4d_input():
    with pytest.raises(ValueError):
        solutions.global_avg_pool(np.zeros((2, 3, 0, 4)))
    with pytest.raises(ValueError):
        solutions.global_avg_pool(np.zeros((2, 3, 4)))


def test_the_concept_counts_are_right():
    concept = " ".join(load_exercise(REPO / "exercises" / "exercise-10.yaml").concept.split())
    flatten_head, pooled_head = 512 * 7 * 7 * 1000 + 1000, 512 * 1000 + 1000
    assert f"{flatten_head:,}" in concept and f"{pooled_head:,}" in concept
    assert re.search(rf"about {round(flatten_head / pooled_head)} times fewer", concept)
