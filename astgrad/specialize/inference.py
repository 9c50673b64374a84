"""Shape inference for the specializer: the symbolic shape of each value of a generated
gradient, from the arguments' dimensions (astgrad/specialize/dimensions.py) and what each call
calls, known by its declared facts (astgrad/runtime/facts.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..emit import to_source
from ..rules import facts_of
from ..runtime.facts import Facts
from .dimensions import ONE, Dimensions
from .sizes import Size
from .syntax import (
    ARITHMETIC,
    COMPARISONS,
    PRODUCTS,
    REDUCTIONS,
    Unknown,
    basic_index,
    constant,
    is_copy,
    is_flag,
    maps_numbers,
    reduction_arguments,
    resolve,
)


@dataclass
class Shapes:
    """The symbolic shapes of expressions: `known` holds those of names (the writer binds
    them as it goes); a call is known by the object it calls in `namespace`, the generic
    module's globals (`local` names are the function's own)."""

    dims: Dimensions
    known: dict[str, tuple]
    namespace: dict
    local: set[str]
    integers: set[str] = field(default_factory=set)  # names of ints (a range's, ...)
    int_arrays: set[str] = field(default_factory=set)  # names of arrays of ints (index
    # tables): read by index, an int at a time; any other use of one is kept as written
    values: dict = field(default_factory=dict)  # name -> the Size it holds, or the sizes of
    # the shape it holds (`s = x.shape`)

    def callee(self, node: ast.expr):
        """The object a call calls (None for anything else)."""
        if not isinstance(node, ast.Call):
            return None
        return resolve(node.func, self.namespace, self.local)

    def facts(self, node: ast.expr) -> Facts:
        """The declared facts of what a call calls (nothing known for anything else)."""
        return facts_of(self.callee(node))

    def shape(self, node: ast.expr) -> tuple:
        """The symbolic shape of an expression's value, or Unknown."""
        if not isinstance(node, ast.Name) and self.size_value(node) is not None:
            return ()  # an int of the dimensions (`main.shape[0]`, `d - 1`)
        if isinstance(node, ast.Name):
            if node.id not in self.known:
                raise Unknown(node.id)
            return self.known[node.id]
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return ()
        if not isinstance(node, ast.Subscript | ast.Attribute) and any(
                self.of_ints(child) and self.shape(child) for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.expr)):  # (loops write arrays of the float dtype)
            raise Unknown(to_source(node))
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            return self.dims.broadcast([self.shape(node.left), self.shape(node.right)])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.shape(node.operand)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(
                node.ops[0]) in COMPARISONS:
            return self.dims.broadcast([self.shape(node.left), self.shape(node.comparators[0])])
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.shape(node.value)[::-1]
        if isinstance(node, ast.Subscript) and basic_index(node, self.integers) is not None:
            return self.indexed(node)
        if not isinstance(node, ast.Call):
            raise Unknown(to_source(node))
        if is_copy(node):
            return self.shape(node.func.value)
        facts = self.facts(node)
        shape = self.call_shape(node, facts)
        if shape and facts.dtype not in (None, "like"):  # of integers or truth values: loops
            raise Unknown(to_source(node))  # write arrays of the float dtype
        return shape

    def is_number(self, node: ast.expr) -> bool:
        """Whether `node` is certainly a number (of shape ())."""
        try:
            return self.shape(node) == ()
        except Unknown:
            return False

    def of_ints(self, node: ast.expr) -> bool:
        """Whether `node` is an array of ints (index tables), or an element or part of one."""
        if isinstance(node, ast.Name):
            return node.id in self.int_arrays
        return isinstance(node, ast.Subscript) and self.of_ints(node.value) or (
            isinstance(node, ast.Attribute) and node.attr == "T" and self.of_ints(node.value))

    def call_shape(self, node: ast.Call, facts: Facts) -> tuple:
        if facts.loop in REDUCTIONS:
            source, axis, keep = reduction_arguments(node)
            shape = self.shape(source)
            if axis is None:
                return (ONE,) * len(shape) if keep else ()
            axis %= len(shape)
            return tuple(ONE if k == axis else d for k, d in enumerate(shape) if keep or k != axis)
        if facts.loop in PRODUCTS:
            return self.product_shape(node, facts.loop)
        if facts.elementwise and not node.keywords:
            return self.dims.broadcast([self.shape(a) for a in node.args if not is_flag(a)])
        return self.declared_shape(node, facts)

    def declared_shape(self, node: ast.Call, facts: Facts) -> tuple:
        """The shape a call's declared `shape` fact gives for its arguments' symbolic shapes:
        those arguments are stand-ins whose dimensions are classes (1 for ONE), and the
        others constants. (A shape fact may not need every argument's shape: unknown, it is
        asked for only if read.)"""
        if facts.shape is None:
            raise Unknown(to_source(node))

        def value(argument: ast.expr):
            try:
                return constant(argument)
            except Unknown:
                pass
            sizes = self.shape_sizes(argument)
            if sizes is not None:  # a shape of the arguments' sizes: np.empty((n, k))
                return tuple(1 if d == ONE else d for d in
                             self.sizes([self.dims.of_size(size) for size in sizes]))
            return _Shaped(lambda: tuple(1 if d == ONE else d
                                         for d in self.sizes(self.shape(argument))))

        args = [value(a) for a in node.args]
        kwargs = {k.arg: value(k.value) for k in node.keywords}
        try:
            shape = facts.shape(*args, **kwargs)
        except (TypeError, ValueError, IndexError):  # sizes it would have to compute
            raise Unknown(to_source(node)) from None
        if not all(d == 1 or isinstance(d, str) for d in shape):
            raise Unknown(to_source(node))  # a size of its own, not the arguments'
        return tuple(ONE if d == 1 else d for d in shape)

    def has_elements(self, node: ast.Call) -> bool:
        """Whether the writer can write the call's value element by element."""
        return self.facts(node).loop in ("select", "share", "copy", "unreduce",
                                         "unbroadcast") or (
            maps_numbers(self.callee(node)))

    def product_shape(self, node: ast.Call, form: str) -> tuple:
        shapes = [self.shape(a) for a in node.args]
        if form != "product":
            return shapes[1] if form == "product_adjoint_a" else shapes[2]
        a, b = shapes
        if len(a) != 2 or len(b) != 2:
            raise Unknown(to_source(node))
        self.dims.same(a[1], b[0])
        return (a[0], b[1])

    def indexed(self, node: ast.Subscript) -> tuple:
        """`x[1:, None, 0]`: x's shape with a 1 where the index has None, a dimension trimmed
        by a slice, and none where it has a number."""
        parts, shape = basic_index(node, self.integers), list(self.shape(node.value))
        if len(parts) - parts.count(None) > len(shape):
            raise Unknown(to_source(node))  # too many indices: NumPy's IndexError
        out = []
        for part in parts:
            if part is None:
                out.append(ONE)
                continue
            dim = shape.pop(0)
            if isinstance(part, tuple):
                out.append(self.slice_bounds(dim, *part, node)[1])
            elif isinstance(part, int) and not -self.dims.actual_size(dim) <= part < \
                    self.dims.actual_size(dim):
                raise Unknown(to_source(node))  # out of bounds: the generic code raises
        return tuple(out + shape)

    def slice_bounds(self, dim: str, lower, upper, node: ast.Subscript) -> tuple[Size, str]:
        """Where `x[lower:upper]` starts along `dim`, and its dimension. Its bounds must lie
        within the dimension, in order (the guard checks they do for other arguments); a
        negative number counts from the end, as in Python."""
        whole = Size.of(dim) if self.dims.find(dim) != ONE else Size((), 1)

        def bound(value, default: Size) -> Size:
            if value is None:
                return default
            if isinstance(value, int):
                return whole.plus(Size((), value)) if value < 0 else Size((), value)
            size = self.size_value(value)
            if size is None:
                raise Unknown(to_source(node))
            return size

        start, stop = bound(lower, Size()), bound(upper, whole)
        self.dims.require(start)
        self.dims.require(whole.plus(stop, -1))
        return start, self.dims.of_size(stop.plus(start, -1))

    def size_value(self, node: ast.expr) -> Size | None:
        """The int `node` computes from the arguments' dimensions (`x.shape[0]`, `d - 1`, a
        name bound to one), or None."""
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return Size((), node.value)
        if isinstance(node, ast.Name):
            value = self.values.get(node.id)
            return value if isinstance(value, Size) else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.size_value(node.operand)
            return None if value is None else value.times(-1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            left, right = self.size_value(node.left), self.size_value(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Mult):
                if left.terms and right.terms:
                    return None  # a product of dimensions
                return left.times(right.constant) if not right.terms \
                    else right.times(left.constant)
            return left.plus(right, 1 if isinstance(node.op, ast.Add) else -1)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and type(
                node.slice.value) is int:
            sizes = self.shape_sizes(node.value)
            k = node.slice.value
            return sizes[k] if sizes is not None and -len(sizes) <= k < len(sizes) else None
        return None

    def shape_sizes(self, node: ast.expr) -> tuple | None:
        """The sizes of `x.shape` or `(n, k)` (or of a name bound to one), or None."""
        if isinstance(node, ast.Tuple):
            sizes = tuple(self.size_value(item) for item in node.elts)
            return None if None in sizes else sizes
        if isinstance(node, ast.Name):
            value = self.values.get(node.id)
            return value if isinstance(value, tuple) else None
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            try:
                shape = self.shape(node.value)
            except Unknown:
                return None
            return tuple(Size((), 1) if self.dims.find(d) == ONE else Size.of(d)
                         for d in shape)
        return None

    def sizes(self, shape: tuple) -> list[str]:
        return [self.dims.find(d) for d in shape]


class _Shaped:
    """A stand-in for an argument of a declared `shape` fact: a value whose shape is found
    when read (which raises Unknown if it is not known)."""

    def __init__(self, find_shape):
        self._find_shape = find_shape

    @property
    def shape(self) -> tuple:
        return self._find_shape()
