"""`grade batch` and `grade merge`: grade a class in parallel and resumably, one shard or all, into one gradebook;
and what they print on the way (a progress bar, the closing report)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from ..errors import EXIT_INTERNAL, EXIT_OK, UsageError
from ..reports.files import check_not_inside, check_output_dir
from ..reports.gradebook import Row, status_counts
from ..results import grader_failed, no_usable_file
from ..sandbox.launch import resolve_sandbox
from ..spec.catalog import find_exercise
from .discover import discover, short_list
from .outdir import (CLASS_REPORT, GRADEBOOK_CSV, claim, is_done, read_rows, write_class_report,
                     write_gradebook)
from .pool import run_pool
from .shards import in_shard, join_shards, parse_shard


class _Terminated(BaseException):
    pass


def _raise_terminated(signum, frame):
    raise _Terminated


def grade_batch(submissions: Path, *, exercise_id: str, out: Path, jobs: int | None, shard: str | None, force: bool,
                seed: int | None, sandbox: str | None) -> int:
    """Grade every learner under `submissions` (only shard "K/N" if given) into the output folder `out`; with no
    sandbox given, in strict mode where this machine offers it (and says so), else standard."""
    from ..spec.course import current_course
    print(current_course().describe(), flush=True)  # which course's definition grades the class
    exercise = find_exercise(exercise_id)
    k, n = parse_shard(shard)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}.")
    sandbox, line = resolve_sandbox(sandbox)  # strict asked for but unavailable: exit 2 now, before any learner
    if line:
        print(line, flush=True)
    out = check_output_dir(out, "--out")
    check_not_inside(out, submissions, "--out", "the submissions folder")
    learners = [item for item in discover(submissions, exercise, seed, sandbox)
                if in_shard(item.id, k, n)]
    claim(out, exercise.id, seed)
    todo = [item for item in learners if force or not is_done(out, item)]
    wanted = {item.id for item in learners}
    print(f"{exercise.id}: {len(learners)} learner(s)" + (f" in shard {k}/{n}" if n > 1 else "") +
          f", {len(learners) - len(todo)} already graded, {len(todo)} to grade with {min(jobs, max(1, len(todo)))} "
          f"process(es), {sandbox} sandbox.", flush=True)
    progress = Progress(len(todo), sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        if todo:
            run_pool(exercise, todo, out, seed, jobs, progress, sandbox)
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
    rows = [row for row in read_rows(out) if row.learner in wanted]
    write_gradebook(out, rows, exercise.id)
    write_class_report(out, rows, exercise.id)
    return report(rows, out)


def merge_shards(folders: list[Path], *, out: Path) -> int:
    """Join the output folders of `grade batch --shard` into `out` and write its gradebook."""
    out = check_output_dir(out, "--out")
    exercise_id, learners = join_shards(folders, out)
    rows = [row for row in read_rows(out) if row.learner in learners]
    write_gradebook(out, rows, exercise_id)
    write_class_report(out, rows, exercise_id)
    return report(rows, out)


def report(rows: list[Row], out: Path) -> int:
    """The batch's last lines: learners per status, who was not graded and why; exit 3 when the grader failed."""
    print("Learners: " + ", ".join(f"{count} {status}" for status, count in status_counts(rows).items()) +
          f". Gradebook: {out / GRADEBOOK_CSV}. Class report: {out / CLASS_REPORT}")
    unusable = [row.learner for row in rows if no_usable_file(row.result)]
    if unusable:
        print(f"Not graded, no usable file: {short_list(unusable, 10)} (result.json of each says why).")
    failed = [row.learner for row in rows if grader_failed(row.result)]
    if failed:
        print(f"grade: the grader failed for {short_list(failed, 10)}; run the same command again to retry them.",
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
