"""Functions a case may hand to the learner (`f: {function: tanh}`): a fixed table of plain NumPy formulas.

Only arrays and plain values cross the wire, so a function travels as its name (`{"$function": "tanh"}`) and the
worker builds it here, from this table and nothing else: a case picks a name, never code. Each built function is
a fresh lambda whose globals are only the builtins, NumPy and its own constant weights, so learner code that inspects it
(`f.__globals__`, `f.__closure__`) finds nothing of the grader, and changing its weights spoils only its own
answer. The grader builds the same functions for the reference (`KnownFunction`).

A worker piece (launch.WORKER_PIECES): standard library at the top, NumPy imported inside the functions."""

# name -> (formula in x, constant weights it reads: name -> (seed, shape)). Every formula keeps its work bounded by
# the size of x; the weights are drawn once from a fixed seed, so grader and worker hold the same numbers.
KNOWN_FORMULAS = {
    "tanh": ("np.tanh(x)", {}),
    "sigmoid": ("1 / (1 + np.exp(-x))", {}),
    "cube": ("x ** 3", {}),
    "abs": ("np.abs(x)", {}),
    "relu": ("np.maximum(x, 0)", {}),
    # softmax over the last axis: every output depends on every input of its row
    "softmax": ("np.exp(x - x.max(axis=-1, keepdims=True)) / np.exp(x - x.max(axis=-1, keepdims=True))"
                ".sum(axis=-1, keepdims=True)", {}),
    # (N, 4) @ (4, 3): each output mixes a whole row of x
    "matmul": ("x @ W", {"W": (12, (4, 3))}),
    # the course's own conv layer: x (N, 2, H, W) with 3 fixed 3x3 filters, padding 1 -> (N, 3, H, W)
    "conv2d": ("np.einsum('nchwij,fcij->nfhw', np.lib.stride_tricks.sliding_window_view("
               "np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), axis=(2, 3)), W)", {"W": (17, (3, 2, 3, 3))}),
}


class UnknownFunction(ValueError):
    """A name the table does not hold."""


def known_function(name):
    """A new plain function computing the table's formula `name`; UnknownFunction for any other name."""
    import builtins
    import numpy as np
    if type(name) is not str or name not in KNOWN_FORMULAS:
        raise UnknownFunction(f"no known function is called {str(name)[:40]!r}")
    formula, weights = KNOWN_FORMULAS[name]
    namespace = {"__builtins__": builtins, "np": np}  # NumPy imports lazily through them
    for weight, (seed, shape) in weights.items():
        namespace[weight] = np.random.default_rng(seed).standard_normal(shape)
    function = eval(f"lambda x: {formula}", namespace)  # a constant of this module, never a case's text
    function.__name__ = function.__qualname__ = name
    return function


class KnownFunction:
    """The grader's side of a function argument: callable like the worker's, and sent by name (wire.pack)."""

    __slots__ = ("name", "_function")

    def __init__(self, name):
        self.name = name
        self._function = known_function(name)

    def __call__(self, x):
        return self._function(x)

    @property
    def formula(self):
        return KNOWN_FORMULAS[self.name][0]

    @property
    def weights(self):
        """Copies of the constant weights the formula reads (e.g. W of matmul), for the reference's gradient."""
        return {name: self._function.__globals__[name].copy() for name in KNOWN_FORMULAS[self.name][1]}

    def __eq__(self, other):
        return isinstance(other, KnownFunction) and other.name == self.name

    def __hash__(self):
        return hash(("KnownFunction", self.name))

    def __repr__(self):
        return f"<known function {self.name}: {self.formula}>"
