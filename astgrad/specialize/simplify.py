"""Helper calls of a kept statement that are the identity (or a copy, or an attribute) for
arrays of the specialized gradient's one float dtype, or for numbers, written as such."""

from __future__ import annotations

import ast

from .. import runtime
from .code import call
from .inference import Shapes
from .syntax import Unknown


class Simplify(ast.NodeTransformer):
    """Helper calls that are the identity (or a copy, or an attribute) for arrays of the one
    float dtype, written as such: numba then compiles no helper for them. `own` of an
    `unshared` name needs no copy."""

    def __init__(self, shapes: Shapes, dtype: str, unshared: set[str]):
        self.shapes = shapes
        self.dtype = dtype
        self.unshared = unshared

    def _array(self, node: ast.expr) -> bool:
        try:
            return len(self.shapes.shape(node)) > 0
        except Unknown:
            return False

    def visit_Assign(self, node: ast.Assign):
        """A loop's carried adjoint cast back to its name's type at the end of a trip
        (`_dx = retyped(_dx, x)`): nothing, in float64, where no operation widens it."""
        value, target = node.value, node.targets[0]
        if self.shapes.callee(value) is runtime.retyped and self.dtype == "float64" and (
                isinstance(target, ast.Name) and isinstance(value.args[0], ast.Name)
                and value.args[0].id == target.id):
            return None
        return self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr):
        call = node.value
        if self.shapes.callee(call) is runtime.require_float and self._array(call.args[0]):
            return None  # the arguments' dtype is the float dtype of the pattern
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        helper = self.shapes.callee(node)
        if helper is runtime.stop_gradient and self._array(node.args[0]):
            return self.visit(node.args[0])  # (cast_like stays: as plain NumPy, a statement
            # kept as written may promote float32 to float64, which the gradient must undo)
        if helper is runtime.own and isinstance(node.args[0], ast.Name) and (
                node.args[0].id in self.unshared):
            return node.args[0]
        if helper is runtime.own and self._array(node.args[0]):
            return ast.Call(ast.Attribute(self.visit(node.args[0]), "copy", ast.Load()), [], [])
        if helper is runtime.own and self.shapes.is_number(node.args[0]):
            return self.visit(node.args[0])
        if helper is runtime.unbroadcast and all(map(self.shapes.is_number, node.args)):
            # a number's adjoint, to a number: itself
            return self.visit(node.args[0])
        if helper is runtime.size and self._array(node.args[0]):
            return ast.Attribute(self.visit(node.args[0]), "size", ast.Load())
        if helper is runtime.size and self.shapes.is_number(node.args[0]):
            return ast.Constant(1)
        if helper is runtime.output_seed and self.shapes.is_number(node.args[0]):  # its own dtype
            return call(f"np.{self.dtype}", ast.Constant(1.0))
        return self.generic_visit(node)
