"""Known mistakes declared once per family (exercises/families/) and the axis names of an entry point."""

from __future__ import annotations

import textwrap

import pytest

from grader.errors import DefinitionError
from grader.spec.loader import load_exercise
from test_exercise_loader import VALID, edit, line_of

FAMILY = textwrap.dedent("""\
    family: conv-t
    description: "Forward conv mistakes."
    mistakes:
      - name: kernel flipped
        explanation: "Family words for the flip."
        replaces: solutions.conv.conv2d
        variant: solutions.misconceptions.conv2d_flipped
      - name: bias missing
        explanation: "Add the bias."
        replaces: solutions.conv.conv2d
        variant: solutions.misconceptions.conv2d_no_bias
      - name: flip under another name
        explanation: "The same swap as the exercise's own flip."
        replaces: solutions.conv.conv2d
        variant: solutions.misconceptions.conv2d_flipped
    """)
POOL = textwrap.dedent("""\
    family: pool-t
    mistakes:
      - name: average instead of max
        explanation: "Use the max."
        replaces: solutions.pool.maxpool2d
        variant: solutions.misconceptions.maxpool2d_average
    """)


def course(tmp_path, exercise: str, **families: str):
    (tmp_path / "families").mkdir(exist_ok=True)
    for name, text in families.items():
        (tmp_path / "families" / f"{name}.yaml").write_text(text)
    path = tmp_path / "ex-t.yaml"
    path.write_text(exercise)
    return path


WITH_FAMILIES = edit("misconceptions:", "families: [conv-t, pool-t]\nmisconceptions:").replace(
    "reference: solutions.misconceptions.conv2d_flipped",
    "reference: solutions.misconceptions.conv2d_flipped\n    replaces: solutions.conv.conv2d")


def test_families_follow_the_exercise_own_mistakes_in_order_without_twins(tmp_path):
    exercise = load_exercise(course(tmp_path, WITH_FAMILIES, **{"conv-t": FAMILY, "pool-t": POOL}))
    assert [(item.name, item.family) for item in exercise.misconceptions] == [
        ("kernel flipped", ""), ("bias missing", "conv-t"), ("average instead of max", "pool-t")]
    own, bias = exercise.misconceptions[:2]
    assert own.explanation == "Do not flip." and own.family == ""  # the exercise's own words win
    assert bias.reference == "solutions.misconceptions.conv2d_no_bias" and bias.replaces == "solutions.conv.conv2d"


def test_an_unknown_family_names_the_exercise_line_and_a_near_miss(tmp_path):
    text = edit("misconceptions:", "families: [conv-tt]\nmisconceptions:")
    with pytest.raises(DefinitionError) as info:
        load_exercise(course(tmp_path, text, **{"conv-t": FAMILY}))
    assert info.value.line == line_of(text, "families:")
    assert "unknown family 'conv-tt'" in info.value.message and "did you mean 'conv-t'?" in info.value.message


def test_two_families_may_not_give_one_name_to_different_mistakes(tmp_path):
    other = POOL.replace("pool-t", "other-t").replace("average instead of max", "bias missing")
    text = edit("misconceptions:", "families: [conv-t, other-t]\nmisconceptions:")
    with pytest.raises(DefinitionError) as info:
        load_exercise(course(tmp_path, text, **{"conv-t": FAMILY, "other-t": other}))
    assert info.value.path.endswith("other-t.yaml") and "also a different mistake of family 'conv-t'" in \
        info.value.message


@pytest.mark.parametrize("old, new, expected", [
    ("variant: solutions.misconceptions.conv2d_no_bias", "variant: solutions.misconceptions.nowhere",
     "cannot be found"),
    ("replaces: solutions.conv.conv2d\n    variant: solutions.misconceptions.conv2d_no_bias",
     "variant: solutions.misconceptions.conv2d_no_bias", "missing the required key 'replaces'"),
    ("family: conv-t", "family: conv-x", "must match the file name"),
])
def test_a_broken_family_file_is_named_with_its_own_line(tmp_path, old, new, expected):
    broken = FAMILY.replace(old, new)
    with pytest.raises(DefinitionError) as info:
        load_exercise(course(tmp_path, WITH_FAMILIES, **{"conv-t": broken, "pool-t": POOL}))
    assert info.value.path.endswith("conv-t.yaml") and expected in info.value.message


def test_an_exercise_mistake_may_replace_a_block(tmp_path):
    text = edit("reference: solutions.misconceptions.conv2d_flipped",
                "reference: solutions.misconceptions.conv2d_flipped\n    replaces: solutions.conv.conv2d")
    item = load_exercise(course(tmp_path, text)).misconceptions[0]
    assert item.replaces == "solutions.conv.conv2d" and item.family == ""
    with pytest.raises(DefinitionError, match="cannot be found"):
        load_exercise(course(tmp_path, text.replace("solutions.conv.conv2d", "solutions.conv.nothing")))


def test_axes_name_parameters_and_outputs(tmp_path):
    text = edit('  shape_rule: "OH = (H + 2*pad - KH) // stride + 1"',
                '  shape_rule: "OH = (H + 2*pad - KH) // stride + 1"\n'
                '  axes: {x: [N, C, H, W], weight: [F, C, KH, KW], output: [N, F, OH, OW]}')
    exercise = load_exercise(course(tmp_path, text))
    assert dict(exercise.entry.axes) == {"x": ("N", "C", "H", "W"), "weight": ("F", "C", "KH", "KW"),
                                         "output": ("N", "F", "OH", "OW")}
    for bad, expected in [("wieght: [F]", "did you mean 'weight'?"), ("x: []", "at least 1"),
                          ("x: [N, 3]", "must be text"), ("x: [N, \"2H\"]", "short name"), ("x: N", "must be a list")]:
        broken = text.replace("x: [N, C, H, W]", bad)
        with pytest.raises(DefinitionError) as info:
            load_exercise(course(tmp_path, broken))
        assert expected in info.value.message and info.value.line == line_of(broken, "axes:"), bad


def test_every_shipped_exercise_names_its_axes_and_lists_families(repo):
    from grader.spec.catalog import exercise_paths
    for path in exercise_paths():
        exercise = load_exercise(path)
        assert exercise.entry.axes and any(item.family for item in exercise.misconceptions), exercise.id
