"""Functions astgrad must refuse, each with its offending line marked `# error`.

The tests find the marked line and check that the error names it.
"""

import numpy as np

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
    return np.sum(np.cumsum(x))  # error


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


def loops_over_reversed(x, n):
    s = 0.0
    for i in reversed(range(n)):  # error
        s = s + x * i
    return s


def store_through_alias(x):
    y = x
    y[0] = 5.0  # error
    return np.sum(x * x)


def store_through_view(x):
    top = x[:2]
    top[0] = 0.0  # error
    return np.sum(x)


def identity(v):
    return v


def store_through_returned_argument(x):
    y = identity(x)
    y[1] = 2.0  # error
    return np.sum(x * y)


def augmented_alias(x):
    y = x
    y += 1.0  # error
    return np.sum(x * y)


def augmented_scalar_alias(x):
    old = x
    x += 0.5
    return x * old
