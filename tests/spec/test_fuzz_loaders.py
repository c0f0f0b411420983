"""Fuzz the exercise loader: whatever YAML an instructor writes, only a DefinitionError (file:line) comes out."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.errors import DefinitionError
from grader.spec.loader import load_exercise

REPO = Path(__file__).resolve().parents[2]
MODEL = yaml.safe_load((REPO / "exercises" / "exercise-2.yaml").read_text())
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOWER = settings(FAST, max_examples=20)  # each of these loads (and checks) a whole exercise
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _load(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "exercise-fuzz.yaml"
    path.write_bytes(data)
    try:
        load_exercise(path)
    except DefinitionError as err:
        assert str(err).startswith(str(path)), err


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_only_definition_errors(tmp_path, data):
    _load(tmp_path, data)


@FAST
@given(st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@ \n\t0123.")), max_size=200))
def test_yaml_looking_text_gives_only_definition_errors(tmp_path, text):
    _load(tmp_path, text.encode())


@SLOWER
@given(st.sampled_from(sorted(MODEL)), values)
def test_one_top_level_field_replaced_gives_only_definition_errors(tmp_path, key, value):
    _load(tmp_path, yaml.safe_dump({**MODEL, key: value}, allow_unicode=True).encode())


@SLOWER
@given(st.sampled_from(sorted(MODEL["cases"][0])), values, st.integers(0, len(MODEL["cases"]) - 1))
def test_one_case_field_replaced_gives_only_definition_errors(tmp_path, key, value, index):
    cases = [dict(case) for case in MODEL["cases"]]
    cases[index][key] = value
    _load(tmp_path, yaml.safe_dump({**MODEL, "cases": cases}, allow_unicode=True).encode())


@SLOWER
@given(st.sampled_from(sorted(MODEL["entry_point"])), values)
def test_one_entry_point_field_replaced_gives_only_definition_errors(tmp_path, key, value):
    entry = {**MODEL["entry_point"], key: value}
    _load(tmp_path, yaml.safe_dump({**MODEL, "entry_point": entry}, allow_unicode=True).encode())
