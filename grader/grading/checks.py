"""Checks beyond comparing values: numerical gradients, speed against the reference, stage shapes."""

from __future__ import annotations

import importlib
import inspect
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import DefinitionError
from ..spec.course import resolve_reference
from ..spec.model import Exercise
from ..sandbox.client import Reply, Worker

GRAD_EPS = 1e-6
GRAD_RTOL, GRAD_ATOL = 1e-4, 1e-6
GRAD_SAMPLE = 100  # elements checked per gradient; larger inputs are checked on a seeded sample
EARLY_STOP = 3.0  # stop timing once the learner is this many times past the allowed ratio


# --- gradients --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GradientPlan:
    """How to check a backward pass numerically: its forward function and the input each output is for."""

    forward: Callable
    upstream: str  # the argument holding the upstream gradient (dout)
    inputs: tuple[str, ...]  # forward input of each output, e.g. ("x", "weight", "bias") for (dx, dweight, dbias)
    labels: tuple[str, ...]  # the outputs' names, e.g. ("dx", "dweight", "dbias")


def gradient_plan(exercise: Exercise) -> GradientPlan:
    """Derive the plan from conventions: reference `<forward>_backward`, a `dout` argument, outputs `d<input>`."""
    def fail(message: str) -> DefinitionError:
        return DefinitionError(exercise.path, None, f"'check: gradient' cases need {message}")
    if not exercise.reference.endswith("_backward"):
        raise fail(f"a reference named <forward>_backward (got '{exercise.reference}')")
    try:
        forward = resolve_reference(exercise.reference[: -len("_backward")])
    except (ImportError, AttributeError):
        raise fail(f"the forward function '{exercise.reference[: -len('_backward')]}' to exist") from None
    if "dout" not in {param.name for param in exercise.entry.params}:
        raise fail("a parameter named 'dout' (the upstream gradient)")
    names = exercise.entry.output_names or ("dx",)
    forward_params = set(inspect.signature(forward).parameters)
    inputs = tuple(name[1:] for name in names)
    unknown = [f"d{name}" for name in inputs if name not in forward_params]
    if unknown:
        raise fail(f"outputs named d<forward input>; {', '.join(unknown)} matches no input of the forward function")
    return GradientPlan(forward, "dout", inputs, tuple(names))


@dataclass
class GradientFinding:
    label: str
    checked: int
    max_abs_error: float
    bad_index: tuple[int, ...] | None = None  # first element where the learner differs from the numbers
    numeric: float = 0.0
    learner: float = 0.0

    @property
    def passed(self) -> bool:
        return self.bad_index is None


def numerical_findings(plan: GradientPlan, args: dict, expected: list, got: list,
                       rng: np.random.Generator) -> list[GradientFinding]:
    """Compare each learner gradient with central differences of the reference forward pass."""
    forward_args = inspect.signature(plan.forward).parameters
    inputs = {name: args[name] for name in forward_args if name in args}
    for name, want in zip(plan.inputs, expected):
        inputs.setdefault(name, np.zeros(np.shape(want)))  # e.g. the bias: the gradient does not depend on it
    dout = np.asarray(args[plan.upstream], dtype=np.float64)
    findings = []
    for label, name, want, have in zip(plan.labels, plan.inputs, expected, got):
        if np.shape(have) != np.shape(want):
            continue  # the values check already explains a wrong shape
        base = np.array(inputs[name], dtype=np.float64)
        flat = _sample(base.size, rng)
        numeric = np.array([_central_difference(plan.forward, inputs, name, base, dout, int(i)) for i in flat])
        learner = np.asarray(have, dtype=np.float64).reshape(-1)[flat]
        errors = np.abs(learner - numeric)
        bad = np.flatnonzero(errors > GRAD_ATOL + GRAD_RTOL * np.abs(numeric))
        finding = GradientFinding(label, len(flat), float(errors.max(initial=0.0)))
        if bad.size:
            first = int(bad[0])
            finding.bad_index = tuple(int(i) for i in np.unravel_index(int(flat[first]), base.shape))
            finding.numeric, finding.learner = float(numeric[first]), float(learner[first])
        findings.append(finding)
    return findings


def _sample(size: int, rng: np.random.Generator) -> np.ndarray:
    if size <= GRAD_SAMPLE:
        return np.arange(size)
    return np.sort(rng.choice(size, GRAD_SAMPLE, replace=False))


def _central_difference(forward: Callable, inputs: dict, name: str, base: np.ndarray, dout: np.ndarray,
                        flat_index: int) -> float:
    losses = []
    for step in (GRAD_EPS, -GRAD_EPS):
        moved = base.copy()
        moved.flat[flat_index] += step
        out = forward(**{**inputs, name: moved})
        losses.append(float(np.sum(dout * np.asarray(out, dtype=np.float64))))
    return (losses[0] - losses[1]) / (2 * GRAD_EPS)


# --- speed ------------------------------------------------------------------------------------------

_REFERENCE_FILE = '''"""The grader's own reference, served by a worker so that it is timed exactly like the learner."""
import importlib, importlib.util, sys
# Loaded under a private name: the worker keeps the name `solutions` away from submissions.
_spec = importlib.util.spec_from_file_location("_cnn_reference", {init!r}, submodule_search_locations=[{folder!r}])
_package = importlib.util.module_from_spec(_spec)
sys.modules["_cnn_reference"] = _package
_spec.loader.exec_module(_package)
{name} = getattr(importlib.import_module("_cnn_reference" + {rest!r}), {attr!r})
'''


def reference_worker(exercise: Exercise) -> Worker:
    """A worker that runs the reference function under the same limits and transport as the learner's."""
    module_name, _, attr = exercise.reference.rpartition(".")
    package = importlib.import_module(module_name.split(".")[0])
    folder = Path(package.__file__).resolve().parent
    rest = module_name[len(module_name.split(".")[0]):]
    source = _REFERENCE_FILE.format(init=str(folder / "__init__.py"), folder=str(folder), name=exercise.entry.name,
                                    rest=rest, attr=attr)
    path = Path(tempfile.mkdtemp(prefix="grade-reference-")) / "reference.py"
    path.write_text(source, encoding="utf-8")
    return Worker(path, exercise.entry.name, exercise.entry.returns, exercise.limits, trusted=True)


@dataclass
class Timing:
    learner: float  # best parent-measured round trip, seconds
    reference: float
    runs: int
    wrong: bool = False  # a timed run returned values other than the reference's

    @property
    def ratio(self) -> float:
        return self.learner / max(self.reference, 1e-9)


def time_both(learner: Worker, reference: Worker, positional: list, keyword: dict, repeats: int,
              seconds: float, max_ratio: float, fresh: Callable | None = None,
              agree: Callable | None = None) -> Timing | Reply:
    """Best of `repeats` interleaved round trips of each (after one warm-up of the reference).

    `fresh(run)` gives each run new inputs of the same shapes and `agree(expected, got)` checks every timed
    answer, so a submission cannot cache answers across runs or return rubbish once it is only being timed.
    Returns the learner's failing Reply if a timed call does not come back ok."""
    stop_at = time.monotonic() + seconds
    warm = reference.call(positional, keyword, max(stop_at - time.monotonic(), 0.01))
    if warm.status != "ok":
        raise RuntimeError(f"the reference could not be timed: {warm.status} {warm.detail or warm.header}")
    best_learner = best_reference = float("inf")
    runs = 0
    for run in range(repeats):
        left = stop_at - time.monotonic()
        if runs and left <= 0:
            break
        if fresh is not None:
            positional, keyword = fresh(run)
        mine = learner.call(positional, keyword, max(left, 0.01))
        if mine.status != "ok":
            return mine
        theirs = reference.call(positional, keyword, max(stop_at - time.monotonic(), 0.01) + mine.seconds)
        if theirs.status != "ok":
            raise RuntimeError(f"the reference could not be timed: {theirs.status} {theirs.detail}")
        if agree is not None and not agree(theirs.arrays, mine.arrays):
            return Timing(mine.seconds, theirs.seconds, runs + 1, wrong=True)
        best_learner, best_reference = min(best_learner, mine.seconds), min(best_reference, theirs.seconds)
        runs += 1
        if best_learner > EARLY_STOP * max_ratio * best_reference:
            break  # clearly too slow: more runs would not change the verdict
    return Timing(best_learner, best_reference, runs)


# --- stages -----------------------------------------------------------------------------------------

def stage_shapes(exercise: Exercise, positional: list, keyword: dict) -> list | None:
    """[[stage name, shape], ...] from the reference's `<reference>_stages` companion, if it has one."""
    try:
        stages = resolve_reference(exercise.reference + "_stages")
    except (ImportError, AttributeError):
        return None
    return [[name, list(np.shape(value))] for name, value in stages(*positional, **keyword)]


def speed_message(name: str, timing: Timing, max_ratio: float) -> str:
    mine, theirs = timing.learner * 1000, timing.reference * 1000
    measured = (f"your {name} took {mine:.3g} ms and the reference {theirs:.3g} ms on the same inputs "
                f"({timing.ratio:.1f}x; best of {timing.runs} run{'s' if timing.runs > 1 else ''} each)")
    if timing.ratio <= max_ratio:
        return f"Fast enough: {measured}, within the allowed {max_ratio:g}x."
    return (f"Correct, but too slow for these points: {measured}; the limit is {max_ratio:g}x. Replace Python "
            "loops with whole-array NumPy operations (`grade hint` shows how).")


def describe_findings(findings: list[GradientFinding]) -> dict[str, Any]:
    return {f.label: {"checked": f.checked, "max_abs_error": f.max_abs_error, "agrees": f.passed} for f in findings}
