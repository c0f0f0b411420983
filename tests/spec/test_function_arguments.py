"""A function argument in a case (`f: {function: tanh}`): a name from the fixed table, checked when the file loads."""

from __future__ import annotations

import textwrap

import pytest

from grader.errors import DefinitionError
from grader.sandbox.known_functions import KNOWN_FORMULAS
from grader.spec.functions import FUNCTION_NAMES, FunctionSpec
from grader.spec.loader import load_exercise

EXERCISE = textwrap.dedent("""\
    schema_version: 1
    id: ex-f
    title: "Gradient check"
    concept: "Central differences."
    entry_point: {name: numerical_gradient, signature: "numerical_gradient(f, x, dout, eps=1e-5)"}
    starter: |
      def numerical_gradient(f, x, dout, eps=1e-5):
          raise NotImplementedError
    reference: solutions.numerical_gradient
    cases:
      - name: tanh
        args:
          f: FUNCTION
          x: {shape: [3]}
          dout: {shape: [3]}
""")


def load(tmp_path, function: str):
    path = tmp_path / "ex-f.yaml"
    path.write_text(EXERCISE.replace("FUNCTION", function))
    return load_exercise(path)


def test_the_spec_lists_exactly_the_worker_table_names():
    assert set(FUNCTION_NAMES) == set(KNOWN_FORMULAS)


def test_a_known_name_becomes_a_function_spec(tmp_path):
    case = load(tmp_path, "{function: softmax}").cases[0]
    assert dict(case.args)["f"] == FunctionSpec("softmax")


@pytest.mark.parametrize("function, message", [
    ("{function: tanhh}", "'cases[0].args.f.function' must be one of tanh, sigmoid, cube, abs, relu, softmax, matmul, "
                          "conv2d, not 'tanhh' (did you mean 'tanh'?)"),
    ("{function: tanh, seed: 3}", "seed"),
    ("{function: [tanh]}", "function"),
    ("{function: __import__}", "must be one of"),
])
def test_anything_else_is_a_definition_error_naming_the_field_and_line(tmp_path, function, message):
    with pytest.raises(DefinitionError) as caught:
        load(tmp_path, function)
    assert caught.value.line == 13 and message in str(caught.value)
    assert "ex-f.yaml" in str(caught.value)
