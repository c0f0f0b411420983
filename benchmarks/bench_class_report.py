"""Class report build time: generate an OUT folder of N learners' result.json (exercise-2's 26 cases, a mix of
passes, diagnosed mistakes, exceptions and import failures), then time `grade insights` building both files
in-process (reading every result.json included). Goal: under 2 s for 1,000 learners.

Run: python benchmarks/bench_class_report.py [--learners 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader.batch.outdir import LEARNERS, RESULT, write_manifest  # noqa: E402
from grader.instructor.insights import rebuild_insights  # noqa: E402
from grader.results import CaseResult, GradeResult, Kind, Outcome, write_atomic  # noqa: E402

MISTAKES = [{"name": name, "explanation": f"what to change for {name}", "evidence": "your output equals ...",
             "source": "declared"} for name in ("kernel flipped", "channels not summed", "bias added twice",
                                                "padding on one side", "stride ignored")]
CASES = [f"case {n}" for n in range(13)] + [f"hidden case {n}" for n in range(13)]


def learner_result(rng: random.Random) -> GradeResult:
    if rng.random() < 0.03:
        cases = [CaseResult(name, 1.0, Outcome.ERROR, kind=Kind.SYNTAX, message="invalid syntax") for name in CASES]
        return GradeResult("exercise-2", "conv2d", cases, summary="Your file has a syntax error on line 3.")
    mistake = rng.choice(MISTAKES) if rng.random() < 0.6 else None
    cases = []
    for name in CASES:
        hidden = "visible" if not name.startswith("hidden") else "hidden"
        draw = rng.random()
        if draw < 0.6:
            cases.append(CaseResult(name, 1.0, Outcome.PASSED, points=1.0, visibility=hidden))
        elif draw < 0.9 and mistake:
            cases.append(CaseResult(name, 1.0, Outcome.FAILED, kind=Kind.VALUES, visibility=hidden,
                                    message="12 values differ.", details={"diagnosis": mistake}))
        elif draw < 0.95:
            cases.append(CaseResult(name, 1.0, Outcome.ERROR, kind=Kind.EXCEPTION, visibility=hidden,
                                    message=f"Your function raised IndexError on line {rng.randint(5, 20)}: out of "
                                            "bounds."))
        else:
            cases.append(CaseResult(name, 1.0, Outcome.FAILED, kind=Kind.VALUES, visibility=hidden))
    return GradeResult("exercise-2", "conv2d", cases)


def generate(out: Path, learners: int) -> None:
    rng = random.Random(16)
    write_manifest(out, "exercise-2", None)
    for n in range(learners):
        result = learner_result(rng)
        result.extras["batch"] = {"learner": f"learner-{n:04d}"}
        write_atomic(out / LEARNERS / f"learner-{n:04d}" / RESULT, result.to_json())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        generate(out, args.learners)
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            rebuild_insights(out)
            times.append(time.perf_counter() - start)
        print(f"class report of {args.learners} learners: median {statistics.median(times):.2f} s "
              f"(rounds: {', '.join(f'{t:.2f}' for t in times)}; goal < 2 s)")


if __name__ == "__main__":
    main()
