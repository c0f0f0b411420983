"""Arrays on the wire: the fast reading of a plain .npy gives exactly what np.load gives, and a blob it does not
recognise is left to np.load, which reads it or refuses it (a WireError), never anything in between."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from grader.sandbox.wire import WireError, _load_plain, encode_array, load_array

DTYPES = st.sampled_from(["<f8", ">f8", "<f4", ">f4", "<f2", "<i8", ">i4", "<i2", "|i1", "<u8", "|u1", "|b1",
                          "<c16", ">c8"])


def _same(fast: np.ndarray, slow: np.ndarray) -> bool:
    return (fast.dtype == slow.dtype and fast.shape == slow.shape and fast.flags.writeable
            and (fast.flags.c_contiguous, fast.flags.f_contiguous) == (slow.flags.c_contiguous, slow.flags.f_contiguous)
            and fast.tobytes(order="A") == slow.tobytes(order="A"))


@settings(max_examples=300, deadline=None)
@given(dtype=DTYPES, shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=4),
       fortran=st.booleans(), data=st.data())
def test_a_plain_array_reads_back_as_np_load_reads_it(dtype, shape, fortran, data):
    array = data.draw(hnp.arrays(np.dtype(dtype), shape))
    array = np.asfortranarray(array) if fortran else array
    blob = encode_array(array)
    fast = _load_plain(blob, np)
    assert fast is not None  # the fast path applies to every plain numeric array np.save writes
    assert _same(fast, np.load(io.BytesIO(blob), allow_pickle=False))
    assert _same(load_array(blob), fast)


@settings(max_examples=300, deadline=None)
@given(dtype=DTYPES, shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=12),
       layout=st.sampled_from(["C", "F", "strided"]), data=st.data())
def test_a_plain_array_is_written_byte_for_byte_as_np_save_writes_it(dtype, shape, layout, data):
    array = data.draw(hnp.arrays(np.dtype(dtype), shape))
    array = np.asfortranarray(array) if layout == "F" else array[..., ::2] if layout == "strided" and shape else array
    saved = io.BytesIO()
    np.save(saved, array, allow_pickle=False)
    assert encode_array(array) == saved.getvalue()


@pytest.mark.parametrize("array", [np.array(["ab", "c"]), np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]),
                                   np.array([b"x"]), np.zeros(3, dtype="M8[s]")])
def test_other_arrays_are_read_by_np_load(array):
    blob = encode_array(array)
    assert _load_plain(blob, np) is None
    assert np.array_equal(load_array(blob), array)


def _forged(header: bytes, data: bytes = b"") -> bytes:
    header = header + b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


@pytest.mark.parametrize("blob", [
    _forged(b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", bytes(8 * 5)),  # too few bytes
    _forged(b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", bytes(8)),  # objects: pickles
    _forged(b"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", bytes(8)),
    _forged(b"{'descr': '<f8', 'fortran_order': False, 'shape': (,), }", bytes(8)),
    _forged(b"__import__('os').system('true')", bytes(8)),
    b"\x93NUMPY\x01\x00\xff\xff", b"not an array at all", b"",
])
def test_a_malformed_or_hostile_blob_is_refused(blob):
    assert _load_plain(blob, np) is None
    with pytest.raises(WireError):
        load_array(blob)
