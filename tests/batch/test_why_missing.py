"""Why a learner's entry in `grade batch` has no file to grade: it lists the .py files and notebooks the grader
chose among (as gradescope.find_submission_file sees them) and asks for the exercise's file by its two names."""

from __future__ import annotations

from pathlib import Path

from grader.batch.pool import why_missing
from grader.gradescope import find_submission_file
from grader.spec.catalog import find_exercise

EXERCISE = find_exercise("exercise-2")


def make(folder: Path, *names: str) -> Path:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x = 1\n")
    return folder


def test_a_folder_with_a_notebook_and_a_py_file_lists_both_and_names_both_choices(tmp_path):
    folder = make(tmp_path / "erin", "scratch.ipynb", "helpers.py", ".ipynb_checkpoints/scratch-checkpoint.ipynb")
    assert find_submission_file(folder, EXERCISE.id) is None
    assert why_missing(EXERCISE, folder) == (
        "No exercise_2.py or exercise_2.ipynb was found in this submission, and it holds several .py files or "
        "notebooks (helpers.py, scratch.ipynb): name the one to grade exercise_2.py, or exercise_2.ipynb for a "
        "notebook.")


def test_files_in_subfolders_are_listed_by_their_path_and_links_are_left_out(tmp_path):
    folder = make(tmp_path / "gus", "a.py", "work/b.ipynb")
    (folder / "linked").symlink_to(make(tmp_path / "elsewhere", "c.py"), target_is_directory=True)
    (folder / "d.ipynb").symlink_to(tmp_path / "elsewhere" / "c.py")
    assert "(a.py, work/b.ipynb)" in why_missing(EXERCISE, folder)


def test_a_folder_without_any_candidate_asks_for_either_name(tmp_path):
    folder = make(tmp_path / "hal", "notes.txt", ".ipynb_checkpoints/exercise_2-checkpoint.ipynb")
    assert why_missing(EXERCISE, folder) == "No exercise_2.py or exercise_2.ipynb was found in this submission."


def test_a_link_to_nothing_asks_for_the_file_itself(tmp_path):
    (tmp_path / "dave.ipynb").symlink_to(tmp_path / "nowhere.ipynb")
    assert why_missing(EXERCISE, tmp_path / "dave.ipynb") == (
        "dave.ipynb could not be read (a link to a missing file?). Submit the file itself, not a link to it.")
