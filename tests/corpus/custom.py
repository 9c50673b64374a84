"""User functions with user-registered rules: one right, one deliberately wrong."""

import numpy as np

import astgrad


def softplus(x):
    return np.log1p(np.exp(x))


@astgrad.rule(softplus)
def softplus_rule(ans, x):
    return 1 / (1 + np.exp(-x))


def uses_softplus(x, w):
    return np.sum(softplus(x * w) * 2.0)


def cube(x):
    return x ** 3


@astgrad.rule(cube)
def wrong_cube_rule(ans, x):
    return 2 * x  # wrong on purpose: the derivative of x**3 is 3 * x**2


def uses_cube(x):
    return cube(x) + x
