"""The adjoints of arrays joined into one (np.concatenate, np.stack and their kin): the parts
of the result's adjoint each operand became, as a tuple, one per operand.

`joined_adjoint(g, arrays, axis)` cuts g along `axis` where the operands met: operand k had
`arrays[k].shape[axis]` elements there, or 1 where it had one axis fewer than the result
(np.vstack of a row, np.column_stack of a column, np.dstack of a matrix), and its part takes
its shape again. `stacked_adjoint(g, arrays, axis)` takes element k along the new axis.
Compiled, the tuple's length, the axis and the ranks are known when numba types the call,
and each is written as the slices they denote.
"""

from __future__ import annotations

import numpy as np
from numba import literally, types
from numba.core.errors import TypingError
from numba.extending import overload
from numba.np.numpy_support import as_dtype

from .facts import helper


def concatenate(arrays, axis=0):
    """np.concatenate(arrays, axis), compilable by numba (whose np.concatenate has no
    axis=None)."""
    return np.concatenate(arrays, axis=axis)


@overload(concatenate)
def _concatenate(arrays, axis=0):
    _tuple_of_arrays(arrays, "concatenate")
    if not isinstance(axis, types.NoneType):
        return lambda arrays, axis=0: np.concatenate(arrays, axis=axis)
    flat = ", ".join(f"arrays[{k}].ravel()" for k in range(len(arrays)))
    namespace = {"np": np}
    exec(f"def flattened(arrays, axis=0):\n    return np.concatenate(({flat},))", namespace)
    return namespace["flattened"]


def array(a):
    """np.array(a), compilable by numba for a tuple of numbers (of any float or int types)
    or of arrays of one shape (stacked), as for an array (a copy)."""
    return np.array(a)


@overload(array)
def _array(a):
    if isinstance(a, types.Array):
        return lambda a: a.copy()
    if not isinstance(a, types.BaseTuple):
        return lambda a: np.array(a)
    if all(isinstance(t, types.Array) for t in a):
        return lambda a: np.stack(a)
    if not all(isinstance(t, types.Number) for t in a):
        raise TypingError(f"astgrad: np.array of {a}: numbers, or arrays of one shape")
    kind = np.result_type(*(as_dtype(t) for t in a)).type
    fills = "".join(f"    out[{k}] = a[{k}]\n" for k in range(len(a)))
    namespace = {"np": np, "KIND": kind}
    exec(f"def filled(a):\n    out = np.empty({len(a)}, KIND)\n{fills}    return out",
         namespace)
    return namespace["filled"]


def _lengths(arrays, axis: int, rank: int) -> list[int]:
    return [np.shape(a)[axis] if np.ndim(a) == rank else 1 for a in arrays]


@helper()
def joined_adjoint(g, arrays, axis=0):
    """The parts of `g` that the operands of np.concatenate(arrays, axis) (or of np.vstack,
    np.hstack, np.column_stack, np.dstack, given the axis they join along) became."""
    if axis is None:  # the operands flattened, then joined
        ends = np.cumsum([np.size(a) for a in arrays])
        return tuple(np.reshape(part, np.shape(a))
                     for part, a in zip(np.split(g, ends[:-1]), arrays))
    axis = axis % np.ndim(g)
    ends = np.cumsum(_lengths(arrays, axis, np.ndim(g)))
    return tuple(np.reshape(part, np.shape(a))
                 for part, a in zip(np.split(g, ends[:-1], axis=axis), arrays))


@helper()
def stacked_adjoint(g, arrays, axis=0):
    """The parts of `g` that the operands of np.stack(arrays, axis) became."""
    return tuple(np.take(g, k, axis=axis) for k in range(len(arrays)))


def _tuple_of_arrays(arrays, name: str) -> int:
    if not isinstance(arrays, types.BaseTuple) or not all(
            isinstance(a, types.Array) for a in arrays):
        raise TypingError(f"astgrad: {name} takes a tuple of arrays, not {arrays}")
    return len(arrays)


@overload(joined_adjoint, prefer_literal=True)
def _joined_adjoint(g, arrays, axis=0):
    _tuple_of_arrays(arrays, "joined_adjoint")
    if isinstance(axis, types.NoneType):
        return _compiled(_flattened_source(len(arrays)))
    if not isinstance(axis, types.IntegerLiteral | types.Omitted):
        return lambda g, arrays, axis=0: literally(axis)
    at = 0 if isinstance(axis, types.Omitted) else axis.literal_value
    return _compiled(_joined_source("g, arrays, axis=0", arrays, g.ndim, at % g.ndim))


def _joined_source(params: str, arrays, rank: int, at: int) -> str:
    """The parts of g along axis `at`, each reshaped to its operand's shape where the
    operand had one axis fewer."""
    lines = [f"def adjoint({params}):", "    end0 = 0"]
    parts = []
    for k, a in enumerate(arrays):
        length = f"arrays[{k}].shape[{at}]" if a.ndim == rank else "1"
        lines.append(f"    end{k + 1} = end{k} + {length}")
        part = f"g[{', '.join([':'] * at + [f'end{k}:end{k + 1}'])}]"
        parts.append(part if a.ndim == rank
                     else f"np.ascontiguousarray({part}).reshape(arrays[{k}].shape)")
    lines.append(f"    return ({', '.join(parts)},)")
    return "\n".join(lines)


def _flattened_source(count: int) -> str:
    lines = ["def adjoint(g, arrays, axis=0):", "    end0 = 0"]
    parts = []
    for k in range(count):
        lines.append(f"    end{k + 1} = end{k} + arrays[{k}].size")
        parts.append(f"np.ascontiguousarray(g[end{k}:end{k + 1}]).reshape(arrays[{k}].shape)")
    lines.append(f"    return ({', '.join(parts)},)")
    return "\n".join(lines)


# np.vstack, np.hstack, np.column_stack and np.dstack join along an axis their operands'
# ranks decide, an operand of fewer axes taking the ones NumPy gives it (numba's own versions
# take operands of one rank only): each is np.concatenate of the promoted operands, and its
# adjoint joined_adjoint's along that axis.

def _promoting(function, promote, axis_of_rank):
    """Compiled, `function(arrays)` is np.concatenate along `axis_of_rank(rank)` of the
    operands, each reshaped to `promote(rank)` where that gives a shape: a template of the
    operand `{a}` (the result's rank is the largest operand's, promoted)."""
    def typing(arrays):
        _tuple_of_arrays(arrays, function.__name__)
        parts, rank = [], 0
        for k, a in enumerate(arrays):
            shape = promote(a.ndim)
            operand = f"arrays[{k}]"
            parts.append(operand if shape is None else
                         f"np.ascontiguousarray({operand}).reshape({shape.format(a=operand)})")
            rank = max(rank, a.ndim if shape is None else shape.count(",") + 1)
        return _compiled(f"def joined(arrays):\n    return np.concatenate(({', '.join(parts)},), "
                         f"axis={axis_of_rank(rank)})")

    overload(function)(typing)


def vstack(arrays):
    """np.vstack(arrays), compilable by numba: a vector is a row."""
    return np.vstack(arrays)


def hstack(arrays):
    """np.hstack(arrays), compilable by numba."""
    return np.hstack(arrays)


def column_stack(arrays):
    """np.column_stack(arrays), compilable by numba: a vector is a column."""
    return np.column_stack(arrays)


def dstack(arrays):
    """np.dstack(arrays), compilable by numba: a vector is (1, n, 1), a matrix (m, n, 1)."""
    return np.dstack(arrays)


_promoting(vstack, lambda rank: "(1, {a}.shape[0])" if rank == 1 else None, lambda rank: 0)
_promoting(hstack, lambda rank: None, lambda rank: 0 if rank == 1 else 1)
_promoting(column_stack, lambda rank: "({a}.shape[0], 1)" if rank == 1 else None,
           lambda rank: 1)
_promoting(dstack, lambda rank: {1: "(1, {a}.shape[0], 1)", 2: "({a}.shape[0], {a}.shape[1], 1)"
                                 }.get(rank), lambda rank: 2)

@helper()
def vstack_adjoint(g, arrays):
    return joined_adjoint(g, arrays, 0)


@helper()
def hstack_adjoint(g, arrays):
    return joined_adjoint(g, arrays, 0 if np.ndim(g) == 1 else 1)


@helper()
def column_stack_adjoint(g, arrays):
    return joined_adjoint(g, arrays, 1)


@helper()
def dstack_adjoint(g, arrays):
    return joined_adjoint(g, arrays, 2)


def _along(axis_of_rank):
    def typing(g, arrays):
        _tuple_of_arrays(arrays, "the adjoint of a stack")
        return _compiled(_joined_source("g, arrays", arrays, g.ndim, axis_of_rank(g.ndim)))
    return typing


overload(vstack_adjoint)(_along(lambda rank: 0))
overload(hstack_adjoint)(_along(lambda rank: 0 if rank == 1 else 1))
overload(column_stack_adjoint)(_along(lambda rank: 1))
overload(dstack_adjoint)(_along(lambda rank: 2))


@overload(stacked_adjoint, prefer_literal=True)
def _stacked_adjoint(g, arrays, axis=0):
    count = _tuple_of_arrays(arrays, "stacked_adjoint")
    if not isinstance(axis, types.IntegerLiteral | types.Omitted):
        return lambda g, arrays, axis=0: literally(axis)
    at = (0 if isinstance(axis, types.Omitted) else axis.literal_value) % g.ndim
    parts = [f"g[{', '.join([':'] * at + [str(k)])}]" for k in range(count)]
    return _compiled(f"def adjoint(g, arrays, axis=0):\n    return ({', '.join(parts)},)")


def _compiled(source: str):
    """The one function `source` defines (the slices or reshapes this call's operands
    denote)."""
    namespace = {"np": np}
    exec(source, namespace)  # noqa: S102
    return next(v for k, v in namespace.items() if k not in ("np", "__builtins__"))
