"""Measure the diagnosis engine on the corpus (tests/diagnosis_corpus/): grade every file and print, per exercise and
in all, how many mistakes got the right cause, the wrong and missing diagnoses, and any diagnosis on correct code.

Run: python benchmarks/diagnosis_corpus.py [--workers N] [--only e2_]
Goal (issue 14): at least 85% of the mistakes diagnosed with the right cause, no diagnosis on correct code.
Grades in the standard sandbox, two files at a time by default; always exits 0 (it measures, it does not judge).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.diagnosis_corpus.corpus import Entry, entries, names_expected_cause  # noqa: E402

GOAL = 0.85


@dataclass
class Outcome:
    """What one graded file showed: its failing cases' diagnosis names and every diagnosis at all."""

    entry: Entry
    failing: list = field(default_factory=list)  # one diagnosis name (or None) per failing case
    diagnosed: list = field(default_factory=list)  # (case, name) of every case with a diagnosis, passing or not
    error: str = ""  # the grader itself failed on this file

    @property
    def right(self) -> bool:
        return not self.entry.correct and names_expected_cause(self.entry, self.failing)


def grade_one(entry: Entry) -> Outcome:
    from grader.grading.runner import grade
    from grader.spec.catalog import find_exercise

    try:
        result = grade(find_exercise(entry.exercise), entry.path, sandbox="standard")
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the measurement
        return Outcome(entry, error=f"{type(error).__name__}: {error}")
    outcome = Outcome(entry)
    for case in result.cases:
        name = (case.details.get("diagnosis") or {}).get("name")
        if not case.passed:
            outcome.failing.append(name)
        if name:
            outcome.diagnosed.append((case.name, name))
    return outcome


def most_common(names: list) -> str:
    counted = defaultdict(int)
    for name in names:
        counted[name or "(none)"] += 1
    return ", ".join(f"{name} x{count}" for name, count in sorted(counted.items(), key=lambda item: -item[1]))


def report(outcomes: list[Outcome]) -> None:
    mistakes = [outcome for outcome in outcomes if not outcome.entry.correct]
    correct = [outcome for outcome in outcomes if outcome.entry.correct]
    print("mistakes diagnosed with the right cause:")
    for exercise in sorted({outcome.entry.exercise for outcome in mistakes}, key=lambda name: int(name.split("-")[1])):
        group = [outcome for outcome in mistakes if outcome.entry.exercise == exercise]
        print(f"  {exercise}: {sum(outcome.right for outcome in group)}/{len(group)}")
    right = sum(outcome.right for outcome in mistakes)
    rate = right / len(mistakes) if mistakes else 0.0
    print(f"  in all: {right}/{len(mistakes)} = {rate:.0%} (goal >= {GOAL:.0%}): {'met' if rate >= GOAL else 'MISSED'}")

    wrong = [outcome for outcome in mistakes if not outcome.right]
    print(f"\nmistakes without the right cause ({len(wrong)}): file, expected, got (per failing case)")
    for outcome in wrong:
        got = outcome.error or ("no failing case" if not outcome.failing else most_common(outcome.failing))
        print(f"  {outcome.entry.name}: expected {outcome.entry.expect!r}; got {got}")

    flagged = [outcome for outcome in correct if outcome.diagnosed or outcome.failing or outcome.error]
    print(f"\ncorrect files: {len(correct) - len(flagged)}/{len(correct)} pass with no diagnosis")
    for outcome in flagged:
        said = outcome.error or "; ".join(f"{case}: {name}" for case, name in outcome.diagnosed)
        failing = f" ({len(outcome.failing)} failing case(s))" if outcome.failing else ""
        print(f"  {outcome.entry.name}{failing}: {said or 'no diagnosis'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="files graded at once (default 2)")
    parser.add_argument("--only", default="", help="grade only the files whose name starts with this")
    options = parser.parse_args()
    chosen = [entry for entry in entries() if entry.name.startswith(options.only)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, options.workers)) as pool:
        outcomes = list(pool.map(grade_one, chosen))
    report(outcomes)
    print(f"\n{len(chosen)} files graded in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
