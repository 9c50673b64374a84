"""The scheduling of a specialized gradient's loop nests: statements over the same sizes share
one nest (`Nest`), and any other statement goes before the open nest, after it, or closes it."""

from __future__ import annotations

import ast

from ..emit import Comment, tag, to_source
from ..errors import Origin
from ..parse import assigned_names
from .code import assign, load
from .nests import Nest, NotFusable, assignment, changes_arrays, comment, is_view
from .syntax import names_in


class Schedule:
    """Collects the specialized function's body in `statements` (after `flush`): the
    statements a writer places, and the loop nests its statements written as loops share. It
    asks `writer` for fresh names and sizes' expressions, reads its shapes (`infer`,
    `shapes`), which names hold comparisons (`booleans`) and its dtype, and notes in it the
    arrays a nest allocates (`allocated`) and the statements rewritten (`rewritten`)."""

    def __init__(self, writer):
        self.writer = writer
        self.infer = writer.infer
        self.nest: Nest | None = None  # the open loop nest
        self.statements: list[ast.stmt] = []
        self.later: set[str] = set()  # names the statement at hand and those after it read
        # (set by the caller before each statement)

    def place(self, statements: list[ast.stmt], node: ast.AST) -> None:
        """Emit a statement that is not part of a loop nest: before the open nest if it
        neither reads what the nest computes nor writes what it reads, else after it."""
        nest = self.nest
        names, written = names_in(node), assigned_names(node)
        if nest is not None and (written & nest.reads or changes_arrays(node)
                                 or not self._apart_from_stores(names - written)):
            self.flush()
        elif nest is not None and names & set(nest.outputs):
            if not is_view(node):
                self.flush()
            else:  # after the nest, which stays open to later statements that do not read it
                nest.after += statements
                nest.read_after |= names - written
                nest.reads |= names - set(nest.outputs) - written
                nest.outputs.update((name, (name, True, None)) for name in written)
                return
        self.statements += statements

    def flush(self) -> None:
        """Emit the open loop nest; an array it fills element by element that nothing after
        it reads (`later`, and the statements waiting after it) becomes a number."""
        nest = self.nest
        if nest is not None:
            live = {array for name, (array, _, _) in nest.outputs.items()
                    if name in self.later | nest.read_after}
            for array, dtype in nest.elementwise.items():
                if array not in live:
                    nest.as_number(array, dtype)
            nest.drop_unread_numbers(self.later | nest.read_after)
            self.statements += nest.statements()
            self.nest = None

    def alias(self, target: str, value: ast.expr, origin: Origin | None) -> bool:
        """`target = name` of a value the open nest computes: bound after the nest too."""
        nest = self.nest
        if not (nest and isinstance(value, ast.Name) and value.id in nest.outputs) or (
                target in nest.reads):
            return False
        array, _, shape = nest.outputs[target] = nest.outputs[value.id]
        if shape == ():  # a number, computed after the nest from its total (a mean's)
            array = value.id
            nest.read_after.add(value.id)
        nest.after.append(tag(assign(target, load(array)), origin))
        if value.id in self.writer.allocated:  # (the same array: apart from what it is)
            self.writer.allocated[target] = self.writer.allocated[value.id]
        shape = self.writer.shapes.get(value.id)  # (a statement waiting after the nest may
        if shape is None:  # bind a value of unknown shape)
            self.writer.shapes.pop(target, None)
        else:
            self.writer.shapes[target] = shape
        return True

    def fused(self, target: str, value: ast.expr, origin: Origin | None, sizes: list[str],
               build) -> None:
        """Write `target = value` as the statement `build(indices)` makes (statements before
        the nest, of its body, after it, its array, whether the body adds into it): in the
        open nest if it has these sizes and the statement reads nothing the nest computes but
        element by element at the nest's own indices, else in a new nest."""
        heading = comment(target, value, origin)
        nest = self.nest
        if nest is not None and nest.sizes == tuple(sizes) \
                and self._apart_from_stores(names_in(value)):
            try:
                self._join(target, value, heading, build(nest.indices))
                return
            except NotFusable:
                pass
        self.flush()
        indices = [self.writer.fresh("_i") for _ in sizes]
        parts = build(indices)  # before the nest opens: it may raise Unknown
        self.nest = Nest(tuple(sizes), indices, self.writer.sizes(sizes))
        self._join(target, value, heading, parts)

    def _join(self, target: str, value: ast.expr, heading: ast.stmt, parts) -> None:
        before, body, after, array, accumulated = parts
        nest = self.nest
        nest.comments.append(heading)
        nest.before += before
        nest.body += body
        nest.after += after
        nest.reads |= names_in(value) - set(nest.outputs)
        shape = self.infer.shape(value)
        nest.outputs[target] = (array, accumulated, shape)
        if shape:
            self.writer.allocated[target] = array
        if shape and not accumulated:
            boolean = target in self.writer.booleans
            nest.elementwise[array] = "bool_" if boolean else self.writer.dtype
        self.writer.rewritten += 1

    def _apart_from_stores(self, names: set[str]) -> bool:
        """Whether none of `names` may share memory with an array the open nest stores into:
        a statement reading one would see its elements not yet all written. (Values the
        nest computes are in arrays of its own.)"""
        nest = self.nest
        if nest is None:
            return True
        computed = {name for name, (array, _, _) in nest.outputs.items()
                    if array not in nest.stored}
        # (an array the statement at hand rebinds the name of is no longer known: closed)
        return all(base in self.writer.allocated and self.writer.apart(name, base)
                   for base in nest.stored for name in names - computed)

    def store_in_nest(self, node: ast.stmt, origin: Origin | None, part: ast.Subscript,
                      value: ast.expr, sizes: list[str]) -> bool:
        """A store `a[index] = v` (or +=) of a value the open nest computes over the part's
        sizes: if nothing the nest reads may share memory with a (an array this function
        allocated) but the very part written (`a[:, i] = a[:, i] + v`, read element by
        element where written), its loops may write a as they go. Later statements join
        the nest only if they read nothing that may share memory with a (they would see
        elements not yet written); another store into a joins if it and those before it
        add (`a[k:] += v` then `a[:k] += w`, in any order the same sums)."""
        nest, base = self.nest, part.value.id
        adds = isinstance(node, ast.AugAssign)
        again = nest is not None and base in nest.stored
        if nest is None or nest.sizes != tuple(sizes) \
                or not isinstance(value, ast.Name) or value.id not in nest.outputs \
                or (base in nest.outputs and not (again and adds and nest.stored[base])) \
                or not all(self.writer.apart(name, base)
                           or self.writer.same_part(name, part, nest.sizes)
                           for name in nest.reads - ({base} if again else set())):
            return False
        setup: list[ast.stmt] = []
        try:
            write = self.writer.element_store(node, part, value, nest.indices, setup)
        except NotFusable:
            return False
        nest.comments.append(tag(Comment(to_source(node).strip()), origin))
        nest.before += setup
        nest.body.append(write)
        nest.reads |= {base, value.id}
        nest.outputs[base] = (base, True, None)  # (what reads a goes after the nest)
        nest.stored[base] = adds
        return True

    def current(self, name: str, shape: tuple, indices: list[str]) -> str:
        """The array holding `name`'s value inside the open nest: the one the nest writes if
        it computes it, which may only be read at the nest's own indices."""
        nest = self.nest
        if nest is None or name not in nest.outputs or indices != nest.indices:
            return name
        array, accumulated, _ = nest.outputs[name]
        if accumulated or tuple(self.infer.sizes(shape)) != nest.sizes:
            raise NotFusable(name)
        return array

    def not_computing(self, *names: str) -> None:
        """Raise NotFusable if the open nest computes one of `names`, which the statement
        reads other than element by element at the nest's own indices."""
        if self.nest is not None and set(names) & set(self.nest.outputs):
            raise NotFusable(", ".join(names))

    def own_nest(self, target: str, node: ast.Call, origin: Origin | None,
                  allocate: ast.stmt, nest: list[ast.stmt], result: ast.expr) -> None:
        """`target = node` as a loop nest no other statement shares: `allocate` its array,
        run `nest`, bind `target` to `result`."""
        self.place([comment(target, node, origin), allocate, *nest, assign(target, result)],
                    assignment(target, node))
        self.writer.rewritten += 1
