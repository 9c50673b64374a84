"""The writer of a specialized gradient's body: statement by statement, loop nests for
what astgrad/specialize/__init__.py lists, the rest kept (simplified where the dtype
allows)."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from ..emit import to_source
from ..names import Names
from ..parse import assigned_names
from .dimensions import ONE, Dimensions
from .inference import Shapes
from .nests import (
    Nest,
    NotFusable,
    assignment,
    comment,
    is_view,
    nest_lines,
    reduced_places,
)
from .simplify import Simplify
from .syntax import (
    COMPARISONS,
    PRODUCTS,
    REDUCTIONS,
    SYMBOLS,
    Unknown,
    constant,
    is_flag,
    is_transpose,
    names_in,
    reduction_arguments,
)


@dataclass
class Writer:
    """Takes the generic gradient's statements one by one (`statement`) and collects the
    specialized function's body in `lines` (after `flush`), following each name's symbolic
    shape."""

    dims: Dimensions
    dtype: str
    names: Names  # fresh names, clashing with none of the generic module's
    local: set[str]  # the function's parameters and assigned names, and the writer's own
    shapes: dict[str, tuple] = field(default_factory=dict)  # symbolic shapes of known names
    lines: list[str] = field(default_factory=list)
    globals: set[str] = field(default_factory=set)  # names kept statements read
    rewritten: int = 0
    shares: bool = False  # whether a loop calls extremum_share_scalar
    nest: Nest | None = None  # the open loop nest
    booleans: set[str] = field(default_factory=set)  # names of comparisons' arrays
    allocated: dict[str, str] = field(default_factory=dict)  # name -> the array it is bound
    # to, if this function allocated it (its first name)
    transposed: dict[str, str] = field(default_factory=dict)  # name of `a.T` -> a, a matrix:
    # loops read a itself, in its memory order
    transposed_later: set[str] = field(default_factory=set)  # names some statement transposes
    # (`x = name.T`) and none returns: a matrix product into one is computed transposed
    later: set[str] = field(default_factory=set)  # names the statement at hand and those after
    # it read (set by the caller before each statement)
    namespace: dict = field(default_factory=dict)  # the generic module's globals

    def __post_init__(self):
        self.infer = Shapes(self.dims, self.shapes, self.namespace, self.local)

    def fresh(self, stem: str) -> str:
        name = self.names.numbered(stem)
        self.local.add(name)
        return name

    # -- statements ---------------------------------------------------------------------------

    def statement(self, node: ast.stmt, label: str) -> None:
        for name in assigned_names(node):
            self.transposed = {view: a for view, a in self.transposed.items()
                               if name not in (view, a)}
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
            if is_transpose(value) and value.value.id in self.transposed:  # (a.T).T is a
                value = ast.Name(self.transposed[value.value.id], ast.Load())
                node = assignment(target, value)
            elif is_transpose(value) and len(self.shapes.get(value.value.id, ())) == 2:
                self.transposed[target] = value.value.id
            self.allocated.pop(target, None)
            self.booleans.discard(target)
            if isinstance(value, ast.Compare) or (isinstance(value, ast.Name) and
                                                   value.id in self.booleans):
                self.booleans.add(target)
            if isinstance(value, ast.Name):
                self._same_array(target, value.id)
            if self._alias(target, value, label):
                return
            try:
                shape = self.infer.shape(value)
            except Unknown:
                self.shapes.pop(target, None)
                self._keep(node, label)
                return
            try:
                written = self._loops(target, value, label)
            except Unknown:
                written = False
            if not written:
                self._keep(node, label)
            self.shapes[target] = shape
            return
        self._keep(node, label)

    def _keep(self, node: ast.stmt, label: str) -> None:
        node = Simplify(self.infer, self.dtype, self._unshared(node)).visit(copy.deepcopy(node))
        if node is None:
            return
        self._read_globals(node)
        first, *rest = to_source(node).splitlines()
        self._place([f"{first}  {label}" if label else first, *rest], node)

    def _unshared(self, node: ast.stmt) -> set[str]:
        """The names a return statement returns that are the only ones it returns of an
        array this function allocated: returned as they are, they share memory with nothing
        else the caller gets."""
        if not isinstance(node, ast.Return):
            return set()
        returned = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        arrays = [self.allocated[name] for name in returned if name in self.allocated]
        return {name for name in returned
                if name in self.allocated and arrays.count(self.allocated[name]) == 1}

    def _place(self, lines: list[str], node: ast.AST) -> None:
        """Emit a statement that is not part of a loop nest: before the open nest if it
        neither reads what the nest computes nor writes what it reads, else after it."""
        nest = self.nest
        names, written = names_in(node), assigned_names(node)
        if nest is not None and written & nest.reads:
            self.flush()
        elif nest is not None and names & set(nest.outputs):
            if not is_view(node):
                self.flush()
            else:  # after the nest, which stays open to later statements that do not read it
                nest.after += lines
                nest.read_after |= names - written
                nest.reads |= names - set(nest.outputs) - written
                nest.outputs.update((name, (name, True, None)) for name in written)
                return
        self.lines += lines

    def flush(self) -> None:
        """Emit the open loop nest; an array it fills element by element that nothing after
        it reads (`later`, and the statements waiting after it) becomes a number."""
        nest = self.nest
        if nest is not None:
            live = {array for name, (array, _, _) in nest.outputs.items()
                    if name in self.later | nest.read_after}
            for array, dtype in nest.elementwise.items():
                if array not in live:
                    nest.as_number(array, dtype)
            self.lines += nest.lines()
            self.nest = None

    def _same_array(self, target: str, name: str) -> None:
        """`target` now names the array `name` does."""
        if name in self.allocated:
            self.allocated[target] = self.allocated[name]

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
        heading = comment(target, value, label)
        nest = self.nest
        if nest is not None and nest.sizes == tuple(sizes):
            try:
                self._join(target, value, heading, build(nest.indices))
                return
            except NotFusable:
                pass
        self.flush()
        indices = [self.fresh("_i") for _ in sizes]
        parts = build(indices)  # before the nest opens: it may raise Unknown
        self.nest = Nest(tuple(sizes), indices)
        self._join(target, value, heading, parts)

    def _join(self, target: str, value: ast.expr, heading: str, parts) -> None:
        before, body, after, array, accumulated = parts
        nest = self.nest
        nest.comments.append(heading)
        nest.before += before
        nest.body += body
        nest.after += after
        nest.reads |= names_in(value) - set(nest.outputs)
        shape = self.infer.shape(value)
        nest.outputs[target] = (array, accumulated, shape)
        if shape:
            self.allocated[target] = array
        if shape and not accumulated:
            nest.elementwise[array] = "bool_" if target in self.booleans else self.dtype
        self.rewritten += 1

    def _current(self, name: str, shape: tuple, indices: list[str]) -> str:
        """The array holding `name`'s value inside the open nest: the one the nest writes if
        it computes it, which may only be read at the nest's own indices."""
        nest = self.nest
        if nest is None or name not in nest.outputs or indices != nest.indices:
            return name
        array, accumulated, _ = nest.outputs[name]
        if accumulated or tuple(self.infer.sizes(shape)) != nest.sizes:
            raise NotFusable(name)
        return array

    def _read_globals(self, node: ast.AST) -> None:
        """Note the generic module's names `node` reads, which the specialized module imports
        from it (not the builtins it reads, `slice(1, None)` in an index)."""
        self.globals |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                         and n.id in self.namespace} - self.local

    def _loops(self, target: str, value: ast.expr, label: str) -> bool:
        """Write `target = value` as loops (or np.dot), if of a form the docstring lists."""
        form = self.infer.facts(value).loop
        if form in PRODUCTS:
            return self._product(target, value, label)
        if form == "unbroadcast":
            return self._unbroadcast(target, value, label)
        if form in REDUCTIONS:
            return self._reduction(target, value, label)
        if isinstance(value, (ast.Name, ast.Constant, ast.Attribute)) or (
                isinstance(value, ast.Call) and not self.infer.has_elements(value)):
            return False
        shape = self.infer.shape(value)
        if not shape:
            return False
        sizes = self.infer.sizes(shape)
        dtype = "bool_" if isinstance(value, ast.Compare) else self.dtype

        def build(indices):
            setup: list[str] = []
            element = self._element(value, indices, setup)
            out = self.fresh("_out")
            allocate = f"{out} = np.empty(({', '.join(sizes)},), np.{dtype})"
            return (setup + [allocate], [f"{out}[{', '.join(indices)}] = {element}"],
                    [f"{target} = {out}"], out, False)

        self._fused(target, value, label, sizes, build)
        return True

    # -- elements -------------------------------------------------------------------------------

    def _element(self, node: ast.expr, indices: list[str], setup: list[str],
                 condition: bool = False) -> str:
        """`node`'s element at `indices` (a nest over the result's shape); numbers and values
        of rank 0 are computed once, before the nest, into `setup`. A comparison's array is
        read only as a `condition` (NumPy's arithmetic on booleans is not numba's)."""
        if isinstance(node, ast.Name) and node.id in self.booleans and not condition:
            raise Unknown(node.id)
        if not self.infer.shape(node):
            self._not_computing(*names_in(node))
            if isinstance(node, ast.Name):
                return node.id
            if isinstance(node, ast.Constant):
                return self._number(node.value)
            scalar = self.fresh("_s")
            node = Simplify(self.infer, self.dtype, set()).visit(copy.deepcopy(node))
            self._read_globals(node)
            text = to_source(node)
            setup.append(f"{scalar} = {text}" if self.dtype == "float64" else
                         f"{scalar} = np.{self.dtype}({text})")
            return scalar
        if isinstance(node, ast.Name):
            shape = self.shapes[node.id]
            return self._read(self._current(node.id, shape, indices), shape, indices)
        if is_transpose(node):  # x.T: x read at the indices reversed
            self._not_computing(node.value.id)
            return self._read(node.value.id, self.infer.shape(node), indices, flip=True)
        if isinstance(node, ast.BinOp):
            left = self._element(node.left, indices, setup)
            right = self._element(node.right, indices, setup)
            return f"({left} {SYMBOLS[type(node.op)]} {right})"
        if isinstance(node, ast.UnaryOp):
            operand = self._element(node.operand, indices, setup)
            return f"(-{operand})" if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare):
            left = self._element(node.left, indices, setup)
            right = self._element(node.comparators[0], indices, setup)
            return f"({left} {COMPARISONS[type(node.ops[0])]} {right})"
        if not isinstance(node, ast.Call) or node.keywords or not self.infer.has_elements(node):
            raise Unknown(to_source(node))
        form = self.infer.facts(node).loop
        if form == "unreduce":
            return self._unreduced(node, indices, setup)
        if form == "unbroadcast":
            sizes = [self.infer.sizes(self.infer.shape(a)) for a in node.args]
            if sizes[0] != sizes[1]:
                raise Unknown(to_source(node))
            return self._element(node.args[0], indices, setup)  # nothing to sum: itself
        if form == "select":
            condition = self._element(node.args[0], indices, setup, condition=True)
            first, second = (self._element(a, indices, setup) for a in node.args[1:])
            return f"({first} if {condition} else {second})"
        args = [self._element(a, indices, setup) for a in node.args if not is_flag(a)]
        if form == "share":
            self.shares = True
            return f"extremum_share_scalar({', '.join(args)}, {to_source(node.args[3])})"
        self._read_globals(node.func)
        return f"{to_source(node.func)}({', '.join(args)})"  # a ufunc, on numbers

    def _number(self, value) -> str:
        return repr(value) if self.dtype == "float64" else f"np.{self.dtype}({value!r})"

    def _read(self, name: str, shape: tuple, indices: list[str], flip: bool = False) -> str:
        """The element of `name` (of `shape`; of shape reversed if `flip`: its transpose is
        read) in a nest over `indices`: trailing dimensions aligned, those of size 1 read at
        0."""
        first = len(indices) - len(shape)
        at = ["0" if dim == ONE else indices[first + k] for k, dim in enumerate(shape)]
        if name in self.transposed:
            name, flip = self.transposed[name], not flip
        return f"{name}[{', '.join(reversed(at) if flip else at)}]"

    def _unreduced(self, node: ast.Call, indices: list[str], setup: list[str]) -> str:
        """`unreduce(g, like, axis, keepdims)`: g repeated to like's shape."""
        g, like, axis, keep = node.args
        axis, keep = constant(axis), constant(keep)
        g_shape, like_shape = self.infer.shape(g), self.infer.shape(like)
        if not g_shape:
            return self._element(g, indices, setup)
        if not isinstance(g, ast.Name):
            raise Unknown(to_source(node))
        if axis is not None or g_shape != like_shape:
            self._not_computing(g.id)
        if axis is not None and not keep:  # g lacks the reduced axis: read as if it had it
            axis %= len(like_shape)
            g_shape = g_shape[:axis] + (ONE,) + g_shape[axis:]
            first = len(indices) - len(like_shape)
            at = [indices[first + k] for k, dim in enumerate(g_shape) if k != axis]
            return f"{g.id}[{', '.join(at)}]"
        if len(g_shape) != len(like_shape):
            raise Unknown(to_source(node))
        return self._read(self._current(g.id, g_shape, indices), g_shape, indices)

    # -- statements of their own form -----------------------------------------------------------

    def _product(self, target: str, node: ast.Call, label: str) -> bool:
        """A product of matrices (or its adjoints) of the one dtype: numba's np.dot, into an
        array allocated here (numba compiles np.dot with an output array in half the time:
        without one, it compiles both versions)."""
        form = self.infer.facts(node).loop
        if not all(isinstance(a, ast.Name) and len(self.infer.shape(a)) == 2 for a in node.args):
            return False
        names = [a.id for a in node.args]
        if form == "product_adjoint_a":  # g @ b.T
            operands = [(names[0], False), (names[2], True)]
        elif form == "product_adjoint_b":  # a.T @ g
            operands = [(names[1], True), (names[0], False)]
        else:
            operands = [(names[0], False), (names[1], False)]
        operands = [(self.transposed[x], not t) if x in self.transposed else (x, t)
                    for x, t in operands]
        (a, a_t), (b, b_t) = operands
        m, k = self.infer.sizes(self.shapes[a][::-1] if a_t else self.shapes[a])
        n = self.infer.sizes(self.shapes[b][::-1] if b_t else self.shapes[b])[1]
        if ONE in (m, k, n):  # an outer or matrix-vector product: a loop beats a BLAS call
            self._small_product(target, node, label, operands, (m, k, n))
            return True
        shape, array = self.infer.shape(node), target
        lines = []
        if target in self.transposed_later:  # (a @ b).T = b.T @ a.T, into an array of its own
            array, shape = self.fresh(f"{target}_T"), shape[::-1]
            operands = [(b, not b_t), (a, not a_t)]
            lines.append(f"{target} = {array}.T")
            self.transposed[target], self.shapes[array] = array, shape
        operands = ", ".join(f"{x}.T" if t else x for x, t in operands)
        sizes = ", ".join(self.infer.sizes(shape))
        self._place([f"{array} = np.empty(({sizes}), np.{self.dtype})  {label}".rstrip(),
                     f"np.dot({operands}, {array})", *lines], assignment(target, node))
        self.allocated[target] = self.allocated[array] = array
        self.rewritten += 1
        return True

    def _small_product(self, target: str, node: ast.Call, label: str, operands,
                       sizes: tuple) -> None:
        """A product with a dimension of 1, as loops. An outer product (inner size 1) is
        elementwise. Otherwise one operand is a vector and the sum runs along the other, the
        matrix: into a number per result element when the summed axis is the matrix's last
        (the loop reads it in memory order), else into the result, over the matrix in memory
        order (a nest the matrix's other statements can share)."""
        (a, a_t), (b, b_t) = operands
        m, k, n = sizes

        def terms(row, inner, column, arrays=(a, b)):
            """The operands' elements and the result's place for these indices."""
            row, inner, column = (("0" if size == ONE else index) for size, index in
                                  zip(sizes, (row, inner, column)))
            left = f"{arrays[0]}[{inner}, {row}]" if a_t else f"{arrays[0]}[{row}, {inner}]"
            right = f"{arrays[1]}[{column}, {inner}]" if b_t else f"{arrays[1]}[{inner}, {column}]"
            return left, right, f"{row}, {column}"

        if k == ONE:
            def build(indices):
                self._not_computing(a, b)
                left, right, at = terms(indices[0], "0", indices[1])
                out = self.fresh("_out")
                return ([f"{out} = np.empty(({m}, {n}), np.{self.dtype})"],
                        [f"{out}[{at}] = {left} * {right}"], [f"{target} = {out}"], out, False)

            self._fused(target, node, label, [m, n], build)
            return
        vector_on_right = n == ONE  # (m, k) @ (k, 1); else (1, k) @ (k, n)
        free = m if vector_on_right else n
        if (not a_t) if vector_on_right else b_t:  # summed along the matrix's last axis
            out, total = self.fresh("_out"), self.fresh("_total")
            index, inner = self.fresh("_i"), self.fresh("_i")
            left, right, at = terms(*((index, inner, "0") if vector_on_right else
                                      ("0", inner, index)))
            body = [f"{total} = {self._number(0.0)}", f"for {inner} in range({k}):",
                    f"    {total} += {left} * {right}", f"{out}[{at}] = {total}"]
            allocate = f"{out} = np.empty(({m}, {n}), np.{self.dtype})"
            self._own_nest(target, node, label, allocate, nest_lines([index], [free], body), out)
            self.allocated[target] = out
            return

        def build(indices):  # over the matrix as it is stored, (inner, free)
            inner, index = indices
            if vector_on_right:
                self._not_computing(b)
                arrays = (self._current(a, self.shapes[a], indices), b)
                left, right, at = terms(index, inner, "0", arrays)
            else:
                self._not_computing(a)
                arrays = (a, self._current(b, self.shapes[b], indices))
                left, right, at = terms("0", inner, index, arrays)
            out = self.fresh("_out")
            return ([f"{out} = np.zeros(({m}, {n}), np.{self.dtype})"],
                    [f"{out}[{at}] += {left} * {right}"], [f"{target} = {out}"], out, True)

        self._fused(target, node, label, [k, free], build)

    def _not_computing(self, *names: str) -> None:
        """Raise NotFusable if the open nest computes one of `names`, which the statement
        reads other than element by element at the nest's own indices."""
        if self.nest is not None and set(names) & set(self.nest.outputs):
            raise NotFusable(", ".join(names))

    def _unbroadcast(self, target: str, node: ast.Call, label: str) -> bool:
        value, like = node.args
        shape, like_shape = self.infer.shape(value), self.infer.shape(like)
        if not like_shape or len(shape) < len(like_shape):
            return False
        if self.infer.sizes(shape) == self.infer.sizes(like_shape):  # nothing to sum: itself
            if isinstance(value, ast.Name):
                self.statement(assignment(target, value), label)  # an alias
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
            allocate = (f"{out} = np.zeros(({', '.join(self.infer.sizes(like_shape))},), "
                        f"np.{self.dtype})")
            into = self._read(out, like_shape, indices)
            return setup + [allocate], [f"{into} += {element}"], [f"{target} = {out}"], out, True

        self._fused(target, node, label, self.infer.sizes(shape), build)
        return True

    def _reduction(self, target: str, node: ast.Call, label: str) -> bool:
        kind = self.infer.facts(node).loop
        source, axis, keep = reduction_arguments(node)
        shape = self.infer.shape(source)
        if not shape or (axis is None and (keep or kind not in ("sum", "mean"))):
            return False
        x, rank, sizes = source.id, len(shape), self.infer.sizes(shape)
        if x in self.booleans:
            return False  # a count, of integers
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
            at, out_sizes = reduced_places(rank, along, keep, indices, sizes)
            allocate = f"{out} = np.zeros(({', '.join(out_sizes) or '1'},), np.{self.dtype})"
            result = out if out_sizes else f"{out}[0]"
            result = f"{result} / {sizes[along]}" if kind == "mean" else result
            return ([allocate], [f"{out}[{at}] += {element}"], [f"{target} = {result}"], out,
                    True)

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
        at, out_sizes = reduced_places(rank, axis, keep, indices, sizes)
        element = f"{x}[{', '.join(indices)}]"
        start = f"{x}[{', '.join('0' if k == axis else indices[k] for k in range(rank))}]"
        body = [f"{best} = {start}",
                f"for {indices[axis]} in range(1, {sizes[axis]}):",
                f"    if {element} != {element} or ({best} == {best} and "  # NaN wins
                f"{element} {'>' if kind == 'max' else '<'} {best}):",
                f"        {best} = {element}",
                f"{out}[{at}] = {best}"]
        allocate = f"{out} = np.empty(({', '.join(out_sizes) or '1'},), np.{self.dtype})"
        self._own_nest(target, node, label, allocate,
                       nest_lines([indices[k] for k in kept], [sizes[k] for k in kept], body),
                       out if out_sizes else f"{out}[0]")

    def _own_nest(self, target: str, node: ast.Call, label: str, allocate: str,
                  loops: list[str], result: str) -> None:
        """`target = node` as a loop nest no other statement shares: `allocate` its array,
        run `loops`, bind `target` to `result`."""
        self._place([comment(target, node, label), allocate, *loops, f"{target} = {result}"],
                    assignment(target, node))
        self.rewritten += 1
