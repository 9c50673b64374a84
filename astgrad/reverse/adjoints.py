"""Contributions into adjoint variables: the statements that assign, add to, or add into
part of an adjoint, as its state (ZERO, SHARED, OWNED; see state.py) allows, and that state
updated."""

from __future__ import annotations

import ast

import numpy as np

from .. import runtime
from ..emit import tag
from ..rules import facts_of
from .forward import index_value
from .state import State, Sweep, assign, load, witness


class Adjoints:
    """Adds into the adjoints of one function's names. It reads the writer's `sweep` (the
    adjoint state of whatever the writer is writing: the function, a branch, a loop's trip),
    names and namespace."""

    def __init__(self, writer):
        self.writer = writer
        self.names, self.ns = writer.names, writer.ns

    @property
    def sweep(self) -> Sweep:
        return self.writer.sweep

    def owned(self, adjoint: str, like: ast.expr, stmt) -> list[ast.stmt]:
        """Make `adjoint` an array of this gradient's own, to add into (or cut) in place."""
        state = self.sweep.of(adjoint)
        current = self.sweep.read(adjoint)
        out = self.sweep.before_write(adjoint)
        if state is State.ZERO:
            out.append(assign(adjoint, self.ns.call("zeros_like", witness(like))))
        elif state is State.SHARED:
            out.append(assign(adjoint, self.ns.call("own", current)))
        self.sweep.set(adjoint, State.OWNED)
        return [tag(s, stmt.origin) for s in out]

    def add(self, name: str, value: ast.expr, index: ast.expr | None, broadcasts: bool,
                   stmt, like: ast.expr | None = None, picks_twice: bool = False) -> list:
        """Add `value` into the adjoint of `name` (or into its part `d[name][index]`, once for
        every time the index picks an element: with `add_at` if it `picks_twice`)."""
        adjoint = self.names.adjoint(name)
        state = self.sweep.of(adjoint)
        if index is not None:
            out = []
            if state is State.ZERO and any(isinstance(n, ast.Name) and n.id == adjoint
                                           for n in ast.walk(value)):
                # the value reads this adjoint's variable (the adjoint of a later value of the
                # name, through an alias), which is about to be zeros: keep it first
                kept = self.names.numbered("_g")
                out.append(tag(assign(kept, value), stmt.origin))
                value = load(kept)
            out += self.owned(adjoint, like, stmt)
            if picks_twice:
                add = self.ns.call("add_at", load(adjoint), index_value(index), value)
                return out + [tag(ast.Expr(add), stmt.origin)]
            target = ast.Subscript(load(adjoint), index, ast.Store())
            return out + [tag(ast.AugAssign(target, ast.Add(), value), stmt.origin)]
        if broadcasts:  # an adjoint with a value has its primal's shape: no primal needed
            shape = self.sweep.read(adjoint) if state is not State.ZERO else witness(like)
            value = self.ns.call("unbroadcast", value, shape)
        if state is State.ZERO and isinstance(value, ast.Name):
            self.sweep.alias_of(adjoint, value.id)
            return []
        current = self.sweep.read(adjoint)  # its value, possibly still another adjoint's
        out = self.sweep.before_write(adjoint)
        if state is State.ZERO:
            out.append(assign(adjoint, value))
            self.sweep.set(adjoint, State.OWNED if self.fresh(value) else State.SHARED)
        else:
            out.append(assign(adjoint, ast.BinOp(current, ast.Add(), value)))
            self.sweep.set(adjoint, State.OWNED)
        return [tag(s, stmt.origin) for s in out]

    def fresh(self, value: ast.expr) -> bool:
        """Is `value` certainly a new array (or a scalar), never one that exists elsewhere?"""
        if isinstance(value, ast.BinOp | ast.UnaryOp | ast.Constant):
            return True
        if not isinstance(value, ast.Call):
            return False
        function = self.ns.resolve(value.func)
        if function is runtime.unbroadcast:
            return self.fresh(value.args[0])
        return isinstance(function, np.ufunc) or facts_of(function).allocates
