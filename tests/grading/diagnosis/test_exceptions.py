"""A learner's exception explained: real NumPy and Python errors raised by learner-style code, described exactly as
the worker describes them, each mapped to its cause with the learner's own line as evidence."""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.grading.diagnosis.exceptions import explain_exception
from grader.grading.diagnosis.source import defined_names, read_source_lines
from grader.sandbox.worker_main import _describe_exception

SHAPES_SHOWN = ("(3,3,3)", "(2,3,3)", "3 against 2", "(2, 3")


def raise_in_learner_file(tmp_path: Path, source: str, *args, **kwargs):
    """Run `learner(...)` from a file written like a submission; returns (error dict as the worker sends it,
    the file's lines as the grader reads them)."""
    path = tmp_path / "exercise_2.py"
    path.write_text("import numpy as np\n\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("submission", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.learner(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - every kind is what we study
        return _describe_exception(err, err.__traceback__, str(tmp_path)), read_source_lines(path)
    raise AssertionError("the learner code did not raise")


def explain(tmp_path, source, *args, **kwargs):
    error, lines = raise_in_learner_file(tmp_path, source, *args, **kwargs)
    found = explain_exception(error, lines, hidden=False)
    assert found is not None, error
    assert found.source == "exception"
    return found, error


# --- NumPy's shape errors ------------------------------------------------------------------------------------------

def test_operands_that_do_not_broadcast_name_the_axis_and_quote_the_line(tmp_path):
    found, error = explain(tmp_path, """
        def learner(window, weight):
            out = np.zeros(2)
            for f in range(2):
                out[f] = np.sum(window * weight[f])
            return out
    """, np.ones((3, 3, 3)), np.ones((4, 2, 3, 3)))
    assert found.name == "shapes do not broadcast"
    assert found.evidence == f"line {error['line']}: `out[f] = np.sum(window * weight[f])`: axis 0 has 3 against 2"
    assert found.evidence.endswith("axis 0 has 3 against 2")
    assert ".transpose" in found.explanation


def test_a_hidden_case_keeps_the_line_and_type_but_no_shape(tmp_path):
    found, error = explain(tmp_path, """
        def learner(window, weight):
            return np.sum(window * weight[0])  # the line is quoted without its comment, "#" in strings kept
    """, np.ones((3, 3, 3)), np.ones((4, 2, 3, 3)))
    hidden = found.to_json(hidden=True)
    assert hidden["evidence"] == f"line {error['line']}: `return np.sum(window * weight[0])`"
    note = found.note(hidden=True)
    assert "`return np.sum(window * weight[0])`" in note and not any(text in note for text in SHAPES_SHOWN)
    assert not any(text in found.explanation for text in SHAPES_SHOWN)


def test_the_same_lengths_in_another_order_are_named(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, kernel):
            return x * kernel
    """, np.ones((2, 3, 4)), np.ones((4, 2, 3)))
    assert found.name == "axes in another order"
    assert "axis 0 has 2 against 4" in found.evidence


def test_a_window_sliced_past_the_edge_is_named(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(image, kernel):
            out = np.zeros((3, 3))
            for i in range(3):
                for j in range(3):
                    out[i, j] = np.sum(image[i:i + 3, j:j + 3] * kernel)
            return out
    """, np.ones((4, 4)), np.ones((3, 3)))
    assert found.name == "window cut short"
    assert found.evidence.endswith("`: axis 1 has 2 against 3")
    assert "range((size - kernel) // stride + 1)" in found.explanation


def test_an_einsum_over_a_window_cut_short_is_not_blamed_on_the_letters(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, weight):
            out = np.zeros((1, 1, 3, 3))
            for i in range(3):
                for j in range(3):
                    window = x[:, :, i:i + 3, j:j + 3]
                    out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, weight)
            return out
    """, np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)))
    assert found.name == "window cut short"
    assert found.evidence.endswith("axis 3 has 2 against 3")


def test_a_negated_padding_stop_is_the_empty_slice_when_padding_is_zero(tmp_path):
    found, error = explain(tmp_path, """
        def learner(dx_padded, p):
            dx = np.zeros((2, 3, 4, 4))
            dx[:] = dx_padded[:, :, p:-p, p:-p]
            return dx
    """, np.ones((2, 3, 4, 4)), 0)
    assert found.name == "empty slice"
    assert "the value you assign has shape (2, 3, 0, 0)" in found.evidence
    assert "`p:-p` ends at -0" in found.explanation
    assert "`p:dx_padded.shape[2] - p`" in found.explanation
    x = np.arange(16).reshape(1, 1, 4, 4)  # the advice, followed literally, keeps every row for p = 0 and p = 1
    for p in (0, 1):
        assert x[:, :, p:x.shape[2] - p].shape[2] == 4 - 2 * p


def test_an_index_into_an_empty_array_names_the_line_with_a_negated_stop(tmp_path):
    error, lines = raise_in_learner_file(tmp_path, """
        def learner(x, p):
            inner = x[:, p:-p]  # empty when p is 0
            return inner[:, 0]
    """, np.ones((3, 3)), 0)
    found = explain_exception(error, lines, hidden=False)
    assert found.name == "empty array" and found.evidence.startswith("line 6: `return inner[:, 0]`")
    assert "Line 5 has a slice ending in a negated name (like `p:-p`)" in found.explanation
    in_cell = explain_exception(error, lines, hidden=False, line_name=lambda line: f"cell 3, line {line - 3}")
    assert "Cell 3, line 2 has a slice ending in a negated name" in in_cell.explanation
    assert in_cell.evidence.startswith("cell 3, line 3: `return inner[:, 0]`")
    unnamed = explain_exception(error, lines, hidden=False, line_name=lambda line: "")  # a line no cell wrote
    assert "has a slice" not in unnamed.explanation and "Check the slices and size formulas" in unnamed.explanation


def test_an_empty_window_reduced_is_an_empty_slice(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, k):
            return x[:, k:-k].max()
    """, np.ones((3, 3)), 0)
    assert found.name == "empty slice" and found.evidence.endswith("`return x[:, k:-k].max()`")


def test_tensordot_axes_that_do_not_pair(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(window, weight):
            return np.tensordot(window, weight, axes=([0, 1, 2], [0, 2, 3]))
    """, np.ones((3, 3, 3)), np.ones((2, 3, 3, 3)))
    assert found.name == "tensordot axes" and "np.tensordot(window, weight" in found.evidence


@pytest.mark.parametrize("optimize", [False, True])
def test_einsum_letters_that_do_not_follow_the_axes(tmp_path, optimize):
    found, _ = explain(tmp_path, f"""
        def learner(x, weight):
            return np.einsum("chw,fchw->f", x, weight, optimize={optimize})
    """, np.ones((2, 3, 3)), np.ones((4, 3, 3, 3)))
    assert found.name == "einsum subscripts"
    assert "letter" in found.explanation


def test_einsum_with_too_many_letters(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            return np.einsum("nchw->n", x)
    """, np.ones((2, 3, 3)))
    assert found.name == "einsum subscripts" and ".ndim" in found.explanation


@pytest.mark.parametrize("call", ["a @ b", "np.dot(a, b)"])
def test_matmul_sizes_name_both_lengths(tmp_path, call):
    found, _ = explain(tmp_path, f"""
        def learner(a, b):
            return {call}
    """, np.ones((2, 3)), np.ones((4, 5)))
    assert found.name == "matmul sizes"
    assert "3" in found.evidence.rsplit(":", 1)[-1] and "4" in found.evidence.rsplit(":", 1)[-1]


def test_reshape_that_cannot_hold_the_values(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            return x.reshape(x.shape[0], 5)
    """, np.ones((2, 3, 2)))
    assert found.name == "reshape size" and "the array has 12 values but shape (2, 5) holds 10" in found.evidence
    assert "-1 lets NumPy work out one axis" in found.explanation


def test_a_reshape_into_blocks_that_do_not_divide_the_size(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, k):
            return x.reshape(x.shape[0] // k, k).max(axis=1)
    """, np.ones(5), 2)
    assert found.name == "reshape size" and "drops the remainder" in found.explanation


def test_pad_widths_for_the_wrong_number_of_axes(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, p):
            return np.pad(x, ((0, 0), (p, p), (p, p)))
    """, np.ones((4, 4)), 1)
    assert found.name == "pad widths"


# --- indices, dtypes ------------------------------------------------------------------------------------------------

def test_an_index_one_past_the_end(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, k):
            out = np.zeros((1, 1, 2, 2))
            for i in range(3):
                out[0, 0, i, 0] = x[0, 0, i:i + k, 0:k].sum()
            return out
    """, np.ones((1, 1, 4, 4)), 2)
    assert found.name == "index out of range"
    assert found.evidence.endswith("`: axis 2 has positions 0 to 1, so 2 is 1 past the end")
    assert "size formula" in found.explanation and "range()" in found.explanation


def test_too_many_indices(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            image = x[0]
            return image[0, 0, 0, 0]
    """, np.ones((2, 3, 4)))
    assert found.name == "too many indices" and "the array has 2 axes and you give 4 indices" in found.evidence


def test_minus_infinity_into_an_integer_array(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            best = np.zeros_like(x)
            best[0] = -np.inf
            return best
    """, np.arange(4))
    assert found.name == "integer array" and "np.full(shape, -np.inf)" in found.explanation


def test_float_results_added_into_an_integer_array(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, w):
            acc = np.zeros_like(x)
            acc += x * w
            return acc
    """, np.arange(4), 0.5)
    assert found.name == "integer array"
    assert "has the integer dtype int64, so it cannot hold the float64 results" in found.explanation
    assert "np.zeros(shape)" in found.explanation


def test_a_float_size_from_true_division(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, k):
            return np.zeros((x.shape[0] / k, 2))
    """, np.ones((4, 4)), 2)
    assert found.name == "float index" and "`//`" in found.explanation


def test_an_array_put_into_one_element(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, kernel):
            out = np.zeros((2, 2))
            out[0, 0] = x[:3, :3] * kernel
            return out
    """, np.ones((4, 4)), np.ones((3, 3)))
    assert found.name == "array into one element" and "np.sum(window * kernel)" in found.explanation


# --- Python's own errors ---------------------------------------------------------------------------------------------

def test_a_misspelled_name_gets_a_did_you_mean_from_the_learners_names(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, weight):
            return x * wieght
    """, np.ones(2), np.ones(2))
    assert found.name == "misspelled name" and "did you mean `weight`?" in found.explanation


def test_a_name_without_any_close_match_is_undefined(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            return x * scale_factor_zq
    """, np.ones(2))
    assert found.name == "undefined name" and "did you mean" not in found.explanation


def test_a_name_local_to_another_function_is_out_of_reach(tmp_path):
    found, _ = explain(tmp_path, """
        def helper(x):
            padded = np.pad(x, 1)
            return padded

        def learner(x):
            helper(x)
            return padded
    """, np.ones(2))
    assert found.name == "name out of reach"


def raise_on_import(tmp_path: Path, source: str):
    """Import a file written like a submission whose top-level code raises; returns (error dict, the file's lines)."""
    path = tmp_path / "exercise_2.py"
    path.write_text("import numpy as np\n\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("submission", path)
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except Exception as err:  # noqa: BLE001 - every kind is what we study
        return _describe_exception(err, err.__traceback__, str(tmp_path)), read_source_lines(path)
    raise AssertionError("the file imported")


def test_a_top_level_line_above_the_def_it_calls_runs_before_that_def(tmp_path):
    error, lines = raise_on_import(tmp_path, """
        out = conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))


        def conv2d(x, weight):
            return x
    """)
    assert error["type"] == "NameError" and error["line"] == 4
    found = explain_exception(error, lines, hidden=False)
    assert found.name == "used before it is defined"
    assert found.evidence == "line 4: `out = conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))`"
    assert found.explanation.startswith("`conv2d` is defined on line 7, but this line is at the top level of your "
                                        "file, so it runs when the file is imported")
    assert "Move this line below the definition of `conv2d`, or into a function." in found.explanation
    assert "inside a function exists only in that function" not in found.explanation


def test_a_function_called_at_the_top_level_before_a_later_def_is_explained(tmp_path):
    error, lines = raise_on_import(tmp_path, """
        def check():
            return conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)))


        check()

        def conv2d(x, weight):
            return x
    """)
    found = explain_exception(error, lines, hidden=False)
    assert found.name == "used before it is defined" and found.evidence.startswith("line 5: `return conv2d(")
    assert "`conv2d` is defined on line 10, but this function was called while the file was being imported" \
        in found.explanation
    assert "Move that call below the definition of `conv2d`, or remove it" in found.explanation


def test_a_decorator_and_a_constant_above_their_definitions_are_top_level_lines(tmp_path):
    error, lines = raise_on_import(tmp_path, """
        @timed
        def conv2d(x, weight):
            return x

        from time import perf_counter as timed
    """)
    assert explain_exception(error, lines, hidden=False).explanation.startswith("`timed` is defined on line 8, but "
                                                                                "this line is at the top level")
    error, lines = raise_on_import(tmp_path, """
        SIZE = KERNEL * 2
        KERNEL = 3
    """)
    assert "`KERNEL` is defined on line 5" in explain_exception(error, lines, hidden=False).explanation


def test_a_name_set_only_inside_a_function_stays_out_of_reach_at_the_top_level(tmp_path):
    error, lines = raise_on_import(tmp_path, """
        def conv2d(x, weight):
            padded = np.pad(x, 1)
            return padded

        result = padded
    """)
    assert explain_exception(error, lines, hidden=False).name == "name out of reach"


def test_a_line_before_its_definition_is_named_by_the_line_namer(tmp_path):
    error, lines = raise_on_import(tmp_path, """
        out = conv2d(1, 2)

        def conv2d(x, weight):
            return x
    """)
    found = explain_exception(error, lines, hidden=False, line_name=lambda line: f"cell 7, line {line - 3}")
    assert found.evidence.startswith("cell 7, line 1: `out = conv2d(1, 2)`")
    assert found.explanation.startswith("`conv2d` is defined on cell 7, line 3, but")
    unnamed = explain_exception(error, lines, hidden=False, line_name=lambda line: "")  # a line no cell wrote
    assert unnamed.explanation.startswith("`conv2d` is defined below, but") and unnamed.evidence.startswith("`out =")


def test_a_variable_set_only_in_a_branch(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, bias=None):
            if bias is not None:
                out = x + bias
            return out
    """, np.ones(2))
    assert found.name == "used before assignment" and "`out`" in found.explanation


@pytest.mark.parametrize("statement, advice", [("import scipy.signal", "write that part with NumPy"),
                                               ("from my_helpers import conv", "If my_helpers.py is a file of yours")])
def test_a_module_that_is_not_available(tmp_path, statement, advice):
    found, error = explain(tmp_path, f"""
        def learner(x):
            {statement}
            return x
    """, np.ones(2))
    assert found.name == "module not available" and advice in found.explanation
    assert found.evidence.endswith(f"`{statement}`")


def test_a_numpy_name_imported_from_the_wrong_module(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            from numpy import sliding_window_view
            return x
    """, np.ones(2))
    assert found.name == "not in that module"
    assert "from numpy.lib.stride_tricks import sliding_window_view" in found.explanation


def test_an_optional_bias_left_out(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, weight, bias=None):
            return x * weight + bias[None, :]
    """, np.ones((2, 2)), np.ones(2))
    assert found.name == "bias can be None" and "`if bias is not None:`" in found.explanation


def test_a_stride_left_out_means_the_kernel_size(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, kernel_size, stride=None):
            return x[::stride + 0]
    """, np.ones(4), 2)
    assert found.name == "stride can be None" and "`if stride is None: stride = kernel_size`" in found.explanation


@pytest.mark.parametrize("line, value", [("sh, sw = stride", 2), ("sh = stride[0]", 2),
                                         ("return x[::stride * 2]", (2, 1))])
def test_stride_as_one_int_or_a_pair(tmp_path, line, value):
    found, _ = explain(tmp_path, f"""
        def learner(x, stride=1):
            {line}
            return x
    """, np.ones((4, 4)), stride=value)
    assert found.name == "int or pair"
    assert "stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride" in found.explanation


def test_a_kernel_size_pair_under_another_name_is_not_blamed_on_the_stride(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, kernel_size, stride=None):
            k = kernel_size
            return (x.shape[0] - k) // stride + 1
    """, np.ones((4, 4)), (2, 2), 2)
    assert found.name == "int or pair"
    assert found.explanation.startswith("`stride` and `kernel_size` may each be one int or an (h, w) pair")
    assert "(likewise for the others)" in found.explanation  # which of them it was is not claimed


def test_an_int_indexed_where_no_int_or_pair_parameter_is_involved_is_not_called_one(tmp_path):
    error, lines = raise_in_learner_file(tmp_path, """
        def learner(x, stride=1):
            n = x.shape[0]
            return n[0]
    """, np.ones(3))
    assert explain_exception(error, lines, hidden=False) is None


def test_pytorch_habits_on_numpy_arrays(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x):
            return x.unsqueeze(0)
    """, np.ones(2))
    assert found.name == "not a NumPy method" and "np.expand_dims" in found.explanation
    found, _ = explain(tmp_path, """
        def learner(x):
            return np.zeros(x.shape(0))
    """, np.ones(2))
    assert found.name == "not a method" and "x.shape[0]" in found.explanation


def test_division_by_zero(tmp_path):
    found, _ = explain(tmp_path, """
        def learner(x, count):
            return np.zeros(len(x) // count)
    """, np.ones(2), 0)
    assert found.name == "division by zero"


def test_an_exception_we_do_not_know_gets_no_diagnosis(tmp_path):
    error, lines = raise_in_learner_file(tmp_path, """
        def learner(x):
            raise ValueError("my own check failed: operands are odd")
    """, 1)
    assert explain_exception(error, lines, hidden=False) is None


# --- where the line comes from; hostile descriptions ----------------------------------------------------------------

def test_a_line_in_a_helper_file_is_quoted_from_the_traceback(tmp_path):
    (tmp_path / "helpers.py").write_text("import numpy as np\n\ndef combine(a, b):\n    return a * b\n")
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        error, lines = raise_in_learner_file(tmp_path, """
            from helpers import combine

            def learner(a, b):
                return combine(a, b)
        """, np.ones(2), np.ones(3))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("helpers", None)
    found = explain_exception(error, lines, hidden=False, file_name="exercise_2.py")
    assert found.evidence.startswith("line 4 of helpers.py: `return a * b`")
    unnamed = explain_exception(error, lines, hidden=False)  # the first frame stands for the submission
    assert unnamed.evidence == found.evidence


HOSTILE_ERRORS = [
    {},
    {"type": None, "message": None, "traceback": None, "line": None},
    {"type": "ValueError", "message": "operands could not be broadcast together with shapes " + "(9,9) " * 400,
     "line": 10**12},
    {"type": "ValueError", "message": "x" * 100_000, "traceback": "File" * 10_000, "line": -3},
    {"type": "IndexError", "message": "index 99999999999999999999999 is out of bounds for axis 0 with size 0",
     "line": True},
    {"type": "ValueError", "message": "could not broadcast input array from shape (" + "9," * 900 + ") into shape (0,)",
     "line": "12"},
    {"type": "NameError\u202e", "message": "name 'w\udcffx' is not defined \x1b[2J", "line": 3,
     "traceback": '  File "../../etc/passwd", line 3, in f\n    \x00\u202e`rm -rf`'},
    {"type": "ModuleNotFoundError", "message": "No module named '" + "a." * 500 + "'", "line": 1},
    {"type": "ValueError", "message": "Size of label 'c' for operand 1 (2) does not match previous terms (3).",
     "traceback": '  File "exercise_2.py", line 2, in f\n' * 300, "line": 2},
    {"type": "ImportError", "message": "cannot import name 'x' from 'numpy.' ", "line": 0},
    ["not", "a", "dict"],
]


@pytest.mark.parametrize("error", HOSTILE_ERRORS)
@pytest.mark.parametrize("lines", [(), ("x = 1",) * 3, ("\udcff" * 5000,)])
def test_hostile_descriptions_never_raise_and_stay_short(error, lines):
    for hidden in (False, True):
        found = explain_exception(error, lines, hidden=hidden)
        if found is not None:
            note = found.note(hidden)
            assert len(note) < 1500 and "\x1b" not in note and "\x00" not in note
            note.encode("utf-8")  # no lone surrogate reaches a writer


# --- reading the learner's file ------------------------------------------------------------------------------------

def test_source_lines_are_numbered_as_python_numbers_them(tmp_path):
    path = tmp_path / "f.py"
    path.write_bytes(b"\xef\xbb\xbfa = 1\r\nb = '\x0c\xe2\x80\xa8'\rc = \xff\nd = 4\n")
    lines = read_source_lines(path)
    assert len(lines) == 4 and lines[0] == "a = 1" and lines[3] == "d = 4" and "\ufffd" in lines[2]
    assert read_source_lines(path, limit_bytes=8) == ("a = 1",)


def test_source_lines_of_what_is_not_a_readable_file_are_empty(tmp_path):
    assert read_source_lines(tmp_path / "missing.py") == ()
    assert read_source_lines(tmp_path) == ()
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    assert read_source_lines(fifo) == ()  # returns at once: no writer is waited for


def test_defined_names_from_the_syntax_tree_and_from_words_when_it_does_not_parse():
    lines = ("import numpy as np", "from os import path as p", "def conv(x, *, stride=1, **kw):",
             "    for i, (a, b) in enumerate(x):", "        total = a", "    with open(p) as handle:", "        pass",
             "    return [z for z in x]")
    assert {"np", "p", "conv", "x", "stride", "kw", "i", "a", "b", "total", "handle", "z"} <= defined_names(lines)
    assert "enumerate" not in defined_names(lines)
    broken = ("def conv(x, weight:", "    return x * weight")
    assert {"conv", "x", "weight"} <= defined_names(broken) and "return" not in defined_names(broken)


# --- with the case's own argument values ---------------------------------------------------------------------------

def explain_with(tmp_path, source, call_values, hidden=False):
    error, lines = raise_in_learner_file(tmp_path, source, **call_values)
    return explain_exception(error, lines, hidden=hidden, call_values=call_values)


PAD_EACH_AXIS = """
    def learner(x, stride=1, padding=0):
        xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        return xp[:, :, ::stride, ::stride]
"""


def test_a_pair_padded_as_one_int_names_the_parameter_and_its_value(tmp_path):
    found = explain_with(tmp_path, PAD_EACH_AXIS, {"x": np.ones((1, 1, 3, 3)), "stride": 1, "padding": (1, 2)})
    assert found.name == "int or pair"
    assert found.explanation.startswith("`padding` may be one int or an (h, w) pair, and this line uses it as one int")
    assert found.evidence.endswith("in this case `padding` is (1, 2), a pair")
    assert "(1, 2)" not in found.hidden_evidence and found.hidden_evidence.startswith("line 5: `xp = np.pad(")
    error, lines = raise_in_learner_file(tmp_path, PAD_EACH_AXIS, np.ones((1, 1, 3, 3)), 1, (1, 2))
    assert explain_exception(error, lines, hidden=False).name != "int or pair"  # without the values: not known


def test_an_int_taken_apart_as_a_pair_names_the_parameter(tmp_path):
    found = explain_with(tmp_path, """
        def learner(x, kernel_size=2, stride=1):
            kh, kw = kernel_size
            return x[:, :, :kh, :kw]
    """, {"x": np.ones((1, 1, 3, 3)), "kernel_size": 2, "stride": 1})
    assert found.name == "int or pair" and "this line uses it as an (h, w) pair" in found.explanation
    assert found.evidence.endswith("in this case `kernel_size` is 2, one int")


@pytest.mark.parametrize("line", ["return x[::stride + 1]", "return x[:, :, 0:stride]",
                                  "return np.zeros(x.shape[2] + 2 * stride)", "return list(range(stride))"])
def test_a_pair_stride_in_arithmetic_slices_and_ranges(tmp_path, line):
    found = explain_with(tmp_path, f"""
        def learner(x, stride=1):
            {line}
    """, {"x": np.ones((2, 2, 4, 4)), "stride": (2, 1)})
    assert found.name == "int or pair" and "in this case `stride` is (2, 1)" in found.evidence


def test_a_pair_used_as_one_is_never_blamed_for_another_error_on_its_line(tmp_path):
    found = explain_with(tmp_path, """
        def learner(x, kernel_size=(2, 2)):
            return np.array([x[i:i + kernel_size[0]] for i in range(len(x))])
    """, {"x": np.ones(5), "kernel_size": (2, 2)})
    assert found is None or found.name != "int or pair"  # a window cut short at the end, not the pair


def test_a_reassigned_parameter_is_not_judged_by_the_value_the_case_passed(tmp_path):
    found = explain_with(tmp_path, """
        def learner(x, stride=1):
            stride = tuple(stride) if not isinstance(stride, int) else (stride, stride)
            return x[::stride + 1]
    """, {"x": np.ones(4), "stride": (2, 1)})
    assert "in this case" not in found.evidence  # the file's general int-or-pair reading, not the value's


PARAMS = {"conv_w": np.ones((2, 1, 3, 3)), "conv_b": np.zeros(2), "fc_w": np.ones((3, 8)), "fc_b": np.zeros(3)}


def test_a_missing_dict_key_lists_the_keys_with_a_guess(tmp_path):
    found = explain_with(tmp_path, """
        def learner(x, params):
            weight = params["conv_weight"]
            return x * weight
    """, {"x": np.ones(2), "params": PARAMS})
    assert found.name == "wrong params key"
    assert found.explanation == ("`params` has no key 'conv_weight'; its keys are conv_w, conv_b, fc_w, fc_b. "
                                 "Did you mean 'conv_w'?")
    assert found.evidence == 'line 5: `weight = params["conv_weight"]`'


def test_a_key_missing_from_the_learners_own_dict_is_not_blamed_on_an_argument(tmp_path):
    error, lines = raise_in_learner_file(tmp_path, """
        def learner(x, params):
            cache = {"conv": x}
            return cache["conv_weight"]
    """, np.ones(2), PARAMS)
    assert explain_exception(error, lines, hidden=False, call_values={"x": np.ones(2), "params": PARAMS}) is None
