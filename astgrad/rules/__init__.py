"""Derivative rules, grouped by domain, and the registry that looks them up.

    registry.py     the `rule` decorator, `zero_derivative`, `lookup`, template instantiation
    operators.py    + - * / ** % // unary -, abs, comparisons
    elementwise.py  exp, log, trigonometry, maximum/minimum, where, clip (math and NumPy)
    arrays.py       reductions, dot/matmul/outer/trace, reshape/transpose, indexing, creation
"""

from . import arrays, elementwise, operators  # noqa: F401  (registering is importing)
from .registry import d, lookup, rule, zero_derivative

__all__ = ["d", "lookup", "rule", "zero_derivative"]
