"""What the eval modules share: their NumPy functions run with another library's NumPy."""

from __future__ import annotations

import types


def rebound(function, **names):
    """`function` with some of its global names (np, its helpers) bound to other objects: the
    same code run with autograd.numpy, jax.numpy or torch."""
    return types.FunctionType(function.__code__, {**function.__globals__, **names},
                              function.__name__, function.__defaults__)
