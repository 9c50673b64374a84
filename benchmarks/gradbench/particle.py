"""particle: the inner problem of GradBench's `particle` eval (evals/particle/README.md): a
particle from (0, 8) with velocity (0.75, 0) in the field of unit charges at (10, 10 - w) and
(10, 0), integrated by Euler steps of 0.1 until it would cross the x axis, then interpolated
to the crossing; the objective is the crossing's x squared. The force (the potential's
gradient) is written by hand; astgrad differentiates the objective wrt w (the first-order
half of the eval's nested gradient)."""

from __future__ import annotations

TITLE = "particle (first order, the force by hand)"
WRT = (0,)


def arguments():
    return (0.0,)


def small_arguments():
    return (0.5,)


def force(x0, x1, w):
    d0, d1 = x0 - 10.0, x1 - (10.0 - w)
    r3 = (d0 * d0 + d1 * d1) ** 1.5
    e0, e1 = x0 - 10.0, x1
    s3 = (e0 * e0 + e1 * e1) ** 1.5
    return d0 / r3 + e0 / s3, d1 / r3 + e1 / s3


def particle(w):
    x0, x1 = 0.0, 8.0
    v0, v1 = 0.75, 0.0
    dt = 0.1
    while x1 + dt * v1 > 0.0:
        a0, a1 = force(x0, x1, w)
        x0, x1 = x0 + dt * v0, x1 + dt * v1
        v0, v1 = v0 + dt * a0, v1 + dt * a1
    crossing = -x1 / v1
    return (x0 + crossing * v0) ** 2


def reference(xp):
    """The same function: numbers only, it runs as it is on autograd's and PyTorch's values."""
    return particle


PRIMAL = particle


def jax_reference(jax):
    """For JAX: the loop as lax.while_loop, whose reverse mode JAX refuses; its gradient is
    taken by forward mode (one tangent: w is a number)."""
    def particle(w):
        def trip(carry):
            x0, x1, v0, v1 = carry
            d0, d1 = x0 - 10.0, x1 - (10.0 - w)
            r3 = (d0 * d0 + d1 * d1) ** 1.5
            e0, e1 = x0 - 10.0, x1
            s3 = (e0 * e0 + e1 * e1) ** 1.5
            a0, a1 = d0 / r3 + e0 / s3, d1 / r3 + e1 / s3
            return x0 + 0.1 * v0, x1 + 0.1 * v1, v0 + 0.1 * a0, v1 + 0.1 * a1

        start = (w * 0.0, w * 0.0 + 8.0, w * 0.0 + 0.75, w * 0.0)
        x0, x1, v0, v1 = jax.lax.while_loop(lambda c: c[1] + 0.1 * c[3] > 0.0, trip, start)
        crossing = -x1 / v1
        return (x0 + crossing * v0) ** 2

    return particle


JAX_MODE = "forward"
