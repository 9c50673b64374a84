"""Hypothesis strategies for drawing corpus inputs away from kinks, and the weight probe."""

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from .corpus.specs import A, F, I


def values(shape, low, high, dtype=np.float64):
    """A Python float for shape (), else an array, with elements in [low, high]."""
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    if shape == ():
        return elements
    return arrays(dtype, shape, elements=elements.map(lambda v: float(np.asarray(v, dtype))))


def _distance_to_grid(x, step):
    return np.abs(x / step - np.round(x / step)) * step


def away_from_kinks(kink: str | None, args: list) -> None:
    """`assume` that the arguments keep clear of the function's kinks and discontinuities."""
    a = [np.asarray(v, dtype=np.float64) for v in args]
    gap = 0.02
    if kink == "zero":
        assume(all(np.all(np.abs(v) > 0.1) for v in a))
    elif kink == "tie":
        assume(np.all(np.abs(a[0] - a[1]) > gap))
    elif kink == "mod":
        assume(np.all(_distance_to_grid(a[0] / a[1], 1.0) > gap))
    elif kink == "where":
        assume(np.all(np.abs(a[0] - 0.3) > gap))
    elif kink == "bounds" and len(a) == 1:
        assume(np.all(np.abs(np.abs(a[0]) - 0.5) > gap))
    elif kink == "bounds":
        assume(np.all(np.abs(a[0] - a[1]) > gap) and np.all(np.abs(a[0] - a[1] - 1.0) > gap))
    elif kink == "integer":
        assume(np.all(_distance_to_grid(a[0], 0.5) > gap))
    elif kink == "spread":  # a standard deviation's slope is infinite where it is 0
        assume(all(np.min(np.std(a[0], axis=k)) > 0.1 for k in range(a[0].ndim)))
    elif kink == "distinct":
        flat = np.sort(a[0].ravel())
        assume(flat.size < 2 or np.min(np.diff(flat)) > gap)


class ShapeProbe:
    """Stands in for `w` to find the shape of what the function multiplies by it."""

    __array_ufunc__ = None  # make NumPy defer `array * probe` to ShapeProbe.__rmul__

    def __init__(self):
        self.shape = None

    def __rmul__(self, other):
        self.shape = np.shape(other)
        return 0.0

    __mul__ = __rmul__


def weight_shape(function, args) -> tuple:
    probe = ShapeProbe()
    function(*args, probe)
    return probe.shape


def _strategy(spec):
    if isinstance(spec, F):
        return values((), spec.low, spec.high)
    if isinstance(spec, A):
        return values(spec.shape, spec.low, spec.high)
    if isinstance(spec, I):
        return st.integers(spec.low, spec.high)
    raise TypeError(spec)


def drawn(case):
    """Arguments for a corpus case (tests/corpus/specs.py), arrays fresh."""
    return st.tuples(*(_strategy(s) for s in case.args)).map(
        lambda args: [a.copy() if isinstance(a, np.ndarray) else a for a in args])
