"""Exceptions explained with the case's own argument values (the grader's copy of the call, parameter name -> value):
a parameter this case passes as an (h, w) pair that the learner's line uses as one int, or passes as one int where
the line takes it apart as a pair; a key missing from a dict argument, with the keys it has."""

from __future__ import annotations

import ast
import difflib
import re
from typing import Any

from .model import Diagnosis
from .raised import Raised
from .source import assignment_counts

# Parameters that may be one int or an (h, w) pair; only these are blamed when a case passes one int.
PAIRABLE = re.compile(r"stride|pad|kernel|pool|dilation|window")
NUMBER_EXPECTED = re.compile(
    r"'(tuple|list)' object cannot be interpreted as an integer|unsupported operand type\(s\) for [^:]+: "
    r"('\w+' and '(tuple|list)'|'(tuple|list)' and)|can only concatenate (tuple|list)|can't multiply sequence by "
    r"non-int of type '(tuple|list)'|bad operand type for unary [-+~]: '(tuple|list)'|not supported between "
    r"instances of ('\w+' and '(tuple|list)'|'(tuple|list)' and)|slice indices must be integers")
PAIR_EXPECTED = re.compile(r"'int' object is not (subscriptable|iterable)|cannot unpack non-iterable int object"
                           r"|object of type 'int' has no len\(\)")
SEQUENCE_IN_ARRAY = re.compile(r"setting an array element with a sequence")
_STRING = re.compile(r"""[rbuf]*("[^"]*"|'[^']*')""", re.IGNORECASE)
_OPERATORS = "+-*/%<>:"
_PAIR_CALLS = {"len", "tuple", "list", "zip", "max", "min", "sum", "enumerate", "iter", "reversed", "sorted"}


def explain_with_values(raised: Raised, call_values: dict[str, Any] | None) -> Diagnosis | None:
    if not isinstance(call_values, dict) or not call_values:
        return None
    return wrong_key(raised, call_values) or pair_or_int(raised, call_values)


# --- a key a dict argument does not have ---------------------------------------------------------------------------

def wrong_key(raised: Raised, values: dict[str, Any]) -> Diagnosis | None:
    """A KeyError for a key missing from a dict argument that the learner's line reads (by name or alias)."""
    if raised.type != "KeyError":
        return None
    key = _key(raised.message)
    if key is None:
        return None
    lacking = [name for name, value in values.items()
               if isinstance(value, dict) and key not in value and _on_line(raised, name)]
    if len(lacking) != 1:
        return None
    name = lacking[0]
    keys = [str(item) for item in values[name]]
    if not keys:
        return None
    close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6) if isinstance(key, str) else []
    guess = f" Did you mean '{close[0]}'?" if close else " Use one of them, spelled exactly so."
    return raised.found(f"wrong {name} key",
                        f"`{name}` has no key {key!r}; its keys are {', '.join(keys)}.{guess}")


def _key(message: str) -> Any:
    """The key a KeyError's message shows ("'conv_weight'"), when it is a string or a number."""
    try:
        key = ast.literal_eval(message.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return key if isinstance(key, (str, int)) and not isinstance(key, bool) else None


# --- one int or an (h, w) pair -------------------------------------------------------------------------------------

def pair_or_int(raised: Raised, values: dict[str, Any]) -> Diagnosis | None:
    """A pair used as one int (or an int taken apart as a pair) on the learner's line, as the case's values show.
    Only parameters the file never assigns to are judged: their value on the line is the one the case passed."""
    if raised.type not in ("TypeError", "ValueError"):
        return None
    counts = assignment_counts(raised.source_lines)
    if counts is None or not raised.code:
        return None
    code = _STRING.sub('""', raised.code)
    as_number, as_element = NUMBER_EXPECTED.search(raised.message), SEQUENCE_IN_ARRAY.search(raised.message)
    pairs, ints = [], []
    for name, value in values.items():
        if counts.get(name):
            continue  # reassigned somewhere (e.g. turned into a pair already): its value here is not known
        spelled = [name] + _aliases(raised.source_lines, name, counts)
        if _is_pair(value) and any(_used_as_number(code, word, as_number, as_element) for word in spelled):
            pairs.append(name)
        elif _is_int(value) and PAIRABLE.search(name) and any(
                _used_as_pair(code, word, PAIR_EXPECTED.search(raised.message), as_element) for word in spelled):
            ints.append(name)
    if pairs:
        return _found(raised, pairs, values, "pair", "one int")
    if ints:
        return _found(raised, ints, values, "int", "an (h, w) pair")
    return None


def _found(raised: Raised, names: list[str], values: dict[str, Any], given: str, used_as: str) -> Diagnosis:
    first = names[0]
    listed = _listing([f"`{name}`" for name in names])
    each = "may each be" if len(names) > 1 else "may be"
    passed = _listing([f"`{name}` is {_shown(values[name])}" for name in names])
    kind = ("a pair" if given == "pair" else "one int") if len(names) == 1 else \
        ("both pairs" if given == "pair" else "both ints") if len(names) == 2 else \
        ("all pairs" if given == "pair" else "all ints")
    likewise = " (likewise for the others)" if len(names) > 1 else ""
    return raised.found(
        "int or pair",
        f"{listed} {each} one int or an (h, w) pair, and this line uses {'them' if len(names) > 1 else 'it'} as "
        f"{used_as}. Turn {'each' if len(names) > 1 else 'it'} into a pair once at the start of your function, e.g. "
        f"`{first}_h, {first}_w = ({first}, {first}) if isinstance({first}, int) else {first}`{likewise}, and use "
        "the height part for rows and the width part for columns below.",
        f"in this case {passed}, {kind}")


def _shown(value: Any) -> str:
    return repr(tuple(value)) if isinstance(value, (list, tuple)) else repr(value)


def _is_pair(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_int(item) for item in value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _on_line(raised: Raised, name: str) -> bool:
    counts = assignment_counts(raised.source_lines) or {}
    return name in raised.names or bool(raised.names & set(_aliases(raised.source_lines, name, counts)))


def _aliases(lines: tuple[str, ...], name: str, counts: dict[str, int]) -> list[str]:
    """Names the file sets once, to `name` itself (`k = kernel_size`): they hold the same value."""
    alias = re.compile(rf"^\s*(\w+)\s*=\s*{re.escape(name)}\s*(#.*)?$")
    found = {match.group(1) for line in lines[:5000] if (match := alias.match(line))}
    return sorted(word for word in found if counts.get(word) == 1)


def _occurrences(code: str, word: str) -> list[tuple[str, str]]:
    """(text before, text after) each whole-word occurrence of `word`, both stripped towards it."""
    return [(code[:found.start()].rstrip(), code[found.end():].lstrip())
            for found in re.finditer(rf"(?<![\w.]){re.escape(word)}\b", code)]


def _used_as_number(code: str, word: str, number_error: bool, element_error: bool) -> bool:
    """Whether `word` stands where a number belongs: in arithmetic or a slice (for an error about a sequence in
    arithmetic), or as one entry of a tuple or list literal (for a ragged array, e.g. np.pad's widths)."""
    for before, after in _occurrences(code, word):
        if after.startswith(("[", ".", "(")):
            continue  # subscripted, a method, called: used as what it is
        starred = before.endswith("*") and before[:-1].rstrip()[-1:] in ("(", ",", "[", "")
        if number_error and not starred and (before[-1:] in _OPERATORS or after[:1] in _OPERATORS
                                             or _call_before(before) == "range"):
            return True
        if element_error and _in_literal(before) and after[:1] in (",", ")", "]"):
            return True
    return False


def _used_as_pair(code: str, word: str, pair_error: bool, element_error: bool) -> bool:
    """Whether `word` is taken apart as a pair: indexed, unpacked, starred, iterated or measured (for an error about
    an int used so), or one entry of np.pad's widths where each entry must be a pair (for a ragged array)."""
    for before, after in _occurrences(code, word):
        if pair_error and (after.startswith("[") or before.endswith(("*", " in")) or before == "in"
                           or _call_before(before) in _PAIR_CALLS
                           or (re.fullmatch(r"\(?\s*\w+\s*,[\w\s,()]*=", before) and not after)):
            return True
        if element_error and "pad(" in code and _in_literal(before) and after[:1] in (",", ")", "]"):
            return True
    return False


def _innermost_open(before: str) -> int:
    """The position of the innermost bracket still open at the end of `before`, or -1."""
    depth = 0
    for index in range(len(before) - 1, -1, -1):
        char = before[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _call_before(before: str) -> str:
    """The name of the function whose argument list the text after `before` is in, or ""."""
    position = _innermost_open(before)
    if position < 0 or before[position] != "(":
        return ""
    called = re.search(r"([A-Za-z_]\w*)\s*$", before[:position])
    return called.group(1) if called else ""


def _in_literal(before: str) -> bool:
    """Whether the text after `before` is an entry of a tuple or list literal (not a call's argument, not an
    index), next to its opening bracket or a comma."""
    if before[-1:] not in ("(", ",", "["):
        return False
    position = _innermost_open(before)
    if position < 0 or before[position] not in "([":
        return False
    preceding = before[:position].rstrip()
    return not preceding or not (preceding[-1].isalnum() or preceding[-1] in "_)]")


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
