"""ode: GradBench's `ode` eval (evals/ode/README.md, after cmpad's an_ode): y' = f(x, y) with
f_0 = x_0 and f_i = x_i y_{i-1}, y(0) = 0, integrated to t = 2 by s steps of the classical
Runge-Kutta method; the gradient of the last element of y(2) wrt x. The right-hand side is a
helper writing slices of a new array, as one writes it in NumPy."""

from __future__ import annotations

import numpy as np
from common import rebound

TITLE = "ode (n=1000, s=100)"
WRT = (0,)


def arguments(n=1000):
    return np.random.default_rng(0).uniform(size=n), 100


def small_arguments():
    return np.random.default_rng(1).uniform(size=5), 4


def checked_arguments():
    """Smaller, so that the gradient is not all zeros (y_i is about x^i 2^i / i!)."""
    return arguments(n=12)


def right_hand_side(x, y):
    z = np.empty_like(y)
    z[0] = x[0]
    z[1:] = x[1:] * y[:-1]
    return z


def runge_kutta_step(x, y, h):
    k1 = right_hand_side(x, y)
    k2 = right_hand_side(x, y + h / 2 * k1)
    k3 = right_hand_side(x, y + h / 2 * k2)
    k4 = right_hand_side(x, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def ode(x, s):
    h = 2.0 / s
    y = np.zeros_like(x)
    for _ in range(s):
        y = runge_kutta_step(x, y, h)
    return y[-1]


def reference(xp):
    """The same steps for autograd.numpy, jax.numpy or torch, the slices joined, not written."""
    join = xp.cat if hasattr(xp, "cat") else xp.concatenate

    def right_hand_side(x, y):
        return join([x[:1], x[1:] * y[:-1]])

    step = rebound(runge_kutta_step, right_hand_side=right_hand_side)
    return rebound(ode, np=xp, runge_kutta_step=step)


def jax_reference(jax):
    """For JAX: the same steps by lax.fori_loop (s is a number known when it traces)."""
    step = reference(jax.numpy).__globals__["runge_kutta_step"]

    def ode(x, s):
        h = 2.0 / s
        return jax.lax.fori_loop(0, s, lambda _, y: step(x, y, h), jax.numpy.zeros_like(x))[-1]

    return ode


PRIMAL = ode
