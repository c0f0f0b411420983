"""`check()` without a kernel: the kernel's history read as cells, the result object, the inline report, the
messages for misuse, and `import grader` staying cheap. The real-kernel tests are in test_check_in_kernel.py."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO, reference_source
from diagnosed_results import flipped_run
from grader.errors import UsageError
from grader.learner import check as check_module
from grader.learner.check import CheckError, CheckResult, check, inline_report
from grader.learner.kernel_cells import kernel_cells, without_grader_imports
from grader.reports.html import render_html
from grader.reports.terminal import format_summary


class History:
    def __init__(self, raw, parsed=None):
        self.input_hist_raw = ["", *raw]
        self.input_hist_parsed = ["", *(parsed or raw)]


class Shell:
    """What kernel_cells reads of IPython's shell: the input history and the user namespace."""

    def __init__(self, raw, parsed=None):
        self.history_manager = History(raw, parsed)
        self.user_ns = {}


def call_frame(shell: Shell, cell: str, monkeypatch):
    """The frame of a cell's top level at the line that calls `check` (the cell runs in the shell's namespace)."""
    import grader
    frames = []
    def fake_check(*args, **kwargs):  # keeps the frame as check() sees it while it runs
        frame = sys._getframe(1)
        frames.append(SimpleNamespace(f_code=frame.f_code, f_globals=frame.f_globals, f_lineno=frame.f_lineno))

    monkeypatch.setattr(grader, "check", fake_check, raising=False)
    shell.user_ns["check"] = grader.check
    exec(compile(cell, "<cell>", "exec"), shell.user_ns)  # test code standing in for the kernel, not learner code
    return frames[0]


def test_the_history_becomes_cells_labelled_as_jupyter_shows_them(monkeypatch):
    current = 'x = 1\nfrom grader import check\ncheck("exercise-2")\ny = 2'
    shell = Shell(["import numpy as np", "def conv2d(:\n    pass", "def conv2d(x, w):\n    return x", current])
    cells, notes = kernel_cells(shell, call_frame(shell, current, monkeypatch))
    assert [cell.label for cell in cells] == ["In [1]", "In [3]", "In [4]"]
    assert notes == ["In [2] was left out: it has a syntax error, so the kernel never ran it."]
    assert cells[2].source == "x = 1\n\n"  # cut before the call (the rest has not run), the grader import blanked


def test_magic_cells_keep_their_raw_text_and_line_numbers():
    raw = ["%matplotlib inline\nimport numpy as np\nfrom grader import check", "%%time\nx = 1"]
    parsed = ["get_ipython().run_line_magic('matplotlib', 'inline')\nimport numpy as np\nfrom grader import check",
              "get_ipython().run_cell_magic('time', '', 'x = 1\\n')"]
    cells, _ = kernel_cells(Shell([*raw, "check('exercise-2')"], [*parsed, "check('exercise-2')"]))
    assert [cell.source for cell in cells] == ["%matplotlib inline\nimport numpy as np\n", "%%time\nx = 1"]


def test_check_called_from_inside_a_block_leaves_the_current_cell_out(monkeypatch):
    current = 'if True:\n    check("exercise-2")'
    shell = Shell(["def f():\n    return 1", current])
    cells, _ = kernel_cells(shell, call_frame(shell, current, monkeypatch))
    assert [cell.label for cell in cells] == ["In [1]"]


@pytest.mark.parametrize("source, expected", [
    ("import grader\nimport numpy as np\n", "\nimport numpy as np\n"),
    ("from grader.learner.check import (\n    check,\n)\nx = 1", "\n\n\nx = 1"),
    ("!pip install x\nfrom grader import check\n", "!pip install x\n\n"),
    ("import graderx\n", "import graderx\n"),
    ("def f():\n    from grader import check\n", "def f():\n    from grader import check\n"),
])
def test_only_top_level_grader_imports_are_blanked(source, expected):
    assert without_grader_imports(source) == expected


def test_outside_a_kernel_check_says_what_to_do_instead(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    with pytest.raises(UsageError) as caught:
        check("exercise-2")
    message = str(caught.value)
    assert 'check("exercise-2", path="work.ipynb")' in message and "grade exercise-2 --submission" in message
    assert caught.value._render_traceback_() == [f"check: {message}"]  # IPython shows this, not a traceback


@pytest.mark.parametrize("given, expected", [
    ("exercise-22", "there is no exercise 'exercise-22'. Did you mean 'exercise-2'?"),
    (2, 'give the exercise id as text, e.g. check("exercise-2")'),
])
def test_a_wrong_exercise_id_is_named(given, expected, monkeypatch):
    with pytest.raises(CheckError, match=re.escape(expected)):
        check(given, path="work.ipynb")


def test_a_wrong_path_is_named(tmp_path):
    with pytest.raises(CheckError, match="there is no file .*missing.ipynb to grade. Save the notebook first"):
        check("exercise-2", path=tmp_path / "missing.ipynb")
    with pytest.raises(CheckError, match="is a folder"):
        check("exercise-2", path=tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(CheckError, match=r"give a notebook \(.ipynb\) or a Python file \(.py\)"):
        check("exercise-2", path=tmp_path / "notes.txt")
    with pytest.raises(CheckError, match="sandbox='loose'"):
        check("exercise-2", path=tmp_path / "notes.txt", sandbox="loose")


def test_a_python_file_is_graded_and_the_report_written_to_the_workspace(tmp_path, workspace, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.py"
    path.write_text(reference_source("conv"))
    shown = check("exercise-2", path="mine.py", sandbox="standard")
    assert isinstance(shown, CheckResult) and shown.passed and shown.score == shown.max_score > 0
    assert shown.report == workspace / "reports" / "exercise-2.html" and shown.report.is_file()
    assert (workspace / "reports" / "exercise-2.json").is_file() and (workspace / ".progress.json").is_file()
    assert repr(shown) == format_summary(shown.result) + f"\nReport: {shown.report}"
    assert "\033[" not in repr(shown)


def test_the_workspace_is_the_notebooks_folder_when_it_holds_the_starter(tmp_path, monkeypatch):
    monkeypatch.delenv("CNN_GRADER_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert check_module._workspace_root("exercise-2") is None  # ./cnn-workspace, as for `grade`
    (tmp_path / "exercise_2.ipynb").write_text("{}")
    assert check_module._workspace_root("exercise-2") == tmp_path


def test_an_unwritable_workspace_costs_only_a_note(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CNN_GRADER_WORKSPACE", str(blocker / "workspace"))
    result = flipped_run()
    assert check_module._save(result) is None
    assert result.notes[-1].startswith("The report file could not be written (")


def test_the_inline_report_is_the_folded_report_in_a_sealed_frame():
    result = flipped_run()
    shown = CheckResult(result)._repr_html_()
    assert shown.startswith("<iframe srcdoc=\"") and shown.endswith(
        "</iframe><p>exercise-2: 3/26. Jupyter hides this report because it does not trust this notebook&#x27;s saved "
        "output: run the check cell again to see it.</p>")
    assert "n.hidden=true" in shown  # the frame hides that line once the report is there
    assert 'sandbox="allow-same-origin"' in shown  # no script runs inside the frame
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1))
    assert page == render_html(result, folded=True)  # the same report as the file, folded
    assert page.startswith("<!doctype html>") and "<script" not in page.lower()
    assert not re.search(r"(src|href)=\"(?!data:image/png;base64,)|@import|url\(|https?://", page)
    cause = page.index('<section class="cause"')
    fold = page.index('<details class="fold"><summary>Every case, one by one (')
    assert cause < fold < page.index('<article class="case') < page.index("</details>\n<footer>")


def test_the_file_report_stays_unfolded():
    page = render_html(flipped_run())
    assert 'class="fold"' not in page and "details.fold" not in page


def test_import_grader_stays_cheap_and_never_imports_ipython():
    code = ("import sys, grader; from grader import check; import grader.learner.check, grader.learner.kernel_cells;"
            "print(sorted(m for m in ('IPython', 'numpy', 'pytest', 'jinja2') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_no_grader_module_imports_ipython():
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "grader").rglob("*.py")
                 if re.search(r"^\s*(import IPython|from IPython)", path.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_missing_attributes_of_grader_still_fail_plainly():
    import grader
    with pytest.raises(AttributeError, match="no attribute 'chek'"):
        grader.chek  # noqa: B018
    assert Path(grader.PACKAGE_DIR).is_dir()


def test_a_later_check_reuses_the_exercise_until_its_definition_changes(tmp_path, monkeypatch):
    from conftest import tiny_flatten_yaml, use_course
    root = use_course(tmp_path, monkeypatch, {"tiny-flatten": tiny_flatten_yaml()})
    monkeypatch.setattr(check_module, "_LOADED", {})
    from grader.spec import catalog
    loads, find_exercise = [], catalog.find_exercise

    def find(exercise_id):
        loads.append(exercise_id)
        return find_exercise(exercise_id)
    monkeypatch.setattr(catalog, "find_exercise", find)
    first = check_module._exercise("tiny-flatten")
    assert check_module._exercise("tiny-flatten") is first and loads == ["tiny-flatten"]
    yaml = root / "exercises" / "tiny-flatten.yaml"
    yaml.write_text(yaml.read_text().replace("title: \"", "title: \"Edited ", 1))
    edited = check_module._exercise("tiny-flatten")
    assert loads == ["tiny-flatten"] * 2 and edited.title.startswith("Edited")
    yaml.unlink()
    with pytest.raises(UsageError):  # gone: said every time, never served from the memory
        check_module._exercise("tiny-flatten")
