"""The programs the fuzzer writes, as a tree that renders to Python source.

Expressions know their shape (`()` for a float) and statements their block structure; both
render to text twice over. The *clean* text is the program astgrad differentiates. The *traced*
text computes the same values but reports to a `Trace` (tests/fuzz/trace.py, the module global
`_trace`) each comparison and each kink (np.max, np.min, np.abs, np.maximum, np.cbrt, ...)
with its margin, and the magnitude of every value assigned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Precedences, for parentheses only where Python needs them.
IFEXP, OR, AND, NOT, COMPARE, ADD, MUL, UNARY, POWER, ATOM = range(1, 11)


# -- expressions ---------------------------------------------------------------------------------


class Expr:
    """A float-valued expression of a known shape; `render(traced)` is its source text."""

    shape: tuple = ()
    precedence = ATOM

    def render(self, traced: bool = False) -> str:
        raise NotImplementedError

    def aliases(self) -> set[str]:
        """The names whose memory the value may share (a bare name, a view, a branch of
        either): a write into one of them would change the value."""
        return set()


def _wrap(expr: Expr, traced: bool, minimum: int) -> str:
    text = expr.render(traced)
    return f"({text})" if expr.precedence < minimum else text


def _text(argument, traced: bool) -> str:
    return argument.render(traced) if isinstance(argument, Expr) else str(argument)


@dataclass
class Name(Expr):
    name: str
    shape: tuple

    def render(self, traced=False):
        return self.name

    def aliases(self):
        return {self.name}


@dataclass
class Number(Expr):
    value: float
    shape: tuple = ()

    @property
    def precedence(self):
        return UNARY if self.value < 0 else ATOM

    def render(self, traced=False):
        return repr(self.value)


@dataclass
class BinOp(Expr):
    op: str  # + - * / @ **
    left: Expr
    right: Expr
    shape: tuple

    @property
    def precedence(self):
        return {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "@": MUL, "**": POWER}[self.op]

    def render(self, traced=False):
        own = self.precedence
        if self.op == "**":  # right-associative, and tighter than a unary minus on its left
            return f"{_wrap(self.left, traced, ATOM)} ** {_wrap(self.right, traced, ATOM)}"
        return f"{_wrap(self.left, traced, own)} {self.op} {_wrap(self.right, traced, own + 1)}"


@dataclass
class Neg(Expr):
    operand: Expr
    shape: tuple
    precedence = UNARY

    def render(self, traced=False):
        return f"-{_wrap(self.operand, traced, UNARY)}"


@dataclass
class Call(Expr):
    """`function(args, keywords)`; a `kink` (np.max, np.abs, ...) calls the trace when traced."""

    function: str
    args: tuple
    shape: tuple
    keywords: tuple = ()  # (name, value) pairs
    kink: str | None = None

    def render(self, traced=False):
        function = f"_trace.{self.kink}" if traced and self.kink else self.function
        parts = [_text(a, traced) for a in self.args]
        parts += [f"{k}={_text(v, traced)}" for k, v in self.keywords]
        return f"{function}({', '.join(parts)})"

    def aliases(self):
        if self.function.startswith("np."):
            return set()
        # a helper may return its (float) argument: the tape's tensor, not a copy
        return set().union(*(a.aliases() for a in self.args if isinstance(a, Expr)))


@dataclass
class Sequence(Expr):
    """`(a, b)` or `[a, b]` written as the arrays np.concatenate joins (not a value)."""

    items: tuple
    listed: bool = False
    shape = None

    def render(self, traced=False):
        parts = ", ".join(item.render(traced) for item in self.items)
        return f"[{parts}]" if self.listed else f"({parts},)"


@dataclass
class Method(Expr):
    """`operand.method(keywords)`: the array methods x.sum(axis=0), x.mean()."""

    operand: Expr
    method: str
    shape: tuple
    keywords: tuple = ()

    def render(self, traced=False):
        keywords = ", ".join(f"{k}={v}" for k, v in self.keywords)
        return f"{_wrap(self.operand, traced, ATOM)}.{self.method}({keywords})"


@dataclass
class Transpose(Expr):
    operand: Expr
    shape: tuple

    def render(self, traced=False):
        return f"{_wrap(self.operand, traced, ATOM)}.T"

    def aliases(self):
        return self.operand.aliases()


@dataclass
class Permute(Expr):
    """`np.transpose(operand, axes)` or `operand.transpose(*axes)`: the axes permuted."""

    operand: Expr
    axes: tuple
    shape: tuple
    method: bool = False

    def render(self, traced=False):
        if self.method:
            axes = ", ".join(map(str, self.axes))
            return f"{_wrap(self.operand, traced, ATOM)}.transpose({axes})"
        return f"np.transpose({self.operand.render(traced)}, {self.axes!r})"


@dataclass
class Scalar(Expr):
    """A number written as NumPy's constructor (`np.float64(0.5)`, `np.float32(2.0)`) or as a
    module constant of a NumPy scalar type."""

    text: str
    shape: tuple = ()

    def render(self, traced=False):
        return self.text


@dataclass
class Item(Expr):
    """`helper(...)[k]`: one value of a helper that returns two."""

    call: Expr
    position: int
    shape: tuple

    def render(self, traced=False):
        return f"{self.call.render(traced)}[{self.position}]"

    def aliases(self):
        return self.call.aliases()


@dataclass
class Index(Expr):
    """`name[index]`, the index text made of integers, loop variables and slices."""

    base: Name
    index: str
    shape: tuple

    def render(self, traced=False):
        return f"{self.base.name}[{self.index}]"

    def aliases(self):
        return {self.base.name}


@dataclass
class Compare(Expr):
    """`a < b` (or `lo < a < hi`); traced, each link reports its margin to the trace."""

    operands: tuple
    ops: tuple
    shape: tuple = ()

    @property
    def precedence(self):
        return AND if len(self.ops) > 1 else COMPARE

    def render(self, traced=False):
        if not traced:
            parts = [_wrap(self.operands[0], traced, ADD)]
            for op, operand in zip(self.ops, self.operands[1:]):
                parts += [op, _wrap(operand, traced, ADD)]
            return " ".join(parts)
        return " and ".join(
            f'_trace.compare({a.render(True)}, "{op}", {b.render(True)})'
            for a, op, b in zip(self.operands, self.ops, self.operands[1:]))


@dataclass
class BoolOp(Expr):
    op: str  # and, or
    values: tuple

    @property
    def precedence(self):
        return AND if self.op == "and" else OR

    def render(self, traced=False):
        return f" {self.op} ".join(_wrap(v, traced, self.precedence + 1) for v in self.values)


@dataclass
class Not(Expr):
    operand: Expr
    precedence = NOT

    def render(self, traced=False):
        return f"not {_wrap(self.operand, traced, NOT)}"


@dataclass
class IfExp(Expr):
    body: Expr
    test: Expr
    orelse: Expr
    shape: tuple
    precedence = IFEXP

    def render(self, traced=False):
        return (f"{_wrap(self.body, traced, OR)} if {_wrap(self.test, traced, OR)} "
                f"else {_wrap(self.orelse, traced, IFEXP)}")

    def aliases(self):
        return self.body.aliases() | self.orelse.aliases()


@dataclass
class Pair(Expr):
    """`a, b`: what a helper returning two values returns."""

    first: Expr
    second: Expr
    shape = None  # not one value
    precedence = 0

    def render(self, traced=False):
        return f"{self.first.render(traced)}, {self.second.render(traced)}"


@dataclass(frozen=True)
class Int:
    """An integer expression (a trip count, an index) and the interval its value lies in."""

    text: str
    low: int
    high: int


@dataclass
class Integer(Expr):
    """An integer-valued expression, bound to a name to count with: `m1 = (n + 1) % 3`."""

    text: str
    shape = None  # not a float
    precedence = MUL

    def render(self, traced=False):
        return self.text


# -- statements ----------------------------------------------------------------------------------


@dataclass
class Assign:
    target: str
    value: Expr
    op: str = ""  # "+" for `target += value`

    def lines(self, traced):
        value = f"_trace.value({self.value.render(True)})" if traced else self.value.render()
        return [f"{self.target} {self.op}= {value}"]


@dataclass
class Store:
    target: str
    index: str
    value: Expr
    op: str = ""

    def lines(self, traced):
        value = f"_trace.value({self.value.render(True)})" if traced else self.value.render()
        return [f"{self.target}[{self.index}] {self.op}= {value}"]


@dataclass
class If:
    tests: list  # if, elif, ...
    bodies: list
    orelse: list | None = None

    def lines(self, traced):
        out = []
        for keyword, test, body in zip(["if"] + ["elif"] * len(self.tests), self.tests,
                                       self.bodies):
            out += [f"{keyword} {test.render(traced)}:", *_indented(body, traced)]
        if self.orelse:
            out += ["else:", *_indented(self.orelse, traced)]
        return out


@dataclass
class For:
    target: str
    bounds: str  # range(...)
    body: list

    def lines(self, traced):
        return [f"for {self.target} in {self.bounds}:", *_indented(self.body, traced)]


@dataclass
class While:
    """`while counter < limit and test:` (or without a test), the counter counting the trips
    (first thing in the body, so that a `continue` cannot skip it); with a `flag`, the test
    goes into a flag that starts True and each trip's end sets (`while k < 3 and go:`)."""

    counter: str
    limit: int
    test: Expr | None
    body: list
    flag: str | None = None

    def lines(self, traced):
        head = [f"{self.counter} = 0"]
        test = "" if self.test is None else f" and {_wrap(self.test, traced, NOT)}"
        tail = []
        if self.flag is not None:
            head.append(f"{self.flag} = True")
            tail = [f"    {self.flag} = {self.test.render(traced)}"]
            test = f" and {self.flag}"
        return [*head, f"while {self.counter} < {self.limit}{test}:",
                f"    {self.counter} += 1", *_indented(self.body, traced), *tail]


@dataclass
class Jump:
    keyword: str  # break, continue

    def lines(self, traced):
        return [self.keyword]


@dataclass
class Return:
    value: Expr

    def lines(self, traced):
        value = f"_trace.value({self.value.render(True)})" if traced else self.value.render()
        return [f"return {value}"]  # _trace.value(a, b) for a pair


def _indented(body, traced) -> list[str]:
    return ["    " + line for statement in body for line in statement.lines(traced)]


@dataclass
class Function:
    name: str
    params: list  # (name, shape), shape "int" for an integer
    body: list
    returns: tuple = ()

    def lines(self, traced):
        return [f"def {self.name}({', '.join(p for p, _ in self.params)}):",
                *_indented(self.body, traced)]


@dataclass(frozen=True)
class Indices:
    """The kind of an argument that is an array of `length` integers, each from -bound to
    bound - 1 (so in bounds for any axis of at least `bound` elements), repeats likely."""

    length: int
    bound: int = 2


def _constant_text(value) -> str:
    if isinstance(value, np.ndarray):
        return _argument_text(value)
    return f"np.{type(value).__name__}({value.item()!r})"  # np.float32(0.5)


@dataclass
class Program:
    constants: dict  # module-level arrays and NumPy numbers, name -> value
    helpers: list
    main: Function

    def source(self, traced: bool = False) -> str:
        lines = ['"""A program drawn by tests/fuzz/programs.py."""', "", "import numpy as np",
                 "import scipy.special"]
        globals_ = [f"{name} = {_constant_text(value)}" for name, value in self.constants.items()]
        if traced:
            globals_.append("_trace = None  # a Trace, set by the caller")
        if globals_:
            lines += ["", *globals_]
        for function in [*self.helpers, self.main]:
            lines += ["", "", *function.lines(traced)]
        return "\n".join(lines) + "\n"


@dataclass
class Case:
    """A program and the arguments its main function `f` is called with."""

    program: Program
    args: tuple

    @property
    def wrt(self) -> tuple[int, ...]:
        """The positions of the float arguments: all of them are differentiated."""
        return tuple(i for i, (_, shape) in enumerate(self.program.main.params)
                     if isinstance(shape, tuple))

    def __repr__(self) -> str:
        """The program's source, and the call: both can be pasted into a file as they are."""
        args = ", ".join(_argument_text(a) for a in self.args)
        return f"{self.program.source()}\n# called as\n# f({args})\n"


def _argument_text(value) -> str:
    if isinstance(value, np.ndarray):
        dtype = "" if value.dtype in (np.float64, np.int64) else f", np.{value.dtype}"
        return f"np.array({value.tolist()!r}{dtype})"
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({value.item()!r})"
    return repr(value)
