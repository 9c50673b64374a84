"""`grad` and `value_and_grad` computed by the tape: the transformer's interface, the other
engine's arithmetic. Tests use them as the oracle that `astgrad.grad` must agree with.

    df = astgrad.tape.grad(f, wrt=(0, 1))      # same arguments as astgrad.grad
    dx, dy = df(2.0, np.ones(3))

The function runs once with tensors in place of the `wrt` arguments (Python floats become
float64 tensors, arrays keep their dtype) and NumPy functions dispatch to the tape.
"""

from __future__ import annotations

import inspect

import numpy as np

from ..api import wrt_names
from ..errors import TapeError
from .tensor import Tensor


def grad(f, wrt=0):
    """The gradient of scalar `f` with respect to `wrt`, by recording `f` on the tape.

    >>> astgrad.tape.grad(lambda_free_f, wrt=(0, 1))(2.0, 3.0)
    """
    gradient = value_and_grad(f, wrt)
    return lambda *args, **kwargs: gradient(*args, **kwargs)[1]


def value_and_grad(f, wrt=0):
    """Like `grad`, returning `(value, gradient)`."""
    names, single = wrt_names(f, wrt)
    signature = inspect.signature(f)

    def gradient(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = {name: bound.arguments[name] for name in names}
        leaves = {name: _leaf(name, value) for name, value in given.items()}
        bound.arguments.update(leaves)
        out = f(*bound.args, **bound.kwargs)
        if isinstance(out, Tensor) and out.requires_grad:
            if out.numel() != 1:
                raise TapeError(f"{f.__name__} returns a tensor of shape {out.shape}, not a "
                                "scalar", "return a sum, a mean or one element")
            out.backward()
        value = out.item() if isinstance(out, Tensor) else float(np.asarray(out).item())
        results = tuple(_as_given(leaves[name], given[name]) for name in names)
        return value, results[0] if single else results

    return gradient


def _leaf(name: str, value) -> Tensor:
    array = np.array(value.detach().numpy() if isinstance(value, Tensor) else value)
    if array.dtype.kind != "f":
        raise TapeError(f"argument '{name}' is {array.dtype}; gradients are taken with respect "
                        "to floating-point values", f"pass a float, e.g. float({name})")
    return Tensor(array, requires_grad=True)


def _as_given(leaf: Tensor, given):
    """The leaf's gradient in the form of the argument: a Python float for a float."""
    value = leaf.detach().numpy()
    gradient = leaf.grad.numpy() if leaf.grad is not None else np.zeros_like(value)
    return float(gradient) if isinstance(given, (float, int)) else gradient
