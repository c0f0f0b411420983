"""`grade batch` and `grade merge`: grade a class in parallel and resumably, one shard or all, into one gradebook;
and what they print on the way (a progress bar, the closing report)."""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import EXIT_INTERNAL, EXIT_OK, UsageError
from ..reports.files import check_not_inside, check_output_dir
from ..reports.gradebook import Row, status_counts
from ..results import grader_failed, no_usable_file
from ..sandbox.launch import resolve_sandbox
from ..spec.catalog import find_exercise
from ..spec.model import Exercise
from .discover import Learner, discover, short_list
from .outdir import (CLASS_REPORT, GRADEBOOK_CSV, claim, claim_several, is_done, listed_rows, read_manifest,
                     read_rows, write_class_report, write_gradebook, write_several_report)
from .pool import run_pool
from .shards import in_shard, join_shards, parse_shard


class _Terminated(BaseException):
    pass


def _raise_terminated(signum, frame):
    raise _Terminated


@dataclass
class _Batch:
    """One exercise's part of a batch: where its results go, its learners (this shard's), those still to grade."""
    exercise: Exercise
    folder: Path
    learners: list[Learner]
    todo: list[Learner]


def grade_batch(submissions: Path, *, exercise_ids: list[str] | None, out: Path, jobs: int | None,
                shard: str | None, force: bool, seed: int | None, sandbox: str | None) -> int:
    """Grade every learner under `submissions` (only shard "K/N" if given) into the output folder `out`; with no
    sandbox given, in strict mode where this machine offers it (and says so), else standard.

    Several exercises (`exercise_ids`, or none and a folder per exercise in `submissions`) go to one folder each
    under `out`, with one class report over all of them at `out`."""
    from ..spec.course import current_course
    print(current_course().describe(), flush=True)  # which course's definition grades the class
    plan = plan_exercises(submissions, exercise_ids)
    k, n = parse_shard(shard)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}.")
    sandbox, line = resolve_sandbox(sandbox)  # strict asked for but unavailable: exit 2 now, before any learner
    if line:
        print(line, flush=True)
    out = check_output_dir(out, "--out")
    check_not_inside(out, submissions, "--out", "the submissions folder")
    several = len(plan) > 1
    batches = []
    for exercise, root in plan:  # every exercise's learners are found before any is graded
        learners = [item for item in discover(root, exercise, seed, sandbox) if in_shard(item.id, k, n)]
        todo = [item for item in learners
                if force or not is_done(out / exercise.id if several else out, item)]
        batches.append(_Batch(exercise, out / exercise.id if several else out, learners, todo))
    known = claim_several(out, [batch.exercise.id for batch in batches], seed) if several else []
    for batch in batches:
        batch.folder.mkdir(exist_ok=True)
        claim(batch.folder, batch.exercise.id, seed)
        print(f"{batch.exercise.id}: {len(batch.learners)} learner(s)" + (f" in shard {k}/{n}" if n > 1 else "") +
              f", {len(batch.learners) - len(batch.todo)} already graded, {len(batch.todo)} to grade with "
              f"{min(jobs, max(1, len(batch.todo)))} process(es), {sandbox} sandbox.", flush=True)
    progress = Progress(sum(len(batch.todo) for batch in batches), sys.stderr)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    peak = 0.0
    try:
        for batch in batches:
            progress.prefix = f"{batch.exercise.id} " if several else ""
            if batch.todo:
                peak = max(peak, run_pool(batch.exercise, batch.todo, batch.folder, seed, jobs, progress, sandbox))
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
    if peak:
        print(f"Memory: each grading process peaked at {peak:.0f} MiB or less (learners' workers are not counted: "
              "each has the exercise's own memory limit).", flush=True)
    sections = []
    for batch in batches:
        wanted = {item.id for item in batch.learners}
        rows = [row for row in read_rows(batch.folder) if row.learner in wanted]
        write_gradebook(batch.folder, rows, batch.exercise.id)
        write_class_report(batch.folder, rows, batch.exercise.id)
        sections.append((batch.exercise.id, rows))
    if not several:
        return report(sections[0][1], out)
    return report_several(_with_earlier(out, known, sections), out)


def plan_exercises(submissions: Path, exercise_ids: list[str] | None) -> list[tuple[Exercise, Path]]:
    """Each exercise to grade with the folder its learners are in: SUBMISSIONS/<id> when there is one (a folder per
    exercise), else SUBMISSIONS itself (a learner's folder holds exercise_1.py, exercise_2.py, ...). Without ids:
    the exercises that have a folder in SUBMISSIONS, in curriculum order."""
    from ..spec.catalog import exercise_paths
    if not exercise_ids:
        exercise_ids = [path.stem for path in exercise_paths() if (submissions / path.stem).is_dir()]
        if not exercise_ids:
            raise UsageError(f"which exercise? Give --exercise ID (repeat it to grade several), or a SUBMISSIONS "
                             f"folder with one folder per exercise named by its id (e.g. {submissions}/exercise-2/).")
    exercises = [find_exercise(exercise_id) for exercise_id in dict.fromkeys(exercise_ids)]
    return [(exercise, submissions / exercise.id if (submissions / exercise.id).is_dir() else submissions)
            for exercise in exercises]


def _with_earlier(out: Path, known: list[str], sections: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """This run's sections and those of exercises graded into `out` by earlier runs, in the manifest's order."""
    graded = dict(sections)
    return [(exercise_id, graded[exercise_id] if exercise_id in graded else listed_rows(out / exercise_id))
            for exercise_id in known]


def merge_shards(folders: list[Path], *, out: Path) -> int:
    """Join the output folders of `grade batch --shard` into `out` and write its gradebook (a gradebook and class
    report per exercise, and one over them all, when the shards graded several exercises)."""
    out = check_output_dir(out, "--out")
    manifests = [read_manifest(folder) or {} for folder in folders]
    if not any("exercises" in data for data in manifests):
        exercise_id, learners = join_shards(folders, out)
        rows = [row for row in read_rows(out) if row.learner in learners]
        write_gradebook(out, rows, exercise_id)
        write_class_report(out, rows, exercise_id)
        return report(rows, out)
    if not all("exercises" in data for data in manifests) or len({data.get("seed") for data in manifests}) > 1:
        raise UsageError("these folders are not shards of one batch: some grade several exercises, others one, "
                         "or their seeds differ. Merge one batch at a time.")
    exercise_ids = list(dict.fromkeys(item for data in manifests for item in data["exercises"]))
    known = claim_several(out, exercise_ids, manifests[0].get("seed"))
    sections = []
    for exercise_id in exercise_ids:
        parts = [folder / exercise_id for folder in folders if (folder / exercise_id).is_dir()]
        if not parts:
            continue
        (out / exercise_id).mkdir(exist_ok=True)
        _, learners = join_shards(parts, out / exercise_id)
        rows = [row for row in read_rows(out / exercise_id) if row.learner in learners]
        write_gradebook(out / exercise_id, rows, exercise_id)
        write_class_report(out / exercise_id, rows, exercise_id)
        sections.append((exercise_id, rows))
    return report_several(_with_earlier(out, known, sections), out)


def report_several(sections: list[tuple[str, list[Row]]], out: Path) -> int:
    """The closing report of a batch over several exercises: each exercise's lines, then the class report."""
    write_several_report(out, sections)
    codes = []
    for exercise_id, rows in sections:
        print(f"{exercise_id}: ", end="")
        codes.append(report(rows, out / exercise_id))
    print(f"Class report over {len(sections)} exercises: {out / CLASS_REPORT}")
    return max(codes)


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
    """On a terminal, one bar redrawn in place: learners done of total, the rate, the time left. Elsewhere (CI logs),
    one plain line per learner, with the same counts."""

    def __init__(self, total: int, stream, clock=time.monotonic):
        self.total, self.done, self.stream, self.clock = total, 0, stream, clock
        self.started = clock()
        self.prefix = ""  # the exercise, when a batch grades several
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, learner_id: str, status: str) -> None:
        self.done += 1
        if self.tty:
            filled = int(30 * self.done / max(1, self.total))
            name = f"{self.prefix}{learner_id}"[:28]
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {self.pace()} "
                              f"{name:<28}")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {self.prefix}{learner_id}: {status} ({self.pace()})\n")
        self.stream.flush()

    def pace(self) -> str:
        """"2.4 learners/s, 1m20s left": the rate so far and the time the rest will take at that rate."""
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        shown = f"{rate:.1f} learners/s" if rate >= 1 else f"{60 * rate:.1f} learners/min"
        return f"{shown}, {_duration(left)} left"

    def close(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
