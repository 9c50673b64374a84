"""Helpers imported by the control-flow corpus (differentiated through, not inlined)."""

import numpy as np


def polar(x, y):
    r = np.sqrt(x * x + y * y)
    return r, np.arctan2(y, x)


def imported_scale(x):
    return 2.0 * x * x


def power_series(v, n):
    out = np.zeros(v.shape[0])
    term = np.ones(v.shape[0])
    for k in range(n):
        out = out + term
        term = term * v
    return out


def scaled(x, factor=1.0):
    return x * factor
