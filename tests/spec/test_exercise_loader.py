"""The exercise loader: a valid file becomes frozen data; every mistake is named by file, line and key."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from grader.errors import EXIT_USAGE, DefinitionError
from grader.spec.loader import load_exercise
from grader.spec.model import ArraySpec, DictSpec, Limits

VALID = textwrap.dedent("""\
    schema_version: 1
    id: ex-t
    title: "A tiny convolution"
    concept: "Slide the kernel."
    entry_point:
      name: conv2d
      signature: "conv2d(x, weight, bias=None, stride=1, padding=0)"
      shape_rule: "OH = (H + 2*pad - KH) // stride + 1"
    starter: |
      def conv2d(x, weight, bias=None, stride=1, padding=0):
          raise NotImplementedError
    reference: solutions.conv2d
    tolerance: {rtol: 1.0e-6, atol: 1.0e-7}
    limits:
      case_seconds: 2
      memory_mb: 512
    seed: 7
    hints:
      - "Pad first."
    misconceptions:
      - name: kernel flipped
        explanation: "Do not flip."
        reference: solutions.misconceptions.conv2d_flipped
    cases:
      - name: literal
        args:
          x: {values: [[[[1, 2], [3, 4]]]]}
          weight: {values: [[[[1]]]], dtype: int64}
      - name: generated
        visibility: hidden
        points: 2
        tolerance: {rtol: 1.0e-4}
        args:
          x: {shape: [1, 1, 4, 4], dist: uniform, low: 0, high: 1}
          weight:
            shape: [1, 1, 2, 2]
          stride: [2, 1]
    """)


def write(tmp_path, text: str, name: str = "ex-t"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def fails(tmp_path, text: str, name: str = "ex-t") -> DefinitionError:
    path = write(tmp_path, text, name)
    with pytest.raises(DefinitionError) as caught:
        load_exercise(path)
    assert caught.value.exit_code == EXIT_USAGE
    assert caught.value.path == str(path)
    assert "Traceback" not in caught.value.message
    return caught.value


def edit(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def test_valid_file_loads_into_frozen_data(tmp_path):
    exercise = load_exercise(write(tmp_path, VALID))
    assert (exercise.id, exercise.seed, exercise.max_score) == ("ex-t", 7, 3.0)
    assert [p.name for p in exercise.entry.params if p.required] == ["x", "weight"]
    literal, generated = exercise.cases
    assert literal.args[1] == ("weight", ArraySpec(dtype="int64", values=[[[[1]]]]))
    assert exercise.tolerance.atol == 1e-7 and literal.tolerance is None  # None: the exercise-wide one applies
    assert generated.hidden and generated.tolerance.rtol == 1e-4 and generated.tolerance.atol == 1e-7  # inherited
    assert dict(generated.args)["x"] == ArraySpec("float64", (1, 1, 4, 4), dist="uniform", low=0.0, high=1.0)
    assert dict(generated.args)["stride"] == (2, 1)
    assert exercise.limits.case_seconds == 2 and exercise.limits.total_seconds == Limits().total_seconds
    assert exercise.misconceptions[0].name == "kernel flipped"
    with pytest.raises(dataclasses.FrozenInstanceError):
        exercise.seed = 3


def test_the_shipped_exercise_loads(repo):
    exercise = load_exercise(repo / "exercises" / "exercise-2.yaml")
    assert exercise.id == "exercise-2" and len(exercise.cases) >= 10
    assert any(case.hidden for case in exercise.cases) and any(not case.hidden for case in exercise.cases)


def test_dict_argument_becomes_a_dict_spec(tmp_path):
    text = edit("      stride: [2, 1]\n", "      stride: [2, 1]\n      padding: {dict: {a: 1}}\n")
    spec = dict(load_exercise(write(tmp_path, text)).cases[1].args)["padding"]
    assert spec == DictSpec((("a", 1),))


@pytest.mark.parametrize("old, new, key, suggestion", [
    ("tolerance: {rtol: 1.0e-6", "tolerence: {rtol: 1.0e-6", "tolerence", "tolerance"),
    ("  shape_rule:", "  shape_rules:", "shape_rules", "shape_rule"),
    ("    visibility: hidden", "    visiblity: hidden", "visiblity", "visibility"),
    ("dtype: int64}", "dtpye: int64}", "dtpye", "dtype"),
    ("{rtol: 1.0e-4}", "{rtoll: 1.0e-4}", "rtoll", "rtol"),
    ("  memory_mb: 512", "  memory_mbs: 512", "memory_mbs", "memory_mb"),
    ("    explanation:", "    explanations:", "explanations", "explanation"),
])
def test_unknown_key_at_every_level_names_line_and_suggests(tmp_path, old, new, key, suggestion):
    text = edit(old, new)
    error = fails(tmp_path, text)
    assert error.line == line_of(text, key)
    assert f"unknown key '{key}'" in error.message
    assert f"(did you mean '{suggestion}'?)" in error.message
    assert error.message.startswith(f"{error.path}:{error.line}: ")


def test_unknown_key_with_no_near_match_lists_the_allowed_ones(tmp_path):
    text = edit("seed: 7", "seed: 7\nbanana: 1")
    error = fails(tmp_path, text)
    assert error.line == line_of(text, "banana")
    assert "allowed: " in error.message and "misconceptions" in error.message


@pytest.mark.parametrize("old, anchor, key", [
    ('title: "A tiny convolution"\n', None, "title"),  # the document as a whole lacks it: line 1
    ('  signature: "conv2d(x, weight, bias=None, stride=1, padding=0)"\n', "entry_point:", "signature"),
    ("    explanation: \"Do not flip.\"\n", "- name: kernel flipped", "explanation"),
])
def test_missing_required_key_is_named_at_its_parent(tmp_path, old, anchor, key):
    text = edit(old, "")
    error = fails(tmp_path, text)
    assert f"missing the required key '{key}'" in error.message
    assert error.line == (line_of(text, anchor) if anchor else 1)


def test_case_without_args_is_named(tmp_path):
    text = VALID.replace("  - name: literal\n    args:\n      x: {values: [[[[1, 2], [3, 4]]]]}\n"
                         "      weight: {values: [[[[1]]]], dtype: int64}\n", "  - name: literal\n")
    error = fails(tmp_path, text)
    assert error.line == line_of(text, "- name: literal")
    assert "'cases[0]' is missing the required key 'args'" in error.message


@pytest.mark.parametrize("old, new, key, expected", [
    ("seed: 7", 'seed: "seven"', "seed", "must be a whole number, not text"),
    ("    points: 2", "    points: yes", "points", "must be a number, not true/false"),
    ("  case_seconds: 2", "  case_seconds: -1", "case_seconds", "must be greater than 0"),
    ("  memory_mb: 512", "  memory_mb: 64", "memory_mb", "must be at least 128"),
    ('title: "A tiny convolution"', "title: [a, b]", "title", "must be text, not a list"),
    ("  - \"Pad first.\"", "  - \"\"", '- ""', "must not be empty"),
    ("shape: [1, 1, 4, 4]", "shape: [1, 1, 4.5, 4]", "4.5", "must be a whole number, not a number"),
    ("low: 0, high: 1}", "low: 1, high: 0}", "high: 0", "high (0) must be greater than low (1)"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, 2], [3]]}", "[[1, 2], [3]]", "not a rectangular array"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, .nan]]}", ".nan", "must hold finite numbers"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, x]]}", "[[1, x]]", "not a rectangular array of numbers (found text)"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, 2.5]], dtype: int64}", "2.5", "whole numbers for dtype int64"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, 300]], dtype: uint8}", "300", "does not fit dtype uint8"),
    ("{values: [[[[1, 2], [3, 4]]]]}", "{values: [[1, 2]], shape: [1, 2]}", "shape: [1, 2]",
     "needs exactly one of 'shape' (generated) or 'values' (literal)"),
    ("      stride: [2, 1]", "      stride: [2, x]", "stride: [2, x]", "a list argument is a tuple of numbers"),
])
def test_bad_types_and_values_are_named(tmp_path, old, new, key, expected):
    text = VALID.replace(old, new, 1)
    assert text != VALID
    error = fails(tmp_path, text)
    assert expected in error.message
    assert error.line == line_of(text, key)


def test_cases_must_be_a_non_empty_list(tmp_path):
    text = VALID.split("cases:")[0] + "cases: 3\n"
    error = fails(tmp_path, text)
    assert "'cases' must be a list, not a whole number" in error.message and error.line == line_of(text, "cases: 3")
    text = VALID.split("cases:")[0] + "cases: []\n"
    assert "'cases' needs at least 1 item(s)" in fails(tmp_path, text).message


@pytest.mark.parametrize("old, new, key, expected", [
    ("    visibility: hidden", "    visibility: secret", "secret", "must be one of public, hidden, not 'secret'"),
    ("dtype: int64}", "dtype: float16}", "float16", "must be one of float64, float32, int64, int32, uint8"),
    ("dist: uniform", "dist: unifrom", "unifrom", "(did you mean 'uniform'?)"),
    ("    points: 2", "    check: speedy", "speedy", "(did you mean 'speed'?)"),
])
def test_bad_choices_list_the_options(tmp_path, old, new, key, expected):
    text = edit(old, new)
    error = fails(tmp_path, text)
    assert expected in error.message
    assert error.line == line_of(text, key)


def test_speed_check_needs_max_ratio(tmp_path):
    text = edit("    points: 2", "    check: speed")
    error = fails(tmp_path, text)
    assert "give 'max_ratio'" in error.message and error.line == line_of(text, "- name: generated")


@pytest.mark.parametrize("old, new, bad_line", [
    ("seed: 7", "seed: [7", "hints:"),
    ("seed: 7", "seed: 7\n  extra: 1", "extra: 1"),
    ("seed: 7", "seed:\t7\n\t- x", "\t- x"),
])
def test_yaml_syntax_errors_give_the_line(tmp_path, old, new, bad_line):
    text = edit(old, new)
    error = fails(tmp_path, text)
    assert "YAML syntax error" in error.message
    assert error.line == line_of(text, bad_line)


def test_duplicate_keys_name_both_lines(tmp_path):
    text = edit("seed: 7", "seed: 7\nseed: 8")
    error = fails(tmp_path, text)
    assert error.line == line_of(text, "seed: 8")
    assert f"key 'seed' appears twice (first on line {line_of(text, 'seed: 7')})" in error.message


def test_duplicate_case_names_are_refused(tmp_path):
    text = edit("  - name: generated", "  - name: literal")
    error = fails(tmp_path, text)
    assert error.line == line_of(text, "- name: literal", occurrence=2)
    assert "case name 'literal' is used twice (also case 0)" in error.message


def test_args_that_are_not_parameters(tmp_path):
    text = edit("      stride: [2, 1]", "      strides: [2, 1]")
    error = fails(tmp_path, text)
    assert error.line == line_of(text, "strides")
    assert "'strides' is not a parameter of conv2d (did you mean 'stride'?)" in error.message


def test_required_parameter_missing(tmp_path):
    text = edit("      weight: {values: [[[[1]]]], dtype: int64}\n", "")
    error = fails(tmp_path, text)
    assert "case 'literal' gives no value for the required parameter(s) weight" in error.message
    assert error.line == line_of(text, "args:")


def test_id_must_match_the_file_name(tmp_path):
    error = fails(tmp_path, VALID, name="other-name")
    assert error.line == line_of(VALID, "id: ex-t")
    assert "id 'ex-t' must match the file name 'other-name.yaml'" in error.message


def test_unsupported_schema_version(tmp_path):
    text = edit("schema_version: 1", "schema_version: 2")
    error = fails(tmp_path, text)
    assert error.line == 1 and "schema_version 2 is not supported (this grader reads 1)" in error.message


@pytest.mark.parametrize("old, new, expected", [
    ("reference: solutions.conv2d", "reference: numpy.convolve", "must name a function in solutions/"),
    ("reference: solutions.conv2d", "reference: solutions.conv2d_nope", "'solutions.conv2d_nope' cannot be found"),
    ("reference: solutions.misconceptions.conv2d_flipped", "reference: solutions.nowhere.flip",
     "'solutions.nowhere.flip' cannot be found"),
])
def test_bad_reference_paths(tmp_path, old, new, expected):
    text = edit(old, new)
    error = fails(tmp_path, text)
    assert expected in error.message
    assert error.line == line_of(text, new.split(": ")[1])


def test_signature_must_parse_and_match_the_name(tmp_path):
    text = edit('"conv2d(x, weight, bias=None, stride=1, padding=0)"', '"conv2d(x, weight"')
    assert "not a valid Python function signature" in fails(tmp_path, text).message
    text = edit('"conv2d(x, weight, bias=None, stride=1, padding=0)"', '"conv(x, weight)"')
    assert "signature names 'conv' but entry_point.name is 'conv2d'" in fails(tmp_path, text).message


def test_starter_with_a_syntax_error_is_refused(tmp_path):
    text = edit("      raise NotImplementedError", "      raise NotImplementedError(")
    error = fails(tmp_path, text)
    assert "the starter code has a syntax error" in error.message and error.line == line_of(text, "starter:")


def test_empty_and_non_mapping_files(tmp_path):
    assert "the file is empty" in fails(tmp_path, "# nothing\n").message
    assert "must be a mapping" in fails(tmp_path, "- 1\n- 2\n").message


def test_points_total_must_match_the_cases(tmp_path):
    text = edit("seed: 7", "seed: 7\npoints: 5")
    error = fails(tmp_path, text)
    assert "points says 5 but the cases add up to 3" in error.message and error.line == line_of(text, "points: 5")


def test_unsigned_arrays_refuse_negative_distributions(tmp_path):
    text = edit("dist: uniform, low: 0, high: 1}", "dtype: uint8, dist: uniform, low: -1, high: 1}")
    error = fails(tmp_path, text)
    assert "uint8 holds no negative numbers" in error.message and error.line == line_of(text, "uint8")


def test_unsigned_integers_are_drawn_without_wrap_around(tmp_path):
    import numpy as np

    from grader.grading.inputs import build_value
    text = edit("dist: uniform, low: 0, high: 1}", "dtype: uint8}")
    spec = dict(load_exercise(write(tmp_path, text)).cases[1].args)["x"]
    values = build_value(spec, np.random.default_rng(0))
    assert values.dtype == np.uint8 and values.max() < 10  # -9..9 cast to uint8 would give 247..255
