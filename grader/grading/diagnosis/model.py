"""What a diagnosis is, and the evidence one failing output offers to the analyses that look for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...results import as_sentence, mistake_note
from ...spec.model import Tolerance

SOURCES = ("structural", "declared", "exception", "mutation")


def line_number(line: int) -> str:
    """How a line of a .py submission is named in messages: "line 12"."""
    return f"line {line}"


@dataclass(frozen=True)
class Diagnosis:
    """The mistake that explains a failure.

    name: a short stable label ("kernel flipped", "constant factor"), shown as a heading and used to group cases;
    explanation: what the learner did and what to change, in a sentence or two;
    evidence: what the numbers show, may quote values from the case ("your output × 9 equals the expected ...");
    hidden_evidence: the same without any value that would reveal a hidden case's inputs;
    source: which analysis found it (one of SOURCES).
    """

    name: str
    explanation: str
    evidence: str
    source: str
    hidden_evidence: str = ""

    def to_json(self, hidden: bool) -> dict[str, str]:
        evidence = (self.hidden_evidence or "") if hidden else self.evidence
        return {"name": self.name, "explanation": self.explanation, "evidence": evidence, "source": self.source}

    def attach(self, details: dict, hidden: bool) -> str:
        """Record the diagnosis in a failing case's details (a declared mistake by name as its misconception too);
        returns what the case's message ends with."""
        details["diagnosis"] = self.to_json(hidden)
        if self.source == "declared":
            details["misconception"] = self.name
        return self.note(hidden)

    def note(self, hidden: bool) -> str:
        """What a case's message ends with: the evidence, then the explanation."""
        evidence = (self.hidden_evidence or "") if hidden else self.evidence
        said = f"{as_sentence(evidence)} " if evidence else ""
        return mistake_note(self.name, said + as_sentence(self.explanation))


@dataclass
class Sizes:
    """The named sizes of one case, e.g. {"N": 2, "C": 3, "KH": 3, "KW": 3}, from the entry point's declared axes
    (`axes:` in the YAML); arrays without declared axes name theirs as `x.shape[2]`."""

    named: dict[str, int] = field(default_factory=dict)
    # axis names of each input and output that declares them, e.g. {"x": ("N", "C", "H", "W"),
    # "output": ("N", "F", "OH", "OW"), "dx": ("N", "C", "H", "W")}; missing when the exercise declares none
    axes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def names_for(self, value: int) -> list[str]:
        """The names of every single size equal to `value`, in declaration order."""
        return [name for name, size in self.named.items() if size == value]


@dataclass
class Evidence:
    """One failing output of one case: what an analysis may look at.

    expected/got: every output of the call (a tuple exercise has several); `part` is the index of the one that
    failed and `label` its name ("output", "dx"). positional/keyword are the grader's own copies of the call's
    arguments (never the worker's). Analyses must not modify any of these arrays. `name_line` names a line of
    `source_lines` for people: "line 12", or "cell 4, line 2" for the file generated from a notebook ("" for a line
    no cell wrote)."""

    positional: list[Any]
    keyword: dict[str, Any]
    expected: list[np.ndarray]
    got: list[np.ndarray]
    part: int
    label: str
    tolerance: Tolerance
    sizes: Sizes
    hidden: bool = False
    source_lines: tuple[str, ...] = ()  # the learner's file, line by line (bounded), to quote the line at fault
    name_line: Callable[[int], str] = line_number

    @property
    def want(self) -> np.ndarray:
        return self.expected[self.part]

    @property
    def have(self) -> np.ndarray:
        return self.got[self.part]

