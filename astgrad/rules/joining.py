"""Rules for arrays joined into one: np.concatenate, np.stack, np.vstack, np.hstack,
np.column_stack, np.dstack, and np.array of numbers or arrays.

Each takes a sequence of arrays, written in the call as a tuple or a list (`sequence=True`:
each element is an operand of its own); the adjoint of the sequence is a tuple of parts of
the result's adjoint, one for each operand (astgrad/runtime/joining.py).
"""

import numpy as np

from .. import shapes
from ..runtime.joining import (
    array,
    column_stack,
    column_stack_adjoint,
    concatenate,
    dstack,
    dstack_adjoint,
    hstack,
    hstack_adjoint,
    joined_adjoint,
    stacked_adjoint,
    vstack,
    vstack_adjoint,
)
from .registry import rule
from .templates import d


@rule(np.concatenate, forward=concatenate, sequence=True, allocates=True, shape=shapes.joined)
def concatenate_(ans, arrays, axis=0):
    d[arrays] = joined_adjoint(d[ans], arrays, axis)


@rule(np.stack, sequence=True, allocates=True, shape=shapes.stacked)
def stack(ans, arrays, axis=0):
    d[arrays] = stacked_adjoint(d[ans], arrays, axis)


@rule(np.vstack, forward=vstack, forward_always=True, sequence=True, allocates=True,
      shape=shapes.vstacked)
def vstack(ans, arrays):
    d[arrays] = vstack_adjoint(d[ans], arrays)


@rule(np.hstack, forward=hstack, forward_always=True, sequence=True, allocates=True,
      shape=shapes.hstacked)
def hstack(ans, arrays):
    d[arrays] = hstack_adjoint(d[ans], arrays)


@rule(np.column_stack, forward=column_stack, forward_always=True, sequence=True,
      allocates=True, shape=shapes.column_stacked)
def column_stack(ans, arrays):
    d[arrays] = column_stack_adjoint(d[ans], arrays)


@rule(np.dstack, forward=dstack, forward_always=True, sequence=True, allocates=True,
      shape=shapes.dstacked)
def dstack(ans, arrays):
    d[arrays] = dstack_adjoint(d[ans], arrays)


# np.array(x) copies an array; np.array((a, b, c)) of numbers or of arrays of one shape stacks
# them: the adjoint of element k is row k of the result's.
@rule(np.array, forward=array, forward_always=True, sequence=True, allocates=True,
      shape=shapes.arrayed)
def array_(ans, a):
    d[a] = d[ans]
