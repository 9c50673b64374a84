"""Derivative rules and the facts of their primitives, grouped by domain, and the registry.

    registry.py     `rule`, `zero_derivative`, `declare`; `lookup`, `facts_of`
    templates.py    a rule's template parsed into a `Rule`, and instantiated for a call
    operators.py    + - * / ** % // unary -, abs, comparisons
    elementwise.py  exp, log, trigonometry, maximum/minimum, where, clip, angles, copysign,
                    fmax/fmin, nan_to_num, real/conj (math and NumPy); math.erf/erfc/lgamma
    arrays.py       reductions, cumsum, reshape/transpose, indexing, creation
    products.py     matmul (@), dot, outer, trace, einsum, inner, tensordot
    joining.py      concatenate, stack, vstack, hstack, column_stack, dstack, array of a
                    sequence (each element an operand: `sequence=True`)
    special.py      scipy.special: erf, erfc, gammaln, digamma, expit, logit, xlogy,
                    xlog1py, logsumexp, softmax, log_softmax (registered once SciPy is
                    imported: registry.py)
    statistics.py   prod, var, std, ptp, nansum, nanmean, average; cumprod, diff
    layout.py       expand_dims, atleast_2d, broadcast_to, flip(ud/lr), swapaxes, moveaxis,
                    tril, triu

A new primitive is its declaration, its runtime helpers, its tape op and its tests; no stage
keeps a list to add it to. np.cumsum, the worked example:

1. Its declaration, in its domain's file (arrays.py): the rule, what generated code calls
   where numba lacks the function (`forward`; it has the primitive's facts), and the facts:

       @rule(np.cumsum, Method("cumsum"), forward=cumsum, forward_always=True,
             allocates=True, shape=_cumulated)
       def cumsum_(ans, a, axis=None):
           d[a] = cumsum_adjoint(d[ans], a, axis)

2. Its helpers, beside their kin (astgrad/runtime/reductions.py): `cumsum` and
   `cumsum_adjoint`, each NumPy code with a numba `@overload`, the adjoint stating its facts
   with `@helper(allocates=True, shape=of_second)`. Generated code imports them from there.
3. Its tape op (astgrad/tape/ops/reductions.py), NumPy dispatch (tape/numpy_api.py) and
   method (`Tensor.cumsum`).
4. Its tests: a case in tests/corpus/rules.py (finite differences and the tape, compiled and
   not), an example call in tests/test_primitives.py (its facts against NumPy), a form the
   fuzzer draws (tests/fuzz/programs.py).

The specializer keeps a call it has no loop form for, and still knows its result's shape from
the facts: what follows it is specialized (tests/test_specialize.py running_sums).
"""

from . import (  # noqa: F401  (registering is importing)
    arrays,
    elementwise,
    joining,
    layout,
    operators,
    products,
    statistics,
)
from .registry import declare, declared, facts_of, lookup, rule, zero_derivative
from .templates import d

__all__ = ["d", "declare", "declared", "facts_of", "lookup", "rule", "zero_derivative"]
