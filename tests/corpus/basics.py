"""Plain functions for the API and transform tests: straight-line code of every kind the
transformer handles (nested expressions, reuse, reassignment, unpacking, constants, keyword
arguments, inactive arguments, module aliases)."""

import math
from math import exp as e_to_the

import numpy
import numpy as anything

from astgrad import stop_gradient

from .specs import A, Case, F

SCALE = 0.5
OFFSETS = numpy.array([1.0, -2.0, 0.5])


def seed_product(x, y):
    return x * y + 2


def seed_powers(x, y):
    return x**2 + y**3


def seed_polynomial(x):
    return 3 * x ** 2 + 2 * x + 1


def seed_mixed(x, y):
    return x * y + y**2


def seed_detach(a, b):
    return a ** 2 + stop_gradient(b) ** 3


def nested(x, y):
    return anything.sum(anything.sin(x * anything.cos(y) + x ** 2) / (1.0 + y * y))


def reuse(x):
    a = x * x
    b = a + x
    c = a * b * x
    return anything.sum(c + a)


def reassign(x, y):
    z = x * y
    z = z * z + x
    z = anything.tanh(z)
    x = x * 3.0
    return anything.sum(z * x)


def unpack(x, y):
    a, b = y, x
    a, b = b * a, a - b
    return a * b


def unpack_shape(x):
    n, m = x.shape
    return anything.sum(x) * n / m


def constants(x):
    return SCALE * x + math.pi * x ** 2 - anything.e + anything.minimum(x, numpy.inf)


def keyword_arguments(x, w):
    return anything.sum(anything.sum(x * w, axis=1, keepdims=True) ** 2)


def aliases(x):
    return e_to_the(x) + math.log(x) + anything.exp(-x) + numpy.exp(x / 2)


def inactive_arguments(x, n, flag, table):
    scaled = x * n + table[1]
    if_flag = scaled * flag
    return anything.sum(if_flag * table)


def global_array(x):
    return anything.sum((x - OFFSETS) ** 2)


def with_defaults(x, power=2.0, shift=1.0):
    return anything.sum((x + shift) ** power)


def keyword_only(x, *, scale=2.0):
    return anything.sum(x * scale)


def mlp_loss(W1, b1, W2, b2, X, y):
    hidden = anything.maximum(X @ W1.T + b1, 0.0)
    prediction = hidden @ W2.T + b2
    return anything.mean((prediction - y) ** 2)


def reads_argument(x):
    y = x.copy()
    return anything.sum(y * y) + x[0]


def constant_output(x):
    return 3.0


def unused_argument(x, y):
    return x * 2.0


def vector_output(x):
    return x * 2.0


def matrix_one_element(x):
    return x.reshape(1, -1)[:, :1] * 3.0


def _relu_inputs_off_zero(args):
    W1, b1, _, _, X, _ = args
    return anything.all(anything.abs(X @ W1.T + b1) > 0.01)


CASES = [
    Case(nested, [F(-1, 1), F(-1, 1)], (0, 1)),
    Case(nested, [A((3,)), A((3,))], (0, 1)),
    Case(reuse, [F(-2, 2)]),
    Case(reuse, [A((2, 3), -2, 2)]),
    Case(reassign, [F(-1, 1), F(-1, 1)], (0, 1)),
    Case(reassign, [A((4,)), F(-1, 1)], ("x", "y")),
    Case(unpack, [F(-2, 2), F(-2, 2)], (0, 1)),
    Case(unpack_shape, [A((2, 3), -2, 2)]),
    Case(constants, [F(-2, 2)]),
    Case(keyword_arguments, [A((2, 3), -2, 2), A((3,), -2, 2)], (0, 1)),
    Case(aliases, [F(0.2, 3)]),
    Case(global_array, [A((3,), -2, 2)]),
    Case(with_defaults, [A((3,), 0.5, 2)]),
    Case(mlp_loss, [A((4, 3)), A((4,)), A((1, 4)), A((1,)), A((5, 3)), A((5, 1))], (0, 1, 2, 3),
         away=_relu_inputs_off_zero),
    Case(reads_argument, [A((3,), -2, 2)]),
]


def float32_layers(W1, W2, X):
    # In numba, a float32 array meeting the literal 0.0 becomes float64; the next product
    # then multiplies float64 by float32, which numba's `@` refuses unless astgrad promotes.
    hidden = anything.maximum(X @ W1, 0.0)
    return anything.sum(anything.tanh(hidden @ W2))


def loss_with_outputs(w, X, Y):
    outputs = anything.tanh(X @ w)
    return anything.mean((outputs - Y) ** 2), outputs


def decay_with_state(x, n):
    y = x * 2.0
    s = 0.0
    for _ in range(n):
        s = s + anything.sum(y * y)
        y = y * 0.5
    return s, y


def aux_not_a_pair(x):
    return x * 2.0


def decay_of_a_0d_rate(k, n):
    x = 1.0
    for _ in range(n):
        x = x - 0.1 * k * x
    return x
