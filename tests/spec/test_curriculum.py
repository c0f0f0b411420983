"""The curriculum file (exercises/curriculum.yaml) orders `grade list`, the "Next:" advice and validate/release; ids
stay what they are. A missing listed id is skipped, an unlisted exercise comes last, a bad file names its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from grader.errors import DefinitionError
from grader.learner.next_step import next_exercise
from grader.spec.catalog import CURRICULUM_FILE, curriculum_order, exercise_paths
from grader.workspace import Workspace


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A course folder with exercise files 1, 2, 3, 9 and 10 (copies of the real ones) and no curriculum yet."""
    folder = tmp_path / "course" / "exercises"
    folder.mkdir(parents=True)
    shutil.copytree(REPO / "exercises" / "families", folder / "families")
    for exercise_id in ("exercise-1", "exercise-2", "exercise-3", "exercise-9", "exercise-10"):
        shutil.copy(REPO / "exercises" / f"{exercise_id}.yaml", folder)
    (tmp_path / "course" / "quizzes").mkdir()
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path / "course"))
    return folder


def ids() -> list[str]:
    return [path.stem for path in exercise_paths()]


def test_without_a_curriculum_the_order_is_natural(course):
    assert ids() == ["exercise-1", "exercise-2", "exercise-3", "exercise-9", "exercise-10"]


def test_listed_ids_come_first_missing_ones_are_skipped_unlisted_ones_come_last(course):
    (course / CURRICULUM_FILE).write_text("order: [exercise-9, exercise-12, exercise-1, exercise-10]\n")
    assert ids() == ["exercise-9", "exercise-1", "exercise-10", "exercise-2", "exercise-3"]


def test_next_follows_the_curriculum(course, tmp_path):
    (course / CURRICULUM_FILE).write_text("order: [exercise-9, exercise-1]\n")
    assert next_exercise(Workspace(tmp_path / "workspace")) == "exercise-9"


@pytest.mark.parametrize("text, line, words", [
    ("order: [exercise-1, exercise-1]\n", 1, "listed twice"),
    ("order:\n  - exercise-1\n  - Exercise 2\n", 3, "not an exercise id"),
    ("order:\n  - exercise-1\n  - [exercise-2]\n", 3, "text"),
    ("ordre: [exercise-1]\n", 1, "order"),
    ("order: exercise-1\n", 1, "list"),
])
def test_a_bad_curriculum_is_a_definition_error_naming_file_and_line(course, text, line, words):
    (course / CURRICULUM_FILE).write_text(text)
    with pytest.raises(DefinitionError) as caught:
        exercise_paths()
    message = str(caught.value)
    assert message.startswith(f"{course / CURRICULUM_FILE}:{line}:") and words in message, message


def test_the_curriculum_file_is_never_taken_for_an_exercise(course, run_cli):
    (course / CURRICULUM_FILE).write_text("order: [exercise-2]\n")
    assert CURRICULUM_FILE not in [path.name for path in exercise_paths()]
    from grader.instructor.validate import _expand
    assert course / CURRICULUM_FILE not in _expand([course])


def test_the_course_follows_its_curriculum_and_readme_lists_it_in_that_order():
    order = curriculum_order(REPO / "exercises" / CURRICULUM_FILE)
    assert order[:4] == ["exercise-1", "exercise-2", "exercise-3", "exercise-9"]
    shipped = [path.stem for path in sorted((REPO / "exercises").glob("exercise-*.yaml"))]
    assert set(shipped) <= set(order), "place every exercise in exercises/curriculum.yaml"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- `(exercise-\d+)` ", readme.split("## The exercises", 1)[1], re.M)
    assert listed == order, "README's exercise list follows exercises/curriculum.yaml"
