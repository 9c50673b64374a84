"""Dimensions of a specialized gradient's values: 1, or a class of the arguments'
dimensions known equal."""

from __future__ import annotations

import ast

from .code import attribute, call
from .syntax import Unknown

ONE = "1"  # a dimension of size 1; any other dimension is a class of argument dimensions


class ShapeConflict(Exception):
    """The program needs two dimensions equal that the arguments have different (the generic
    gradient raises NumPy's error for them)."""


class Dimensions:
    """Classes of argument dimensions known equal (union-find), and the check of the pattern
    the specialized function assumes. A slice's dimension (`x[1:]`) is one of its own,
    `trimmed` from its argument's by a number."""

    def __init__(self, shapes: dict[str, tuple]):
        self.actual = {f"{name}.shape[{k}]": size for name, shape in shapes.items()
                       for k, size in enumerate(shape)}
        self.where = {f"{name}.shape[{k}]": (name, k) for name, shape in shapes.items()
                      for k in range(len(shape))}
        self.parent = {dim: dim for dim in self.actual}
        self.trims: dict[str, tuple[str, int]] = {}  # a slice's dimension -> (its base's, by)

    def actual_size(self, dim: str) -> int:
        """The size of `dim` for the arguments the pattern was taken from."""
        return 1 if dim == ONE else self.actual[self.find(dim)]

    def trimmed(self, dim: str, by: int) -> str:
        """The dimension `by` less than `dim` (of `x[1:]`, `x[:-1]`): ONE if it is 1 for
        these arguments (the guard then checks it is for others), Unknown if less."""
        base = self.find(dim)
        if by == 0:
            return base
        size = self.actual[base] - by
        if size < 1:
            raise Unknown(f"{base} - {by}")
        name = f"{base}-{by}"
        if name not in self.actual:
            self.actual[name], self.parent[name], self.trims[name] = size, name, (base, by)
        return ONE if size == 1 else self.find(name)

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
        if ONE in (a, b) or self.actual[a] != self.actual[b]:
            raise ShapeConflict(a, b)
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
        if not conditions:
            return []
        test = conditions[0] if len(conditions) == 1 else ast.BoolOp(ast.And(), conditions)
        refusal = ast.Raise(call("ShapePatternError", ast.Constant(
            "arguments of another shape pattern than the one this version was written for")))
        return [ast.If(ast.UnaryOp(ast.Not(), test), [refusal], [])]

    def size_of(self, dim: str) -> ast.expr:
        """The expression of one dimension's own size (not its class's)."""
        if dim in self.trims:
            base, by = self.trims[dim]
            return ast.BinOp(self.size_of(base), ast.Sub(), ast.Constant(by))
        name, k = self.where[dim]
        return ast.Subscript(attribute(name, "shape"), ast.Constant(k), ast.Load())
