"""Rules for elementwise functions of `math` and NumPy: exp, log, trigonometry, max/min, where,
angles, the float functions (copysign, fmax, nan_to_num) and the real parts of real numbers.

Most are given by their partial derivative alone. Where a function has a kink or a tie
(maximum, clip), the rule follows PyTorch's choice, so that the tape engine and PyTorch agree.
"""

import builtins
import math

import numpy as np

from ..ir import Attribute, Method
from ..runtime import (
    ceil_int,
    clip,
    extremum_share,
    floor_int,
    heaviside,
    round_int,
    select,
    to_int,
    trunc_int,
)
from ..runtime.special import digamma
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


@rule(np.logaddexp, elementwise=True)
def logaddexp(ans, x, y):
    # (not exp(x - ans): of x = -inf and y = inf, that is NaN; this 0 and 1, as PyTorch)
    d[x] = d[ans] / (1 + np.exp(y - x))
    d[y] = d[ans] / (1 + np.exp(x - y))


@rule(np.logaddexp2, elementwise=True)
def logaddexp2(ans, x, y):
    d[x] = d[ans] / (1 + np.exp2(y - x))
    d[y] = d[ans] / (1 + np.exp2(x - y))


@rule(np.log1p, math.log1p)
def log1p(ans, x):
    return 1 / (1 + x)


@rule(np.sqrt, math.sqrt)
def sqrt(ans, x):
    return 1 / (2 * ans)


@rule(np.cbrt)
def cbrt(ans, x):
    return 1 / (3 * ans * ans)


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


@rule(math.erf)  # (scipy.special.erf's rule: special.py)
def math_erf(ans, x):
    return 1.1283791670955126 * np.exp(-x * x)  # 2 / sqrt(pi) exp(-x²)


@rule(math.erfc)
def math_erfc(ans, x):
    return -1.1283791670955126 * np.exp(-x * x)


@rule(math.lgamma)
def math_lgamma(ans, x):
    return digamma(x)


@rule(np.tanh, math.tanh)
def tanh(ans, x):
    return 1 - ans * ans


@rule(np.arcsinh, math.asinh)
def arcsinh(ans, x):
    return 1 / np.sqrt(x * x + 1)


@rule(np.arccosh, math.acosh)
def arccosh(ans, x):
    return 1 / np.sqrt(x * x - 1)


@rule(np.arctanh, math.atanh)
def arctanh(ans, x):
    return 1 / (1 - x * x)


@rule(np.sinc, elementwise=True)
def sinc(ans, x):
    # sin(pi x) / (pi x): its derivative (cos(pi x) - sinc(x)) / x loses its digits to the
    # difference near 0, where its series -pi^2 x / 3 + pi^4 x^3 / 30 - pi^6 x^5 / 840 is
    # exact to 1e-13 (and 0 at 0); the quotient divides by 1 there, without a 0 / 0
    series = x * (-3.289868133696453 + x * x * (3.246969701133414 - x * x * 1.144510944732505))
    quotient = (np.cos(x * 3.141592653589793) - ans) / select(x == 0, 1.0, x)
    d[x] = d[ans] * select(np.abs(x) < 0.01, series, quotient)


@rule(np.deg2rad, np.radians, math.radians)
def radians(ans, x):
    return 0.017453292519943295  # pi / 180, a literal: in the values' float type


@rule(np.rad2deg, np.degrees, math.degrees)
def degrees(ans, x):
    return 57.29577951308232  # 180 / pi


@rule(np.maximum, elementwise=True)
def maximum(ans, a, b):
    d[a] = extremum_share(d[ans], a, b, True)
    d[b] = extremum_share(d[ans], b, a, True)


@rule(np.minimum, elementwise=True)
def minimum(ans, a, b):
    d[a] = extremum_share(d[ans], a, b, False)
    d[b] = extremum_share(d[ans], b, a, False)


@rule(np.fmax, elementwise=True)
def fmax(ans, a, b):
    # the first where it is the larger, a tie, or b is NaN (PyTorch): no tie is shared
    first = (a >= b) | (b != b)
    d[a] = select(first, d[ans], 0.0)
    d[b] = select(first, 0.0, d[ans])


@rule(np.fmin, elementwise=True)
def fmin(ans, a, b):
    first = (a <= b) | (b != b)
    d[a] = select(first, d[ans], 0.0)
    d[b] = select(first, 0.0, d[ans])


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


@rule(np.copysign, math.copysign, elementwise=True)
def copysign(ans, x1, x2):
    # |x1| with x2's sign: d ans / d x1 is +1 or -1, 0 at x1 == 0 (PyTorch); none for x2
    d[x1] = d[ans] * select(x1 == 0, 0.0, ans / x1)


@rule(np.float_power, elementwise=True, dtype="float64")
def float_power(ans, x, y):
    # (power's rule: its result is float64 whatever the operands)
    d[x] = d[ans] * select(y == 0, 0.0, y * x ** (y - 1.0))
    d[y] = d[ans] * select((x == 0) & (y >= 0), 0.0, ans * np.log(x))


@rule(np.nan_to_num, elementwise=True)
def nan_to_num(ans, x, nan=0.0, posinf=None, neginf=None):  # (copy=False: refused, no rule)
    d[x] = select(np.isfinite(x), d[ans], 0.0)  # replaced values are constants (PyTorch)


# the real part and the conjugate of a real number are itself
@rule(np.real, Attribute("real"), elementwise=True, view=True)
def real(ans, x):
    d[x] = d[ans]


@rule(Method("conj"), Method("conjugate"), elementwise=True, view=True)  # x itself
@rule(np.conjugate, elementwise=True)  # a copy
def conjugate(ans, x):
    d[x] = d[ans]


@rule(builtins.float, elementwise=True)
def to_float(ans, x):
    d[x] = d[ans]


# np.float64(x) of a float64 array is x itself, not a copy
@rule(np.float64, np.float32, elementwise=True, view=True)
def to_numpy_float(ans, x):
    d[x] = d[ans]


zero_derivative(np.imag, Attribute("imag"), elementwise=True)  # of a real number: 0
# (of x2 too: PyTorch has none; the value at 0 is a choice, not a quantity)
zero_derivative(np.heaviside, forward=heaviside, elementwise=True)
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
