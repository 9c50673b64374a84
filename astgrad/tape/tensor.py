"""Tensors: NumPy arrays that remember how they were computed.

Takes: data (numbers, nested lists, NumPy arrays), then operations on tensors: operators,
methods, and NumPy's own functions, which reach the tape through NumPy's dispatch protocols
(`np.exp(t)` is a tensor; the table of NumPy names is in `numpy_api.py`).
Produces: tensors whose `grad_fn` is the tape node (graph.py) of the operation that made them,
whenever grad mode is on and an operand requires grad; `backward()` fills the leaves' `.grad`.

A tensor holds its value as a NumPy array and never changes that array: an in-place operation
(`x[i] = v`, `x += v`, `p.add_(g)`) gives the tensor a new array, so a value an earlier
operation saved for its gradient is never overwritten. The price is that no two tensors are
views of one array, as they can be in NumPy and PyTorch.

Python floats and lists become float32 tensors, as in PyTorch; NumPy arrays keep their dtype.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..errors import TapeError
from .format import tensor_repr
from .graph import Leaf, Node, backward, is_grad_enabled
from .ops import Primitive, arrays, elementwise, linalg, reductions, special

UFUNCS: dict = {}  # NumPy ufunc -> Primitive, filled by numpy_api
FUNCTIONS: dict = {}  # NumPy function -> its implementation on tensors, filled by numpy_api

MinMax = namedtuple("MinMax", ["values", "indices"])  # PyTorch's `max(dim)` result


def apply(primitive: Primitive, *operands, **params) -> Tensor:
    """Run a primitive on tensors (or plain values) and record it when a gradient is wanted."""
    values = [o._value if isinstance(o, Tensor) else o for o in operands]
    try:
        value, vjp = primitive.forward(*values, **params)
    except (ValueError, TypeError, IndexError) as error:
        raise TapeError(f"{primitive.forward.__name__}: {error}") from None
    value = np.asarray(value)
    sources = tuple(o._node if isinstance(o, Tensor) else None for o in operands)
    wanted = primitive.differentiable and value.dtype.kind == "f" and is_grad_enabled()
    if not wanted or all(source is None for source in sources):
        return Tensor._wrap(value)
    shapes = tuple(np.shape(v) for v in values)
    dtypes = tuple(np.result_type(v) if s is not None else None for v, s in zip(values, sources))
    return Tensor._wrap(value, Node(primitive.name, sources, vjp, shapes, dtypes))


def unwrap(value):
    """`value` with every tensor in it (also inside tuples and lists) replaced by its array."""
    if isinstance(value, Tensor):
        return value._value
    if isinstance(value, (tuple, list)):
        return type(value)(unwrap(v) for v in value)
    return value


def requires_grad_anywhere(value) -> bool:
    if isinstance(value, Tensor):
        return value.requires_grad
    if isinstance(value, (tuple, list)):
        return any(requires_grad_anywhere(v) for v in value)
    if isinstance(value, dict):
        return any(requires_grad_anywhere(v) for v in value.values())
    return False


def _unary(primitive: Primitive, doc: str):
    def method(self):
        return apply(primitive, self)

    method.__name__, method.__doc__ = primitive.forward.__name__, doc
    return method


def _binary(primitive: Primitive, reflected: bool = False):
    def method(self, other):
        return apply(primitive, other, self) if reflected else apply(primitive, self, other)

    return method


def _in_place(primitive: Primitive):
    def method(self, other):
        return self._assign(apply(primitive, self, other))

    return method


class Tensor:
    """A NumPy array with a gradient: PyTorch's interface over NumPy.

    >>> x = tensor(2.0, requires_grad=True)
    >>> (x ** 2).backward(); x.grad
    tensor(4.)
    """

    __array_priority__ = 1000  # NumPy hands `array * tensor` to Tensor.__rmul__
    _shares_value = False  # a `.data` of another tensor: changed in place, it changes that one
    __hash__ = object.__hash__  # `==` is elementwise; tensors are keys by identity

    def __init__(self, data, requires_grad: bool = False):
        self._value = np.asarray(data._value if isinstance(data, Tensor) else data)
        self._node = None
        self.grad = None
        self.requires_grad_(requires_grad)

    @classmethod
    def _wrap(cls, value: np.ndarray, node: Node | None = None) -> Tensor:
        result = object.__new__(Tensor)
        result._value, result._node, result.grad = value, node, None
        return result

    # -- the graph ---------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        return self._node is not None

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Start (or stop) recording operations on this leaf tensor; returns the tensor."""
        if not self.is_leaf:
            raise TapeError("requires_grad can only be changed on a tensor created by the user, "
                            "not on the result of an operation",
                            "use .detach() for a copy of the value without its history")
        if requires_grad and self._value.dtype.kind != "f":
            raise TapeError(f"only floating-point tensors can require gradients, not "
                            f"{self._value.dtype}", "write 2.0 instead of 2, or pass dtype=float64")
        self._node = Leaf(self) if requires_grad else None
        return self

    @property
    def is_leaf(self) -> bool:
        return self._node is None or isinstance(self._node, Leaf)

    @property
    def grad_fn(self) -> Node | None:
        return None if self.is_leaf else self._node

    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Add the gradient of this tensor with respect to every leaf into the leaf's `.grad`.

        >>> loss.backward()
        """
        if create_graph:
            raise TapeError("create_graph=True (gradients of gradients) is not supported by the "
                            "tape engine", "use astgrad.grad twice for higher derivatives")
        if self._node is None:
            raise TapeError("backward() of a tensor that does not depend on any tensor with "
                            "requires_grad=True", "create the inputs with "
                            "tensor(..., requires_grad=True), outside no_grad(), not detached")
        if gradient is None:
            if self._value.size != 1:
                raise TapeError(f"backward() of a tensor of shape {self.shape} needs a gradient "
                                "argument of that shape",
                                "reduce it to a scalar first (.sum(), .mean()), or pass "
                                "gradient=ones of its shape")
            seed = np.ones_like(self._value)
        else:
            seed = np.asarray(unwrap(gradient), dtype=self._value.dtype)
            if seed.shape != self.shape:
                raise TapeError(f"backward(gradient) got a gradient of shape {seed.shape} for a "
                                f"tensor of shape {self.shape}",
                                "pass a gradient of the same shape")
        backward(self._node, seed, bool(retain_graph))

    def retain_grad(self) -> None:
        """Keep this intermediate tensor's gradient in `.grad` when backward passes it."""
        if not self.is_leaf:
            self._node.retained = self

    def _accumulate_grad(self, gradient: np.ndarray) -> None:
        gradient = np.array(gradient, dtype=self._value.dtype)
        if self.grad is None:
            self.grad = Tensor._wrap(gradient)
        else:
            self.grad._value = self.grad._value + gradient

    def detach(self) -> Tensor:
        """The same value, without history: a constant to the gradient."""
        return Tensor._wrap(self._value)

    # -- in-place operations: the tensor takes the new value (and its history) -----------------

    def _assign(self, result: Tensor) -> Tensor:
        if self._shares_value:  # `w.data -= ...`: into the array w holds
            np.copyto(self._value, result._value, casting="unsafe")
            return self
        if isinstance(self._node, Leaf) and is_grad_enabled():
            raise TapeError("a leaf tensor that requires grad is changed in place",
                            "change parameters inside `with no_grad():`, as optimizers do, or "
                            "work on a copy (x = x + ...)")
        self._value = result._value.astype(self._value.dtype, copy=False)
        if not isinstance(self._node, Leaf):
            self._node = result._node
        return self

    __iadd__ = add_ = _in_place(elementwise.add)
    __isub__ = sub_ = _in_place(elementwise.subtract)
    __imul__ = mul_ = _in_place(elementwise.multiply)
    __itruediv__ = div_ = _in_place(elementwise.divide)
    __ipow__ = pow_ = _in_place(elementwise.power)

    def __setitem__(self, index, value) -> None:
        self._assign(apply(arrays.setitem, self, value, index=unwrap(index)))

    def zero_(self) -> Tensor:
        return self._assign(Tensor._wrap(np.zeros_like(self._value)))

    def fill_(self, value) -> Tensor:
        return self._assign(Tensor._wrap(np.full_like(self._value, unwrap(value))))

    def copy_(self, source) -> Tensor:
        """Take the value of `source` (broadcast to this tensor's shape)."""
        return self._assign(apply(arrays.broadcast_to, source, shape=self.shape))

    # -- conversions --------------------------------------------------------------------------

    @property
    def data(self) -> Tensor:
        """The value without history, sharing this tensor's array (PyTorch's `.data`): changed
        in place, `w.data -= lr * w.grad` or `w.grad.data.zero_()`, it changes this tensor,
        outside of any graph (a value a graph saved from it changes too, as in PyTorch)."""
        shared = Tensor._wrap(self._value)
        shared._shares_value = True
        return shared

    @data.setter
    def data(self, value) -> None:
        self._value = np.array(unwrap(value), dtype=self._value.dtype)

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array (of a tensor that does not require grad)."""
        if self.requires_grad:
            raise TapeError("numpy() of a tensor that requires grad would drop its gradient",
                            "use .detach().numpy()")
        return self._value

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._value.size != 1:
            raise TapeError(f"item() of a tensor with {self._value.size} elements",
                            "index one element first, or use .tolist()")
        return self._value.item()

    def tolist(self):
        return self._value.tolist()

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise TapeError("a tensor that requires grad is turned into a NumPy array, which "
                            "would drop its gradient (math.* functions, float(), writing it into "
                            "a NumPy array do this)",
                            "use np.* functions (they keep the gradient) and tensors from "
                            "astgrad.tape.zeros(...); use .detach() where no gradient should flow")
        return np.array(self._value, dtype=dtype, copy=True) if copy else (
            self._value if dtype is None else self._value.astype(dtype))

    def __float__(self) -> float:
        """The number a one-element tensor of any rank holds (refused where it would drop a
        gradient: math.* of a tensor does this)."""
        value = self.__array__()
        if value.size != 1:
            raise TapeError(f"float() of a tensor with {value.size} elements",
                            "index one element first")
        return float(value.item())

    def __int__(self) -> int:
        return int(self._value)

    def __index__(self) -> int:
        return self._value.__index__()

    def __bool__(self) -> bool:
        if self._value.size != 1:
            raise TapeError(f"the truth value of a tensor with {self._value.size} elements is "
                            "ambiguous", "use .any() or .all()")
        return bool(self._value)

    def __format__(self, spec: str) -> str:
        return format(self._value.item(), spec) if spec and self._value.size == 1 else str(self)

    def __repr__(self) -> str:
        if self._node is None:
            suffixes = []
        elif isinstance(self._node, Leaf):
            suffixes = ["requires_grad=True"]
        else:
            suffixes = [f"grad_fn=<{self._node.name()}>"]
        return tensor_repr(self._value, suffixes)

    # -- NumPy's protocols: np.exp(t), np.sum(t), ndarray * t ------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        primitive = UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
        if primitive is not None:
            return apply(primitive, *inputs)
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        return without_gradient(getattr(ufunc, method), inputs, kwargs, f"numpy.{name}")

    def __array_function__(self, function, types, args, kwargs):
        implementation = FUNCTIONS.get(function)
        if implementation is not None:
            return implementation(*args, **kwargs)
        return without_gradient(function, args, kwargs, f"numpy.{function.__name__}")

    # -- shape --------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self._value.shape

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    def size(self, dim: int | None = None):
        """The shape (PyTorch's `size()`), or the length along `dim`."""
        return self.shape if dim is None else self.shape[dim]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return self._value.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def reshape(self, *shape) -> Tensor:
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return apply(arrays.reshape, self, shape=tuple(shape))

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        shape = self.shape
        end = end_dim % max(self.ndim, 1) + 1
        return self.reshape(shape[:start_dim] + (-1,) + shape[end:]) if self.ndim else (
            self.reshape(1))

    def ravel(self) -> Tensor:
        return self.reshape(-1)

    def squeeze(self, dim: int | None = None) -> Tensor:
        return self.reshape(np.squeeze(self._value, dim).shape)

    def unsqueeze(self, dim: int) -> Tensor:
        return self.reshape(np.expand_dims(self._value, dim).shape)

    def transpose(self, *axes) -> Tensor:
        """No arguments: reverse the axes (NumPy). Two: swap them (PyTorch). More, or one
        tuple: permute (NumPy)."""
        if len(axes) == 2:
            order = list(range(self.ndim))
            order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
            axes = (order,)
        return apply(arrays.transpose, self, axes=(axes[0] if len(axes) == 1 else axes) or None)

    def permute(self, *dims) -> Tensor:
        return apply(arrays.transpose, self, axes=dims[0] if len(dims) == 1 else dims)

    def t(self) -> Tensor:
        return apply(arrays.transpose, self)

    T = property(t)

    def __getitem__(self, index) -> Tensor:
        return apply(arrays.getitem, self, index=unwrap(index))

    # -- arithmetic ---------------------------------------------------------------------------

    __add__, __radd__ = _binary(elementwise.add), _binary(elementwise.add, reflected=True)
    __sub__, __rsub__ = _binary(elementwise.subtract), _binary(elementwise.subtract, True)
    __mul__, __rmul__ = _binary(elementwise.multiply), _binary(elementwise.multiply, True)
    __truediv__ = _binary(elementwise.divide)
    __rtruediv__ = _binary(elementwise.divide, reflected=True)
    __floordiv__ = _binary(elementwise.floor_divide)
    __rfloordiv__ = _binary(elementwise.floor_divide, reflected=True)
    __mod__, __rmod__ = _binary(elementwise.remainder), _binary(elementwise.remainder, True)
    __pow__, __rpow__ = _binary(elementwise.power), _binary(elementwise.power, reflected=True)
    __matmul__, __rmatmul__ = _binary(linalg.matmul), _binary(linalg.matmul, reflected=True)
    add, sub, mul, div = __add__, __sub__, __mul__, __truediv__
    pow, matmul, mm, dot = __pow__, __matmul__, __matmul__, _binary(linalg.dot)
    maximum, minimum = _binary(elementwise.maximum), _binary(elementwise.minimum)
    __neg__ = neg = _unary(elementwise.negative, "-x")
    __pos__ = _unary(elementwise.positive, "+x")
    __abs__ = abs = _unary(elementwise.absolute, "|x|")

    def __lt__(self, other):
        return without_gradient(np.less, (self, other), {}, "<")

    def __le__(self, other):
        return without_gradient(np.less_equal, (self, other), {}, "<=")

    def __gt__(self, other):
        return without_gradient(np.greater, (self, other), {}, ">")

    def __ge__(self, other):
        return without_gradient(np.greater_equal, (self, other), {}, ">=")

    def __eq__(self, other):
        return without_gradient(np.equal, (self, other), {}, "==")

    def __ne__(self, other):
        return without_gradient(np.not_equal, (self, other), {}, "!=")

    # -- elementwise functions ----------------------------------------------------------------

    exp = _unary(elementwise.exp, "e ** x")
    expm1 = _unary(elementwise.expm1, "e ** x - 1")
    log = _unary(elementwise.log, "natural logarithm")
    log2 = _unary(elementwise.log2, "base-2 logarithm")
    log10 = _unary(elementwise.log10, "base-10 logarithm")
    log1p = _unary(elementwise.log1p, "log(1 + x)")
    sqrt = _unary(elementwise.sqrt, "square root")
    square = _unary(elementwise.square, "x ** 2")
    reciprocal = _unary(elementwise.reciprocal, "1 / x")
    sin, cos, tan = (_unary(elementwise.sin, "sine"), _unary(elementwise.cos, "cosine"),
                     _unary(elementwise.tan, "tangent"))
    asin = arcsin = _unary(elementwise.arcsin, "inverse sine")
    acos = arccos = _unary(elementwise.arccos, "inverse cosine")
    atan = arctan = _unary(elementwise.arctan, "inverse tangent")
    sinh, cosh = _unary(elementwise.sinh, "sinh"), _unary(elementwise.cosh, "cosh")
    tanh = _unary(elementwise.tanh, "hyperbolic tangent")
    asinh = arcsinh = _unary(elementwise.arcsinh, "inverse hyperbolic sine")
    acosh = arccosh = _unary(elementwise.arccosh, "inverse hyperbolic cosine")
    atanh = arctanh = _unary(elementwise.arctanh, "inverse hyperbolic tangent")
    sinc = _unary(elementwise.sinc, "sin(pi x) / (pi x)")
    deg2rad = _unary(elementwise.deg2rad, "degrees to radians")
    rad2deg = _unary(elementwise.rad2deg, "radians to degrees")
    conj = conjugate = _unary(elementwise.conjugate, "the conjugate (of a real tensor, a copy)")
    # (a real tensor is its own real part, and its imaginary part is zeros, as in NumPy)
    real = property(lambda self: self)
    imag = property(_unary(elementwise.imag, "zeros (gradient zero)"))
    sigmoid = _unary(elementwise.sigmoid, "1 / (1 + e ** -x)")
    relu = _unary(elementwise.relu, "max(x, 0)")
    sign = _unary(elementwise.sign, "-1, 0 or 1 (gradient zero)")
    floor = _unary(elementwise.floor, "round down (gradient zero)")
    ceil = _unary(elementwise.ceil, "round up (gradient zero)")
    round = _unary(elementwise.rint, "round to nearest even (gradient zero)")  # noqa: A003
    trunc = _unary(elementwise.trunc, "round toward zero (gradient zero)")

    def clamp(self, min=None, max=None) -> Tensor:  # noqa: A002 (PyTorch's names)
        """Clip to [min, max]; either bound may be None."""
        return apply(arrays.clip, self, min, max)

    clip = clamp

    def softmax(self, dim: int = -1) -> Tensor:
        return apply(reductions.softmax, self, axis=dim)

    def log_softmax(self, dim: int = -1) -> Tensor:
        return apply(reductions.log_softmax, self, axis=dim)

    erf = _unary(special.erf, "the error function")
    erfc = _unary(special.erfc, "1 - erf(x)")
    lgamma = _unary(special.lgamma, "log |Γ(x)|")
    digamma = _unary(special.digamma, "d/dx log Γ(x)")
    logit = _unary(special.logit, "log(x / (1 - x))")

    def xlogy(self, other) -> Tensor:
        """x log(other), 0 where x is 0."""
        return apply(special.xlogy, self, other)

    def logsumexp(self, dim=None, keepdim: bool = False) -> Tensor:
        """log(sum(exp(x))) over `dim` (one, or all), without overflow."""
        return apply(special.logsumexp, self, axis=dim, keepdims=keepdim)

    # -- reductions ---------------------------------------------------------------------------

    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None) -> Tensor:
        """Sum over `dim` (PyTorch) or `axis` (NumPy); all elements by default."""
        return self._reduce(reductions.sum, dim, keepdim, axis, keepdims, dtype)

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None) -> Tensor:
        """Mean over `dim` (PyTorch) or `axis` (NumPy); all elements by default."""
        return self._reduce(reductions.mean, dim, keepdim, axis, keepdims, dtype)

    def cumsum(self, dim=None, *, axis=None) -> Tensor:
        """Running sums along `dim` (PyTorch) or `axis` (NumPy; of all elements in a row
        without one)."""
        return apply(reductions.cumsum, self, axis=dim if axis is None else axis)

    def cumprod(self, dim=None, *, axis=None) -> Tensor:
        """Running products along `dim` (PyTorch) or `axis` (NumPy; of all elements in a row
        without one)."""
        return apply(reductions.cumprod, self, axis=dim if axis is None else axis)

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
        """Largest element over `dim`; ties share the gradient evenly."""
        return self._reduce(reductions.amax, dim, keepdim, axis, keepdims)

    def amin(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> Tensor:
        """Smallest element over `dim`; ties share the gradient evenly."""
        return self._reduce(reductions.amin, dim, keepdim, axis, keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The largest element; with `dim`, PyTorch's (values, indices); with `axis`, NumPy's
        values."""
        return self._extremum(reductions.amax, np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """The smallest element; with `dim`, PyTorch's (values, indices)."""
        return self._extremum(reductions.amin, np.argmin, dim, keepdim, axis, keepdims)

    def argmax(self, dim=None, keepdim=False) -> Tensor:
        return Tensor._wrap(np.asarray(np.argmax(self._value, axis=dim, keepdims=keepdim)))

    def argmin(self, dim=None, keepdim=False) -> Tensor:
        return Tensor._wrap(np.asarray(np.argmin(self._value, axis=dim, keepdims=keepdim)))

    def prod(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None) -> Tensor:
        """Product over `dim` (PyTorch) or `axis` (NumPy); all elements by default."""
        return self._reduce(reductions.prod, dim, keepdim, axis, keepdims, dtype)

    def var(self, dim=None, *, correction=None, keepdim=False, axis=None, ddof=None,
            keepdims=None) -> Tensor:
        """Variance over `dim`: PyTorch's (unbiased, correction=1, by default), or with
        NumPy's `axis`, `ddof` or `keepdims`, NumPy's (ddof=0 by default)."""
        return self._spread(reductions.var, dim, correction, keepdim, axis, ddof, keepdims)

    def std(self, dim=None, *, correction=None, keepdim=False, axis=None, ddof=None,
            keepdims=None) -> Tensor:
        """Standard deviation over `dim`: as `var`, its square root."""
        return self._spread(reductions.std, dim, correction, keepdim, axis, ddof, keepdims)

    def _spread(self, primitive, dim, correction, keepdim, axis, ddof, keepdims) -> Tensor:
        numpy = axis is not None or ddof is not None or keepdims is not None
        if ddof is None:
            ddof = correction if correction is not None else (0 if numpy else 1)
        return apply(primitive, self, axis=dim if axis is None else axis, ddof=ddof,
                     keepdims=bool(keepdim if keepdims is None else keepdims))

    def _reduce(self, primitive, dim, keepdim, axis, keepdims, dtype=None) -> Tensor:
        axis = dim if axis is None else axis
        axis = tuple(axis) if isinstance(axis, list) else axis
        keepdims = keepdim if keepdims is None else keepdims
        result = apply(primitive, self, axis=axis, keepdims=bool(keepdims))
        return result if dtype is None else result.astype(dtype)

    def _extremum(self, primitive, arg, dim, keepdim, axis, keepdims):
        values = self._reduce(primitive, dim, keepdim, axis, keepdims)
        if dim is None:
            return values
        return MinMax(values, Tensor._wrap(np.asarray(arg(self._value, axis=dim,
                                                          keepdims=keepdim))))

    def trace(self) -> Tensor:
        return apply(linalg.trace, self)

    # -- copies and casts ---------------------------------------------------------------------

    def clone(self) -> Tensor:
        return apply(arrays.copy, self)

    copy = clone

    def astype(self, dtype) -> Tensor:
        """The value as `dtype` (NumPy's spelling); the gradient is cast back."""
        return apply(arrays.astype, self, dtype=np.dtype(dtype))

    def to(self, target=None, dtype=None, device=None) -> Tensor:
        """This tensor as `dtype` (`x.to(float64)`), on a device (`x.to('cpu')`: the tape has
        only the CPU), or both."""
        if isinstance(target, str) and target.split(":")[0] in ("cpu", "cuda", "mps"):
            target, device = None, target
        if device is not None and str(device).split(":")[0] != "cpu":
            raise TapeError(f".to({device!r}): astgrad.tape computes on the CPU only",
                            "leave the device out, or pass 'cpu'")
        dtype = target if dtype is None else dtype
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        return self.astype(dtype)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def float(self) -> Tensor:  # noqa: A003 (PyTorch's name)
        return self.to(np.float32)

    def long(self) -> Tensor:
        return self.to(np.int64)


def without_gradient(function, args, kwargs, name: str):
    """Run a NumPy function on the arrays inside tensors, where it loses no gradient: no
    operand requires grad, or the result is not floating point (a comparison, an index)."""
    out = kwargs.get("out")
    if requires_grad_anywhere(out):
        raise TapeError(f"{name}(..., out=) cannot write into a tensor",
                        "assign the result instead: x = ...")
    recording = is_grad_enabled() and requires_grad_anywhere((args, kwargs))
    if recording and out is not None:
        raise TapeError(f"{name} writes a tensor that requires grad into a NumPy array, which "
                        "would drop its gradient",
                        "build the array as a tensor (astgrad.tape.zeros, np.zeros_like(x))")
    plain = {key: unwrap(value) for key, value in kwargs.items()}
    result = function(*unwrap(args), **plain)
    if recording and _has_floats(result):
        raise TapeError(f"astgrad.tape has no derivative for {name}",
                        "write it with operations the tape records (the NumPy functions in "
                        "astgrad/tape/numpy_api.py), or apply it to .detach()ed values")
    return result if out is not None else _wrapped(result)


def _has_floats(result) -> bool:
    if isinstance(result, (tuple, list)):
        return any(_has_floats(r) for r in result)
    return np.asarray(result).dtype.kind in "fc" if result is not None else False


def _wrapped(result):
    if isinstance(result, (np.ndarray, np.generic)) and result.dtype != object:
        return Tensor._wrap(np.asarray(result))
    if isinstance(result, tuple):
        return type(result)(*map(_wrapped, result)) if hasattr(result, "_fields") else tuple(
            map(_wrapped, result))
    if isinstance(result, list):
        return [_wrapped(r) for r in result]
    return result
