"""The exercise format (schema version 1) as frozen data classes: what the loader builds, nothing that runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DTYPES = ("float64", "float32", "int64", "int32", "uint8")
DISTRIBUTIONS = ("normal", "uniform", "integers", "negative", "positive")
VISIBILITIES = ("public", "hidden")
CHECKS = ("values", "gradient", "speed")
INSTRUCTOR_CHECK = "instructor"  # Case.check of a test function in the exercise's checks module (spec/checks.py)
EDITIONS = ("full", "learner")  # learner: written by `grade release`, checked against precomputed outputs


@dataclass(frozen=True)
class EntryParameter:
    """A parameter of the entry point; cases may leave out the optional ones."""

    name: str
    required: bool


@dataclass(frozen=True)
class EntryPoint:
    name: str
    signature: str
    params: tuple[EntryParameter, ...]
    returns: str = "array"  # "array" or "tuple"
    output_names: tuple[str, ...] = ()  # names of the tuple's parts, e.g. ("dx", "dweight", "dbias")
    shape_rule: str = ""  # how the output shape follows from the inputs, shown on a shape mismatch
    # named axes of inputs and outputs: (("x", ("N", "C", "H", "W")), ("output", ("N", "F", "OH", "OW"))); keys are
    # parameter names, entries of a dict argument (conv_w) or output names ("output" for a single array)
    axes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-6
    atol: float = 1e-8


@dataclass(frozen=True)
class Limits:
    case_seconds: float = 5.0
    total_seconds: float = 45.0  # leaves room for start-up and reports inside a one-minute promise
    import_seconds: float = 10.0
    memory_mb: int = 1024
    output_chars: int = 2000


@dataclass(frozen=True)
class ArraySpec:
    """An input array: literal `values`, or a `shape` drawn from `dist` with the case's seed."""

    dtype: str
    shape: tuple[int, ...] | None = None
    values: Any = None
    dist: str = "normal"
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class DictSpec:
    """A mapping argument (e.g. a network's parameters) whose values are specs themselves."""

    items: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class ListSpec:
    """A list argument of mappings (e.g. a stack of layers), each item a DictSpec; the function gets a list of dicts."""

    items: tuple[DictSpec, ...]


@dataclass(frozen=True)
class Case:
    name: str
    index: int
    args: tuple[tuple[str, Any], ...]  # (parameter name, ArraySpec | DictSpec | plain value)
    visibility: str = "public"
    points: float = 1.0
    tolerance: Tolerance | None = None
    time_limit: float | None = None
    description: str = ""
    check: str = "values"
    max_ratio: float | None = None
    repeats: int = 5
    function: str = ""  # an instructor check: the name of its test function in the checks module

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"


@dataclass(frozen=True)
class Misconception:
    """A known mistake: a variant of the reference that makes it, so a learner's output can be recognised.

    Without `replaces`, the variant stands for the whole entry point. With it, the variant stands for one building
    block of the reference (e.g. solutions.conv.conv2d inside a network): the mistaken output is the exercise's
    reference run with that block swapped for the variant."""

    name: str
    explanation: str
    reference: str  # dotted name of the variant, e.g. solutions.misconceptions.conv2d_flipped
    replaces: str = ""  # dotted name of the building block the variant stands in for; "" for the entry point
    family: str = ""  # the family file (exercises/families/<family>.yaml) it was declared in; "" for the exercise


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    concept: str
    entry: EntryPoint
    starter: str
    reference: str  # dotted name in the course's solutions/; grading/references.py turns it into a function
    cases: tuple[Case, ...]
    path: str
    tolerance: Tolerance = Tolerance()
    limits: Limits = Limits()
    seed: int = 0
    hints: tuple[str, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    edition: str = "full"
    hidden_cases: int = 0  # learner edition: how many hidden cases were left out (they run on submission)
    checks: str = ""  # path of the instructor checks module, whose test functions are the last cases; "" if none

    @property
    def max_score(self) -> float:
        return sum(case.points for case in self.cases)
