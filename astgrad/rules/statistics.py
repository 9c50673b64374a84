"""Rules for the reductions beyond sums and extremes: np.prod, np.var and np.std (`ddof`),
np.ptp, np.nansum, np.nanmean and np.average (`weights`), each with `axis` (one int or None)
and `keepdims`; and the scans np.cumprod (`axis`) and np.diff (`n`, `axis`).

Their adjoints are runtime helpers (astgrad/runtime/statistics.py) that see the operand as
lines along the axis: prod's is the product of the other elements, multiplied out (exact with
zeros and where the product underflows; PyTorch divides the product by the element where no
element is 0), ptp's shares ties as max's and min's do.
"""

import numpy as np

from ..ir import Method
from ..runtime import extremum_adjoint, reduce_max, reduce_min
from ..runtime.averages import average, average_adjoint, weights_adjoint
from ..runtime.scans import cumprod, cumprod_adjoint, diff, diff_adjoint
from ..runtime.statistics import (
    nan_adjoint,
    nanmean,
    nansum,
    prod_adjoint,
    ptp,
    reduce_prod,
    reduce_std,
    reduce_var,
    var_adjoint,
)
from ..shapes import cumulated, reduced, shape_of
from .registry import rule
from .templates import d


def _spread(a, axis=None, ddof=0, keepdims=False, *_):
    """The shape of np.var's and np.std's result (ddof before keepdims)."""
    return reduced(a, axis, keepdims)


@rule(np.prod, Method("prod"), forward=reduce_prod, allocates=True, number=True, shape=reduced)
def prod(ans, a, axis=None, keepdims=False):
    d[a] = prod_adjoint(d[ans], a, ans, axis, keepdims)


@rule(np.var, Method("var"), forward=reduce_var, allocates=True, number=True, shape=_spread)
def var(ans, a, axis=None, ddof=0, keepdims=False):
    d[a] = var_adjoint(d[ans], a, axis, ddof, keepdims)


@rule(np.std, Method("std"), forward=reduce_std, allocates=True, number=True, shape=_spread)
def std(ans, a, axis=None, ddof=0, keepdims=False):
    # (of a constant line, NaN: its slope is infinite at 0, as PyTorch's)
    d[a] = var_adjoint(d[ans] / (2 * ans), a, axis, ddof, keepdims)


@rule(np.ptp, forward=ptp, allocates=True, number=True, shape=reduced)
def ptp_(ans, a, axis=None, keepdims=False):
    largest = reduce_max(a, axis, keepdims)
    smallest = reduce_min(a, axis, keepdims)
    d[a] = (extremum_adjoint(d[ans], a, largest, axis, keepdims)
            - extremum_adjoint(d[ans], a, smallest, axis, keepdims))


def _averaged(a, axis=None, weights=None, keepdims=False, *_):
    """The shape of np.average's result (weights before keepdims)."""
    return reduced(a, axis, keepdims)


@rule(np.average, forward=average, forward_always=True, allocates=True, number=True,
      shape=_averaged)
def average_(ans, a, axis=None, weights=None, keepdims=False):  # (returned=True: refused)
    d[a] = average_adjoint(d[ans], a, weights, axis, keepdims)
    d[weights] = weights_adjoint(d[ans], a, weights, ans, axis, keepdims)


@rule(np.nansum, forward=nansum, allocates=True, number=True, shape=reduced)
def nansum_(ans, a, axis=None, keepdims=False):
    d[a] = nan_adjoint(d[ans], a, axis, keepdims, False)


@rule(np.nanmean, forward=nanmean, allocates=True, number=True, shape=reduced)
def nanmean_(ans, a, axis=None, keepdims=False):
    d[a] = nan_adjoint(d[ans], a, axis, keepdims, True)


def _differenced(a, n=1, axis=-1):
    """np.diff's result shape: `n` fewer along `axis`."""
    shape = list(shape_of(a))
    shape[axis] -= n
    return tuple(shape)


@rule(np.cumprod, Method("cumprod"), forward=cumprod, forward_always=True, allocates=True,
      shape=cumulated)
def cumprod_(ans, a, axis=None):
    d[a] = cumprod_adjoint(d[ans], a, axis)


# (always diff: numba's np.diff reshapes its operand, which a view such as x[::-1] refuses)
@rule(np.diff, forward=diff, forward_always=True, view=True, shape=_differenced)  # (n=0: a)
def diff_(ans, a, n=1, axis=-1):
    d[a] = diff_adjoint(d[ans], a, n, axis)
