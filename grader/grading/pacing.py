"""When to stop grading early: two cases in a row out of time, or a pace that cannot finish within the budget."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..results import LOAD_FAILURES, CaseResult, Outcome
from ..spec.model import INSTRUCTOR_CHECK, ArraySpec, Case, DictSpec, Exercise

# Exercises 1-7 are sized for plain loops over every output pixel, so a timeout means a loop that never ends or one
# that does far more work than the answer needs.
SLOW_ADVICE = ("Look for a loop that never ends (a `while` whose condition never changes), or one that repeats work "
               "it does not need, such as a pass over the whole image inside the loop over output pixels.")


def case_size(case: Case) -> int:
    """How much input a case has (its arrays' elements in all): a scale to compare cases, not a cost model."""
    return sum(_elements(spec) for _, spec in case.args)


def _elements(spec) -> int:
    if isinstance(spec, ArraySpec):
        return int(np.prod(spec.shape)) if spec.shape is not None else int(np.size(np.array(spec.values, dtype=object)))
    if isinstance(spec, DictSpec):
        return sum(_elements(item) for _, item in spec.items)
    return 0


@dataclass(frozen=True)
class Stop:
    reason: str  # one line for the terminal: why these cases were not run
    message: str  # each case's message: the reason and what to do next


class Pace:
    """Watches the cases as they run and says which of the rest are not worth running.

    Both rules err on the side of running: a submission that would finish within the budget must never be
    stopped. The pace estimate is a lower bound: a case is taken to need at least as long as the SECOND slowest
    case seen that was no larger (one slow outlier, e.g. a first call, proves nothing), capped at its own limit."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.sizes = {case.name: case_size(case) for case in exercise.cases}
        self.pending = [case for case in exercise.cases]
        self.seen: list[tuple[int, float]] = []  # (size, seconds) of every case that called the function
        self.in_a_row: list[str] = []  # the cases that timed out since the last one that did not
        self.floor: int | None = None  # after two timeouts in a row: cases at least this large are not run
        self.floor_stop: Stop | None = None
        self.stop: Stop | None = None  # set once the pace rule stops every remaining case

    @property
    def stopped(self) -> bool:
        return self.stop is not None or self.floor_stop is not None

    def limit(self, case: Case) -> float:
        return case.time_limit or self.exercise.limits.case_seconds

    def before(self, case: Case, budget_left: float) -> Stop | None:
        """Why `case` should not run, or None. Call once per case, in order."""
        self.pending = [other for other in self.pending if other.name != case.name]
        if self.stop is None and self._skipped(case) is None:
            left = [case, *(other for other in self.pending if self._skipped(other) is None)]
            # each case's lower bound is at most the second slowest time seen: only above that is a sum worth taking
            times = sorted(seconds for _, seconds in self.seen)
            could_need = len(left) * times[-2] if len(times) >= 2 else 0.0
            needed = sum(self._at_least(other) for other in left) if could_need > budget_left else 0.0
            if needed > budget_left:
                need, have = math.ceil(needed), math.floor(max(budget_left, 0))
                self.stop = Stop(
                    f"stopped early: at the pace so far they need at least {need} s, and {have} s remain",
                    f"Not run: the grader stopped early. At the pace of the cases so far, the {len(left)} cases "
                    f"left need at least {need} s, but only {have} s of the "
                    f"{self.exercise.limits.total_seconds:g} s time budget remained. Make your function faster "
                    "(whole-array NumPy operations instead of Python loops over pixels), then grade again.")
        return self.stop or self._skipped(case)

    def after(self, case: Case, result: CaseResult) -> None:
        if result.outcome == Outcome.NOT_RUN or result.kind in LOAD_FAILURES:
            return  # the function was never called: no pace to learn from
        seconds = result.duration
        if result.outcome == Outcome.TIMEOUT:
            seconds = max(seconds, self.limit(case))
            self.in_a_row.append(case.name)
            if len(self.in_a_row) >= 2:
                self._set_floor(self.in_a_row[-2:])
        else:
            self.in_a_row.clear()
        self.seen.append((self.sizes[case.name], seconds))

    def _set_floor(self, names: list[str]) -> None:
        floor = min(self.sizes[name] for name in names)
        if self.floor is not None and floor >= self.floor:
            return
        self.floor = floor
        limits = {self.limit(case) for case in self.exercise.cases if case.name in names}
        each = f"{limits.pop():g} s each" if len(limits) == 1 else "each its limit"
        first, second = (f"'{name}'" for name in names)
        self.floor_stop = Stop(
            f"stopped early: two cases in a row ran out of time ({each})",
            f"Not run: the grader stopped early because {first} and {second} both ran out of time ({each}); cases "
            f"as large or larger were skipped. {SLOW_ADVICE}")

    def _skipped(self, case: Case) -> Stop | None:
        # an instructor check has no inputs of its own to size: it calls the same function, so it stops too
        if self.floor is not None and (self.sizes[case.name] >= self.floor or case.check == INSTRUCTOR_CHECK):
            return self.floor_stop
        return None

    def _at_least(self, case: Case) -> float:
        size = self.sizes[case.name]
        times = sorted(seconds for seen_size, seconds in self.seen if seen_size <= size)
        return min(times[-2], self.limit(case)) if len(times) >= 2 else 0.0
