"""Inside a course checkout every command uses that checkout (its exercises/ and its solutions/), elsewhere the
installed copy; every instructor command names the course it uses in its first line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO
from grader.spec import course as course_module
from grader.spec.course import current_course, find_checkout

# A real reference for the scaffold's `avgpool2d(x)`: 2x2 average pooling over the last two axes.
AVGPOOL = '''import numpy as np


def avgpool2d(x):
    x = np.asarray(x, dtype=np.float64)
    h, w = x.shape[-2] // 2 * 2, x.shape[-1] // 2 * 2
    x = x[..., :h, :w]
    return x.reshape(*x.shape[:-2], h // 2, 2, w // 2, 2).mean(axis=(-3, -1))
'''


@pytest.fixture
def isolated_imports(monkeypatch):
    """Whatever a test does to sys.path and the imported `solutions` is undone afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "solutions"}
    yield
    for name in [name for name in sys.modules if name.split(".")[0] == "solutions"]:
        del sys.modules[name]
    sys.modules.update(saved)


@pytest.fixture
def checkout(tmp_path, monkeypatch, isolated_imports) -> Path:
    """A copy of the course with one exercise and no quizzes; the current folder is a subfolder of it."""
    root = tmp_path / "my-course"
    (root / "exercises").mkdir(parents=True)
    (root / "quizzes").mkdir()
    shutil.copy(REPO / "exercises" / "exercise-4.yaml", root / "exercises")
    shutil.copytree(REPO / "exercises" / "families", root / "exercises" / "families")
    shutil.copytree(REPO / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "notes").mkdir()
    monkeypatch.delenv("CNN_GRADER_COURSE", raising=False)
    monkeypatch.setenv("CNN_GRADER_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.chdir(root / "notes")
    return root


def test_the_checkout_is_found_from_the_current_folder_upward(checkout, tmp_path):
    assert current_course().root == checkout and current_course().kind == "checkout"
    assert find_checkout(tmp_path) is None
    (checkout / "solutions" / "__init__.py").unlink()  # a folder named solutions/ alone is not a course's package
    assert find_checkout(checkout / "notes") is None


def test_new_then_validate_in_a_checkout_uses_the_checkouts_solutions(checkout, monkeypatch, run_cli):
    """The reference module exists only in the checkout; another `solutions` (the repository's) is importable."""
    monkeypatch.chdir(checkout)
    import solutions  # noqa: F401 - the other copy, imported first, must not be the one used
    code, out, err = run_cli("new", "exercise-9", "--function", "avgpool2d")
    assert code == 0, err
    assert out.splitlines()[0] == f"Course: {checkout} (checkout)"
    assert "`grade validate exercises/exercise-9.yaml`" in out  # relative to here, so it works as printed
    code, out, _ = run_cli("validate", "exercises/exercise-9.yaml")  # the stub is found, and still to be written
    assert code == 2 and "No module named" not in out
    assert "fails case 'literal values': Not implemented yet" in out and "then validate again." in out
    (checkout / "solutions" / "exercise_9.py").write_text(AVGPOOL)
    del sys.modules["solutions.exercise_9"]  # the stub imported above; a new `grade` process starts afresh
    code, out, err = run_cli("validate", "exercises/exercise-9.yaml")
    assert code == 0, out + err
    assert out.splitlines()[0] == f"Course: {checkout} (checkout)"
    assert "No module named" not in out and "1 definition(s) checked: all good." in out
    assert Path(sys.modules["solutions.exercise_9"].__file__).resolve() == checkout / "solutions" / "exercise_9.py"


def test_validate_and_release_without_paths_use_the_checkout(checkout, tmp_path, run_cli):
    assert run_cli("new", "exercise-9", "--function", "avgpool2d")[0] == 0
    (checkout / "solutions" / "exercise_9.py").write_text(AVGPOOL)
    code, out, _ = run_cli("validate")
    checked = [line.split()[1] for line in out.splitlines() if line.startswith(("ok ", "FAIL "))]
    assert code == 0, out
    assert checked == [str(checkout / "exercises" / name) for name in ("exercise-4.yaml", "exercise-9.yaml")]
    code, out, err = run_cli("release", tmp_path / "edition")
    assert code == 0, err
    assert out.splitlines()[0] == f"Course: {checkout} (checkout)"
    released = sorted(path.name for path in (tmp_path / "edition" / "exercises").glob("*.yaml"))
    assert released == ["exercise-4.yaml", "exercise-9.yaml"]


def test_outside_a_checkout_the_installed_copy_is_used_and_said(tmp_path, monkeypatch, run_cli, isolated_imports):
    installed = tmp_path / "site-packages" / "grader" / "_course"
    (installed / "exercises").mkdir(parents=True)
    shutil.copy(REPO / "exercises" / "exercise-4.yaml", installed / "exercises")
    shutil.copytree(REPO / "exercises" / "families", installed / "exercises" / "families")
    monkeypatch.setattr(course_module, "PACKAGED", installed)
    monkeypatch.delenv("CNN_GRADER_COURSE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert current_course().root == installed and current_course().kind == "installed copy"
    code, out, err = run_cli("new", "exercise-9", "--function", "avgpool2d")
    assert code == 2 and out.splitlines()[0] == f"Course: {installed} (installed copy)"
    assert "not inside one" in err and "cd path/to/cnn-grader && grade new" in err
    assert not (installed / "exercises" / "exercise-9.yaml").exists()
    code, out, _ = run_cli("validate")
    assert code == 0 and out.splitlines()[0] == f"Course: {installed} (installed copy)"
    assert f"ok   {installed / 'exercises' / 'exercise-4.yaml'}" in out


def test_the_environment_variable_wins_and_is_named(tmp_path, monkeypatch, run_cli):
    (tmp_path / "exercises").mkdir()
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path))
    code, out, _ = run_cli("validate")
    assert code == 0 and out.splitlines()[0] == f"Course: {tmp_path} (set by $CNN_GRADER_COURSE)"


def test_batch_names_the_course_it_grades_with(checkout, tmp_path, run_cli):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text("x = 1\n")
    code, out, err = run_cli("batch", subs, "--exercise", "exercise-4", "--out", tmp_path / "graded", "--jobs", "1")
    assert code == 0, err
    assert out.splitlines()[0] == f"Course: {checkout} (checkout)"
