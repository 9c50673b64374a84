"""Layers: `Linear` with PyTorch's weight layout and initialization, and the activations."""

import math

import numpy as np

from ..functions import DEFAULT_FLOAT
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter


class Linear(Module):
    """`y = x @ weight.T + bias`, with `weight` of shape (out_features, in_features).

    >>> layer = Linear(10, 50)                    # float32, as in PyTorch
    >>> layer = Linear(10, 50, dtype=float64, generator=np.random.default_rng(0))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype=DEFAULT_FLOAT, generator=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty(out_features, dtype=dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator=None) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    """max(x, 0), elementwise."""

    def forward(self, x) -> Tensor:
        return F.relu(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise."""

    def forward(self, x) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(x), elementwise."""

    def forward(self, x) -> Tensor:
        return F.tanh(x)


class Softmax(Module):
    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x) -> Tensor:
        return F.softmax(x, self.dim)


class Flatten(Module):
    """Flatten every dimension after the first (the batch)."""

    def forward(self, x) -> Tensor:
        return x.flatten(1)


class Identity(Module):
    def forward(self, x):
        return x
