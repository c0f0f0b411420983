"""An exercise's instructor checks module (`checks:` in the YAML, or `exercises/<id>.checks.py` beside it), read
statically: each `test_*` function becomes a Case of kind "instructor". Only the syntax tree is read here, so
listing exercises never imports pytest or NumPy; grading/instructor_checks.py imports and runs the module."""

from __future__ import annotations

import ast
from pathlib import Path

from ..errors import DefinitionError
from .model import INSTRUCTOR_CHECK, Case

FIXTURES = ("learner", "reference", "rng")
MAX_CHECKS_BYTES = 200_000
_MARKERS = "@pytest.mark.points(N) and @pytest.mark.hidden"


def checks_path(yaml_path: str | Path, exercise_id: str, view) -> Path | None:
    """The checks module: `view` (the `checks` key, or None) names it relative to the YAML's folder; without the
    key, `<id>.checks.py` beside the YAML is used when it exists."""
    folder = Path(yaml_path).parent
    if view is None:
        default = folder / f"{exercise_id}.checks.py"
        return default if default.is_file() else None
    name = view.text()
    path = folder / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise view.error(f"checks: '{name}' must be a path inside the exercise's folder, e.g. {exercise_id}.checks.py")
    if not name.endswith(".py"):
        raise view.error(f"checks: '{name}' must name a Python file (.py)")
    if not path.is_file():
        raise view.error(f"checks: '{name}' does not exist next to {Path(yaml_path).name}")
    return path


def read_checks(path: Path, first_index: int) -> tuple[Case, ...]:
    """One Case per module-level `test_*` function, in file order, with its points, visibility and description."""
    tree = parse_checks(path)
    cases = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            raise DefinitionError(path, node.lineno, f"class {node.name}: write each check as a module-level "
                                  "`def test_...(learner, reference, rng):` function")
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and "pytestmark" in _assigned(node):
            raise DefinitionError(path, node.lineno, f"pytestmark: mark each check itself ({_MARKERS})")
        if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("test_"):
            raise DefinitionError(path, node.lineno, f"check {node.name} must be a plain function, not async")
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            cases.append(_check_case(path, node, first_index + len(cases)))
    if not cases:
        raise DefinitionError(path, None, "the checks module defines no `def test_...():` function")
    return tuple(cases)


def parse_checks(path: Path) -> ast.Module:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DefinitionError(path, None, f"the checks module cannot be read ({err.strerror})") from None
    if len(raw) > MAX_CHECKS_BYTES:
        raise DefinitionError(path, None, f"the checks module is over {MAX_CHECKS_BYTES} bytes")
    try:
        return ast.parse(raw.decode("utf-8"), filename=str(path))
    except UnicodeDecodeError:
        raise DefinitionError(path, None, "the checks module is not UTF-8 text") from None
    except SyntaxError as err:
        raise DefinitionError(path, err.lineno, f"syntax error in the checks module: {err.msg}") from None


def check_name(function: str) -> str:
    """test_shift_equivariance -> "shift equivariance", the case's name in every report."""
    return function.removeprefix("test_").replace("_", " ").strip()


def _check_case(path: Path, node: ast.FunctionDef, index: int) -> Case:
    points, hidden = 1.0, False
    for decorator in node.decorator_list:
        marker, value = _marker(path, node.name, decorator)
        if marker == "hidden":
            hidden = True
        else:
            points = value
    arguments = node.args
    if arguments.vararg or arguments.kwarg or arguments.posonlyargs or arguments.defaults or arguments.kwonlyargs:
        raise DefinitionError(path, node.lineno, f"check {node.name} takes only the fixtures "
                              f"{', '.join(FIXTURES)}, as plain parameters without defaults")
    for argument in arguments.args:
        if argument.arg not in FIXTURES:
            raise DefinitionError(path, argument.lineno, f"check {node.name} asks for the fixture '{argument.arg}', "
                                  f"which does not exist; checks can take {', '.join(FIXTURES)}")
    name = check_name(node.name)
    if not name:
        raise DefinitionError(path, node.lineno, f"check {node.name} needs a name after 'test_'")
    docstring = ast.get_docstring(node) or ""
    return Case(name=name, index=index, args=(), visibility="hidden" if hidden else "public", points=points,
                description=docstring.strip().split("\n")[0].strip(), check=INSTRUCTOR_CHECK, function=node.name)


def _marker(path: Path, check: str, decorator: ast.expr) -> tuple[str, float]:
    """("hidden", 0) or ("points", N) for a marker this format knows; anything else is refused."""
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call is not None else decorator
    dotted = _dotted(target)
    fail = lambda why: DefinitionError(path, decorator.lineno, f"check {check}: {why}")  # noqa: E731
    if dotted == "pytest.mark.hidden" and (call is None or not (call.args or call.keywords)):
        return "hidden", 0.0
    if dotted == "pytest.mark.points":
        if call is None or len(call.args) != 1 or call.keywords:
            raise fail("write the points as @pytest.mark.points(N), one number")
        value = call.args[0]
        if not isinstance(value, ast.Constant) or isinstance(value.value, bool) \
                or not isinstance(value.value, (int, float)) or not 0 <= value.value < float("inf"):
            raise fail("@pytest.mark.points takes one number of points, 0 or more")
        return "points", float(value.value)
    shown = dotted or ast.unparse(decorator)
    raise fail(f"unknown marker or decorator @{shown}; checks take {_MARKERS}")


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return ""


def _assigned(node: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {target.id for target in targets if isinstance(target, ast.Name)}
