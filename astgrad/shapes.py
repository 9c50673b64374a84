"""Result shapes of primitives, from their arguments' shapes: the `shape` facts that rules and
helpers declare (astgrad/runtime/facts.py).

A shape function is called as its primitive is, with each array argument given by anything
that has a `.shape` (the array itself, when the values are at hand) and other arguments as
they are: `reduced(x, axis=1)` is the shape of `np.sum(x, axis=1)`. A number has shape ().
NumPy is the reference: tests/test_facts.py checks each declaration against it.
"""

from __future__ import annotations

import math


def shape_of(value) -> tuple:
    """The shape of an argument: an array's, () for a number."""
    return tuple(getattr(value, "shape", ()))


def broadcast(*values) -> tuple:
    """NumPy's broadcast of the arguments' shapes (trailing dimensions aligned)."""
    return _broadcast_shapes([shape_of(v) for v in values])


def _broadcast_shapes(shapes: list[tuple]) -> tuple:
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for k in range(rank):
        sizes = {s[k - rank + len(s)] for s in shapes if k >= rank - len(s)} - {1}
        if len(sizes) > 1:
            raise ValueError(f"shapes {shapes} do not broadcast")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _axes(axis, rank: int) -> set[int]:
    axes = range(rank) if axis is None else axis if isinstance(axis, tuple) else (axis,)
    return {a % rank for a in axes} if rank else set()


def reduced(a, axis=None, keepdims=False, *_) -> tuple:
    """A reduction's (np.sum, np.max, x.argmax()): `axis` gone, or 1 with keepdims."""
    shape = shape_of(a)
    gone = _axes(axis, len(shape))
    if keepdims:
        return tuple(1 if k in gone else n for k, n in enumerate(shape))
    return tuple(n for k, n in enumerate(shape) if k not in gone)


def weighted_reduced(a, axis=None, b=None, keepdims=False, *_) -> tuple:
    """scipy.special.logsumexp's: a reduction's, with weights b before keepdims."""
    return reduced(a, axis, keepdims)


def cumulated(a, axis=None) -> tuple:
    """A running sum's or product's (np.cumsum, np.cumprod): a's shape along an axis, else
    all its elements in a row."""
    return shape_of(a) if axis is not None else flat(a)


def same(a, *_, **__) -> tuple:
    """The first argument's shape (a copy, a cast, np.sort, x.argsort() along the last axis,
    np.flip with `axis`, np.tril with `k`)."""
    return shape_of(a)


def of_second(_, b, *__) -> tuple:
    """The second argument's shape (unbroadcast(g, like), matmul_adjoint_a(g, a, b))."""
    return shape_of(b)


def of_third(_, __, c, *___) -> tuple:
    """The third argument's shape (matmul_adjoint_b(g, a, b))."""
    return shape_of(c)


def number(*_) -> tuple:
    return ()


def matmul(a, b) -> tuple:
    """`a @ b`: a vector is a matrix of one row (left) or one column (right) whose dimension
    then goes; stacks of matrices broadcast."""
    left, right = shape_of(a), shape_of(b)
    if not left or not right:
        raise ValueError("matmul of a number")
    rows = left[-2:-1] if len(left) > 1 else ()
    columns = right[-1:] if len(right) > 1 else ()
    return _broadcast_shapes([left[:-2], right[:-2]]) + rows + columns


def dot(a, b) -> tuple:
    """np.dot: a number scales; otherwise the last axis of `a` meets the second to last of `b`."""
    left, right = shape_of(a), shape_of(b)
    if not left or not right:
        return broadcast(a, b) if left or right else ()
    return left[:-1] + right[:-2] + right[-1:] if len(right) > 1 else left[:-1]


def outer(a, b) -> tuple:
    return (math.prod(shape_of(a)), math.prod(shape_of(b)))


def einsum(subscripts, *operands) -> tuple:
    """np.einsum: the output subscripts' sizes (astgrad/subscripts.py)."""
    from .subscripts import letter_sizes, parse
    shapes = [shape_of(op) for op in operands if op is not None]
    terms, output = parse(subscripts, tuple(len(s) for s in shapes))
    sizes = letter_sizes(terms, shapes)
    return tuple(sizes[c] for c in output)


def joined(arrays, axis=0, *_, **__) -> tuple:
    """np.concatenate: the operands' sizes along `axis` added (None: all flattened)."""
    shapes = [shape_of(a) for a in arrays]
    if axis is None:
        return (sum(math.prod(s) for s in shapes),)
    first, at = shapes[0], axis % len(shapes[0])
    return first[:at] + (sum(s[at] for s in shapes),) + first[at + 1:]


def stacked(arrays, axis=0, *_, **__) -> tuple:
    """np.stack: a new axis, as long as the operands are many."""
    first = shape_of(arrays[0])
    at = axis % (len(first) + 1)
    return first[:at] + (len(arrays),) + first[at:]


def arrayed(a, *_, **__) -> tuple:
    """np.array: of a sequence, its length and then its elements' shape; of an array, its
    shape."""
    if isinstance(a, tuple | list):
        return (len(a), *shape_of(a[0]))
    return shape_of(a)


def _joined_as(arrays, promote, axis: int) -> tuple:
    return joined([_Shaped(promote(shape_of(a))) for a in arrays], axis)


class _Shaped:
    def __init__(self, shape):
        self.shape = shape


def vstacked(arrays) -> tuple:
    """np.vstack: a vector is a row."""
    return _joined_as(arrays, lambda s: (1, *s) if len(s) == 1 else s, 0)


def hstacked(arrays) -> tuple:
    """np.hstack: vectors end to end, else along the second axis."""
    return joined(arrays, 0 if len(shape_of(arrays[0])) == 1 else 1)


def column_stacked(arrays) -> tuple:
    """np.column_stack: a vector is a column."""
    return _joined_as(arrays, lambda s: (*s, 1) if len(s) == 1 else s, 1)


def dstacked(arrays) -> tuple:
    """np.dstack: a vector is (1, n, 1), a matrix (m, n, 1)."""
    return _joined_as(arrays, lambda s: (1, *s, 1) if len(s) == 1 else (*s, 1) if len(s) == 2
                      else s, 2)


def inner(a, b) -> tuple:
    """np.inner: the last axes of both summed."""
    from .subscripts import inner_subscripts
    return einsum(inner_subscripts((len(shape_of(a)), len(shape_of(b)))), a, b)


def tensordot(a, b, axes=2) -> tuple:
    """np.tensordot with a number of axes: a's last `axes` summed with b's first."""
    from .subscripts import tensordot_subscripts
    return einsum(tensordot_subscripts((len(shape_of(a)), len(shape_of(b))), axes), a, b)


def trace(a) -> tuple:
    """np.trace: the first two axes summed along their diagonal."""
    return shape_of(a)[2:]


def transposed(a, *axes) -> tuple:
    shape = shape_of(a)
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], tuple | list)):
        axes = axes[0]
    order = reversed(range(len(shape))) if not axes else axes
    return tuple(shape[k] for k in order)


def reshaped(a, *shape) -> tuple:
    """x.reshape(3, -1) or np.reshape(x, (3, -1)): the one -1 is what is left."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = shape[0]
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        shape = tuple(math.prod(shape_of(a)) // known if n == -1 else n for n in shape)
    return shape


def flat(a, *_) -> tuple:
    """np.ravel's and x.flatten()'s: every element along one axis."""
    return (math.prod(shape_of(a)),)


def filled(shape, *_) -> tuple:
    """np.zeros(shape), np.full(shape, v): the shape asked for."""
    return (shape,) if isinstance(shape, int) else tuple(shape)


def square(n, m=None, *_) -> tuple:
    """np.eye(n, m), np.identity(n)."""
    return (n, n if m is None else m)
