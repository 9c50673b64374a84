"""Rules for Python's operators and their NumPy ufunc twins: + - * / ** % // unary -, abs.

Where an operation has a kink or an edge case (0 ** 0, a tie, |x| at NaN), the rule follows
PyTorch.
Comparisons and floor division have zero derivative.
"""

import builtins
import math
import operator

import numpy as np

from ..runtime import select
from .registry import rule, zero_derivative
from .templates import d


@rule(operator.add, np.add, elementwise=True, total=True)
def add(ans, x, y):
    d[x] = d[ans]
    d[y] = d[ans]


@rule(operator.sub, np.subtract, elementwise=True, total=True)
def sub(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans]


@rule(operator.mul, np.multiply, elementwise=True, total=True)
def mul(ans, x, y):
    d[x] = d[ans] * y
    d[y] = d[ans] * x


@rule(operator.truediv, np.divide, np.true_divide, elementwise=True)
def truediv(ans, x, y):
    d[x] = d[ans] / y
    d[y] = -d[ans] * (x / y / y)  # not x / (y * y), whose y * y underflows to 0 (PyTorch's form)


@rule(operator.pow, np.power, builtins.pow, math.pow, elementwise=True)
def power(ans, x, y):
    # (y - 1.0: a float literal is read in the arguments' float type, where numba would
    # take float32 - 1 for a float64)
    d[x] = d[ans] * select(y == 0, 0.0, y * x ** (y - 1.0))
    d[y] = d[ans] * select((x == 0) & (y >= 0), 0.0, ans * np.log(x))


@rule(operator.mod, np.mod, np.remainder, elementwise=True)
def mod(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * (x // y)  # not np.floor(x / y): 1.0 // -inf is -1, as in PyTorch


@rule(operator.neg, np.negative, elementwise=True, total=True)
def neg(ans, x):
    d[x] = -d[ans]


@rule(operator.pos, np.positive, elementwise=True, total=True)
def pos(ans, x):
    d[x] = d[ans]


@rule(builtins.abs, np.abs, np.fabs, math.fabs, forward=np.abs, forward_always=True)
def absolute(ans, x):
    return select(x > 0, 1.0, select(x < 0, -1.0, 0.0))  # np.sign(x), but 0 at NaN (PyTorch)


zero_derivative(operator.floordiv, np.floor_divide, elementwise=True)
zero_derivative(  # (the bitwise operators take truth values: of floats, NumPy refuses them)
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, operator.invert, operator.and_, operator.or_, operator.xor,
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor, elementwise=True,
    dtype="bool",
)
