"""Ints a specialized gradient computes from its arguments' dimensions (`b = x.shape[0]`,
`2 * b`, `d - 1`): sums of dimensions times ints, plus an int. A slice with such bounds
(`w[b:2 * b]`, `icf[:, d:]`) has a dimension of that size, and its bounds are checked on
entry (astgrad/specialize/dimensions.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    terms: tuple[tuple[str, int], ...] = ()  # (dimension, times), sorted, no zero times
    constant: int = 0

    @staticmethod
    def of(dim: str) -> Size:
        return Size(((dim, 1),))

    def plus(self, other: Size, sign: int = 1) -> Size:
        times = dict(self.terms)
        for dim, k in other.terms:
            times[dim] = times.get(dim, 0) + sign * k
        return Size(tuple(sorted((d, k) for d, k in times.items() if k)),
                    self.constant + sign * other.constant)

    def times(self, k: int) -> Size:
        return Size(tuple((d, k * c) for d, c in self.terms if k * c), k * self.constant)

    def value(self, size_of) -> int:
        """Its value, `size_of(dim)` being each dimension's."""
        return sum(k * size_of(dim) for dim, k in self.terms) + self.constant

    def expression(self, expression_of) -> ast.expr:
        """Its expression, `expression_of(dim)` being each dimension's."""
        out = None
        for dim, k in sorted(self.terms, key=lambda term: term[1] < 0):  # additions first
            term = expression_of(dim)
            if abs(k) != 1:
                term = ast.BinOp(ast.Constant(abs(k)), ast.Mult(), term)
            if out is None:
                out = term if k > 0 else ast.UnaryOp(ast.USub(), term)
            else:
                out = ast.BinOp(out, ast.Add() if k > 0 else ast.Sub(), term)
        if out is None:
            return ast.Constant(self.constant)
        if self.constant:
            out = ast.BinOp(out, ast.Add() if self.constant > 0 else ast.Sub(),
                            ast.Constant(abs(self.constant)))
        return out

    def __str__(self) -> str:
        return ast.unparse(self.expression(ast.Name))
