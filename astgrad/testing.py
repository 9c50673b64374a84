"""check_grads: a gradient checked against central finite differences, with a readable report.

    from astgrad.testing import check_grads
    check_grads(f, (x, y), wrt=(0, 1))        # raises GradientMismatch if they disagree

The finite differences are computed in float64 on the original Python function, whatever the
dtype of the inputs; the tolerances follow the dtype of the gradient being checked.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np

from .api import grad, wrt_names


class GradientMismatch(AssertionError):
    """A gradient disagrees with central finite differences."""


def numerical_gradient(f: Callable, args: Sequence, position: int, eps: float = 1e-6):
    """d f(*args) / d args[position] by central differences, in float64.

    The step for element x_i is eps * max(1, |x_i|)."""
    f = getattr(f, "py_func", f)
    args = [np.array(a, dtype=np.float64) if _is_float(a) else a for a in args]
    x = args[position]
    out = np.zeros(np.shape(x))
    for index in np.ndindex(np.shape(x)):
        h = eps * max(1.0, abs(float(x[index])))
        values = []
        for sign in (1.0, -1.0):
            call_args = [_fresh(a) for a in args]  # the function may write into its arguments
            shifted = x.copy()
            shifted[index] += sign * h
            call_args[position] = _fresh(shifted)
            values.append(float(np.asarray(f(*call_args)).reshape(-1)[0]))
        out[index] = (values[0] - values[1]) / (2 * h)
    return out if out.ndim else float(out)


def _fresh(value):
    """A copy of an array argument (a float for a 0-d one); other values as they are."""
    if isinstance(value, np.ndarray):
        return value.copy() if value.ndim else float(value)
    return value


def check_grads(f: Callable, args: Sequence, wrt=0, *, jit: bool = True,
                gradient: Callable | None = None, rtol: float | None = None,
                atol: float | None = None, eps: float = 1e-6):
    """Check astgrad's gradient of `f` at `args` against central finite differences.

        check_grads(lambda_free_f, (2.0, 3.0), wrt=(0, 1))

    `gradient` replaces astgrad.grad(f, wrt, jit=jit) as the gradient under test (for
    instance the tape engine's). Raises GradientMismatch with a table of the disagreeing
    elements; returns the checked gradient(s).
    """
    names, single = wrt_names(f, wrt)
    params = list(inspect.signature(getattr(f, "py_func", f)).parameters)
    gradient = gradient or grad(f, wrt=wrt, jit=jit)
    computed = gradient(*args)
    results = [computed] if single else list(computed)
    for name, result in zip(names, results):
        position = params.index(name)
        expected = numerical_gradient(f, args, position, eps)
        _compare(f, name, position, np.asarray(result), np.asarray(expected),
                 _tolerances(args[position], rtol, atol))
    return computed


def _is_float(value) -> bool:
    return np.asarray(value).dtype.kind == "f"


def _tolerances(x, rtol, atol) -> tuple[float, float]:
    single_precision = np.asarray(x).dtype == np.float32
    default = (2e-3, 2e-3) if single_precision else (1e-5, 1e-6)
    return (rtol if rtol is not None else default[0], atol if atol is not None else default[1])


def _compare(f, name: str, position: int, got: np.ndarray, expected: np.ndarray,
             tolerances: tuple[float, float]) -> None:
    rtol, atol = tolerances
    function = getattr(f, "__name__", "f")
    label = f"gradient of {function} with respect to {name} (argument {position})"
    if got.shape != expected.shape:
        raise GradientMismatch(f"{label} has shape {got.shape}, but the argument has shape "
                               f"{expected.shape}")
    error = np.abs(got - expected)
    bad = ~(error <= atol + rtol * np.abs(expected))
    bad |= np.isnan(got) != np.isnan(expected)
    if not bad.any():
        return
    rows = sorted(np.argwhere(bad) if got.ndim else [()], key=lambda i: -np.nan_to_num(
        error[tuple(i)], nan=np.inf))
    lines = [f"{label} disagrees with central finite differences "
             f"(rtol={rtol:g}, atol={atol:g}) at {int(bad.sum())} of {bad.size} element(s):",
             f"  {'index':<12} {'astgrad':>16} {'finite diff.':>16} {'abs error':>11}"]
    for index in rows[:10]:
        index = tuple(int(i) for i in index)
        lines.append(f"  {str(index):<12} {got[index]:>16.9g} {expected[index]:>16.9g} "
                     f"{error[index]:>11.3g}")
    if len(rows) > 10:
        lines.append(f"  ... and {len(rows) - 10} more")
    raise GradientMismatch("\n".join(lines))
