"""Issue 2's workloads: the gradient of a scalar function called from Python floats, and of
sum(tanh(W @ x + b)**2) with W 256x256, against the forward compiled by numba.

    python benchmarks/core.py
"""

from __future__ import annotations

import harness  # noqa: F401  (sets one thread before NumPy loads)
import numba
import numpy as np
from harness import Contender, measure, optional

import astgrad


def product(x, y):
    return x * y + 2


def layer(W, b, x):
    return np.sum(np.tanh(W @ x + b) ** 2)


def layer_einsum(W, b, x):
    """The layer with its product written as np.einsum (which numba cannot compile)."""
    return np.sum(np.tanh(np.einsum("ij,j->i", W, x) + b) ** 2)


@numba.njit(cache=True)
def layer_gradient_by_hand(W, b, x):
    h = np.tanh(W @ x + b)
    g = 2.0 * h * (1.0 - h * h)
    return np.outer(g, x), g


def scalar_table():
    forward = numba.njit(product)
    gradient = astgrad.grad(product, wrt=(0, 1))
    by_hand = numba.njit(lambda x, y: (y, x))
    contenders = [
        Contender("numba forward", lambda: forward(2.0, 3.0)),
        Contender("astgrad grad", lambda: gradient(2.0, 3.0)),
        Contender("numba gradient by hand", lambda: by_hand(2.0, 3.0)),
    ]
    torch, jax, autograd = optional("torch"), optional("jax"), optional("autograd")
    if torch is not None:
        def torch_gradient():
            x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
            y = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
            (x * y + 2).backward()
            return x.grad.item(), y.grad.item()

        contenders.append(Contender("PyTorch eager", torch_gradient))
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jax_gradient = jax.jit(jax.grad(product, argnums=(0, 1)))
        contenders.append(Contender("JAX jit", lambda: [float(g) for g in
                                                        jax_gradient(2.0, 3.0)]))
    if autograd is not None:
        hips = autograd.grad(lambda xy: product(xy[0], xy[1]))
        contenders.append(Contender("HIPS autograd", lambda: hips(np.array([2.0, 3.0]))))
    return measure("grad of x*y + 2 from Python floats", "numba forward", contenders,
                   target="at most 2x numba forward")


def layer_table():
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(256, 256)) / 16, rng.normal(size=256), rng.normal(size=256)
    forward = numba.njit(layer)
    gradient = astgrad.grad(layer, wrt=(0, 1))
    contenders = [
        Contender("numba forward", lambda: forward(W, b, x)),
        Contender("astgrad grad", lambda: gradient(W, b, x), "wrt W, b"),
        Contender("numba gradient by hand", lambda: layer_gradient_by_hand(W, b, x)),
    ]
    torch, jax = optional("torch"), optional("jax")
    if torch is not None:
        tW, tb, tx = (torch.tensor(a) for a in (W, b, x))

        def torch_gradient():
            W_ = tW.clone().requires_grad_()
            b_ = tb.clone().requires_grad_()
            torch.sum(torch.tanh(W_ @ tx + b_) ** 2).backward()
            return W_.grad, b_.grad

        contenders.append(Contender("PyTorch eager", torch_gradient))
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jnp = jax.numpy

        def jax_layer(W, b, x):
            return jnp.sum(jnp.tanh(W @ x + b) ** 2)

        jax_gradient = jax.jit(jax.grad(jax_layer, argnums=(0, 1)))
        jW, jb, jx = (jnp.asarray(a) for a in (W, b, x))
        contenders.append(Contender("JAX jit", lambda: jax.block_until_ready(
            jax_gradient(jW, jb, jx))))
    return measure("grad of sum(tanh(W @ x + b)**2), W 256x256", "numba forward", contenders,
                   target="at most 2.2x numba forward")


def main():
    tables = [scalar_table(), layer_table()]
    for table in tables:
        print(table.markdown(), end="\n\n")
    return tables


if __name__ == "__main__":
    main()
