"""The quick guard before the axis-order search: it rules out only outputs that no order of their values could
match, so every reordering the search can find still gets found."""

from __future__ import annotations

from itertools import permutations

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from grader.grading.diagnosis.observed import Observed

VALUES = st.floats(-1e3, 1e3, allow_nan=False, width=64)


def _observed(want: np.ndarray, have: np.ndarray, rtol: float = 1e-5, atol: float = 1e-6) -> Observed:
    return Observed(None, want.astype(np.float64), have.astype(np.float64), rtol, atol)


@settings(max_examples=200, deadline=None)
@given(want=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), elements=VALUES),
       data=st.data())
def test_every_order_the_search_could_find_passes_the_guard(want, data):
    order = data.draw(st.permutations(range(want.ndim)))
    moved = np.ascontiguousarray(want.transpose(order))
    noise = data.draw(hnp.arrays(np.float64, moved.shape, elements=st.floats(-1, 1)))
    have = moved + noise * 1e-6 * (1 + np.abs(moved))  # up to the tolerance, and at times past it
    observed = _observed(want, have)
    if any(observed.same_in_order(have.transpose(back), want) for back in permutations(range(have.ndim))):
        assert observed.may_be_reordered()


def test_values_no_order_can_match_are_ruled_out():
    want = np.arange(24.0).reshape(2, 3, 4)
    assert _observed(want, want.transpose(2, 0, 1).copy()).may_be_reordered()
    assert not _observed(want, want.transpose(2, 0, 1) + 0.5).may_be_reordered()
    assert not _observed(want, np.sin(want)).may_be_reordered()
    with_nan = want.copy()
    with_nan[0, 0, 0] = np.nan
    assert not _observed(want, with_nan).may_be_reordered()  # a NaN is close to nothing
    infinite = want.copy()
    infinite[1, 2, 3] = np.inf
    assert _observed(infinite, infinite[::-1].copy()).may_be_reordered()  # equal infinities are close
