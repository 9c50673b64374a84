"""One user statement's elementwise operations, differentiated together.

`x = a * x * (1 - x)` normalizes to three operations. Differentiated one by one, each
multiplies the incoming adjoint again, and in a loop that chain of multiplications is what
the reverse sweep waits on. Here the partial derivatives of the statement's result with
respect to its inputs are first multiplied out from the primal values alone (off the adjoint's
path), and each input then gets one product with the incoming adjoint:

    _dx = _g1 * (_t2 * a - _t1)          # instead of _d_t1, _d_t2, then _dx

A tree is the root operation of a user statement and the operations whose temporaries only
it uses, as long as each has an elementwise rule of the form `d[x] = d[ans] * partial`.
"""

from __future__ import annotations

import ast
import operator
from collections import Counter
from dataclasses import dataclass, field

from .. import ir
from ..emit import tag
from ..rules.simplify import number, simplify
from .state import State, assign, clone


@dataclass
class Tree:
    root: ir.Assign
    children: dict[str, ir.Assign] = field(default_factory=dict)  # temporary -> its statement


class Trees:
    """The trees of one function's body, and the adjoint of each.

    It asks `writer` (the function's writer) four things of statements: `callee(stmt)`,
    `active_params(stmt, found)`, `operand(stmt, value)` (an operand as the adjoint reads it)
    and `adjoints.add(...)` (the addition of a contribution into an adjoint); and reads its
    activity, names, namespace, sweep (whichever it is writing), scalars and output captures.
    """

    def __init__(self, writer, body: list):
        self.writer = writer
        self.activity, self.names, self.ns = writer.activity, writer.names, writer.ns
        self.scalars = writer.scalars
        self.output_captures = writer.output_captures
        self.roots: dict[int, Tree] = {}  # id of a tree's root statement -> the tree
        self.inner: set[int] = set()  # ids of the other statements of trees
        self.tree_of: dict[int, Tree] = {}  # id of each statement in a tree -> the tree
        self.body = body
        # how often each name is read and bound: a temporary read once joins its reader
        self.reads = reads = Counter(n for s in ir.walk(body) for n in ir.reads(s))
        self.writes = writes = Counter(n for s in ir.walk(body) for n in ir.writes(s))
        for block in _blocks(body):
            defining = {s.target: s for s in block if isinstance(s, ir.Assign)}
            for stmt in reversed(block):
                if id(stmt) in self.inner or not self.factorable(stmt):
                    continue
                tree = Tree(stmt)
                self.grow(tree, stmt, defining, reads, writes)
                if tree.children:
                    self.roots[id(stmt)] = tree
                    self.inner |= {id(s) for s in tree.children.values()}
                    self.tree_of.update((id(s), tree) for s in [stmt, *tree.children.values()])

    @property
    def sweep(self):
        """The writer's sweep state (a reversed trip of a loop has its own)."""
        return self.writer.sweep

    def rooted_at(self, stmt) -> Tree | None:
        """The tree whose root `stmt` is, if any."""
        return self.roots.get(id(stmt))

    def inside(self, stmt) -> bool:
        """Is `stmt` in a tree but not its root (its adjoint is written with the root's)?"""
        return id(stmt) in self.inner

    def in_place_additions(self) -> dict[int, tuple]:
        """`a[i] += v` (or `-=`, or `a[i] = a[i] + v`), normalized to `old = a[i]`, `new = old
        + v` and the store `a[i] = new`, where old and new are read nowhere else: the store's
        id -> (the store, the read `old = a[i]`). The adjoint of the store takes d[a][i] for
        new and cuts it to zero; that of the read adds d[old], which is d[new], back: for a
        basic index the two cancel, and neither need be written (d[a][i] is read, and left as
        it is)."""
        found = {}
        for block in _blocks(self.body):
            defining = {s.target: s for s in block if isinstance(s, ir.Assign)}
            for store in block:
                if not isinstance(store, ir.Store) or not isinstance(store.value, ir.Name):
                    continue
                new = defining.get(store.value.id)
                if new is None or not _adds_to_a_name(new.value):
                    continue
                old = defining.get(new.value.args[0].id)
                if old is None or not isinstance(old.value, ir.Call) \
                        or old.value.primitive is not operator.getitem \
                        or old.value.args != (ir.Name(store.array), store.index):
                    continue
                if old.origin is store.origin is new.origin and all(
                        self.reads[n] == 1 and self.writes[n] == 1
                        for n in (old.target, new.target)):
                    found[id(store)] = (store, old)
        return found

    def grow(self, tree: Tree, node: ir.Assign, defining, reads, writes) -> None:
        for name in self.activity.active_operands(node):
            child = defining.get(name)
            if (child is not None and child.origin is node.origin and reads[name] == 1
                    and writes[name] == 1 and self.factorable(child)):
                tree.children[name] = child
                self.grow(tree, child, defining, reads, writes)

    def factorable(self, stmt) -> bool:
        """Is `stmt` an active elementwise operation whose rule is adjoint times a partial?"""
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Call)
                and self.activity.is_active(stmt)):
            return False
        found = self.writer.callee(stmt)
        if found.rule is None or not found.rule.elementwise:
            return False
        return all(self.local_partial(stmt, found, p) is not None
                   for p in self.writer.active_params(stmt, found))

    def local_partial(self, stmt, found, param: str):
        operands = {p: self.writer.operand(stmt, v) for p, v in found.bound.items()}
        output = ast.Name(self.output_captures.get((id(stmt), stmt.target), stmt.target),
                          ast.Load())
        return found.rule.partial(param, operands, output,
                                  lambda obj, attr=None: self.ns.spell(obj, attr))

    def adjoint(self, tree: Tree) -> list:
        """The adjoint of a whole tree: partials first, then one product per input."""
        root = tree.root
        adjoint = self.names.adjoint(root.target)
        if self.sweep.of(adjoint) is State.ZERO:
            return []
        out: list[ast.stmt] = []
        leaves = self.leaves(tree)
        incoming: ast.expr = self.sweep.read(adjoint)
        if root.target in leaves:  # `x = f(x)`: read x's adjoint before it restarts
            name = self.names.numbered("_g")
            out.append(tag(assign(name, incoming), root.origin))
            incoming = ast.Name(name, ast.Load())
        out += [tag(s, root.origin) for s in self.sweep.before_write(adjoint)]
        self.sweep.set(adjoint, State.ZERO)
        partials: dict[str, ast.expr] = {}
        shared: list[ast.stmt] = []
        self.propagate(tree, root, ast.Constant(1), partials, shared)
        out += [tag(s, root.origin) for s in shared]
        broadcast = self.broadcast_leaves(tree)
        for leaf in sorted(leaves):
            value = simplify(ast.BinOp(clone(incoming), ast.Mult(), partials[leaf]))
            like = self.writer.operand(self.reader_of(tree, leaf), ir.Name(leaf))
            out += self.writer.adjoints.add(leaf, value, None, leaf in broadcast, root, like=like)
        return out

    def broadcast_leaves(self, tree: Tree) -> set[str]:
        """The leaves over which the tree's result may be broadcast: their contributions are
        summed back to their shapes, which their readers must therefore keep (shapes_read)."""
        nodes = [tree.root, *tree.children.values()]
        operands = [a for s in nodes for a in self.writer.callee(s).bound.values()
                    if not (isinstance(a, ir.Name) and a.id in tree.children)]
        # every other operand, active or not, may broadcast the result over a leaf
        return {leaf for leaf in self.leaves(tree)
                if not all(self.scalars.is_scalar(a) for a in operands if a != ir.Name(leaf))}

    def shapes_read(self, stmt) -> set[str]:
        """The leaves whose shapes the adjoint of `stmt`'s tree reads where `stmt` reads them.
        The statement's own rule may not broadcast (`-h`), while its tree does (`c / (1 +
        np.exp(-h))` with `c` an array): what the adjoint reads must be what is kept."""
        tree = self.tree_of.get(id(stmt))
        if tree is None:
            return set()
        return {leaf for leaf in self.broadcast_leaves(tree)
                if self.reader_of(tree, leaf) is stmt}

    def propagate(self, tree: Tree, node: ir.Assign, above: ast.expr, partials: dict,
                  shared: list) -> None:
        """Multiply `above` (d root / d node) down to the leaves, adding up over paths."""
        found = self.writer.callee(node)
        active = sorted(self.writer.active_params(node, found))
        if len(active) > 1 and not (isinstance(above, ast.Name) or number(above) is not None):
            name = self.names.numbered("_p")  # used by several operands: computed once
            shared.append(assign(name, above))
            above = ast.Name(name, ast.Load())
        for param in active:
            local = self.local_partial(node, found, param)
            value = simplify(ast.BinOp(clone(above), ast.Mult(), local))
            operand = found.bound[param]
            if isinstance(operand, ir.Name) and operand.id in tree.children:
                self.propagate(tree, tree.children[operand.id], value, partials, shared)
            elif isinstance(operand, ir.Name):
                earlier = partials.get(operand.id)
                partials[operand.id] = value if earlier is None else simplify(
                    ast.BinOp(earlier, ast.Add(), value))

    def leaves(self, tree: Tree) -> set[str]:
        out = set()
        for stmt in [tree.root, *tree.children.values()]:
            out |= self.activity.active_operands(stmt) - set(tree.children)
        return out

    def reader_of(self, tree: Tree, leaf: str):
        """A statement of the tree that reads `leaf` (for its captures)."""
        return next(s for s in [tree.root, *tree.children.values()]
                    if leaf in self.activity.active_operands(s))


def _adds_to_a_name(value) -> bool:
    """Is `value` `name + v` or `name - v` (whose derivative by name is 1)?"""
    return isinstance(value, ir.Call) and value.primitive in (operator.add, operator.sub) \
        and not value.kwargs and isinstance(value.args[0], ir.Name)


def _blocks(body: list):
    """Every block of the program: the body and the bodies of its branches and loops."""
    yield body
    for stmt in body:
        if isinstance(stmt, ir.If):
            yield from _blocks(stmt.body)
            yield from _blocks(stmt.orelse)
        elif isinstance(stmt, ir.For | ir.While):
            yield from _blocks(stmt.body)
