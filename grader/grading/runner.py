"""Grade a submission: start the worker, run the cases through pytest, collect one GradeResult."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..errors import UsageError
from ..results import LOAD_FAILURES, GradeResult, Kind, Outcome, leading_cause, lost_case, unusable_file_cases
from ..sandbox.client import MAX_SUBMISSION_BYTES, copy_siblings
from ..sandbox.launch import strict_tool
from ..sandbox.notebook import Cell, read_cells
from ..sandbox.notebook_code import definitions
from ..sandbox.notebook_defs import Definitions
from ..sandbox.reaper import GradingSubreaper
from ..spec.model import Exercise
from .evaluate import Evaluator

if TYPE_CHECKING:  # plugin.py imports pytest, which a grading loads only once its worker is starting
    from .plugin import GradingPlugin

_HERE = Path(__file__).resolve().parent
# The plugin collects the cases itself: no test file is named, and none is looked for.
_PYTEST_ARGS = ["-c", str(_HERE / "pytest-grading.ini"), "--rootdir", str(_HERE), "--noconftest",
                "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:logging", "-p", "no:doctest",
                "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:nose", "-p", "no:faulthandler",
                # these two run gc.collect() five times at exit (~0.1 s) to find leaks in test code we do not have
                "-p", "no:unraisableexception", "-p", "no:threadexception",
                # fixtures and options no grading needs (instructor checks get learner, reference and rng only):
                # ~9% of a warm grading, what `grade watch` and check() pay per round
                "-p", "no:legacypath", "-p", "no:tmpdir", "-p", "no:monkeypatch", "-p", "no:recwarn",
                "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:stepwise", "-p", "no:python_path",
                "-p", "no:unittest", "-p", "no:debugging",
                # per-item hooks of plugins that do nothing here (output is not captured, no item is marked skip or
                # xfail, no subtests; warnings are ignored once for the session, see `serve`): ~40% of pytest's own
                # cost per learner in a batch
                "-p", "no:capture", "-p", "no:skipping", "-p", "no:subtests", "-p", "no:warnings",
                # test modules are neither collected (the cases are our own items) nor rewritten: ~3 ms of set-up
                "-p", "no:python", "-p", "no:assertion"]
# Settings from the environment must not change how the grader's own pytest session behaves.
_PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None}


def grade(exercise: Exercise, submission: Path, seed: int | None = None, shown_as: str = "",
          sandbox: str = "standard", session: GradingPlugin | None = None) -> GradeResult:
    """Grade a .py file, or the definitions of a notebook (.ipynb: a broken one gets a 0-point result); the cases
    run in `session` (see `serve`) when given, else in a pytest session of their own."""
    started = time.monotonic()
    shown_as = shown_as or str(submission)
    _check_seed(exercise, seed)
    problem = _unusable(Path(submission), notebook=Path(submission).suffix == ".ipynb")
    if not problem and Path(submission).suffix == ".ipynb":
        try:
            cells = read_cells(Path(submission))
        except UsageError as err:
            problem = err.message
        else:
            return grade_cells(exercise, cells, shown_as, seed, sandbox, siblings=Path(submission).parent,
                               session=session)
    if problem:
        return _result(exercise, unusable_file_cases(exercise, problem), shown_as, seed, started, summary=problem)
    return _grade_file(exercise, Path(submission), seed, shown_as, sandbox, started, session=session)


def grade_cells(exercise: Exercise, cells: list[Cell], shown_as: str, seed: int | None = None,
                sandbox: str = "standard", siblings: Path | None = None,
                session: GradingPlugin | None = None) -> GradeResult:
    """Grade what notebook cells define (imports, definitions, simple constants; their other code never runs):
    written as the exercise's file (exercise_2.py) into a private folder, with the .py files of `siblings` (the
    notebook's folder) beside it. Messages, tracebacks and diagnoses name cells ("cell 4, line 2") by their labels;
    the result's first note says which cells were graded and which code was left out."""
    started = time.monotonic()
    _check_seed(exercise, seed)
    code = definitions(cells, exercise.entry.name)
    size = len(code.source.encode("utf-8"))
    if size > MAX_SUBMISSION_BYTES:
        problem = (f"The code cells of {shown_as} hold {size} bytes of definitions; the limit is "
                   f"{MAX_SUBMISSION_BYTES}. Keep only your code in the notebook.")
        return _result(exercise, unusable_file_cases(exercise, problem), shown_as, seed, started, summary=problem)
    folder = Path(tempfile.mkdtemp(prefix="grade-notebook-"))
    try:
        path = folder / f"{exercise.id.replace('-', '_')}.py"
        path.write_text(code.source, encoding="utf-8")
        if siblings is not None and siblings.is_dir():
            copy_siblings(siblings, folder, skip=path.name)
        result = _grade_file(exercise, path, seed, shown_as, sandbox, started, code, session)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.notes.insert(0, code.note(shown_as))
    return result


def _check_seed(exercise: Exercise, seed: int | None) -> None:
    if exercise.edition == "learner" and seed not in (None, exercise.seed):
        raise UsageError("this learner edition checks the public cases on their fixed inputs only; drop --seed.")


def _grade_file(exercise: Exercise, submission: Path, seed: int | None, shown_as: str, sandbox: str,
                started: float, cells: Definitions | None = None, session: GradingPlugin | None = None) -> GradeResult:
    with GradingSubreaper() as adopter:  # orphans of the worker's processes come back here, not to init
        evaluator = Evaluator(exercise, submission, seed, shown_as, sandbox, cells)  # UsageError: strict unavailable
        evaluator.start()  # the worker imports NumPy on the other core while this process sets pytest up
        try:
            if session is None:
                from ..reports.html import report_template
                report_template()  # the worker needs ~0.3 s to start: load the report template meanwhile
                results = run_cases(exercise, evaluator)
            else:
                results = session.run(evaluator)
            from .showcase import run_showcase
            # unscored: the learner's function on a picture, for the report; not after cases ran out of time
            extras = {} if evaluator.pace.stopped else run_showcase(evaluator)
        finally:
            evaluator.close()
    if not adopter.clean:  # a survivor could rewrite the result or the report once they are written
        raise RuntimeError("processes started by the submission could not all be stopped")
    cases = [results.get(case.name) or lost_case(case) for case in exercise.cases]
    evaluator.settle(cases)
    result = _result(exercise, cases, shown_as, seed, started)
    result.extras.update(extras)
    result.sandbox = sandbox
    if sandbox == "strict":
        result.notes.append(f"Strict sandbox ({strict_tool()}): no network, read-only system, grader files hidden.")
    return result


def run_cases(exercise: Exercise, evaluator: Evaluator) -> dict:
    """Every case of the exercise on one submission, in a pytest session of its own; the results by case name."""
    results: dict = {}
    serve(exercise, [lambda session: results.update(session.run(evaluator))])
    return results


def serve(exercise: Exercise, work: Iterable[Callable[[GradingPlugin], None]]) -> None:
    """One pytest session over the exercise's cases, in which each piece of `work` is called with the session
    (`session.run(evaluator)` grades one submission). What a piece of work raises is raised here once pytest has
    finished, and so is Ctrl-C, which pytest swallows."""
    import pytest

    from .plugin import GradingPlugin
    plugin = GradingPlugin(exercise.cases, work)
    # The grader's own warnings (NumPy's on a learner's NaNs, say) are never shown: pytest's warnings plugin would
    # only have collected them for a terminal summary that is switched off.
    with _environment(_PYTEST_ENV), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pytest.main(list(_PYTEST_ARGS), plugins=[plugin])
    if plugin.error is not None:
        raise plugin.error
    if plugin.interrupted:  # so that `grade`, `grade watch` and a batch stop
        raise KeyboardInterrupt


def _unusable(path: Path, notebook: bool = False) -> str:
    """Why the file cannot be graded ("" when it can); a notebook's size is read_cells's to judge."""
    if path.is_symlink():  # a link could point at the reference solutions or another learner's file
        return f"{path} is a symbolic link. Submit the file itself, not a link to it."
    try:
        size = path.stat().st_size
    except OSError:
        return f"The file {path} cannot be read."
    if not path.is_file():
        return f"{path} is not a file."
    if size > MAX_SUBMISSION_BYTES and not notebook:
        return f"Your file is {size} bytes; the limit is {MAX_SUBMISSION_BYTES}. Submit only your code."
    return ""


def _result(exercise: Exercise, cases: list, shown_as: str, seed, started: float, summary: str = "") -> GradeResult:
    result = GradeResult(exercise=exercise.id, title=exercise.title, cases=cases, submission=shown_as,
                         seed=exercise.seed if seed is None else seed, sandbox="standard",
                         duration=time.monotonic() - started)
    result.summary = summary or summarize(result)
    if exercise.hidden_cases:
        result.notes.append(f"This copy runs the public cases only: {exercise.hidden_cases} hidden case(s) run "
                            "when you submit your work.")
    return result


def summarize(result: GradeResult) -> str:
    """One sentence about the whole run, naming the most useful next step."""
    total = len(result.cases)
    passed = result.count(Outcome.PASSED)
    if passed == total:
        return f"All {total} cases passed. Well done!"
    untouched = [case for case in result.cases if case.outcome == Outcome.NOT_ATTEMPTED]
    if untouched and result.count(Outcome.NOT_ATTEMPTED) + result.count(Outcome.NOT_RUN) == total:
        return untouched[0].message
    first_error = next((c for c in result.cases if c.kind in LOAD_FAILURES), None)
    if first_error is not None:
        return first_error.message
    stopped = [case for case in result.cases if case.kind == Kind.STOPPED]
    if stopped:  # the reason the rest did not run matters more than any one failure
        return f"{passed} of {total} cases passed; {len(stopped)} were not run: " \
            + stopped[0].message.removeprefix("Not run: ")
    unfinished = sum(case.kind == Kind.NOT_IMPLEMENTED for case in result.cases)
    if unfinished:
        return (f"{passed} of {total} cases passed. {unfinished} of the failing cases stop at a "
                "`raise NotImplementedError` in your code: finish that part first.")
    cause = leading_cause(result)
    if cause is not None:  # the one thing to fix first
        return f"{passed} of {total} cases passed. {cause.sentence()}"
    return f"{passed} of {total} cases passed. Start with the first failing public case: it shows the details."


@contextmanager
def _environment(changes: dict):
    saved = {key: os.environ.get(key) for key in changes}
    try:
        _set_environment(changes)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: dict) -> None:
    """Set each variable; None removes it."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
