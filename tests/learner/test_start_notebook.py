"""`grade start EXERCISE --notebook`: a valid nbformat-4 starter notebook, never overwriting work without --force."""

from __future__ import annotations

import ast
import json

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is a dev dependency: pip install -e '.[dev]'")

from grader.spec.catalog import exercise_paths, find_exercise  # noqa: E402


def _code_cells(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def test_the_starter_notebook_is_valid_and_holds_the_concept_stub_scratch_and_check(run_cli, workspace):
    code, out, err = run_cli("start", "exercise-2", "--notebook")
    path = workspace / "exercise_2.ipynb"
    assert code == 0 and err == "" and str(path) in out
    assert "run the last cell" in out and f"grade exercise-2 --submission {path}" in out
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)  # raises on anything Jupyter would refuse
    exercise = find_exercise("exercise-2")
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[:3] == ["markdown", "markdown", "code"] and kinds[-1] == "code"
    assert notebook.cells[0].source.startswith("# exercise-2: ") and exercise.title in notebook.cells[0].source
    assert notebook.cells[1].source == exercise.concept.strip()
    stub, scratch, last = _code_cells(notebook)
    assert "def conv2d(x, weight, bias=None, stride=1, padding=0):" in stub
    assert "Run `grade exercise-2`" not in stub  # the .py starter's docstring: wrong advice in a notebook
    ast.parse(stub)
    assert "Try your function here" in scratch
    assert last == 'from grader import check\ncheck("exercise-2")'
    assert notebook.metadata.kernelspec.name == "python3" and notebook.metadata.language_info.name == "python"
    assert all(cell.get("outputs", []) == [] for cell in notebook.cells)


@pytest.mark.parametrize("path", exercise_paths(), ids=lambda path: path.stem)
def test_every_exercise_gets_a_valid_notebook(path, run_cli, workspace):
    assert run_cli("start", path.stem, "--notebook")[0] == 0
    notebook = nbformat.read(workspace / f"{path.stem.replace('-', '_')}.ipynb", as_version=4)
    nbformat.validate(notebook)
    ast.parse(_code_cells(notebook)[0])


def test_the_notebook_never_overwrites_work_without_force(run_cli, workspace):
    path = workspace / "exercise_2.ipynb"
    assert run_cli("start", "exercise-2", "--notebook")[0] == 0
    starter = path.read_text()
    mine = json.loads(starter)
    mine["cells"][2]["source"] = ["def conv2d(x, weight, bias=None, stride=1, padding=0):\n", "    return x"]
    path.write_text(json.dumps(mine))
    code, out, _ = run_cli("start", "exercise-2", "--notebook")
    assert code == 0 and "your work is kept" in out and "--force" in out
    assert json.loads(path.read_text()) == mine
    assert run_cli("start", "exercise-2", "--notebook", "--force")[0] == 0 and path.read_text() == starter


def test_the_notebook_and_the_python_starter_live_side_by_side(run_cli, workspace):
    assert run_cli("start", "exercise-2")[0] == 0
    python_file = workspace / "exercise_2.py"
    python_file.write_text("my work\n")
    assert run_cli("start", "exercise-2", "--notebook")[0] == 0
    assert python_file.read_text() == "my work\n" and (workspace / "exercise_2.ipynb").is_file()


def test_an_unknown_exercise_is_refused_before_anything_is_written(run_cli, workspace):
    code, _, err = run_cli("start", "exercise-22", "--notebook")
    assert code == 2 and "Did you mean 'exercise-2'?" in err and not workspace.exists()
