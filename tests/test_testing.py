"""check_grads passes right gradients and fails wrong ones, with a readable report."""

import numpy as np
import pytest

import astgrad
from astgrad.testing import GradientMismatch, check_grads, numerical_gradient

from .corpus import custom


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "python"])
def test_a_wrong_rule_is_caught(jit):
    with pytest.raises(GradientMismatch) as caught:
        check_grads(custom.uses_cube, (1.5,), jit=jit)
    report = str(caught.value)
    # the wrong rule says 2x + 1 = 4.0; the truth is 3x^2 + 1 = 7.75
    assert "uses_cube" in report and "argument 0" in report
    assert "4" in report and "7.75" in report


def test_the_report_lists_the_worst_elements_first():
    def f(x):
        return np.sum(x ** 2)

    def wrong_gradient(x):
        g = 2 * x
        g[3] += 1.0
        g[1] += 5.0
        return g

    with pytest.raises(GradientMismatch) as caught:
        check_grads(f, (np.arange(5.0),), gradient=wrong_gradient)
    lines = str(caught.value).splitlines()
    assert "2 of 5 element(s)" in lines[0]
    assert lines[2].lstrip().startswith("(1,)") and lines[3].lstrip().startswith("(3,)")


def test_a_gradient_of_the_wrong_shape_is_reported():
    def f(x):
        return np.sum(x)

    with pytest.raises(GradientMismatch, match="shape"):
        check_grads(f, (np.ones(3),), gradient=lambda x: np.ones(2))


def test_right_gradients_pass_and_are_returned():
    def f(x, y):
        return np.sum(np.sin(x) * y)

    x, y = np.linspace(0, 1, 4), np.linspace(1, 2, 4)
    dx, dy = check_grads(f, (x, y), wrt=(0, 1))
    np.testing.assert_allclose(dx, np.cos(x) * y)


def test_numerical_gradient_is_float64_even_for_float32_inputs():
    def f(x):
        return np.sum(x ** 3)

    x = np.array([0.1, 0.2], np.float32)
    np.testing.assert_allclose(numerical_gradient(f, (x,), 0), 3 * x.astype(float) ** 2,
                               rtol=1e-7)


def test_a_user_rule_changes_only_the_functions_that_call_its_function():
    # registering a (wrong) rule for `cube` changes only functions that call cube
    def plain(x):
        return x ** 3

    assert astgrad.grad(plain)(2.0) == 12.0
