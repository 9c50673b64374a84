"""One plain function per derivative rule, for the rule tests.

Each returns `np.sum(op(...) * w)`: the random weight `w` makes every element of the result
matter (and differently), so a gradient with elements swapped or summed wrongly fails. The
same function serves scalars and arrays. `CASES` says, for each function, where its inputs are
drawn and which shapes they take; the shapes of `w` follow from the result.
"""

import math
import operator
from dataclasses import dataclass

import numpy as np
import scipy.special

# -- operators --------------------------------------------------------------------------


def add(x, y, w):
    return np.sum((x + y) * w)


def sub(x, y, w):
    return np.sum((x - y) * w)


def mul(x, y, w):
    return np.sum((x * y) * w)


def div(x, y, w):
    return np.sum((x / y) * w)


def power(x, y, w):
    return np.sum((x ** y) * w)


def power_constant(x, w):
    return np.sum((x ** 3) * w)


def np_power(x, y, w):
    return np.sum(np.power(x, y) * w)


def mod(x, y, w):
    return np.sum((x % y) * w)


def floordiv(x, y, w):
    return np.sum((x // y + x) * w)


def neg(x, w):
    return np.sum((-x) * w)


def pos(x, w):
    return np.sum((+x) * w)


def builtin_abs(x, w):
    return np.sum(abs(x) * w)


def np_abs(x, w):
    return np.sum(np.abs(x) * w)


def compare(x, y, w):
    return np.sum(((x < y) + (x >= y) * 2.0 + x) * w)


def np_ufunc_ops(x, y, w):
    return np.sum((np.add(x, y) * np.subtract(x, y) + np.multiply(x, y) / np.divide(y, 2.0)) * w)


# -- elementwise functions ------------------------------------------------------------------


def exp(x, w):
    return np.sum(np.exp(x) * w)


def exp2(x, w):
    return np.sum(np.exp2(x) * w)


def expm1(x, w):
    return np.sum(np.expm1(x) * w)


def log(x, w):
    return np.sum(np.log(x) * w)


def log2(x, w):
    return np.sum(np.log2(x) * w)


def log10(x, w):
    return np.sum(np.log10(x) * w)


def log1p(x, w):
    return np.sum(np.log1p(x) * w)


def sqrt(x, w):
    return np.sum(np.sqrt(x) * w)


def square(x, w):
    return np.sum(np.square(x) * w)


def reciprocal(x, w):
    return np.sum(np.reciprocal(x) * w)


def sin(x, w):
    return np.sum(np.sin(x) * w)


def cos(x, w):
    return np.sum(np.cos(x) * w)


def tan(x, w):
    return np.sum(np.tan(x) * w)


def arcsin(x, w):
    return np.sum(np.arcsin(x) * w)


def arccos(x, w):
    return np.sum(np.arccos(x) * w)


def arctan(x, w):
    return np.sum(np.arctan(x) * w)


def arctan2(y, x, w):
    return np.sum(np.arctan2(y, x) * w)


def hypot(x, y, w):
    return np.sum(np.hypot(x, y) * w)


def sinh(x, w):
    return np.sum(np.sinh(x) * w)


def arcsinh(x, w):
    return np.sum(np.arcsinh(x) * w)


def arccosh(x, w):
    return np.sum(np.arccosh(x) * w)


def arctanh(x, w):
    return np.sum(np.arctanh(x) * w)


def sinc(x, w):
    return np.sum(np.sinc(x) * w)


def angles(x, w):
    return np.sum((np.deg2rad(x) + np.radians(x) + np.rad2deg(x) + np.degrees(x)) * w)


def cbrt(x, w):
    return np.sum(np.cbrt(x) * w)


def logaddexp(x, y, w):
    return np.sum((np.logaddexp(x, y) + np.logaddexp2(x, y)) * w)


def float_power(x, y, w):
    return np.sum(np.float_power(x, y) * w)


def copysign(x, y, w):
    return np.sum(np.copysign(x, y) * w)


def fmax(x, y, w):
    return np.sum(np.fmax(x, y) * w)


def fmin(x, y, w):
    return np.sum(np.fmin(x, y) * w)


def heaviside(x, y, w):
    return np.sum((np.heaviside(x, y) + x * y) * w)


def nan_to_num(x, w):
    return np.sum(np.nan_to_num(x * 2.0, nan=0.5, posinf=2.0) * w)


def real_parts(x, w):
    return np.sum((np.real(x) + x.real * np.imag(x) + x.imag + np.conj(x) * x.conj()
                   - x.conjugate()) * w)


def cosh(x, w):
    return np.sum(np.cosh(x) * w)


def tanh(x, w):
    return np.sum(np.tanh(x) * w)


def maximum(x, y, w):
    return np.sum(np.maximum(x, y) * w)


def minimum(x, y, w):
    return np.sum(np.minimum(x, y) * w)


def where(x, y, w):
    return np.sum(np.where(x > 0.3, x * y, y - x) * w)


def clip(x, w):
    return np.sum(np.clip(x, -0.5, 0.5) * w)


def clip_bounds(x, lo, w):
    return np.sum(np.clip(x, lo, lo + 1.0) * w)


def sign_floor_ceil_round(x, w):
    return np.sum((np.sign(x) + np.floor(x) + np.ceil(x) + np.round(x) + x) * w)


# Scalar-only (math module and builtins)


def math_functions(x, w):
    a = math.exp(x) + math.log(x) + math.sqrt(x) + math.sin(x) * math.cos(x)
    b = math.tan(x) + math.atan(x) + math.sinh(x) + math.cosh(x) + math.tanh(x)
    c = math.log1p(x) + math.expm1(x) + math.log2(x) + math.log10(x) + math.fabs(-x)
    d = math.asin(x / 4) + math.acos(x / 4) + math.atan2(x, 2.0) + math.hypot(x, 3.0)
    e = math.asinh(x) + math.acosh(x + 1) + math.atanh(x / 4) + math.degrees(x) / 90
    f = math.radians(x) + math.copysign(x, -2.0)
    return (a + b + c + d + e + f + math.pow(x, 1.5)) * w


def builtins_functions(x, y, w):
    return (max(x, y) * 2.0 + min(x, y) + float(x) * abs(y) + pow(x, 2) + np.float64(y)) * w


def floor_ceil(x, w):
    return (math.floor(x) + math.ceil(x) + round(x) + x * x) * w


def operator_functions(x, y, w):
    return np.sum((operator.mul(x, y) + operator.add(x, 1.0)) * w)


# -- arrays --------------------------------------------------------------------------------


def sum_method(x, w):
    return x.sum() * w


def sum_axis(x, w):
    return np.sum(np.sum(x, axis=0) * w)


def sum_axis_last_keepdims(x, w):
    return np.sum(np.sum(x, axis=-1, keepdims=True) * w)


def sum_keepdims(x, w):
    return np.sum(np.sum(x, keepdims=True) * w)


def mean(x, w):
    return np.mean(x) * w + x.mean()


def mean_axis(x, w):
    return np.sum(np.mean(x, axis=1) * w)


def mean_axis_keepdims(x, w):
    return np.sum(x.mean(axis=0, keepdims=True) * w)


def maximum_reduction(x, w):
    return np.max(x) * w + x.max()


def minimum_reduction(x, w):
    return np.min(x) * w + np.amin(x) + np.amax(x)


def max_axis(x, w):
    return np.sum(np.max(x, axis=0) * w)


def min_axis_keepdims(x, w):
    return np.sum(np.min(x, axis=1, keepdims=True) * w)


def prod(x, w):
    return np.prod(x) * w


def cumprod(x, w):
    return np.sum(np.cumprod(x, axis=0) * w) + np.sum(x.cumprod(axis=-1) * np.cumprod(x)[:1])


def diff(x, w):
    return np.sum(np.diff(x) * w) + np.sum(np.diff(x, n=2, axis=-1)) + np.sum(
        np.diff(x, axis=0) ** 2)


def prod_axis(x, w):
    return np.sum(np.prod(x, axis=0) * w) + np.sum(x.prod(axis=-1, keepdims=True))


def var(x, w):
    return np.var(x) * w + np.std(x, ddof=1)


def var_axis(x, w):
    return np.sum(np.var(x, axis=0, ddof=1) * w) + np.sum(x.var(axis=-1, keepdims=True))


def std_axis(x, w):
    return np.sum(np.std(x, axis=1) * w) + np.sum(x.std(axis=0, ddof=1, keepdims=True))


def average(x, v, w):
    return np.sum(np.average(x, axis=0, weights=v) * w) + np.average(x, weights=x * x) + np.sum(
        np.average(x, axis=-1, keepdims=True))


def ptp(x, w):
    return np.sum(np.ptp(x, axis=0) * w) + np.ptp(x)


def nan_reductions(x, w):
    return np.sum(np.nansum(x, axis=0) * w) + np.nanmean(x) + np.sum(
        np.nanmean(x, axis=-1, keepdims=True) * np.nansum(x))


def dot(a, b, w):
    return np.sum(np.dot(a, b) * w)


def matmul(a, b, w):
    return np.sum((a @ b) * w)


def dot_method(a, b, w):
    return np.sum(a.dot(b) * w)


def outer(a, b, w):
    return np.sum(np.outer(a, b) * w)


def trace(a, w):
    return np.trace(a) * w


def trace_stack(a, w):
    return np.sum(np.trace(a) * w)


def einsum_matmul(a, b, w):
    return np.sum(np.einsum("ij,jk->ik", a, b) * w)


def einsum_batched(a, b, w):
    return np.sum(np.einsum("kij,nkj->nki", a, b) * w)


def einsum_diagonal(a, w):
    return np.sum(np.einsum("ii->i", a) * w) + np.einsum("ii", a)


def einsum_implicit(a, b, w):
    return np.sum(np.einsum("ij,j", a, b) * w)  # the output is "i": broadcast a (2, 1)


def einsum_ellipsis(a, b, w):
    return np.sum(np.einsum("...ij,...jk->...ik", a, b) * w)


def einsum_three(a, b, c, w):
    return np.einsum("i,ij,j->", a, b, c) * w


def concatenate(a, b, w):
    return np.sum(np.concatenate((a, b * 2.0, a)) * w)


def concatenate_axis(a, b, w):
    return np.sum(np.concatenate([a, b], axis=1) * w)


def concatenate_flat(a, b, w):
    return np.sum(np.concatenate((a, b), axis=None) * w)


def stack(a, b, w):
    return np.sum(np.stack([a, b, a * b]) * w)


def stack_axis(a, b, w):
    return np.sum(np.stack((a, b), axis=-1) * w)


def stacks(a, b, w):  # vectors: rows, end to end, columns, depth
    return (np.sum(np.vstack((a, b)) * w) + np.sum(np.hstack([a, b, a]) ** 2)
            + np.sum(np.column_stack((a, b)) ** 3) + np.sum(np.sin(np.dstack((a, b)))))


def stacks_of_matrices(a, b, w):
    return (np.sum(np.vstack((a, b)) ** 2) + np.sum(np.hstack([a, b]) * w)
            + np.sum(np.column_stack((a, b)) ** 3) + np.sum(np.sin(np.dstack((a, b)))))


def error_functions(x, w):
    return np.sum((scipy.special.erf(x) + 0.5 * scipy.special.erfc(x)
                   + scipy.special.expit(x)) * w)


def gamma_functions(x, w):
    return np.sum((scipy.special.gammaln(x) + scipy.special.digamma(x)) * w)


def math_special(x, w):
    return (math.erf(x) + math.erfc(x) + math.lgamma(x)) * w


def logit(x, w):
    return np.sum(scipy.special.logit(x) * w)


def xlogy(x, y, w):
    return np.sum((scipy.special.xlogy(x, y) + scipy.special.xlog1py(x, y)) * w)


def logsumexp(x, w):
    return scipy.special.logsumexp(x) * w


def logsumexp_axis(x, w):
    return np.sum(scipy.special.logsumexp(x, axis=1, keepdims=True) * w)


def logsumexp_weights(x, b, w):
    return np.sum(scipy.special.logsumexp(x, axis=0, b=b) * w)


def softmax(x, w):
    return np.sum(scipy.special.softmax(x, axis=-1) * w)


def log_softmax(x, w):
    return np.sum(scipy.special.log_softmax(x) * w)


def array_of_values(x, y, w):  # of numbers, a vector; of vectors, a matrix
    return np.sum(np.array([x * y, x, y + 1.0]) * w)


def inner(a, b, w):
    return np.sum(np.inner(a, b) * w)


def tensordot(a, b, w):
    return np.sum(np.tensordot(a, b, axes=1) * w) + np.tensordot(a, a)


def cumsum(x, w):
    return np.sum(np.cumsum(x) * w)


def cumsum_axis(x, w):
    return np.sum(np.cumsum(x, axis=1) * w)


def cumsum_method(x, w):
    return np.sum(x.cumsum(axis=0) * w)


def transpose(a, w):
    return np.sum(np.transpose(a) * w)


def transpose_attribute(a, w):
    return np.sum(a.T * w)


def transpose_axes(a, w):
    return np.sum(np.transpose(a, (1, 0)) * w)


def expand_dims(x, w):
    return np.sum(np.expand_dims(x, 0) * w) + np.sum(np.atleast_2d(x) ** 2)


def broadcast_to(x, w):
    return np.sum(np.broadcast_to(x, (2, 3)) * w)


def flips(x, w):
    return np.sum((np.flip(x) + np.flip(x, -1) * x + np.flipud(x) + np.fliplr(x) ** 2) * w)


def moved_axes(x, w):
    return np.sum(np.swapaxes(x, 0, 1) * w) + np.sum(np.moveaxis(x, 0, -1) ** 3)


def triangles(x, w):
    return np.sum((np.tril(x) + np.triu(x, 1) * x + np.tril(x, -1) ** 2) * w)


def transpose_method(a, w):
    return np.sum(a.transpose() * w)


def reshape(a, w):
    return np.sum(np.reshape(a, (3, 2)) * w)


def reshape_method(a, w):
    return np.sum(a.reshape(3, 2) * w)


def ravel(a, w):
    return np.sum(a.ravel() * w)


def copy(a, w):
    b = a.copy()
    return np.sum(b * w)


def index_int(a, w):
    return a[1] * w + a[-1]


def index_slice(a, w):
    return np.sum(a[1:3] * w) + np.sum(a[::-2])


def index_rows(a, w):
    return np.sum(a[1] * w) + np.sum(a[0, 1:])


def index_tuple(a, w):
    return a[1, 2] * w + a[0, -1] * a[1, 0]


def aliases(x, w):
    copies = np.copy(x) + np.asarray(x) + x.astype(np.float64)
    shapes = np.ravel(x).reshape(x.shape) + x.flatten().reshape(x.shape) + np.full_like(x, 2.0)
    signs = np.negative(x) + np.positive(x) + np.mod(x, 3.0) + np.remainder(x, 5.0)
    return np.sum((copies * shapes + signs + x.astype(np.int64)) * w)


def creation(x, w):
    zeros = np.zeros(x.shape)
    ones = np.ones_like(x)
    full = np.full(x.shape, 2.0)
    return np.sum((x + zeros) * (ones + full) * w)


def full_active(x, w):
    return np.sum(np.full(3, x) * w)


def zeros_like_method(x, w):
    return np.sum((np.zeros_like(x) + x * x) * w)


@dataclass
class Case:
    """How to draw a corpus function's inputs (the last parameter, `w`, is drawn to match)."""

    function: object
    low: float = -2.0
    high: float = 2.0
    shapes: tuple = ((), (3,), (2, 3))  # for each differentiable argument, or one per argument
    kink: str | None = None  # "zero": keep |x| off 0; "tie": keep x and y apart; "bounds"
    scalar_only: bool = False

    @property
    def name(self) -> str:
        return self.function.__name__


UNARY = ((), (3,), (2, 3))
BINARY = (((), ()), ((3,), ()), ((), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)))
MATRIX = ((2, 3),)

CASES = [
    Case(add, shapes=BINARY), Case(sub, shapes=BINARY), Case(mul, shapes=BINARY),
    Case(div, shapes=BINARY, kink="zero"), Case(power, 0.5, 2.0, shapes=BINARY),
    Case(power_constant), Case(np_power, 0.5, 2.0, shapes=BINARY),
    Case(mod, 0.5, 3.0, shapes=BINARY, kink="mod"), Case(floordiv, 0.5, 3.0, shapes=BINARY,
                                                          kink="mod"),
    Case(neg), Case(pos), Case(builtin_abs, kink="zero", shapes=((),)), Case(np_abs, kink="zero"),
    Case(compare, shapes=BINARY, kink="tie"), Case(np_ufunc_ops, 0.5, 2.0, shapes=BINARY),
    Case(exp), Case(exp2), Case(expm1), Case(log, 0.2, 3.0), Case(log2, 0.2, 3.0),
    Case(log10, 0.2, 3.0), Case(log1p, -0.5, 3.0), Case(sqrt, 0.2, 3.0), Case(square),
    Case(reciprocal, kink="zero"), Case(sin), Case(cos), Case(tan, -1.2, 1.2),
    Case(arcsin, -0.9, 0.9), Case(arccos, -0.9, 0.9), Case(arctan),
    Case(arctan2, shapes=BINARY, kink="zero"), Case(hypot, shapes=BINARY, kink="zero"),
    Case(sinh), Case(cosh), Case(tanh), Case(arcsinh), Case(arccosh, 1.1, 3.0),
    Case(arctanh, -0.9, 0.9), Case(sinc), Case(angles), Case(cbrt, kink="zero"),
    Case(logaddexp, shapes=BINARY), Case(float_power, 0.5, 2.0, shapes=BINARY),
    Case(copysign, shapes=BINARY, kink="zero"), Case(fmax, shapes=BINARY, kink="tie"),
    Case(fmin, shapes=BINARY, kink="tie"), Case(heaviside, shapes=BINARY, kink="zero"),
    Case(nan_to_num), Case(real_parts, shapes=((3,), (2, 3))),  # (a float has no .conj())
    Case(maximum, shapes=BINARY, kink="tie"),
    Case(minimum, shapes=BINARY, kink="tie"), Case(where, shapes=BINARY, kink="where"),
    Case(clip, kink="bounds"), Case(clip_bounds, shapes=BINARY, kink="bounds"),
    Case(sign_floor_ceil_round, kink="integer"),
    Case(math_functions, 0.3, 3.0, shapes=((),), scalar_only=True),
    Case(builtins_functions, 0.2, 3.0, shapes=(((), ()),), kink="tie", scalar_only=True),
    Case(floor_ceil, kink="integer", shapes=((),), scalar_only=True),
    Case(operator_functions, shapes=BINARY),
    Case(sum_method, shapes=((3,), (2, 3))), Case(sum_axis, shapes=MATRIX),
    Case(sum_axis_last_keepdims, shapes=MATRIX), Case(sum_keepdims, shapes=((3,), (2, 3))),
    Case(mean, shapes=((3,), (2, 3))), Case(mean_axis, shapes=MATRIX),
    Case(mean_axis_keepdims, shapes=MATRIX),
    Case(maximum_reduction, shapes=((3,), (2, 3)), kink="distinct"),
    Case(minimum_reduction, shapes=((3,), (2, 3)), kink="distinct"),
    Case(max_axis, shapes=MATRIX, kink="distinct"),
    Case(min_axis_keepdims, shapes=MATRIX, kink="distinct"),
    Case(prod, shapes=((3,), (2, 3))), Case(prod_axis, shapes=MATRIX),
    Case(cumprod, shapes=MATRIX), Case(diff, shapes=MATRIX),
    Case(var, shapes=((3,), (2, 3)), kink="spread"), Case(var_axis, shapes=MATRIX),
    Case(std_axis, shapes=MATRIX, kink="spread"),
    Case(average, 0.5, 2.0, shapes=(((2, 3), (2,)),)), Case(ptp, shapes=MATRIX, kink="distinct"),
    Case(nan_reductions, shapes=MATRIX),
    Case(dot, shapes=(((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)))),
    Case(matmul, shapes=(((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)))),
    Case(dot_method, shapes=(((2, 3), (3,)),)), Case(outer, shapes=(((3,), (2,)),)),
    Case(einsum_matmul, shapes=(((2, 3), (3, 4)), ((1, 3), (3, 2)))),
    Case(einsum_batched, shapes=(((2, 3, 3), (4, 2, 3)),)),
    Case(einsum_diagonal, shapes=((3, 3), (1, 1))),
    Case(einsum_implicit, shapes=(((2, 3), (3,)), ((2, 1), (3,)))),
    Case(einsum_ellipsis,
         shapes=(((2, 2, 3), (3, 4)), ((3, 4), (4, 2)), ((2, 1, 2, 3), (2, 3, 4)))),
    Case(einsum_three, shapes=(((2,), (2, 3), (3,)),)),
    Case(concatenate, shapes=(((3,), (2,)), ((2, 3), (1, 3)))),
    Case(concatenate_axis, shapes=(((2, 3), (2, 1)),)),
    Case(concatenate_flat, shapes=(((2, 3), (3,)), ((2,), (2, 2)))),
    Case(stack, shapes=(((3,), (3,)), ((2, 3), (2, 3)))),
    Case(stack_axis, shapes=(((3,), (3,)), ((2, 3), (2, 3)))),
    Case(stacks, shapes=(((3,), (3,)),)),
    Case(stacks_of_matrices, shapes=(((2, 2), (2, 2)),)),
    Case(error_functions), Case(gamma_functions, 0.2, 3.0), Case(logit, 0.05, 0.95),
    Case(math_special, 0.3, 3.0, shapes=((),), scalar_only=True),
    Case(xlogy, 0.2, 2.0, shapes=BINARY), Case(logsumexp, shapes=((3,), (2, 3))),
    Case(logsumexp_axis, shapes=MATRIX),
    Case(logsumexp_weights, 0.2, 2.0, shapes=(((2, 3), (2, 3)), ((2, 3), (3,)))),
    Case(softmax, shapes=((3,), (2, 3))), Case(log_softmax, shapes=((3,), (2, 3))),
    Case(array_of_values, shapes=(((), ()), ((3,), (3,)))),
    Case(inner, shapes=(((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3)))),
    Case(tensordot, shapes=(((2, 3), (3,)), ((2, 3), (3, 4)))),
    Case(trace, shapes=((3, 3),)), Case(trace_stack, shapes=((3, 3, 2), (2, 3, 4))),
    Case(cumsum, shapes=((), (3,), (2, 3))), Case(cumsum_axis, shapes=((2, 3), (2, 3, 2))),
    Case(cumsum_method, shapes=((3,), (2, 3))), Case(transpose, shapes=MATRIX),
    Case(transpose_attribute, shapes=MATRIX), Case(transpose_axes, shapes=MATRIX),
    Case(transpose_method, shapes=MATRIX), Case(expand_dims, shapes=((3,), (2, 3))),
    Case(broadcast_to), Case(flips, shapes=MATRIX), Case(moved_axes, shapes=MATRIX),
    Case(triangles, shapes=((3, 3), (2, 3))), Case(reshape, shapes=MATRIX),
    Case(reshape_method, shapes=MATRIX), Case(ravel, shapes=MATRIX),
    Case(copy, shapes=((3,), (2, 3))),
    Case(index_int, shapes=((4,),)), Case(index_slice, shapes=((5,),)),
    Case(index_rows, shapes=MATRIX), Case(index_tuple, shapes=MATRIX),
    Case(aliases, 0.5, 2.0, shapes=((3,), (2, 3)), kink="integer"),
    Case(creation, shapes=((3,), (2, 3))), Case(full_active, shapes=((),)),
    Case(zeros_like_method, shapes=((3,), (2, 3))),
]
