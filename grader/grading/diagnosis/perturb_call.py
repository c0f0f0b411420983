"""The call a perturbation rewrites: its arguments by name (dict entries included), and the call rebuilt with some
of them replaced, every array passed read-only so the reference cannot change the grader's copies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...spec.model import Exercise

ABSENT = object()  # an argument the call does not pass


@dataclass(frozen=True)
class Perturbation:
    name: str  # stable short label, e.g. "weight flipped left-right", "stride ignored"
    explanation: str  # what the learner did and what to change
    evidence: str  # what the reference on the perturbed call shows, may quote the case's values
    hidden_evidence: str  # the same without values from the case
    positional: list  # the perturbed call
    keyword: dict
    crop: bool = False  # compare the learner's output with the top-left crop of this output
    cut_axis: str = ""  # the declared axis this call keeps one entry of; it explains only outputs without that axis


@dataclass(frozen=True)
class Slot:
    """Where one argument sits in the call: a parameter, or an entry of a dict parameter."""

    param: str
    key: str | None = None

    @property
    def label(self) -> str:
        return self.key or self.param

    @property
    def code(self) -> str:
        return f"{self.param}[{self.key!r}]" if self.key else self.param


def call_arguments(exercise: Exercise, positional: list, keyword: dict) -> list[tuple[Slot, Any]]:
    """Every argument by name, then the entries of dict arguments (e.g. params["conv_w"])."""
    names = [param.name for param in exercise.entry.params]
    named = list(zip(names, positional)) + [(name, value) for name, value in keyword.items()]
    found: list[tuple[Slot, Any]] = [(Slot(name), value) for name, value in named]
    for name, value in named:
        if isinstance(value, dict):
            found += [(Slot(name, str(key)), item) for key, item in value.items() if isinstance(key, str)]
    return found


def rebuilt(exercise: Exercise, positional: list, keyword: dict,
            replaced: list[tuple[Slot, Any]]) -> tuple[list, dict]:
    """The call with some arguments replaced; every array is passed as a read-only view, so a reference that
    writes into its inputs fails instead of changing the grader's copies."""
    names = [param.name for param in exercise.entry.params]
    new_positional = [read_only(item) for item in positional]
    new_keyword = {name: read_only(item) for name, item in keyword.items()}
    for slot, value in replaced:
        if slot.param in names[:len(positional)]:
            index = names.index(slot.param)
            new_positional[index] = _put(new_positional[index], slot, value)
        else:
            new_keyword[slot.param] = _put(new_keyword.get(slot.param, ABSENT), slot, value)
    return new_positional, new_keyword


def _put(current: Any, slot: Slot, value: Any) -> Any:
    if slot.key is None:
        return read_only(value)
    return {**current, slot.key: read_only(value)}


def read_only(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        view = value.view()
        view.flags.writeable = False
        return view
    if isinstance(value, dict):
        return {key: read_only(item) for key, item in value.items()}
    return value
