"""The diagnosis engine: for one submission, find the mistake behind each failing output.

The analyses, most specific first: the exercise's declared mistakes (its own and its families'), then the
structure of the wrong output alone (scale, axes, region, dtype), then the reference run on slightly wrong inputs.
A cause found once is tried first on the next failing case, and the searches that run the reference share a time
budget, so a submission that fails every case is graded about as fast as one that passes."""

from __future__ import annotations

import time
from itertools import permutations
from pathlib import Path
from typing import Any

import numpy as np

from ...spec.model import Exercise, Misconception
from ..compare import matches
from ..references import live_reference, reference_function
from .model import Diagnosis, Evidence, Sizes

# True but vague findings of the output analysis: a perturbation that explains the same output says more.
WEAK_FINDINGS = frozenset({"right values, wrong shape"})
SEARCH_SECONDS = 0.6  # per submission, for the analyses that run the reference (declared, perturbations)
CASE_SECONDS = 0.25  # per failing case, within that budget


class Diagnoser:
    """One per submission (the evaluator owns it)."""

    def __init__(self, exercise: Exercise, submission: Path):
        self.exercise = exercise
        self.submission = Path(submission)
        self._source_lines: tuple[str, ...] | None = None
        self._found: list[Diagnosis] = []  # causes found so far, in the order found
        self._budget = SEARCH_SECONDS

    # --- inputs of the analyses -----------------------------------------------------------------
    def source_lines(self) -> tuple[str, ...]:
        """The learner's file, read once and only when an analysis asks (bounded; hostile bytes replaced)."""
        if self._source_lines is None:
            from .source import read_source_lines
            self._source_lines = read_source_lines(self.submission)
        return self._source_lines

    def evidence(self, positional: list, keyword: dict, expected: list, got: list, part: int, label: str,
                 tolerance, hidden: bool) -> Evidence:
        return Evidence(positional=positional, keyword=keyword,
                        expected=[np.asarray(item) for item in expected], got=[np.asarray(item) for item in got],
                        part=part, label=label, tolerance=tolerance,
                        sizes=case_sizes(self.exercise, positional, keyword, label, np.shape(expected[part])),
                        hidden=hidden, source_lines=self.source_lines())

    # --- the search -------------------------------------------------------------------------------
    def diagnose(self, evidence: Evidence) -> Diagnosis | None:
        from .structural import analyse_output
        if all(np.size(part) == 0 for part in evidence.got):
            return analyse_output(evidence)  # an empty answer matches many variants by its shape alone
        reordered = outputs_reordered(self.exercise, evidence)
        if reordered is not None:
            return reordered
        started = time.monotonic()
        known = [item.name for item in self._found if item.source == "declared"]
        found = self._declared(evidence, started + CASE_SECONDS, only=known) if known else None
        deadline = started + min(CASE_SECONDS, max(self._budget, 0.0))
        try:
            if found is None:
                found = self._declared(evidence, deadline)
            if found is None:
                found = analyse_output(evidence)
            if (found is None or found.name in WEAK_FINDINGS) and time.monotonic() < deadline:
                from .perturb import find_perturbation
                found = find_perturbation(evidence, self.exercise, live_reference(self.exercise), deadline) or found
        finally:
            self._budget -= time.monotonic() - started
        return self._remember(found) if found is not None else None

    def _remember(self, found: Diagnosis) -> Diagnosis:
        if all(found.name != known.name for known in self._found):
            self._found.append(found)
        return found

    def _declared(self, evidence: Evidence, deadline: float, only: list[str] | None = None) -> Diagnosis | None:
        """The first declared mistake whose variant gives every output the learner returned; a variant that gives
        the reference's own answer on this input (a flip of a 1x1 kernel) proves nothing and is skipped."""
        items = [item for item in self.exercise.misconceptions if only is None or item.name in only]
        tolerance = evidence.tolerance
        for item in items:
            if time.monotonic() > deadline:
                return None
            wrong = _variant_parts(self.exercise, item, evidence.positional, evidence.keyword)
            if wrong is None or len(wrong) != len(evidence.got):
                continue
            if all(matches(w, e, tolerance) for w, e in zip(wrong, evidence.expected)):
                continue
            if all(matches(w, g, tolerance) for w, g in zip(wrong, evidence.got)):
                return declared_diagnosis(item, evidence)
        return None


def _variant_parts(exercise: Exercise, item: Misconception, positional: list, keyword: dict) -> list | None:
    try:
        wrong = reference_function(exercise, item)(*positional, **keyword)
    except Exception:  # a variant may not apply to every input (e.g. it needs C == F)
        return None
    parts = wrong if exercise.entry.returns == "tuple" else [wrong]
    return [np.asarray(part) for part in parts]


def declared_diagnosis(item: Misconception, evidence: Evidence) -> Diagnosis:
    label = evidence.label if len(evidence.got) == 1 else "outputs"
    said = "the reference with this mistake built in gives exactly your " + label
    hidden_evidence = f"{said} on this hidden case"
    want, have = evidence.want, evidence.have
    if have.shape != want.shape:
        return Diagnosis(item.name, item.explanation, f"{said}, shape {tuple(have.shape)} included", "declared",
                         hidden_evidence)
    with np.errstate(invalid="ignore"):
        differ = np.argwhere(~np.isclose(have.astype(float), want.astype(float)))
    if len(differ) == 0:
        return Diagnosis(item.name, item.explanation, said, "declared", hidden_evidence)
    index = tuple(int(i) for i in differ[0])
    evidence_text = (f"at {evidence.label}{list(index)} the expected value is {float(want[index]):.6g} and yours is "
                     f"{float(have[index]):.6g}; the reference with this mistake built in returns your numbers exactly, every "
                     "one of them")
    return Diagnosis(item.name, item.explanation, evidence_text, "declared", hidden_evidence)


def outputs_reordered(exercise: Exercise, evidence: Evidence) -> Diagnosis | None:
    """Every returned array right, but in another order than the exercise's (dweight where dx belongs)."""
    names = list(exercise.entry.output_names)
    if len(evidence.got) < 2 or len(names) != len(evidence.got) or len(evidence.expected) != len(evidence.got):
        return None
    for order in permutations(range(len(names))):
        if list(order) == sorted(order):
            continue
        if all(matches(evidence.expected[want], evidence.got[have], evidence.tolerance)
               for want, have in zip(order, range(len(names)))):
            returned = ", ".join(names[want] for want in order)
            return Diagnosis(
                name="outputs in the wrong order", source="structural",
                explanation=f"return them in the order ({', '.join(names)})",
                evidence=f"you return ({returned}): each array is right, but in another place of the tuple",
                hidden_evidence=f"you return ({returned}): each array is right, but in another place of the tuple")
    return None


def case_sizes(exercise: Exercise, positional: list, keyword: dict, label: str, out_shape: tuple) -> Sizes:
    """The case's sizes by their declared axis names (the first array to declare a name gives its size)."""
    declared = dict(getattr(exercise.entry, "axes", ()) or ())
    values: dict[str, Any] = {}
    names = [param.name for param in exercise.entry.params]
    for name, value in zip(names, positional):
        values[name] = value
    values.update(keyword)
    for value in list(values.values()):
        if isinstance(value, dict):
            values.update({key: item for key, item in value.items() if key not in values})
    sizes = Sizes(axes={name: tuple(axes) for name, axes in declared.items()})
    shapes: list[tuple[tuple[str, ...], tuple]] = [
        (tuple(declared[name]), np.shape(value)) for name, value in values.items()
        if name in declared and isinstance(value, np.ndarray)]
    if label in declared:
        shapes.append((tuple(declared[label]), tuple(out_shape)))
    for axes, shape in shapes:
        if len(axes) != len(shape):
            continue
        for axis, size in zip(axes, shape):
            sizes.named.setdefault(axis, int(size))
    return sizes

