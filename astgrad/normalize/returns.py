"""Returns before the end of a function, made structured where that is possible.

`if c: ...; return a` followed by more statements becomes `if c: ...; return a else: <more>`,
so that the common piecewise function needs no flags. Each return is then marked: `last` when
it is the function's final statement, `tail` when nothing follows it on its path.
"""

from __future__ import annotations

import ast


def always_returns(block: list[ast.stmt]) -> bool:
    """Does every path through `block` end in a return?"""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, ast.Return):
        return True
    return isinstance(last, ast.If) and always_returns(last.body) and always_returns(last.orelse)


def lift_returns(block: list[ast.stmt]) -> list[ast.stmt]:
    """Move what follows an `if` with a branch that always returns into its other branch."""
    out: list[ast.stmt] = []
    for position, stmt in enumerate(block):
        out.append(stmt)
        if not isinstance(stmt, ast.If):
            continue
        rest = block[position + 1:]
        stmt.body, stmt.orelse = lift_returns(stmt.body), lift_returns(stmt.orelse)
        if rest and always_returns(stmt.body) and not always_returns(stmt.orelse):
            stmt.orelse = lift_returns(stmt.orelse + rest)
            return out
        if rest and always_returns(stmt.orelse) and not always_returns(stmt.body):
            stmt.body = lift_returns(stmt.body + rest)
            return out
    return out


def mark_returns(block: list[ast.stmt], tail: bool = True, last: bool = True) -> None:
    """Mark each return `astgrad_tail` (nothing follows on its path) and `astgrad_last`."""
    for position, stmt in enumerate(block):
        at_end = position == len(block) - 1
        if isinstance(stmt, ast.Return):
            stmt.astgrad_tail = tail and at_end
            stmt.astgrad_last = last and at_end
        elif isinstance(stmt, ast.If):
            mark_returns(stmt.body, tail and at_end, False)
            mark_returns(stmt.orelse, tail and at_end, False)
        elif isinstance(stmt, ast.For | ast.While):
            mark_returns(stmt.body, False, False)
