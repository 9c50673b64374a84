"""Element expressions: a value of a generated gradient's statement read element by element
inside a loop nest of the specialized gradient."""

from __future__ import annotations

import ast
import copy

from ..emit import to_source
from .code import call, element, in_dtype, load, number
from .dimensions import ONE
from .simplify import Simplify
from .sizes import Size
from .syntax import Unknown, basic_index, constant, is_flag, is_transpose, names_in


class Elements:
    """Writes the element of an expression at a nest's indices. It reads the writer's shapes
    (`infer`, `shapes`), which names hold comparisons (`booleans`) or transposes
    (`transposed`), and asks it for fresh names, for the array holding a value the open nest
    computes and to refuse a value the nest computes read otherwise (its schedule's `current`
    and `not_computing`), and to import the generic module's names an element reads
    (`read_globals`)."""

    def __init__(self, writer):
        self.writer = writer
        self.infer, self.dtype = writer.infer, writer.dtype

    def element(self, node: ast.expr, indices: list[str], setup: list[ast.stmt],
                condition: bool = False) -> ast.expr:
        """`node`'s element at `indices` (a nest over the result's shape); numbers and values
        of rank 0 are computed once, before the nest, into `setup`. A comparison's array is
        read only as a `condition` (NumPy's arithmetic on booleans is not numba's)."""
        writer = self.writer
        if isinstance(node, ast.Name) and node.id in writer.booleans and not condition:
            raise Unknown(node.id)
        if not self.infer.shape(node):
            writer.schedule.not_computing(*names_in(node))
            if isinstance(node, ast.Name):
                return load(node.id)
            if isinstance(node, ast.Constant):
                return number(node.value, self.dtype)
            scalar = writer.fresh("_s")
            node = Simplify(self.infer, self.dtype, set()).visit(copy.deepcopy(node))
            writer.read_globals(node)
            setup.append(ast.Assign([ast.Name(scalar, ast.Store())], in_dtype(node, self.dtype),
                                    lineno=0))
            return load(scalar)
        if isinstance(node, ast.Name):
            shape = writer.shapes[node.id]
            return self.read(writer.schedule.current(node.id, shape, indices), shape, indices)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (
                basic_index(node, self.infer.integers) is not None):
            return self.indexed(node, indices)
        if is_transpose(node):  # x.T: x read at the indices reversed
            writer.schedule.not_computing(node.value.id)
            return self.read(node.value.id, self.infer.shape(node), indices, flip=True)
        if isinstance(node, ast.BinOp):
            return ast.BinOp(self.element(node.left, indices, setup), copy.copy(node.op),
                             self.element(node.right, indices, setup))
        if isinstance(node, ast.UnaryOp):
            operand = self.element(node.operand, indices, setup)
            return ast.UnaryOp(ast.USub(), operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare):
            return ast.Compare(self.element(node.left, indices, setup), [copy.copy(node.ops[0])],
                               [self.element(node.comparators[0], indices, setup)])
        if not isinstance(node, ast.Call) or node.keywords or not self.infer.has_elements(node):
            raise Unknown(to_source(node))
        form = self.infer.facts(node).loop
        if form == "unreduce":
            return self.unreduced(node, indices, setup)
        if form == "unbroadcast":
            sizes = [self.infer.sizes(self.infer.shape(a)) for a in node.args]
            if sizes[0] != sizes[1]:
                raise Unknown(to_source(node))
            return self.element(node.args[0], indices, setup)  # nothing to sum: itself
        if form == "copy":
            return self.element(node.args[0], indices, setup)
        if form == "select":
            condition = self.element(node.args[0], indices, setup, condition=True)
            first, second = (self.element(a, indices, setup) for a in node.args[1:])
            return ast.IfExp(condition, first, second)
        args = [self.element(a, indices, setup) for a in node.args if not is_flag(a)]
        if form == "share":
            writer.shares = True
            return call("extremum_share_scalar", *args, copy.deepcopy(node.args[3]))
        writer.read_globals(node.func)
        return ast.Call(copy.deepcopy(node.func), args, [])  # a ufunc, on numbers

    def read(self, name: str, shape: tuple, indices: list[str], flip: bool = False) -> ast.expr:
        """The element of `name` (of `shape`; of shape reversed if `flip`: its transpose is
        read) in a nest over `indices`: trailing dimensions aligned, those of size 1 read at
        0."""
        first = len(indices) - len(shape)
        at = [ast.Constant(0) if dim == ONE else load(indices[first + k])
              for k, dim in enumerate(shape)]
        if name in self.writer.transposed:
            name, flip = self.writer.transposed[name], not flip
        return element(name, at[::-1] if flip else at)

    def indexed(self, node: ast.Subscript, indices: list[str], stored: bool = False) -> ast.expr:
        """The element of `x[1:, None, 0]` in a nest over `indices`: x's own element, its
        index shifted by where each slice starts; the element a store writes if `stored`."""
        name = node.value.id
        if name in self.writer.transposed or name in self.writer.booleans:
            raise Unknown(to_source(node))
        if not stored:  # read at other indices than the nest's
            self.writer.schedule.not_computing(name)
        shape = self.infer.shape(node)
        first = len(indices) - len(shape)
        at, dims, position = [], list(self.writer.shapes[name]), 0

        def result_index() -> ast.expr:
            dim = shape[position]
            return ast.Constant(0) if dim == ONE else load(indices[first + position])

        for part in basic_index(node, self.infer.integers) + [(None, None)] * len(dims):
            if part is None:  # a new axis: nothing of x
                position += 1
                continue
            if not dims:
                break
            dim = dims.pop(0)
            if isinstance(part, int):
                at.append(ast.Constant(part))
                continue
            if isinstance(part, ast.expr):  # an int the program computes
                at.append(copy.deepcopy(part))
                continue
            start, _ = self.infer.slice_bounds(dim, *part, node)
            index = result_index()
            at.append(ast.BinOp(index, ast.Add(), start.expression(self.writer.size))
                      if start != Size() else index)
            position += 1
        return element(name, at)

    def unreduced(self, node: ast.Call, indices: list[str], setup: list[ast.stmt]) -> ast.expr:
        """`unreduce(g, like, axis, keepdims)`: g repeated to like's shape."""
        g, like, axis, keep = node.args
        axis, keep = constant(axis), constant(keep)
        g_shape, like_shape = self.infer.shape(g), self.infer.shape(like)
        if not g_shape:
            return self.element(g, indices, setup)
        if not isinstance(g, ast.Name):
            raise Unknown(to_source(node))
        if axis is not None or g_shape != like_shape:
            self.writer.schedule.not_computing(g.id)
        if axis is not None and not keep:  # g lacks the reduced axis: read as if it had it
            axis %= len(like_shape)
            g_shape = g_shape[:axis] + (ONE,) + g_shape[axis:]
            first = len(indices) - len(like_shape)
            return element(g.id, [load(indices[first + k]) for k in range(len(g_shape))
                                  if k != axis])
        if len(g_shape) != len(like_shape):
            raise Unknown(to_source(node))
        return self.read(self.writer.schedule.current(g.id, g_shape, indices), g_shape, indices)
