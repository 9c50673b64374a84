"""astgrad.tape: a define-by-run reference engine with PyTorch's interface, over NumPy.

    from astgrad import tape

    x = tape.tensor(2.0, requires_grad=True)
    y = tape.tensor(3.0, requires_grad=True)
    z = x * y + 2
    z.backward()
    print(x.grad, y.grad)          # tensor(3.) tensor(2.)

It records each operation on a tape while it runs and walks the tape backward. Its derivative
rules (`astgrad/tape/ops/`) are written apart from the transformer's, so each engine checks
the other. NumPy functions work on tensors (`np.exp(x)`, `np.sum(x, axis=0)`), so a plain NumPy
function can be differentiated by calling it with tensors.
"""

from . import functions, nn, numpy_api, optim  # numpy_api fills NumPy's dispatch tables
from .functions import *  # noqa: F403 (PyTorch's names: tensor, zeros, exp, ...)
from .gradient import grad, value_and_grad
from .graph import enable_grad, is_grad_enabled, no_grad
from .tensor import Tensor

__all__ = [*functions.__all__, "Tensor", "enable_grad", "grad", "is_grad_enabled", "nn",
           "no_grad", "numpy_api", "optim", "value_and_grad"]
