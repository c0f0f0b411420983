"""The instructor checks of the learner edition: the checks module without its hidden test functions, and the
reference's outputs on every call its public checks make (the edition has no solutions/ to compute them)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np

from ..errors import UsageError
from ..grading.check_module import load_checks
from ..grading.inputs import case_rng
from ..grading.references import DIAGNOSIS_ELEMENTS, args_key, reference_function
from ..spec.checks import parse_checks
from ..spec.model import INSTRUCTOR_CHECK, Case, Exercise


def public_checks(exercise: Exercise) -> list[Case]:
    return [case for case in exercise.cases if case.check == INSTRUCTOR_CHECK and not case.hidden]


def released_source(path: Path, hidden: set[str]) -> str:
    """The module's text without the hidden test functions (their decorators and bodies)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    drop = set()
    for node in parse_checks(path).body:
        if isinstance(node, ast.FunctionDef) and node.name in hidden:
            first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            drop.update(range(first, node.end_lineno + 1))
    text = "".join(line for number, line in enumerate(lines, start=1) if number not in drop)
    left = {node.name for node in ast.parse(text).body if isinstance(node, ast.FunctionDef)} & hidden
    if left:  # pragma: no cover - parse_checks and ast agree on what a function is
        raise UsageError(f"{path}: hidden check(s) {', '.join(sorted(left))} could not be removed")
    return text


def check_outputs(exercise: Exercise) -> dict[str, np.ndarray]:
    """Run each public check with the reference as the learner, and store the reference's (and, for diagnosis,
    each known mistake's) output on every call it made, keyed as grading/references.py's lookup reads them."""
    checks = load_checks(exercise)
    reference = reference_function(exercise)
    calls: list[tuple[list, dict]] = []

    def recorded(*positional, **keyword):
        calls.append((list(positional), dict(keyword)))
        return reference(*positional, **keyword)

    for case in public_checks(exercise):
        fixtures = {"learner": recorded, "reference": recorded, "rng": case_rng(exercise, case, None)}
        function = checks.functions[case.function]
        try:
            function(**{name: fixtures[name] for name in inspect.signature(function).parameters})
        except Exception as err:  # noqa: BLE001 - any failure here is the definition's
            raise UsageError(f"{checks.path}: check {case.function} fails on the reference ({type(err).__name__}: "
                             f"{err}); run `grade validate` first.") from None
    variants = [(f"mis{index}", reference_function(exercise, item))
                for index, item in enumerate(exercise.misconceptions)]
    arrays: dict[str, np.ndarray] = {}
    for positional, keyword in calls:
        key = args_key(positional, keyword)
        expected = reference(*positional, **keyword)
        _store(arrays, exercise, f"{key}_ref", expected)
        if sum(np.size(part) for part in _parts(exercise, expected)) > DIAGNOSIS_ELEMENTS:
            continue
        for label, variant in variants:
            try:
                output = variant(*positional, **keyword)
            except Exception:  # noqa: BLE001 - a mistake that cannot be made on this input
                continue
            _store(arrays, exercise, f"{key}_{label}", output)
    return arrays


def _parts(exercise: Exercise, output) -> list:
    return list(output) if exercise.entry.returns == "tuple" else [output]


def _store(arrays: dict[str, np.ndarray], exercise: Exercise, prefix: str, output) -> None:
    for index, part in enumerate(_parts(exercise, output)):
        arrays[f"{prefix}_{index}"] = np.asarray(part)
