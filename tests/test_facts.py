"""The facts runtime helpers declare (astgrad/runtime/facts.py) hold, as plain NumPy and
compiled, on random shapes: a helper returns an array of the shape it declares, sharing memory
with an argument only if declared a view (never if declared to allocate). (The primitives'
facts: test_primitives.py.)"""

import importlib
import pkgutil

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astgrad import runtime
from astgrad.rules import facts_of
from astgrad.runtime.facts import NOTHING_KNOWN

HELPERS = {name: function for module in pkgutil.iter_modules(runtime.__path__)
           for name, function in vars(importlib.import_module(
               f"{runtime.__name__}.{module.name}")).items()
           if callable(function) and getattr(function, "__module__", "").startswith(
               runtime.__name__)}
DECLARED = sorted(name for name, function in HELPERS.items()
                  if facts_of(function) != NOTHING_KNOWN)


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
        "stop_gradient": (a,),
        "cast_like": (a, a),
        "size": (a,),
        "trip_count": (0, rows, 1),
        "retyped": (a.copy(), a),
        "empty_tape": (a, rows),
        "result_tape": (a, rows),
        "loop_bound": (rows,),
        "unbroadcast": (np.ones((3, rows, columns)), a),
        "extremum_share": (a, a, -a, True),
        "reduce_sum": (a,),
        "reduce_mean": (a,),
        "reduce_max": (a,),
        "reduce_min": (a,),
        "promoted_matmul": (a, b),
        "promoted_dot": (a, b),
        "clip": (a, -0.5, 0.5),
        "heaviside": (np.round(a, 1), b[:, 0] if columns == 1 else 0.5),
        **dict.fromkeys(["reduce_prod", "reduce_var", "reduce_std", "ptp", "nansum", "nanmean"],
                        (a,)),
        "prod_adjoint": (a.sum(), a, a.prod()),
        "var_adjoint": (a.sum(), a),
        "nan_adjoint": (a.sum(), a),
        "average": (a, 0, np.linspace(1.0, 2.0, rows)),
        "average_adjoint": (a.sum(axis=0), a, a + 2.0, 0),
        "weights_adjoint": (a.sum(axis=0), a, a[:, 0] + 2.0, a.mean(axis=0), 0),
        "cumprod": (a,),
        "flip": (a, 1),
        "cumprod_adjoint": (a, a, 0),
        "diff": (a, 1, 0),
        "diff_adjoint": (np.ones((rows, columns - 1)), a, 1, 1),
        **dict.fromkeys(["to_int", "floor_int", "ceil_int", "round_int", "trunc_int"], (1.5,)),
        "cumsum": (a,),
        "cumsum_adjoint": (a, a),
        "concatenate": ((a, a), 0),
        "array": ((a, a),),
        **dict.fromkeys(["vstack", "hstack", "column_stack", "dstack"], ((a, a),)),
        "inner": (a, a),
        "tensordot": (a, b, 1),
        **dict.fromkeys(["erf", "erfc", "expit"], (a,)),
        **dict.fromkeys(["gammaln", "digamma", "trigamma"], (np.abs(a) + 0.5,)),
        "logit": (0.4 * a + 0.5,),
        "xlogy": (a, np.abs(a) + 0.5),
        "xlog1py": (a, np.abs(a)),
        "logsumexp": (a, 0),
        "exp_share": (np.ones(columns), a, np.log(np.exp(a).sum(axis=0)), 0),
        "weighted": (a, a),
        **dict.fromkeys(["softmax", "log_softmax"], (a, 1)),
        "einsum": ("ij,jk->ik", a, b),
        "einsum_adjoint": (np.ones((rows, 3)), 0, "ij,jk->ik", a, b),
        "trace": (np.stack([square] * columns, axis=-1) if columns > 1 else square,),
    }[name]


def _calling(function, count: int):
    """A function of `count` parameters calling `function` (a string or a number among them
    then reaches numba's overloads as an argument, which numba.literally can ask for)."""
    params = ", ".join(f"a{i}" for i in range(count))
    namespace = {"function": function}
    exec(f"def call({params}):\n    return function({params})", namespace)
    return namespace["call"]


def test_every_declared_helper_is_checked():
    assert DECLARED, "no helper declares facts"
    for name in DECLARED:
        _arguments(name, 2, 3)  # a KeyError names a helper without arguments here


@pytest.mark.parametrize("name", DECLARED)
@settings(max_examples=5, deadline=None)
@given(rows=st.integers(1, 4), columns=st.integers(1, 4))
def test_a_helpers_declared_facts_hold(name, rows, columns):
    function = HELPERS[name]
    arguments = _arguments(name, rows, columns)
    compiled = numba.njit(_calling(function, len(arguments)))
    facts = facts_of(function)
    for result in (function(*arguments), compiled(*arguments)):
        declared_shape = facts.result_shape(*arguments)
        assert declared_shape is None or declared_shape == np.shape(result), name
        kind = np.asarray(result).dtype.kind
        assert kind == {"bool": "b", "int64": "i"}.get(facts.dtype, "f"), name
        for argument in arguments:
            if isinstance(argument, np.ndarray) and np.shares_memory(result, argument):
                assert facts.view and not facts.allocates, name
