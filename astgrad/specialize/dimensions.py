"""Dimensions of a specialized gradient's values: 1, or a class of the arguments'
dimensions known equal."""

from __future__ import annotations

import ast

from .code import attribute, call
from .sizes import Size
from .syntax import Unknown

ONE = "1"  # a dimension of size 1; any other dimension is a class of argument dimensions


class ShapeConflict(Exception):
    """The program needs two dimensions equal that the arguments have different (the generic
    gradient raises NumPy's error for them)."""


class Dimensions:
    """Classes of argument dimensions known equal (union-find), and the check of the pattern
    the specialized function assumes. A slice's dimension (`x[1:]`, `w[b:2 * b]`) is one of
    its own, of a `Size` computed from others (`of_size`)."""

    def __init__(self, shapes: dict[str, tuple]):
        self.actual = {f"{name}.shape[{k}]": size for name, shape in shapes.items()
                       for k, size in enumerate(shape)}
        self.where = {f"{name}.shape[{k}]": (name, k) for name, shape in shapes.items()
                      for k in range(len(shape))}
        self.parent = {dim: dim for dim in self.actual}
        self.forms: dict[str, Size] = {}  # a slice's dimension -> its size
        self.conditions: list[Size] = []  # sizes the guard checks are 0 or more
        self.slot_counts: set[str] = set()  # dimensions no other equals (`slots`)

    def actual_size(self, dim: str) -> int:
        """The size of `dim` for the arguments the pattern was taken from."""
        self._not_slots(dim)
        return 1 if dim == ONE else self.actual[self.find(dim)]

    def slots(self, tape: str) -> str:
        """The dimension of a tape's slots, one per trip of a loop whose trip count the
        arguments' sizes may not give (lstm's `range(state.shape[0] // 2)`): a class of its
        own, which no other dimension equals, whose size nothing reads (a trip's slot is
        read and written by the loop's index)."""
        dim = f"slots of {tape}"
        self.parent[dim] = dim
        self.slot_counts.add(dim)
        return dim

    def _not_slots(self, *dims: str) -> None:
        if any(dim in self.slot_counts for dim in dims):
            raise Unknown("the size of a tape's slots")

    def normal(self, size: Size) -> Size:
        """`size` in terms of classes (ONE's as a number)."""
        out = Size((), size.constant)
        for dim, k in size.terms:
            dim = self.find(dim)
            out = out.plus(Size((), k) if dim == ONE else Size(((dim, k),)))
        return out

    def of_size(self, size: Size) -> str:
        """The dimension of `size` elements: ONE if there is 1 for these arguments (the guard
        then checks there is for others); Unknown if none, or a number of its own."""
        size = self.normal(size)
        if len(size.terms) == 1 and size.terms[0][1] == 1 and size.constant == 0:
            return size.terms[0][0]
        if not size.terms:
            if size.constant == 1:
                return ONE
            raise Unknown(str(size))
        actual = size.value(self.actual_size)
        if actual < 1:
            raise Unknown(str(size))
        name = str(size)
        if name not in self.actual:
            self.actual[name], self.parent[name], self.forms[name] = actual, name, size
        return ONE if actual == 1 else self.find(name)

    def require(self, size: Size) -> None:
        """That `size` be 0 or more, as it is for these arguments (else Unknown): the guard
        checks it is for others."""
        size = self.normal(size)
        if size.value(self.actual_size) < 0:
            raise Unknown(str(size))
        if all(k > 0 for _, k in size.terms) and size.constant >= 0:
            return  # a sum of sizes
        if size not in self.conditions:
            self.conditions.append(size)

    def size(self, dim: str) -> ast.expr:
        """The expression of a dimension's size: 1, or `x.shape[k]` of an argument's."""
        return ast.Constant(1) if dim == ONE else self.size_of(self.find(dim))

    def of_argument(self, name: str, shape: tuple) -> tuple:
        return tuple(ONE if size == 1 else f"{name}.shape[{k}]" for k, size in enumerate(shape))

    def find(self, dim: str) -> str:
        if dim == ONE:
            return ONE
        while self.parent[dim] != dim:
            dim = self.parent[dim]
        return dim

    def same(self, a: str, b: str) -> str:
        """The class of a and b, which the program needs equal."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return a
        self._not_slots(a, b)
        if ONE in (a, b) or self.actual[a] != self.actual[b]:
            raise ShapeConflict(a, b)
        if a in self.forms and b not in self.forms:  # an argument's dimension represents
            a, b = b, a
        self.parent[b] = a
        return a

    def broadcast(self, shapes: list[tuple]) -> tuple:
        """NumPy's broadcast of shapes (trailing dimensions aligned)."""
        rank = max(len(s) for s in shapes)
        out = []
        for k in range(rank):
            present = {self.find(s[k - rank + len(s)]) for s in shapes if k >= rank - len(s)}
            grown = sorted(present - {ONE})
            dim = ONE
            for other in grown:
                dim = other if dim == ONE else self.same(dim, other)
            out.append(dim)
        return tuple(out)

    def guard(self) -> list[ast.stmt]:
        """The check that arguments have the pattern: sizes 1 or more, classes equal."""
        conditions = [ast.Compare(self.size_of(dim), [ast.Eq() if size == 1 else ast.Gt()],
                                  [ast.Constant(1)]) for dim, size in self.actual.items()]
        conditions += [ast.Compare(self.size_of(dim), [ast.Eq()], [self.size(dim)])
                       for dim in self.actual
                       if self.actual[dim] != 1 and self.find(dim) != dim]
        conditions += [ast.Compare(size.expression(self.size), [ast.GtE()], [ast.Constant(0)])
                       for size in self.conditions]
        if not conditions:
            return []
        test = conditions[0] if len(conditions) == 1 else ast.BoolOp(ast.And(), conditions)
        refusal = ast.Raise(call("ShapePatternError", ast.Constant(
            "arguments of another shape pattern than the one this version was written for")))
        return [ast.If(ast.UnaryOp(ast.Not(), test), [refusal], [])]

    def size_of(self, dim: str) -> ast.expr:
        """The expression of one dimension's own size (not its class's)."""
        self._not_slots(dim)
        if dim in self.forms:
            return self.forms[dim].expression(self.size)
        name, k = self.where[dim]
        return ast.Subscript(attribute(name, "shape"), ast.Constant(k), ast.Load())
