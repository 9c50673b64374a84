"""The tape: the graph that operations on tensors record, and the backward pass over it.

Takes: `Node`s, each recorded by one operation while grad mode is on (`tensor.apply`), pointing
at the nodes of its operands; a `Leaf` for each tensor created with `requires_grad=True`.
Produces: `backward(node, seed)` walks the graph from a result back to the leaves, calling each
node's vector-Jacobian product once, after every use of its result has sent its gradient, and
adds the total into each leaf tensor's `.grad`.

Like PyTorch, a node frees what it saved once backward has passed through it, unless
`retain_graph=True`; a second pass through it is an error, not a silent wrong answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from ..errors import TapeError

# -- grad mode ---------------------------------------------------------------------------------

_mode = threading.local()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded (PyTorch's `torch.is_grad_enabled`)."""
    return getattr(_mode, "enabled", True)


class _GradMode:
    enabled: bool

    def __enter__(self):
        self._before = is_grad_enabled()
        _mode.enabled = self.enabled

    def __exit__(self, *exc_info):
        _mode.enabled = self._before

    def __call__(self, function: Callable) -> Callable:
        def with_mode(*args, **kwargs):
            with type(self)():
                return function(*args, **kwargs)

        with_mode.__name__, with_mode.__doc__ = function.__name__, function.__doc__
        return with_mode


class no_grad(_GradMode):  # noqa: N801 (PyTorch's spelling)
    """Record nothing inside: for evaluation and for updating parameters by hand.

    >>> with no_grad():
    ...     w -= 0.1 * w.grad
    """

    enabled = False


class enable_grad(_GradMode):  # noqa: N801
    """Record operations again inside a `no_grad` block."""

    enabled = True


# -- the graph -----------------------------------------------------------------------------


class Node:
    """One recorded operation: where its operands came from and how to send them a gradient.

    Shown as PyTorch shows it, e.g. `<MulBackward0 object at 0x...>`; `name()` gives the name.
    """

    __slots__ = ("_name", "inputs", "shapes", "dtypes", "vjp", "retained", "__weakref__")

    def __init__(self, name: str, inputs: tuple, vjp: Callable, shapes: tuple, dtypes: tuple):
        self._name = name
        self.inputs = inputs  # per operand: the Node its gradient goes to, or None
        self.vjp = vjp  # output gradient -> one gradient per operand; None once freed
        self.shapes = shapes  # per operand, to sum a broadcast gradient back to
        self.dtypes = dtypes
        self.retained = None  # the tensor that asked for its gradient (`retain_grad()`)

    def name(self) -> str:
        return self._name

    @property
    def next_functions(self) -> tuple:
        return tuple((node, 0) for node in self.inputs)

    def __repr__(self) -> str:
        return f"<{self._name} object at {id(self):#x}>"


class Leaf(Node):
    """The end of the graph for a tensor created with `requires_grad=True`: gradients that
    reach it are added into the tensor's `.grad` (PyTorch's `AccumulateGrad`)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        super().__init__("AccumulateGrad", (), None, (), ())
        self.tensor = tensor

    def accumulate(self, gradient: np.ndarray) -> None:
        self.tensor._accumulate_grad(gradient)


def backward(root: Node, seed: np.ndarray, retain_graph: bool) -> None:
    """Send `seed`, the gradient of the root node's output, back to every leaf it reaches.

    Like PyTorch, it lets NaN and infinity through without warnings (a log of a negative base
    in the gradient of `x ** 2`'s exponent, which nobody asked for, is not worth one).
    """
    with np.errstate(all="ignore"):
        _backward(root, seed, retain_graph)


def _backward(root: Node, seed: np.ndarray, retain_graph: bool) -> None:
    pending = {root: seed}
    for node in _users_first(root):
        gradient = pending.pop(node)
        if node.retained is not None:
            node.retained._accumulate_grad(gradient)
        if isinstance(node, Leaf):
            node.accumulate(gradient)
            continue
        if node.vjp is None:
            raise TapeError(
                f"backward() passes a second time through {node.name()}, whose saved values "
                "were freed by the first pass",
                "call backward(retain_graph=True) the first time to keep them")
        gradients = node.vjp(gradient)
        if not retain_graph:
            node.vjp = None
        for source, grad, shape, dtype in zip(node.inputs, gradients, node.shapes, node.dtypes):
            if source is None or grad is None:
                continue
            grad = np.asarray(sum_to_shape(grad, shape), dtype=dtype)
            pending[source] = pending[source] + grad if source in pending else grad


def sum_to_shape(gradient, shape: tuple):
    """A gradient taken in a broadcast shape, summed back to the shape of the operand."""
    gradient = np.asarray(gradient)
    if gradient.shape == shape:
        return gradient
    extra = gradient.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and gradient.shape[
            extra + axis] != 1)
    return np.sum(gradient, axis=axes).reshape(shape)


def _users_first(root: Node) -> list[Node]:
    """The nodes reachable from `root`, each before every node it takes gradient from.

    Iterative: a 10,000-step loop records a graph 10,000 deep.
    """
    order, seen, stack = [], {root}, [(root, _sources(root))]
    while stack:
        node, sources = stack[-1]
        source = next(sources, None)
        if source is None:
            stack.pop()
            order.append(node)
        elif source not in seen:
            seen.add(source)
            stack.append((source, _sources(source)))
    order.reverse()
    return order


def _sources(node: Node):
    return iter([source for source in node.inputs if source is not None])
