"""What the compiler stages may assume of a primitive or a runtime helper, declared once.

A rule declares its primitive's facts beside the rule (`@rule(np.reshape, view=True,
shape=reshaped)`, astgrad/rules/); a runtime helper declares its own beside its NumPy and
numba implementations:

    @helper(allocates=True)
    def zeros_like(x): ...

The stages ask `astgrad.rules.facts_of(obj)` instead of keeping lists of names: analysis
whether writing into a result writes into an operand (`view`), reverse whether an adjoint may
be added into in place (`allocates`) and which names hold numbers (`number`, `elementwise`),
specialize each value's shape (`shape`), whether loops of the float dtype may hold it
(`dtype`) and how to write it as loops (`loop`).
tests/test_facts.py checks every declaration against NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..shapes import broadcast


@dataclass(frozen=True)
class Facts:
    # its result is a new array or a number, never an argument or a view of one
    allocates: bool = False
    # its result may be its first argument or a view of it: writing into one writes the other
    view: bool = False
    # called with its first argument alone, its result is a number (np.sum(x), len(x))
    number: bool = False
    # each element of its result is computed from the (broadcast) arguments' elements at the
    # same place alone; of numbers, it is a number
    elementwise: bool = False
    # of any finite numbers it computes a number and warns of nothing but an overflow, so
    # that a value read only for its shape may be computed from other numbers than the
    # program's (astgrad/reverse/trips.py)
    total: bool = False
    # its result's shape, called as the primitive is (astgrad/shapes.py); elementwise
    # primitives broadcast their arguments without saying so
    shape: Callable | None = None
    # its result's dtype where it is not its float operands' own: "bool", "int64",
    # "float64" (np.float_power's, whatever its operands), "given" (by a dtype argument), or
    # "like" (its last argument's: retyped(value, like))
    dtype: str | None = None
    # how a specialized gradient writes it in loops over elements (astgrad/specialize/):
    # "select", "share" (extremum_share), "copy" (its argument's elements), "sum", "mean",
    # "max", "min" (reductions), "unreduce", "unbroadcast", "product", "product_adjoint_a",
    # "product_adjoint_b", "extremum_adjoint", "tape" (empty_tape: an array made before the
    # loop keeping it, of the trip count's size), "zeros", "ones", "empty" (a new array of
    # that filling, float64 unless made like another); NumPy's elementwise ufuncs of floats
    # need none (they are called on numbers)
    loop: str | None = None
    # its first argument is a sequence of arrays, written in the call as a tuple or a list,
    # each of them an operand (np.concatenate((a, b)), np.stack([a, b, c]))
    sequence: bool = False

    def result_shape(self, *args, **kwargs) -> tuple | None:
        """The shape of the primitive's result for these arguments (arrays given by anything
        with a `.shape`), or None when it is not declared."""
        if self.shape is not None:
            return self.shape(*args, **kwargs)
        if self.elementwise:
            return broadcast(*args, *kwargs.values())
        return None


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
