"""Answers as typed values: read one from text or YAML, compare it with a key, show it, and canonicalise it."""

from __future__ import annotations

import math
import re
import string
import unicodedata
from typing import Any

SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SHAPE, TEXT = "single", "multiple", "true_false", "numeric", "shape", "text"
TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SHAPE, TEXT)

HOW_TO_ANSWER = {
    SINGLE: "the letter of one choice (for example b)",
    MULTIPLE: "the letters of every right choice, separated by commas (for example a, c)",
    TRUE_FALSE: "true or false",
    NUMERIC: "a number (for example 784 or 0.25)",
    SHAPE: "a shape such as (8, 16, 14, 14) or 8x16x14x14",
    TEXT: "a word or short phrase",
}

_TRUE = {"true", "t", "yes", "y"}
_FALSE = {"false", "f", "no", "n"}
_ARTICLES = {"a", "an", "the"}
_LAYER = {"layer", "layers"}  # "dense layer" and "dense" name the same thing
_PUNCTUATION = str.maketrans({ch: " " for ch in string.punctuation})


class AnswerFormatError(ValueError):
    """An answer cannot be read as the question's type; the message says what a readable answer looks like."""


def normalise_text(text: str) -> str:
    """The form two text answers are compared in (documented in docs/quiz-format.md): case, compatibility forms,
    punctuation and spacing, a leading article, a trailing word "layer(s)" and singular/plural do not count."""
    words = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCTUATION).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    if len(words) > 1 and words[-1] in _LAYER:
        words = words[:-1]
    return " ".join(word_stem(word) for word in words)


def word_stem(word: str) -> str:
    """One spelling for a word's singular and plural: drop a final s (not ss), then a final e, then a final s
    again, and read a final y as i; map/maps, edge/edges, box/boxes, bias/biases, quantity/quantities agree.
    Only endings are dropped, so words that differ otherwise (pool/pooling, sum/mean) stay apart."""
    for ending in ("s", "e", "s"):
        if word.endswith(ending) and not word.endswith("ss") and len(word) > 2:
            word = word[:-1]
    return word[:-1] + "i" if word.endswith("y") and len(word) > 2 else word


def parse(qtype: str, raw: Any, n_choices: int = 0) -> Any:
    """Read `raw` (text typed by a learner, or a YAML value) as an answer of type `qtype`."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        raise AnswerFormatError(f"the answer is empty; give {HOW_TO_ANSWER[qtype]}")
    return _PARSERS[qtype](raw, n_choices)


def _choice_number(raw: Any, n_choices: int) -> int:
    if isinstance(raw, str) and len(raw) == 1 and raw.isalpha():
        number = ord(raw.lower()) - ord("a") + 1  # letters a, b, c... are accepted as 1, 2, 3...
    elif isinstance(raw, str) and raw.isdigit():
        number = int(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    else:
        raise AnswerFormatError(f"'{raw}' is not a choice; give {_choice_range(n_choices)}")
    if not 1 <= number <= n_choices:
        raise AnswerFormatError(f"there is no choice {raw}; give {_choice_range(n_choices)}")
    return number


def _choice_range(n_choices: int) -> str:
    numbers = f"a number from 1 to {n_choices}"
    return numbers if n_choices > 26 else f"a letter from a to {choice_label(n_choices)} (or {numbers})"


def _parse_single(raw: Any, n_choices: int) -> int:
    return _choice_number(raw, n_choices)


def _parse_multiple(raw: Any, n_choices: int) -> tuple[int, ...]:
    if isinstance(raw, str):
        items: list = [part for part in re.split(r"[\s,;]+", raw.strip("[]() ")) if part]
    elif isinstance(raw, list):
        items = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        items = [raw]
    else:
        raise AnswerFormatError(f"give {HOW_TO_ANSWER[MULTIPLE]}")
    numbers = [_choice_number(item, n_choices) for item in items]
    if len(set(numbers)) != len(numbers):
        raise AnswerFormatError("a choice is listed twice; give each choice once")
    return tuple(sorted(numbers))


def _parse_true_false(raw: Any, _n: int) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in _TRUE | _FALSE:
        return raw.lower() in _TRUE
    raise AnswerFormatError(f"'{raw}' is neither true nor false; answer true or false")


def _parse_numeric(raw: Any, _n: int) -> float | int:
    if isinstance(raw, bool):
        raise AnswerFormatError("give a number, not true/false")
    if isinstance(raw, (int, float)):
        value = raw
    elif isinstance(raw, str):
        text = raw.replace("_", "").replace(" ", "")
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")  # 1,024 means one thousand and twenty-four
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise AnswerFormatError(f"'{raw}' is not a number; give {HOW_TO_ANSWER[NUMERIC]}") from None
    else:
        raise AnswerFormatError(f"give {HOW_TO_ANSWER[NUMERIC]}")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerFormatError("give a finite number")
    return value


def _parse_shape(raw: Any, _n: int) -> tuple[int, ...]:
    if isinstance(raw, list):
        items = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        items = [raw]
    elif isinstance(raw, str):
        text = raw.strip().strip("()[]").strip()
        items = [part for part in re.split(r"\s*(?:,|x|×|\*)\s*|\s+", text, flags=re.I) if part]
    else:
        raise AnswerFormatError(f"give {HOW_TO_ANSWER[SHAPE]}")
    dims = []
    for item in items:
        if isinstance(item, str) and item.isdigit():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            raise AnswerFormatError(f"'{raw}' is not a shape; give {HOW_TO_ANSWER[SHAPE]}")
        dims.append(item)
    if not dims:
        raise AnswerFormatError(f"the shape has no sizes; give {HOW_TO_ANSWER[SHAPE]}")
    return tuple(dims)


def _parse_text(raw: Any, _n: int) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise AnswerFormatError(f"give {HOW_TO_ANSWER[TEXT]}")
    text = str(raw)
    if not normalise_text(text):
        raise AnswerFormatError("the answer has no letters or digits; give a word or short phrase")
    return text


_PARSERS = {SINGLE: _parse_single, MULTIPLE: _parse_multiple, TRUE_FALSE: _parse_true_false,
            NUMERIC: _parse_numeric, SHAPE: _parse_shape, TEXT: _parse_text}


def matches(qtype: str, given: Any, key: Any, abs_tol: float = 0.0, rel_tol: float = 1e-9) -> bool:
    """Is `given` right against the plaintext `key`? (For text, `key` is a tuple of accepted answers.)"""
    if qtype == NUMERIC:
        return math.isclose(float(given), float(key), rel_tol=rel_tol, abs_tol=abs_tol)
    if qtype == TEXT:
        return normalise_text(given) in {normalise_text(option) for option in key}
    return given == key


def canonical(qtype: str, value: Any) -> str:
    """The one spelling of an answer that is hashed: equal answers give equal text."""
    if qtype in (MULTIPLE, SHAPE):
        return ",".join(str(item) for item in value)
    if qtype == TRUE_FALSE:
        return "true" if value else "false"
    if qtype == NUMERIC:
        return _number_text(value)
    if qtype == TEXT:
        return normalise_text(value)
    return str(value)


def choice_label(number: int) -> str:
    """The letter a choice is shown with (a, b, c...); a number past z."""
    return chr(ord("a") + number - 1) if 1 <= number <= 26 else str(number)


def show_choices(value: Any, choices: tuple[str, ...]) -> list[str]:
    """Each picked choice as it is listed: 'b. a feature map'."""
    picked = value if isinstance(value, tuple) else (value,)
    return [f"{choice_label(n)}. {choices[n - 1]}" if 0 < n <= len(choices) else choice_label(n) for n in picked]


def show(qtype: str, value: Any, choices: tuple[str, ...] = ()) -> str:
    """How an answer reads in one line: 'b. a feature map', 'a, c', '(8, 16, 14, 14)', 'true', typed text."""
    if qtype in (SINGLE, MULTIPLE):
        if not choices:
            return ", ".join(map(choice_label, value)) if isinstance(value, tuple) else choice_label(value)
        return "; ".join(show_choices(value, choices)) or "(none)"
    if qtype == SHAPE:
        return "(" + ", ".join(str(d) for d in value) + ("," if len(value) == 1 else "") + ")"
    if qtype == TEXT and isinstance(value, tuple):  # the accepted answers, each spelling that counts the same once
        first: dict[str, str] = {}
        for option in value:
            first.setdefault(normalise_text(option), option)
        return " / ".join(first.values())
    if qtype == TEXT:
        return " ".join(str(value).split())
    if qtype == NUMERIC:
        return _number_text(value)
    return canonical(qtype, value)


def to_yaml(qtype: str, value: Any) -> Any:
    """An answer as a value for an answers file (read back by `parse`)."""
    if qtype == MULTIPLE:
        return list(value)
    if qtype == SHAPE:
        return show(SHAPE, value)
    if qtype == TEXT:
        return value[0] if isinstance(value, tuple) else value
    if qtype == NUMERIC:
        return int(round(value)) if float(value).is_integer() else float(value)
    return value


def _number_text(value: float | int) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
