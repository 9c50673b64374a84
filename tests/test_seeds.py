"""The seed documents' scalar examples give the values the seeds show (both modes)."""

import pytest

import astgrad

from .corpus import basics

MODES = pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])


@MODES
def test_product_gives_3_and_2(jit):
    assert astgrad.grad(basics.seed_product, wrt=(0, 1), jit=jit)(2.0, 3.0) == (3.0, 2.0)


@MODES
def test_powers_give_4_and_27(jit):
    assert astgrad.grad(basics.seed_powers, wrt=(0, 1), jit=jit)(2.0, 3.0) == (4.0, 27.0)


@MODES
def test_polynomial_gives_14_not_the_6_the_seed_prints(jit):
    # d/dx (3x^2 + 2x + 1) = 6x + 2 = 14 at x = 2; seed 002 says 6, which is wrong.
    assert astgrad.grad(basics.seed_polynomial, jit=jit)(2.0) == 14.0


@MODES
def test_mixed_gives_3_and_8(jit):
    assert astgrad.grad(basics.seed_mixed, wrt=(0, 1), jit=jit)(2.0, 3.0) == (3.0, 8.0)


@MODES
def test_stop_gradient_gives_6_and_0(jit):
    assert astgrad.grad(basics.seed_detach, wrt=(0, 1), jit=jit)(3.0, 4.0) == (6.0, 0.0)


@MODES
def test_value_comes_with_the_gradient(jit):
    value, gradient = astgrad.value_and_grad(basics.seed_powers, wrt=(0, 1), jit=jit)(2.0, 3.0)
    assert value == 31.0 and gradient == (4.0, 27.0)
