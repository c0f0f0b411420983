"""Grade one case: run the learner's function in the worker, compute the reference, compare, explain."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..results import CaseResult, Kind, Outcome
from ..sandbox.client import Reply, Worker
from ..sandbox.known_functions import KnownFunction
from ..sandbox.notebook_defs import Definitions
from ..spec.model import INSTRUCTOR_CHECK, Case, Exercise
from . import checks
from .check_module import load_checks
from .compare import compare, matches
from .diagnosis.engine import Diagnoser
from .diagnosis.model import Diagnosis
from .diagnosis.mutation import mutation_diagnosis, mutation_message, significant_changes
from .failures import FailureMessages, set_outcome
from .inputs import build_args, call_parts, case_args, case_rng
from .pacing import Pace
from .references import reference_function

PREVIEW_ELEMENTS = 64 * 64


class Evaluator:
    """Holds the worker and the time budget for one submission; `evaluate` grades one case. `cells`: the
    submission was generated from a notebook's cells, and messages name those cells instead of its lines."""

    def __init__(self, exercise: Exercise, submission: Path, seed: int | None = None, shown_as: str = "",
                 sandbox: str = "standard", cells: Definitions | None = None):
        self.exercise = exercise
        self.submission = Path(submission)
        self.shown_as = shown_as or str(submission)
        self.seed = seed
        self.worker = Worker(self.submission, exercise.entry.name, exercise.entry.returns, exercise.limits, sandbox)
        self.deadline = 0.0
        self.load_failure: Reply | None = None
        self.imported_once = False  # the file imported at least once (a later restart's timeout is the budget's)
        self.reference = reference_function(exercise)
        checked = {case.check for case in exercise.cases}
        self.gradient_plan = checks.gradient_plan(exercise) if "gradient" in checked else None
        self.reference_worker = checks.reference_worker(exercise) if "speed" in checked else None
        self.pace = Pace(exercise)
        self.checks = None  # the instructor's test functions, imported once the worker is on its way (start)
        self.not_implemented: dict[str, dict] = {}  # case name -> the NotImplementedError it raised
        self.failures = FailureMessages(exercise, self.submission, self.shown_as, cells)
        # one reading of the learner's file serves the failure messages and the diagnosis
        self.diagnoser = Diagnoser(exercise, self.submission, cells.where if cells is not None else None,
                                   source_lines=lambda: self.failures.source_lines)

    def start(self) -> None:
        self.deadline = time.monotonic() + self.exercise.limits.total_seconds
        self.worker.start()
        try:
            self.checks = load_checks(self.exercise)  # DefinitionError: the checks module does not import
        except BaseException:
            self.worker.close()
            raise
        if self.reference_worker is not None:
            self.reference_worker.start()

    def close(self) -> None:
        self.worker.close()
        if self.reference_worker is not None:
            self.reference_worker.close()
            shutil.rmtree(self.reference_worker.submission.parent, ignore_errors=True)

    # --- one case --------------------------------------------------------------------------------
    def evaluate(self, case: Case) -> CaseResult:
        result = self._evaluate(case)
        self.pace.after(case, result)
        return result

    def _evaluate(self, case: Case) -> CaseResult:
        result = CaseResult(name=case.name, max_points=case.points, outcome=Outcome.FAILED,
                            visibility="hidden" if case.hidden else "visible")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return set_outcome(result, Outcome.NOT_RUN, Kind.BUDGET,
                               f"Not run: the exercise's time budget ({self.exercise.limits.total_seconds:g} s) was "
                               "used up by earlier cases. Make the slow cases faster first.")
        loaded = self.load_failure or self.worker.wait_loaded()
        if loaded.status == "timeout" and self.imported_once:
            # The file imported before; restarting it after a killed case ran into the exercise's time budget (or
            # a machine too busy to import in time): not the file's fault, and not an import that is too slow.
            return set_outcome(result, Outcome.NOT_RUN, Kind.BUDGET,
                               "Not run: the exercise's time budget ran out while the grader restarted your code "
                               "after an earlier case. Make the slow cases faster first.")
        if loaded.status != "loaded":
            self.load_failure = loaded  # importing again for every case would only repeat the same failure
            return self.failures.load_failure(result, loaded)
        self.imported_once = True
        stop = self.pace.before(case, remaining)
        if stop is not None:
            result.details["stop_reason"] = stop.reason
            return set_outcome(result, Outcome.NOT_RUN, Kind.STOPPED, stop.message)
        if case.check == INSTRUCTOR_CHECK:
            from .instructor_checks import run_check
            return run_check(self, self.checks, case, result, remaining)
        args = case_args(self.exercise, case, self.seed)
        if not case.hidden:
            if case.description:
                result.details["description"] = case.description
            result.details["inputs"] = {name: describe_value(value) for name, value in args.items()}
        positional, keyword = call_parts(self.exercise, args)
        if not case.hidden:  # the reference's shape at every stage, for exercises that have stages
            stages = checks.stage_shapes(self.exercise, positional, keyword)
            if stages:
                result.details["stages"] = stages
        limit = min(case.time_limit or self.exercise.limits.case_seconds, remaining)
        reply = self.worker.call(positional, keyword, limit)
        result.duration = reply.seconds
        result.output = reply.output
        if reply.status != "ok":
            bound = limit < (case.time_limit or self.exercise.limits.case_seconds)
            return self._call_failure(result, reply, limit, budget_bound=bound, call_values=args)
        expected = self.reference(*positional, **keyword)
        result = self._check_values(result, case, expected, reply.arrays, args)
        self._check_inputs_kept(result, case, reply)
        if case.check == "gradient":
            return self._check_gradient(result, case, args, expected, reply.arrays)
        if case.check == "speed" and result.passed:
            return self._check_speed(result, case, positional, keyword, limit)
        return result

    def _check_values(self, result: CaseResult, case: Case, expected: Any, got: list, args: dict) -> CaseResult:
        entry = self.exercise.entry
        expected_parts = list(expected) if entry.returns == "tuple" else [expected]
        labels = output_labels(self.exercise)
        if len(got) != len(expected_parts):
            return set_outcome(result, Outcome.FAILED, Kind.TYPE,
                               f"Expected {entry.name} to return {len(expected_parts)} arrays "
                               f"({', '.join(labels)}), but it returned {len(got)}.")
        tolerance = case.tolerance or self.exercise.tolerance
        for label, want, have in zip(labels, expected_parts, got):
            want = np.asarray(want)
            verdict = compare(want, have, tolerance, entry.shape_rule, label=label)
            if verdict.passed:
                continue
            result.details.update(verdict.details)
            if not case.hidden:
                result.details.update(preview_arrays(want, have))
            message = verdict.brief if case.hidden else verdict.message
            diagnosis = self._diagnose(case, args, expected_parts, got, labels.index(label), label, tolerance)
            if diagnosis is not None:
                message += diagnosis.attach(result.details, case.hidden)
            elif case.hidden:
                message += " Inputs of hidden cases are not shown; a public case with similar features shows details."
            return set_outcome(result, Outcome.FAILED, verdict.kind, message)
        result.outcome = Outcome.PASSED
        result.points = case.points
        return result

    def _check_inputs_kept(self, result: CaseResult, case: Case, reply: Reply) -> None:
        """A function that changed its inputs is wrong even when its output is right: the caller's arrays are the
        caller's (a layer's input is still needed for its backward pass)."""
        changed = significant_changes(reply.header.get("mutated", []), case.tolerance or self.exercise.tolerance)
        if not changed:
            return
        names = [param.name for param in self.exercise.entry.params]
        if result.passed:
            diagnosis = mutation_diagnosis(changed, names, case.hidden)
            result.details["diagnosis"] = diagnosis.to_json(case.hidden)
            set_outcome(result, Outcome.FAILED, Kind.MUTATION, mutation_message(changed, names, case.hidden))
        elif "diagnosis" not in result.details:
            result.message += mutation_diagnosis(changed, names, case.hidden).attach(result.details, case.hidden)

    def _check_gradient(self, result: CaseResult, case: Case, args: dict, expected: Any,
                        got: list) -> CaseResult:
        """Besides the reference, compare with central differences of the forward pass."""
        expected_parts = list(expected) if self.exercise.entry.returns == "tuple" else [expected]
        if len(got) != len(expected_parts):
            return result
        findings = checks.numerical_findings(self.gradient_plan, args, expected_parts, got,
                                             case_rng(self.exercise, case, self.seed))
        result.details["numerical_gradient"] = checks.describe_findings(findings)
        wrong = next((finding for finding in findings if not finding.passed), None)
        if wrong is None or result.passed:
            # Equal to the reference yet not to the finite differences means a kink (e.g. a near-tie in a max)
            # or a wrong reference; neither is the learner's fault, and the details keep the evidence.
            return result
        note = f" A numerical check agrees that {wrong.label} is off"
        if not case.hidden:
            note += (f": nudging {wrong.label[1:]}{list(wrong.bad_index)} by ±{checks.GRAD_EPS:g} changes "
                     f"sum(dout * output) at a rate of {wrong.numeric:.6g}; your {wrong.label} there is {wrong.learner:.6g}")
        if "misconception" not in result.details:  # a named mistake already says what to fix
            result.message += note + "."
        return result

    def _check_speed(self, result: CaseResult, case: Case, positional: list, keyword: dict,
                     limit: float) -> CaseResult:
        """Correct values already; now the learner's best round trip against the reference's, same inputs."""
        seconds = min(limit * (case.repeats + 1), max(self.deadline - time.monotonic(), 0.01))
        seed = self.exercise.seed if self.seed is None else self.seed
        fresh = lambda run: call_parts(self.exercise, build_args(self.exercise, case, seed + 1 + run))  # noqa: E731
        agree = lambda want, got: len(want) == len(got) and all(  # noqa: E731
            matches(w, g, case.tolerance or self.exercise.tolerance) for w, g in zip(want, got))
        timing = checks.time_both(self.worker, self.reference_worker, positional, keyword, case.repeats,
                                  seconds, case.max_ratio, fresh, agree)
        if isinstance(timing, Reply):
            return self._call_failure(result, timing, limit, budget_bound=False)
        if timing.wrong:
            return set_outcome(result, Outcome.FAILED, Kind.VALUES,
                               "Correct on the first run, but a timed run on new inputs of the same shapes returned "
                               "different values. Compute every answer from its inputs.")
        result.details["speed"] = {"seconds": timing.learner, "reference_seconds": timing.reference,
                                   "ratio": round(timing.ratio, 3), "max_ratio": case.max_ratio, "runs": timing.runs}
        message = checks.speed_message(self.exercise.entry.name, timing, case.max_ratio)
        if timing.ratio > case.max_ratio:
            return set_outcome(result, Outcome.FAILED, Kind.SPEED, message)
        result.message = message
        return result

    def _diagnose(self, case: Case, args: dict, expected: list, got: list, part: int, label: str,
                  tolerance) -> Diagnosis | None:
        positional, keyword = call_parts(self.exercise, args)
        evidence = self.diagnoser.evidence(positional, keyword, expected, got, part, label, tolerance, case.hidden)
        return self.diagnoser.diagnose(evidence)

    def diagnose_call(self, case: Case, call, part: int) -> Diagnosis | None:
        """The diagnosis of one call an instructor check made (instructor_checks.Call), as for a data case."""
        label = output_labels(self.exercise)[part]
        evidence = self.diagnoser.evidence(call.positional, call.keyword, call.expected, call.got, part, label,
                                           self.exercise.tolerance, case.hidden)
        return self.diagnoser.diagnose(evidence)

    # --- failures before any value came back ----------------------------------------------------
    def call_failed(self, result: CaseResult, reply: Reply, limit: float, budget_bound: bool,
                    call_values: dict | None = None) -> CaseResult:
        return self._call_failure(result, reply, limit, budget_bound, call_values)

    def _call_failure(self, result: CaseResult, reply: Reply, limit: float, budget_bound: bool,
                      call_values: dict | None = None) -> CaseResult:
        if reply.status == "not_implemented":  # whether the starter is untouched is decided per run: settle()
            self.not_implemented[result.name] = reply.header.get("error") or {}
        return self.failures.call_failure(result, reply, limit, budget_bound, call_values=call_values)

    # --- the whole run ---------------------------------------------------------------------------
    def settle(self, cases: list[CaseResult]) -> None:
        """A NotImplementedError on every case that ran is the untouched starter ("not attempted"); on only some
        cases it is the learner's own unfinished branch: those cases are errors that show its message and line."""
        ran = [case for case in cases if case.outcome != Outcome.NOT_RUN]
        if all(case.outcome == Outcome.NOT_ATTEMPTED for case in ran):
            return
        specs = {case.name: case for case in self.exercise.cases}
        for result in cases:
            if result.outcome == Outcome.NOT_ATTEMPTED and result.name in self.not_implemented:
                error = self.not_implemented[result.name]
                message = self.failures.partial_message(result, error, specs.get(result.name))
                set_outcome(result, Outcome.ERROR, Kind.NOT_IMPLEMENTED, message)
                if result.visibility != "hidden":
                    result.details["traceback"] = self.failures.traceback(error)


def output_labels(exercise: Exercise) -> list[str]:
    """What each returned array is called in messages: the declared output names, else "output"."""
    names = list(exercise.entry.output_names)
    return names if exercise.entry.returns == "tuple" or len(names) == 1 else ["output"]


def describe_value(value: Any) -> Any:
    """A JSON-safe summary of an input for the report: shapes always, small arrays in full."""
    if isinstance(value, np.ndarray):
        summary = {"shape": list(value.shape), "dtype": str(value.dtype)}
        if value.size <= 64:
            summary["values"] = value.tolist()
        return summary
    if isinstance(value, dict):
        return {key: describe_value(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, KnownFunction):  # a function argument: the formula the learner's code receives
        return f"f(x) = {value.formula}"
    return value


def preview_arrays(expected: np.ndarray, got: np.ndarray) -> dict:
    """A 2-D slice of expected and got (first sample, first channel) for the report's heatmaps."""
    if expected.ndim < 2 or expected.shape != got.shape:
        return {}
    index = (0,) * (expected.ndim - 2)
    want, have = expected[index], got[index]
    if want.size > PREVIEW_ELEMENTS:
        return {}
    return {"preview": {"index": list(index), "expected": want.astype(float).tolist(),
                        "got": np.nan_to_num(have.astype(float)).tolist()}}
