"""The tape engine's primitive operations, each its value and its vector-Jacobian product
side by side, grouped by domain: `elementwise`, `reductions`, `linalg`, `arrays`, `losses`.

A primitive works on NumPy arrays only. `forward(*operands, **params)` returns the value and a
`vjp` that maps the gradient of the value to one gradient per operand (in the value's shape:
the tape sums broadcast gradients back to each operand's shape). `astgrad.tape.tensor.apply`
runs a primitive on tensors and records it on the tape.

These rules are written independently of the transformer's (`astgrad.rules`), so that a wrong
rule in either shows up as a disagreement between the two engines; where PyTorch has a
particular formula (ties of `maximum`, the edge cases of `pow`), they follow PyTorch.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Primitive:
    """An operation the tape records: PyTorch's name for its backward node, and its rule."""

    name: str
    forward: Callable
    differentiable: bool = True

    def __repr__(self) -> str:
        return f"<primitive {self.forward.__name__}>"


def primitive(name: str, differentiable: bool = True):
    """Make `forward(*arrays, **params) -> (value, vjp)` a Primitive recorded as `name`.

    >>> @primitive("ExpBackward0")
    ... def exp(x):
    ...     y = np.exp(x)
    ...     return y, lambda g: (g * y,)
    """
    return lambda forward: Primitive(name, forward, differentiable)
