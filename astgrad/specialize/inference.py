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
from .syntax import (
    ARITHMETIC,
    COMPARISONS,
    PRODUCTS,
    REDUCTIONS,
    Unknown,
    basic_index,
    constant,
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
        if isinstance(node, ast.Name):
            if node.id not in self.known:
                raise Unknown(node.id)
            return self.known[node.id]
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return ()
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
        facts = self.facts(node)
        shape = self.call_shape(node, facts)
        if shape and facts.dtype is not None:  # an array of integers or truth values: loops
            raise Unknown(to_source(node))  # write arrays of the float dtype
        return shape

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
            size = self.dims.actual_size(dim)
            if isinstance(part, tuple):
                out.append(self._sliced(dim, size, *part, node))
            elif isinstance(part, int) and not -size <= part < size:
                raise Unknown(to_source(node))  # out of bounds: the generic code raises
        return tuple(out + shape)

    def _sliced(self, dim: str, size: int, lower, upper, node: ast.Subscript) -> str:
        """The dimension of `x[lower:upper]` along `dim`: `dim` less what the slice leaves
        out at either end, if that does not depend on `dim`'s size."""
        start, stop, _ = slice(lower, upper).indices(size)
        if stop - start < 1:
            raise Unknown(to_source(node))  # empty
        if self.dims.find(dim) == ONE:
            return ONE
        if (lower is not None and lower < 0) or (upper is not None and upper >= 0):
            raise Unknown(to_source(node))  # a length of its own, not the dimension's
        return self.dims.trimmed(dim, (lower or 0) - (upper or 0))

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
