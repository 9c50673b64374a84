"""Random programs in the language astgrad differentiates, as a hypothesis strategy.

`cases()` draws a `Case` (tests/fuzz/syntax.py): a `Program` (a module of constants, helper
functions and a main function `f` that returns a float) and the arguments to call `f` with.
Programs are built top down from the shape each expression must have, so every program runs:
a variable keeps one shape for its life, indices stay in bounds, np.log and np.sqrt get
positive arguments, and only arrays made inside the function (np.zeros, np.ones, np.copy, ...)
are written into, never through a second name. Each choice is a hypothesis draw whose first
option is the simplest, so hypothesis shrinks a failing program towards a short one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from .syntax import (
    Assign,
    BinOp,
    BoolOp,
    Call,
    Case,
    Compare,
    Expr,
    For,
    Function,
    If,
    IfExp,
    Index,
    Indices,
    Int,
    Integer,
    Item,
    Jump,
    Method,
    Name,
    Neg,
    Not,
    Number,
    Pair,
    Permute,
    Program,
    Return,
    Scalar,
    Sequence,
    Store,
    Transpose,
    While,
)

# float shapes; () is a Python float; rank 3 so that a permutation and its inverse differ
SHAPES = [(), (3,), (2, 3), (1, 3), (2,), (2, 1, 3)]
MAX_TRIPS = 4  # a loop's trip count, at most
LOW, HIGH = -1.5, 1.5  # the inputs' elements


# -- the builder ---------------------------------------------------------------------------------


def _parts(shape: tuple) -> list[tuple]:
    """The shapes that broadcast to `shape` without changing it: () and the trailing axes, each
    kept or set to 1."""
    out = {()}
    for start in range(len(shape)):
        tail = shape[start:]
        for ones in itertools.product([False, True], repeat=len(tail)):
            out.add(tuple(1 if one else d for one, d in zip(ones, tail)))
    return sorted(out, key=lambda s: (len(s), s))


def _statements(body: list):
    """The statements of a block and of the blocks inside it."""
    for statement in body:
        yield statement
        for inner in [getattr(statement, "body", None), getattr(statement, "orelse", None),
                      *getattr(statement, "bodies", [])]:
            yield from _statements(inner or [])


def _without_shared_updates(function: Function) -> Function:
    """Rewrite `v += e` to `v = v + e` where the float `v` may be the object of another name
    (a parameter, or bound to another name anywhere in the function).

    A Python float cannot change, so in Python `w = v; v += e` leaves w alone; but the tape runs
    the program with tensors, and `+=` changes a tensor in place, as in PyTorch. Arrays are
    never updated in place unless made in the function and bound to one name only."""
    shared = {name for name, _ in function.params}
    for statement in _statements(function.body):
        if isinstance(statement, Assign) and statement.value.aliases():
            shared |= statement.value.aliases() | set(statement.target.split(", "))
    for statement in _statements(function.body):
        if isinstance(statement, Assign) and statement.op and statement.value.shape == () \
                and statement.target in shared:
            statement.value = BinOp(statement.op, Name(statement.target, ()), statement.value, ())
            statement.op = ""
    return function


def _counted(target: str, trips: int, body: list, by_while: bool):
    """`for target in range(trips)`, or a while loop counting `target` from 1 to trips."""
    return While(target, trips, None, body) if by_while else For(target, f"range({trips})", body)


def _reduced(shape: tuple, axis, keepdims: bool) -> tuple:
    if axis is None:
        return ()
    axis %= len(shape)
    if keepdims:
        return tuple(1 if k == axis else d for k, d in enumerate(shape))
    return tuple(d for k, d in enumerate(shape) if k != axis)


# shape -> the (source shape, axis, keepdims) whose reduction has that shape
REDUCTIONS = {shape: [(source, axis, keepdims) for source in SHAPES if source
                      for axis in [None, *range(len(source)), -1] for keepdims in (False, True)
                      if _reduced(source, axis, keepdims) == shape
                      and (axis is not None or not keepdims)]
              for shape in SHAPES}

# np.diff's results among SHAPES: of which source, along which axis (None: the last)
DIFFERENCES = {(2,): [((3,), None)], (1, 3): [((2, 3), 0)]}

# Arrays joined into SHAPES: (function, axis keyword or None for none ("flat": axis=None),
# the operands' shapes)
JOINS = {
    (2, 3): [("concatenate", 0, ((1, 3), (1, 3))), ("stack", 0, ((3,), (3,))),
             ("stack", -1, ((2,), (2,), (2,))), ("vstack", None, ((3,), (1, 3))),
             ("column_stack", None, ((2,), (2,), (2,))), ("array", None, ((3,), (3,)))],
    (2, 1, 3): [("stack", 0, ((1, 3), (1, 3))), ("concatenate", 1, ((2, 1, 3),))],
    (3,): [("hstack", None, ((3,),)), ("concatenate", "flat", ((1, 3),)),
           ("array", None, ((), (), ()))],
    (2,): [("array", None, ((), ()))],
    (1, 3): [("vstack", None, ((3,),)), ("concatenate", -1, ((1, 3),))],
}

# np.einsum's results among SHAPES: subscripts and operand shapes ("square": a (3, 3, 2)
# made as np.trace's, for a diagonal); contractions, sums, outer products, broadcast 1s
EINSUMS = {
    (): [("i,i", ((3,), (3,))), ("ij,ij->", ((1, 3), (2, 3))), ("ij->", ((2, 3),)),
         ("ijk,ik->", ((2, 1, 3), (2, 3)))],
    (2,): [("ij,j->i", ((2, 3), (3,))), ("ijk->i", ((2, 1, 3),)), ("iij->j", ("square",))],
    (3,): [("i,ij", ((2,), (2, 3))), ("ij,ij->j", ((1, 3), (2, 3))), ("iij->i", ("square",))],
    (2, 3): [("i,j->ij", ((2,), (3,))), ("...j,...j->...j", ((2, 3), (1, 3))),
             ("ikj->ij", ((2, 1, 3),)), ("ij,j,i->ij", ((2, 3), (3,), (2,)))],
    (1, 3): [("kij->ij", ((2, 1, 3),)), ("ij,ij->ij", ((1, 3), (1, 3)))],
    (2, 1, 3): [("ijk,ik->ijk", ((2, 1, 3), (2, 3))), ("i,jk->ijk", ((2,), (1, 3)))],
}


@dataclass
class Scope:
    """The variables a statement can see: floats with their shapes (in the order defined),
    integers with their intervals, and the arrays this function made (writable)."""

    floats: dict = field(default_factory=dict)
    ints: dict = field(default_factory=dict)
    owned: set = field(default_factory=set)
    params: set = field(default_factory=set)
    loops: int = 0  # the enclosing loops (break and continue are allowed inside one)
    indices: dict = field(default_factory=dict)  # integer arrays (Indices), to index with

    def child(self) -> Scope:
        return Scope(dict(self.floats), dict(self.ints), set(self.owned), self.params,
                     self.loops, dict(self.indices))


@dataclass(frozen=True)
class Size:
    """How large programs grow: statements in the main function's body (nested blocks hold
    fewer), nesting of if/for/while, operations per expression, helper functions."""

    statements: int = 4
    nesting: int = 2
    operations: int = 2
    helpers: int = 2
    straight: bool = False  # no branch or loop, and arguments of rank 1 or 2: the programs
    # whose gradients astgrad specializes (astgrad/specialize/)


FULL = Size()
# A size whose gradients numba compiles in about half a second (see test_fuzz.py), with loops
# nested in loops.
SMALL = Size(statements=2, nesting=2, operations=1, helpers=1)
STRAIGHT = Size(statements=5, nesting=0, operations=2, helpers=1, straight=True)


class Builder:
    """Draws a program piece by piece; each choice is a hypothesis draw, so shrinking the draws
    shrinks the program (the first option of each choice is the simplest)."""

    def __init__(self, draw, size: Size = FULL, float32: bool = False):
        self.draw = draw
        self.size = size
        self.float32 = float32  # the program will run on float32 inputs
        self.ops = size.operations
        self.counter = 0
        self.helpers: list[Function] = []
        self.constants: dict[str, object] = {}  # module-level arrays and NumPy numbers
        self.index_constants: dict[str, Indices] = {}
        self.summed: list[Name] = []  # arrays of unknown shape, which only the result reads

    # -- drawing ----------------------------------------------------------------------------

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def weighted(self, options: dict):
        """A key of `options`, with probability proportional to its value."""
        return self.pick([key for key, weight in options.items() for _ in range(weight)])

    def integer(self, low, high) -> int:
        return self.draw(st.integers(low, high))

    def coin(self, chances: int = 2) -> bool:
        """True one time in `chances`."""
        return self.integer(1, chances) == 1

    def number(self) -> Number:
        return Number(self.pick([0.5, 2.0, -1.0, 0.3, 1.5, -0.7, 0.1, 3.0]))

    def made(self, function: str, shape: tuple, *fill, written=None) -> Call:
        """`np.zeros(shape)`, `np.full(shape, c)`, ...: of float32 in a float32 program, as
        one writes float32 code (NumPy would make float64, and promote what meets it). The
        shape as `written` if given (`(x0.shape[0], x0.shape[1])`)."""
        dtype = (("dtype", "np.float32"),) if self.float32 else ()
        return Call(function, (shape if written is None else written, *fill), shape, dtype)

    def scalar(self) -> Expr:
        """A number where a constant may stand: a literal, NumPy's constructor of one, or a
        module constant of a NumPy scalar type (float32 ones only in float32 programs: in
        NumPy a float32 number keeps float32 arithmetic, which numba does in float64)."""
        number = self.number()
        kinds = ["np.float32"] if self.float32 else ["np.float64"]
        form = self.weighted({"literal": 5, "constructor": 2, "constant": 1})
        if form == "literal":
            return number
        kind = self.pick(kinds)
        if form == "constructor":
            return Scalar(f"{kind}({number.value!r})")
        name = f"K{len(self.constants)}"
        self.constants[name] = getattr(np, kind[3:])(number.value)
        return Scalar(name)

    def fresh(self, prefix="v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- programs ---------------------------------------------------------------------------

    def program(self) -> Program:
        if self.coin(4):
            shape = self.pick([(3,), (2, 3)])
            self.constants["C0"] = np.round(np.linspace(-0.9, 1.1, np.prod(shape)), 2) \
                .reshape(shape).astype(np.float32 if self.float32 else np.float64)
        if self.coin(4):  # integer positions, some repeated, to gather and scatter with
            kind = Indices(self.pick([2, 3]))
            self.constants["I0"] = np.array([self.integer(-kind.bound, kind.bound - 1)
                                             for _ in range(kind.length)])
            self.index_constants["I0"] = kind
        for k in range(self.integer(0, self.size.helpers)):
            self.helpers.append(self.helper(f"h{k}"))
        self.counter = 0
        self.returns = ()
        shapes = [s for s in SHAPES if len(s) in (1, 2)] if self.size.straight else SHAPES
        params = [(f"x{k}", self.pick(shapes)) for k in range(self.integer(1, 3))]
        if self.coin(3):
            params.append(("n", "int"))
        if self.coin(4):
            params.append(("picks", Indices(self.pick([2, 3]))))
        scope = Scope(params=set(p for p, _ in params), indices=dict(self.index_constants))
        for name, shape in params:
            if shape == "int":
                scope.ints[name] = (0, MAX_TRIPS - 1)
            elif isinstance(shape, Indices):
                scope.indices[name] = shape
            else:
                scope.floats[name] = shape
        body = self.block(scope, 0, self.size.statements)
        body.append(Return(self.result(scope)))
        return Program(self.constants, self.helpers,
                       _without_shared_updates(Function("f", params, body)))

    def helper(self, name: str) -> Function:
        self.counter = 0
        params = [(f"p{k}", self.pick(SHAPES)) for k in range(self.integer(1, 2))]
        # one value, or (a list of shapes) two, which only the function's end may return
        returns = self.returns = self.pick(SHAPES) if not self.coin(4) else [
            self.pick(SHAPES), self.pick(SHAPES)]
        scope = Scope(floats=dict(params), params=set(p for p, _ in params),
                      indices=dict(self.index_constants))
        body = self.block(scope, 1, 2) if self.coin() else []
        if isinstance(returns, list):
            value = Pair(*(self.returned(shape, scope) for shape in returns))
        else:
            value = self.returned(returns, scope)
        body.append(Return(value))
        return _without_shared_updates(Function(name, params, body, returns))

    def returned(self, shape, scope) -> Expr:
        value = self.expr(shape, scope, self.ops)
        if value.aliases() and shape:  # an array returned as is would alias the argument
            value = Call("np.copy", (value,), shape)
        return value

    def result(self, scope: Scope) -> Expr:
        """The main function's float: a sum over a fresh expression and the latest variables,
        so that what the body computed reaches the output."""
        shape = self.shape(scope)
        terms = [self.expr(shape, scope, self.ops)]
        latest = [n for n in scope.floats if n not in scope.params][-2:]
        terms += [Name(n, scope.floats[n]) for n in latest] + self.summed
        total = None
        for term in terms:
            if term.shape != ():
                term = Call(self.pick(["np.sum", "np.mean"]), (term,), ())
            total = term if total is None else BinOp("+", total, term, ())
        return total

    # -- statements ---------------------------------------------------------------------------

    def block(self, scope: Scope, depth: int, size: int) -> list:
        return [statement for _ in range(self.integer(1, size))
                for statement in self.statement(scope, depth)]

    def statement(self, scope: Scope, depth: int) -> list:
        nested = depth < self.size.nesting
        kind = self.weighted({
            "assign": 6, "update": 3, "create": 2, "pieces": 1,
            "store": 4 if scope.owned else 0,
            "if": 2 if nested else 0, "for": 2 if nested else 0, "while": 1 if nested else 0,
            "foreach": 1 if nested else 0, "jump": 1 if scope.loops else 0,
            "return": 0 if self.size.straight else 1,
            "count": 1, "unpack": 2 if any(isinstance(h.returns, list) for h in self.helpers)
            else 0, "reshape": 4 if depth == 0 else 0,
            "rebind": 1 if depth == 0 and self.rebindable(scope) else 0,
            "fill": 2 if depth + 1 < self.size.nesting else 0,
            "columns": 1 if depth + 1 < self.size.nesting else 0,
            "growing": 1 if nested and not self.size.straight and self.growable(scope) else 0,
            "carried": 1 if nested and not self.size.straight and any(
                s for s in scope.floats.values()) else 0})
        return getattr(self, f"_{kind}")(scope, depth)

    def shape(self, scope: Scope) -> tuple:
        """A shape for a new value: often one that variables already have."""
        return self.pick([*SHAPES, *scope.floats.values()])

    def part(self, shape: tuple, scope: Scope) -> tuple:
        """A shape that broadcasts to `shape`: often one that variables already have."""
        parts = _parts(shape)
        return self.pick(parts + [s for s in scope.floats.values() if s in parts] * 2)

    def _assign(self, scope, depth):
        name, shape = self.fresh(), self.shape(scope)
        value = self.value(shape, scope)
        scope.floats[name] = shape
        return [Assign(name, value)]

    def value(self, shape, scope) -> Expr:
        """An expression to bind to a name: a copy if it may be a view of an array made here
        (after `b = a[0]`, writing into a would change b)."""
        value = self.expr(shape, scope, self.ops)
        if shape and value.aliases() & scope.owned:
            value = Call("np.copy", (value,), shape)
        return value

    def _update(self, scope, depth):
        name = self.pick(list(scope.floats)[::-1])
        shape = scope.floats[name]
        if name in scope.owned:  # in place, through `+=`, `*=`, ...
            return [Assign(name, self.expr(shape, scope, self.ops), self.pick(["+", "-", "*"]))]
        if shape == ():
            op = self.pick(["", "+", "-", "*"])
            return [Assign(name, self.expr(shape, scope, self.ops), op)]
        # arrays not made here are rebound, never changed in place: they may be arguments
        return [Assign(name, self.value(shape, scope))]

    def _reshape(self, scope, depth):
        """A name rebound to a value of another shape, often computed from its old value
        (`h = h @ w`, `h = np.float64(1.0) / (1.0 + np.exp(-h))` then a new shape): only in
        the function's own block, where every later statement sees the new shape."""
        name = self.pick(list(scope.floats)[::-1])
        shape = self.pick([s for s in SHAPES if s != scope.floats[name]])
        value = self.value(shape, scope)
        scope.floats[name] = shape
        scope.owned.discard(name)
        return [Assign(name, value)]

    def _rebind(self, scope, depth):
        """A branch rebinding an array to a value of another shape of the same rank (`if
        test: x = x[1:] * 2.0`): after it, the name's shape depends on the data, so no later
        statement reads it but the result's `np.sum`."""
        name = self.pick(self.rebindable(scope)[::-1])
        shape = scope.floats[name]
        other = self.pick([s for s in SHAPES if len(s) == len(shape) and s != shape])
        test, body = self.condition(scope), [Assign(name, self.value(other, scope.child()))]
        del scope.floats[name]
        scope.owned.discard(name)
        self.summed.append(Name(name, shape))
        return [If([test], [body])]

    def rebindable(self, scope) -> list[str]:
        """The arrays whose rank another shape has, if some other float stays in scope (the
        other statements read one)."""
        ranks = [len(s) for s in SHAPES]
        names = [n for n, s in scope.floats.items() if s and ranks.count(len(s)) > 1]
        return names if len(scope.floats) > 1 else []

    def _fill(self, scope, depth):
        """An array filled by an integer counter advanced in nested loops (in every trip, or
        in a branch), the way a hand-written assembly loop fills its output:

            a3 = np.zeros(6)                  a3 = np.zeros((2, 3))
            k4 = 0                            r5 = 0
            for i in range(2):                for i in range(2):
                for j in range(3):                c6 = 0
                    if test:                      while j < 3: ...
                        a3[k4] = ...                  a3[r5, c6] = ...
                        k4 += 1                       c6 += 1
                                                  r5 += 1
        Each loop is a for or a while; the counters index the writes, and the reads too."""
        shape = self.pick([(3,), (2,), (2, 3)])
        total = int(np.prod(shape))
        outer = self.pick([a for a in range(1, total + 1) if total % a == 0])
        inner = total // outer
        array, counter = self.fresh("a"), self.fresh("k")
        two = len(shape) == 2 and outer == shape[0] and self.coin()
        out = [Assign(array, self.made("np.zeros", shape))]
        body_scope = scope.child()
        body_scope.floats[array] = shape
        body_scope.owned.add(array)
        body_scope.loops += 2
        if two:  # a row counter advanced by the outer loop, a column counter by the inner
            row, column = counter, self.fresh("c")
            out.append(Assign(row, Integer("0")))
            body_scope.ints.update({row: (0, shape[0] - 1), column: (0, shape[1] - 1)})
            index = f"{row}, {column}"
        else:
            out.append(Assign(counter, Integer("0")))
            body_scope.ints[counter] = (0, total - 1)
            index = counter if len(shape) == 1 else \
                f"{counter} // {shape[1]}, {counter} % {shape[1]}"
        targets = [self.fresh("i"), self.fresh("j")]
        whiles = [self.coin(), self.coin()]  # a while loop's counter runs from 1 to its trips
        body_scope.ints.update({target: (1, trips) if kind else (0, trips - 1)
                                for target, trips, kind in zip(targets, (outer, inner), whiles)})
        guard = self.condition(body_scope) if self.coin(3) else None  # before what it guards
        before = self.block(body_scope, depth + 2, 1) if self.coin(3) else []
        write = before + [Store(array, index, self.expr(self.part((), body_scope), body_scope,
                                                        self.ops)),
                          Assign(column if two else counter, Integer("1"), "+")]
        if guard is not None:
            write = [If([guard], [write])]
        loop = [_counted(targets[1], inner, write, whiles[1])]
        if two:
            loop = [Assign(column, Integer("0")), *loop, Assign(row, Integer("1"), "+")]
        out.append(_counted(targets[0], outer, loop, whiles[0]))
        scope.floats[array] = shape
        scope.owned.add(array)
        return out

    def growable(self, scope) -> list[str]:
        return [n for n, s in scope.floats.items() if s and s[0] >= 2]

    def _growing(self, scope, depth):
        """A helper called in a for loop on a part that grows from trip to trip:

            for i in range(3):
                s7 = s7 + g0(x0[:i + 1])
        where `def g0(p0): r = np.tanh(p0 * 0.5); return np.sum(r * r)` (one per program,
        of any rank): its forward half returns r, of another shape in every trip, which the
        loop's tapes, made at its first trip, cannot keep: the gradient is computed again,
        recomputing what the helper's adjoint reads."""
        if not any(h.name == "g0" for h in self.helpers):
            function = self.pick(["np.tanh", "np.sin", "np.exp"])
            body = [Assign("r", Call(function, (BinOp("*", Name("p0", None), Number(0.5),
                                                           None),), None)),
                    Return(Call("np.sum", (BinOp("*", Name("r", None), Name("r", None),
                                                 None),), ()))]
            self.helpers.append(Function("g0", [("p0", None)], body, "growing"))
        name = self.pick(self.growable(scope))
        shape = scope.floats[name]
        total, target = self.fresh(), self.fresh("i")
        part = Index(Name(name, shape), f":{target} + 1", None)
        update = Assign(total, BinOp("+", Name(total, ()), Call("g0", (part,), ()), ()))
        scope.floats[total] = ()
        start = Call("np.float32", (Number(0.0),), ()) if self.float32 else Number(0.0)
        return [Assign(total, start), For(target, f"range({shape[0]})", [update])]

    def _carried(self, scope, depth):
        """A new array in every trip of a loop, written into, and kept to the next trip by
        another name, which the trip reads after the writes (a recurrence's previous state):

            p3 = np.zeros_like(x0)
            for i in range(2):
                a4 = np.zeros_like(x0)
                a4[1:] = ... p3 ...
                s5 = s5 + np.sum(a4 * p3)
                p3 = a4
        The write is not into p3's array: a4 is bound anew before it in every trip; and the
        arrays a trip makes are made once for the loop only where no trip reads the previous
        one's."""
        like = self.pick([n for n, s in scope.floats.items() if s])
        shape = scope.floats[like]
        prev, array, total = self.fresh("p"), self.fresh("a"), self.fresh()
        made = Call(self.pick(["np.zeros_like", "np.ones_like"]), (Name(like, shape),), shape)
        inner = scope.child()
        inner.floats.update({prev: shape, array: shape})
        inner.owned.add(array)
        inner.loops += 1
        index, target = self.index(shape, inner, None)
        write = Store(array, index, self.expr(self.part(target, inner), inner, self.ops),
                      self.pick(["", "+"]))
        product = BinOp("*", Name(array, shape), Name(prev, shape), shape)
        body = [Assign(array, made), write,
                Assign(total, BinOp("+", Name(total, ()), Call("np.sum", (product,), ()), ())),
                Assign(prev, Name(array, shape))]
        start = Call("np.float32", (Number(0.0),), ()) if self.float32 else Number(0.0)
        scope.floats[total] = ()
        return [Assign(prev, Call("np.zeros_like", (Name(like, shape),), shape)),
                Assign(total, start), For(self.fresh("i"), f"range({self.integer(1, 3)})", body)]

    def _columns(self, scope, depth):
        """A new array whose columns a triangular double loop updates in place, from another
        array's columns or its own (gmm's product by a triangular factor):

            a3 = np.exp(x0) * 0.5
            for j in range(3):
                for i in range(j + 1, 3):
                    a3[:, i] += x0[0, j] * a3[:, j]
        Inside a loop, the array is new in every trip."""
        array, (outer, inner) = self.fresh("a"), (self.fresh("j"), self.fresh("i"))
        shape = (2, 3)
        out = [Assign(array, Call("np.copy", (self.expr(shape, scope, self.ops),), shape))]
        body_scope = scope.child()
        body_scope.floats[array] = shape
        body_scope.owned.add(array)
        body_scope.loops += 2
        body_scope.ints.update({outer: (0, 2), inner: (1, 2)})
        index = self.pick([f":, {inner}", f":, {outer}", f"1, {inner}"])
        target = (2,) if index.startswith(":") else ()
        value = self.expr(self.part(target, body_scope), body_scope, self.ops)
        write = Store(array, index, value, self.pick(["+", "-", "*", ""]))
        out.append(For(outer, "range(3)", [For(inner, f"range({outer} + 1, 3)", [write])]))
        scope.floats[array] = shape
        scope.owned.add(array)
        return out

    def _create(self, scope, depth):
        """A new array of the function's own, to write into; in straight-line programs like a
        variable (`np.zeros_like(x0)`), whose sizes the specializer knows, if there is one."""
        arrays = [s for s in scope.floats.values() if s]
        straight = self.size.straight and arrays
        name, shape = self.fresh("a"), self.pick(arrays if straight else [s for s in SHAPES if s])
        alike = [n for n, s in scope.floats.items() if s == shape]
        kinds = [] if straight else ["np.zeros", "np.ones", "np.full"]
        kinds += ["np.zeros_like", "np.copy", "sized"] if alike else []
        # a helper's result (a new array: `returned` copies an argument returned as is),
        # which the caller writes into while the helper's adjoint may read it
        kinds += ["helper"] if any(h.returns == shape for h in self.helpers) else []
        kind = self.pick(kinds)
        if kind == "sized":  # np.zeros((x0.shape[0], x0.shape[1])): a shape of its sizes
            like = self.pick(alike)
            sizes = [f"{like}.shape[{k}]" for k in range(len(shape))]
            written = self.pick([f"{like}.shape", f"({', '.join(sizes)}{',' * (len(sizes) == 1)})"])
            value = self.made(self.pick(["np.zeros", "np.ones"]), shape, written=written)
        elif kind == "helper":
            value = self._helper(shape, scope, self.ops)
        elif kind in ("np.zeros", "np.ones"):
            value = self.made(kind, shape)
        elif kind == "np.full":
            value = self.made(kind, shape, self.number().render())
        else:
            value = Call(kind, (Name(self.pick(alike), shape),), shape)
        scope.floats[name] = shape
        scope.owned.add(name)
        return [Assign(name, value)]

    def _pieces(self, scope, depth):
        """A new array written part by part, the parts apart along its first axis (the
        right-hand side of an ODE), so that the stores' adjoints cut nothing; later stores
        may write into it again, over them:

            a3 = np.empty_like(x0)        a3 = np.empty((2, 3))       a3 = np.empty((3,))
            a3[0] = ...                   a3[:-1] = ...               a3[:2] = ...
            a3[1:] = ...                  a3[-1] = ...                a3[2:] = ...
        """
        alike = [n for n, s in scope.floats.items() if s and s[0] >= 2]
        if alike and self.coin():
            like = self.pick(alike)
            shape = scope.floats[like]
            made = Call("np.empty_like", (Name(like, shape),), shape)
        else:
            shape = self.pick([s for s in SHAPES if s and s[0] >= 2])
            made = self.made("np.empty", shape)
        first, rest = shape[0], shape[1:]
        splits = [(("0", rest), ("1:", (first - 1, *rest))),
                  ((":-1", (first - 1, *rest)), ("-1", rest))]
        splits += [((f":{k}", (k, *rest)), (f"{k}:", (first - k, *rest)))
                   for k in range(1, first)]
        name = self.fresh("a")
        out = [Assign(name, made)]
        for index, part in self.pick(splits):
            out.append(Store(name, index, self.expr(self.part(part, scope), scope, self.ops)))
        scope.floats[name] = shape
        scope.owned.add(name)
        return out

    def _store(self, scope, depth):
        name = self.pick(sorted(scope.owned))
        shape = scope.floats[name]
        index, target = self.index(shape, scope, None)
        value = self.expr(self.part(target, scope), scope, self.ops)
        return [Store(name, index, value, self.pick(["", "", "+", "*"]))]

    def _if(self, scope, depth):
        tests = [self.condition(scope)]
        tests += [self.condition(scope) for _ in range(self.integer(0, 1))]
        orelse = self.coin()
        joint = (self.fresh(), self.pick(SHAPES)) if orelse and self.coin() else None
        bodies = [self.branch(scope, depth, joint) for _ in tests]
        other = self.branch(scope, depth, joint) if orelse else None
        if joint:  # defined on every path: visible after the if
            scope.floats[joint[0]] = joint[1]
        return [If(tests, bodies, other)]

    def branch(self, scope, depth, joint) -> list:
        inner = scope.child()
        body = self.block(inner, depth + 1, 2)
        if joint:
            body.append(Assign(joint[0], self.value(joint[1], inner)))
        return body

    def _for(self, scope, depth):
        target = next((n for n in "ij" if n not in scope.ints), None) or self.fresh("i")
        bounds, interval = self.loop_range(scope)
        inner = scope.child()
        inner.ints[target] = interval
        inner.loops += 1
        return [For(target, bounds, self.block(inner, depth + 1, min(3, self.size.statements)))]

    def counts(self, scope) -> list[Int]:
        """Integers that can bound a loop: constants, integer variables, array lengths."""
        out = [Int(str(k), k, k) for k in range(1, MAX_TRIPS)]
        out += [Int(n, max(lo, 0), hi) for n, (lo, hi) in scope.ints.items() if hi < MAX_TRIPS]
        return out + [Int(f"{n}.shape[{axis}]", d, d) for n, s in scope.floats.items()
                      for axis, d in enumerate(s)]

    def _count(self, scope, depth):
        """An integer variable, new (`m1 = (n + 1) % 3`) or counting on (`m1 = (m1 + 1) % 3`):
        a loop bound that changes between the loops that read it."""
        counters = [n for n in scope.ints if n.startswith("m")]
        if counters and self.coin():
            name = self.pick(counters)
            value = f"({name} + 1) % 3"
        else:
            name = self.fresh("m")
            value = f"({self.pick(self.counts(scope)).text} + {self.integer(0, 2)}) % 3"
        scope.ints[name] = (0, 2)
        return [Assign(name, Integer(value))]

    def loop_range(self, scope) -> tuple[str, tuple]:
        """`range(...)` with computed bounds, and the interval of the loop variable."""
        stop = self.pick(self.counts(scope))
        form = self.pick(["range(stop)", "range(1, stop + 1)", "reversed", "range(0, stop, 2)",
                          "range(stop - 1)"])
        if form == "range(stop)":
            return f"range({stop.text})", (0, max(stop.high - 1, 0))
        if form == "range(1, stop + 1)":
            return f"range(1, {stop.text} + 1)", (1, max(stop.high, 1))
        if form == "reversed":
            return f"range({stop.text} - 1, -1, -1)", (0, max(stop.high - 1, 0))
        if form == "range(0, stop, 2)":
            return f"range(0, {stop.text}, 2)", (0, max(stop.high - 1, 0))
        return f"range({stop.text} - 1)", (0, max(stop.high - 2, 0))

    def _while(self, scope, depth):
        counter, limit = self.fresh("k"), self.integer(1, MAX_TRIPS)
        test = self.condition(scope)
        inner = scope.child()
        inner.ints[counter] = (1, limit)
        inner.loops += 1
        flag = self.fresh("go") if self.coin() else None  # (a bool carried by the loop)
        return [While(counter, limit, test, self.block(inner, depth + 1, 2), flag)]

    def _foreach(self, scope, depth):
        """`for v in x:` over the elements (or rows) of an array not made here (a loop over
        an array it writes into would see the writes)."""
        arrays = [n for n, s in scope.floats.items() if s and n not in scope.owned]
        if not arrays:
            return self._for(scope, depth)
        array = self.pick(arrays[::-1])
        inner = scope.child()
        inner.loops += 1
        target = self.fresh()
        inner.floats[target] = scope.floats[array][1:]
        form = self.pick(["in", "enumerate", "zip"])
        if form == "enumerate":  # for c1, v2 in enumerate(x):
            position = self.fresh("c")
            inner.ints[position] = (0, scope.floats[array][0] - 1)
            target, walked = f"{position}, {target}", f"enumerate({array})"
        elif form == "zip":  # for v1, v2 in zip(x, y):
            other = self.pick(arrays)
            second = self.fresh()
            inner.floats[second] = scope.floats[other][1:]
            target, walked = f"{target}, {second}", f"zip({array}, {other})"
        else:
            walked = array
        body = self.block(inner, depth + 1, min(3, self.size.statements))
        return [For(target, walked, body)]

    def _jump(self, scope, depth):
        return [If([self.condition(scope)], [[Jump(self.pick(["break", "continue"]))]])]

    def _return(self, scope, depth):
        """An early return (`if test: return value`), of the function's own shape."""
        if isinstance(self.returns, list):  # a pair may be returned only at the end
            return self._assign(scope, depth)
        return [If([self.condition(scope)], [[Return(self.returned(self.returns, scope))]])]

    def _unpack(self, scope, depth):
        """`v1, v2 = helper(...)`, from a helper that returns two values; in the function's
        own block, one of them may rebind a name to a value of another shape (`y, s =
        helper(y)`), as `_reshape` does."""
        helper = self.pick([h for h in self.helpers if isinstance(h.returns, list)])
        names = [self.fresh(), self.fresh()]
        if depth == 0 and scope.floats and self.coin(3):
            names[self.integer(0, 1)] = self.pick(list(scope.floats)[::-1])
        call = Call(helper.name, tuple(self.expr(s, scope, self.ops - 1)
                                       for _, s in helper.params), None)
        scope.owned.difference_update(names)
        scope.floats.update(zip(names, helper.returns))
        return [Assign(", ".join(names), call)]

    # -- expressions --------------------------------------------------------------------------

    def condition(self, scope: Scope) -> Expr:
        """A data-dependent test: a comparison of floats, maybe chained, combined or negated."""
        form = self.pick(["compare", "compare", "chain", "and", "or", "not"])
        if form in ("and", "or"):
            return BoolOp(form, (self.comparison((), scope), self.comparison((), scope)))
        if form == "not":
            return Not(self.comparison((), scope))
        if form == "chain":
            middle = self.expr((), scope, 1)
            return Compare((Number(round(-1.0 + self.integer(0, 5) * 0.1, 1)), middle,
                            Number(round(self.integer(0, 8) * 0.1, 1))), ("<", "<="))
        return self.comparison((), scope)

    def comparison(self, shape, scope) -> Compare:
        left = self.expr(shape, scope, 1)
        right = self.expr(self.part(shape, scope), scope, 1) if self.coin(3) else self.number()
        return Compare((left, right), (self.pick(["<", ">", "<=", ">="]),))

    def expr(self, shape: tuple, scope: Scope, depth: int) -> Expr:
        """An expression of exactly `shape`, nested at most `depth` operations deep."""
        if depth == 0:
            return self.leaf(shape, scope)
        kinds = {"leaf": 3, "arithmetic": 5, "function": 3, "divide": 1, "power": 2,
                 "negate": 1, "extremum": 1, "index": 2,
                 "ifexp": 0 if self.size.straight else 1,
                 "reduce": 2 if REDUCTIONS.get(shape) else 0,
                 "matmul": 1 if shape in ((), (2,), (3,)) else 0,
                 "trace": 1 if shape in ((), (2,), (3,)) else 0,
                 "einsum": 1 if shape in EINSUMS else 0, "join": 1 if shape in JOINS else 0,
                 "cumsum": 1 if shape else 0, "diff": 1 if shape in DIFFERENCES else 0,
                 "where": 1 if shape else 0, "permute": 1 if len(shape) > 1 else 0,
                 "flip": 1 if shape else 0,
                 "newaxis": 2 if self.new_axis_sources(shape, scope) else 0,
                 "helper": 2 if any(h.returns == shape for h in self.helpers) else 0,
                 "item": 1 if any(shape in h.returns for h in self.helpers
                                  if isinstance(h.returns, list)) else 0}
        kind = self.weighted(kinds)
        return getattr(self, f"_{kind}")(shape, scope, depth - 1)

    def leaf(self, shape, scope) -> Expr:
        """A variable, an element or slice of one, a smaller variable broadcast to `shape`,
        or a constant."""
        names = [n for n, s in scope.floats.items() if s == shape][::-1]  # the latest first
        smaller = [n for n, s in scope.floats.items() if s != shape and s in _parts(shape)]
        constants = [n for n, v in self.constants.items() if v.shape == shape
                     and np.asarray(v).dtype.kind == "f"]
        options = (["name"] * 4 if names else []) + ["index"] * 2 + (
            ["lift"] * 2 if smaller else []) + ["constant"]
        kind = self.pick(options)
        if kind == "name":
            return Name(self.pick(names), shape)
        if kind == "lift":
            name = self.pick(smaller[::-1])
            ones = self.made("np.ones", shape)
            return BinOp("*", Name(name, scope.floats[name]), ones, shape)
        if kind == "index":
            read = self.read(shape, scope)
            if read is not None:
                return read
        if constants and self.coin():
            return Name(self.pick(constants), shape)
        if shape == ():
            return self.scalar()
        return self.made("np.full", shape, self.number().render())

    def _leaf(self, shape, scope, depth):
        return self.leaf(shape, scope)

    def _arithmetic(self, shape, scope, depth):
        op = self.pick(["+", "*", "-"])
        part = self.part(shape, scope)
        sides = [self.expr(shape, scope, depth), self.expr(part, scope, depth)]
        if self.coin():
            sides.reverse()
        return BinOp(op, *sides, shape)

    def _function(self, shape, scope, depth):
        name = self.pick(["np.sin", "np.tanh", "np.exp", "np.cos", "np.log", "np.sqrt",
                          "np.arctan", "np.abs", "np.arcsinh", "np.sinc", "np.deg2rad",
                          "np.fabs", "np.cbrt", "scipy.special.erf", "scipy.special.expit",
                          "scipy.special.gammaln"])
        if shape and self.coin(6):  # along an axis, or all of it
            axis = self.pick([None, *range(len(shape)), -1])
            return Call(f"scipy.special.{self.pick(['softmax', 'log_softmax'])}",
                        (self.expr(shape, scope, depth),), shape,
                        (("axis", axis),) if axis is not None else ())
        if name in ("np.log", "np.sqrt", "scipy.special.gammaln"):
            return Call(name, (self.positive(shape, scope, depth),), shape)
        # (cbrt's slope is infinite at 0: finite differences need the same margin as abs's)
        kink = {"np.abs": "abs", "np.fabs": "fabs", "np.cbrt": "cbrt"}.get(name)
        return Call(name, (self.expr(shape, scope, depth),), shape, kink=kink)

    def positive(self, shape, scope, depth) -> Expr:
        """An expression whose elements are positive (at least 0.5): for log, sqrt and ** 0.5."""
        inner = self.expr(shape, scope, max(depth - 1, 0))
        form = self.pick(["square", "exp", "cosh"])
        if form == "square":
            return BinOp("+", BinOp("*", inner, inner, shape), Number(0.5), shape)
        return Call(f"np.{form}", (inner,), shape)

    def _divide(self, shape, scope, depth):
        part = self.part(shape, scope)
        return BinOp("/", self.expr(shape, scope, depth), self.positive(part, scope, depth),
                     shape)

    def _power(self, shape, scope, depth):
        form = self.pick(["square", "cube", "root", "variable"])
        if form in ("square", "cube"):
            exponent = Number(2.0) if form == "square" else Number(3.0)
            if self.coin():
                exponent = Number(int(exponent.value))  # an integer power: x ** 2
            return BinOp("**", self.expr(shape, scope, depth), exponent, shape)
        base = self.positive(shape, scope, depth)
        if form == "root":
            return BinOp("**", base, Number(self.pick([0.5, 1.5])), shape)
        return BinOp("**", base, self.expr(self.part(shape, scope), scope, 0), shape)

    def _negate(self, shape, scope, depth):
        return Neg(self.expr(shape, scope, depth), shape)

    def _extremum(self, shape, scope, depth):
        name = self.pick(["maximum", "minimum", "fmax", "fmin", "logaddexp", "copysign"])
        return Call(f"np.{name}", (self.expr(shape, scope, depth),
                                   self.expr(self.part(shape, scope), scope, depth)),
                    shape, kink=None if name == "logaddexp" else name)

    def _reduce(self, shape, scope, depth):
        """np.sum, np.mean, np.max, np.min (or the method), np.prod, np.var, np.std, np.ptp,
        np.nansum, np.nanmean or np.average of a larger array, to `shape`."""
        source, axis, keepdims = self.pick(REDUCTIONS[shape])
        function = self.pick(["sum", "mean", "max", "min", "prod", "var", "std", "ptp",
                              "nansum", "nanmean", "average", "logsumexp"])
        operand = self.expr(source, scope, depth)
        keywords = (("axis", axis),) if axis is not None else ()
        if keepdims:
            keywords += (("keepdims", True),)
        if function in ("sum", "mean") and self.coin(4):
            return Method(operand, function, shape, keywords)
        kink = function if function in ("max", "min", "ptp", "std") else None
        module = "scipy.special" if function == "logsumexp" else "np"
        return Call(f"{module}.{function}", (operand,), shape, keywords, kink)

    def _matmul(self, shape, scope, depth):
        options = {(): [((3,), (3,)), ((2,), (2,))], (2,): [((2, 3), (3,))],
                   (3,): [((2,), (2, 3)), ("T", (2,))]}[shape]
        left, right = self.pick(options)
        if left == "T":  # m.T @ v
            m = self.expr((2, 3), scope, 0)
            return BinOp("@", Transpose(m, (3, 2)), self.expr(right, scope, depth), shape)
        a, b = self.expr(left, scope, depth), self.expr(right, scope, depth)
        if len(right) == 1 and self.coin(4):  # the last axes summed: np.inner, np.tensordot
            if self.coin():
                return Call("np.inner", (a, b), shape)
            return Call("np.tensordot", (a, b), shape, (("axes", 1),))
        if self.coin(3):
            return Call("np.dot", (a, b), shape)
        return BinOp("@", a, b, shape)

    def _trace(self, shape, scope, depth):
        """np.trace of a matrix, a number; or of a stack of them, an array: of (2, 1, 3) a
        row, of x.T * y.T (3, 3, 2) a pair (more diagonal elements than the last axis)."""
        if shape == ():
            operand = self.expr(self.pick([(2, 3), (1, 3)]), scope, depth)
        elif shape == (3,):
            operand = self.expr((2, 1, 3), scope, depth)
        else:
            operand = self.square(scope, depth)
        return Call("np.trace", (operand,), shape)

    def square(self, scope, depth) -> Expr:
        """x.T * y.T of shape (3, 3, 2): square in its first two axes."""
        left = Transpose(self.expr((2, 1, 3), scope, depth), (3, 1, 2))
        right = Transpose(self.expr((2, 3), scope, depth), (3, 2))
        return BinOp("*", left, right, (3, 3, 2))

    def _join(self, shape, scope, depth):
        """np.concatenate, np.stack, np.vstack, np.hstack or np.column_stack of a tuple or a
        list of values (JOINS)."""
        function, axis, shapes = self.pick(JOINS[shape])
        sequence = Sequence(tuple(self.expr(s, scope, depth) for s in shapes), self.coin())
        keywords = () if axis is None else (("axis", None if axis == "flat" else axis),)
        return Call(f"np.{function}", (sequence,), shape, keywords)

    def _einsum(self, shape, scope, depth):
        """np.einsum with literal subscripts (EINSUMS)."""
        subscripts, shapes = self.pick(EINSUMS[shape])
        operands = [self.square(scope, depth) if s == "square" else self.expr(s, scope, depth)
                    for s in shapes]
        return Call("np.einsum", (repr(subscripts), *operands), shape)

    def _cumsum(self, shape, scope, depth):
        """np.cumsum or np.cumprod (or the method) along an axis; or, for a row, of a (1, 3)'s
        elements."""
        function = self.pick(["cumsum", "cumprod"])
        if shape == (3,) and self.coin():
            return Call(f"np.{function}", (self.expr((1, 3), scope, depth),), shape)
        keywords = (("axis", self.pick([*range(len(shape)), -1])),)
        operand = self.expr(shape, scope, depth)
        if self.coin(4):
            return Method(operand, function, shape, keywords)
        return Call(f"np.{function}", (operand,), shape, keywords)

    def _diff(self, shape, scope, depth):
        """np.diff of an array one longer along an axis."""
        source, axis = self.pick(DIFFERENCES[shape])
        keywords = (("axis", axis),) if axis is not None else ()
        if self.coin(3):
            keywords = (("n", 1),) + keywords
        return Call("np.diff", (self.expr(source, scope, depth),), shape, keywords)

    def _index(self, shape, scope, depth) -> Expr:
        return self.read(shape, scope) or self.leaf(shape, scope)

    def read(self, shape, scope) -> Index | None:
        """A read `name[...]` of `shape` from a larger variable, or None if none fits."""
        sources = [n for n, s in scope.floats.items() if len(s) > len(shape) or (
            len(s) == len(shape) and scope.indices)]  # x[picks] keeps x's rank
        if not sources:
            return None
        name = self.pick(sources[::-1])
        index = self.index(scope.floats[name], scope, shape)
        if index is None:
            return None
        return Index(Name(name, scope.floats[name]), index[0], shape)

    def index(self, shape: tuple, scope: Scope, want: tuple | None):
        """An index into an array of `shape` (text, shape of what it selects), selecting an
        array of shape `want` if given; None if no index does."""
        slices = {":": lambda d: d, "1:": lambda d: d - 1, ":-1": lambda d: d - 1,
                  ":2": lambda d: min(d, 2), "::2": lambda d: (d + 1) // 2,
                  "::-1": lambda d: d}  # (steps: a run of elements logged by its step)
        # bounds that are another array's size (`x[:v.shape[0]]`, `x[v.shape[1]:]`), as a
        # program slices by its arguments' sizes (a few, so that the patterns stay few)
        sizes = [(n, k, s[k]) for n, s in scope.floats.items() for k in range(len(s))]
        for n, k, b in self.pick([[], sizes[:1], sizes[-2:]]):
            slices[f":{n}.shape[{k}]"] = lambda d, b=b: min(d, b)
            slices[f"{n}.shape[{k}]:"] = lambda d, b=b: max(d - b, 0)
        # an integer array picks its length of positions (repeats too), where it stands
        arrays = {name: kind for name, kind in scope.indices.items()}
        picks = {f"[{name}]": (lambda d, k=kind: k.length if d >= k.bound else 0)
                 for name, kind in arrays.items()}
        patterns = []
        for length in range(1, len(shape) + 1):
            for items in itertools.product(["int", *slices, *picks], repeat=length):
                if sum(i in picks for i in items) > 1:
                    continue  # one integer array per index, as numba takes them
                advanced = [k for k, i in enumerate(items) if i == "int" or i in picks]
                if any(i in picks for i in items) and advanced[-1] - advanced[0] >= len(advanced):
                    continue  # x[0, :, picks]: NumPy puts the picked axis first; not modelled
                selected = tuple({**slices, **picks}[i](d) for i, d in zip(items, shape)
                                 if i != "int")
                selected += shape[length:]
                if 0 in selected or (want is not None and selected != want):
                    continue
                patterns.append((items, selected))
        if not patterns:
            return None
        items, selected = self.pick(patterns)
        text = [self.position(d, scope) if i == "int" else i.strip("[]") if i in picks else i
                for i, d in zip(items, shape)]
        return ", ".join(text), selected

    def position(self, size: int, scope: Scope) -> str:
        """An integer index into an axis of `size`: a constant, a loop variable, `i % size`
        or an element of an integer array (`picks[1]`, `picks[i % 3]`: a table of indices);
        rarely one past the end, which Python refuses and compiled code must refuse too."""
        fitting = [n for n, (lo, hi) in scope.ints.items() if -size <= lo and hi < size]
        wrapped = [f"{n} % {size}" for n, (lo, hi) in scope.ints.items() if lo >= 0]
        tables = [f"{name}[{k}]" for name, kind in scope.indices.items() if kind.bound <= size
                  for k in [*range(kind.length), *(f"{n} % {kind.length}" for n, (lo, _)
                                                   in scope.ints.items() if lo >= 0)]]
        options = [str(k) for k in range(-1, size)] + fitting * 2 + wrapped + tables
        if self.pick([False] * 39 + [True]):  # (hypothesis draws the ends of a range often)
            return str(size)
        return self.pick(options)

    def _ifexp(self, shape, scope, depth):
        return IfExp(self.expr(shape, scope, depth), self.condition(scope),
                     self.expr(shape, scope, depth), shape)

    def _where(self, shape, scope, depth):
        test = self.comparison(shape, scope)
        return Call("np.where", (test, self.expr(shape, scope, depth),
                                 self.expr(self.part(shape, scope), scope, depth)), shape)

    def _flip(self, shape, scope, depth):
        """np.flip (of every axis or one), np.flipud, np.fliplr; np.tril or np.triu of a
        matrix."""
        operand = self.expr(shape, scope, depth)
        form = self.pick(["flip", "flip_axis", "flipud"] + (["fliplr"] if len(shape) > 1 else [])
                         + (["tril", "triu"] if len(shape) == 2 else []))
        if form == "flip_axis":
            axis = self.pick([*range(len(shape)), -1])
            return Call("np.flip", (operand,), shape, (("axis", axis),))
        if form in ("tril", "triu") and self.coin():
            return Call(f"np.{form}", (operand,), shape, (("k", self.pick([1, -1])),))
        return Call(f"np.{form}", (operand,), shape)

    def _permute(self, shape, scope, depth):
        """`x.T`, `np.transpose(x, axes)` or `x.transpose(*axes)` of a value whose axes,
        permuted, have `shape`."""
        axes = tuple(self.pick([p for p in itertools.permutations(range(len(shape)))
                                if p != tuple(range(len(shape)))]))
        source = [0] * len(shape)
        for k, axis in enumerate(axes):
            source[axis] = shape[k]
        operand = self.expr(tuple(source), scope, depth)
        if axes == tuple(reversed(range(len(shape)))) and self.coin():
            return Transpose(operand, shape)
        return Permute(operand, axes, shape, method=self.coin())

    @staticmethod
    def new_axis_sources(shape, scope) -> list:
        """(position, name) of the arrays that, with a new axis of 1 at the position, have
        `shape` (not numbers: numba has no `x[None]` of a number, nor do NumPy users write it)."""
        return [(k, name) for k, size in enumerate(shape) if size == 1 and len(shape) > 1
                for name, other in scope.floats.items() if other == shape[:k] + shape[k + 1:]]

    def _newaxis(self, shape, scope, depth):
        """`x[:, None, :]` (or `x[None]`): a variable's view with a new axis of 1."""
        k, name = self.pick(self.new_axis_sources(shape, scope))
        parts = ["None" if j == k else ":" for j in range(len(shape))]
        if self.coin():  # the whole axes after the new one may go unsaid
            parts = parts[:k + 1]
        return Index(Name(name, scope.floats[name]), ", ".join(parts), shape)

    def _item(self, shape, scope, depth):
        """`h(...)[k]`: the value of `shape` among the two a helper returns."""
        helper = self.pick([h for h in self.helpers if isinstance(h.returns, list)
                            and shape in h.returns])
        position = self.pick([k for k, s in enumerate(helper.returns) if s == shape])
        call = Call(helper.name, tuple(self.expr(s, scope, depth) for _, s in helper.params),
                    None)
        return Item(call, position, shape)

    def _helper(self, shape, scope, depth):
        helper = self.pick([h for h in self.helpers if h.returns == shape])
        return Call(helper.name, tuple(self.expr(s, scope, depth) for _, s in helper.params),
                    shape)




def _argument(shape):
    elements = st.floats(LOW, HIGH, allow_nan=False, allow_infinity=False)
    if shape == "int":
        return st.integers(0, MAX_TRIPS - 1)
    if isinstance(shape, Indices):  # from few values, so that some repeat
        return st.lists(st.integers(-shape.bound, shape.bound - 1), min_size=shape.length,
                        max_size=shape.length).map(lambda picks: np.array(picks, np.int64))
    if shape == ():
        return elements
    return arrays(np.float64, shape, elements=elements)


@st.composite
def cases(draw, size: Size = FULL, float32: bool = False) -> Case:
    """A random program of at most `size`, and arguments for it (float32 ones if `float32`:
    the values of float64 ones rounded)."""
    program = Builder(draw, size, float32).program()
    args = draw(st.tuples(*(_argument(shape) for _, shape in program.main.params)))
    if float32:
        args = tuple(np.float32(a) if isinstance(a, float) else a.astype(np.float32)
                     if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in args)
    return Case(program, args)
