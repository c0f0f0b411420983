"""Turn a case's argument specs into concrete values, reproducibly from a seed."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from ..sandbox.known_functions import KnownFunction
from ..spec.functions import FunctionSpec
from ..spec.model import ArraySpec, Case, DictSpec, Exercise, ListSpec


def case_rng(exercise: Exercise, case: Case, seed: int | None) -> np.random.Generator:
    """One generator per case, keyed by its name, so adding or reordering cases changes no inputs."""
    base = exercise.seed if seed is None else seed
    return np.random.default_rng([abs(int(base)), zlib.crc32(case.name.encode("utf-8"))])


def build_value(spec: Any, rng: np.random.Generator) -> Any:
    if isinstance(spec, ArraySpec):
        return _array(spec, rng)
    if isinstance(spec, DictSpec):
        return {key: build_value(item, rng) for key, item in spec.items}
    if isinstance(spec, FunctionSpec):
        return KnownFunction(spec.name)
    if isinstance(spec, ListSpec):
        return [build_value(item, rng) for item in spec.items]
    return spec


def build_args(exercise: Exercise, case: Case, seed: int | None = None) -> dict[str, Any]:
    rng = case_rng(exercise, case, seed)
    return {name: build_value(spec, rng) for name, spec in case.args}


_REMEMBERED: dict | None = None  # case inputs kept by a grader that grades the same cases again (remember_inputs)
REMEMBERED_CASES = 512


def remember_inputs() -> None:
    """From now on `case_args` builds each case's inputs once: a batch, `grade watch` and check() grade the same
    cases on the same seed again and again."""
    global _REMEMBERED
    _REMEMBERED = {} if _REMEMBERED is None else _REMEMBERED


def case_args(exercise: Exercise, case: Case, seed: int | None = None) -> dict[str, Any]:
    """`build_args`, kept once `remember_inputs` was called: the same arrays every time, made read-only so that no
    caller can spoil the next grading's inputs (and sent to workers without encoding them again, wire.encode_array)."""
    if _REMEMBERED is None:
        return build_args(exercise, case, seed)
    key = (str(exercise.path), exercise.id, exercise.seed if seed is None else seed, case.index, case.name)
    if key not in _REMEMBERED:
        args = build_args(exercise, case, seed)
        for value in args.values():
            _freeze(value)
        if len(_REMEMBERED) >= REMEMBERED_CASES:
            _REMEMBERED.pop(next(iter(_REMEMBERED)))
        _REMEMBERED[key] = args
    return dict(_REMEMBERED[key])


def _freeze(value: Any) -> None:
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, dict):
        for item in value.values():
            _freeze(item)
    elif isinstance(value, list):
        for item in value:
            _freeze(item)


def call_parts(exercise: Exercise, args: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Required parameters go by position (learners may rename them), optional ones by keyword."""
    positional, keyword = [], {}
    for param in exercise.entry.params:
        if param.name not in args:
            continue
        if param.required and not keyword:
            positional.append(args[param.name])
        else:
            keyword[param.name] = args[param.name]
    return positional, keyword


def _array(spec: ArraySpec, rng: np.random.Generator) -> np.ndarray:
    if spec.values is not None:
        return np.array(spec.values, dtype=spec.dtype)
    shape = spec.shape
    if spec.dist == "integers":
        low = (0 if spec.dtype.startswith("uint") else -9) if spec.low is None else int(spec.low)
        high = 10 if spec.high is None else int(spec.high)
        return rng.integers(low, high, size=shape).astype(spec.dtype)
    if spec.dist == "uniform":
        low = -1.0 if spec.low is None else spec.low
        high = 1.0 if spec.high is None else spec.high
        values = rng.uniform(low, high, size=shape)
    else:
        values = rng.standard_normal(size=shape)
        if spec.dist == "negative":
            values = -np.abs(values) - 0.01
        elif spec.dist == "positive":
            values = np.abs(values) + 0.01
    if spec.dtype[0] in "iu":
        values = np.round(values * 4)
    return values.astype(spec.dtype)
