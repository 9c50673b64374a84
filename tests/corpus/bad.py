"""Functions astgrad must refuse, each with its offending line marked `# error`.

The tests find the marked line and check that the error names it. Some are refused when the
gradient is built (syntax, recursion, calls without rules), others only when it is called with
particular inputs (tests/test_errors.py says which): a NaN or an infinity that decides how
many trips a loop makes, or that a while loop never ends, is an error there, while a NaN in
the data simply propagates to the gradient, as in PyTorch (tests/test_nonfinite.py).
"""

import math

import numpy as np
import scipy.special
from numba import njit, vectorize

from astgrad import stop_gradient


def uses_try(x):
    try:  # error
        y = x * 2
    except ValueError:
        y = x
    return y


def uses_with(x):
    with open("f") as handle:  # error
        y = x
    return y + handle


def uses_lambda(x):
    square = lambda v: v * v  # noqa: E731  # error
    return square(x)


def uses_comprehension(x):
    values = [v * 2 for v in x]  # error
    return values[0]


def uses_generator(x):
    yield x * 2  # error


def uses_global(x):
    global COUNTER  # error
    COUNTER = x
    return x


def uses_import(x):
    import math  # error

    return math.sin(x)


def uses_del(x):
    y = x * 2
    del y  # error
    return x


def uses_raise(x):
    raise ValueError("no")  # error


def uses_assert(x):
    assert x > 0  # error
    return x


def uses_string(x):
    label = "x"  # error
    return x * len(label)


def uses_dict(x):
    table = {"a": x}  # error
    return table["a"]


def uses_list(x):
    pair = [x, x]  # error
    return pair[0]


def uses_walrus(x):
    return (y := x * 2) + y  # error


def uses_append(x):
    out = np.zeros(3)
    out.append(x)  # error
    return out


def uses_print(x):
    print(x)  # error
    return x


def uses_is(x):
    flag = x is None  # error
    return x * flag


def assigns_attribute(x):
    x.value = 3.0  # error
    return x


def takes_varargs(*args):  # error
    return args[0]


def uses_undefined(x):
    return x * undefined_name  # noqa: F821  # error


def calls_itself(x):
    return calls_itself(x - 1.0)  # error


def calls_local(x):
    scale = 2.0
    return scale(x)  # error


def unknown_function(v):
    return np.sum(v)


def calls_numpy_without_rule(x):
    return np.sum(np.median(x))  # error


def active_linspace(x):
    return np.sum(np.linspace(0.0, x, 5))  # error


def active_tuple(x):
    pair = (x, 2.0 * x)  # error
    return pair[0] * pair[1]


def returns_array(x):
    y = x * 2.0
    return y  # error


def returns_tuple(x):
    return x, x * 2  # error


def returns_none(x):
    y = x * 2  # noqa: F841
    return None  # error


def no_return(x):  # error
    y = x * 2  # noqa: F841


def numba_cannot_compile(x):
    y = x * 2.0
    m = np.median(stop_gradient(x), axis=0)  # error
    return np.sum(y * m)


def _squared_sines(p):
    r = np.sin(p * 0.5)
    return np.sum(r * r)


def numba_cannot_type_a_number_a_helper_loop_changes(x):
    """Found by fuzzing: numba cannot compile the gradient (v is a float32 before the loop, a
    float64 after a trip), and the helper's kept values change shape from trip to trip; the
    error reported was that internal signal (ResidualShapeChanged) on the loop's line, which
    plain Python raised when asked whether it fails too."""
    v = np.float32(0.0)
    for i in range(2):
        v = v + _squared_sines(x[:i + 1])
    return np.sum(x * (v * np.ones((3,), dtype=np.float32)))  # error


def shapes_mismatch(x, y):
    z = x * 3.0
    w = z + y  # error
    return np.sum(w)


class Settings:
    scale = 2.0


SETTINGS = Settings()


def object_attribute(x):
    return x * SETTINGS.scale  # error


def ping(x):
    return pong(x) * 2.0


def pong(x):
    return ping(x - 1.0)  # error


def def_in_branch(x):
    if x > 0:
        def helper(v):  # error
            return v * 2
        x = helper(x)
    return x


def writes_argument(out, x):
    out[0] = x
    return x


def calls_writer(x):
    buffer = np.zeros(2)
    return writes_argument(buffer, x)


def uses_nonlocal(x):
    total = 0.0

    def add(v):
        nonlocal total  # error
        total = total + v
        return total

    return add(x)


def carried_without_value(x, n):
    for i in range(n):  # error
        if i > 0:
            x = x + y  # noqa: F821
        y = x * 2.0
    return x


def grows_in_loop(x):
    s = 0.0
    for i in range(3):  # error
        s = s + x * i
    return np.sum(s)


def shrinks_in_loop(x):
    # y's values are kept for each trip's reverse, in slots of its shape on entry
    y = x
    for _ in range(2):  # error
        y = np.sin(y[1:])
    return np.sum(y)


def loops_over_reversed(x, n):
    s = 0.0
    for i in reversed(range(n)):  # error
        s = s + x * i
    return s


def store_through_alias(x):
    y = x
    y[0] = 5.0  # error
    return np.sum(x * x)


def store_before_alias_in_a_loop(x, n):
    a = np.zeros(3)
    for i in range(n):  # from the second trip on, a is x
        a[0] = x[1]  # error
        a = x
    return np.sum(a * x)


def store_after_a_rebinding_in_one_branch(x, n):
    a = np.zeros(3)
    prev = x * 0.0
    s = 0.0
    for i in range(n):
        if i % 2 == 0:  # a new a in even trips only: in odd trips, a is prev
            a = np.zeros(3)
        a[0] = x[i % 3]  # error
        s = s + np.sum(prev * x)
        prev = a
    return s


def store_through_view(x):
    top = x[:2]
    top[0] = 0.0  # error
    return np.sum(x)


def store_through_a_scalar_constructor(x):
    """np.float64 of a float64 array is the array itself (found by tests/test_primitives.py,
    2026-12-06: astgrad took it for a copy, and the gradient ignored the write)."""
    y = np.float64(x)
    y[0] = 2.0  # error
    return np.sum(x * x)


def identity(v):
    return v


def store_through_returned_argument(x):
    y = identity(x)
    y[1] = 2.0  # error
    return np.sum(x * y)


def store_through_a_view_of_an_alias(x):
    """Found reading the code (2026-12-06): only names made to share by one statement were
    seen, so astgrad differentiated this one as if c were not part of a."""
    a = x * 1.0
    b = a
    c = b[1:]
    a[1] = 5.0  # error
    return np.sum(c * x[1:])


def store_after_an_index_picked_a_row(x):
    a = x * 1.0
    v = a[0]  # a row of a matrix: part of a, not a number
    a[0] = 5.0  # error
    return np.sum(v * x)


def store_after_unpacking_rows(x):
    a = x * 1.0
    u, v = a[0], a[1]  # rows: parts of a, bound through temporaries of the unpacking
    a[1] = 5.0  # error
    return np.sum(u * v)


def augmented_alias(x):
    y = x
    y += 1.0  # error
    return np.sum(x * y)


def augmented_scalar_alias(x):
    old = x
    x += 0.5
    return x * old


# -- more syntax and names astgrad refuses --------------------------------------------------


def yields_from(x):
    yield from (x, x)  # error


def sums_a_generator(x):
    return sum(v * v for v in x)  # error


def einsum_of_five(x):
    return np.sum(np.einsum("i,i,i,i,i->i", x, x, x, x, x))  # error


def einsum_optimized(x):
    return np.einsum("ij->", x, optimize=True)  # error


def einsum_of_a_misfit(x):
    return np.sum(np.einsum("ij,jk->ik", x, x))  # error


def concatenates_a_held_tuple(x):
    parts = (x, x * 2.0)  # error
    return np.sum(np.concatenate(parts))


def sums_a_list(x):
    return np.sum([x, x])  # error


def formats_a_string(x):
    label = f"{x:.2f}"  # error
    return x


BUFFER = np.zeros(3)


def writes_a_module_array(x):
    BUFFER[0] = x  # error
    return x * 2.0


COUNTER = 0.0


def updates_a_module_number(x):
    COUNTER += x  # noqa: F823  # error
    return COUNTER


def appends_to_a_list(x):
    values = list()
    values.append(x)  # error
    return x


def uses_in(x):
    return x if x in (1.0, 2.0) else 0.0  # error


def uses_set(x):
    values = {x, 2.0}  # error
    return x


def passes_starred(x):
    pair = (x, 2.0)
    return np.maximum(*pair)  # error


OPTIONS = {"axis": 0}


def passes_kwargs(x):
    return np.sum(x, **OPTIONS)  # error


def calls_a_lambda_inline(x):
    return (lambda v: v * v)(x)  # error


SQUARE = lambda v: v * v  # error


def calls_a_module_lambda(x):
    return SQUARE(x)


def defines_a_class(x):
    class Point:  # error
        pass

    return x


def uses_match(x):
    match x:  # error
        case 0.0:
            return x
    return 2.0 * x


def for_else(x):
    for i in range(3):  # error
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def decorated_helper(x):
    @njit  # error
    def helper(v):
        return v * 2.0

    return helper(x)


async def asynchronous(x):  # error
    return x


def writes_an_attribute_element(x):
    x.real[0] = 1.0  # error
    return np.sum(x)


class Model:
    def __init__(self):
        self.scale = 2.0

    def loss(self, x):  # error
        return self.scale * x * x


MODEL = Model()


def calls_a_method(x):
    return MODEL.loss(x)  # error


# -- calls without a derivative rule ------------------------------------------------------


def eigenvalues(x):
    values, vectors = np.linalg.eig(x)  # error
    return np.sum(values)


def log_gamma(x):
    return np.sum(scipy.special.loggamma(x))  # error


def math_gamma(x):
    return math.gamma(x)  # error


def builtin_sum(x):
    return sum(x)  # error


def sorts(x):
    return np.sum(np.sort(x) * np.arange(3.0))  # error


@vectorize(["float64(float64)"])
def numba_ufunc(v):
    return v * v


def calls_a_numba_ufunc(x):
    return np.sum(numba_ufunc(x))  # error


@njit
def numba_helper(v):
    return v * 2.0


def calls_a_numba_function(x):  # not an error: astgrad differentiates its Python source
    return numba_helper(x) + 1.0


# -- inputs that are wrong when the gradient is called --------------------------------------


def scales(x, factor):  # error
    return np.sum(x * factor)


def sums_over_trips(x, n):
    s = 0.0
    for i in range(n):  # error
        s = s + x
    return s


def trips_from_a_float(x, t):
    s = 0.0
    for i in range(int(t)):  # error
        s = s + x * i
    return s


def trips_from_a_floor(x, t):
    s = 0.0
    for i in range(math.floor(t) + 1):  # error
        s = s + x
    return s


def trips_from_a_half(x, n):
    s = 0.0
    for i in range(n / 2):  # error
        s = s + x
    return s


def picks_a_rounded_position(x, t):
    return x[round(t)] * 2.0  # error


def picks_an_element(x, k):
    return x[k] * 2.0  # error


def halves_until_small(x):
    while x > 1.0:  # error
        x = x / 2.0
    return x * 3.0


def waits_until_small(x):
    while not x < 1.0:  # error
        x = x / 2.0
    return x * 3.0


def breaks_when_small(x):
    k = 0
    while True:  # error
        x = x / 2.0
        k += 1
        if x < 1.0:
            break
    return x * k


def value_and_double(x):
    return x, 2.0 * x


def sums_a_tuple(x):
    return np.sum(value_and_double(x))  # error


def indexes_a_tuple_past_its_end(x):
    return value_and_double(x)[2]  # error


def writes_past_the_end(x):
    out = np.zeros(3)
    for i in range(4):
        out[i] = x * i  # error
    return np.sum(out)


def reads_past_the_end(x):
    s = 0.0
    for i in range(len(x) + 1):
        s = s + x[i] ** 2  # error
    return s


def gathers_past_the_end(x, picks):
    return np.sum(x[picks] ** 2)  # error


# -- what astgrad does not know is never a constant ------------------------------------------

WEIGHTS = [0.5, 2.0]


def concatenates_with_r(x):
    b = np.r_[x, x]  # error
    return np.sum(b * b)


def stacks_columns_with_c(x):
    b = np.c_[x, x]  # error
    return np.sum(b * b)


def reads_a_module_list(x):
    return x * WEIGHTS[0]  # error


def reads_a_module_object(x):
    settings = SETTINGS  # error
    return x * 2.0 + np.sum(settings)


def calls_a_library_function_without_rule(x):
    return scipy.special.zeta(x, 2.0)  # error


def takes_a_diagonal_by_method(x):
    return np.sum(x.diagonal())  # error


def clips_by_method(x):
    return np.sum(x.clip(0.0, 1.0))  # error


def sorts_in_place(x):
    y = x.copy()
    z = y.sort()  # error
    return np.sum(y) + z


def copies_into(x):
    y = np.zeros(3)
    np.copyto(y, x)  # error
    return np.sum(y)


def copies_into_as_a_value(x):
    y = np.zeros(3)
    nothing = np.copyto(y, x)  # error
    return np.sum(y * y) + nothing
