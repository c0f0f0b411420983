"""Grade one case: run the learner's function in the worker, compute the reference, compare, explain."""

from __future__ import annotations

import ast
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import checks
from .. import results as R
from .compare import FLOAT_ALLOCATION, compare, matches, shape_text
from ..spec.exercise import ArraySpec, Case, DictSpec, Exercise
from .inputs import build_args, call_parts, case_rng
from .pacing import SLOW_ADVICE, STOPPED, Pace
from ..sandbox.client import Reply, Worker

PREVIEW_ELEMENTS = 64 * 64


class Evaluator:
    """Holds the worker and the time budget for one submission; `evaluate` grades one case."""

    def __init__(self, exercise: Exercise, submission: Path, seed: int | None = None, shown_as: str = "",
                 sandbox: str = "standard"):
        self.exercise = exercise
        self.submission = Path(submission)
        self.shown_as = shown_as or str(submission)
        self.seed = seed
        self.worker = Worker(self.submission, exercise.entry.name, exercise.entry.returns, exercise.limits, sandbox)
        self.deadline = 0.0
        self.load_failure: Reply | None = None
        self.reference = exercise.reference_function()
        checked = {case.check for case in exercise.cases}
        self.gradient_plan = checks.gradient_plan(exercise) if "gradient" in checked else None
        self.reference_worker = checks.reference_worker(exercise) if "speed" in checked else None
        self.pace = Pace(exercise)
        self.not_implemented: dict[str, dict] = {}  # case name -> the NotImplementedError it raised

    def start(self) -> None:
        self.deadline = time.monotonic() + self.exercise.limits.total_seconds
        self.worker.start()
        if self.reference_worker is not None:
            self.reference_worker.start()

    def close(self) -> None:
        self.worker.close()
        if self.reference_worker is not None:
            self.reference_worker.close()
            shutil.rmtree(self.reference_worker.submission.parent, ignore_errors=True)

    # --- one case --------------------------------------------------------------------------------
    def evaluate(self, case: Case) -> R.CaseResult:
        result = self._evaluate(case)
        self.pace.after(case, result)
        return result

    def _evaluate(self, case: Case) -> R.CaseResult:
        result = R.CaseResult(name=case.name, max_points=case.points, outcome=R.FAILED,
                              visibility="hidden" if case.hidden else "visible")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return self._set(result, R.NOT_RUN, "budget",
                             f"Not run: the exercise's time budget ({self.exercise.limits.total_seconds:g} s) was "
                             "used up by earlier cases. Make the slow cases faster first.")
        loaded = self.load_failure or self.worker.wait_loaded()
        if loaded.status != "loaded":
            self.load_failure = loaded  # importing again for every case would only repeat the same failure
            return self._load_failure(result, loaded)
        stop = self.pace.before(case, remaining)
        if stop is not None:
            result.details["stop_reason"] = stop.reason
            return self._set(result, R.NOT_RUN, STOPPED, stop.message)
        args = build_args(self.exercise, case, self.seed)
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
            return self._call_failure(result, reply, limit, budget_bound=limit < (case.time_limit or
                                                                                    self.exercise.limits.case_seconds))
        expected = self.reference(*positional, **keyword)
        result = self._check_values(result, case, expected, reply.arrays, args)
        if case.check == "gradient":
            return self._check_gradient(result, case, args, expected, reply.arrays)
        if case.check == "speed" and result.passed:
            return self._check_speed(result, case, positional, keyword, limit)
        return result

    def _check_values(self, result: R.CaseResult, case: Case, expected: Any, got: list, args: dict) -> R.CaseResult:
        entry = self.exercise.entry
        expected_parts = list(expected) if entry.returns == "tuple" else [expected]
        labels = output_labels(self.exercise)
        if len(got) != len(expected_parts):
            return self._set(result, R.FAILED, "type",
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
            misconception = self._recognise(args, got, expected_parts)
            if misconception is not None:
                result.details["misconception"] = misconception.name
                message += R.mistake_note(misconception.name, misconception.explanation)
            elif case.hidden:
                message += " Inputs of hidden cases are not shown; a public case with similar features shows details."
            return self._set(result, R.FAILED, verdict.kind, message)
        result.outcome = R.PASSED
        result.points = case.points
        return result

    def _check_gradient(self, result: R.CaseResult, case: Case, args: dict, expected: Any,
                        got: list) -> R.CaseResult:
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

    def _check_speed(self, result: R.CaseResult, case: Case, positional: list, keyword: dict,
                     limit: float) -> R.CaseResult:
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
            return self._set(result, R.FAILED, "values", "Correct on the first run, but a timed run on new inputs "
                             "of the same shapes returned different values. Compute every answer from its inputs.")
        result.details["speed"] = {"seconds": timing.learner, "reference_seconds": timing.reference,
                                   "ratio": round(timing.ratio, 3), "max_ratio": case.max_ratio, "runs": timing.runs}
        message = checks.speed_message(self.exercise.entry.name, timing, case.max_ratio)
        if timing.ratio > case.max_ratio:
            return self._set(result, R.FAILED, "speed", message)
        result.message = message
        return result

    def _recognise(self, args: dict, got: list, expected: list):
        """The first declared misconception whose output matches what the learner returned.

        A variant that coincides with the reference on this input (a flip of a 1x1 kernel, stride ignored
        at stride 1) proves nothing: it would name a mistake for what is only a small numeric error."""
        if all(np.size(part) == 0 for part in got):
            return None  # an empty answer matches many variants by its shape alone (np.array([]) is (0,))
        positional, keyword = call_parts(self.exercise, args)
        tolerance = self.exercise.tolerance
        for item in self.exercise.misconceptions:
            try:
                wrong = self.exercise.misconception_function(item)(*positional, **keyword)
            except Exception:  # a variant may not apply to every input (e.g. it needs C == F)
                continue
            wrong_parts = [np.asarray(part) for part in (wrong if self.exercise.entry.returns == "tuple" else [wrong])]
            if len(wrong_parts) != len(got) or all(matches(np.asarray(w), np.asarray(e), tolerance)
                                                   for w, e in zip(wrong_parts, expected)):
                continue
            if all(matches(w, g, tolerance) for w, g in zip(wrong_parts, got)):
                return item
        return None

    # --- failures before any value came back ----------------------------------------------------
    def _load_failure(self, result: R.CaseResult, reply: Reply) -> R.CaseResult:
        error = reply.header.get("error") or {}
        name = self.exercise.entry.name
        where = self.shown_as
        if reply.status == "syntax":
            message = (f"Your file has a syntax error on line {error.get('line')}: {error.get('message')}. "
                       f"Fix it in {where} and grade again.")
            return self._set(result, R.ERROR, "syntax", message)
        if reply.status == "import":
            result.details["traceback"] = error.get("traceback", "")
            module = unavailable_module(error)
            if module:
                message = (f"Your file imports {module}{self._at_line(error)}, which is not available here: "
                           f"{ONLY_NUMPY} Remove that import and write that part with NumPy, then grade again.")
            else:
                message = (f"Your file raised {error.get('type')} while it was being imported"
                           f"{self._at_line(error)}: {error.get('message')}. Code at the top level of {where} runs "
                           "on import; keep it inside functions.")
            return self._set(result, R.ERROR, "import", message)
        if reply.status == "missing":
            return self._set(result, R.ERROR, "missing",
                             f"{where} has no function named '{name}'. Define `def {self.exercise.entry.signature}:`.")
        if reply.status == "timeout":
            return self._set(result, R.TIMEOUT, "import",
                             f"Importing your file took longer than {self.exercise.limits.import_seconds:g} s. "
                             "Is there a long loop or a sleep at the top level of the file?")
        return self._set(result, R.ERROR, "crash",
                         f"Your file stopped the worker process while it was being imported: {reply.detail}.")

    def _call_failure(self, result: R.CaseResult, reply: Reply, limit: float, budget_bound: bool) -> R.CaseResult:
        name = self.exercise.entry.name
        error = reply.header.get("error") or {}
        if reply.status == "not_implemented":
            self.not_implemented[result.name] = error  # whether the starter is untouched is decided per run: settle()
            return self._set(result, R.NOT_ATTEMPTED, "not_implemented",
                             f"Not implemented yet: {name} still raises NotImplementedError. Write your code in "
                             f"{self.shown_as}, then grade again.")
        if reply.status == "timeout":
            if budget_bound:
                return self._set(result, R.NOT_RUN, "budget",
                                 "Stopped: the exercise's time budget ran out during this case.")
            return self._set(result, R.TIMEOUT, "timeout",
                             f"Your function did not finish within {limit:g} s. {SLOW_ADVICE}")
        if reply.status == "exception":
            result.details["traceback"] = "" if result.visibility == "hidden" else error.get("traceback", "")
            kind = error.get("type", "Exception")
            if kind == "SystemExit":
                text = "Your function called sys.exit() (or exit()). Return a value instead of exiting."
            elif kind == "MemoryError":
                text = (f"Your function ran out of memory (the limit is {self.exercise.limits.memory_mb} MB). "
                        "Avoid building arrays much larger than the input.")
            elif result.visibility == "hidden":
                text = _sentence(f"Your function raised {kind}{self._at_line(error)} on a hidden case") \
                    + exception_hint(error)
            else:
                text = f"Your function raised {kind}{self._at_line(error)}: {error.get('message', '')}"
                hint = exception_hint(error)
                text = _sentence(text) + hint if hint else text
            return self._set(result, R.ERROR, "exception", text)
        if reply.status == "bad_output":
            return self._set(result, R.FAILED, "type", self._bad_output_message(reply.header.get("info") or {}))
        if reply.status == "crash":
            return self._set(result, R.ERROR, "crash", f"Your code stopped the worker process: {reply.detail}. "
                             "The grader restarted it for the next case.")
        return self._set(result, R.ERROR, "protocol",
                         f"The worker sent something the grader cannot read ({reply.detail or reply.status}).")

    def _bad_output_message(self, info: dict) -> str:
        entry = self.exercise.entry
        wanted = f"a tuple of {len(entry.output_names)} NumPy arrays ({', '.join(entry.output_names)})" \
            if entry.returns == "tuple" else "a NumPy array"
        kind = info.get("kind")
        if kind == "bad_dtype":
            return (f"Expected {wanted} of numbers, but your array has dtype {info.get('dtype')}. "
                    "Build the output with np.zeros(..., dtype=float) or from arithmetic on the inputs.")
        if kind == "too_large":
            return (f"Your output of shape {shape_text(info.get('shape', []))} is far larger than expected "
                    f"({info.get('nbytes', 0) >> 20} MB). Check the output size formula.")
        type_name = info.get("type", "something else")
        if type_name == "NoneType":
            return f"Expected {wanted}, but your function returned None. Did you forget a `return` statement?"
        if type_name == "tuple" and entry.returns != "tuple":
            return f"Expected {wanted}, but your function returned a tuple. Return the array itself, not a tuple."
        if type_name == "list" and entry.returns != "tuple":
            return f"Expected {wanted}, but your function returned a list. Wrap it with np.array(...)."
        return f"Expected {wanted}, but your function returned {type_name}."

    # --- the whole run ---------------------------------------------------------------------------
    def settle(self, cases: list[R.CaseResult]) -> None:
        """A NotImplementedError on every case that ran is the untouched starter ("not attempted"); on only some
        cases it is the learner's own unfinished branch: those cases are errors that show its message and line."""
        ran = [case for case in cases if case.outcome != R.NOT_RUN]
        if all(case.outcome == R.NOT_ATTEMPTED for case in ran):
            return
        specs = {case.name: case for case in self.exercise.cases}
        for result in cases:
            if result.outcome == R.NOT_ATTEMPTED and result.name in self.not_implemented:
                error = self.not_implemented[result.name]
                message = self._partial_message(result, error, specs.get(result.name))
                self._set(result, R.ERROR, "not_implemented", message)
                if result.visibility != "hidden":
                    result.details["traceback"] = error.get("traceback", "")

    def _partial_message(self, result: R.CaseResult, error: dict, case: Case | None) -> str:
        said = error.get("message", "")
        if result.visibility == "hidden":
            return (f"Your function raised NotImplementedError{self._at_line(error)} on a hidden case: your code "
                    "does not handle that input yet. Finish that part, then grade again.")
        head = _sentence(f"Your function raised NotImplementedError{self._at_line(error)}"
                         + (f": {said}" if said else ""))
        options = used_options(self.exercise, case) if case is not None else []
        if options:
            return (f"{head} You raise NotImplementedError for this input: the case uses {', '.join(options)}. "
                    "Finish the part of your code that handles it, then grade again.")
        return f"{head} You raise NotImplementedError for this input. Finish that part of your code, then grade again."

    def _at_line(self, error: dict) -> str:
        """Where the error happened, e.g. ' on line 12' (' on line 3 of helpers.py' in another file)."""
        if not error.get("line"):
            return ""
        files = re.findall(r'File "([^"]+)", line', error.get("traceback", ""))
        elsewhere = bool(files) and files[-1] != self.submission.name
        return f" on line {error['line']}" + (f" of {files[-1]}" if elsewhere else "")

    @staticmethod
    def _set(result: R.CaseResult, outcome: str, kind: str, message: str) -> R.CaseResult:
        result.outcome, result.kind, result.message, result.points = outcome, kind, message, 0.0
        return result


def output_labels(exercise: Exercise) -> list[str]:
    """What each returned array is called in messages: the declared output names, else "output"."""
    names = list(exercise.entry.output_names)
    return names if exercise.entry.returns == "tuple" or len(names) == 1 else ["output"]


ONLY_NUMPY = ("only NumPy, the Python standard library and your own .py files next to this one can be imported "
              "when your work is graded.")


def unavailable_module(error: dict) -> str:
    """The module a ModuleNotFoundError names, when it is neither NumPy nor in the standard library (e.g. scipy)."""
    if error.get("type") != "ModuleNotFoundError":
        return ""
    found = re.match(r"No module named '([^']+)'", error.get("message", ""))
    if not found:
        return ""
    top = found.group(1).split(".")[0]
    return "" if top == "numpy" or top in sys.stdlib_module_names else found.group(1)


def exception_hint(error: dict) -> str:
    """Advice for exceptions whose usual cause we know; "" otherwise."""
    module = unavailable_module(error)
    if module:
        return f" {module} is not available here: {ONLY_NUMPY} Write that part with NumPy."
    cast = re.search(r"Cannot cast ufunc '\w+' output from dtype\('(\w+)'\) to dtype\('(\w+)'\)",
                     error.get("message", ""))
    if cast and cast.group(1).startswith(("float", "complex")) and cast.group(2).startswith(("int", "uint", "bool")):
        return (f" The array you add into has the integer dtype {cast.group(2)}, so it cannot hold the "
                f"{cast.group(1)} results. {FLOAT_ALLOCATION}")
    return ""


def used_options(exercise: Exercise, case: Case) -> list[str]:
    """The optional parameters a case sets away from their defaults, as `name=value` (arrays by name only)."""
    defaults = signature_defaults(exercise.entry.signature)
    required = {param.name for param in exercise.entry.params if param.required}
    options = []
    for name, spec in case.args:
        if name in required:
            continue
        if isinstance(spec, (ArraySpec, DictSpec)):
            options.append(f"a {name}")
        elif name not in defaults or defaults[name] != spec:
            options.append(f"{name}={tuple(spec) if isinstance(spec, list) else spec!r}")
    return options


def signature_defaults(signature: str) -> dict[str, Any]:
    """{parameter: default} of a signature such as "conv2d(x, weight, bias=None, stride=1)"; literals only."""
    try:
        args = ast.parse(f"def {signature}: pass").body[0].args
    except SyntaxError:
        return {}
    named = args.args[len(args.args) - len(args.defaults):] if args.defaults else []
    defaults = {}
    for arg, value in zip(named, args.defaults):
        try:
            defaults[arg.arg] = ast.literal_eval(value)
        except ValueError:
            pass  # not a literal: any value the case gives counts as an option
    return defaults


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


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
