"""The control-flow corpus (tests/corpus/control.py) against central finite differences,
compiled and as plain NumPy, with inputs drawn by hypothesis."""

import numpy as np
import pytest
from hypothesis import assume, given

import astgrad
from astgrad.testing import check_grads

from .corpus.control import CASES
from .strategies import drawn


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_matches_finite_differences(case, jit):
    @given(drawn(case))
    def check(args):
        assume(case.away is None or case.away(args))
        check_grads(case.function, args, wrt=case.wrt, jit=jit)

    check()


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_the_callers_arrays_are_never_modified(jit):
    from .corpus import control

    x = np.array([0.5, -1.0, 2.0])
    before = x.copy()
    gradient = astgrad.grad(control.argument_written_in_place, jit=jit)(x)
    np.testing.assert_array_equal(x, before)  # the function writes x[0]: into a copy
    np.testing.assert_allclose(gradient, [18 * x[0], 2 * x[1], 2 * x[2]])
    u = np.linspace(0, 1, 6)
    before = u.copy()
    astgrad.grad(control.heat_in_place, wrt=(0, 1), jit=jit)(u, 0.1)
    np.testing.assert_array_equal(u, before)


def _value_cases():
    # every case as plain NumPy; compiled, the loops whose reverse sweep restores the value
    jit_cases = {"logistic", "heat_in_place", "newton_sqrt", "rnn", "running_max"}
    return [pytest.param(case, jit, id=f"{case.name}-{'jit' if jit else 'python'}")
            for case in CASES for jit in (False, True) if not jit or case.name in jit_cases]


@pytest.mark.parametrize("case, jit", _value_cases())
def test_value_and_grad_gives_the_functions_value(case, jit):
    # the reverse sweep puts back earlier values of loop variables: the value returned must
    # be the one the forward sweep computed
    @given(drawn(case))
    def check(args):
        value, _ = astgrad.value_and_grad(case.function, wrt=case.wrt, jit=jit)(*args)
        expected = case.function(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-14)

    check()


def test_stores_cut_only_what_earlier_statements_read():
    # the adjoint of `z[i] = v` zeroes d[z][i] only when something before the store reads it
    from .corpus import control

    def cuts(function):
        source = astgrad.grad(function, wrt=0, jit=False).source
        return {line.split("#")[0].strip() for line in source.splitlines()
                if line.split("#")[0].strip().endswith("= 0.0")}

    assert cuts(control.parts_of_a_new_array) == set()  # z[0], z[1:]: apart
    # z[1:] writes over z[:3], z[-1] over z[1:]; nothing writes over z[-1]
    assert cuts(control.parts_written_over) == {"_dz[1:] = 0.0", "_dz[-1] = 0.0"}
    # z[0, -1] is written after z is read: its cut stays; the others are apart along an axis
    assert cuts(control.rows_and_columns_apart) == {"_dz[0, -1] = 0.0"}
