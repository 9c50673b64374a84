"""Plain functions with branches, loops, in-place updates and calls, for the transform tests.

`CASES` lists each with how to draw its arguments: F(lo, hi) a float, A(shape, lo, hi) an
array, I(lo, hi) an int (a trip count: the ranges include 0 and 1), and, where a branch or a
kink makes finite differences meaningless near it, `away(args)`: true when the inputs keep off.
"""

import math

import numpy as np

from . import control_helpers
from .control_helpers import imported_scale, polar
from .specs import A, Case, F, I

# -- scalar recurrences ------------------------------------------------------------------------


def logistic(a, x0, n):
    x = x0
    s = 0.0
    for i in range(n):
        x = a * x * (1 - x)
        s = s + x
    return s


def logistic_augmented(a, x0, n):
    x = x0
    s = 0.0
    for _ in range(n):
        x *= a * (1 - x)
        s += x
    return s


def compound_interest(rate, principal, years):
    for year in range(years):
        principal = principal * (1.0 + rate) + year * 0.01 * rate
    return principal


def fibonacci_like(a, b, n):
    for i in range(n):
        a, b = b, a + b * 0.5
    return a + b


def running_product(x, n):
    p = 1.0
    for k in range(1, n + 1):
        p = p * (1.0 + x / k)
    return p


def alternating_series(x, n):
    total = 0.0
    term = 1.0
    for k in range(n):
        total = total + term
        term = -term * x / (k + 1)
    return total


def taylor_exp(x, n):
    term = 1.0
    total = 1.0
    for k in range(1, n):
        term = term * x / k
        total += term
    return total


def moving_average(x, alpha):
    level = x[0]
    s = 0.0
    for value in x:
        level = alpha * value + (1 - alpha) * level
        s = s + level * level
    return s


def reversed_range(x, n):
    s = 0.0
    for i in range(n, 0, -1):
        s = s * 0.5 + x * i
    return s


def stepped_range(x, n):
    s = x
    for i in range(1, 3 * n, 3):
        s = s + math.sin(s * i * 0.1)
    return s


def computed_bounds(x, n):
    s = 0.0
    start = n // 2
    for i in range(start, n + start):
        s = s + x ** 2 / (i + 1)
    return s


def negative_step_computed(x, n):
    s = 1.0
    for i in range(2 * n - 1, -1, -2):
        s = s * (1.0 + x * 0.1) - i * 0.01
    return s


# -- physics integrators -----------------------------------------------------------------------


def euler_decay(k, y0, n):
    dt = 0.05
    y = y0
    for _ in range(n):
        y = y - dt * k * y
    return y


def euler_oscillator(omega, x0, v0, n):
    dt = 0.01
    x, v = x0, v0
    for _ in range(n):
        a = -omega * omega * x
        x = x + dt * v
        v = v + dt * a
    return x * x + v * v


def symplectic_oscillator(omega, x0, n):
    dt = 0.05
    x = x0
    v = 0.0
    for _ in range(n):
        v -= dt * omega ** 2 * x
        x += dt * v
    return x


def rk4_logistic(r, y0, n):
    h = 0.1
    y = y0
    for _ in range(n):
        k1 = r * y * (1 - y)
        k2 = r * (y + 0.5 * h * k1) * (1 - (y + 0.5 * h * k1))
        k3 = r * (y + 0.5 * h * k2) * (1 - (y + 0.5 * h * k2))
        k4 = r * (y + h * k3) * (1 - (y + h * k3))
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def rk4_vector(theta, y0, n):
    h = 0.05
    y = y0.copy()
    for _ in range(n):
        k1 = -theta * y
        k2 = -theta * (y + 0.5 * h * k1)
        k3 = -theta * (y + 0.5 * h * k2)
        k4 = -theta * (y + h * k3)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.sum(y * y)


def projectile(speed, angle):
    dt = 0.01
    x, y = 0.0, 0.0
    vx, vy = speed * np.cos(angle), speed * np.sin(angle)
    steps = 0
    while y >= 0.0 and steps < 1000:
        x = x + vx * dt
        vy = vy - 9.81 * dt
        y = y + vy * dt
        steps += 1
    return x


def damped_spring_array(k, x):
    v = np.zeros_like(x)
    for _ in range(20):
        v = 0.9 * v - 0.05 * k * x
        x = x + 0.05 * v
    return np.sum(x ** 2)


# -- Newton and fixed-point iterations -------------------------------------------------------


def newton_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
    return x


def newton_cube_root(a):
    x = 1.0
    for _ in range(30):
        x = x - (x ** 3 - a) / (3 * x ** 2)
    return x


def fixed_point_cos(c):
    x = 0.5
    iterations = 0
    while iterations < 200:
        new = math.cos(c * x)
        if abs(new - x) < 1e-14:
            break
        x = new
        iterations += 1
    return x


def bisection_free_newton(a, b):
    x = (a + b) / 2.0
    for _ in range(40):
        fx = x * x * x + a * x - b
        dfx = 3 * x * x + a
        x = x - fx / dfx
    return x


def babylonian_with_count(a, n):
    x = a + 1.0
    for i in range(n):
        x = (x + a / x) / 2
    return x * x


# -- arrays created inside and filled ------------------------------------------------------


def fill_squares(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = x[i] * x[i] + 1.0
    return np.sum(out * out)


def fill_empty(x):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = np.sin(x[i])
    return np.sum(out)


def fill_ones_matrix(x):
    m = np.ones((x.shape[0], x.shape[0]))
    for i in range(x.shape[0]):
        for j in range(x.shape[0]):
            m[i, j] = x[i] - x[j] * 0.5
    return np.sum(m * m)


def fill_copy_then_update(x):
    y = x.copy()
    for i in range(1, y.shape[0]):
        y[i] = y[i] + y[i - 1] * 0.5
    return np.sum(y * y)


def fill_zeros_like(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = x[i] ** 3
    return np.sum(y)


def cumulative_sum(x):
    c = np.zeros(x.shape[0])
    c[0] = x[0]
    for i in range(1, x.shape[0]):
        c[i] = c[i - 1] + x[i]
    return np.sum(c * c)


def linear_recurrence_array(x, a):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = a * y[i - 1] + x[i]
    return np.sum(y * y)


def slice_assignment(x):
    y = np.zeros(2 * x.shape[0])
    y[: x.shape[0]] = x * 2.0
    y[x.shape[0]:] = x ** 2
    return np.sum(y * np.arange(y.shape[0]))


def parts_of_a_new_array(x, y):
    # an ODE's right-hand side: parts apart, whose adjoints cut nothing
    z = np.empty_like(x)
    z[0] = x[0]
    z[1:] = x[1:] * y[:-1]
    return np.sum(np.sin(z) * y)


def parts_written_over(x, y):
    # the second store writes over part of the first, the third over part of the second:
    # their adjoints cut what they overwrote
    z = np.zeros_like(x)
    z[:3] = x[:3] * 2.0
    z[1:] = np.tanh(y[1:])
    z[-1] = x[0] * y[0]
    return np.sum(z * z * x)


def rows_and_columns_apart(x):
    z = np.empty_like(x)
    z[0] = x[1] * 2.0
    z[1, 1:] = x[0, :-1] * x[1, 1:]
    z[1, 0] = x[0, 0] ** 2
    z[0, -1] = z[1, 0] * x[0, 1]  # over a part of the first store, after a read of z
    return np.sum(z * z)


def slice_update_in_loop(u, c):
    for _ in range(5):
        u = u.copy()
        u[1:-1] = u[1:-1] + c * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)


def heat_in_place(u, c):
    u = u.copy()
    for _ in range(6):
        u[1:-1] = u[1:-1] + c * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u * u)


def matrix_rows(a):
    out = np.zeros(a.shape)
    for i in range(a.shape[0]):
        out[i] = a[i] * (i + 1.0)
        out[i, 0] = a[i, 0] ** 2
    return np.sum(out ** 2)


def augmented_subscript(x, w):
    y = np.zeros(3)
    for i in range(x.shape[0]):
        y[i % 3] += x[i] * w
        y[0] *= 0.9
    return np.sum(y ** 2)


def columns_of_a_new_array(x, w):
    """A new array each trip, its columns updated from another array's by a triangular
    double loop (gmm's product by a triangular factor): no adjoint reads what it overwrites."""
    total = 0.0
    for c in range(w.shape[0]):
        centered = x - w[c]
        t = centered * np.exp(w[c])
        for j in range(x.shape[1]):
            for i in range(j + 1, x.shape[1]):
                t[:, i] += w[c, i] * centered[:, j]
        total = total + np.sum(t ** 2)
    return total


def columns_from_its_own(x, w):
    """The same, each column updated from the array's own columns, and through a division:
    the adjoints read what the trips overwrite."""
    total = 0.0
    for c in range(w.shape[0]):
        t = x * w[c]
        early = np.sum(t ** 3)  # read before the loop writes into t
        for j in range(x.shape[1]):
            for i in range(j + 1, x.shape[1]):
                t[:, i] += w[c, i] * t[:, j]
                t[:, j] = t[:, j] / (1.5 + w[c, j] ** 2)
        total = total + early + np.sum(t ** 2)
    return total


def overwrite_needed(x):
    y = x.copy()
    s = np.sum(y * y)
    y[0] = 5.0
    y[1] = y[1] * x[0]
    return s + np.sum(y * y)


def overwrite_then_read_in_loop(x):
    y = x.copy()
    s = 0.0
    for i in range(y.shape[0]):
        s = s + y[i] * y[(i + 1) % y.shape[0]]
        y[i] = np.tanh(y[i])
    return s + np.sum(y)


def argument_written_in_place(x):
    x[0] = x[0] * 3.0
    return np.sum(x * x)


# -- stencils and loops over array elements -------------------------------------------------


def stencil_laplacian(x):
    out = np.zeros(x.shape[0])
    for i in range(1, x.shape[0] - 1):
        out[i] = x[i - 1] - 2 * x[i] + x[i + 1]
    return np.sum(out * out)


def stencil_2d(a):
    out = np.zeros(a.shape)
    for i in range(1, a.shape[0] - 1):
        for j in range(1, a.shape[1] - 1):
            out[i, j] = a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1] - 4 * a[i, j]
    return np.sum(out ** 2)


def gauss_seidel(u, f):
    u = u.copy()
    for _ in range(3):
        for i in range(1, u.shape[0] - 1):
            u[i] = 0.5 * (u[i - 1] + u[i + 1] - f[i])
    return np.sum(u * u)


def dot_by_loop(x, y):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * y[i]
    return s


def norm_by_loop(x):
    s = 0.0
    for value in x:
        s = s + value * value
    return math.sqrt(s)


def zip_product(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b * b
    return s


def enumerate_weighted(x):
    s = 0.0
    for i, value in enumerate(x):
        s = s + (i + 1) * value ** 2
    return s


def enumerate_zip(x, y):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, y), 1):
        s = s + i * a * np.exp(b * 0.1)
    return s


def rows_of_matrix(a, v):
    s = 0.0
    for row in a:
        s = s + np.sum(row * v) ** 2
    return s


def zip_with_range(x, n):
    s = 0.0
    for i, value in zip(range(n), x):
        s = s + value * (i + 0.5)
    return s


def matvec_by_loops(a, x):
    y = np.zeros(a.shape[0])
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            y[i] += a[i, j] * x[j]
    return np.sum(np.tanh(y))


def horner(coefficients, x):
    value = 0.0
    for c in coefficients:
        value = value * x + c
    return value


def horner_by_index(coefficients, x):
    result = coefficients[coefficients.shape[0] - 1]
    for i in range(coefficients.shape[0] - 2, -1, -1):
        result = result * x + coefficients[i]
    return result


def softmax_by_loop(x):
    m = x[0]
    for value in x:
        if value > m:
            m = value
    total = 0.0
    for value in x:
        total = total + np.exp(value - m)
    return m + math.log(total)


# -- piecewise functions -------------------------------------------------------------------


def piecewise(x):
    if x > 0:
        y = x * x
    else:
        y = -3.0 * x
    return y


def piecewise_elif(x):
    if x < -1.0:
        y = -x
    elif x < 1.0:
        y = x * x * 0.5 + 0.5
    else:
        y = x
    return y * 2.0


def nested_branches(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y
    else:
        if y > 0:
            z = y * y
        else:
            z = -x * y * 2.0
    return z


def conditional_expression(x):
    return (x * x if x > 0 else np.sin(x)) + 1.0


def boolean_conditions(x, y):
    if x > 0 and y > 0:
        z = x * y
    elif x > 0 or y > 0:
        z = x + y
    else:
        z = -x
    if not z > 0.5:
        z = z * 2.0
    return z


def chained_comparison(x):
    if -1.0 < x < 1.0:
        return x ** 3
    return x * 0.5


def branch_only_one_side(x):
    y = x * 2.0
    if x > 0.5:
        y = y * y
    return y + x


def branch_defines_and_uses(x, y):
    s = x
    if y > 0:
        t = x * y
        s = s + t * t
    return s


def huber(x, delta):
    r = np.abs(x)
    if np.max(r) < delta:
        loss = 0.5 * np.sum(x * x)
    else:
        loss = delta * np.sum(r - 0.5 * delta)
    return loss


def relu_in_loop(x):
    s = 0.0
    for value in x:
        if value > 0:
            s = s + value * value
        else:
            s = s + 0.1 * value
    return s


def clipped_walk(x, n):
    for i in range(n):
        x = x + 0.3 * math.sin(x * i)
        if x > 2.0:
            x = 2.0 - (x - 2.0) * 0.5
    return x


# -- early returns, break and continue --------------------------------------------------------


def early_return(x):
    if x > 1.0:
        return x * 2.0
    y = x * x
    return y + 1.0


def early_return_nested(x, y):
    if x > 0:
        if y > 0:
            return x * y
        t = y * y
    else:
        t = x * 3.0
    return t + x


def return_from_loop(x, n):
    for i in range(n):
        x = x * 1.5
        if x > 5.0:
            return x - i
    return -x


def return_from_while(x):
    k = 0
    while k < 50:
        x = x * 1.3 + 0.1
        if x > 3.0:
            return x * x
        k += 1
    return x


def break_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
        if s > 10.0:
            break
    return s


def continue_in_loop(x, n):
    s = 0.0
    for i in range(n):
        if i % 3 == 0:
            continue
        s = s + np.sin(x * i)
    return s


def break_and_continue(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            continue
        s = s + x * i
        if s > 10.0:
            break
    return s


def break_in_nested(x, n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            s = s + x * (i - j)
    return s


def while_with_break(x):
    total = 0.0
    k = 0
    while True:
        total = total + x / (k + 1)
        k += 1
        if k >= 7:
            break
    return total


def continue_in_while(x):
    k = 0
    s = 0.0
    while k < 10:
        k += 1
        if k % 2 == 0:
            continue
        s = s + x ** 2 / k
    return s


# -- nested loops with dependent bounds -----------------------------------------------------------


def triangular(x):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(i):
            s = s + x[i] * x[j]
    return s


def triangular_scalar(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i, n):
            s = s + x ** (1 + (i + j) % 3) * 0.1
    return s


def nested_accumulate_matrix(a):
    total = 0.0
    for i in range(a.shape[0]):
        row = 0.0
        for j in range(a.shape[1]):
            row = row + a[i, j] * (j + 1)
        total = total + row * row
    return total


def nested_while_in_for(x, n):
    s = 0.0
    for i in range(n):
        y = x
        k = 0
        while k < i:
            y = y * 0.9 + 0.05
            k += 1
        s = s + y
    return s


def three_levels(x):
    s = 0.0
    for i in range(3):
        for j in range(i + 1):
            for k in range(j, 3):
                s = s + x * (i + 1) / (j + k + 1)
    return s * s


# -- helpers called in loops ----------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def helper_in_loop(w, x):
    s = 0.0
    for value in x:
        s = s + sigmoid(w * value)
    return s


def step(y, k):
    return y - 0.1 * k * y * y


def helper_integrator(k, y0, n):
    y = y0
    for _ in range(n):
        y = step(y, k)
    return y


def two_outputs(u):
    return u * 2.0, np.sin(u)


def helper_tuple(x):
    a, b = two_outputs(x)
    return a * b + a


def helper_tuple_in_loop(x, n):
    s = 0.0
    for i in range(n):
        a, b = two_outputs(x * i)
        s = s + a + b * b
    return s


def helper_calls_helper(x):
    return sigmoid(step(x, 2.0)) + step(sigmoid(x), 0.5)


def helper_with_loop(v, n):
    return np.sum(control_helpers.power_series(v, n))


def imported_helper(x):
    r, angle = polar(x, 2.0 * x)
    return r * angle + imported_scale(x)


def nested_helper(x, c):
    def inner(v):
        return v * v + c

    s = 0.0
    for i in range(3):
        s = s + inner(x * i)
    return s


def helper_defining_a_helper(x, c):
    def outer(y):
        def inner(z):  # defined inside a nested helper: local to it, not captured
            return z * z + c

        return inner(y) + y

    return outer(x) * c


def helper_in_branch(x):
    if x > 0:
        y = sigmoid(x)
    else:
        y = step(x, 1.0)
    return y


def helper_keyword_arguments(x):
    return step(k=0.5, y=x) + control_helpers.scaled(x, factor=3.0)


def shifted_product(x, y):
    z = np.empty_like(y)
    z[0] = x[0]
    z[1:] = x[1:] * y[:-1]
    return z


def helper_filling_an_array(x, n):
    y = np.ones_like(x)
    for _ in range(n):
        y = y + 0.5 * shifted_product(x, y)
    return np.sum(y * y)


def result_and_loop(x, c):  # a vjp recomputing a store, a loop and a branch
    w = np.empty_like(x)
    w[:] = x * c
    for i in range(x.shape[0]):
        w[i] = w[i] + c * x[i]
    if c > 0:
        u = np.exp(x)
    else:
        u = np.cos(x)
    return w + u * u


def helper_recomputing_part(x, c):
    return np.sum(result_and_loop(x, c) * x)


# -- helpers called outside loops: the forward half keeps what the adjoint half reads ---------


def gates(x, w):
    forget = sigmoid(x * w)
    change = np.tanh(x + w)
    return forget * change, np.exp(change) * forget


def helper_keeping_its_values(x, w):
    # gates' adjoint reads forget, change and the exps (and sigmoid's): kept from the call
    a, b = gates(x, w)
    return np.sum(a * b) + np.sum(np.sin(a))


def written_after_read(x):
    t = np.exp(x)
    y = t * x
    t[0] = 2.0
    return y + t


def helper_writing_what_its_adjoint_reads(x):
    # exp's adjoint reads t, which the helper then writes into: recomputed, not kept
    return np.sum(written_after_read(x) ** 2)


def squashed(x):
    r = np.tanh(x)
    return r


def helper_result_written_by_its_caller(x):
    # tanh's adjoint reads r, which the caller gets and writes into: recomputed, not kept
    y = squashed(x)
    y[0] = 3.0 * y[0]
    return np.sum(y * x)


def exp_tail(x):
    r = np.exp(x)
    return r[1:]


def helper_view_written_by_its_caller(x):
    # the same through a view of r
    y = exp_tail(x)
    y[0] = 3.0 * y[0]
    return np.sum(y * x[1:])


def tail_energy(v):
    r = np.tanh(v)
    return np.sum(r * r)


def helper_on_growing_slices(x, n):
    # tail_energy's forward half returns r, kept by the loop in a tape made at the first
    # trip; a later trip's r is longer: the gradient is computed again, recomputing r
    s = 0.0
    for i in range(n):
        s = s + tail_energy(x[:i + 1])
    return s


def helper_in_while(x):
    # a while loop's trips are not counted ahead: its reversed trips recompute what
    # sigmoid's adjoint reads
    y = x
    while y < 2.0:
        y = y + sigmoid(y)
    return y


def arrays_made_each_trip(x, w):
    # each trip's np.empty_like and the adjoints' zeros are made once for the loop; the
    # previous trip's z, read through prev, is not: a trip reads it before z is made
    prev = np.zeros_like(x)
    total = 0.0
    for k in range(w.shape[0]):
        z = np.empty_like(x)
        z[0] = x[0] * w[k]
        z[1:] = np.sin(x[1:] * w[k]) + prev[:-1]
        acc = np.zeros_like(x)
        acc[1:] += z[1:] * prev[1:]
        acc += np.ones_like(x) * w[k]
        total = total + np.sum(acc * z)
        prev = z
    return total


def accumulator_rebound_each_trip(x, n):
    # g = g + h in each trip, g bound anew at its start: the arrays its sums fill are made
    # once for the loop, and the first trip's is kept (first) and read after it
    s = x * 0.0
    first = x
    for i in range(n):
        g = np.cos(x) * s
        g = g + x * i
        if i == 0:
            first = g
        s = s + g * 0.5
    return np.sum(s * first)


# -- mixtures ---------------------------------------------------------------------------------


def loop_over_rows_with_branch(a):
    s = 0.0
    for i in range(a.shape[0]):
        row_sum = np.sum(a[i])
        if row_sum > 0:
            s = s + row_sum ** 2
        else:
            s = s - row_sum
    return s


def zero_trip_loop(x):
    for _ in range(0):
        x = x * 100.0
    return x * x


def loop_variable_after_loop(x, n):
    i = 0
    for i in range(n):
        x = x + i * 0.1
    return x * (i + 1)


def gradient_descent_inner(w0, lr):
    w = w0
    for _ in range(10):
        grad = 2 * (w - 3.0)
        w = w - lr * grad
    return w * w


def power_iteration(a, v):
    for _ in range(5):
        v = a @ v
        v = v / np.sqrt(np.sum(v * v))
    return np.sum(v * (a @ v))


def rnn(W, h0, xs):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def pendulum_energy(theta0, omega0, n):
    dt = 0.02
    theta, omega = theta0, omega0
    for _ in range(n):
        omega = omega - dt * 9.81 * np.sin(theta)
        theta = theta + dt * omega
    return 0.5 * omega ** 2 + 9.81 * (1 - np.cos(theta))


def running_max(x):
    best = x[0]
    for value in x:
        best = max(best, value)
    return best


# -- the table ------------------------------------------------------------------------------------


def _off(value, boundaries, gap=0.02):
    return all(abs(value - b) > gap for b in boundaries)


def _distinct(values, gap=0.02):
    flat = np.sort(np.ravel(values))
    return flat.size < 2 or np.min(np.diff(flat)) > gap


CASES = [
    Case(logistic, [F(2.0, 3.5), F(0.1, 0.9), I(0, 12)], (0, 1)),
    Case(logistic_augmented, [F(2.0, 3.5), F(0.1, 0.9), I(0, 12)], (0, 1)),
    Case(compound_interest, [F(0.0, 0.2), F(1.0, 10.0), I(0, 10)], (0, 1)),
    Case(fibonacci_like, [F(-1, 1), F(-1, 1), I(0, 10)], (0, 1)),
    Case(running_product, [F(0.1, 2.0), I(0, 8)]),
    Case(alternating_series, [F(-2, 2), I(0, 10)]),
    Case(taylor_exp, [F(-2, 2), I(0, 10)]),
    Case(moving_average, [A((6,)), F(0.1, 0.9)], (0, 1)),
    Case(reversed_range, [F(-1, 1), I(0, 8)]),
    Case(stepped_range, [F(-1, 1), I(0, 6)]),
    Case(computed_bounds, [F(-2, 2), I(0, 9)]),
    Case(negative_step_computed, [F(-1, 1), I(0, 7)]),
    Case(euler_decay, [F(0.0, 2.0), F(-1, 1), I(0, 20)], (0, 1)),
    Case(euler_oscillator, [F(0.5, 2.0), F(-1, 1), F(-1, 1), I(0, 20)], (0, 1, 2)),
    Case(symplectic_oscillator, [F(0.5, 2.0), F(-1, 1), I(0, 20)], (0, 1)),
    Case(rk4_logistic, [F(0.5, 2.0), F(0.1, 0.9), I(0, 10)], (0, 1)),
    Case(rk4_vector, [F(0.1, 2.0), A((3,)), I(0, 8)], (0, 1)),
    Case(projectile, [F(3.0, 6.0), F(0.3, 1.2)], (0, 1)),
    Case(damped_spring_array, [F(0.5, 2.0), A((4,))], (0, 1)),
    # at a = 1 the loop makes no trip, and x = a has derivative 1: a boundary of the program
    Case(newton_sqrt, [F(0.5, 4.0)], away=lambda a: _off(a[0], [1.0], 1e-3)),
    Case(newton_cube_root, [F(0.5, 4.0)]),
    Case(fixed_point_cos, [F(0.2, 0.9)]),
    Case(bisection_free_newton, [F(0.5, 2.0), F(0.5, 2.0)], (0, 1)),
    Case(babylonian_with_count, [F(0.5, 3.0), I(0, 8)]),
    Case(fill_squares, [A((4,))]),
    Case(fill_empty, [A((4,))]),
    Case(fill_ones_matrix, [A((3,))]),
    Case(fill_copy_then_update, [A((5,))]),
    Case(fill_zeros_like, [A((4,))]),
    Case(cumulative_sum, [A((5,))]),
    Case(linear_recurrence_array, [A((6,)), F(-0.9, 0.9)], (0, 1)),
    Case(slice_assignment, [A((3,))]),
    Case(parts_of_a_new_array, [A((4,)), A((4,))]),
    Case(parts_written_over, [A((4,)), A((4,))]),
    Case(rows_and_columns_apart, [A((2, 3))]),
    Case(slice_update_in_loop, [A((6,)), F(0.05, 0.3)], (0, 1)),
    Case(heat_in_place, [A((6,)), F(0.05, 0.3)], (0, 1)),
    Case(matrix_rows, [A((3, 2))]),
    Case(augmented_subscript, [A((5,)), F(-1, 1)], (0, 1)),
    Case(columns_of_a_new_array, [A((4, 3)), A((2, 3))], (0, 1)),
    Case(columns_from_its_own, [A((4, 3)), A((2, 3))], (0, 1)),
    Case(overwrite_needed, [A((3,))]),
    Case(overwrite_then_read_in_loop, [A((4,))]),
    Case(argument_written_in_place, [A((3,))]),
    Case(stencil_laplacian, [A((6,))]),
    Case(stencil_2d, [A((4, 5))]),
    Case(gauss_seidel, [A((6,)), A((6,))], (0, 1)),
    Case(dot_by_loop, [A((5,)), A((5,))], (0, 1)),
    Case(norm_by_loop, [A((4,), 0.2, 1.0)]),
    Case(zip_product, [A((4,)), A((3,))], (0, 1)),
    Case(enumerate_weighted, [A((4,))]),
    Case(enumerate_zip, [A((4,)), A((4,))], (0, 1)),
    Case(rows_of_matrix, [A((3, 2)), A((2,))], (0, 1)),
    Case(zip_with_range, [A((5,)), I(0, 7)]),
    Case(matvec_by_loops, [A((3, 4)), A((4,))], (0, 1)),
    Case(horner, [A((5,)), F(-1.5, 1.5)], (0, 1)),
    Case(horner_by_index, [A((5,)), F(-1.5, 1.5)], (0, 1)),
    Case(softmax_by_loop, [A((5,))], away=lambda a: _distinct(a[0])),
    Case(piecewise, [F(-2, 2)], away=lambda a: _off(a[0], [0])),
    Case(piecewise_elif, [F(-2, 2)], away=lambda a: _off(a[0], [-1, 1])),
    Case(nested_branches, [F(-2, 2), F(-2, 2)], (0, 1),
         away=lambda a: _off(a[0], [0]) and _off(a[1], [0])),
    Case(conditional_expression, [F(-2, 2)], away=lambda a: _off(a[0], [0])),
    Case(boolean_conditions, [F(-2, 2), F(-2, 2)], (0, 1),
         away=lambda a: _off(a[0], [0]) and _off(a[1], [0]) and _off(
             a[0] * a[1] if a[0] > 0 and a[1] > 0 else (
                 a[0] + a[1] if a[0] > 0 or a[1] > 0 else -a[0]), [0.5])),
    Case(chained_comparison, [F(-2, 2)], away=lambda a: _off(a[0], [-1, 1])),
    Case(branch_only_one_side, [F(-1, 2)], away=lambda a: _off(a[0], [0.5])),
    Case(branch_defines_and_uses, [F(-2, 2), F(-2, 2)], (0, 1),
         away=lambda a: _off(a[1], [0])),
    Case(huber, [A((4,)), F(0.5, 2.0)], (0, 1),
         away=lambda a: _off(np.max(np.abs(a[0])), [a[1]]) and np.all(np.abs(a[0]) > 0.02)),
    Case(relu_in_loop, [A((5,))], away=lambda a: np.all(np.abs(a[0]) > 0.02)),
    Case(clipped_walk, [F(-1, 1), I(0, 8)], away=lambda a: _walk_off_boundary(a[0], a[1])),
    Case(early_return, [F(-2, 3)], away=lambda a: _off(a[0], [1])),
    Case(early_return_nested, [F(-2, 2), F(-2, 2)], (0, 1),
         away=lambda a: _off(a[0], [0]) and _off(a[1], [0])),
    Case(return_from_loop, [F(0.1, 2.0), I(0, 8)], away=lambda a: _growth_off(a[0], a[1])),
    Case(return_from_while, [F(0.1, 2.0)], away=lambda a: _while_off(a[0])),
    Case(break_in_loop, [F(0.1, 2.0), I(0, 12)], away=lambda a: _breaks_off(a[0], a[1])),
    Case(continue_in_loop, [F(-1, 1), I(0, 10)]),
    Case(break_and_continue, [F(0.1, 2.0), I(0, 12)], away=lambda a: _odd_breaks_off(*a)),
    Case(break_in_nested, [F(-1, 1), I(0, 6)]),
    Case(while_with_break, [F(-2, 2)]),
    Case(continue_in_while, [F(-2, 2)]),
    Case(triangular, [A((5,))]),
    Case(triangular_scalar, [F(0.2, 1.5), I(0, 5)]),
    Case(nested_accumulate_matrix, [A((3, 4))]),
    Case(nested_while_in_for, [F(-1, 1), I(0, 5)]),
    Case(three_levels, [F(-1, 1)]),
    Case(helper_in_loop, [F(-1, 1), A((4,))], (0, 1)),
    Case(helper_integrator, [F(0.1, 1.0), F(0.1, 1.0), I(0, 10)], (0, 1)),
    Case(helper_tuple, [F(-2, 2)]),
    Case(helper_tuple_in_loop, [F(-1, 1), I(0, 6)]),
    Case(helper_calls_helper, [F(-2, 2)]),
    Case(helper_with_loop, [A((3,), 0.1, 0.9), I(0, 6)]),
    Case(imported_helper, [F(0.2, 2.0)]),
    Case(nested_helper, [F(-1, 1), F(-1, 1)], (0, 1)),
    Case(helper_defining_a_helper, [F(-2, 2), F(-2, 2)], (0, 1)),
    Case(helper_in_branch, [F(-2, 2)], away=lambda a: _off(a[0], [0])),
    Case(helper_keyword_arguments, [F(-1, 1)]),
    Case(helper_filling_an_array, [A((4,)), I(0, 4)]),
    Case(helper_recomputing_part, [A((3,)), F(-1, 1)], (0, 1), away=lambda a: _off(a[1], [0])),
    Case(helper_keeping_its_values, [A((3,)), A((3,))], (0, 1)),
    Case(helper_writing_what_its_adjoint_reads, [A((3,))]),
    Case(helper_result_written_by_its_caller, [A((3,))]),
    Case(helper_view_written_by_its_caller, [A((4,))]),
    Case(helper_on_growing_slices, [A((4,)), I(0, 4)]),
    Case(helper_in_while, [F(-1, 1)], away=lambda a: _sigmoid_steps_off(a[0])),
    Case(arrays_made_each_trip, [A((4,)), A((3,))]),
    Case(accumulator_rebound_each_trip, [A((3,)), I(0, 4)]),
    Case(loop_over_rows_with_branch, [A((3, 2))],
         away=lambda a: np.all(np.abs(np.sum(a[0], axis=1)) > 0.02)),
    Case(zero_trip_loop, [F(-1, 1)]),
    Case(loop_variable_after_loop, [F(-1, 1), I(0, 6)]),
    Case(gradient_descent_inner, [F(-2, 2), F(0.01, 0.3)], (0, 1)),
    Case(power_iteration, [A((3, 3), 0.1, 1.0), A((3,), 0.1, 1.0)], (0, 1)),
    Case(rnn, [A((3, 3), -0.5, 0.5), A((3,)), A((4, 3))], (0, 1, 2)),
    Case(pendulum_energy, [F(-1, 1), F(-1, 1), I(0, 20)], (0, 1)),
    Case(running_max, [A((5,))], away=lambda a: _distinct(a[0])),
]


def _walk_off_boundary(x, n):
    for i in range(n):
        x = x + 0.3 * math.sin(x * i)
        if abs(x - 2.0) < 0.02:
            return False
        if x > 2.0:
            x = 2.0 - (x - 2.0) * 0.5
    return True


def _growth_off(x, n):
    for _ in range(n):
        x = x * 1.5
        if abs(x - 5.0) < 0.05:
            return False
        if x > 5.0:
            return True
    return True


def _while_off(x):
    for _ in range(50):
        x = x * 1.3 + 0.1
        if abs(x - 3.0) < 0.05:
            return False
        if x > 3.0:
            return True
    return True


def _sigmoid_steps_off(x):
    """helper_in_while's y keeps off 2.0 at every test."""
    for _ in range(50):
        if abs(x - 2.0) < 0.02:
            return False
        if x > 2.0:
            return True
        x = x + 1.0 / (1.0 + np.exp(-x))
    return True


def _breaks_off(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
        if abs(s - 10.0) < 0.05:
            return False
        if s > 10.0:
            return True
    return True


def _odd_breaks_off(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            continue
        s = s + x * i
        if abs(s - 10.0) < 0.05:
            return False
        if s > 10.0:
            return True
    return True
