"""The functions a learner's answers are checked against: the course's reference and its known mistakes, imported
live, memoized across learners in a batch, or, in the learner edition, looked up among outputs precomputed at
release (so public cases are checked without shipping solutions/)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import GraderError
from ..sandbox.known_functions import KnownFunction
from ..spec.course import resolve_reference
from ..spec.model import Exercise, Misconception
from .inputs import build_args, call_parts, remember_inputs
from .showcase import demo_for, picture
from .swap import swapped

DIAGNOSIS_ELEMENTS = 1 << 16  # released cases up to this many output values carry the diagnosis's outputs too
_BATCH_MEMO: dict[str, dict] | None = None  # set by `grade batch`: every learner gets the same inputs


def reference_function(exercise: Exercise, misconception: Misconception | None = None) -> Callable:
    """The exercise's reference, or the variant that makes one of its known mistakes."""
    if exercise.edition == "learner":
        label = "ref" if misconception is None else f"mis{exercise.misconceptions.index(misconception)}"
        return lookup(exercise, label)
    if misconception is None:
        dotted, function = exercise.reference, resolve_reference(exercise.reference)
    elif misconception.replaces:
        dotted = f"{exercise.reference} with {misconception.replaces} as {misconception.reference}"
        function = swapped(exercise.reference.split(".")[0], resolve_reference(exercise.reference),
                           resolve_reference(misconception.replaces), resolve_reference(misconception.reference))
    else:
        dotted, function = misconception.reference, resolve_reference(misconception.reference)
    if _BATCH_MEMO is None:
        return function
    return memoize(function, _BATCH_MEMO.setdefault(dotted, {}))


def live_reference(exercise: Exercise) -> Callable:
    """The reference without the batch memo, for the diagnosis's many one-off calls on perturbed inputs (they would
    only push the shared inputs' outputs out of the memo); the learner edition's stored outputs there."""
    if exercise.edition == "learner":
        return lookup(exercise, "ref")
    return resolve_reference(exercise.reference)


def remember_references() -> None:
    """From now on, each case's inputs are built once, and reference outputs are computed once per distinct input;
    both are reused, read-only."""
    global _BATCH_MEMO
    _BATCH_MEMO = {} if _BATCH_MEMO is None else _BATCH_MEMO
    remember_inputs()


def npz_path(exercise_path: str | Path) -> Path:
    return Path(exercise_path).with_suffix(".expected.npz")


def args_key(positional: list, keyword: dict) -> str:
    """A digest of a call's arguments, spelled in the worker's wire format (arrays as .npy bytes)."""
    from ..sandbox.wire import pack
    blobs: list[bytes] = []
    tree = pack({"args": list(positional), "kwargs": dict(keyword)}, blobs)
    digest = hashlib.sha256(json.dumps(tree, sort_keys=True).encode("utf-8"))
    for blob in blobs:
        digest.update(blob)
    return digest.hexdigest()[:32]


_KEYS: dict = {}  # the identity of a call on frozen arrays -> (its args_key, those arrays, kept so no id is reused)


def call_key(positional: list, keyword: dict, limit: int = 512) -> str:
    """`args_key`, remembered for a call whose every array is frozen (read-only and owning its data, as remembered
    case inputs are: they cannot change). A batch keys the same cases for every learner; hashing their inputs again
    each time cost ~3 ms a learner."""
    arrays: list = []
    identity = _frozen_identity((tuple(positional), keyword), arrays)
    if identity is None:
        return args_key(positional, keyword)
    if identity not in _KEYS:
        if len(_KEYS) >= limit:
            _KEYS.pop(next(iter(_KEYS)))
        _KEYS[identity] = (args_key(positional, keyword), arrays)
    return _KEYS[identity][0]


def _frozen_identity(value: Any, arrays: list) -> tuple | None:
    """What tells this value apart from any other while `arrays` (where its arrays are added) stay alive; None when
    it holds an array that may change, or anything else whose content its identity does not fix."""
    if isinstance(value, np.ndarray):
        if value.flags.writeable or value.base is not None:
            return None
        arrays.append(value)
        return ("array", id(value))
    if value is None or type(value) in (bool, int, float, str):
        return (type(value).__name__, value)
    if isinstance(value, KnownFunction):
        return ("function", value.name)
    if type(value) in (tuple, list):
        parts = tuple(_frozen_identity(item, arrays) for item in value)
    elif type(value) is dict:
        parts = tuple(_frozen_identity(part, arrays) for pair in value.items() for part in pair)
    else:
        return None
    return None if None in parts else (type(value).__name__, parts)


def memoize(function: Callable, memo: dict, limit: int = 512) -> Callable:
    """Reuse outputs for equal arguments; stored arrays are read-only so no caller can spoil the next one."""
    def call(*positional, **keyword):
        key = call_key(list(positional), keyword)
        if key not in memo:
            output = function(*positional, **keyword)
            for part in output if isinstance(output, tuple) else (output,):
                if isinstance(part, np.ndarray):
                    part.setflags(write=False)
            if len(memo) >= limit:
                memo.pop(next(iter(memo)))
            memo[key] = output
        return memo[key]
    return call


def compute(exercise: Exercise) -> dict[str, np.ndarray]:
    """The reference's and every misconception's outputs on each public case (run at release time), and the
    reference's on each perturbed input the diagnosis tries there (grading/diagnosis/perturb.py). The diagnosis
    material is kept for cases of a modest size only: a timed case on large images would add tens of megabytes to
    the learner edition, and the small cases name the mistake just as well."""
    from .diagnosis.perturb import perturbations
    reference = reference_function(exercise)
    variants = [(f"mis{index}", reference_function(exercise, item))
                for index, item in enumerate(exercise.misconceptions)]
    calls = [call_parts(exercise, build_args(exercise, case, None)) for case in exercise.cases if not case.hidden]
    demo = demo_for(exercise, picture())  # the report's unscored picture demo calls the reference too
    if demo is not None:
        calls.append((list(demo.positional), dict(demo.keyword)))
    arrays: dict[str, np.ndarray] = {}
    for positional, keyword in calls:
        key = args_key(positional, keyword)
        expected = _call(reference, positional, keyword)
        if expected is None:
            continue
        _store(arrays, exercise, f"{key}_ref", expected)
        if sum(np.size(part) for part in _parts(exercise, expected)) > DIAGNOSIS_ELEMENTS:
            continue
        for label, function in variants:
            output = _call(function, positional, keyword)  # a variant may not apply to every input
            if output is not None:
                _store(arrays, exercise, f"{key}_{label}", output)
        for perturbed in perturbations(exercise, positional, keyword):
            output = _call(reference, perturbed.positional, perturbed.keyword)  # the reference may refuse it
            if output is not None:
                _store(arrays, exercise, f"{args_key(perturbed.positional, perturbed.keyword)}_ref", output)
    return arrays


def _call(function: Callable, positional: list, keyword: dict) -> Any:
    try:
        return function(*positional, **keyword)
    except Exception:  # the diagnosis skips a call that fails the same way
        return None


def _parts(exercise: Exercise, output: Any) -> list:
    return list(output) if exercise.entry.returns == "tuple" else [output]


def _store(arrays: dict[str, np.ndarray], exercise: Exercise, prefix: str, output: Any) -> None:
    for index, part in enumerate(_parts(exercise, output)):
        arrays[f"{prefix}_{index}"] = np.asarray(part)


@lru_cache(maxsize=16)
def _load(path: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except OSError:
        raise GraderError(f"{path} is missing: this learner edition is incomplete. Ask your instructor "
                          "for a fresh copy.") from None


def lookup(exercise: Exercise, label: str) -> Callable[..., Any]:
    """A stand-in for a reference function that returns the stored output for the same arguments."""
    def call(*positional, **keyword):
        arrays = _load(str(npz_path(exercise.path)))
        key = call_key(list(positional), keyword)
        parts = []
        while f"{key}_{label}_{len(parts)}" in arrays:
            parts.append(arrays[f"{key}_{label}_{len(parts)}"])
        if not parts:
            raise LookupError("no stored output for these inputs")
        return tuple(parts) if exercise.entry.returns == "tuple" else parts[0]
    return call
