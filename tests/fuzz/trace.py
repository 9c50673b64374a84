"""What a run of a traced program (tests/fuzz/syntax.py) saw: which way each decision went and
how close it came to going the other way; finite differences mean something only when no
perturbed run decides differently."""

import operator

import numpy as np

_COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class Trace:
    """What a run of a traced program saw: its decisions (which way each comparison went,
    which element each max picked, the sign at each abs), the smallest margin to flipping one
    of them, and the largest magnitude of a value assigned."""

    def __init__(self):
        self.decisions: list = []
        self.margin = np.inf
        self.magnitude = 0.0

    def _decide(self, decision, margin) -> None:
        self.decisions.append(np.asarray(decision).tolist())
        if np.size(margin):
            self.margin = min(self.margin, float(np.min(margin)))

    def compare(self, a, op, b):
        result = _COMPARISONS[op](a, b)
        self._decide(result, np.abs(np.subtract(a, b)))
        return result

    def value(self, *values):
        """The value (or the values, as a tuple) assigned or returned, noting its size."""
        for value in values[0] if isinstance(values[0], tuple) else values:  # a helper's pair
            if np.size(value):
                self.magnitude = max(self.magnitude, float(np.max(np.abs(value))))
        return values[0] if len(values) == 1 else values

    def abs(self, x):
        self._decide(np.asarray(x) > 0, np.abs(x))
        return np.abs(x)

    def fabs(self, x):
        return self.abs(x)

    def cbrt(self, x):
        self._decide(np.asarray(x) > 0, np.abs(x))
        return np.cbrt(x)

    def maximum(self, a, b):
        self._decide(np.greater(a, b), np.abs(np.subtract(a, b)))
        return np.maximum(a, b)

    def minimum(self, a, b):
        self._decide(np.greater(a, b), np.abs(np.subtract(a, b)))
        return np.minimum(a, b)

    def fmax(self, a, b):
        return self.maximum(a, b)

    def fmin(self, a, b):
        return self.minimum(a, b)

    def copysign(self, a, b):
        """|a| with b's sign: its slope in a flips at a = 0, its value at b = 0."""
        signs = (np.asarray(a) > 0) * 2 + (np.asarray(b) > 0)
        self._decide(signs, np.minimum(np.abs(a), np.abs(b)))
        return np.copysign(a, b)

    def max(self, a, axis=None, keepdims=False):
        self._extremum(np.asarray(a), axis)
        return np.max(a, axis=axis, keepdims=keepdims)

    def min(self, a, axis=None, keepdims=False):
        self._extremum(-np.asarray(a), axis)
        return np.min(a, axis=axis, keepdims=keepdims)

    def ptp(self, a, axis=None, keepdims=False):
        self._extremum(np.asarray(a), axis)
        self._extremum(-np.asarray(a), axis)
        return np.ptp(a, axis=axis, keepdims=keepdims)

    def std(self, a, axis=None, keepdims=False):
        """(its slope is infinite where it is 0: how far it is from 0 is the margin)"""
        spread = np.std(a, axis=axis, keepdims=keepdims)
        self._decide(np.asarray(spread) > 0, spread)
        return spread

    def _extremum(self, a, axis) -> None:
        """The largest element's position, and its lead over the runner-up (a tie is a kink)."""
        a = a.reshape(-1) if axis is None else np.moveaxis(a, axis, -1)
        ranked = np.sort(a, axis=-1)
        lead = ranked[..., -1] - ranked[..., -2] if a.shape[-1] > 1 else np.inf
        self._decide(np.argmax(a, axis=-1), lead)
