"""Rules for products of arrays: matmul (`@`), dot, outer, trace, einsum, inner, tensordot.

Each adjoint has the shape of its operand by construction (these rules do not broadcast), so
each is one call to a runtime helper that knows the formula for each operand rank
(astgrad/runtime/linalg.py), or, for np.einsum, writes the loops its subscripts denote
(astgrad/runtime/einsum.py).
"""

import operator

import numpy as np

from .. import shapes
from ..ir import Method
from ..runtime import (
    matmul_adjoint_a,
    matmul_adjoint_b,
    outer_adjoint_a,
    outer_adjoint_b,
    promoted_dot,
    promoted_matmul,
    trace,
    trace_adjoint,
)
from ..runtime.einsum import (
    einsum,
    einsum_adjoint,
    inner,
    inner_adjoint,
    tensordot,
    tensordot_adjoint,
)
from .registry import rule
from .templates import d


@rule(np.matmul, operator.matmul, forward=promoted_matmul, forward_always=True,
      allocates=True, shape=shapes.matmul, loop="product")
def matmul(ans, a, b):
    d[a] = matmul_adjoint_a(d[ans], a, b)
    d[b] = matmul_adjoint_b(d[ans], a, b)


@rule(np.dot, Method("dot"), forward=promoted_dot, forward_always=True,
      allocates=True, shape=shapes.dot, loop="product")
def dot(ans, a, b):
    d[a] = matmul_adjoint_a(d[ans], a, b)
    d[b] = matmul_adjoint_b(d[ans], a, b)


@rule(np.outer, allocates=True, shape=shapes.outer)
def outer(ans, a, b):
    d[a] = outer_adjoint_a(d[ans], a, b)
    d[b] = outer_adjoint_b(d[ans], a, b)


@rule(np.trace, forward=trace, forward_always=True, allocates=True, shape=shapes.trace)
def trace_(ans, a):
    d[a] = trace_adjoint(d[ans], a)


# Up to four operands, each differentiated through the same helper: the adjoint of operand k
# is an einsum of the output's adjoint and the others (None stands for an operand not given).
# NumPy's result may be a view of an operand ('ii->i'); the helper's is a new array.
@rule(np.einsum, forward=einsum, forward_always=True, view=True, shape=shapes.einsum)
def einsum_(ans, subscripts, a0, a1=None, a2=None, a3=None):
    d[a0] = einsum_adjoint(d[ans], 0, subscripts, a0, a1, a2, a3)
    d[a1] = einsum_adjoint(d[ans], 1, subscripts, a0, a1, a2, a3)
    d[a2] = einsum_adjoint(d[ans], 2, subscripts, a0, a1, a2, a3)
    d[a3] = einsum_adjoint(d[ans], 3, subscripts, a0, a1, a2, a3)


# np.inner and np.tensordot (with a number of axes) are the einsums their operands' ranks
# denote (astgrad/subscripts.py), compiled as einsum is.
@rule(np.inner, forward=inner, forward_always=True, allocates=True, shape=shapes.inner)
def inner_(ans, a, b):
    d[a] = inner_adjoint(d[ans], 0, a, b)
    d[b] = inner_adjoint(d[ans], 1, a, b)


@rule(np.tensordot, forward=tensordot, forward_always=True, allocates=True,
      shape=shapes.tensordot)
def tensordot_(ans, a, b, axes=2):
    d[a] = tensordot_adjoint(d[ans], 0, a, b, axes)
    d[b] = tensordot_adjoint(d[ans], 1, a, b, axes)
