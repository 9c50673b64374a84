"""Property tests: hypothesis draws inputs that take both sides of each branch, and loops that
run 0, 1 and many trips (the @examples pin those down; hypothesis explores around them)."""

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import astgrad
from astgrad.testing import check_grads

from .corpus import control

MODES = pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])

trips = st.one_of(st.sampled_from([0, 1]), st.integers(2, 40))
side = st.booleans()
magnitude = st.floats(0.05, 2.0)


def signed(positive: bool, size: float) -> float:
    return size if positive else -size


@MODES
@given(side, magnitude)
@example(True, 0.5)
@example(False, 0.5)
def test_piecewise_on_both_sides(jit, positive, size):
    check_grads(control.piecewise, (signed(positive, size),), jit=jit)


@MODES
@given(side, side, magnitude, magnitude)
@example(True, True, 1.0, 1.0)
@example(True, False, 1.0, 1.0)
@example(False, True, 1.0, 1.0)
@example(False, False, 1.0, 1.0)
def test_nested_branches_on_all_four_paths(jit, x_positive, y_positive, x, y):
    args = (signed(x_positive, x), signed(y_positive, y))
    check_grads(control.nested_branches, args, wrt=(0, 1), jit=jit)


@MODES
@given(st.sampled_from([-1.7, 0.0, 1.7]).flatmap(
    lambda centre: st.floats(centre - 0.6, centre + 0.6)))
@example(-1.5)
@example(0.3)
@example(1.5)
def test_elif_chain_on_all_three_branches(jit, x):
    assume(min(abs(x + 1), abs(x - 1)) > 0.02)  # clear of the kinks at -1 and 1
    check_grads(control.piecewise_elif, (x,), jit=jit)


@MODES
@given(st.floats(2.0, 3.5), st.floats(0.1, 0.9), trips)
@example(2.5, 0.3, 0)
@example(2.5, 0.3, 1)
@example(2.5, 0.3, 40)
def test_recurrence_with_0_1_and_many_trips(jit, a, x0, n):
    check_grads(control.logistic, (a, x0, n), wrt=(0, 1), jit=jit)


@MODES
@given(st.floats(0.1, 2.0), trips)
@example(0.5, 0)
@example(0.5, 1)
@example(0.5, 30)
def test_break_before_during_and_without(jit, x, n):
    assume(control._breaks_off(x, n))
    check_grads(control.break_in_loop, (x, n), jit=jit)


@MODES
@given(st.floats(0.1, 2.0))
@example(0.2)   # many trips before the return
@example(2.5)   # returns on the first trip
def test_while_that_returns_early_or_late(jit, x):
    assume(control._while_off(x))
    check_grads(control.return_from_while, (x,), jit=jit)


@MODES
@given(st.floats(-1, 1), st.sampled_from([0, 1, 2, 5]))
@example(0.5, 0)
@example(0.5, 1)
def test_nested_loops_with_dependent_bounds(jit, x, n):
    check_grads(control.triangular_scalar, (abs(x) + 0.2, n), jit=jit)


@MODES
@given(st.lists(st.floats(-1, 1), min_size=0, max_size=6))
@example([])
@example([0.5])
def test_loops_over_arrays_of_0_1_and_many_elements(jit, values):
    x = np.array(values, dtype=float)
    gradient = astgrad.grad(control.dot_by_loop, wrt=(0, 1), jit=jit)(x, x * 2.0)
    np.testing.assert_allclose(gradient[0], 2.0 * x)
    np.testing.assert_allclose(gradient[1], x)
