"""Elementwise primitives: arithmetic, the elementary functions, activations.

Each returns its value and, beside it, the gradient it sends to each operand; broadcasting is
undone by the tape. Formulas follow PyTorch's `derivatives.yaml` where it has a particular
one (ties of maximum and minimum share the gradient, pow's edge cases give zero).
"""

import math

import numpy as np

from . import primitive

LN2, LN10 = np.log(2.0), np.log(10.0)

# -- arithmetic -------------------------------------------------------------------------------


@primitive("AddBackward0")
def add(x, y):
    return np.add(x, y), lambda g: (g, g)


@primitive("SubBackward0")
def subtract(x, y):
    return np.subtract(x, y), lambda g: (g, -g)


@primitive("MulBackward0")
def multiply(x, y):
    return np.multiply(x, y), lambda g: (g * y, g * x)


@primitive("DivBackward0")
def divide(x, y):
    return np.divide(x, y), lambda g: (g / y, -g * ((x / y) / y))


@primitive("NegBackward0")
def negative(x):
    return np.negative(x), lambda g: (-g,)


@primitive("PositiveBackward0")
def positive(x):
    return np.positive(x), lambda g: (g,)


@primitive("PowBackward1")
def power(x, y):
    out = np.power(x, y)

    def vjp(g):
        dx = np.where(np.equal(y, 0), 0.0, g * (y * np.power(x, np.subtract(y, 1))))
        dy = np.where(np.equal(x, 0) & np.greater_equal(y, 0), 0.0, g * (out * np.log(x)))
        return dx, dy

    return out, vjp


@primitive("RemainderBackward0")
def remainder(x, y):
    return np.remainder(x, y), lambda g: (g, -g * np.floor_divide(x, y))


@primitive("AbsBackward0")
def absolute(x):
    sign = np.greater(x, 0) * 1.0 - np.less(x, 0) * 1.0  # np.sign(x), but 0 at NaN (PyTorch)
    return np.absolute(x), lambda g: (g * sign,)


def _pairwise_extremum(name, function, loses):
    @primitive(name)
    def extremum(x, y):
        def vjp(g):
            shared = np.where(np.equal(x, y), g / 2, g)  # a tie shares the gradient
            return np.where(loses(x, y), 0.0, shared), np.where(loses(y, x), 0.0, shared)

        return function(x, y), vjp

    return extremum


maximum = _pairwise_extremum("MaximumBackward0", np.maximum, np.less)
minimum = _pairwise_extremum("MinimumBackward0", np.minimum, np.greater)


def _nan_ignoring_extremum(name, function, wins):
    @primitive(name)
    def extremum(x, y):
        def vjp(g):  # x's where it wins or ties, or y is NaN: no tie shared (PyTorch)
            first = wins(x, y) | np.equal(x, y) | np.isnan(y)
            return np.where(first, g, 0.0), np.where(first, 0.0, g)

        return function(x, y), vjp

    return extremum


fmax = _nan_ignoring_extremum("FmaxBackward0", np.fmax, np.greater)
fmin = _nan_ignoring_extremum("FminBackward0", np.fmin, np.less)


@primitive("CopysignBackward0")
def copysign(x, y):
    out = np.copysign(x, y)

    def vjp(g):  # +1 or -1: the ratio, NaN at an infinite x (PyTorch), 0 at x = 0
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = out / x
        return g * np.where(np.equal(x, 0), 0.0, ratio), np.zeros_like(g)

    return out, vjp


@primitive("NanToNumBackward0")
def nan_to_num(x, **replacements):
    return np.nan_to_num(x, **replacements), lambda g: (np.where(np.isfinite(x), g, 0.0),)


@primitive("ConjBackward0")
def conjugate(x):
    return np.conjugate(x), lambda g: (g,)


# -- exponentials and logarithms ----------------------------------------------------------------


@primitive("ExpBackward0")
def exp(x):
    y = np.exp(x)
    return y, lambda g: (g * y,)


@primitive("Exp2Backward0")
def exp2(x):
    y = np.exp2(x)
    return y, lambda g: (g * y * LN2,)


@primitive("Expm1Backward0")
def expm1(x):
    y = np.expm1(x)
    return y, lambda g: (g * (y + 1),)


@primitive("LogBackward0")
def log(x):
    return np.log(x), lambda g: (g / x,)


@primitive("Log2Backward0")
def log2(x):
    return np.log2(x), lambda g: (g / (x * LN2),)


@primitive("Log10Backward0")
def log10(x):
    return np.log10(x), lambda g: (g / (x * LN10),)


@primitive("LogAddExpBackward0")
def logaddexp(x, y):
    out = np.logaddexp(x, y)
    return out, lambda g: (g / (1 + np.exp(y - x)), g / (1 + np.exp(x - y)))


@primitive("LogAddExp2Backward0")
def logaddexp2(x, y):
    out = np.logaddexp2(x, y)
    return out, lambda g: (g / (1 + np.exp2(y - x)), g / (1 + np.exp2(x - y)))


@primitive("Log1PBackward0")
def log1p(x):
    return np.log1p(x), lambda g: (g / (x + 1),)


@primitive("SqrtBackward0")
def sqrt(x):
    y = np.sqrt(x)
    return y, lambda g: (g / (2 * y),)


@primitive("CbrtBackward0")
def cbrt(x):
    y = np.cbrt(x)
    return y, lambda g: (g / (3 * y * y),)


@primitive("FloatPowerBackward0")
def float_power(x, y):
    out, vjp = power.forward(np.asarray(x, np.float64), np.asarray(y, np.float64))
    return out, vjp


@primitive("PowBackward0")
def square(x):
    return np.square(x), lambda g: (g * (2.0 * x),)


@primitive("ReciprocalBackward0")
def reciprocal(x):
    y = np.reciprocal(x)
    return y, lambda g: (-g * (y * y),)


# -- trigonometric and hyperbolic ------------------------------------------------------------


@primitive("SinBackward0")
def sin(x):
    return np.sin(x), lambda g: (g * np.cos(x),)


@primitive("CosBackward0")
def cos(x):
    return np.cos(x), lambda g: (g * -np.sin(x),)


@primitive("TanBackward0")
def tan(x):
    y = np.tan(x)
    return y, lambda g: (g * (1 + y * y),)


@primitive("AsinBackward0")
def arcsin(x):
    return np.arcsin(x), lambda g: (g / np.sqrt(1 - x * x),)


@primitive("AcosBackward0")
def arccos(x):
    return np.arccos(x), lambda g: (-g / np.sqrt(1 - x * x),)


@primitive("AtanBackward0")
def arctan(x):
    return np.arctan(x), lambda g: (g / (x * x + 1),)


@primitive("Atan2Backward0")
def arctan2(y, x):
    def vjp(g):
        norm = x * x + y * y
        with np.errstate(divide="ignore"):
            scale = np.where(np.equal(norm, 0), 0.0, 1 / norm)  # none at (0, 0): PyTorch's
        return g * x * scale, g * -y * scale

    return np.arctan2(y, x), vjp


@primitive("HypotBackward0")
def hypot(x, y):
    out = np.hypot(x, y)
    return out, lambda g: (g * x / out, g * y / out)


@primitive("AsinhBackward0")
def arcsinh(x):
    return np.arcsinh(x), lambda g: (g / np.sqrt(x * x + 1),)


@primitive("AcoshBackward0")
def arccosh(x):
    return np.arccosh(x), lambda g: (g / np.sqrt(x * x - 1),)


@primitive("AtanhBackward0")
def arctanh(x):
    return np.arctanh(x), lambda g: (g / (1 - x * x),)


@primitive("SincBackward0")
def sinc(x):
    def vjp(g):
        angle = np.pi * x
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            slope = (angle * np.cos(angle) - np.sin(angle)) / (angle * x)
        # near 0, where the difference cancels, the Taylor series of the slope (0 at 0)
        terms = [(-1) ** k * 2 * k * np.pi ** (2 * k) * x ** (2 * k - 1) / math.factorial(
            2 * k + 1) for k in range(1, 5)]
        return (g * np.where(np.abs(x) < 0.01, sum(terms), slope),)

    return np.sinc(x), vjp


@primitive("Deg2RadBackward0")
def deg2rad(x):
    return np.deg2rad(x), lambda g: (g * (np.pi / 180),)


@primitive("Rad2DegBackward0")
def rad2deg(x):
    return np.rad2deg(x), lambda g: (g * (180 / np.pi),)


@primitive("SinhBackward0")
def sinh(x):
    return np.sinh(x), lambda g: (g * np.cosh(x),)


@primitive("CoshBackward0")
def cosh(x):
    return np.cosh(x), lambda g: (g * np.sinh(x),)


@primitive("TanhBackward0")
def tanh(x):
    y = np.tanh(x)
    return y, lambda g: (g * (1 - y * y),)


# -- activations ---------------------------------------------------------------------------------


@primitive("SigmoidBackward0")
def sigmoid(x):
    with np.errstate(over="ignore"):  # exp(-x) overflows to inf for x < -709: y is then 0
        y = 1 / (1 + np.exp(-x))
    return y, lambda g: (g * (1 - y) * y,)


@primitive("ReluBackward0")
def relu(x):
    y = np.maximum(x, 0)
    return y, lambda g: (np.where(y > 0, g, 0.0),)


# -- piecewise constant: values that step, with gradient zero -------------------------------------


def _zero_gradient(name, function):
    @primitive(name)
    def step(x):
        return function(x), lambda g: (np.zeros_like(g),)

    return step


sign = _zero_gradient("SignBackward0", np.sign)
imag = _zero_gradient("ImagBackward0", lambda x: np.zeros_like(x))  # of real numbers
floor = _zero_gradient("FloorBackward0", np.floor)
ceil = _zero_gradient("CeilBackward0", np.ceil)
rint = _zero_gradient("RoundBackward0", np.rint)
trunc = _zero_gradient("TruncBackward0", np.trunc)


@primitive("HeavisideBackward0")
def heaviside(x, y):
    return np.heaviside(x, y), lambda g: (np.zeros_like(g), np.zeros_like(g))


@primitive("FloorDivideBackward0")
def floor_divide(x, y):
    return np.floor_divide(x, y), lambda g: (np.zeros_like(g), np.zeros_like(g))
