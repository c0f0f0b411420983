"""A function argument in a case (`f: {function: tanh}`): one name from the fixed table the worker builds from.

The table itself (the formulas) is grader/sandbox/known_functions.py, a worker piece; spec/ may not import it,
so the names are repeated here and a test keeps the two lists equal."""

from __future__ import annotations

from dataclasses import dataclass

from .yamlsource import View

FUNCTION_NAMES = ("tanh", "sigmoid", "cube", "abs", "relu", "softmax", "matmul", "conv2d")


@dataclass(frozen=True)
class FunctionSpec:
    """A function the learner's code receives: the table's function of this name, built inside the worker."""

    name: str


def function_spec(view: View) -> FunctionSpec:
    """`{function: <name>}`, the name one of FUNCTION_NAMES (a definition error naming the field otherwise)."""
    view.mapping(("function",))
    return FunctionSpec(view["function"].choice(FUNCTION_NAMES))
