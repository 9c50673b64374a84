"""Specialize: a generated gradient rewritten for arguments of known ranks and shape pattern,
its elementwise, broadcasting and reduction steps as plain loops.

Takes the text of a generated gradient module and the arguments of a call: arrays of rank 1
or 2 of one float dtype, and numbers. Produces the text of a module whose function computes
the same values for arguments of the same ranks, dtype and *shape pattern*, or None when the
gradient is not straight-line code (loops, branches and tapes stay generic).

The shape pattern: which of the arguments' dimensions are 1, and which are equal to which. The
specializer follows every dimension of every value back to the arguments' (a class of equal
dimensions, or 1), so each loop nest knows its sizes and which operand repeats along which
dimension: no broadcasting machinery is left at run time. The function starts by checking the
pattern and raises `ShapePatternError` on arguments of another one (the caller then uses the
generic gradient).

Why: numba compiles each NumPy array expression and each generic helper (`unbroadcast`,
`unreduce`, the reductions) of the generic gradient as its own piece of machine code with its
own broadcasting machinery, then optimizes all of it again inside the gradient; loop nests for
the shapes at hand compile in a fraction of that time. Statements the specializer does not
write as loops (anything of unknown shape) are kept as they were: the generic helpers remain
the fallback.

Grammar rewritten (statements of the generic gradient, one operation per line):

    t = E                                 E elementwise of rank 1 or 2: one loop nest
    t = unbroadcast(E, like)              the loop nest adds into `like`'s shape
    t = reduce_f(x, axis=k, keepdims=b)   f in sum, mean, max, min: a loop nest
    t = np.sum(x) | np.mean(x)            a loop
    t = promoted_matmul(a, b), matmul_adjoint_a/b(g, a, b)   of matrices: np.dot
    E := name | number | E op E | -E | np.f(E) | np.maximum(E, E) | np.minimum(E, E)
         | unreduce(E, like, axis, keepdims) | extremum_share(E, E, E, larger) | size(x)
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

import numpy as np

from .emit import to_source

ELEMENTWISE_FUNCTIONS = {"exp", "log", "log1p", "expm1", "tanh", "sqrt", "sin", "cos", "abs",
                         "sinh", "cosh", "arctan"}
BINARY_FUNCTIONS = {"maximum", "minimum"}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
AXIS_REDUCTIONS = {"reduce_sum": "sum", "reduce_mean": "mean", "reduce_max": "max",
                   "reduce_min": "min"}
WHOLE_REDUCTIONS = {"sum", "mean", "max", "min"}
SAME_SHAPE = {"stop_gradient", "own", "cast_like", "output_seed"}  # shape of the first argument
PRODUCTS = {"promoted_matmul", "promoted_dot", "matmul_adjoint_a", "matmul_adjoint_b"}

ONE = "1"  # a dimension of size 1; any other dimension is a class of argument dimensions


class _Unknown(Exception):
    """An expression the specializer cannot follow: its statement stays as it was."""


class _NotFusable(Exception):
    """A statement reads a value the open loop nest is still computing, other than element by
    element: the nest is closed first."""


class ShapeConflict(Exception):
    """The program needs two dimensions equal that the arguments have different (the generic
    gradient raises NumPy's error for them)."""


def argument_pattern(arguments) -> tuple | None:
    """The shapes of `arguments` (() for a number) and their common float dtype, or None if
    they are not arrays of rank 1 or 2 of one float dtype and numbers."""
    shapes, dtypes = [], set()
    for value in arguments:
        if isinstance(value, np.ndarray):
            if value.ndim not in (1, 2) or value.dtype not in (np.float32, np.float64):
                return None
            shapes.append(value.shape)
            dtypes.add(value.dtype)
        elif isinstance(value, (float, int)) and not isinstance(value, bool):
            shapes.append(())
        else:
            return None
    return (tuple(shapes), dtypes.pop()) if len(dtypes) == 1 else None


def specialize(text: str, function_name: str, shapes: tuple, dtype,
               module_name: str) -> str | None:
    """The text of a module defining `function_name` for arguments with the pattern of
    `shapes` and of `dtype`, rewritten from the generic module `text` (importable as
    `module_name`), or None if nothing in it can be.

    >>> specialize(gradient.source, "value_and_grad_loss", ((3, 2), (64, 2)), np.float64, name)
    """
    module = ast.parse(text)
    function = next((node for node in module.body if isinstance(node, ast.FunctionDef)
                     and node.name == function_name), None)
    if function is None or not all(isinstance(s, (ast.Assign, ast.Expr, ast.Return))
                                   for s in function.body):
        return None
    params = [a.arg for a in function.args.args]
    if len(params) != len(shapes):
        return None
    dims = _Dimensions(dict(zip(params, shapes)))
    writer = _Writer(dims, np.dtype(dtype).name, _names(function), _assigned(function))
    for name, shape in zip(params, shapes):
        writer.shapes[name] = dims.of_argument(name, shape)
    lines = text.splitlines()
    try:
        for statement in function.body:
            writer.statement(statement, _label(lines[statement.lineno - 1]))
        writer.flush()
    except ShapeConflict:
        return None
    if not writer.rewritten:
        return None
    name = np.dtype(dtype).name
    header = [f'"""{function_name} of {module_name}, specialized by astgrad for arguments '
              f'of shapes like {shapes} and dtype {name}:\nits elementwise, broadcasting and '
              f'reduction steps written as loops for them."""', "", "import numpy as np",
              "from astgrad.runtime import ShapePatternError" + (
                  ", extremum_share_scalar" if writer.shares else "")]
    imports = sorted(writer.globals - {"np"})
    if imports:
        header.append(f"from {module_name} import {', '.join(imports)}")
    body = dims.guard() + writer.lines
    return "\n".join(header + ["", "", f"def {function_name}({', '.join(params)}):"]
                     + ["    " + line for line in body]) + "\n"


def _label(line: str) -> str:
    """The `# line N: ...` comment of a generated line ('' if none)."""
    at = line.find("# line ")
    return line[at:] if at >= 0 else ""


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}


def _assigned(node: ast.AST) -> set[str]:
    """The names `node` binds (a function's: its parameters too)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store)} | {a.arg for a in ast.walk(node)
                                                 if isinstance(a, ast.arg)}


class _Dimensions:
    """Classes of argument dimensions known equal (union-find), and the check of the pattern
    the specialized function assumes."""

    def __init__(self, shapes: dict[str, tuple]):
        self.actual = {f"{name}.shape[{k}]": size for name, shape in shapes.items()
                       for k, size in enumerate(shape)}
        self.parent = {dim: dim for dim in self.actual}

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

    def guard(self) -> list[str]:
        conditions = [f"{dim} {'==' if size == 1 else '!='} 1"
                      for dim, size in self.actual.items()]
        conditions += [f"{dim} == {self.find(dim)}" for dim in self.actual
                       if self.actual[dim] != 1 and self.find(dim) != dim]
        if not conditions:
            return []
        return ["if not (" + " and ".join(conditions) + "):",
                "    raise ShapePatternError('arguments of another shape pattern than the "
                "one this version was written for')"]


@dataclass
class _Nest:
    """Statements written as one loop nest over `sizes`, not yet emitted: consecutive
    statements over the same sizes share it (each still writes its own array)."""

    sizes: tuple
    indices: list[str]
    comments: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # values of rank 0, allocations
    body: list[str] = field(default_factory=list)  # inside the innermost loop
    after: list[str] = field(default_factory=list)  # the targets bound to their arrays
    outputs: dict = field(default_factory=dict)  # target -> (array, accumulated, shape)
    reads: set = field(default_factory=set)  # names the statements read

    def lines(self) -> list[str]:
        return self.comments + self.before + _nest(self.indices, list(self.sizes),
                                                   self.body) + self.after


@dataclass
class _Writer:
    dims: _Dimensions
    dtype: str
    used: set[str]
    local: set[str]  # the function's parameters and assigned names
    shapes: dict[str, tuple] = field(default_factory=dict)  # symbolic shapes of known names
    lines: list[str] = field(default_factory=list)
    globals: set[str] = field(default_factory=set)  # names kept statements read
    rewritten: int = 0
    shares: bool = False  # whether a loop calls extremum_share_scalar
    nest: _Nest | None = None  # the open loop nest

    def fresh(self, stem: str) -> str:
        k = 0
        while f"{stem}{k}" in self.used:
            k += 1
        self.used.add(f"{stem}{k}")
        return f"{stem}{k}"

    # -- statements ---------------------------------------------------------------------------

    def statement(self, node: ast.stmt, label: str) -> None:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
            if self._alias(target, value, label):
                return
            try:
                shape = self.shape(value)
            except _Unknown:
                self.shapes.pop(target, None)
                self._keep(node, label)
                return
            try:
                written = self._loops(target, value, label)
            except _Unknown:
                written = False
            if not written:
                self._keep(node, label)
            self.shapes[target] = shape
            return
        self._keep(node, label)

    def _keep(self, node: ast.stmt, label: str) -> None:
        node = _Simplify(self).visit(copy.deepcopy(node))
        if node is None:
            return
        self._read_globals(node)
        first, *rest = to_source(node).splitlines()
        self._place([f"{first}  {label}" if label else first, *rest], node)

    def _place(self, lines: list[str], node: ast.AST) -> None:
        """Emit a statement that is not part of a loop nest: before the open nest if it
        neither reads what the nest computes nor writes what it reads, else after it."""
        nest = self.nest
        names, written = _names(node), _assigned(node)
        if nest is not None and (names & set(nest.outputs) or written & nest.reads):
            self.flush()
        self.lines += lines

    def flush(self) -> None:
        """Emit the open loop nest."""
        if self.nest is not None:
            self.lines += self.nest.lines()
            self.nest = None

    def _alias(self, target: str, value: ast.expr, label: str) -> bool:
        """`target = name` of a value the open nest computes: bound after the nest too."""
        nest = self.nest
        if not (nest and isinstance(value, ast.Name) and value.id in nest.outputs) or (
                target in nest.reads):
            return False
        nest.outputs[target] = nest.outputs[value.id]
        nest.after.append(f"{target} = {nest.outputs[value.id][0]}" + (
            f"  {label}" if label else ""))
        self.shapes[target] = self.shapes[value.id]
        return True

    def _fused(self, target: str, value: ast.expr, label: str, sizes: list[str],
               build) -> None:
        """Write `target = value` as the statement `build(indices)` makes (lines before the
        nest, lines of its body, lines after it, its array, whether the body adds into it): in
        the open nest if it has these sizes and the statement reads nothing the nest computes
        but element by element at the nest's own indices, else in a new nest."""
        comment = f"# {target} = {to_source(value)}" + (f"  {label}" if label else "")
        nest = self.nest
        if nest is not None and nest.sizes == tuple(sizes):
            try:
                self._join(target, value, comment, build(nest.indices))
                return
            except _NotFusable:
                pass
        self.flush()
        indices = [self.fresh("_i") for _ in sizes]
        parts = build(indices)  # before the nest opens: it may raise _Unknown
        self.nest = _Nest(tuple(sizes), indices)
        self._join(target, value, comment, parts)

    def _join(self, target: str, value: ast.expr, comment: str, parts) -> None:
        before, body, after, array, accumulated = parts
        nest = self.nest
        nest.comments.append(comment)
        nest.before += before
        nest.body += body
        nest.after += after
        nest.reads |= _names(value) - set(nest.outputs)
        nest.outputs[target] = (array, accumulated, self.shape(value))
        self.rewritten += 1

    def _current(self, name: str, shape: tuple, indices: list[str]) -> str:
        """The array holding `name`'s value inside the open nest: the one the nest writes if
        it computes it, which may only be read at the nest's own indices."""
        nest = self.nest
        if nest is None or name not in nest.outputs or indices != nest.indices:
            return name
        array, accumulated, _ = nest.outputs[name]
        if accumulated or tuple(self._sizes(shape)) != nest.sizes:
            raise _NotFusable(name)
        return array

    def _computing(self, node: ast.AST) -> bool:
        """Whether `node` reads a value the open nest computes."""
        return self.nest is not None and bool(_names(node) & set(self.nest.outputs))

    def _read_globals(self, node: ast.AST) -> None:
        self.globals |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - self.local

    def _loops(self, target: str, value: ast.expr, label: str) -> bool:
        """Write `target = value` as loops (or np.dot), if of a form the docstring lists."""
        name = _call_name(value) if isinstance(value, ast.Call) else None
        if name in PRODUCTS:
            return self._product(target, value, label)
        if name == "unbroadcast":
            return self._unbroadcast(target, value, label)
        if name in AXIS_REDUCTIONS or (name in WHOLE_REDUCTIONS and _is_np(value)):
            return self._reduction(target, value, label)
        if isinstance(value, (ast.Name, ast.Constant, ast.Attribute)) or name in SAME_SHAPE:
            return False
        shape = self.shape(value)
        if not shape:
            return False
        sizes = self._sizes(shape)

        def build(indices):
            setup: list[str] = []
            element = self._element(value, indices, setup)
            out = self.fresh("_out")
            allocate = f"{out} = np.empty(({', '.join(sizes)},), np.{self.dtype})"
            return (setup + [allocate], [f"{out}[{', '.join(indices)}] = {element}"],
                    [f"{target} = {out}"], out, False)

        self._fused(target, value, label, sizes, build)
        return True

    # -- shapes ---------------------------------------------------------------------------------

    def shape(self, node: ast.expr) -> tuple:
        """The symbolic shape of an expression's value, or _Unknown."""
        if isinstance(node, ast.Name):
            if node.id not in self.shapes:
                raise _Unknown(node.id)
            return self.shapes[node.id]
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return ()
        if isinstance(node, ast.BinOp) and type(node.op) in SYMBOLS:
            return self.dims.broadcast([self.shape(node.left), self.shape(node.right)])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.shape(node.operand)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.shape(node.value)[::-1]
        if not isinstance(node, ast.Call):
            raise _Unknown(to_source(node))
        name, args = _call_name(node), node.args
        if name in AXIS_REDUCTIONS or (name in WHOLE_REDUCTIONS and _is_np(node)):
            source, axis, keep = _reduction_arguments(node)
            shape = self.shape(source)
            if axis is None:
                return (ONE,) * len(shape) if keep else ()
            axis %= len(shape)
            return tuple(ONE if k == axis else d for k, d in enumerate(shape) if keep or k != axis)
        if node.keywords:
            raise _Unknown(to_source(node))
        if name in ("unreduce", "unbroadcast"):
            return self.shape(args[1])
        if name == "size":
            return ()
        if name in SAME_SHAPE:
            return self.shape(args[0])
        if name in PRODUCTS:
            return self._product_shape(node)
        if name == "extremum_share" or (_is_np(node) and name in ELEMENTWISE_FUNCTIONS |
                                        BINARY_FUNCTIONS):
            return self.dims.broadcast([self.shape(a) for a in args if not _is_flag(a)])
        raise _Unknown(to_source(node))

    def _product_shape(self, node: ast.Call) -> tuple:
        name = _call_name(node)
        shapes = [self.shape(a) for a in node.args]
        if name.startswith("matmul_adjoint"):
            return shapes[1] if name.endswith("_a") else shapes[2]
        a, b = shapes
        if len(a) != 2 or len(b) != 2:
            raise _Unknown(to_source(node))
        self.dims.same(a[1], b[0])
        return (a[0], b[1])

    def _sizes(self, shape: tuple) -> list[str]:
        return [self.dims.find(d) for d in shape]

    # -- elements -------------------------------------------------------------------------------

    def _element(self, node: ast.expr, indices: list[str], setup: list[str]) -> str:
        """`node`'s element at `indices` (a nest over the result's shape); numbers and values
        of rank 0 are computed once, before the nest, into `setup`."""
        if not self.shape(node):
            if self._computing(node):
                raise _NotFusable(to_source(node))
            if isinstance(node, ast.Name):
                return node.id
            if isinstance(node, ast.Constant):
                return self._number(node.value)
            scalar = self.fresh("_s")
            node = _Simplify(self).visit(copy.deepcopy(node))
            self._read_globals(node)
            text = to_source(node)
            setup.append(f"{scalar} = {text}" if self.dtype == "float64" else
                         f"{scalar} = np.{self.dtype}({text})")
            return scalar
        if isinstance(node, ast.Name):
            shape = self.shapes[node.id]
            return self._read(self._current(node.id, shape, indices), shape, indices)
        if isinstance(node, ast.BinOp):
            left = self._element(node.left, indices, setup)
            right = self._element(node.right, indices, setup)
            return f"({left} {SYMBOLS[type(node.op)]} {right})"
        if isinstance(node, ast.UnaryOp):
            operand = self._element(node.operand, indices, setup)
            return f"(-{operand})" if isinstance(node.op, ast.USub) else operand
        name = _call_name(node)
        if name == "unreduce":
            return self._unreduced(node, indices, setup)
        elementwise = _is_np(node) and name in ELEMENTWISE_FUNCTIONS | BINARY_FUNCTIONS
        if name != "extremum_share" and not elementwise:
            raise _Unknown(to_source(node))
        args = [self._element(a, indices, setup) for a in node.args if not _is_flag(a)]
        if name == "extremum_share":
            self.shares = True
            return f"extremum_share_scalar({', '.join(args)}, {to_source(node.args[3])})"
        return f"np.{name}({', '.join(args)})"

    def _number(self, value) -> str:
        return repr(value) if self.dtype == "float64" else f"np.{self.dtype}({value!r})"

    def _read(self, name: str, shape: tuple, indices: list[str]) -> str:
        """`name`'s element in a nest over `indices`: trailing dimensions aligned, those of
        size 1 read at 0."""
        first = len(indices) - len(shape)
        at = ["0" if dim == ONE else indices[first + k] for k, dim in enumerate(shape)]
        return f"{name}[{', '.join(at)}]"

    def _unreduced(self, node: ast.Call, indices: list[str], setup: list[str]) -> str:
        """`unreduce(g, like, axis, keepdims)`: g repeated to like's shape."""
        g, like, axis, keep = node.args
        axis, keep = _constant(axis), _constant(keep)
        g_shape, like_shape = self.shape(g), self.shape(like)
        if not g_shape:
            return self._element(g, indices, setup)
        if not isinstance(g, ast.Name):
            raise _Unknown(to_source(node))
        if self._computing(g) and (axis is not None or g_shape != like_shape):
            raise _NotFusable(g.id)
        if axis is not None and not keep:  # g lacks the reduced axis: read as if it had it
            axis %= len(like_shape)
            g_shape = g_shape[:axis] + (ONE,) + g_shape[axis:]
            first = len(indices) - len(like_shape)
            at = [indices[first + k] for k, dim in enumerate(g_shape) if k != axis]
            return f"{g.id}[{', '.join(at)}]"
        if len(g_shape) != len(like_shape):
            raise _Unknown(to_source(node))
        return self._read(self._current(g.id, g_shape, indices), g_shape, indices)

    # -- statements of their own form -----------------------------------------------------------

    def _product(self, target: str, node: ast.Call, label: str) -> bool:
        """A product of matrices (or its adjoints) of the one dtype: numba's np.dot, into an
        array allocated here (numba compiles np.dot with an output array in half the time:
        without one, it compiles both versions)."""
        name = _call_name(node)
        if not all(isinstance(a, ast.Name) and len(self.shape(a)) == 2 for a in node.args):
            return False
        names = [a.id for a in node.args]
        if name == "matmul_adjoint_a":  # g @ b.T
            operands = [(names[0], False), (names[2], True)]
        elif name == "matmul_adjoint_b":  # a.T @ g
            operands = [(names[1], True), (names[0], False)]
        else:
            operands = [(names[0], False), (names[1], False)]
        (a, a_t), (b, b_t) = operands
        m, k = self._sizes(self.shapes[a][::-1] if a_t else self.shapes[a])
        n = self._sizes(self.shapes[b][::-1] if b_t else self.shapes[b])[1]
        if ONE in (m, k, n):  # an outer or matrix-vector product: a loop beats a BLAS call
            self._small_product(target, node, label, operands, (m, k, n))
            return True
        operands = ", ".join(f"{x}.T" if t else x for x, t in operands)
        sizes = ", ".join(self._sizes(self.shape(node)))
        self._place([f"{target} = np.empty(({sizes}), np.{self.dtype})  {label}".rstrip(),
                     f"np.dot({operands}, {target})"],
                    ast.Assign([ast.Name(target, ast.Store())], node))
        self.rewritten += 1
        return True

    def _small_product(self, target: str, node: ast.Call, label: str, operands,
                       sizes: tuple) -> None:
        """A product with a dimension of 1 as a loop nest over (rows, inner, columns)."""
        (a, a_t), (b, b_t) = operands

        def build(indices):
            if self.nest is not None and {a, b} & set(self.nest.outputs):
                raise _NotFusable(f"{a}, {b}")
            row, inner, column = [("0" if size == ONE else index)
                                  for size, index in zip(sizes, indices)]
            left = f"{a}[{inner}, {row}]" if a_t else f"{a}[{row}, {inner}]"
            right = f"{b}[{column}, {inner}]" if b_t else f"{b}[{inner}, {column}]"
            out = self.fresh("_out")
            allocate = f"{out} = np.zeros(({sizes[0]}, {sizes[2]}), np.{self.dtype})"
            return ([allocate], [f"{out}[{row}, {column}] += {left} * {right}"],
                    [f"{target} = {out}"], out, True)

        self._fused(target, node, label, list(sizes), build)

    def _unbroadcast(self, target: str, node: ast.Call, label: str) -> bool:
        value, like = node.args
        shape, like_shape = self.shape(value), self.shape(like)
        if not like_shape or len(shape) < len(like_shape):
            return False
        if self._sizes(shape) == self._sizes(like_shape):  # nothing to sum: the adjoint itself
            if isinstance(value, ast.Name):
                if not self._alias(target, value, label):
                    self._place([f"{target} = {value.id}  {label}".rstrip()], ast.Assign(
                        [ast.Name(target, ast.Store())], value))
                self.rewritten += 1
                return True
            return self._loops(target, value, label)
        first = len(shape) - len(like_shape)
        if any(dim != ONE and self.dims.find(shape[first + k]) == ONE
               for k, dim in enumerate(like_shape)):
            return False  # `like` larger than the adjoint along a dimension: not a sum
        def build(indices):
            setup: list[str] = []
            element = self._element(value, indices, setup)
            out = self.fresh("_out")
            allocate = (f"{out} = np.zeros(({', '.join(self._sizes(like_shape))},), "
                        f"np.{self.dtype})")
            into = self._read(out, like_shape, indices)
            return setup + [allocate], [f"{into} += {element}"], [f"{target} = {out}"], out, True

        self._fused(target, node, label, self._sizes(shape), build)
        return True

    def _reduction(self, target: str, node: ast.Call, label: str) -> bool:
        kind = AXIS_REDUCTIONS.get(_call_name(node), _call_name(node))
        source, axis, keep = _reduction_arguments(node)
        shape = self.shape(source)
        if not shape or (axis is None and (keep or kind not in ("sum", "mean"))):
            return False
        x, rank, sizes = source.id, len(shape), self._sizes(shape)
        if kind in ("max", "min"):
            self._extremum(target, node, label, kind, x, axis % rank, keep, sizes)
            return True

        def build(indices):
            element = self._read(self._current(x, shape, indices), shape, indices)
            if axis is None:  # a sum of everything, into a number
                total = self.fresh("_total")
                count = f"{x}.size" if self.dtype == "float64" else f"np.{self.dtype}({x}.size)"
                result = f"{total} / {count}" if kind == "mean" else total
                return ([f"{total} = {self._number(0.0)}"], [f"{total} += {element}"],
                        [f"{target} = {result}"], total, True)
            along = axis % rank
            out = self.fresh("_out")
            at = [("0" if k == along else indices[k]) for k in range(rank) if keep or k != along]
            out_sizes = [("1" if k == along else sizes[k]) for k in range(rank)
                         if keep or k != along]
            allocate = f"{out} = np.zeros(({', '.join(out_sizes)},), np.{self.dtype})"
            result = f"{out} / {sizes[along]}" if kind == "mean" else out
            return ([allocate], [f"{out}[{', '.join(at)}] += {element}"],
                    [f"{target} = {result}"], out, True)

        self._fused(target, node, label, sizes, build)
        return True

    def _extremum(self, target: str, node: ast.Call, label: str, kind: str, x: str,
                  axis: int, keep: bool, sizes: list[str]) -> None:
        """np.max or np.min along an axis: a nest of its own (the loop along the axis starts
        at the first element)."""
        rank = len(sizes)
        indices = [self.fresh("_i") for _ in range(rank)]
        kept = [k for k in range(rank) if k != axis]
        out, best = self.fresh("_out"), self.fresh("_best")
        at = [("0" if k == axis else indices[k]) for k in range(rank) if keep or k != axis]
        out_sizes = [("1" if k == axis else sizes[k]) for k in range(rank) if keep or k != axis]
        element = f"{x}[{', '.join(indices)}]"
        start = f"{x}[{', '.join('0' if k == axis else indices[k] for k in range(rank))}]"
        body = [f"{best} = {start}",
                f"for {indices[axis]} in range(1, {sizes[axis]}):",
                f"    if {element} != {element} or ({best} == {best} and "  # NaN wins
                f"{element} {'>' if kind == 'max' else '<'} {best}):",
                f"        {best} = {element}",
                f"{out}[{', '.join(at) or '0'}] = {best}"]
        comment = f"# {target} = {to_source(node)}" + (f"  {label}" if label else "")
        self._place([comment, f"{out} = np.empty(({', '.join(out_sizes) or '1'},), "
                     f"np.{self.dtype})"] + _nest([indices[k] for k in kept],
                                                  [sizes[k] for k in kept], body)
                    + [f"{target} = {out}" + ("" if out_sizes else "[0]")],
                    ast.Assign([ast.Name(target, ast.Store())], node))
        self.rewritten += 1


class _Simplify(ast.NodeTransformer):
    """Helper calls that are the identity (or a copy, or an attribute) for arrays of the one
    float dtype, written as such: numba then compiles no helper for them."""

    def __init__(self, writer: _Writer):
        self.writer = writer

    def _array(self, node: ast.expr) -> bool:
        try:
            return len(self.writer.shape(node)) > 0
        except _Unknown:
            return False

    def visit_Expr(self, node: ast.Expr):
        call = node.value
        if isinstance(call, ast.Call) and _call_name(call) == "require_float" and self._array(
                call.args[0]):
            return None  # the arguments' dtype is the float dtype of the pattern
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        name = _call_name(node)
        if name in ("stop_gradient", "cast_like") and all(self._array(a) for a in node.args):
            return self.visit(node.args[0])
        if name == "own" and self._array(node.args[0]):
            return ast.Call(ast.Attribute(self.visit(node.args[0]), "copy", ast.Load()), [], [])
        if name == "size" and self._array(node.args[0]):
            return ast.Attribute(self.visit(node.args[0]), "size", ast.Load())
        if name == "size" and self._number(node.args[0]):
            return ast.Constant(1)
        if name == "output_seed" and self._number(node.args[0]):  # the value's own dtype
            return ast.parse(f"np.{self.writer.dtype}(1.0)", mode="eval").body
        return self.generic_visit(node)

    def _number(self, node: ast.expr) -> bool:
        try:
            return self.writer.shape(node) == ()
        except _Unknown:
            return False


def _nest(indices: list[str], sizes: list[str], body: list[str]) -> list[str]:
    lines = ["    " * depth + f"for {index} in range({size}):"
             for depth, (index, size) in enumerate(zip(indices, sizes))]
    return lines + ["    " * len(indices) + line for line in body]


def _reduction_arguments(node: ast.Call):
    values = {"axis": None, "keepdims": False}
    for name, argument in zip(("axis", "keepdims"), node.args[1:]):
        values[name] = _constant(argument)
    for keyword in node.keywords:
        if keyword.arg not in values:
            raise _Unknown(to_source(node))
        values[keyword.arg] = _constant(keyword.value)
    if not isinstance(node.args[0], ast.Name):
        raise _Unknown(to_source(node))
    return node.args[0], values["axis"], bool(values["keepdims"])


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _is_np(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and isinstance(
        node.func.value, ast.Name) and node.func.value.id == "np"


def _is_flag(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def _constant(node: ast.expr):
    if isinstance(node, ast.Constant) and (node.value is None or type(node.value) in (int, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(
            node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    raise _Unknown(to_source(node))
