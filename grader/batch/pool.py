"""The pool of grading processes: each loads pytest, NumPy and the references once, then grades many learners."""

from __future__ import annotations

import shutil
import signal
import tempfile
from functools import partial
from pathlib import Path

from ..reports.gradebook import Status, status_of
from ..results import GradeResult, grader_error_result, missing_file_result
from ..sandbox.reaper import GradingSubreaper
from ..spec.model import Exercise
from .discover import Learner, safe_id, short_list
from .outdir import write_learner


def grade_learner(exercise: Exercise, learner: Learner, out: Path, seed: int | None,
                  sandbox: str = "standard", session=None) -> str:
    """Grade (in `session`, a batch grading process's pytest session, when given), write result.json and
    report.html atomically, then the done marker; return the status."""
    from ..grading.runner import grade
    if session is not None:
        grade = partial(grade, session=session)
    if learner.file is None:
        result = missing_file_result(exercise, why_missing(exercise, learner.source))
    elif learner.lone:  # the worker copies sibling .py files: a lone file must not see other learners' files
        with tempfile.TemporaryDirectory(prefix="grade-batch-") as private:
            copy = Path(private) / learner.file.name
            shutil.copyfile(learner.file, copy)
            result = _safe_grade(grade, exercise, copy, seed, sandbox)
    else:
        result = _safe_grade(grade, exercise, learner.file, seed, sandbox)
    if _STOP["now"]:
        return ""
    write_learner(out, learner, result)
    return status_of(result)


def why_missing(exercise: Exercise, source: Path | None) -> str:
    """Why a learner's entry has no file to grade: a link to nothing, or a folder without the exercise's file
    (exercise_2.py or exercise_2.ipynb) and not exactly one .py file or notebook to take instead."""
    stem = exercise.id.replace("-", "_")
    if source is not None and not source.is_dir():
        return f"{source.name} could not be read (a link to a missing file?). Submit the file itself, not a link to it."
    found = _candidates(source) if source is not None else []
    if len(found) > 1:
        return (f"No {stem}.py or {stem}.ipynb was found in this submission, and it holds several .py files or "
                f"notebooks ({short_list(found)}): name the one to grade {stem}.py, or {stem}.ipynb for a notebook.")
    return f"No {stem}.py or {stem}.ipynb was found in this submission."


def _candidates(folder: Path) -> list[str]:
    """The .py files and notebooks that gradescope.find_submission_file chooses among (none in a hidden folder
    such as .ipynb_checkpoints, none through a link), as paths inside `folder`."""
    found = []
    for path in sorted(p for suffix in ("*.py", "*.ipynb") for p in folder.rglob(suffix)):
        inside = path.relative_to(folder)
        between = [folder.joinpath(*inside.parts[:depth]) for depth in range(1, len(inside.parts) + 1)]
        if path.is_file() and not any(part.startswith(".") for part in inside.parts) \
                and not any(step.is_symlink() for step in between):
            found.append(safe_id(inside.as_posix()))
    return found


def _safe_grade(grade, exercise: Exercise, path: Path, seed, sandbox: str) -> GradeResult:
    try:
        return grade(exercise, path, seed=seed, shown_as=path.name, sandbox=sandbox)
    except Exception as err:  # a grader bug for this learner only: record it, keep going with the others
        return grader_error_result(exercise, f"{type(err).__name__}: {err}")


_STOP = {"now": False}


def _on_signal(signum, frame):
    _STOP["now"] = True
    raise KeyboardInterrupt


def _grading_process(exercise_path: str, seed, out: str, tasks, events, index: int, sandbox: str) -> None:
    """A long-lived grading process: pytest, NumPy and the references load once, then many learners are graded in
    one pytest session.

    Each learner's worker is forked from a zygote that imported NumPy once (in strict mode, inside the one jail
    the zygote runs in)."""
    from ..sandbox import zygote
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        zygote.enable(sandbox)
        from ..grading.references import remember_references
        from ..grading.runner import serve
        from ..spec.loader import load_exercise
        remember_references()
        exercise = load_exercise(exercise_path)

        def learners():
            while not _STOP["now"]:
                learner = tasks.get()
                if learner is None:
                    return
                yield partial(grade_one, learner)

        def grade_one(learner: Learner, session) -> None:
            events.put(("start", index, learner.id, "", 0))
            status = grade_learner(exercise, learner, Path(out), seed, sandbox, session)
            if not _STOP["now"]:
                events.put(("done", index, learner.id, status, peak_rss_mib()))

        serve(exercise, learners())
    except KeyboardInterrupt:
        return
    finally:
        try:
            zygote.disable()
        except KeyboardInterrupt:  # the parent's SIGTERM while the zygote closes: we were finishing anyway
            pass


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pool(exercise: Exercise, learners: list[Learner], out: Path, seed, jobs: int, progress,
             sandbox: str = "standard") -> float:
    """Grade `learners` with `jobs` grading processes; returns the largest peak memory (MiB) one of them reported."""
    import multiprocessing
    import queue
    context = multiprocessing.get_context("fork")
    tasks, events = context.Queue(), context.Queue()
    for learner in learners:
        tasks.put(learner)
    jobs = max(1, min(jobs, len(learners)))
    for _ in range(jobs):
        tasks.put(None)
    by_id = {learner.id: learner for learner in learners}

    def start(index):
        proc = context.Process(target=_grading_process, daemon=True,
                               args=(exercise.path, seed, str(out), tasks, events, index, sandbox))
        proc.start()
        return proc

    adopter = GradingSubreaper().__enter__()  # a dead grading process's orphans come here, and die before a write
    procs = {index: start(index) for index in range(jobs)}
    inflight: dict[int, str] = {}
    remaining = len(learners)
    peak = 0.0
    try:
        while remaining:
            try:
                kind, index, learner_id, status, rss = events.get(timeout=0.5)
            except queue.Empty:
                for index, proc in list(procs.items()):
                    if not proc.is_alive() and index in inflight:  # the grading process itself died
                        learner = by_id[inflight.pop(index)]
                        adopter.sweep(adopted_only=True)
                        write_learner(out, learner, grader_error_result(exercise, f"grading process ended "
                                                                                  f"({proc.exitcode})"))
                        remaining -= 1
                        progress(learner.id, Status.ERROR)
                        procs[index] = start(index)
                continue
            if kind == "start":
                inflight[index] = learner_id
            else:
                inflight.pop(index, None)
                remaining -= 1
                peak = max(peak, rss)
                progress(learner_id, status)
    finally:
        if not remaining:  # every learner is done: let the processes close their zygotes and exit
            for proc in procs.values():
                proc.join(timeout=5)
        for proc in procs.values():
            if proc.is_alive():
                proc.terminate()
        for proc in procs.values():
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        adopter.__exit__(None, None, None)
    return peak
