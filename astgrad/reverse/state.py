"""The state of each adjoint variable while the adjoint sweep is written.

ZERO: nothing has flowed into it on this path yet; the first contribution assigns it.
SHARED: it holds a value that may also be another variable's array; adding makes a new array.
OWNED: it holds an array this gradient made; adding into part of it in place is safe.

An adjoint may also be an alias of another (its value, not yet copied into a variable of its
own): `_dx` after `x = y` is just `_dy` until one of them changes. Aliases are copied into
variables before any branch or loop, so that every path defines what follows it.

Also what the writers record of what a gradient keeps for its adjoint sweep (`SavedValue`,
listed by `df.saved`).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from enum import Enum


class State(Enum):
    ZERO = 0
    SHARED = 1
    OWNED = 2


def load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def clone(node: ast.AST) -> ast.AST:
    return copy.deepcopy(node)


def witness(expr: ast.expr) -> ast.expr:
    """`expr` read only for its shape (by zeros_like or unbroadcast): marked, so that a loop
    can check the shape stays put instead of keeping the value."""
    expr = clone(expr)
    for node in ast.walk(expr):
        node.astgrad_witness = True
    return expr


def assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


@dataclass
class Sweep:
    state: dict[str, State] = field(default_factory=dict)
    alias: dict[str, str] = field(default_factory=dict)

    def of(self, adjoint: str) -> State:
        return self.state.get(adjoint, State.ZERO)

    def read(self, adjoint: str) -> ast.Name:
        return load(self.alias.get(adjoint, adjoint))

    def set(self, adjoint: str, state: State) -> None:
        self.state[adjoint] = state

    def alias_of(self, adjoint: str, source: str) -> None:
        self.alias[adjoint] = self.alias.get(source, source)
        self.state[adjoint] = State.SHARED

    def before_write(self, adjoint: str) -> list[ast.stmt]:
        """Copies for the aliases of `adjoint`, which is about to change."""
        self.alias.pop(adjoint, None)
        out = []
        for other, source in list(self.alias.items()):
            if source == adjoint:
                out.append(assign(other, load(adjoint)))
                del self.alias[other]
        return out

    def materialize(self) -> list[ast.stmt]:
        """Copy every alias into its own variable."""
        out = [assign(other, load(source)) for other, source in self.alias.items()]
        self.alias.clear()
        return out

    def copy(self) -> Sweep:
        return Sweep(dict(self.state), dict(self.alias))

    def nonzero(self) -> set[str]:
        return {a for a, s in self.state.items() if s is not State.ZERO}


def join(branches: list[Sweep], zero) -> tuple[Sweep, list[list[ast.stmt]]]:
    """The state after branches meet, and the statements each branch must end with so that
    they agree. `zero(adjoint, branch)` makes the statement that sets an adjoint to zero at the
    end of the branch-th branch, or None when its variable may not exist on the way in: then
    that path never reads the adjoint."""
    endings = [branch.materialize() for branch in branches]
    nonzero = set().union(*(b.nonzero() for b in branches))
    merged = Sweep()
    for adjoint in sorted(nonzero):  # in one order: the text is the disk cache's key
        states = [b.of(adjoint) for b in branches]
        for branch, (ending, state) in enumerate(zip(endings, states)):
            statement = zero(adjoint, branch) if state is State.ZERO else None
            if statement is not None:
                ending.append(statement)
        # a branch that gets zeros_like() ends with an array of its own
        shared = any(s is State.SHARED for s in states)
        merged.state[adjoint] = State.SHARED if shared else State.OWNED
    return merged, endings


@dataclass
class SavedValue:
    """Something the gradient keeps for its adjoint sweep (listed by `df.saved`): what, the
    user line of the loop (or store) that keeps it, and how much."""

    what: str
    line: int
    per: str

    def __str__(self) -> str:
        return f"{self.what} (line {self.line}): {self.per}"


class Saved(list):
    """What a gradient keeps (`df.saved`): a list of SavedValue, printed one per line."""

    def __str__(self) -> str:
        return "\n".join(map(str, self)) if self else "nothing"
