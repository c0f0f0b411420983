"""Structural analysis of one wrong output: what the learner's array, set against the expected one, shows by itself
(a dtype that lost the fractions, a constant factor, axes in another order, one wrong region) — without running
anything. A finding is returned only when it explains every value within the case's tolerance."""

from __future__ import annotations

import math
import re
from itertools import combinations

import numpy as np

from . import layout, regions
from .model import Diagnosis, Evidence
from .observed import SIZE_PHRASES, Observed, number, probable_line

# Findings that say what the output looks like more than why: true, but a misread argument (an ignored
# start_dim, padding on one side) that gives exactly the same output names the cause, so the engine tries the
# other analyses before it accepts one of these.
WEAK_FINDINGS = frozenset({"right values, wrong shape", "output size off by one", "last row or column wrong",
                           "border wrong", "border wrong on one side"})

# Lines that make an array integer or float32 on purpose, and the *_like calls that copy an input's dtype.
_TO_INT = re.compile(r"(dtype\s*=\s*|astype\(\s*)(np\.|numpy\.)?['\"]?(u?int(8|16|32|64)?|intc|intp|long)\b"
                     r"|\bnp\.u?int(8|16|32|64)?\(|\b(zeros|ones|empty|full)\(.*,\s*(np\.)?u?int(8|16|32|64)?\s*\)")
_TO_FLOAT32 = re.compile(r"(dtype\s*=\s*|astype\(\s*)(np\.|numpy\.)?['\"]?(float32|float16|single|half)\b"
                         r"|\bnp\.(float32|float16|single|half)\("
                         r"|\b(zeros|ones|empty|full)\(.*,\s*(np\.)?float(32|16)\s*\)")
_LIKE = re.compile(r"\b(zeros_like|empty_like|ones_like|full_like)\(\s*([A-Za-z_][\w.]*)?")

# Products of sizes that have a meaning of their own, most likely first.
_TELLING = {("KH", "KW"): "the kernel's area", ("C", "KH", "KW"): "the size of one window (all channels)",
            ("N", "OH", "OW"): "the number of output positions in the batch",
            ("OH", "OW"): "the number of output positions", ("H", "W"): "the number of pixels in an image"}


def analyse_output(evidence: Evidence) -> Diagnosis | None:
    """The first structural finding that explains the learner's output exactly, cheapest and surest first."""
    observed = Observed.of(evidence)
    if observed is None:
        return None
    if observed.have.shape != observed.want.shape:
        return layout.shape_finding(observed)
    found = dtype_finding(observed)
    if found is not None or observed.same(observed.have, observed.want):
        return found
    for analysis in (regions.all_zeros, scale_finding, layout.same_shape_finding, regions.region_finding):
        found = analysis(observed)
        if found is not None:
            return found
    return None


# --- dtype --------------------------------------------------------------------------------------------------------

def dtype_finding(observed: Observed) -> Diagnosis | None:
    want_dtype, have_dtype = np.asarray(observed.evidence.want).dtype, np.asarray(observed.evidence.have).dtype
    if want_dtype.kind != "f" or not np.all(np.isfinite(observed.want)):
        return None
    if have_dtype.kind in "iu":
        return _integer_output(observed, want_dtype, have_dtype)
    if have_dtype.kind == "f" and have_dtype.itemsize < want_dtype.itemsize:
        return _narrow_float_output(observed, want_dtype, have_dtype)
    return None


def _integer_output(observed: Observed, want_dtype, have_dtype) -> Diagnosis | None:
    want, have = observed.want, observed.have
    info = np.iinfo(have_dtype)
    fractional = np.abs(want - np.round(want)) > observed.atol
    outside = (want < info.min) | (want > info.max)
    if (not fractional.any() and not outside.any()) or (outside.any() and info.bits > 32):
        return None  # every expected value fits the learner's dtype (and int64 overflows only past what floats hold)
    span = float(info.max) - float(info.min) + 1

    def stored(whole: np.ndarray) -> np.ndarray:  # what the dtype keeps of a whole number: it wraps around
        return (whole - info.min) % span + info.min if outside.any() else whole

    how = next((how for how, whole in (("with its fraction cut off", np.trunc(want)),
                                       ("rounded to a whole number", np.round(want)),
                                       ("rounded down to a whole number", np.floor(want)))
                if np.array_equal(have, stored(whole))), None)
    # Losing fractions along the way (e.g. in a running sum) keeps each value within 1 of the expected one; that
    # says something only when the values spread much wider than 1.
    if how is None and not outside.any() and np.all(np.abs(have - want) <= 1 + observed.atol) \
            and np.ptp(want) >= 10:
        how = "within 1 of the expected one: the fractions were lost"
    if how is None:
        return None
    if not fractional.any():
        how = "wrapped around"
    elif outside.any():
        how += ", and wrapped around where it does not fit"
    losses = [text for text, shown in (
        ("An integer array cannot hold fractions, so every value stored in it loses its fraction.", fractional.any()),
        (f"{have_dtype} holds only {info.min} to {info.max}: values beyond wrap around.", outside.any())) if shown]
    index = observed.worst_index(fractional | outside)
    line = probable_line(observed.evidence.source_lines, _TO_INT)
    if line is not None:
        cause = observed.quote(line, "it makes the array integer") + ". "
    else:
        cause = _like_cause(observed, "iu", "integer")
    return observed.found(
        "integer output",
        f"{' '.join(losses)} {cause}"
        "Allocate the result as float, e.g. np.zeros(shape) (float64 by default), and do not cast it to int.",
        f"your {observed.label} has dtype {have_dtype} where {want_dtype} was expected: {observed.example(index)}; "
        f"every value is the expected one {how}",
        f"your {observed.label} has the integer dtype {have_dtype} where {want_dtype} was expected, and every "
        f"value is the expected one {how}")


def _narrow_float_output(observed: Observed, want_dtype, have_dtype) -> Diagnosis | None:
    want, have = observed.want, observed.have
    tolerance = observed.evidence.tolerance
    if np.allclose(have, want, rtol=tolerance.rtol, atol=tolerance.atol):
        return None
    precision = float(np.finfo(have_dtype).eps) * 1000  # room for the rounding of a long sum
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    if not np.allclose(have, want, rtol=precision, atol=max(observed.atol, precision * scale)):
        return None
    index = observed.worst_index(~observed.close(have, want))
    line = probable_line(observed.evidence.source_lines, _TO_FLOAT32)
    if line is not None:
        cause = observed.quote(line, f"it makes the array {have_dtype}") + ". "
    else:
        cause = _like_cause(observed, "f", str(have_dtype), itemsize=have_dtype.itemsize)
    digits = "about 7" if have_dtype.itemsize == 4 else "about 3"
    return observed.found(
        f"{have_dtype} output",
        f"{have_dtype} keeps only {digits} significant digits, too few for this check. {cause}"
        f"Keep {want_dtype}: np.zeros(shape) is float64 by default; leave out any {have_dtype} dtype or cast.",
        f"your {observed.label} has dtype {have_dtype} where {want_dtype} was expected: {observed.example(index)}; "
        f"every value agrees with the expected one only to {have_dtype} precision",
        f"your {observed.label} has dtype {have_dtype} where {want_dtype} was expected, and its values agree with "
        f"the expected ones only to {have_dtype} precision")


def _like_cause(observed: Observed, kinds: str, what: str, itemsize: int | None = None) -> str:
    """Quote a zeros_like-style line, but only when some input really has the dtype it would copy."""
    if not any(value.dtype.kind in kinds and (itemsize is None or value.dtype.itemsize == itemsize)
               for value in _input_arrays(observed.evidence)):
        return ""
    line = probable_line(observed.evidence.source_lines, _LIKE)
    if line is None:
        return ""
    call = _LIKE.search(line[1])
    copied = f"`{call.group(2)}`" if call.group(2) else "its argument"
    return observed.quote(line, f"{call.group(1)} copies the {what} dtype of {copied}") + ". "


def _input_arrays(evidence: Evidence) -> list[np.ndarray]:
    values = list(evidence.positional) + list(evidence.keyword.values())
    values += [item for value in values if isinstance(value, dict) for item in value.values()]
    return [value for value in values if isinstance(value, np.ndarray)]


# --- scale and sign -----------------------------------------------------------------------------------------------

def scale_finding(observed: Observed) -> Diagnosis | None:
    """The learner's output is the expected one times a constant (fitted by least squares, then checked on every
    value); needs several different nonzero expected values, or any two arrays would look proportional."""
    want, have = observed.want, observed.have
    with np.errstate(all="ignore"):  # a NaN or infinity makes the ratio NaN, which fails below
        ratio = float(np.dot(have.ravel(), want.ravel()) / np.dot(want.ravel(), want.ravel()))
    if not np.isfinite(ratio) or abs(ratio) < 1e-9 or abs(ratio - 1) <= max(1e-3, 100 * observed.rtol):
        return None
    if not observed.same(have, ratio * want):
        return None
    nonzero = np.abs(want) > 10 * observed.atol
    if not observed.varied(want[nonzero], 2):
        return None
    if nonzero.sum() < 4 and not _exactly_a_size(observed, ratio, nonzero):
        return None
    example = observed.example(observed.worst_index())
    if abs(ratio + 1) <= 1e-4:
        if _mirrored(observed):
            return None  # the expected output is its own negative mirrored: a flip gives the same numbers
        return observed.found(
            "negated output",
            "A sign is flipped: look for a subtraction where an addition belongs (`-=` for `+=`, `a - b` for "
            "`a + b`) or a stray minus sign, and remove it.",
            f"{example}; every value has the right size but the opposite sign",
            "every value has the right size but the opposite sign")
    factor = _named_factor(abs(ratio), observed.evidence.sizes.named)
    return observed.found("constant factor", _factor_explanation(abs(ratio), factor, observed.gradient),
                          f"{example}; every value is {_ratio_text(ratio)} the expected{_factor_gloss(ratio, factor)}",
                          _hidden_factor_text(ratio, factor))


def _exactly_a_size(observed: Observed, ratio: float, nonzero: np.ndarray) -> bool:
    """On two or three values a common factor may be chance; it counts only when each value's ratio is exactly
    (to rounding) one named size above 1, or its inverse, as when a sum is divided by N."""
    factor = 1 / abs(ratio) if abs(ratio) < 1 else abs(ratio)
    size = round(factor)
    if size <= 1 or size not in observed.evidence.sizes.named.values():
        return False
    exact = np.sign(ratio) * (size if abs(ratio) > 1 else 1 / size)
    with np.errstate(all="ignore"):
        ratios = observed.have[nonzero] / observed.want[nonzero]
    return bool(np.all(np.abs(ratios - exact) <= _exactness(observed) * abs(exact)))


def _exactness(observed: Observed) -> float:
    """How closely a ratio computed in the outputs' precision can match: 1e-9 in float64, a few units of the last
    place in a narrower float."""
    dtypes = [np.asarray(array).dtype for array in (observed.evidence.want, observed.evidence.have)]
    widths = [np.finfo(dtype).eps for dtype in dtypes if dtype.kind == "f"]
    return max([1e-9] + [16 * float(eps) for eps in widths])


def _mirrored(observed: Observed) -> bool:
    """Whether the learner's output is also the expected one flipped along a spatial axis (or transposed)."""
    want, have = observed.want, observed.have
    if want.ndim < 2:
        return observed.same(have, want[::-1])
    candidates = [want[..., ::-1, :], want[..., :, ::-1], want[..., ::-1, ::-1]]
    if want.shape[-1] == want.shape[-2]:
        candidates += [np.swapaxes(want, -1, -2), np.swapaxes(want, -1, -2)[..., ::-1, ::-1]]
    return any(observed.same(have, candidate) for candidate in candidates)


def _named_factor(ratio: float, named: dict[str, int]) -> list[tuple[str, str]]:
    """The sizes, or products of sizes, equal to the factor (ratio or 1/ratio): [(expression, meaning)]. Products
    with a meaning of their own (the kernel's area, the positions dbias sums over) and single sizes count first;
    any other product of two or three sizes only when it alone fits."""
    factor = 1 / ratio if ratio < 1 else ratio
    sizes = {name: size for name, size in named.items() if size > 1}

    def fits(names: tuple[str, ...]) -> bool:
        return all(name in sizes for name in names) and abs(factor - math.prod(sizes[n] for n in names)) \
            <= 1e-4 * factor  # math.prod: np.prod of a short list costs ~20x more, and this runs ~100x a case

    telling = [("·".join(names), meaning) for names, meaning in _TELLING.items() if fits(names)]
    telling += [(name, SIZE_PHRASES.get(name, "")) for name in sizes if fits((name,))]
    if telling:
        return telling
    others = [names for count in (2, 3) for names in combinations(sizes, count)
              if names not in _TELLING and fits(names)]
    return [("·".join(others[0]), "")] if len(others) == 1 else []


def _ratio_text(ratio: float) -> str:
    sign, size = ("-" if ratio < 0 else ""), abs(ratio)
    if size < 1 and abs(1 / size - round(1 / size)) <= 1e-4 / size:
        return f"{sign}1/{round(1 / size)} of"
    if abs(size - round(size)) <= 1e-4 * size:
        return f"{sign}{round(size)}×"
    return f"{number(ratio)}×"


def _factor_words(factor: list[tuple[str, str]]) -> tuple[list[str], str]:
    """The expressions to name and their meaning: the only match with its meaning, else up to three
    alternatives without one (which of them it is, the output alone cannot tell)."""
    if len(factor) == 1:
        return [factor[0][0]], factor[0][1]
    return [item for item, _ in factor[:3]], ""


def _factor_gloss(ratio: float, factor: list[tuple[str, str]]) -> str:
    """': 1/(KH·KW), the kernel's area' for the public evidence."""
    if not factor:
        return ""
    expressions, meaning = _factor_words(factor)
    if abs(ratio) < 1:
        expressions = [f"1/({item})" if "·" in item else f"1/{item}" for item in expressions]
    return ": " + " or ".join(expressions) + (f", {meaning}" if meaning else "")


def _hidden_factor_text(ratio: float, factor: list[tuple[str, str]]) -> str:
    how = "divided by" if abs(ratio) < 1 else "multiplied by"
    sign = ", with the opposite sign" if ratio < 0 else ""
    if not factor:
        return f"every value is the expected one {how} the same constant{sign}"
    expressions, meaning = _factor_words(factor)
    said = f"{meaning} ({expressions[0]})" if meaning else " or ".join(expressions)
    return f"every value is the expected one {how} a constant equal to {said}{sign}"


def _factor_explanation(ratio: float, factor: list[tuple[str, str]], gradient: bool) -> str:
    smaller = ratio < 1
    if not factor:
        return ("Every value is off by the same factor: look for a division or multiplication applied to the "
                "whole result (a mean where a sum belongs, or the other way round) and remove it.")
    expressions, meaning = _factor_words(factor)
    if expressions == ["KH·KW"]:
        return ("Each window's products were averaged where they should be summed: add them up (.sum()) instead "
                "of taking their mean." if smaller else
                "Every value is multiplied by the kernel's area (KH·KW): look for a sum where a mean belongs, or "
                "an extra multiplication, and remove it.")
    if expressions == ["N"] and smaller:
        what = "the gradient was" if gradient else "the values were"
        return (f"{what.capitalize()} averaged over the batch (divided by N) where the expected result sums over "
                "it: sum instead of taking the mean, or drop the division by N.")
    names = " or ".join(expressions)
    said = f"{meaning} ({names})" if meaning else names
    if smaller:
        return (f"Every value is divided by {said}: look for a mean where a sum belongs, or a division by "
                f"{names} that does not belong, and remove it.")
    return (f"Every value is multiplied by {said}: look for a sum where a mean belongs, or a multiplication by "
            f"{names} that does not belong, and remove it.")
