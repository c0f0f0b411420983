"""What the structural analyses observe of one failing output: the learner's array and the expected one as floats,
closeness within the case's tolerance, the declared axis names, and how to say indices, values and shapes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .model import Diagnosis, Evidence, line_number

SAMPLE = 64  # values compared first, so that a wrong candidate layout is rejected without a full comparison

# What one entry along a declared axis is called, for "only the first image is right".
AXIS_NOUNS = {"N": "image", "C": "channel", "F": "filter", "K": "class"}
# Axis names that run across an image or a kernel (rows or columns), where regions and shifts make sense.
SPATIAL_NAMES = {"H", "W", "OH", "OW", "H'", "W'", "KH", "KW", "HP", "WP"}
SIZE_PHRASES = {"N": "the batch size", "C": "the number of channels", "F": "the number of filters",
                "K": "the number of classes", "H": "the height", "W": "the width", "OH": "the output height",
                "OW": "the output width", "KH": "the kernel height", "KW": "the kernel width"}


@dataclass
class Observed:
    """One failing output, ready to analyse; `want`/`have` are float64 copies or views, never written."""

    evidence: Evidence
    want: np.ndarray
    have: np.ndarray
    rtol: float
    atol: float
    axis_names: tuple[str, ...] | None = None  # overrides the declared names (for an output split into its parts)
    merged_from: str | None = None  # for an output split back into the input it reshapes: that input's name

    @classmethod
    def of(cls, evidence: Evidence) -> Observed | None:
        """None when the outputs are not numeric arrays (nothing structural to say about them)."""
        want, have = np.asarray(evidence.want), np.asarray(evidence.have)
        if want.dtype.kind not in "biuf" or have.dtype.kind not in "biuf":
            return None
        tolerance = evidence.tolerance
        return cls(evidence, want.astype(np.float64, copy=False), have.astype(np.float64, copy=False),
                   max(tolerance.rtol, 1e-5), max(tolerance.atol, 1e-6))

    @property
    def label(self) -> str:
        return self.evidence.label

    @property
    def hidden(self) -> bool:
        return self.evidence.hidden

    @property
    def gradient(self) -> bool:
        """Outputs named like dx, dweight, dbias are gradients."""
        return bool(re.fullmatch(r"d[a-z_]\w*", self.label))

    def axes(self) -> tuple[str, ...] | None:
        """The expected output's declared axis names, when they fit its dimensions."""
        names = self.axis_names if self.axis_names is not None else self.evidence.sizes.axes.get(self.label)
        return tuple(names) if names and len(names) == self.want.ndim else None

    def spatial(self) -> bool:
        """Whether the last two axes are rows and columns (assumed when the axes are not declared)."""
        if self.want.ndim < 2:
            return False
        names = self.axes()
        return names is None or all(name in SPATIAL_NAMES for name in names[-2:])

    # --- comparing ------------------------------------------------------------------------------------------
    def close(self, got: np.ndarray, expected: np.ndarray) -> np.ndarray:
        """np.isclose's rule (NaN never close, equal infinities close), several times faster on big arrays."""
        with np.errstate(invalid="ignore", over="ignore"):
            return (np.abs(got - expected) <= self.atol + self.rtol * np.abs(expected)) | (got == expected)

    def same(self, got: np.ndarray, expected: np.ndarray) -> bool:
        """Equal within tolerance everywhere (a sample of positions is compared first, to fail fast)."""
        if got.shape != expected.shape:
            return False
        if got.size > 4 * SAMPLE:
            positions = np.unravel_index(np.linspace(0, got.size - 1, SAMPLE).astype(np.intp), got.shape)
            if not self.close(got[positions], expected[positions]).all():
                return False
        return bool(self.close(got, expected).all())

    def may_be_reordered(self) -> bool:
        """False when no order of the learner's values can equal the expected ones, so no axis order need be tried.
        Every reordering keeps the values, and if some pairing of the two sets stays within a tolerance T, the
        sorted pairing does too; T = atol + rtol * max|expected| bounds every value's own tolerance."""
        have, want = self.have.reshape(-1), self.want.reshape(-1)
        if have.size != want.size:
            return False
        if np.isnan(have).any() or np.isnan(want).any():
            return False  # a NaN is close to nothing: no order can match
        finite = np.abs(want[np.isfinite(want)])
        bound = self.atol + self.rtol * (finite.max() if finite.size else 0.0)
        have, want = np.sort(have), np.sort(want)
        with np.errstate(invalid="ignore"):
            return bool(((np.abs(have - want) <= bound) | (have == want)).all())

    def same_in_order(self, got: np.ndarray, expected: np.ndarray) -> bool:
        """Whether `got` and `expected` (same size, any shapes, either may be a transposed view) hold equal values
        in row-major order; a sample of positions is compared first, as most candidates fail there."""
        if got.size != expected.size:
            return False
        positions = np.linspace(0, got.size - 1, min(SAMPLE, got.size)).astype(np.intp)
        sample_got = got[np.unravel_index(positions, got.shape)]
        sample_expected = expected[np.unravel_index(positions, expected.shape)]
        if not self.close(sample_got, sample_expected).all():
            return False
        return bool(self.close(got.reshape(-1), expected.reshape(-1)).all())

    def varied(self, values: np.ndarray, at_least: int = 4) -> bool:
        """Whether `values` hold at least `at_least` clearly different numbers: only then can a pattern that
        they follow be told from a coincidence. A sample decides first; the whole array only when it must."""
        flat = values.reshape(-1)
        if flat.size > 4 * SAMPLE:
            sample = flat[np.linspace(0, flat.size - 1, 4 * SAMPLE).astype(np.intp)]
            if self._distinct(sample) >= at_least:
                return True
        return self._distinct(flat) >= at_least

    def _distinct(self, values: np.ndarray) -> int:
        ordered = np.sort(values[np.isfinite(values)])
        if ordered.size == 0:
            return 0
        steps = np.diff(ordered) > self.atol + self.rtol * np.abs(ordered[1:])
        return int(steps.sum()) + 1

    # --- saying it ------------------------------------------------------------------------------------------
    def quote(self, line: tuple[int, str], why: str) -> str:
        """A line found by probable_line, named as the learner knows it ("line 12", "cell 4, line 2")."""
        return quote(line, why, self.evidence.name_line)

    def found(self, name: str, explanation: str, evidence: str, hidden_evidence: str) -> Diagnosis:
        return Diagnosis(name=name, explanation=explanation, evidence=evidence, source="structural",
                         hidden_evidence=hidden_evidence)

    def example(self, index: tuple[int, ...]) -> str:
        """'expected 1.5, got 0.5 at index (0, 1)' for one position of two same-shaped outputs."""
        return (f"expected {number(self.want[index])}, got {number(self.have[index])} "
                f"at index {index_text(index)}")

    def worst_index(self, mask: np.ndarray | None = None) -> tuple[int, ...]:
        """The position with the largest expected magnitude (inside `mask` when given): the clearest example."""
        magnitude = np.abs(np.nan_to_num(self.want, nan=0.0, posinf=0.0, neginf=0.0))
        if mask is not None:
            magnitude = np.where(mask, magnitude + 1.0, 0.0)
        return tuple(int(i) for i in np.unravel_index(int(np.argmax(magnitude)), magnitude.shape))

    def axis_text(self, axis: int) -> str:
        """'filters (F)' for a declared axis, else 'axis 1'."""
        names = self.axes()
        if names is None:
            return f"axis {axis}"
        meaning = _AXIS_MEANINGS.get(names[axis])
        return f"{meaning} ({names[axis]})" if meaning else names[axis]

    def order_text(self, order: tuple[int, ...]) -> str:
        """The expected output's axes taken in `order`: '(N, OH, OW, F)', or '(0, 2, 3, 1)' without names."""
        names = self.axes()
        return "(" + ", ".join(names[axis] if names else str(axis) for axis in order) + ")"


_AXIS_MEANINGS = {"N": "images", "C": "channels", "F": "filters", "K": "classes", "H": "rows", "W": "columns",
                  "OH": "rows", "OW": "columns", "KH": "kernel rows", "KW": "kernel columns"}


def number(value: float) -> str:
    return f"{float(value):.4g}"


def index_text(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ("," if len(index) == 1 else "") + ")"


def shape_text(shape: tuple[int, ...]) -> str:
    return index_text(tuple(shape))


def ordinal(position: int, count: int) -> str:
    if position == count - 1:
        return "last"
    return ("first", "second", "third", "fourth", "fifth", "sixth")[position] if position < 6 else f"#{position + 1}"


# --- the learner's source ---------------------------------------------------------------------------------------

_RETURN = re.compile(r"^\s*return\b(.*)")
_ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=[^=]")


def probable_line(lines: tuple[str, ...], pattern: re.Pattern) -> tuple[int, str] | None:
    """The one code line matching `pattern` that returns, or assigns to a name the file returns (any line when
    the file returns no name): its 1-based number and stripped text; None unless exactly one line qualifies."""
    returned = {name for line in lines if (found := _RETURN.match(line))
                for name in re.findall(r"[A-Za-z_]\w*", found.group(1).split("#")[0])}
    matching = []
    for line_number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#") or not pattern.search(line):
            continue
        assigned = _ASSIGNED.match(line)
        if not returned or _RETURN.match(line) or (assigned and assigned.group(1) in returned):
            matching.append((line_number, line.strip()))
    return matching[0] if len(matching) == 1 else None


def quote(line: tuple[int, str], why: str, name_line: Callable[[int], str] = line_number) -> str:
    """"Probably line 12: `code` — why", the line named by `name_line` ("cell 4, line 2" in a notebook)."""
    number, text = line
    text = text if len(text) <= 90 else text[:87] + "..."
    where = name_line(number)
    return f"Probably {where}: `{text}` — {why}" if where else f"Probably `{text}` — {why}"
