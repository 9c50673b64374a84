"""Loop nests of a specialized gradient: statements over the same sizes written as one nest
(`Nest`), and the small writers of their parts."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..emit import Comment, tag, to_source
from ..errors import Origin
from .code import AsNumber, in_dtype, is_assignment_to, loops
from .syntax import is_transpose


class NotFusable(Exception):
    """A statement reads a value the open loop nest is still computing, other than element by
    element: the nest is closed first."""


@dataclass
class Nest:
    """Statements written as one loop nest over `sizes`, not yet emitted: consecutive
    statements over the same sizes share it (each still writes its own array)."""

    sizes: tuple  # the dimensions looped over
    indices: list[str]
    bounds: list[ast.expr]  # the sizes' expressions
    comments: list[ast.stmt] = field(default_factory=list)
    before: list[ast.stmt] = field(default_factory=list)  # values of rank 0, allocations
    body: list[ast.stmt] = field(default_factory=list)  # inside the innermost loop
    after: list[ast.stmt] = field(default_factory=list)  # the targets bound to their arrays
    outputs: dict = field(default_factory=dict)  # target -> (array, accumulated, shape)
    reads: set = field(default_factory=set)  # names the statements read
    elementwise: dict = field(default_factory=dict)  # array written element by element ->
    # its dtype
    read_after: set = field(default_factory=set)  # names the statements after the nest read
    stored: dict = field(default_factory=dict)  # array the nest stores into -> whether
    # every store into it adds (`a[k] += v`)

    def statements(self) -> list[ast.stmt]:
        computing = loops(self.indices, self.bounds, self.body) if self.body else []
        return self.comments + self.before + computing + self.after

    def as_number(self, array: str, dtype: str) -> None:
        """Compute `array`, which nothing after the nest reads, as a number per iteration:
        no array to allocate and fill."""
        self.body = [AsNumber(array).visit(stmt) for stmt in self.body]
        for stmt in self.body:
            if is_assignment_to(stmt, array):  # the array's own dtype, which its element had
                stmt.value = in_dtype(stmt.value, dtype)
        self.before = [stmt for stmt in self.before if not is_assignment_to(stmt, array)]
        self.after = [stmt for stmt in self.after if not (
            isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name)
            and stmt.value.id == array)]


    def drop_unread_numbers(self, read_later: set) -> None:
        """Leave out the numbers computed in the innermost loop that nothing reads: a value
        the generic gradient recomputed for its shape alone (unbroadcast's witness), whose
        loops compute nothing of it. (numba would lower each one before LLVM dropped it.)"""
        while True:
            read = read_later | {node.id for stmt in self.body + self.after
                                 for node in ast.walk(stmt)
                                 if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
            kept = [stmt for stmt in self.body if not (
                isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id not in read)]
            if len(kept) == len(self.body):
                return
            self.body = kept


def comment(target: str, value: ast.expr, origin: Origin | None) -> ast.stmt:
    """The statement a loop nest computes, as a comment above it, on one line (a comment
    cannot go on over a line break)."""
    text = " ".join(line.strip() for line in to_source(value).splitlines())
    return tag(Comment(f"{target} = {text}"), origin)


def is_view(node: ast.stmt) -> bool:
    """Whether `node` only names an array another name holds, or its transpose, or computes
    arithmetic of names and numbers (`g = a + s`, s a sum the nest computes): a statement
    that can wait until after a loop nest."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)):
        return False
    return is_transpose(node.value) or all(
        isinstance(n, ast.Name | ast.Constant | ast.BinOp | ast.UnaryOp | ast.operator
                   | ast.unaryop | ast.expr_context) for n in ast.walk(node.value))


def changes_arrays(node: ast.stmt) -> bool:
    """Whether `node` may write into an array (`a[i] = v`, `x += v`, a call for its effect):
    it must not run before a nest written earlier, which may read that array, or another
    name of it."""
    if isinstance(node, ast.AugAssign | ast.Expr):
        return True
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Subscript | ast.Attribute) for target in node.targets
        for t in ast.walk(target))


def assignment(target: str, value: ast.expr) -> ast.Assign:
    """`target = value`, for what `_place` needs to know of the statement a nest computes."""
    return ast.Assign([ast.Name(target, ast.Store())], value)


def reduced_places(rank: int, axis: int, keep: bool, indices: list[ast.expr],
                   sizes: list[str]) -> tuple[list[ast.expr], list[str]]:
    """Where element `indices` of a reduction's operand lands in its result, and the result's
    sizes (empty for a number, which is written at [0] of an array of one element)."""
    at = [(ast.Constant(0) if k == axis else indices[k]) for k in range(rank)
          if keep or k != axis]
    out_sizes = [("1" if k == axis else sizes[k]) for k in range(rank) if keep or k != axis]
    return at or [ast.Constant(0)], out_sizes
