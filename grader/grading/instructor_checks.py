"""Run one instructor check (a test function of the exercise's checks module) as a case: its fixtures, the learner
proxy that calls the isolated worker, and the CaseResult its outcome becomes."""

from __future__ import annotations

import inspect
import time
import traceback
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..results import CaseResult, Kind, Outcome
from ..sandbox.client import Reply
from ..spec.model import Case
from .check_module import ChecksModule
from .compare import compare
from .failures import set_outcome
from .inputs import case_rng

# `evaluator` below is grading/evaluate.py's Evaluator (not imported: evaluate imports this module)

MAX_MESSAGE = 1500  # characters of an assertion's text a learner is shown


class LearnerStop(BaseException):
    """The learner's call failed (exception, timeout, crash, not an array, wrong shape): the check ends there as
    the learner's failure. A BaseException, so an instructor's `except Exception` cannot swallow it."""

    def __init__(self, reply: Reply | None, limit: float, call_values: dict, verdict=None):
        super().__init__("the learner's call failed")
        self.reply, self.limit, self.call_values, self.verdict = reply, limit, call_values, verdict


class ReferenceMissing(BaseException):
    """The learner edition holds no stored reference output for the arguments a check asked about."""


@dataclass
class Call:
    """One call the check made: the arguments, the reference's parts (None if it refused them), the learner's."""

    positional: list
    keyword: dict
    expected: list | None
    got: list


class LearnerProxy:
    """`learner(*args, **kwargs)` as the instructor's test sees it: the arguments go to the worker as arrays and
    plain values, the answer comes back as arrays (a tuple for tuple-returning exercises)."""

    def __init__(self, evaluator, case: Case, deadline: float):
        self.evaluator = evaluator
        self.case = case
        self.deadline = deadline  # the case's limit, within the exercise's budget
        self.calls: list[Call] = []
        self.seconds = 0.0
        self.output = ""

    def __call__(self, *positional, **keyword):
        exercise = self.evaluator.exercise
        names = [param.name for param in exercise.entry.params]
        call_values = {**dict(zip(names, positional)), **keyword}
        limit = self.deadline - time.monotonic()
        if limit <= 0:
            raise LearnerStop(Reply("timeout"), max(limit, 0.0), call_values)
        reply = self.evaluator.worker.call(list(positional), dict(keyword), limit)
        self.seconds += reply.seconds
        self.output += reply.output
        if reply.status != "ok":
            raise LearnerStop(reply, limit, call_values)
        expected = self._expected(positional, keyword)
        got = list(reply.arrays)
        self.calls.append(Call(list(positional), dict(keyword), expected, got))
        if expected is not None:
            self._check_shapes(expected, got, call_values)
        return tuple(got) if exercise.entry.returns == "tuple" else got[0]

    def _expected(self, positional, keyword) -> list | None:
        try:
            output = self.evaluator.reference(*positional, **keyword)
        except Exception:  # noqa: BLE001 - the reference refuses these arguments, or the edition has no output
            return None
        return [np.asarray(part) for part in (output if self.evaluator.exercise.entry.returns == "tuple"
                                              else (output,))]

    def _check_shapes(self, expected: list, got: list, call_values: dict) -> None:
        entry = self.evaluator.exercise.entry
        if len(got) != len(expected):
            raise LearnerStop(None, 0.0, call_values, verdict=(
                Kind.TYPE, f"Expected {entry.name} to return {len(expected)} arrays, but it returned {len(got)}."))
        labels = entry.output_names if entry.returns == "tuple" else ("output",)
        for label, want, have in zip(labels, expected, got):
            if want.shape != have.shape:
                verdict = compare(want, have, self.evaluator.exercise.tolerance, entry.shape_rule, label=label)
                raise LearnerStop(None, 0.0, call_values, verdict=(verdict.kind, verdict.brief if self.case.hidden
                                                                   else verdict.message))


def run_check(evaluator, checks: ChecksModule, case: Case, result: CaseResult,
              remaining: float) -> CaseResult:
    """Call the test function with its fixtures; its outcome becomes the case's result."""
    limit = min(case.time_limit or evaluator.exercise.limits.case_seconds, remaining)
    proxy = LearnerProxy(evaluator, case, time.monotonic() + limit)
    function = checks.functions[case.function]
    fixtures = {"learner": proxy, "reference": _reference(evaluator),
                "rng": case_rng(evaluator.exercise, case, evaluator.seed)}
    wanted = inspect.signature(function).parameters
    if case.description and not case.hidden:
        result.details["description"] = case.description
    checks.said.message = None
    try:
        function(**{name: fixtures[name] for name in wanted})
    except LearnerStop as stop:
        _learner_failed(evaluator, result, stop, budget_bound=limit < (case.time_limit
                                                                          or evaluator.exercise.limits.case_seconds))
    except ReferenceMissing:
        set_outcome(result, Outcome.NOT_RUN, Kind.STOPPED, "Not run in this copy: this check needs the reference on "
                    "inputs it cannot store. It runs when you submit your work.")
    except AssertionError as err:
        _assertion_failed(evaluator, case, result, checks.said.message, err, proxy.calls)
    except Exception:  # noqa: BLE001 - the check itself broke: the instructor's, never the learner's, fault
        result.details["grader_error"] = traceback.format_exc()[-2000:]
        set_outcome(result, Outcome.ERROR, Kind.INTERNAL, "The grader could not finish this check; this is not "
                    "your fault. Please tell your instructor.")
    else:
        result.outcome, result.points = Outcome.PASSED, case.points
    result.duration, result.output = proxy.seconds, proxy.output[: evaluator.exercise.limits.output_chars]
    return result


def _reference(evaluator) -> Callable:
    if evaluator.exercise.edition != "learner":
        return evaluator.reference

    def stored(*positional, **keyword):
        try:
            return evaluator.reference(*positional, **keyword)
        except LookupError:
            raise ReferenceMissing from None
    return stored


def _learner_failed(evaluator, result: CaseResult, stop: LearnerStop, budget_bound: bool) -> None:
    if stop.verdict is not None:
        kind, message = stop.verdict
        set_outcome(result, Outcome.FAILED, kind, message)
        return
    evaluator.call_failed(result, stop.reply, stop.limit, budget_bound, stop.call_values)


def _assertion_failed(evaluator, case: Case, result: CaseResult, said: str | None,
                      err: AssertionError, calls: list[Call]) -> None:
    """The instructor's message (or pytest's explanation) for a public check; a hidden check names only what it
    checks, never values. A call whose output differs from the reference's is diagnosed as a data case is."""
    if case.hidden:
        what = f": {case.description}" if case.description else ""
        message = f"The hidden check '{case.name}' failed{what}"
        message = message if message.endswith((".", "!", "?")) else message + "."
    else:
        message = said.strip() if said is not None and said.strip() else _explanation(case, err)
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + " [...]"
    differing = _differing(evaluator, calls)
    diagnosis = evaluator.diagnose_call(case, differing[0], differing[1]) if differing else None
    if diagnosis is not None:
        message += diagnosis.attach(result.details, case.hidden)
    elif case.hidden:
        message += " Inputs of hidden checks are not shown; a public case with similar features shows details."
    set_outcome(result, Outcome.FAILED, Kind.VALUES, message)


def _explanation(case: Case, err: AssertionError) -> str:
    text = str(err).strip()
    head = f"The check '{case.name}' failed"
    return f"{head}: {text}" if text else f"{head}."


def _differing(evaluator, calls: list[Call]) -> tuple[Call, int] | tuple:
    """The first call (and output part) where the learner's answer differs from the reference's on the same
    arguments, or ()."""
    from .compare import matches
    for call in calls:
        if call.expected is None:
            continue
        for part, (want, have) in enumerate(zip(call.expected, call.got)):
            if not matches(want, have, evaluator.exercise.tolerance):
                return call, part
    return ()

