"""The normalized grammar: what `normalize` produces and `analysis` and `reverse` consume.

    function := Function(name, params, body)
    block    := stmt*
    stmt     := Assign(target, expr)                  target = expr, one operation
              | Unpack(targets, call)                  a, b = helper(...), a user function's tuple
              | Store(array, index, value)             array[index] = value
              | If(test, body, orelse)                 test is an atom
              | For(target, start, stop, step, body, until)
                                                       for target in range(start, stop, step),
                                                       leaving after a trip that sets `until`
              | While(test_block, test, body)          test_block recomputes test before each trip
              | Return(value)                          once, last; a tuple of atoms for helpers
    expr     := atom | Call(primitive, args, kwargs)   args are atoms, or one Index for getitem
    atom     := Name(id) | Const(value)
    index    := (atom | Slice(lower, upper, step))*

`break`, `continue` and `return` inside loops and branches become flag variables and guards
(`if not _break1: ...`), so every block runs to its end; a `for` over an array, `zip` or
`enumerate` becomes a `for` over a range of positions.

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
# the primitives that are Python's operators (a number's operators give numbers)
OPERATORS = frozenset([*BINARY_OPERATORS.values(), *UNARY_OPERATORS.values(),
                       *COMPARISONS.values()])


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


@dataclass(frozen=True)
class UserFunction:
    """A call to a Python function of the user's, differentiated with the caller: `helper(x)`
    is Call(UserFunction(key, "helper"), (x,)). `key` finds its normalized body."""

    key: object
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
    augmented: bool = False  # `x += v`: in place for an array in Python


@dataclass(eq=False)
class Unpack:
    targets: tuple[str, ...]
    value: Call  # a call to a user function that returns a tuple
    origin: Origin
    at: Origin | None = None


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
    until: str | None = None  # the flag a `break` sets: the loop ends after that trip


@dataclass(eq=False)
class While:
    test_block: list
    test: Atom
    body: list
    origin: Origin


@dataclass(eq=False)
class Return:
    value: Atom | tuple  # a tuple of atoms only for helper functions
    origin: Origin


Stmt = Assign | Unpack | Store | If | For | While | Return


@dataclass(eq=False)
class Function:
    name: str
    params: list[str]
    defaults: dict[str, object]
    body: list
    origin: Origin  # the `def` line
    filename: str
    user_names: frozenset = frozenset()  # every identifier the user wrote, to avoid clashes
    key: object = None  # what identifies it among the functions of one gradient
    returns_tuple: bool = False
    aux: bool = False  # returns (value, aux): only the value is differentiated
    flags: frozenset = frozenset()  # `_break`/`_returned` flags: False when each trip starts
    keyword_only: frozenset = frozenset()  # the parameters after `*`


def atom_names(atoms) -> list[str]:
    """The names among atoms (and the atoms of indexes)."""
    out = []
    for atom in atoms:
        if isinstance(atom, Name):
            out.append(atom.id)
        elif isinstance(atom, Index):
            out += atom.names()
        elif isinstance(atom, tuple):
            out += atom_names(atom)
    return out


def reads(stmt) -> list[str]:
    """Names a statement reads itself (not in nested blocks)."""
    if isinstance(stmt, Assign | Unpack):
        value = stmt.value
        return [value.id] if isinstance(value, Name) else (
            atom_names(value.operands()) if isinstance(value, Call) else [])
    if isinstance(stmt, Store):
        return [stmt.array, *stmt.index.names(), *atom_names([stmt.value])]
    if isinstance(stmt, If):
        return atom_names([stmt.test])
    if isinstance(stmt, For):  # and the flag a break sets, read after each trip
        return atom_names([stmt.start, stmt.stop, stmt.step]) + ([stmt.until] if stmt.until
                                                                   else [])
    if isinstance(stmt, While):
        return atom_names([stmt.test])
    if isinstance(stmt, Return):
        return atom_names(stmt.value if isinstance(stmt.value, tuple) else [stmt.value])
    return []


def raised(stmt) -> str | None:
    """The name `stmt` sets to True (`_break1 = True`, how a jump raises its flag), else None."""
    if isinstance(stmt, Assign) and isinstance(stmt.value, Const) and stmt.value.value is True:
        return stmt.target
    return None


def writes(stmt) -> list[str]:
    """Names a statement binds itself (not in nested blocks); a For binds its target."""
    if isinstance(stmt, Assign):
        return [stmt.target]
    if isinstance(stmt, Unpack):
        return list(stmt.targets)
    if isinstance(stmt, For):
        return [stmt.target]
    return []


def assigned(block: list) -> set[str]:
    """Every name bound anywhere in a block, nested blocks included."""
    return {name for stmt in walk(block) for name in writes(stmt)}


def stored(block: list) -> set[str]:
    """Every array written into anywhere in a block."""
    return {stmt.array for stmt in walk(block) if isinstance(stmt, Store)}


def walk(block: list):
    """Every statement of a block, nested blocks included, in program order."""
    for stmt in block:
        yield stmt
        for nested in blocks_of(stmt):
            yield from walk(nested)


def blocks_of(stmt) -> list[list]:
    """The blocks nested in a statement, in program order (a while loop's test first)."""
    if isinstance(stmt, If):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, For):
        return [stmt.body]
    if isinstance(stmt, While):
        return [stmt.test_block, stmt.body]
    return []


def describe(primitive: object) -> str:
    """How to name a primitive in a message: `np.exp`, `np.linalg.eig`, `.sum()`, `helper`."""
    if isinstance(primitive, Method):
        return f".{primitive.name}()"
    if isinstance(primitive, Attribute):
        return f".{primitive.name}"
    if isinstance(primitive, UserFunction):
        return primitive.name
    module = getattr(primitive, "__module__", None) or ""
    name = getattr(primitive, "__qualname__", None) or getattr(primitive, "__name__", None)
    if name is None:
        return repr(primitive)
    # the libraries' functions by their public path: np.linalg.eig, scipy.linalg.expm (not
    # scipy.linalg._matfuncs.expm); the user's own and builtins by name
    module = ".".join(part for part in module.split(".") if not part.startswith("_"))
    library = module.split(".")[0]
    if library == "numpy":
        import numpy as np

        for path, owner in (("np", np), ("np.linalg", np.linalg), ("np.fft", np.fft)):
            if getattr(owner, name, None) is primitive:
                return f"{path}.{name}"
        return f"np{module[len('numpy'):]}.{name}"
    return f"{module}.{name}" if library in ("math", "scipy") else name
