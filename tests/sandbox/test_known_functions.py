"""Function arguments cross the wire as a name and are built inside the worker from the fixed table: learner code
gets a plain NumPy function that reaches nothing of the grader, and a fresh one on every call."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from grader.sandbox.client import Worker
from grader.sandbox.known_functions import KNOWN_FORMULAS, KnownFunction, UnknownFunction, known_function
from grader.sandbox.wire import WireError, pack, unpack
from grader.spec.model import Limits


def test_a_function_travels_as_its_name_and_comes_back_as_the_same_formula():
    blobs: list[bytes] = []
    tree = pack([KnownFunction("matmul"), np.ones((2, 4))], blobs)
    assert tree[0] == {"$function": "matmul"}
    built = unpack(tree, [np.ones((2, 4))])[0]
    x = np.arange(8.0).reshape(2, 4)
    np.testing.assert_array_equal(built(x), KnownFunction("matmul")(x))


@pytest.mark.parametrize("name", ["nope", "__import__", 3, None, ["tanh"]])
def test_a_name_outside_the_table_is_refused(name):
    with pytest.raises(WireError):
        unpack({"$function": name}, [])
    with pytest.raises(UnknownFunction):
        known_function(name)


@pytest.mark.parametrize("name", sorted(KNOWN_FORMULAS))
def test_a_built_function_sees_only_numpy_and_its_own_weights(name):
    function = known_function(name)
    assert set(function.__globals__) <= {"__builtins__", "np", "W"}
    assert function.__closure__ is None and function.__name__ == name
    assert KnownFunction(name) == KnownFunction(name) and "known function" in repr(KnownFunction(name))


HOSTILE = textwrap.dedent('''\
    import numpy as np

    def probe(f, x):
        seen = set(f.__globals__)
        reached = any(name in seen for name in ("worker_main", "_run", "reply", "KNOWN_FORMULAS", "known_function"))
        honest = f(x).ravel()
        f.__globals__["W"][:] = 0                       # spoils this call's f only
        return np.concatenate([[float(reached), float(len(seen)), float(np.abs(f(x)).sum())], honest])
    ''')


def test_learner_code_cannot_reach_the_worker_through_f_and_spoils_only_its_own_copy(tmp_path):
    path = tmp_path / "hostile.py"
    path.write_text(HOSTILE)
    x = np.arange(8.0).reshape(2, 4)
    with Worker(path, "probe", "array", Limits(case_seconds=5, total_seconds=30)) as worker:
        first = worker.call([KnownFunction("matmul"), x], {}, 10)
        second = worker.call([KnownFunction("matmul"), x], {}, 10)
    assert first.status == second.status == "ok"
    reached, names, spoiled = first.arrays[0][:3]
    assert reached == 0 and names <= 3 and spoiled == 0
    np.testing.assert_allclose(first.arrays[0][3:], KnownFunction("matmul")(x).ravel())
    np.testing.assert_array_equal(second.arrays[0], first.arrays[0])  # the next call got a fresh, intact f
