"""Loop nests of a specialized gradient: statements over the same sizes written as one nest
(`Nest`), and the small writers of their lines."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..emit import to_source
from .syntax import is_transpose


class NotFusable(Exception):
    """A statement reads a value the open loop nest is still computing, other than element by
    element: the nest is closed first."""


@dataclass
class Nest:
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
    elementwise: dict = field(default_factory=dict)  # array written element by element ->
    # its dtype
    read_after: set = field(default_factory=set)  # names the statements after the nest read

    def lines(self) -> list[str]:
        return self.comments + self.before + nest_lines(self.indices, list(self.sizes),
                                                   self.body) + self.after

    def as_number(self, array: str, dtype: str) -> None:
        """Compute `array`, which nothing after the nest reads, as a number per iteration:
        no array to allocate and fill."""
        element = re.compile(rf"\b{array}\[[^\]]*\]")
        self.body = [element.sub(array, line) for line in self.body]
        if dtype == "float32":  # the array's own dtype, which its element had
            self.body = [f"{array} = np.float32({line[len(array) + 3:]})"
                         if line.startswith(f"{array} = ") else line for line in self.body]
        self.before = [line for line in self.before if not line.startswith(f"{array} = ")]
        bound = re.compile(rf"\w+ = {array}($|  #)")
        self.after = [line for line in self.after if not bound.match(line)]


def comment(target: str, value: ast.expr, label: str) -> str:
    """The statement a loop nest computes, as a comment above it, on one line (a comment
    cannot go on over a line break)."""
    text = " ".join(line.strip() for line in to_source(value).splitlines())
    return f"# {target} = {text}" + (f"  {label}" if label else "")


def is_view(node: ast.stmt) -> bool:
    """Whether `node` only names an array another name holds, or its transpose: a statement
    that can wait until after a loop nest."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)):
        return False
    return isinstance(node.value, ast.Name) or is_transpose(node.value)


def assignment(target: str, value: ast.expr) -> ast.Assign:
    """`target = value`, for what `_place` needs to know of a statement written as text."""
    return ast.Assign([ast.Name(target, ast.Store())], value)


def reduced_places(rank: int, axis: int, keep: bool, indices: list[str], sizes: list[str]):
    """Where element `indices` of a reduction's operand lands in its result, and the result's
    sizes (empty for a number, which is written at [0] of an array of one element)."""
    at = [("0" if k == axis else indices[k]) for k in range(rank) if keep or k != axis]
    out_sizes = [("1" if k == axis else sizes[k]) for k in range(rank) if keep or k != axis]
    return ", ".join(at) or "0", out_sizes


def nest_lines(indices: list[str], sizes: list[str], body: list[str]) -> list[str]:
    lines = ["    " * depth + f"for {index} in range({size}):"
             for depth, (index, size) in enumerate(zip(indices, sizes))]
    return lines + ["    " * len(indices) + line for line in body]
