"""Rules for elementwise functions of `math` and NumPy: exp, log, trigonometry, max/min, where.

Most are given by their partial derivative alone. Where a function has a kink or a tie
(maximum, clip), the rule follows PyTorch's choice, so that the tape engine and PyTorch agree.
"""

import builtins
import math

import numpy as np

from ..runtime import (
    ceil_int,
    clip,
    extremum_share,
    floor_int,
    round_int,
    select,
    to_int,
    trunc_int,
)
from .registry import rule, zero_derivative
from .templates import d


@rule(np.exp, math.exp)
def exp(ans, x):
    return ans


@rule(np.exp2)
def exp2(ans, x):
    return ans * 0.6931471805599453  # log(2), a literal: in the values' float type


@rule(np.expm1, math.expm1)
def expm1(ans, x):
    return ans + 1


@rule(np.log, math.log)
def log(ans, x):
    return 1 / x


@rule(np.log2, math.log2)
def log2(ans, x):
    return 1 / (x * 0.6931471805599453)  # log(2)


@rule(np.log10, math.log10)
def log10(ans, x):
    return 1 / (x * 2.302585092994046)  # log(10)


@rule(np.log1p, math.log1p)
def log1p(ans, x):
    return 1 / (1 + x)


@rule(np.sqrt, math.sqrt)
def sqrt(ans, x):
    return 1 / (2 * ans)


@rule(np.square)
def square(ans, x):
    return 2 * x


@rule(np.reciprocal)
def reciprocal(ans, x):
    return -ans * ans


@rule(np.sin, math.sin)
def sin(ans, x):
    return np.cos(x)


@rule(np.cos, math.cos)
def cos(ans, x):
    return -np.sin(x)


@rule(np.tan, math.tan)
def tan(ans, x):
    return 1 + ans * ans


@rule(np.arcsin, math.asin)
def arcsin(ans, x):
    return 1 / np.sqrt(1 - x * x)


@rule(np.arccos, math.acos)
def arccos(ans, x):
    return -1 / np.sqrt(1 - x * x)


@rule(np.arctan, math.atan)
def arctan(ans, x):
    return 1 / (1 + x * x)


@rule(np.arctan2, math.atan2, elementwise=True)
def arctan2(ans, y, x):
    norm = x * x + y * y
    r = d[ans] * select(norm == 0, 0.0, 1 / norm)  # no gradient at (0, 0), as in PyTorch
    d[y] = r * x
    d[x] = -r * y


@rule(np.hypot, math.hypot)
def hypot(ans, x, y):
    return x / ans, y / ans


@rule(np.sinh, math.sinh)
def sinh(ans, x):
    return np.cosh(x)


@rule(np.cosh, math.cosh)
def cosh(ans, x):
    return np.sinh(x)


@rule(np.tanh, math.tanh)
def tanh(ans, x):
    return 1 - ans * ans


@rule(np.maximum, elementwise=True)
def maximum(ans, a, b):
    d[a] = extremum_share(d[ans], a, b, True)
    d[b] = extremum_share(d[ans], b, a, True)


@rule(np.minimum, elementwise=True)
def minimum(ans, a, b):
    d[a] = extremum_share(d[ans], a, b, False)
    d[b] = extremum_share(d[ans], b, a, False)


@rule(builtins.max, elementwise=True)
def builtin_max(ans, a, b):
    d[a] = select(b > a, 0.0, d[ans])
    d[b] = select(b > a, d[ans], 0.0)


@rule(builtins.min, elementwise=True)
def builtin_min(ans, a, b):
    d[a] = select(b < a, 0.0, d[ans])
    d[b] = select(b < a, d[ans], 0.0)


@rule(np.where, elementwise=True, loop="select")
def where(ans, condition, x, y):
    d[x] = select(condition, d[ans], 0.0)
    d[y] = select(condition, 0.0, d[ans])


@rule(np.clip, clip, elementwise=True, forward=clip, forward_always=True)
def clip_(ans, a, a_min, a_max):
    d[a] = select((a >= a_min) & (a <= a_max), d[ans], 0.0)
    d[a_min] = select((a < a_min) & (a_min < a_max), d[ans], 0.0)
    d[a_max] = select((a > a_max) | (a_max < a_min), d[ans], 0.0)


@rule(builtins.float, elementwise=True)
def to_float(ans, x):
    d[x] = d[ans]


# np.float64(x) of a float64 array is x itself, not a copy
@rule(np.float64, np.float32, elementwise=True, view=True)
def to_numpy_float(ans, x):
    d[x] = d[ans]


zero_derivative(np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
                elementwise=True)
zero_derivative(np.isnan, np.isinf, np.isfinite, np.signbit, math.isnan, math.isinf,
                math.isfinite, builtins.bool, elementwise=True, dtype="bool")
# Compiled, these would turn NaN and infinity into arbitrary integers; Python raises instead.
zero_derivative(builtins.int, forward=to_int, elementwise=True, dtype="int64")
zero_derivative(math.floor, forward=floor_int, elementwise=True, dtype="int64")
zero_derivative(math.ceil, forward=ceil_int, elementwise=True, dtype="int64")
zero_derivative(math.trunc, forward=trunc_int, elementwise=True, dtype="int64")
zero_derivative(builtins.round, forward=round_int, elementwise=True, dtype="int64")
