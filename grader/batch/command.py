"""`grade batch` and `grade merge`: grade a class in parallel and resumably, one shard or all, into one gradebook."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..reports import gradebook as G
from ..errors import EXIT_INTERNAL, EXIT_OK, UsageError
from ..spec.exercise import Exercise, find_exercise
from ..sandbox.launch import strict_prefix
from ..reports.output_paths import check_not_inside, check_output_dir
from ..results import GradeResult, write_atomic
from .shards import cmd_merge, in_shard, parse_shard  # noqa: F401 - `grade merge` is dispatched through here

LEARNERS = "learners"
MANIFEST = "batch.json"
DONE = ".done"  # written last: its presence (with a matching fingerprint) means the learner is finished
REPORT = "report.html"
STALE_COPY = "results.json"  # older versions also wrote result.json again in Gradescope's shape; removed on rewrite


@dataclass(frozen=True)
class Learner:
    id: str
    file: Path | None  # None: the folder holds no file for this exercise
    fingerprint: str  # exercise definition + seed + submission bytes; a change means grade again
    lone: bool = False  # a single .py file beside other learners' files (graded from a private copy)
    source: Path | None = None  # the learner's entry in SUBMISSIONS, to say why no file was found


# --- finding learners ----------------------------------------------------------------------------

def discover(submissions: Path, exercise: Exercise, seed: int | None, sandbox: str = "standard") -> list[Learner]:
    from ..gradescope import find_submission_file
    if not submissions.is_dir():
        raise UsageError(f"{submissions} is not a folder: give a folder with one .py file or folder per learner.")
    base = Path(exercise.path).read_bytes() + f"\0{seed}\0".encode()
    if sandbox != "standard":  # a result graded in another sandbox does not count as done (standard keeps old marks)
        base += f"{sandbox}\0".encode()
    learners: dict[str, Learner] = {}
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith((".", "_")) or not (entry.is_dir() or entry.suffix == ".py"):
            continue
        if entry.is_dir():
            learner_id, file = entry.name, find_submission_file(entry, exercise.id)
        else:  # a .py file, or a link to nothing (recorded as an error, with the reason)
            learner_id, file = entry.stem, entry if entry.is_file() else None
        if learner_id in learners:
            raise UsageError(f"learner '{learner_id}' appears twice in {submissions} (a file and a folder?); "
                             "keep one.")
        learners[learner_id] = Learner(learner_id, file, _fingerprint(base, file), not entry.is_dir(), entry)
    if not any(learner.file is not None for learner in learners.values()):
        raise UsageError(nothing_to_grade(submissions, exercise))
    return list(learners.values())


def nothing_to_grade(submissions: Path, exercise: Exercise) -> str:
    """Why SUBMISSIONS holds no gradable file, listing what it does hold."""
    expected = f"{exercise.id.replace('-', '_')}.py"
    entries = sorted(submissions.iterdir())
    folders = [entry.name + "/" for entry in entries if entry.is_dir() and not entry.name.startswith((".", "_"))]
    others = [entry.name + ("/" if entry.is_dir() else "") for entry in entries]
    others = [name for name in others if name not in folders]
    if not entries:
        found = "is empty"
    else:
        parts = []
        if folders:
            parts.append(f"{_count(folders, 'learner folder')} ({_names(folders)}), none with {expected} or a "
                         "single .py file")
        if others:
            what = ("other entry", "other entries") if folders else ("entry", "entries")
            hidden = any(name.startswith((".", "_")) for name in others)
            skipped = " (names starting with . or _ are skipped)" if hidden else ""
            parts.append(f"{_count(others, *what)} ({_names(others)}), none a readable learner .py file{skipped}")
        found = "holds " + "; and ".join(parts)
    return (f"{submissions} {found}: there is nothing to grade for {exercise.id}. Give a folder with one entry per "
            f"learner: alice.py, or alice/{expected}.")


def _count(items: list, one: str, many: str = "") -> str:
    return f"1 {one}" if len(items) == 1 else f"{len(items)} {many or one + 's'}"


def _names(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _fingerprint(base: bytes, file: Path | None) -> str:
    digest = hashlib.sha256(base)
    if file is not None:
        with open(file, "rb") as handle:  # in chunks: a huge file is refused later, not loaded here
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def is_done(out: Path, learner: Learner) -> bool:
    try:
        return (out / LEARNERS / learner.id / DONE).read_text(encoding="utf-8") == learner.fingerprint
    except OSError:
        return False


# --- grading one learner (in a grading process) --------------------------------------------------

def grade_learner(exercise: Exercise, learner: Learner, out: Path, seed: int | None,
                  sandbox: str = "standard") -> str:
    """Grade, write result.json and report.html atomically, then the done marker; return the status."""
    from ..gradescope import missing_result
    from ..grading.runner import grade
    if learner.file is None:
        result = missing_result(exercise, why_missing(exercise, learner.source))
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
    return G.status_of(result)


def why_missing(exercise: Exercise, source: Path | None) -> str:
    expected = f"{exercise.id.replace('-', '_')}.py"
    if source is not None and not source.is_dir():
        return f"{source.name} could not be read (a link to a missing file?). Submit {expected} itself."
    found = sorted(p.name for p in source.rglob("*.py") if p.is_file()) if source is not None else []
    if len(found) > 1:
        return (f"No {expected} was found in this submission, and it holds several .py files "
                f"({', '.join(found[:5])}{', ...' if len(found) > 5 else ''}): name your file {expected}.")
    return f"No {expected} was found in this submission."


def _safe_grade(grade, exercise: Exercise, path: Path, seed, sandbox: str) -> GradeResult:
    try:
        return grade(exercise, path, seed=seed, shown_as=path.name, sandbox=sandbox)
    except Exception as err:  # a grader bug for this learner only: record it, keep going with the others
        return internal_result(exercise, f"{type(err).__name__}: {err}")


def internal_result(exercise: Exercise, detail: str) -> GradeResult:
    from .. import results as R
    message = "The grader failed on this submission; this is not your fault. It will be graded again."
    cases = [R.CaseResult(case.name, case.points, R.ERROR, kind="internal", message=message,
                          visibility="hidden" if case.hidden else "visible") for case in exercise.cases]
    return R.GradeResult(exercise=exercise.id, title=exercise.title, cases=cases, summary=message,
                         seed=exercise.seed, notes=[f"grader error: {detail}"[:500]])


def write_learner(out: Path, learner: Learner, result: GradeResult) -> None:
    """One file per kind of content: result.json (data), report.html (for the learner), .done (the marker)."""
    from ..reports.html import write_html
    folder = out / LEARNERS / learner.id
    (folder / DONE).unlink(missing_ok=True)
    (folder / STALE_COPY).unlink(missing_ok=True)
    result.extras["batch"] = {"learner": learner.id, "status": G.status_of(result)}
    write_atomic(folder / G.RESULT_FILE, result.to_json())
    write_html(result, folder / REPORT)
    if not G.grader_failed(result):  # grader errors are retried by the next run
        write_atomic(folder / DONE, learner.fingerprint)


# --- the pool ------------------------------------------------------------------------------------

_STOP = {"now": False}


def _on_signal(signum, frame):
    _STOP["now"] = True
    raise KeyboardInterrupt


def _grading_process(exercise_path: str, seed, out: str, tasks, events, index: int, sandbox: str) -> None:
    """A long-lived grading process: pytest, NumPy and the references load once, then many learners.

    In the standard sandbox each learner's worker is forked from a zygote that imported NumPy once."""
    from ..sandbox import zygote
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        if sandbox == "standard":
            zygote.enable()
        from ..spec.exercise import load_exercise, remember_references
        remember_references()
        exercise = load_exercise(exercise_path)
        while not _STOP["now"]:
            learner = tasks.get()
            if learner is None:
                return
            events.put(("start", index, learner.id, ""))
            status = grade_learner(exercise, learner, Path(out), seed, sandbox)
            if _STOP["now"]:
                return
            events.put(("done", index, learner.id, status))
    except KeyboardInterrupt:
        return
    finally:
        try:
            zygote.disable()
        except KeyboardInterrupt:  # the parent's SIGTERM while the zygote closes: we were finishing anyway
            pass


class _Terminated(BaseException):
    pass


def _raise_terminated(signum, frame):
    raise _Terminated


def run_pool(exercise: Exercise, learners: list[Learner], out: Path, seed, jobs: int, progress,
             sandbox: str = "standard") -> None:
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
        proc = context.Process(target=_grading_process, args=(exercise.path, seed, str(out), tasks, events, index, sandbox),
                               daemon=True)
        proc.start()
        return proc

    procs = {index: start(index) for index in range(jobs)}
    inflight: dict[int, str] = {}
    remaining = len(learners)
    try:
        while remaining:
            try:
                kind, index, learner_id, status = events.get(timeout=0.5)
            except queue.Empty:
                for index, proc in list(procs.items()):
                    if not proc.is_alive() and index in inflight:  # the grading process itself died
                        learner = by_id[inflight.pop(index)]
                        write_learner(out, learner, internal_result(exercise, f"grading process ended "
                                                                              f"({proc.exitcode})"))
                        remaining -= 1
                        progress(learner.id, G.ERROR)
                        procs[index] = start(index)
                continue
            if kind == "start":
                inflight[index] = learner_id
            else:
                inflight.pop(index, None)
                remaining -= 1
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


# --- the commands --------------------------------------------------------------------------------

def _check_manifest(out: Path, exercise: Exercise, seed) -> None:
    from .shards import read_manifest
    path = out / MANIFEST
    data = read_manifest(out)
    if data is not None:
        if data.get("exercise") != exercise.id or data.get("seed") != seed:
            raise UsageError(f"{out} holds a batch of {data.get('exercise')} (seed {data.get('seed')}); "
                             "choose another --out folder.")
    write_atomic(path, json.dumps({"exercise": exercise.id, "seed": seed}, indent=2) + "\n")


def cmd_batch(args) -> int:
    from ..spec.course import current_course
    print(current_course().describe(), flush=True)  # which course's definition grades the class
    exercise = find_exercise(args.exercise)
    k, n = parse_shard(args.shard)
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}.")
    sandbox = getattr(args, "sandbox", None) or "standard"
    if sandbox == "strict":
        strict_prefix()  # UsageError (exit 2) now, not a grader error for every learner
    out = check_output_dir(args.out, "--out")
    check_not_inside(out, args.submissions, "--out", "the submissions folder")
    learners = [item for item in discover(Path(args.submissions), exercise, args.seed, sandbox)
                if in_shard(item.id, k, n)]
    _check_manifest(out, exercise, args.seed)
    todo = [item for item in learners if args.force or not is_done(out, item)]
    wanted = {item.id for item in learners}
    print(f"{exercise.id}: {len(learners)} learner(s)" + (f" in shard {k}/{n}" if n > 1 else "") +
          f", {len(learners) - len(todo)} already graded, {len(todo)} to grade with {min(jobs, max(1, len(todo)))} "
          f"process(es), {sandbox} sandbox.", flush=True)
    progress = Progress(len(todo), sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        if todo:
            run_pool(exercise, todo, out, args.seed, jobs, progress, sandbox)
    except KeyboardInterrupt:
        print("\ngrade: stopped; finished learners are saved. Run the same command again to go on.", file=sys.stderr)
        return 130
    except _Terminated:
        print("\ngrade: terminated; finished learners are saved. Run the same command again to go on.",
              file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.close()
    rows = [row for row in G.read_rows(out / LEARNERS) if row.learner in wanted]
    G.write_gradebook(out, rows, exercise.id)
    return report(rows, out)


def report(rows: list[G.Row], out: Path) -> int:
    """The batch's last lines: learners per status, who was not graded and why; exit 3 when the grader failed."""
    counts = {status: sum(row.status == status for row in rows) for status in G.STATUSES}
    print("Learners: " + ", ".join(f"{count} {status}" for status, count in counts.items()) +
          f". Gradebook: {out / 'gradebook.csv'}")
    unusable = [row.learner for row in rows if G.not_graded(row.result)]
    if unusable:
        print(f"Not graded, no usable file: {_names(unusable, 10)} (result.json of each says why).")
    failed = [row.learner for row in rows if G.grader_failed(row.result)]
    if failed:
        print(f"grade: the grader failed for {_names(failed, 10)}; run the same command again to retry them.",
              file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_OK


class Progress:
    """A bar on a terminal; one quiet line per learner elsewhere (CI logs)."""

    def __init__(self, total: int, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, learner_id: str, status: str) -> None:
        self.done += 1
        if self.tty:
            filled = int(30 * self.done / max(1, self.total))
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {learner_id[:30]:<30}")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {learner_id}: {status}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")
