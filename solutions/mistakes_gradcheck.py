"""Deliberately WRONG variants of numerical_gradient (exercise 12), one per learner mistake. Each has its signature
and never changes the caller's x (a learner's version that does is reported by the grader's input check too)."""

import numpy as np

from .gradcheck import central_differences

__all__ = [
    "numerical_gradient_forward",
    "numerical_gradient_over_eps",
    "numerical_gradient_dout_ignored",
    "numerical_gradient_all_at_once",
    "numerical_gradient_not_restored",
    "numerical_gradient_shared_copies",
    "numerical_gradient_fixed_eps",
]


def _loss(f, x, dout):
    return np.sum(np.asarray(f(x), dtype=np.float64) * dout)


def numerical_gradient_forward(f, x, dout, eps=1e-5):
    """Mistake: one-sided differences (L(x + eps e_i) - L(x)) / eps, whose error grows with eps times the curvature."""
    moved, dout = np.array(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    base, grad = _loss(f, moved, dout), np.zeros_like(moved)
    for index in np.ndindex(moved.shape):
        original = moved[index]
        moved[index] = original + eps
        grad[index] = (_loss(f, moved, dout) - base) / eps
        moved[index] = original
    return grad


def numerical_gradient_over_eps(f, x, dout, eps=1e-5):
    """Mistake: the central difference is divided by eps instead of 2 * eps: every value twice too large."""
    return 2 * central_differences(f, x, dout, eps)


def numerical_gradient_dout_ignored(f, x, dout, eps=1e-5):
    """Mistake: central differences of sum(f(x)), as if dout were all ones."""
    return central_differences(f, x, np.ones(np.shape(f(np.array(x, dtype=np.float64)))), eps)


def numerical_gradient_all_at_once(f, x, dout, eps=1e-5):
    """Mistake: the whole of x is moved by +-eps at once, so every element gets the same number (the sum of the
    true gradient, in effect)."""
    x, dout = np.array(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    slope = (_loss(f, x + eps, dout) - _loss(f, x - eps, dout)) / (2 * eps)
    return np.full_like(x, slope)


def numerical_gradient_not_restored(f, x, dout, eps=1e-5):
    """Mistake: x[i] is moved to x[i] + eps, then to x[i] - eps, and left there: each later element is measured
    around an x whose earlier elements are all eps too small (done on a copy here; a learner changes the caller's x)."""
    moved, dout = np.array(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(moved)
    for index in np.ndindex(moved.shape):
        original = moved[index]
        moved[index] = original + eps
        plus = _loss(f, moved, dout)
        moved[index] = original - eps
        grad[index] = (plus - _loss(f, moved, dout)) / (2 * eps)
    return grad


def numerical_gradient_shared_copies(f, x, dout, eps=1e-5):
    """Mistake: x_plus = x and x_minus = x are the same array, so after += eps and -= eps both sides see the
    original x and every difference is 0."""
    return np.zeros(np.shape(x), dtype=np.float64)


def numerical_gradient_fixed_eps(f, x, dout, eps=1e-5):
    """Mistake: a step of 1e-5 written into the code, whatever eps the caller passes."""
    return central_differences(f, x, dout, 1e-5)
