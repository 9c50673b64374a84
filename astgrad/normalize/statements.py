"""Statements: assignments, stores into arrays, if, return, and the guards that make `break`,
`continue` and `return` skip the rest of a block.

A jump becomes a flag (`_break1 = True`); the statements after one that may have jumped are
wrapped in `if not flag:`. Every block therefore runs to its end, which is what the reverse
sweep needs: a loop body has one entry and one exit.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass

from .. import ir
from ..errors import NonScalarOutputError
from .expressions import ExpressionNormalizer, is_number


@dataclass
class LoopFlags:
    """The flags of the loop being normalized, made when a `break` or `continue` needs one."""

    breaks: str | None = None
    continues: str | None = None


class StatementNormalizer(ExpressionNormalizer):
    def __init__(self, *args, is_helper: bool, aux: bool = False):
        super().__init__(*args)
        self.is_helper = is_helper
        self.aux = aux  # the function returns (value, aux)
        self.loops: list[LoopFlags] = []
        self.result: str | None = None  # where a `return` that is not last leaves its value
        self.returned: str | None = None  # the flag such a return sets
        self.flag_names: set[str] = set()  # break and returned flags made so far

    # -- blocks and jumps ---------------------------------------------------------------------

    def block(self, statements: list[ast.stmt]) -> list:
        """The normalized statements; after one that may jump, the rest only if it did not."""
        outer, self.out = self.out, []
        try:
            for position, stmt in enumerate(statements):
                self.origin = self.parsed.origin(stmt)
                self.statement(stmt)
                if isinstance(stmt, ast.Break | ast.Continue | ast.Return) or self.jumped():
                    break  # nothing after an unconditional jump runs
                flags = self.jump_flags(stmt)
                rest = statements[position + 1:]
                if flags and rest:
                    guard = self.either(flags)
                    self.out.append(ir.If(guard, [], self.block(rest), self.origin))
                    break
            return self.out
        finally:
            self.out = outer

    def jumped(self) -> bool:
        """Did the statement just written certainly jump (`if 0.3 <= 2.0: return y`, decided
        here)? Then what follows it is left out, not guarded: numba would prune the guard's
        branch on the flag it knows and then fail on what that branch bound."""
        flags = self.flag_names | {loop.continues for loop in self.loops if loop.continues}
        return bool(self.out) and ir.raised(self.out[-1]) in flags

    def jump_flags(self, stmt: ast.stmt) -> list[str]:
        """The flags `stmt` may set that mean: skip the rest of this block."""
        flags = []
        if self.returned and _contains(stmt, ast.Return, into_loops=True) \
                and not _only_tail_returns(stmt):
            flags.append(self.returned)
        if self.loops and not isinstance(stmt, ast.For | ast.While):
            loop = self.loops[-1]
            if loop.breaks and _contains(stmt, ast.Break):
                flags.append(loop.breaks)
            if loop.continues and _contains(stmt, ast.Continue):
                flags.append(loop.continues)
        return flags

    def either(self, flags: list[str]) -> ir.Atom:
        guard: ir.Atom = ir.Name(flags[0])
        for flag in flags[1:]:
            guard = self.emit(ir.Call(operator.or_, (guard, ir.Name(flag))))
        return guard

    def set_flag(self, flag: str, value: bool = True) -> None:
        self.out.append(ir.Assign(flag, ir.Const(value), self.origin))

    def exit_flag(self, name: str | None, base: str) -> str:
        """A flag that is False whenever a trip starts (it ends the loops that check it)."""
        name = name or self.names.numbered(base)
        self.flag_names.add(name)
        return name

    def statement(self, node: ast.stmt) -> None:
        handler = getattr(self, f"stmt_{type(node).__name__}", None)
        if handler is None:
            self.fail(node, f"{type(node).__name__.lower()} statements are not supported")
        handler(node)

    def stmt_Pass(self, node: ast.Pass) -> None:
        pass

    def stmt_Break(self, node: ast.Break) -> None:
        loop = self.loops[-1]
        loop.breaks = self.exit_flag(loop.breaks, "_break")
        self.set_flag(loop.breaks)

    def stmt_Continue(self, node: ast.Continue) -> None:
        loop = self.loops[-1]
        loop.continues = loop.continues or self.names.numbered("_continue")
        self.set_flag(loop.continues)

    def stmt_Return(self, node: ast.Return) -> None:
        """The function's last return is a Return; any other keeps its value in `_result` and,
        unless nothing follows it anyway, raises a flag that skips what follows."""
        value = self.returned_value(node)
        if getattr(node, "astgrad_last", False) and self.result is None:
            self.out.append(ir.Return(value, self.origin))
            return
        if isinstance(value, tuple):
            self.fail(node, f"{self.parsed.name} returns a tuple, which it may do only in its "
                      "last statement", "assign the values to names and return them at the end")
        self.result = self.result or self.names.fresh("_result")
        self.out.append(ir.Assign(self.result, value, self.origin))
        if self.loops or not getattr(node, "astgrad_tail", False):
            self.returned = self.exit_flag(self.returned, "_returned")
            self.set_flag(self.returned)
        for loop in self.loops:
            loop.breaks = self.exit_flag(loop.breaks, "_break")
            self.set_flag(loop.breaks)

    def returned_value(self, node: ast.Return):
        """The atom (or, for a helper, the tuple of atoms) a return gives back."""
        name = self.parsed.name
        if node.value is None or (isinstance(node.value, ast.Constant)
                                  and node.value.value is None):
            raise NonScalarOutputError(f"{name} returns None; it must return a value",
                                       self.origin, "return the value to differentiate")
        pair = isinstance(node.value, ast.Tuple | ast.List) and len(node.value.elts) == 2
        if self.aux and not pair:
            raise NonScalarOutputError(
                f"with has_aux=True, {name} must return a pair (value, aux)",
                self.parsed.origin(node.value), "return value, aux")
        if isinstance(node.value, ast.Tuple | ast.List):
            if not (self.is_helper or self.aux):
                raise NonScalarOutputError(
                    f"{name} returns a tuple; astgrad differentiates functions that return one "
                    "scalar", self.parsed.origin(node.value),
                    "return a scalar such as a loss; differentiate each output separately, or "
                    "return (value, aux) with has_aux=True")
            return tuple(self.atom(element) for element in node.value.elts)
        return self.atom(node.value)

    # -- assignments ---------------------------------------------------------------------

    def stmt_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.assign_value(node.targets[0].id, node.value)
            return
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple | ast.List):
            if isinstance(node.value, ast.Tuple):
                self.unpack_display(node.targets[0], node.value)
                return
            if self.unpack_call(node.targets[0], node.value):
                return
        value = self.atom(node.value)
        for target in node.targets:
            self.assign_atom(target, value)

    def assign_value(self, target: str, node: ast.expr) -> None:
        self.refuse_function_target(target, node)
        value = self.expr(node) if isinstance(node, ast.Call) else None
        if value is not None:
            self.refuse_tuple(value, node)
            self.out.append(ir.Assign(target, value, self.origin, self.parsed.origin(node)))
        else:
            self.into(target, node)

    def refuse_function_target(self, target: str, node: ast.AST) -> None:
        if target in self.local_functions:
            self.fail(node, f"'{target}' is a function defined here; it cannot be reassigned")

    def unpack_call(self, targets: ast.Tuple | ast.List, node: ast.expr) -> bool:
        """`a, b = helper(...)` with a user function returning a tuple: one Unpack."""
        if not isinstance(node, ast.Call):
            return False
        value = self.expr(node)
        if not self.returns_tuple(value):
            item = value if isinstance(value, ir.Name | ir.Const) else self.emit(value, node)
            self.assign_atom(targets, item)
            return True
        names = []
        for element in targets.elts:
            if not isinstance(element, ast.Name):
                self.fail(element, "unpack a helper's results into plain names")
            self.refuse_function_target(element.id, element)
            names.append(element.id)
        arity = self.program.arity(value.primitive)
        if arity != len(names):
            self.fail(targets, f"{value.primitive.name} returns {arity} values, not {len(names)}")
        self.out.append(ir.Unpack(tuple(names), value, self.origin, self.parsed.origin(node)))
        return True

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.stmt_Assign(ast.Assign([node.target], node.value, lineno=node.lineno))

    def unpack_display(self, targets: ast.Tuple | ast.List, values: ast.Tuple) -> None:
        """`a, b = b, a`: every value is read before any target is written."""
        if len(targets.elts) != len(values.elts):
            self.fail(targets, f"cannot unpack {len(values.elts)} values into "
                               f"{len(targets.elts)} targets")
        written = {n.id for t in targets.elts for n in ast.walk(t) if isinstance(n, ast.Name)}
        atoms = []
        for value in values.elts:
            atom = self.atom(value)
            if isinstance(atom, ir.Name) and atom.id in written:
                atom = self.emit(ir.Name(atom.id))  # its old value, before it is overwritten
            atoms.append(atom)
        for target, atom in zip(targets.elts, atoms):
            self.assign_atom(target, atom)

    def assign_atom(self, target: ast.expr, value: ir.Atom) -> None:
        if isinstance(target, ast.Name):
            self.refuse_function_target(target.id, target)
            self.out.append(ir.Assign(target.id, value, self.origin))
        elif isinstance(target, ast.Tuple | ast.List):
            for position, element in enumerate(target.elts):
                index = ir.Index((ir.Const(position),))
                self.assign_atom(element, self.emit(ir.Call(operator.getitem, (value, index))))
        elif isinstance(target, ast.Subscript):
            array = target.value.id
            if array not in self.parsed.local_names:
                self.fail(target, f"'{array}' is not a local array of {self.parsed.name}",
                          f"a gradient cannot change outside arrays: copy it first ({array} = "
                          f"{array}.copy()), or pass it in as an argument")
            self.out.append(ir.Store(array, self.index(target.slice), value, self.origin))
        else:
            self.fail(target, f"cannot assign to {type(target).__name__}")

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        """`x += v` is `x = x + v`; `a[i] += v` reads a[i], adds, and stores (the index once)."""
        operation = ir.BINARY_OPERATORS[type(node.op)]
        target = node.target
        if isinstance(target, ast.Name):
            self.refuse_function_target(target.id, target)
            value = self.atom(node.value)
            self.out.append(ir.Assign(target.id, ir.Call(operation, (ir.Name(target.id), value)),
                                      self.origin, self.parsed.origin(node), augmented=True))
            return
        array = target.value.id
        index = self.index(target.slice)
        old = self.emit(ir.Call(operator.getitem, (ir.Name(array), index)), target)
        value = self.atom(node.value)
        new = self.emit(ir.Call(operation, (old, value)), node)
        self.out.append(ir.Store(array, index, new, self.origin))

    # -- if -----------------------------------------------------------------------------------

    def stmt_If(self, node: ast.If) -> None:
        test = self.condition(node.test)
        origin = self.origin
        body = self.block(node.body)
        orelse = self.block(node.orelse)
        if is_number(test):  # `if 0.1 < 3.0:` is decided here: only the branch taken is kept
            self.out += body if test.value else orelse
            return
        self.out.append(ir.If(test, body, orelse, origin))

    def stmt_Expr(self, node: ast.Expr) -> None:
        self.fail(node, "an expression whose value is not used has no effect on the gradient")


def _only_tail_returns(stmt: ast.stmt) -> bool:
    """Are all the returns in `stmt` in tail position (nothing after them on their path)?"""
    return all(getattr(node, "astgrad_tail", False)
               for node in ast.walk(stmt) if isinstance(node, ast.Return))


def _contains(stmt: ast.stmt, kind: type, into_loops: bool = False) -> bool:
    """Does `stmt` contain a `kind` statement that jumps out of the current block's loop?"""
    def visit(node) -> bool:
        if isinstance(node, kind):
            return True
        if isinstance(node, ast.FunctionDef):
            return False
        if isinstance(node, ast.For | ast.While) and not into_loops:
            return False
        return any(visit(child) for child in ast.iter_child_nodes(node))

    if isinstance(stmt, ast.For | ast.While) and not into_loops:
        return False
    return any(visit(child) for child in ast.iter_child_nodes(stmt)) or isinstance(stmt, kind)
