"""What the compiler stages may assume of a runtime helper, declared beside the helper.

    @helper(allocates=True)
    def zeros_like(x): ...

The reverse stage asks `facts_of(function)` instead of keeping lists of helpers: a helper that
`allocates` always returns a new array (or a number), never one of its arguments or a view of
one, so an adjoint that holds its result may be added into in place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    allocates: bool = False  # its result is a new array or a number, never an argument's


NOTHING_KNOWN = Facts()


def helper(**facts):
    """Declare the facts of the runtime helper this decorates (see Facts)."""
    declared = Facts(**facts)

    def declare(function):
        function.astgrad_facts = declared
        return function

    return declare


def facts_of(function) -> Facts:
    """The declared facts of a helper; nothing known for anything else."""
    return getattr(function, "astgrad_facts", NOTHING_KNOWN)
