"""Issue 3's workload: the gradient of the 10,000-step recurrence x = a*x*(1-x); s = s + x
(a = 2.5, x0 = 0.3) with respect to a and x0, against the forward compiled by numba.

    python benchmarks/loops.py
"""

from __future__ import annotations

import harness  # noqa: F401  (sets one thread before NumPy loads)
import numba
import numpy as np
from harness import Contender, measure, optional

import astgrad

STEPS = 10_000


def recurrence(a, x0, n):
    x = x0
    s = 0.0
    for i in range(n):  # noqa: B007  (as the issue writes it)
        x = a * x * (1 - x)
        s = s + x
    return s


@numba.njit(cache=True)
def adjoint_by_hand(a, x0, n):
    """The adjoint as one would write it: forward with a tape, then the chain rule."""
    xs = np.empty(n)
    x = x0
    for i in range(n):
        xs[i] = x
        x = a * x * (1 - x)
    da, dx = 0.0, 0.0
    for i in range(n - 1, -1, -1):
        dx = dx + 1.0
        x = xs[i]
        da = da + dx * x * (1 - x)
        dx = dx * a * (1 - 2 * x)
    return da, dx


@numba.njit(cache=True)
def adjoint_simplified(a, x0, n):
    """Hand-simplified: the partial derivative computed off the adjoint's chain."""
    xs = np.empty(n)
    x = x0
    for i in range(n):
        xs[i] = x
        x = a * x * (1 - x)
    da, dx = 0.0, 0.0
    for i in range(n - 1, -1, -1):
        x = xs[i]
        dx = dx + 1.0
        da += dx * (x - x * x)
        dx *= a - 2 * a * x
    return da, dx


def table():
    forward = numba.njit(recurrence)
    gradient = astgrad.grad(recurrence, wrt=(0, 1))
    contenders = [
        Contender("numba forward", lambda: forward(2.5, 0.3, STEPS)),
        Contender("astgrad grad", lambda: gradient(2.5, 0.3, STEPS), "wrt a, x0"),
        Contender("numba adjoint by hand", lambda: adjoint_by_hand(2.5, 0.3, STEPS)),
        Contender("numba adjoint, hand-simplified", lambda: adjoint_simplified(2.5, 0.3, STEPS)),
    ]
    torch, jax, autograd = optional("torch"), optional("jax"), optional("autograd")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)

        def jax_recurrence(a, x0):
            def body(i, carry):
                x, s = carry
                x = a * x * (1 - x)
                return x, s + x

            return jax.lax.fori_loop(0, STEPS, body, (x0, 0.0))[1]

        jax_gradient = jax.jit(jax.grad(jax_recurrence, argnums=(0, 1)))
        contenders.append(Contender("JAX jit grad of fori_loop", lambda: [
            float(g) for g in jax_gradient(2.5, 0.3)]))
    if torch is not None:
        def torch_gradient():
            a = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
            x0 = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
            x, s = x0, torch.tensor(0.0, dtype=torch.float64)
            for _ in range(STEPS):
                x = a * x * (1 - x)
                s = s + x
            s.backward()
            return a.grad.item(), x0.grad.item()

        contenders.append(Contender("PyTorch eager", torch_gradient))
    if autograd is not None:
        hips = autograd.grad(lambda p: recurrence(p[0], p[1], STEPS))
        contenders.append(Contender("HIPS autograd", lambda: hips(np.array([2.5, 0.3]))))
    result = measure("grad of the 10,000-step recurrence wrt a and x0", "numba forward",
                     contenders, target="at most 2.5x numba forward", rounds=9)
    saved = "; ".join(str(s) for s in gradient.saved)
    return result, saved


def main():
    result, saved = table()
    print(result.markdown())
    print(f"\nastgrad keeps: {saved}")
    return [result]


if __name__ == "__main__":
    main()
