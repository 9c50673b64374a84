"""astgrad: reverse-mode gradients of numeric Python by source transformation, compiled by numba.

    import astgrad, numpy as np

    def f(x, y):
        return np.sum(np.tanh(x * y) ** 2)

    df = astgrad.grad(f, wrt=(0, 1))      # a tuple of gradients, one per argument
    dx, dy = df(np.ones(3), 2.0)
    print(df.source)                      # the generated gradient, readable
"""

from . import testing
from .api import __version__, grad, specialized, value_and_grad
from .errors import (
    AstgradError,
    CompileError,
    GradientRuntimeError,
    InputError,
    NonScalarOutputError,
    NoRuleError,
    SourceUnavailableError,
    SpecializationWarning,
    UnsupportedSyntaxError,
    WrtError,
)
from .ir import Attribute, Method
from .rules import d, rule, zero_derivative
from .runtime import stop_gradient

__all__ = [
    "AstgradError", "Attribute", "CompileError", "GradientRuntimeError", "InputError", "Method",
    "NoRuleError", "NonScalarOutputError", "SourceUnavailableError", "SpecializationWarning",
    "UnsupportedSyntaxError",
    "WrtError", "__version__", "d", "grad", "rule", "specialized", "stop_gradient",
    "testing", "value_and_grad", "zero_derivative",
]
