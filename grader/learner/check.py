"""`check("exercise-2")` in a Jupyter notebook: grade what the learner's cells define, in the isolated worker, and
show the report inline.

Learner code never runs here: the kernel's cells (or a saved notebook's) are handed to the grading as text, and
only the worker runs their definitions. This is the one module that looks for IPython, at call time and through
`sys.modules` (a kernel has imported it already); the grader never imports it."""

from __future__ import annotations

import html
import sys
from pathlib import Path

from ..errors import GraderError, UsageError
from ..results import GradeResult

IN_NOTEBOOK = "the check cell"  # what "grade again" means here: run the check cell again
_said_sandbox = False  # the sandbox notice, said once per kernel


class CheckError(UsageError):
    """A check that cannot be done (unknown exercise, no kernel, a bad path): IPython shows only the message, not
    a traceback through the grader (`_render_traceback_` is IPython's hook; nothing here imports it)."""

    def _render_traceback_(self) -> list[str]:
        return [f"check: {self.message}"]


class CheckResult:
    """What `check()` returns: Jupyter shows `_repr_html_` (the HTML report, folded on the case list), a console
    `__repr__` (the terminal summary). `.result` is the full GradeResult."""

    def __init__(self, result: GradeResult, report: Path | None = None):
        self.result = result
        self.report = report  # the HTML report written to the workspace, None if it could not be written

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def passed(self) -> bool:
        return self.result.all_passed

    def __repr__(self) -> str:
        from ..reports.terminal import format_summary
        text = format_summary(self.result, color=False)
        return text + (f"\nReport: {self.report}" if self.report else "")

    def _repr_html_(self) -> str:
        return inline_report(self.result)


def inline_report(result: GradeResult) -> str:
    """The folded HTML report inside an <iframe srcdoc>: its styles cannot reach the notebook's page, nor the page's
    the report. The report has no scripts (the frame's sandbox forbids them anyway); the frame's one onload line
    fits its height to the report whenever the report's size changes (a folded part opened, the notebook's tab shown
    after being hidden), and hides the line after the frame that stands in for it where Jupyter removes frames."""
    from ..reports.html import render_html
    page = render_html(result, folded=True)
    fit = ("var f=this,d=f.contentDocument,n=f.nextElementSibling;if(!d||!d.body)return;if(n)n.hidden=true;"
           "var s=function(){var h=d.body.scrollHeight;if(h>40)f.style.height=(h+4)+'px'};s();"
           "if(window.ResizeObserver)new ResizeObserver(s).observe(d.body);d.addEventListener('toggle',s,true);")
    title = html.escape(f"cnn-grader report: {result.exercise}, {result.score:g}/{result.max_score:g}")
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{title}" sandbox="allow-same-origin" '
            f'onload="{fit}" style="display: block; box-sizing: border-box; width: 100%; height: 600px; '
            f'border: 1px solid #d8dee4; border-radius: 6px; resize: vertical; background: #fff;"></iframe>'
            f'<p>{html.escape(_fallback(result))}</p>')


def _fallback(result: GradeResult) -> str:
    """Shown instead of the report where Jupyter removes frames (a notebook it does not trust); hidden once the
    report has loaded."""
    return (f"{result.exercise}: {result.score:g}/{result.max_score:g}. Jupyter hides this report because it does "
            "not trust this notebook's saved output: run the check cell again to see it.")


def check(exercise_id: str, path: str | Path | None = None, *, sandbox: str | None = None,
          seed: int | None = None) -> CheckResult:
    """Grade `exercise_id`: the definitions this kernel has run so far (no `path`), or the saved notebook or .py
    file at `path`. The reports are also written to the workspace, as `grade` does."""
    try:
        return _check(exercise_id, path, sandbox, seed, caller=sys._getframe(1))
    except CheckError:
        raise
    except GraderError as err:
        raise CheckError(err.message, err.exit_code) from None


def _check(exercise_id, path, sandbox, seed, caller) -> CheckResult:
    from ..spec.course import use_course_solutions
    use_course_solutions()
    if sandbox not in (None, "standard", "strict"):
        raise CheckError(f'sandbox={sandbox!r}: use "standard" or "strict" (or leave it out).')
    if not isinstance(exercise_id, str):
        raise CheckError(f'give the exercise id as text, e.g. check("exercise-2"), not {exercise_id!r}.')
    exercise = _exercise(exercise_id)
    if path is None:
        shell = _kernel(exercise_id)
        from .kernel_cells import kernel_cells
        cells, notes = kernel_cells(shell, caller)
        shown_as, siblings = "this notebook's cells", Path.cwd()  # a kernel runs in its notebook's folder
    else:
        cells, notes, shown_as = _saved_cells(exercise, Path(path))
        siblings = Path(path).parent
    sandbox = _sandbox(sandbox)
    from ..grading.references import remember_references
    from ..sandbox.client import prestart
    remember_references()  # the kernel stays up: the cases' reference outputs are computed once, not every check
    if cells is None:  # a Python file: graded as `grade --submission` grades it
        from ..grading.runner import grade
        result = grade(exercise, Path(path), seed=seed, shown_as=shown_as, sandbox=sandbox)
    else:
        from ..grading.runner import grade_cells
        result = grade_cells(exercise, cells, shown_as, seed=seed, sandbox=sandbox, siblings=siblings)
    result.notes.extend(notes)
    _say_check_again(result)
    checked = CheckResult(result, _save(result))
    prestart(sandbox, exercise.limits)  # the next check's worker loads Python and NumPy while the learner edits
    return checked


_LOADED: dict = {}  # exercise id -> (its definition's folder, size and time, the exercise), for the next check()


def _exercise(exercise_id: str):
    """The exercise, loaded again only when its definition changed: the kernel stays up, as `grade watch` does, so
    a check() after the first does not read and validate the same YAML again (~25 ms)."""
    from ..spec.catalog import exercises_dir, find_exercise
    folder = exercises_dir()
    try:
        info = (folder / f"{exercise_id}.yaml").stat()
        stamp = (str(folder), info.st_size, info.st_mtime_ns)
    except (OSError, ValueError):
        stamp = None
    kept = _LOADED.get(exercise_id)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    exercise = find_exercise(exercise_id)  # a missing or broken one says why, every time
    _LOADED[exercise_id] = (stamp, exercise)
    return exercise


def _kernel(exercise_id: str):
    """The running IPython shell, looked up without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is None or not hasattr(shell, "history_manager"):
        raise CheckError(f'check("{exercise_id}") without a path grades the cells a Jupyter kernel has run, and '
                         f'there is no kernel here. Give the notebook to grade: check("{exercise_id}", '
                         f'path="work.ipynb"), or run `grade {exercise_id} --submission work.ipynb` in a terminal.')
    return shell


def _saved_cells(exercise, path: Path):
    """(cells, notes, shown_as) of a saved notebook; (None, [], shown_as) for a Python file."""
    if path.is_dir():
        raise CheckError(f"{path} is a folder; give the notebook (.ipynb) or Python file (.py) to grade.")
    if not path.is_file():
        raise CheckError(f"there is no file {path} to grade. Save the notebook first (Ctrl+S), and give its path "
                         "relative to the notebook's folder.")
    if path.suffix == ".py":
        return None, [], str(path)
    if path.suffix != ".ipynb":
        raise CheckError(f"{path}: give a notebook (.ipynb) or a Python file (.py) to grade.")
    from ..sandbox.notebook import Cell, read_cells
    from .kernel_cells import without_grader_imports
    cells = [Cell(label=cell.label, source=without_grader_imports(cell.source)) for cell in read_cells(path)]
    return cells, [], str(path)


def _sandbox(requested: str | None) -> str:
    global _said_sandbox
    from ..sandbox.launch import resolve_sandbox
    chosen, line = resolve_sandbox(requested)
    if chosen == "standard" and line and not _said_sandbox:
        print(line, file=sys.stderr)
        _said_sandbox = True
    return chosen


def _say_check_again(result: GradeResult) -> None:
    """The grader's messages end with "... then grade again"; in a notebook that is running the check cell."""
    again = f"run {IN_NOTEBOOK} again"
    result.summary = result.summary.replace("grade again", again)
    for case in result.cases:
        case.message = case.message.replace("grade again", again)


def _save(result: GradeResult) -> Path | None:
    """Record the score in the workspace and write its reports/EXERCISE.html and .json, as `grade` does; a
    workspace that cannot be written costs the inline report nothing (a note says so)."""
    from ..reports.files import write_reports
    from .files import open_workspace
    root = _workspace_root(result.exercise)
    try:
        space = open_workspace(root)
        space.record(result)
        html_path = space.report_path(result.exercise, "html")
        write_reports(result, space.report_path(result.exercise, "json"), html_path)
        return html_path
    except (GraderError, OSError) as err:
        result.notes.append(f"The report file could not be written ({err}); the report here is complete.")
        return None


def _workspace_root(exercise_id: str) -> Path | None:
    """$CNN_GRADER_WORKSPACE; else the kernel's folder when it holds this exercise's starter (a notebook written
    by `grade start --notebook` runs there); else None: ./cnn-workspace, as for `grade`."""
    import os

    from ..workspace import WORKSPACE_ENV, Workspace
    if os.environ.get(WORKSPACE_ENV):
        return None
    here = Path.cwd()
    starter = Workspace(here).submission_path(exercise_id)
    if starter.exists() or starter.with_suffix(".ipynb").exists() or (here / ".progress.json").exists():
        return here
    return None
