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
