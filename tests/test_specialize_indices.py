"""Specialized gradients of functions taking arrays of ints (tables of indices): the specializer
reads them by index, an int at a time, and keeps any other use of one as written."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import astgrad
from astgrad import tape
from astgrad.specialize import argument_pattern
from astgrad.testing import numerical_gradient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "gradbench"))
from det import det as leibniz  # noqa: E402  (the det eval's form: a table of permutations)
from det import permutations  # noqa: E402


def _row_product(A, row):
    term = 1.0
    for i in range(A.shape[0]):
        term = term * A[i, row[i]]
    return term


def leibniz_by_a_helper(A, table, signs):
    # a row of the table (an array of ints) passed to a helper
    total = 0.0
    for p in range(table.shape[0]):
        total = total + signs[p] * _row_product(A, table[p])
    return total


def gathers_and_weighs(x, picks, counts):
    # picks read an int at a time; counts used in arithmetic, which is kept as written (of
    # its own dtype); the rest written as loops
    y = x * 2.0
    total = np.sum(y ** 2)
    for k in range(picks.shape[0]):
        total = total + y[picks[k]] * x[picks[k]]
    return total + np.sum(y * counts)


def leibniz_arguments(size, seed):
    table, signs = permutations(size)
    return [np.random.default_rng(seed).normal(size=(size, size)), table, signs]


def gathers_arguments(n, picks, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=n), np.array(picks, np.int64), rng.integers(-3, 4, size=n)]


CASES = {leibniz: lambda seed: leibniz_arguments(3, seed),
         leibniz_by_a_helper: lambda seed: leibniz_arguments(3, seed),
         gathers_and_weighs: lambda seed: gathers_arguments(4, [0, 3, 3, -1, 1], seed)}


def test_the_pattern_names_the_arrays_of_ints():
    x, picks, counts = gathers_arguments(4, [0, 3], 0)
    assert argument_pattern((x, picks, counts, 0.5)) == (
        ((4,), (2,), (4,), ()), np.dtype("float64"), (1, 2))
    assert argument_pattern((picks, counts)) is None  # (no float array: nothing to write)
    assert argument_pattern((x, picks.astype(np.int32).reshape(1, 1, 2))) is None


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("function", list(CASES), ids=lambda f: f.__name__)
def test_specialized_with_tables_agrees_with_finite_differences_and_the_tape(function, jit):
    for seed in range(2):
        args = CASES[function](seed)
        generic = astgrad.grad(function, wrt=0, jit=jit)
        fast = astgrad.specialized(generic, args)
        assert fast is not generic  # it was rewritten
        expected = tape.grad(function, wrt=0)(*args)
        np.testing.assert_allclose(fast(*args), expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(fast(*args), numerical_gradient(function, args, 0),
                                   rtol=1e-6, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(-4, 3), min_size=1, max_size=6), st.integers(0, 2 ** 16))
def test_gathers_by_drawn_picks_equal_the_generic_gradient(picks, seed):
    args = gathers_arguments(4, picks, seed)
    generic = astgrad.grad(gathers_and_weighs, wrt=0, jit=False)
    expected = tape.grad(gathers_and_weighs, wrt=0)(*args)
    np.testing.assert_allclose(astgrad.specialized(generic, args)(*args), expected,
                               rtol=1e-12, atol=1e-12)


def test_a_table_row_is_read_by_index_and_the_tape_is_made_once():
    source = astgrad.specialized(astgrad.grad(leibniz, jit=False),
                                 leibniz_arguments(3, 0)).source
    body = [line.split("#")[0].rstrip() for line in source[source.index("def "):].splitlines()]
    loops = [k for k, line in enumerate(body) if line.startswith("    for p in range(")]
    # the reverse sweep's tape of `term`, as long as a row, is made once for all p
    tape_line = "    _kept_term = np.empty((A.shape[0],), np.float64)"
    assert tape_line in body and body.index(tape_line) < loops[-1]
    assert "empty_tape(" not in "\n".join(body)


@pytest.mark.parametrize("jit", [False, True])
def test_an_index_past_the_end_of_a_table_is_refused(jit):
    A, table, signs = leibniz_arguments(3, 0)
    gradient = astgrad.grad(leibniz, jit=jit)
    gradient(A, table, signs)  # (its version for this pattern written)
    table = table.copy()
    table[2, 1] = 3
    with pytest.raises(astgrad.AstgradError, match="out of bounds"):
        gradient(A, table, signs)


@pytest.mark.parametrize("jit", [False, True])
def test_a_table_of_floats_after_one_of_ints_is_refused_as_python_refuses_it(jit):
    A, table, signs = leibniz_arguments(3, 0)
    gradient = astgrad.grad(leibniz, jit=jit)
    np.testing.assert_allclose(gradient(A, table, signs), tape.grad(leibniz)(A, table, signs))
    with pytest.raises(IndexError):
        leibniz(A, table.astype(np.float64), signs)
    with pytest.raises(astgrad.AstgradError, match="IndexError"):
        gradient(A, table.astype(np.float64), signs)
