"""A list of mappings in a case's args (exercise 9's layers) reaches the function as a list of plain dicts."""

from __future__ import annotations

import pytest

from grader.errors import DefinitionError
from grader.grading.inputs import build_args
from grader.spec.loader import load_exercise
from grader.spec.model import DictSpec, ListSpec
from conftest import REPO


def with_layers(tmp_path, layers_yaml: str):
    text = (REPO / "exercises" / "exercise-9.yaml").read_text()
    text = text.replace("      layers: [{kernel: 3}]\n", f"      layers: {layers_yaml}\n", 1)
    path = tmp_path / "exercises" / "exercise-9.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "families").symlink_to(REPO / "exercises" / "families")
    path.write_text(text)
    return path, text


def test_layers_become_a_list_of_dicts_with_tuples(tmp_path):
    path, _ = with_layers(tmp_path, "[{kernel: 3, stride: [2, 1]}, {kernel: 1, padding: null}]")
    exercise = load_exercise(path)
    spec = dict(exercise.cases[0].args)["layers"]
    assert spec == ListSpec((DictSpec((("kernel", 3), ("stride", (2, 1)))), DictSpec((("kernel", 1), ("padding", None)))))
    assert build_args(exercise, exercise.cases[0])["layers"] == [{"kernel": 3, "stride": (2, 1)},
                                                                 {"kernel": 1, "padding": None}]


def test_a_list_mixing_mappings_and_numbers_names_its_line(tmp_path):
    path, text = with_layers(tmp_path, "[{kernel: 3}, 4]")
    with pytest.raises(DefinitionError) as caught:
        load_exercise(path)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "[{kernel: 3}, 4]" in row)
    assert caught.value.line == line and "list of mappings" in caught.value.message
