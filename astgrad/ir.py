"""The normalized grammar: what `normalize` produces and `analysis` and `reverse` consume.

    function := Function(name, params, body)
    block    := stmt*
    stmt     := Assign(target, expr)                  target = expr, one operation
              | Store(array, index, value)             array[index] = value
              | If(test, body, orelse)                 test is an atom
              | For(target, start, stop, step, body)   for target in range(start, stop, step)
              | While(test_block, test, body)          test_block recomputes test before each trip
              | Return(value)                          once, as the function's last statement
    expr     := atom | Call(primitive, args, kwargs)   args are atoms, or one Index for getitem
    atom     := Name(id) | Const(value)
    index    := (atom | Slice(lower, upper, step))*

A primitive is the key of its derivative rule: a function object (np.exp, math.sin, a user
function), an `operator` function standing for syntax (operator.add for `+`,
operator.getitem for `x[i]`), `Method("sum")` for `x.sum(...)`, `Attribute("T")` for `x.T`,
or `TUPLE` for a tuple display `(n, m)`.

Every statement carries the `Origin` of the user statement it comes from; the statements
normalized from one user statement share one Origin object, which makes them a group.
Statements compare by identity, so analyses can key dictionaries by them.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass

from .errors import Origin

# Python syntax and the `operator` functions that stand for it as primitives.
BINARY_OPERATORS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
UNARY_OPERATORS = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
                   ast.Invert: operator.invert}
COMPARISONS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
               ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne}


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class Const:
    value: object
    spelling: str | None = None  # how the user wrote it, when it was a global such as np.pi


Atom = Name | Const


@dataclass(frozen=True)
class Slice:
    lower: Atom | None
    upper: Atom | None
    step: Atom | None


@dataclass(frozen=True)
class Index:
    items: tuple[Atom | Slice, ...]

    def names(self) -> list[str]:
        out = []
        for item in self.items:
            parts = (item.lower, item.upper, item.step) if isinstance(item, Slice) else (item,)
            out += [p.id for p in parts if isinstance(p, Name)]
        return out


@dataclass(frozen=True)
class Method:
    """A method called on a value: `x.sum(axis=0)` is Call(Method("sum"), (x,), axis=0)."""

    name: str


@dataclass(frozen=True)
class Attribute:
    """An attribute read from a value: `x.T` is Call(Attribute("T"), (x,))."""

    name: str


class _Tuple:
    def __repr__(self) -> str:
        return "TUPLE"


TUPLE = _Tuple()  # a tuple display: `(n, m)` is Call(TUPLE, (n, m))


@dataclass(frozen=True)
class Call:
    primitive: object
    args: tuple[Atom | Index, ...]
    kwargs: tuple[tuple[str, Atom], ...] = ()

    def operands(self) -> list[Atom]:
        """The atoms this call reads, index atoms included."""
        out: list[Atom] = []
        for arg in self.args:
            if isinstance(arg, Index):
                out += [Name(n) for n in arg.names()]
            else:
                out.append(arg)
        return out + [value for _, value in self.kwargs]


Expr = Name | Const | Call


@dataclass(eq=False)
class Assign:
    target: str
    value: Expr
    origin: Origin  # the user statement
    at: Origin | None = None  # the user expression this operation computes, when narrower


@dataclass(eq=False)
class Store:
    array: str
    index: Index
    value: Atom
    origin: Origin


@dataclass(eq=False)
class If:
    test: Atom
    body: list
    orelse: list
    origin: Origin


@dataclass(eq=False)
class For:
    target: str
    start: Atom
    stop: Atom
    step: Atom
    body: list
    origin: Origin


@dataclass(eq=False)
class While:
    test_block: list
    test: Atom
    body: list
    origin: Origin


@dataclass(eq=False)
class Return:
    value: Atom
    origin: Origin


Stmt = Assign | Store | If | For | While | Return


@dataclass(eq=False)
class Function:
    name: str
    params: list[str]
    defaults: dict[str, object]
    body: list
    origin: Origin  # the `def` line
    filename: str
    user_names: frozenset = frozenset()  # every identifier the user wrote, to avoid clashes


def names_read(expr: Expr) -> list[str]:
    """Names an expression reads."""
    if isinstance(expr, Name):
        return [expr.id]
    if isinstance(expr, Call):
        return [a.id for a in expr.operands() if isinstance(a, Name)]
    return []


def walk(block: list):
    """Every statement of a block, nested blocks included, in program order."""
    for stmt in block:
        yield stmt
        if isinstance(stmt, If):
            yield from walk(stmt.body)
            yield from walk(stmt.orelse)
        elif isinstance(stmt, For):
            yield from walk(stmt.body)
        elif isinstance(stmt, While):
            yield from walk(stmt.test_block)
            yield from walk(stmt.body)
