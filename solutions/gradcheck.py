"""Reference for gradient checking: central differences of sum(f(x) * dout) with respect to x.

On the grader's side, a case's f is one of the known functions (grader/sandbox/known_functions.py) and the expected
answer is its ANALYTIC gradient wherever central differences of the case's eps resolve it; where they cannot (x
within eps of a kink, or an eps so large that the curvature shows), it is what central differences of that eps give,
which is what the learner is asked to compute. Run as a submission (`grade validate`), f is a plain function and
this is central differences alone: so validation proves that central differences meet the tolerance."""

import numpy as np

from .backward import conv2d_backward

# Central differences "resolve" the derivative where they agree with it to a tenth of exercise-12's tolerance
# (rtol 1e-5, atol 1e-6): there, any correct learner answer (rounding ~1e-9) is within tolerance of the analytic one.
RESOLVED_RTOL, RESOLVED_ATOL = 1e-6, 1e-7


def numerical_gradient(f, x, dout, eps=1e-5):
    """d sum(f(x) * dout) / dx by central differences, shaped like x (float64); see the module's docstring."""
    numeric = central_differences(f, x, dout, eps)
    analytic = analytic_gradient(f, x, dout)
    if analytic is None:
        return numeric
    resolved = np.isclose(numeric, analytic, rtol=RESOLVED_RTOL, atol=RESOLVED_ATOL)
    return np.where(resolved, analytic, numeric)


def central_differences(f, x, dout, eps):
    """One element at a time: (L(x + eps e_i) - L(x - eps e_i)) / (2 eps) with L(x) = sum(f(x) * dout)."""
    moved = np.array(x, dtype=np.float64)  # a copy: the caller's x is never touched
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(moved)
    for index in np.ndindex(moved.shape):
        original = moved[index]
        moved[index] = original + eps
        plus = np.sum(np.asarray(f(moved), dtype=np.float64) * dout)
        moved[index] = original - eps
        minus = np.sum(np.asarray(f(moved), dtype=np.float64) * dout)
        moved[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def analytic_gradient(f, x, dout):
    """The exact gradient of sum(f(x) * dout) for a known function of the grader (None for any other f)."""
    if type(f).__name__ != "KnownFunction" or getattr(f, "name", None) not in _VECTOR_JACOBIAN:
        return None
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    return _VECTOR_JACOBIAN[f.name](x, dout, f.weights)


def _softmax_rows(x):
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _sigmoid_of(x):
    return 1 / (1 + np.exp(-x))


# name -> (x, dout, the function's constant weights) -> gradient; the kinks of abs and relu (x = 0) get 0
_VECTOR_JACOBIAN = {
    "tanh": lambda x, dout, w: dout * (1 - np.tanh(x) ** 2),
    "sigmoid": lambda x, dout, w: dout * _sigmoid_of(x) * (1 - _sigmoid_of(x)),
    "cube": lambda x, dout, w: dout * 3 * x ** 2,
    "abs": lambda x, dout, w: dout * np.sign(x),
    "relu": lambda x, dout, w: dout * (x > 0),
    "softmax": lambda x, dout, w: _softmax_rows(x) * (dout - np.sum(dout * _softmax_rows(x), axis=-1, keepdims=True)),
    "matmul": lambda x, dout, w: dout @ w["W"].T,
    "conv2d": lambda x, dout, w: conv2d_backward(dout, x, w["W"], stride=1, padding=1)[0],
}
