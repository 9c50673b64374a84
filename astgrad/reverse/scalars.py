"""Which names of a normalized function certainly hold numbers, and what follows for its
adjoints: an operand beside numbers only is not broadcast, an index of numbers and slices
picks no element twice."""

from __future__ import annotations

import numpy as np

from .. import ir
from ..rules import facts_of


class Scalars:
    """The names of `function` that certainly hold numbers (every assignment to them makes a
    number, and none is a parameter, whose argument may be an array), and the questions the
    reverse writer asks of operands."""

    def __init__(self, function: ir.Function):
        self.names = _known_scalars(function.body, set(function.params))

    def may_broadcast(self, param: str, bound: dict) -> bool:
        """Can the result of an elementwise call have more elements than this operand?"""
        return not all(self.is_scalar(v) for p, v in bound.items() if p != param)

    def is_basic(self, value) -> bool:
        """Is `value` (an index, or an operand of one) made of numbers and slices only, so that
        it picks no element twice? (A name that may hold an integer array is not.)"""
        if isinstance(value, ir.Index):
            return all(self.is_basic(item) for item in value.items)
        if isinstance(value, tuple):
            return all(self.is_basic(item) for item in value)
        if isinstance(value, ir.Slice):
            return True
        if isinstance(value, ir.Const):
            return value.value is None or value.value is Ellipsis or isinstance(
                value.value, int | np.integer)
        return isinstance(value, ir.Name) and value.id in self.names

    def is_scalar(self, value) -> bool:
        none = isinstance(value, ir.Const) and value.value is None
        return none or _scalar_atom(value, self.names)


def _known_scalars(block: list, params: set[str]) -> set[str]:
    """Names that certainly hold scalars: every assignment to them is a number, a math
    function's result, a full reduction, len(), or arithmetic on such names, and none is one
    of `params` (bound on entry to what the caller passed)."""
    assignments: dict[str, list] = {}
    for stmt in ir.walk(block):
        for name in ir.writes(stmt):
            assignments.setdefault(name, []).append(stmt)

    def scalar(stmt, scalars) -> bool:
        if isinstance(stmt, ir.For):
            return True  # the loop variable
        if not isinstance(stmt, ir.Assign):
            return False
        value = stmt.value
        if isinstance(value, ir.Const | ir.Name):
            return _scalar_atom(value, scalars)
        primitive = value.primitive
        if getattr(primitive, "__module__", "") == "math":
            return True
        facts = facts_of(primitive)
        if facts.elementwise:  # np.exp, np.float32, +, ...: of numbers, a number
            return all(_scalar_atom(a, scalars) for a in value.args)
        return facts.number and not value.kwargs and len(value.args) == 1

    scalars: set[str] = set()
    while True:  # a fixpoint: names only join the set
        found = {n for n, stmts in assignments.items()
                 if n not in params and all(scalar(s, scalars) for s in stmts)}
        if found <= scalars:
            return scalars
        scalars |= found


def _scalar_atom(atom, scalars: set[str]) -> bool:
    if isinstance(atom, ir.Const):
        return isinstance(atom.value, bool | int | float | np.number | np.bool_)
    return isinstance(atom, ir.Name) and atom.id in scalars

