"""Slow, obvious computations that quiz answers are checked against: counted window positions, receptive fields
found by pushing one-hot columns through real layers, and the arithmetic an explanation states ("3 x 3 = 9")."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import numpy as np

from solutions import conv2d, maxpool2d


def positions(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """How many window placements fit in the padded input, counted one start at a time."""
    span = dilation * (kernel - 1) + 1
    padded = size + 2 * padding
    return sum(1 for start in range(0, padded, stride) if start + span <= padded)


def ones_conv(x: np.ndarray, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """A per-channel convolution with an all-ones kernel, summed tap by tap; dilation spreads the taps apart."""
    out_h = positions(x.shape[2], kernel, stride, padding, dilation)
    out_w = positions(x.shape[3], kernel, stride, padding, dilation)
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros(x.shape[:2] + (out_h, out_w))
    for i in range(kernel):
        for j in range(kernel):
            top, left = i * dilation, j * dilation
            out += padded[:, :, top:top + stride * (out_h - 1) + 1:stride, left:left + stride * (out_w - 1) + 1:stride]
    return out


@dataclass(frozen=True)
class Conv:
    kernel: int
    stride: int = 1
    dilation: int = 1


@dataclass(frozen=True)
class Pool:
    kernel: int
    stride: int


@dataclass(frozen=True)
class Field:
    width: int  # input columns between the first and last one that output column 0 depends on
    jump: int  # how far output column 1's field starts to the right of output column 0's
    gaps: int  # columns inside the field that output column 0 does not depend on


def field(layers) -> Field:
    return _field(tuple(layers))


@functools.lru_cache(maxsize=None)
def _field(layers: tuple, height: int = 40, width: int = 72) -> Field:
    """Image j of a batch is zero except for a column of ones at column j; push the batch through the layers
    (the project's conv2d for plain convolutions, `ones_conv` for dilated ones, its maxpool2d for pooling) and
    read which images changed output columns 0 and 1. All-ones kernels on a zero background cannot cancel,
    so a positive output means 'depends on'."""
    x = np.zeros((width, 1, height, width))
    for column in range(width):
        x[column, 0, :, column] = 1.0
    out = x
    for layer in layers:
        if isinstance(layer, Pool):
            out = maxpool2d(out, layer.kernel, layer.stride)
        elif layer.dilation == 1:
            out = conv2d(out, np.ones((1, 1, layer.kernel, layer.kernel)), stride=layer.stride)
        else:
            out = ones_conv(out, layer.kernel, layer.stride, 0, layer.dilation)
    assert out.shape[2] >= 1 and out.shape[3] >= 2, f"a {height}x{width} image is too small for {layers}"
    first, second = np.flatnonzero(out[:, 0, 0, 0] > 0), np.flatnonzero(out[:, 0, 0, 1] > 0)
    width = int(first.max() - first.min() + 1)
    return Field(width, int(second.min() - first.min()), width - len(first))


# --- the arithmetic an explanation states --------------------------------------------------------

_ARITHMETIC_CHUNK = re.compile(r"[\d.,;:()x×+\-*/^]+")
_PART = re.compile(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)|(?P<op>//|[-+*/^x×()])|(?P<punct>[.,;:])")
_OPERATORS = {"x": "*", "×": "*", "^": "**"}


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs. A chunk between spaces that holds anything but digits, operators and punctuation
    is one word, so 'max' or '(local)' never reads as arithmetic, while '2x3' and '(20' do."""
    tokens: list[tuple[str, str]] = []
    for chunk in text.split():
        if _ARITHMETIC_CHUNK.fullmatch(chunk):
            tokens.extend((part.lastgroup, part.group(0)) for part in _PART.finditer(chunk))
        else:
            tokens.append(("word", chunk))
    return tokens


def _run(tokens: list[tuple[str, str]], opener: str, closer: str) -> list[str]:
    """The arithmetic at the start of `tokens`: it stops at a word, at punctuation, or at a bracket that
    closes one it never opened."""
    run, depth = [], 0
    for kind, text in tokens:
        if kind in ("word", "punct") or (text == closer and depth == 0):
            break
        depth += (text == opener) - (text == closer)
        run.append(text)
    return run


def _expression(run: list[str]) -> str | None:
    """Python source for a run of tokens, or None when the run is not a whole expression with a number."""
    if not run or not re.match(r"[\d(-]", run[0]) or not re.match(r"[\d)]", run[-1]) \
            or run.count("(") != run.count(")") or not any(re.match(r"\d", item) for item in run):
        return None
    return " ".join(_OPERATORS.get(item, item).replace(",", "") for item in run)


def stated_equations(text: str) -> list[tuple[str, str]]:
    """Every `arithmetic = arithmetic` the text states, as Python source pairs: "so 3 x 3 = 9 of them" gives
    ("3 * 3", "9"). An '=' with words right beside it ("C = 64") states nothing to compute."""
    pieces = text.split("=")
    found = []
    for left, right in zip(pieces, pieces[1:]):
        before = list(reversed(_run(list(reversed(_tokens(left))), ")", "(")))
        after = _run(_tokens(right), "(", ")")
        lhs, rhs = _expression(before), _expression(after)
        if lhs and rhs:
            found.append((lhs, rhs))
    return found


def evaluate(source: str) -> float:
    """Evaluate arithmetic that `stated_equations` built from digits and operators only."""
    assert re.fullmatch(r"[\d\s.+\-*/()]+", source), source
    return eval(source, {"__builtins__": {}})  # noqa: S307 - digits and operators only, checked above


def false_equations(text: str) -> list[str]:
    wrong = []
    for lhs, rhs in stated_equations(text):
        if not math.isclose(evaluate(lhs), evaluate(rhs), rel_tol=1e-9, abs_tol=1e-12):
            wrong.append(f"{lhs} = {rhs}")
    return wrong
