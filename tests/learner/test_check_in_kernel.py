"""`check()` in a real Jupyter kernel (nbclient + ipykernel): notebooks run as a learner runs them, top to bottom,
and the check cell's output is what Jupyter would show. All notebooks are executed once, by the module's fixture."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient", reason="the kernel tests need the dev extra: pip install -e '.[dev]'")
nbformat = pytest.importorskip("nbformat", reason="the kernel tests need the dev extra: pip install -e '.[dev]'")
pytest.importorskip("ipykernel", reason="the kernel tests need the dev extra: pip install -e '.[dev]'")

from conftest import REPO, reference_source  # noqa: E402
from grader.learner.start import starter_notebook  # noqa: E402
from grader.spec.catalog import find_exercise  # noqa: E402
from notebooks import builders  # noqa: E402  (tests/notebooks/builders.py)

TIMEOUT = 120  # seconds per cell; a grading takes about two


def execute(path: Path, env: dict, allow_errors: bool = False):
    """Run the notebook at `path` in a fresh kernel started in its folder; the executed notebook."""
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=TIMEOUT, kernel_name="python3", allow_errors=allow_errors,
                                     resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(env=env)
    except nbclient.exceptions.CellExecutionError:
        raise
    except (RuntimeError, OSError, TimeoutError) as err:  # no kernel can start here: say so, do not fail
        pytest.skip(f"a Jupyter kernel could not start here ({type(err).__name__}: {err})")
    return book


def shown(book) -> dict:
    """What Jupyter shows for the last cell (the check): {"text": __repr__, "html": the report page inside the
    frame, "frame": the raw text/html, "stderr": its stderr stream}."""
    outputs = book.cells[-1].outputs
    result = next(out for out in outputs if out.output_type == "execute_result")
    frame = result.data["text/html"]
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    stderr = "".join(out.text for out in outputs if out.output_type == "stream" and out.name == "stderr")
    return {"text": result.data["text/plain"], "html": page, "frame": frame, "stderr": stderr}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every notebook of this module, executed once: {name: (executed notebook, its folder)}."""
    root = tmp_path_factory.mktemp("kernels")
    env = dict(os.environ, CNN_GRADER_WORKSPACE=str(root / "workspace"), PYTHONPATH=str(REPO))
    solution = reference_source("conv")
    folders = {}
    for name in ("correct", "buggy", "messy", "starter", "attack", "saved"):
        folders[name] = root / name
        folders[name].mkdir()
    log = root / "trace.log"
    saved_log = root / "saved-trace.log"
    books = {
        "correct": builders.correct(solution),
        "buggy": builders.buggy(solution),
        "messy": builders.messy(solution),
        "starter": json.loads(starter_notebook(find_exercise("exercise-2"))),
        "attack": builders.attack(solution, log),
        "saved": builders.notebook("import os\nos.getpid()", builders.check_cell(path="attack.ipynb",
                                                                                 sandbox="standard")),
    }
    builders.write(folders["saved"] / "attack.ipynb", builders.attack(solution, saved_log))
    done = {}
    for name, book in books.items():
        path = builders.write(folders[name] / f"{name}.ipynb", book)
        done[name] = execute(path, env, allow_errors=name == "messy")
    done["logs"] = {"attack": log, "saved": saved_log}
    return done


def test_a_correct_notebook_gets_full_marks_inline(runs):
    out = shown(runs["correct"])
    assert "Score: 30/30 (28 of 28 cases passed)" in out["text"]
    assert "30 / 30" in out["html"] and "Every case, one by one (28)" in out["html"]
    assert "this notebook&#39;s cells" in out["html"] and "In [2]" in out["text"]  # the kernel's cells, by prompt
    assert out["frame"].startswith("<iframe srcdoc=") and "<script" not in out["html"].lower()


def test_a_buggy_notebook_names_the_mistake_in_the_inline_report(runs):
    out = shown(runs["buggy"])
    assert re.search(r"Score: (\d+)/30", out["text"]).group(1) != "30"
    cause = out["html"].index('<section class="cause"')
    assert "kernel flipped" in out["html"][cause:out["html"].index('<details class="fold">')]
    assert "kernel flipped" in out["text"]


def test_magics_shell_lines_and_a_failing_test_cell_do_not_stop_the_grading(runs):
    book = runs["messy"]
    errors = [out for cell in book.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert any(out.ename == "AssertionError" for out in errors)  # the learner's own test did fail in the kernel
    out = shown(book)
    assert "Score: 30/30" in out["text"]
    assert "In [3]" in out["text"]  # the note says which cells' code was left out


def test_the_starter_notebook_checks_to_zero_and_says_not_implemented(runs):
    out = shown(runs["starter"])
    assert "Score: 0/30" in out["text"] and "Not implemented yet" in out["text"]
    assert "Not implemented yet" in out["html"]
    assert "run the check cell again" in out["text"] and "grade again" not in out["text"]


def trace(path: Path) -> list[tuple[str, int]]:
    """The attacking notebook's log: what ran, in which process (none of it if nothing ran)."""
    lines = path.read_text().splitlines() if path.exists() else []
    return [(word, int(pid)) for word, pid in (line.split() for line in lines)]


def printed_pids(page: str) -> set[int]:
    """The processes the report says defined conv2d (it prints that on every call)."""
    return {int(pid) for pid in re.findall(r"defined in process (\d+)", page)}


def test_an_attacking_notebooks_code_runs_only_where_it_should(runs):
    lines = trace(runs["logs"]["attack"])
    kernel = lines[0][1] if lines else None
    assert lines == [("top", kernel), ("assign", kernel)]  # the kernel's own run, once; grading ran none of it
    out = shown(runs["attack"])
    assert "Score: 30/30" in out["text"]
    workers = printed_pids(out["html"])
    assert workers and kernel not in workers  # the definitions the grading used ran in another process


def test_a_saved_notebook_checked_by_path_runs_none_of_its_top_level_code(runs):
    book = runs["saved"]
    kernel = int(book.cells[0].outputs[0].data["text/plain"])
    out = shown(book)
    assert "Score: 30/30" in out["text"] and "attack.ipynb" in out["text"]
    assert trace(runs["logs"]["saved"]) == []  # no top-level line ran, neither in the kernel nor in the worker
    workers = printed_pids(out["html"])
    assert workers and kernel not in workers
