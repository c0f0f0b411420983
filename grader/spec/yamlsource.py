"""Read a YAML definition once, remembering the line of every key, so every error can say file:line."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from ..errors import DefinitionError

try:  # libyaml is several times faster; the pure-Python loader gives the same marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # counted with aliases expanded, so an alias bomb is refused before it is walked

_TYPE_NAMES = {bool: "true/false", int: "a whole number", float: "a number", str: "text",
               list: "a list", dict: "a mapping", type(None): "nothing (null)"}


def type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def describe(keys: tuple) -> str:
    """('cases', 3, 'args') -> 'cases[3].args'"""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "the top level"


class Doc:
    """A parsed YAML file: its data and the line of every key path."""

    def __init__(self, path: str, data: Any, lines: dict[tuple, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def line(self, keys: tuple) -> int:
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return 1  # the document itself starts on line 1

    def root(self) -> "View":
        return View(self, (), self.data)


def load_file(path: str | Path, shown_as: str | None = None) -> Doc:
    path = Path(path)
    name = shown_as or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DefinitionError(name, None, "file not found") from None
    except OSError as err:
        raise DefinitionError(name, None, f"cannot read the file ({err.strerror})") from None
    return load_text(raw, name)


def load_text(raw: bytes | str, name: str) -> Doc:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_BYTES:
        raise DefinitionError(name, None, f"file is too large ({len(raw)} bytes; the limit is {MAX_FILE_BYTES})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DefinitionError(name, line, "the file is not valid UTF-8 text") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise DefinitionError(name, None, "the file is empty")
            lines: dict[tuple, int] = {}
            _walk(node, (), lines, {}, set(), name)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = err.problem or err.context or "malformed YAML"
        raise DefinitionError(name, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as err:
        raise DefinitionError(name, None, f"YAML error: {err}") from None
    except RecursionError:
        raise DefinitionError(name, None, "the YAML is nested too deeply") from None
    return Doc(name, data, lines)


def _walk(node, keys: tuple, lines: dict, sizes: dict, active: set, name: str) -> int:
    """Record lines; return the node's size with aliases expanded (memoised, so bombs cost little)."""
    ident = id(node)
    if ident in active:
        raise DefinitionError(name, node.start_mark.line + 1, "an alias refers to itself")
    if ident in sizes:
        return sizes[ident]
    active.add(ident)
    size = 1
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise DefinitionError(name, key_node.start_mark.line + 1, "a key must be plain text")
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DefinitionError(name, line, f"key '{key}' appears twice (first on line {seen[key]})")
            seen[key] = line
            lines.setdefault(keys + (key,), line)
            size += _walk(value_node, keys + (key,), lines, sizes, active, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault(keys + (index,), item.start_mark.line + 1)
            size += _walk(item, keys + (index,), lines, sizes, active, name)
    active.discard(ident)
    if size > MAX_NODES:
        raise DefinitionError(name, node.start_mark.line + 1, f"the document has more than {MAX_NODES} values")
    sizes[ident] = size
    return size


class View:
    """One value of a Doc with its key path: typed accessors that raise file:line errors."""

    def __init__(self, doc: Doc, keys: tuple, value: Any):
        self.doc = doc
        self.keys = keys
        self.value = value

    @property
    def line(self) -> int | None:
        return self.doc.line(self.keys)

    @property
    def where(self) -> str:
        return describe(self.keys)

    def error(self, message: str) -> DefinitionError:
        return DefinitionError(self.doc.path, self.line, message)

    def fail(self, expected: str) -> DefinitionError:
        return self.error(f"'{self.where}' must be {expected}, not {type_name(self.value)}")

    # --- structure -------------------------------------------------------
    def mapping(self, required: tuple = (), optional: tuple = ()) -> "View":
        if not isinstance(self.value, dict):
            raise self.fail("a mapping of keys to values")
        allowed = set(required) | set(optional)
        for key in self.value:
            if not isinstance(key, str):
                raise View(self.doc, self.keys + (key,), key).error(f"key {key!r} must be text")
            if allowed and key not in allowed:
                child = View(self.doc, self.keys + (key,), None)
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(sorted(allowed))})"
                where = f" in '{self.where}'" if self.keys else ""
                raise child.error(f"unknown key '{key}'{where}{hint}")
        for key in required:
            if key not in self.value:
                where = f"'{self.where}'" if self.keys else "the file"
                raise self.error(f"{where} is missing the required key '{key}'")
        return self

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def __getitem__(self, key) -> "View":
        return View(self.doc, self.keys + (key,), self.value[key])

    def get(self, key: str, default: Any = None) -> "View":
        if self.has(key):
            return self[key]
        return View(self.doc, self.keys + (key,), default)

    def items(self) -> list[tuple[str, "View"]]:
        self.mapping()
        return [(key, self[key]) for key in self.value]

    def list(self, min_items: int = 0) -> list["View"]:
        if not isinstance(self.value, list):
            raise self.fail("a list")
        if len(self.value) < min_items:
            raise self.error(f"'{self.where}' needs at least {min_items} item(s)")
        return [View(self.doc, self.keys + (index,), item) for index, item in enumerate(self.value)]

    # --- scalars ---------------------------------------------------------
    def text(self, allow_empty: bool = False) -> str:
        if not isinstance(self.value, str):
            raise self.fail("text")
        if not allow_empty and not self.value.strip():
            raise self.error(f"'{self.where}' must not be empty")
        return self.value

    def integer(self, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("a whole number")
        if minimum is not None and self.value < minimum:
            raise self.error(f"'{self.where}' must be at least {minimum}, not {self.value}")
        return self.value

    def number(self, minimum: float | None = None, positive: bool = False) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.fail("a number")
        value = float(self.value)
        if value != value or value in (float("inf"), float("-inf")):
            raise self.error(f"'{self.where}' must be a finite number")
        if positive and value <= 0:
            raise self.error(f"'{self.where}' must be greater than 0, not {self.value}")
        if minimum is not None and value < minimum:
            raise self.error(f"'{self.where}' must be at least {minimum}, not {self.value}")
        return value

    def choice(self, options: tuple[str, ...]) -> str:
        value = self.text()
        if value not in options:
            close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.error(f"'{self.where}' must be one of {', '.join(options)}, not '{value}'{hint}")
        return value
