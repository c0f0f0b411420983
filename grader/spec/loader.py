"""Read an exercise YAML file (schema version 1) and validate it once into the frozen data classes of model.py."""

from __future__ import annotations

import ast
import difflib
import math
import re
from pathlib import Path
from typing import Any

from ..errors import DefinitionError
from .checks import checks_path, read_checks
from .course import resolve_reference
from .families import dotted as _dotted
from .families import family_mistakes, merge, own_mistake
from .functions import function_spec
from .model import (CHECKS, DISTRIBUTIONS, DTYPES, EDITIONS, ID_PATTERN, SCHEMA_VERSION, VISIBILITIES, ArraySpec,
                    Case, DictSpec, EntryParameter, EntryPoint, Exercise, Limits, ListSpec, Misconception,
                    Tolerance)
from .yamlsource import View, load_file, type_name

TOP_KEYS_REQUIRED = ("schema_version", "id", "title", "concept", "entry_point", "starter", "reference", "cases")
TOP_KEYS_OPTIONAL = ("tolerance", "limits", "seed", "hints", "misconceptions", "families", "points", "edition",
                     "hidden_cases", "checks")
CASE_KEYS_REQUIRED = ("name", "args")
CASE_KEYS_OPTIONAL = ("visibility", "points", "tolerance", "time_limit", "description", "check", "max_ratio",
                      "repeats")
ARRAY_KEYS = ("shape", "values", "dtype", "dist", "low", "high")


def load_exercise(path: str | Path, check_references: bool = True) -> Exercise:
    doc = load_file(path)
    root = doc.root().mapping(TOP_KEYS_REQUIRED, TOP_KEYS_OPTIONAL)
    version = root["schema_version"].integer()
    if version != SCHEMA_VERSION:
        raise root["schema_version"].error(f"schema_version {version} is not supported (this grader reads {SCHEMA_VERSION})")
    exercise_id = root["id"].text()
    if not ID_PATTERN.match(exercise_id):
        raise root["id"].error(f"id '{exercise_id}' must be lower-case letters, digits and dashes")
    if Path(path).stem != exercise_id:
        raise root["id"].error(f"id '{exercise_id}' must match the file name '{Path(path).name}'")
    entry = _entry_point(root["entry_point"])
    tolerance = _tolerance(root.get("tolerance", {})) if root.has("tolerance") else Tolerance()
    limits = _limits(root["limits"]) if root.has("limits") else Limits()
    cases = tuple(_case(view, index, entry, tolerance) for index, view in enumerate(root["cases"].list(min_items=1)))
    names = {}
    for view, case in zip(root["cases"].list(), cases):
        if case.name in names:
            raise view["name"].error(f"case name '{case.name}' is used twice (also case {names[case.name]})")
        names[case.name] = case.index
    checks = checks_path(path, exercise_id, root["checks"] if root.has("checks") else None)
    if checks is not None:
        cases += _check_cases(checks, len(cases), names)
    if root.has("points"):
        declared = root["points"].number(minimum=0)
        total = sum(case.points for case in cases)
        if abs(declared - total) > 1e-9:
            raise root["points"].error(f"points says {declared:g} but the cases add up to {total:g}")
    hints = tuple(view.text() for view in root["hints"].list()) if root.has("hints") else ()
    own_views = root["misconceptions"].list() if root.has("misconceptions") else []
    edition = root["edition"].choice(EDITIONS) if root.has("edition") else "full"
    own = [own_mistake(view, released=edition == "learner") for view in own_views]
    _check_unique_names(own_views, own)
    inherited = merge(own, family_mistakes(path, root["families"])) if root.has("families") else []
    misconceptions = tuple(own) + tuple(item for _, item in inherited)
    if entry.axes:
        _check_axes(root["entry_point"]["axes"], entry, cases)
    starter = root["starter"].text()
    _check_python(root["starter"], starter)
    exercise = Exercise(
        id=exercise_id, title=root["title"].text(), concept=root["concept"].text(), entry=entry,
        starter=starter, reference=_dotted(root["reference"]), cases=cases, path=str(path),
        tolerance=tolerance, limits=limits, seed=root["seed"].integer() if root.has("seed") else 0,
        hints=hints, misconceptions=misconceptions,
        edition=edition,
        hidden_cases=root["hidden_cases"].integer(minimum=0) if root.has("hidden_cases") else 0,
        checks=str(checks) if checks is not None else "")
    if check_references and exercise.edition == "full":
        _check_callable(root["reference"], exercise.reference)
        for view, item in zip(own_views, own):
            _check_callable(view["reference"], item.reference)
            if item.replaces:
                _check_callable(view["replaces"], item.replaces)
        for view, item in inherited:
            _check_callable(view["variant"], item.reference)
            _check_callable(view["replaces"], item.replaces)
    return exercise


def _check_cases(path: Path, first_index: int, names: dict[str, int]) -> tuple[Case, ...]:
    """The checks module's test functions as cases after the YAML's; a name may not repeat a case's."""
    cases = read_checks(path, first_index)
    seen = dict(names)
    for case in cases:
        if case.name in seen:
            raise DefinitionError(path, None, f"check {case.function} is named '{case.name}' in reports, like "
                                  f"case {seen[case.name]} of the YAML or an earlier check; rename it")
        seen[case.name] = case.index
    return cases


def _entry_point(view: View) -> EntryPoint:
    view.mapping(("name", "signature"), ("returns", "outputs", "shape_rule", "axes"))
    name = view["name"].text()
    signature = view["signature"].text()
    try:
        tree = ast.parse(f"def {signature.strip()}:\n    pass\n")
        func = tree.body[0]
        assert isinstance(func, ast.FunctionDef)
    except (SyntaxError, AssertionError):
        raise view["signature"].error(f"signature '{signature}' is not a valid Python function signature") from None
    if func.name != name:
        raise view["signature"].error(f"signature names '{func.name}' but entry_point.name is '{name}'")
    positional = func.args.posonlyargs + func.args.args
    first_default = len(positional) - len(func.args.defaults)
    params = tuple(EntryParameter(arg.arg, index < first_default) for index, arg in enumerate(positional))
    params += tuple(EntryParameter(arg.arg, default is None)
                    for arg, default in zip(func.args.kwonlyargs, func.args.kw_defaults))
    returns = view["returns"].choice(("array", "tuple")) if view.has("returns") else "array"
    outputs = tuple(item.text() for item in view["outputs"].list()) if view.has("outputs") else ()
    if returns == "tuple" and not outputs:
        raise view.error("entry_point.returns is 'tuple': list the parts' names under 'outputs'")
    shape_rule = view["shape_rule"].text() if view.has("shape_rule") else ""
    axes = tuple((key, tuple(item.text() for item in names.list(min_items=1)))
                 for key, names in view["axes"].items()) if view.has("axes") else ()
    return EntryPoint(name, signature.strip(), params, returns, outputs, shape_rule, axes)


def _check_axes(view: View, entry: EntryPoint, cases: tuple[Case, ...]) -> None:
    """Axis names may be given for parameters, entries of a dict argument, and outputs."""
    outputs = set(entry.output_names) | ({"output"} if entry.returns == "array" else set())
    entries = {key for case in cases for _, value in case.args if isinstance(value, DictSpec) for key, _ in value.items}
    known = {param.name for param in entry.params} | entries | outputs
    for key, names in view.items():
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(known))})"
            raise names.error(f"axes: '{key}' is not a parameter, dict entry or output of {entry.name}{hint}")
        for item in names.list():
            if not re.match(r"^[A-Za-z][A-Za-z0-9_'*]{0,23}$", item.value):
                raise item.error(f"axes: '{item.value}' must be a short name of letters and digits, like N or KH")


def _check_unique_names(views: list[View], items: list[Misconception]) -> None:
    seen: dict[str, int | None] = {}
    for view, item in zip(views, items):
        if item.name in seen:
            raise view["name"].error(f"misconception name '{item.name}' is used twice (also on line {seen[item.name]})")
        seen[item.name] = view["name"].line


def _tolerance(view: View, default: Tolerance = Tolerance()) -> Tolerance:
    """A case's tolerance keeps the exercise's value for the key it leaves out."""
    view.mapping((), ("rtol", "atol"))
    rtol = view["rtol"].number(minimum=0) if view.has("rtol") else default.rtol
    atol = view["atol"].number(minimum=0) if view.has("atol") else default.atol
    return Tolerance(rtol, atol)


def _limits(view: View) -> Limits:
    view.mapping((), ("case_seconds", "total_seconds", "import_seconds", "memory_mb", "output_chars"))
    default = Limits()
    return Limits(
        case_seconds=view["case_seconds"].number(positive=True) if view.has("case_seconds") else default.case_seconds,
        total_seconds=view["total_seconds"].number(positive=True) if view.has("total_seconds") else default.total_seconds,
        import_seconds=view["import_seconds"].number(positive=True) if view.has("import_seconds") else default.import_seconds,
        memory_mb=view["memory_mb"].integer(minimum=128) if view.has("memory_mb") else default.memory_mb,
        output_chars=view["output_chars"].integer(minimum=100) if view.has("output_chars") else default.output_chars,
    )


def _case(view: View, index: int, entry: EntryPoint, tolerance: Tolerance) -> Case:
    view.mapping(CASE_KEYS_REQUIRED, CASE_KEYS_OPTIONAL)
    name = view["name"].text()
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_. ()x,=-]{0,79}$", name):
        raise view["name"].error(f"case name '{name}' may use letters, digits, spaces and _.()x,=- (80 at most)")
    known = {param.name for param in entry.params}
    args_view = view["args"].mapping()
    args = []
    for key, arg_view in args_view.items():
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (parameters: {', '.join(sorted(known))})"
            raise arg_view.error(f"'{key}' is not a parameter of {entry.name}{hint}")
        args.append((key, _arg(arg_view)))
    missing = [param.name for param in entry.params if param.required and param.name not in args_view.value]
    if missing:
        raise args_view.error(f"case '{name}' gives no value for the required parameter(s) {', '.join(missing)}")
    check = view["check"].choice(CHECKS) if view.has("check") else "values"
    max_ratio = view["max_ratio"].number(positive=True) if view.has("max_ratio") else None
    if check == "speed" and max_ratio is None:
        raise view.error(f"case '{name}' checks speed: give 'max_ratio' (allowed time / reference time)")
    return Case(
        name=name, index=index, args=tuple(args),
        visibility=view["visibility"].choice(VISIBILITIES) if view.has("visibility") else "public",
        points=view["points"].number(minimum=0) if view.has("points") else 1.0,
        tolerance=_tolerance(view["tolerance"], tolerance) if view.has("tolerance") else None,
        time_limit=view["time_limit"].number(positive=True) if view.has("time_limit") else None,
        description=view["description"].text() if view.has("description") else "",
        check=check, max_ratio=max_ratio,
        repeats=view["repeats"].integer(minimum=1) if view.has("repeats") else 5)


def _arg(view: View) -> Any:
    value = view.value
    if isinstance(value, dict):
        if set(value) == {"dict"}:
            items = tuple((key, _arg(item)) for key, item in view["dict"].items())
            return DictSpec(items)
        if "function" in value:  # a function from the fixed table, e.g. {function: tanh}
            return function_spec(view)
        return _array(view)
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):  # a list of records, e.g. layers
            return ListSpec(tuple(DictSpec(tuple((key, _arg(entry)) for key, entry in item.items()))
                                  for item in view.list()))
        if not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value):
            raise view.error(f"'{view.where}': a list argument is a tuple of numbers or a list of mappings "
                             "({kernel: 3}, ...); write an array as {values: [...]} or {shape: [...]}")
        return tuple(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise view.fail("an array spec, a number, a list of numbers, text or null")


def _array(view: View) -> ArraySpec:
    view.mapping((), ARRAY_KEYS)
    has_shape, has_values = view.has("shape"), view.has("values")
    if has_shape == has_values:
        raise view.error(f"'{view.where}' needs exactly one of 'shape' (generated) or 'values' (literal)")
    dtype = view["dtype"].choice(DTYPES) if view.has("dtype") else "float64"
    if has_values:
        _check_literal(view["values"], dtype)
        return ArraySpec(dtype=dtype, values=view["values"].value)
    shape = tuple(item.integer(minimum=0) for item in view["shape"].list(min_items=1))
    size = 1
    for dim in shape:
        size *= dim
    if size > 50_000_000:
        raise view["shape"].error(f"'{view.where}.shape' {shape} is too large (over 50 million elements)")
    dist = view["dist"].choice(DISTRIBUTIONS) if view.has("dist") else ("integers" if dtype[0] in "iu" else "normal")
    low = view["low"].number() if view.has("low") else None
    high = view["high"].number() if view.has("high") else None
    if low is not None and high is not None and low >= high:
        raise view["high"].error(f"'{view.where}': high ({high:g}) must be greater than low ({low:g})")
    if dtype.startswith("uint") and (dist in ("normal", "negative") or (low is not None and low < 0)):
        raise view.error(f"'{view.where}': {dtype} holds no negative numbers (they would wrap around); use "
                         "dist: integers, uniform or positive with low >= 0")
    return ArraySpec(dtype=dtype, shape=shape, dist=dist, low=low, high=high)


_INTEGER_RANGES = {"int64": (-2**63, 2**63 - 1), "int32": (-2**31, 2**31 - 1), "uint8": (0, 255)}


def _check_literal(view: View, dtype: str) -> None:
    """A rectangular nest of finite numbers that fit `dtype`, checked without NumPy so listing exercises
    (`grade list`) never pays for importing it."""
    where = f"'{view.where}'"

    def shape_of(value) -> tuple:
        if isinstance(value, list):
            shapes = {shape_of(item) for item in value}
            if len(shapes) > 1:
                raise view.error(f"{where} is not a rectangular array of numbers (rows of different lengths)")
            return (len(value),) + (shapes.pop() if shapes else ())
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise view.error(f"{where} is not a rectangular array of numbers (found {type_name(value)})")
        if isinstance(value, float) and not math.isfinite(value):
            raise view.error(f"{where} must hold finite numbers")
        if dtype in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[dtype]
            if isinstance(value, float) and not value.is_integer():
                raise view.error(f"{where} must hold whole numbers for dtype {dtype}, not {value}")
            if not low <= value <= high:
                raise view.error(f"{where}: {value:g} does not fit dtype {dtype} ({low} to {high})")
        return ()

    shape_of(view.value)


def _check_callable(view: View, dotted: str) -> None:
    try:
        function = resolve_reference(dotted)
    except (ImportError, AttributeError) as err:
        raise view.error(f"'{dotted}' cannot be found ({err})") from None
    if not callable(function):
        raise view.error(f"'{dotted}' is not a function")


def _check_python(view: View, source: str) -> None:
    try:
        compile(source, "<starter>", "exec")
    except SyntaxError as err:
        raise DefinitionError(view.doc.path, view.line, f"the starter code has a syntax error on its line "
                              f"{err.lineno}: {err.msg}") from None
