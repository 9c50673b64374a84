"""The forward computation as Python syntax: normalized expressions and blocks, as written.

Used for the forward sweep, for loop bodies run without recording, for the recomputation of a
trip in the reverse sweep, and for the forward versions of the user's helper functions.
"""

from __future__ import annotations

import ast
import operator

from .. import ir
from ..emit import tag
from ..names import Namespace
from ..rules import lookup
from .state import assign, load

_BINARY = {v: k for k, v in ir.BINARY_OPERATORS.items()}
_UNARY = {v: k for k, v in ir.UNARY_OPERATORS.items()}
_COMPARE = {v: k for k, v in ir.COMPARISONS.items()}


class Spelling:
    """IR expressions as Python syntax, calls spelled through the module's Namespace."""

    def __init__(self, namespace: Namespace, primal_name):
        self.ns = namespace
        self.primal_name = primal_name  # UserFunction -> name of its forward function

    def index(self, index: ir.Index, rename=None) -> ast.expr:
        """The subscript of `a[index]`; `rename` maps names (to captures)."""
        items = [self._index_item(item, rename) for item in index.items]
        return items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())

    def index_tuple(self, index: ir.Index, rename=None) -> ast.Tuple:
        """The index as a tuple value, slices as slice(...) calls (for log_write)."""
        return index_value(self.index(index, rename))

    def _index_item(self, item, rename) -> ast.expr:
        if isinstance(item, ir.Slice):
            return ast.Slice(*(None if p is None else self.atom(p, rename)
                               for p in (item.lower, item.upper, item.step)))
        if isinstance(item, ir.Const) and item.value is Ellipsis:
            return ast.Constant(Ellipsis)
        return self.atom(item, rename)

    def atom(self, atom: ir.Atom, rename=None) -> ast.expr:
        if isinstance(atom, ir.Name) and rename is not None:
            return load(rename(atom.id))
        return self.ns.atom(atom)

    def operand(self, operand, rename=None) -> ast.expr:
        if isinstance(operand, ir.Index):
            return self.index(operand, rename)
        if isinstance(operand, tuple):  # a sequence of operands (np.concatenate's)
            return ast.Tuple([self.atom(a, rename) for a in operand], ast.Load())
        return self.atom(operand, rename)

    def expr(self, value: ir.Expr) -> ast.expr:
        """One normalized operation as a Python expression."""
        if not isinstance(value, ir.Call):
            return self.ns.atom(value)
        args = [self.operand(a) for a in value.args]
        kwargs = [ast.keyword(k, self.ns.atom(v)) for k, v in value.kwargs]
        primitive = value.primitive
        rule = lookup(primitive) if not isinstance(primitive, ir.UserFunction) else None
        if rule is not None and rule.forward is not None and (
                rule.forward_always or len(args) + len(kwargs) > 1):
            return ast.Call(self.ns.spell(rule.forward), args, kwargs)
        if primitive in _BINARY:
            return ast.BinOp(args[0], _BINARY[primitive](), args[1])
        if primitive in _UNARY:
            return ast.UnaryOp(_UNARY[primitive](), args[0])
        if primitive in _COMPARE:
            return ast.Compare(args[0], [_COMPARE[primitive]()], [args[1]])
        if primitive is operator.getitem:
            return ast.Subscript(args[0], args[1], ast.Load())
        if primitive is ir.TUPLE:
            return ast.Tuple(args, ast.Load())
        if isinstance(primitive, ir.Attribute):
            return ast.Attribute(args[0], primitive.name, ast.Load())
        if isinstance(primitive, ir.UserFunction):
            return ast.Call(load(self.primal_name(primitive)), args, kwargs)
        if isinstance(primitive, ir.Method):
            return ast.Call(ast.Attribute(args[0], primitive.name, ast.Load()), args[1:], kwargs)
        return ast.Call(self.ns.spell(primitive, getattr(primitive, "__name__", None)), args,
                        kwargs)

    def assignment(self, stmt) -> ast.stmt:
        """An Assign or Unpack statement as written."""
        if isinstance(stmt, ir.Unpack):
            targets = ast.Tuple([ast.Name(t, ast.Store()) for t in stmt.targets], ast.Store())
            return tag(ast.Assign([targets], self.expr(stmt.value), lineno=0), stmt.origin)
        return tag(assign(stmt.target, self.expr(stmt.value)), stmt.origin)

    def store(self, stmt: ir.Store) -> ast.stmt:
        target = ast.Subscript(load(stmt.array), self.index(stmt.index), ast.Store())
        return tag(ast.Assign([target], self.atom(stmt.value), lineno=0), stmt.origin)

    def range_call(self, start: ir.Atom, stop: ir.Atom, step: ir.Atom, rename=None) -> ast.Call:
        """range(stop), range(start, stop) or range(start, stop, step), as short as it reads."""
        if step == ir.Const(1):
            parts = [stop] if start == ir.Const(0) else [start, stop]
        else:
            parts = [start, stop, step]
        return ast.Call(load("range"), [self.atom(p, rename) for p in parts], [])

    def plain_block(self, block: list, store_hook=None, assign_hook=None,
                    keep: set | None = None, spell=None) -> list[ast.stmt]:
        """The statements as written (those whose ids are in `keep`, if given).
        `store_hook(stmt)` gives what precedes a store (a log), `assign_hook(stmt)` what
        follows an assignment (a check), `spell(stmt)` an assignment (if not as written)."""
        out: list[ast.stmt] = []
        hooks = (store_hook, assign_hook, keep, spell)
        for stmt in block:
            if keep is not None and id(stmt) not in keep:
                continue
            if isinstance(stmt, ir.Assign | ir.Unpack):
                out.append((spell or self.assignment)(stmt))
                out += assign_hook(stmt) if assign_hook else []
            elif isinstance(stmt, ir.Store):
                out += store_hook(stmt) if store_hook else []
                out.append(self.store(stmt))
            elif isinstance(stmt, ir.If):
                out.append(tag(ast.If(self.atom(stmt.test), self.plain_block(stmt.body, *hooks),
                                      self.plain_block(stmt.orelse, *hooks)), stmt.origin))
            elif isinstance(stmt, ir.For):
                out.append(self.plain_for(stmt, *hooks))
            elif isinstance(stmt, ir.While):
                out += self.plain_block(stmt.test_block, *hooks)
                body = self.plain_block(stmt.body, *hooks) + self.plain_block(
                    stmt.test_block, *hooks)
                out.append(tag(ast.While(self.atom(stmt.test), body, []), stmt.origin))
            elif isinstance(stmt, ir.Return):
                out.append(tag(ast.Return(self.returned(stmt)), stmt.origin))
        return out

    def plain_for(self, loop: ir.For, store_hook=None, assign_hook=None,
                  keep: set | None = None, spell=None) -> ast.For:
        body = self.plain_block(loop.body, store_hook, assign_hook, keep, spell)
        if loop.until:
            body.append(self.loop_exit(loop))
        target = ast.Name(loop.target, ast.Store())
        call = self.range_call(loop.start, loop.stop, loop.step)
        return tag(ast.For(target, call, body, [], lineno=0), loop.origin)

    def loop_exit(self, loop: ir.For) -> ast.stmt:
        """The end of a trip of a loop that a `break` (or `return`) may end: `if _break1:
        break`, or `break` if the trip certainly raised the flag (`if 0.3 <= 2.0: return y`,
        decided when normalized; numba would prune the test on the flag it knows and then fail
        on what the trip bound)."""
        if loop.body and ir.raised(loop.body[-1]) == loop.until:
            return ast.Break()
        return ast.If(load(loop.until), [ast.Break()], [])

    def returned(self, stmt: ir.Return) -> ast.expr:
        if isinstance(stmt.value, tuple):
            return ast.Tuple([self.atom(a) for a in stmt.value], ast.Load())
        return self.atom(stmt.value)


def index_value(index: ast.expr) -> ast.Tuple:
    """The subscript `index` (`i, 1:n`) as a tuple value (`(i, slice(1, n, None))`), for the
    helpers that take an index as an argument."""
    items = index.elts if isinstance(index, ast.Tuple) else [index]
    out = []
    for item in items:
        if isinstance(item, ast.Slice):
            parts = [ast.Constant(None) if p is None else p
                     for p in (item.lower, item.upper, item.step)]
            item = ast.Call(load("slice"), parts, [])
        out.append(item)
    return ast.Tuple(out, ast.Load())
