"""Derivative rules and the facts of their primitives, grouped by domain, and the registry.

    registry.py     `rule`, `zero_derivative`, `declare`; `lookup`, `facts_of`; instantiation
    operators.py    + - * / ** % // unary -, abs, comparisons
    elementwise.py  exp, log, trigonometry, maximum/minimum, where, clip (math and NumPy)
    arrays.py       reductions, dot/matmul/outer/trace, reshape/transpose, indexing, creation
"""

from . import arrays, elementwise, operators  # noqa: F401  (registering is importing)
from .registry import d, declare, declared, facts_of, lookup, rule, zero_derivative

__all__ = ["d", "declare", "declared", "facts_of", "lookup", "rule", "zero_derivative"]
