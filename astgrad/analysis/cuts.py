"""Stores whose adjoint need not cut: `z[i] = v` where nothing before it reads the adjoint of
what it overwrote.

The adjoint of `z[i] = v` gives v the part `d[z][i]` and then sets that part to zero, since
the value it overwrote does not reach the result through this element. That cut matters only
to the statements before the store (they run after it in the adjoint sweep) that read `d[z]`
there: another store into z at an overlapping index, z's own definition when it is
differentiable, anything else that names z. A new array filled part by part (`z =
np.empty_like(y); z[0] = x[0]; z[1:] = x[1:] * y[:-1]`, the right-hand side of an ODE) has
none: cutting would only copy the incoming adjoint, to zero parts of it nobody reads.

Takes a normalized `ir.Function` and the `Activity` of its statements; produces the ids of
the stores, outside loops, whose cut can be left out.
"""

from __future__ import annotations

from .. import ir
from .sharing import new_array


def uncut_stores(function: ir.Function, activity) -> set[int]:
    """The ids of the stores of `function`'s body (outside loops and branches) whose adjoint
    need not cut `d[z][i]`: z was bound once before, to a new array whose adjoint adds into
    no operand (np.empty_like(y)), and every other statement before the store that names z is
    a store into z at an index provably apart from this one's. (A name bound from z after
    the store does not matter: its adjoint reaches d[z] before the store's does.)"""
    out: set[int] = set()
    before: list = []  # the statements so far, nested ones included, in program order
    for stmt in function.body:
        if isinstance(stmt, ir.Store) and _apart_from_earlier(stmt, before, activity,
                                                               function.params):
            out.add(id(stmt))
        before += list(ir.walk([stmt]))
    return out


def _apart_from_earlier(store: ir.Store, before: list, activity, params) -> bool:
    array = store.array
    if array in params or _region(store.index) is None:
        return False
    bindings = 0
    for stmt in before:
        if isinstance(stmt, ir.Assign) and stmt.target == array:
            bindings += 1
            if not new_array(stmt.value) or activity.active_operands(stmt):
                return False
        elif isinstance(stmt, ir.Store) and stmt.array == array:
            if array in ir.atom_names([stmt.value]) or not _apart(stmt.index, store.index):
                return False
        elif array in ir.reads(stmt) or array in ir.writes(stmt):
            return False
    return bindings == 1


def _apart(first: ir.Index, second: ir.Index) -> bool:
    """Whether two basic indexes certainly pick no common element: along some axis, their
    ranges are apart (bounds counted from the same end, which NumPy's clipping keeps in
    order)."""
    one, other = _region(first), _region(second)
    if one is None or other is None:
        return False
    return any(_before(a_end, b_start) or _before(b_end, a_start)
               for (a_start, a_end), (b_start, b_end) in zip(one, other))


def _before(end, start) -> bool:
    """Whether the bound `end` is certainly at or before `start`: both counted from the same
    end of the axis."""
    return end[0] == start[0] and end[1] <= start[1]


def _region(index: ir.Index):
    """Per leading axis, the range an index picks, as two bounds (0 for "from the start", 1
    for "from the end", and an offset); None unless every item is an int or a slice with
    constant bounds and step 1."""
    region = []
    for item in index.items:
        if isinstance(item, ir.Const) and isinstance(item.value, int) \
                and not isinstance(item.value, bool):
            i = item.value
            anchor = 0 if i >= 0 else 1
            region.append(((anchor, i), (anchor, i + 1)))
        elif isinstance(item, ir.Slice):
            if item.step is not None and not (isinstance(item.step, ir.Const)
                                              and item.step.value == 1):
                return None
            bounds = []
            for bound, missing in ((item.lower, (0, 0)), (item.upper, (1, 0))):
                if bound is None or isinstance(bound, ir.Const) and bound.value is None:
                    bounds.append(missing)
                elif isinstance(bound, ir.Const) and isinstance(bound.value, int) \
                        and not isinstance(bound.value, bool):
                    bounds.append((0 if bound.value >= 0 else 1, bound.value))
                else:
                    return None
            region.append(tuple(bounds))
        else:
            return None
    return region
