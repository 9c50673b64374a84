"""The facts runtime helpers declare (astgrad/runtime/facts.py) hold: a helper declared to
allocate returns a new array, sharing no memory with its arguments, of the shape it declares,
as plain NumPy and compiled, on random shapes. (The primitives' facts: test_primitives.py.)"""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astgrad import runtime
from astgrad.runtime.facts import facts_of

DECLARED = sorted(name for name in dir(runtime) if facts_of(getattr(runtime, name)).allocates)


def _arguments(name: str, rows: int, columns: int) -> tuple:
    """Arguments of the helper `name` for a (rows, columns) operand (its adjoint's shape)."""
    a = np.linspace(-1.0, 1.0, rows * columns).reshape(rows, columns)
    b = np.linspace(0.5, -0.5, columns * 3).reshape(columns, 3)
    square = np.linspace(-1.0, 1.0, rows * rows).reshape(rows, rows)
    return {
        "zeros_like": (a,),
        "output_seed": (a[:1, :1],),
        "own": (a,),
        "select": (a > 0, a, -a),
        "unreduce": (a.sum(), a),  # (compiled, axis and keepdims must be constants)
        "extremum_adjoint": (1.0, a, a.max()),
        "matmul_adjoint_a": (np.ones((rows, 3)), a, b),
        "matmul_adjoint_b": (np.ones((rows, 3)), a, b),
        "outer_adjoint_a": (np.ones((rows * columns, 3)), a, b[0]),
        "outer_adjoint_b": (np.ones((rows * columns, 3)), a, b[0]),
        "trace_adjoint": (1.5, square),
        "astype_adjoint": (a, a, np.float64),
        "trace": (np.stack([square] * columns, axis=-1) if columns > 1 else square,),
    }[name]


def test_every_declared_helper_is_checked():
    assert DECLARED, "no helper declares that it allocates"
    for name in DECLARED:
        _arguments(name, 2, 3)  # a KeyError names a helper without arguments here


@pytest.mark.parametrize("name", DECLARED)
@settings(max_examples=5, deadline=None)
@given(rows=st.integers(1, 4), columns=st.integers(1, 4))
def test_a_helper_that_allocates_returns_a_new_array(name, rows, columns):
    function = getattr(runtime, name)
    arguments = _arguments(name, rows, columns)
    compiled = numba.njit(lambda *args: function(*args))
    for result in (function(*arguments), compiled(*arguments)):
        declared_shape = facts_of(function).result_shape(*arguments)
        assert declared_shape is None or declared_shape == np.shape(result), name
        for argument in arguments:
            if isinstance(argument, np.ndarray):
                assert not np.shares_memory(result, argument), name
