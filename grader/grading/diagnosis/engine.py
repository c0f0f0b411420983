"""The diagnosis engine: for one submission, find the mistake behind each failing output.

The analyses, most specific first: the exercise's declared mistakes (its own and its families'), then the
structure of the wrong output alone (scale, axes, region, dtype), then the reference run on slightly wrong inputs.
Only the first few failing cases (the small public ones come first) get every analysis; the rest try the causes
found so far, which is what a submission's failures mostly share. So a submission that fails every case is graded
about as fast as one that passes, and the same submission always gets the same diagnosis."""

from __future__ import annotations

import time
from functools import lru_cache
from itertools import permutations
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ...spec.model import Exercise, Misconception
from ..compare import matches
from ..references import live_reference, reference_function
from .model import Diagnosis, Evidence, Sizes, line_number

FULL_SEARCHES = 4  # failing cases searched with every analysis; later ones try the causes found so far
CASE_SECONDS = 0.25  # a safety net for one case's search (huge inputs), not the usual bound
SEARCH_SECONDS = 0.5  # the same for the whole submission


class Diagnoser:
    """One per submission (the evaluator owns it). `name_line` names a line of the submission in findings ("cell 4,
    line 2" for the file generated from a notebook); "line 12" without it."""

    def __init__(self, exercise: Exercise, submission: Path, name_line: Callable[[int], str] | None = None,
                 source_lines: Callable[[], tuple[str, ...]] | None = None):
        """`source_lines`: where the learner's lines come from when another part of the evaluator already reads
        them (its failure messages); by default this diagnoser reads the file itself, once."""
        self.exercise = exercise
        self.submission = Path(submission)
        self.name_line = name_line or line_number
        self._read_lines = source_lines
        self._source_lines: tuple[str, ...] | None = None
        self._found: list[Diagnosis] = []  # causes found so far, in the order found
        self._budget = SEARCH_SECONDS
        self._searches = 0  # full searches done
        self._variants: dict[str, Any] = {}  # declared mistake's name -> its variant function, resolved once

    # --- inputs of the analyses -----------------------------------------------------------------
    def source_lines(self) -> tuple[str, ...]:
        """The learner's file, read once and only when an analysis asks (bounded; hostile bytes replaced)."""
        if self._read_lines is not None:
            return self._read_lines()
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
                        hidden=hidden, source_lines=self.source_lines(), name_line=self.name_line)

    # --- the search -------------------------------------------------------------------------------
    def diagnose(self, evidence: Evidence) -> Diagnosis | None:
        from .structural import WEAK_FINDINGS, analyse_output  # imported by the first failure, not by every grading
        if all(np.size(part) == 0 for part in evidence.got):
            return analyse_output(evidence)  # an empty answer matches many variants by its shape alone
        reordered = outputs_reordered(self.exercise, evidence)
        if reordered is not None:
            return reordered
        self._resolve_variants()
        started = time.monotonic()
        structural = lru_cache(maxsize=1)(lambda: analyse_output(evidence))  # at most once per case
        found = self._known_cause(evidence, started + CASE_SECONDS, structural)
        if found is None and self._searches < FULL_SEARCHES and self._budget > 0:
            self._searches += 1
            deadline = started + min(CASE_SECONDS, self._budget)
            try:
                found = self._declared(evidence, deadline)
                if found is None:
                    found = structural()
                if (found is None or found.name in WEAK_FINDINGS) and time.monotonic() < deadline:
                    found = self._perturbation(evidence, deadline, []) or found
            finally:
                self._budget -= time.monotonic() - started
        elif found is None:
            found = structural()  # cheap, and needs no reference
        return self._remember(found) if found is not None else None

    def _known_cause(self, evidence: Evidence, deadline: float, structural: Callable) -> Diagnosis | None:
        """The causes found on earlier cases, tried first: a submission's failures mostly share one."""
        if not self._found:
            return None
        declared = [item.name for item in self._found if item.source == "declared"]
        found = self._declared(evidence, deadline, only=declared) if declared else None
        earlier = [item.name for item in self._found if item.source == "structural"]
        if found is None and earlier and structural() is not None and structural().name in earlier:
            found = structural()
        if found is None and earlier:
            found = self._perturbation(evidence, deadline, earlier, only=True)
        return found

    def _perturbation(self, evidence: Evidence, deadline: float, prefer: list[str],
                      only: bool = False) -> Diagnosis | None:
        from .perturb import find_perturbation
        return find_perturbation(evidence, self.exercise, live_reference(self.exercise), deadline, prefer=prefer,
                                 only=only)

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
            wrong = self._variant_parts(item, evidence.positional, evidence.keyword)
            if wrong is None or len(wrong) != len(evidence.got) or \
                    any(np.shape(w) != np.shape(g) for w, g in zip(wrong, evidence.got)):
                continue
            if all(matches(w, g, tolerance) for w, g in zip(wrong, evidence.got)) and \
                    not all(matches(w, e, tolerance) for w, e in zip(wrong, evidence.expected)):
                return declared_diagnosis(item, evidence)
        return None

    def _resolve_variants(self) -> None:
        """Each declared mistake's function, once per submission: resolving (imports, the swap) costs more than
        running one."""
        if not self._variants:
            self._variants = {item.name: reference_function(self.exercise, item) for item in self.exercise.misconceptions}

    def _variant_parts(self, item: Misconception, positional: list, keyword: dict) -> list | None:
        try:
            wrong = self._variants[item.name](*positional, **keyword)
        except Exception:  # a variant may not apply to every input (e.g. it needs C == F)
            return None
        parts = wrong if self.exercise.entry.returns == "tuple" else [wrong]
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

