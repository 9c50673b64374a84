"""Initial values for parameters, as PyTorch's `torch.nn.init` computes them.

Each fills a tensor in place from the tape's generator (`astgrad.tape.manual_seed`) or one
given. `Linear` uses `kaiming_uniform_(weight, a=sqrt(5))`, which is uniform on
(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for its bias.
"""

import math

import numpy as np

from ..functions import default_generator
from ..graph import no_grad
from ..tensor import Tensor


def _fill(tensor: Tensor, value: np.ndarray) -> Tensor:
    with no_grad():
        return tensor.copy_(Tensor(value.astype(tensor.dtype)))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with values drawn uniformly from [a, b)."""
    return _fill(tensor, (generator or default_generator()).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    return _fill(tensor, (generator or default_generator()).normal(mean, std, tensor.shape))


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, np.zeros(tensor.shape))


def constant_(tensor: Tensor, value: float) -> Tensor:
    return _fill(tensor, np.full(tensor.shape, value))


def fan_in(tensor: Tensor) -> int:
    """Inputs per output: the second dimension of a (out, in) weight."""
    return int(np.prod(tensor.shape[1:])) if tensor.ndim > 1 else tensor.shape[0]


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, generator=None) -> Tensor:
    """He initialization for a leaky ReLU of negative slope `a`, uniform."""
    gain = math.sqrt(2.0 / (1 + a * a))
    bound = gain * math.sqrt(3.0 / fan_in(tensor))
    return uniform_(tensor, -bound, bound, generator)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    fan_out = tensor.shape[0]
    bound = gain * math.sqrt(6.0 / (fan_in(tensor) + fan_out))
    return uniform_(tensor, -bound, bound, generator)
