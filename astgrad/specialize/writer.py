"""The writer of a specialized gradient's body: statement by statement, loop nests for
what astgrad/specialize/__init__.py lists, the rest kept (simplified where the dtype
allows). It builds syntax trees; emit prints them."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from .. import runtime
from ..emit import tag
from ..errors import Origin
from ..names import Names
from ..parse import assigned_names
from .code import (
    add_into,
    assign,
    attribute,
    call,
    element,
    for_range,
    in_dtype,
    load,
    loops,
    new_array,
    number,
    scratch,
)
from .dimensions import ONE, Dimensions
from .elements import Elements
from .extrema import write_extremum, write_extremum_adjoint
from .fills import write_filled
from .inference import Shapes
from .nests import assignment, reduced_places
from .schedule import Schedule
from .simplify import Simplify
from .syntax import (
    FILLS,
    PRODUCTS,
    REDUCTIONS,
    Unknown,
    is_copy,
    is_integer,
    is_transpose,
    names_in,
    reduction_arguments,
    viewed_name,
)

ZERO = 0  # the index of an axis of size 1


@dataclass
class Writer:
    """Takes the generic gradient's statements one by one (`statement`), following each
    name's symbolic shape, and writes each as loops, np.dot, or as it was, into its
    `schedule` (whose `statements` are the specialized function's body, after `flush`)."""

    dims: Dimensions
    dtype: str
    names: Names  # fresh names, clashing with none of the generic module's
    local: set[str]  # the function's parameters and assigned names, and the writer's own
    shapes: dict[str, tuple] = field(default_factory=dict)  # symbolic shapes of known names
    globals: set[str] = field(default_factory=set)  # names kept statements read
    rewritten: int = 0
    shares: bool = False  # whether a loop calls extremum_share_scalar
    booleans: set[str] = field(default_factory=set)  # names of comparisons' arrays
    allocated: dict[str, str] = field(default_factory=dict)  # name -> the array it is bound
    # to, if this function allocated it (its first name)
    result_tapes: set[str] = field(default_factory=set)  # tapes result_tape made (`_tape`)
    # the loops being written, innermost last: (the loop, statements to place before it)
    open_loops: list = field(default_factory=list)
    clock: int = 0  # statements written so far
    since: dict[str, int] = field(default_factory=dict)  # name -> the clock when the array
    # it names (a view of) was bound: when the name was bound, or when the name it views was
    # (a loop's names: when the loop starts); 0 for the parameters
    parts: dict[str, tuple] = field(default_factory=dict)  # name of `a[index]` -> (the
    # subscript's text, the names it reads, a), while none of them is rebound
    transposed: dict[str, str] = field(default_factory=dict)  # name of `a.T` -> a, a matrix:
    # loops read a itself, in its memory order
    bound_once: set[str] = field(default_factory=set)  # names one statement alone binds
    # (not parameters, which hold the arguments before)
    transposed_later: set[str] = field(default_factory=set)  # names some statement transposes
    # (`x = name.T`) and none returns: a matrix product into one is computed transposed
    namespace: dict = field(default_factory=dict)  # the generic module's globals
    sizing: dict[str, tuple] = field(default_factory=dict)  # names of the function's own that
    # hold arrays of these shapes all along (its parameters as given): sizes are read off them
    helpers: object = None  # the generic module's functions, specialized for calls
    # (astgrad/specialize/helpers.py)
    returned: tuple | None = None  # what the return statement returns: whether a tuple, and
    # the (shape, boolean) of each value (None where unknown)

    def __post_init__(self):
        self.infer = Shapes(self.dims, self.shapes, self.namespace, self.local)
        self.schedule = Schedule(self)
        self.elements = Elements(self)

    def fresh(self, stem: str) -> str:
        name = self.names.numbered(stem)
        self.local.add(name)
        return name

    def sizes(self, dims: list[str]) -> list[ast.expr]:
        return [self.size(dim) for dim in dims]

    def size(self, dim: str) -> ast.expr:
        """The expression of a dimension's size in this function: 1, or `x.shape[k]` of an
        array it holds all along (the dimension's own, if it is one of them)."""
        dim = self.dims.find(dim)
        if dim == ONE:
            return ast.Constant(1)
        places = [(name, k) for name, shape in self.sizing.items()
                  for k, d in enumerate(shape) if self.dims.find(d) == dim]
        if not places:  # a slice's: computed from other dimensions
            forms = [self.dims.forms[d] for d in self.dims.forms if self.dims.find(d) == dim]
            forms = [f for f in forms if all(self.dims.find(t) != dim for t, _ in f.terms)]
            if not forms:
                raise Unknown(dim)
            return forms[0].expression(self.size)
        own = [(name, k) for name, k in places if f"{name}.shape[{k}]" == dim]
        name, k = (own or places)[0]
        return ast.Subscript(attribute(name, "shape"), ast.Constant(k), ast.Load())

    def state(self) -> tuple:
        """What the writer knows of names, and has written, to `restore` it to."""
        return (dict(self.shapes), set(self.booleans), dict(self.allocated),
                dict(self.transposed), set(self.infer.integers), dict(self.infer.values),
                self.rewritten, self.shares, set(self.globals), dict(self.since),
                dict(self.parts), set(self.infer.int_arrays))

    def restore(self, state: tuple) -> None:
        shapes, booleans, allocated, transposed, integers, values, *counts = state
        for known, saved in ((self.shapes, shapes), (self.booleans, booleans),
                             (self.allocated, allocated), (self.infer.integers, integers),
                             (self.infer.values, values), (self.globals, counts[2]),
                             (self.since, counts[3]), (self.parts, counts[4]),
                             (self.infer.int_arrays, counts[5])):
            known.clear()
            known.update(saved)
        self.transposed, self.rewritten, self.shares = transposed, counts[0], counts[1]

    def forget(self, name: str) -> None:
        """Know nothing of what `name` holds."""
        self.forget_views([name])
        self.shapes.pop(name, None)
        self.booleans.discard(name)
        self.infer.integers.discard(name)
        self.infer.int_arrays.discard(name)
        self.infer.values.pop(name, None)

    def forget_views(self, names) -> None:
        """`names` are rebound: what was known of the arrays they named (a transpose of
        which, allocated here) no longer holds."""
        for name in names:
            self.transposed = {view: a for view, a in self.transposed.items()
                               if name not in (view, a)}
            self.allocated.pop(name, None)
            self.since[name] = self.clock
            self.parts = {view: part for view, part in self.parts.items()
                          if view != name and name not in part[1]}

    # -- statements ---------------------------------------------------------------------------

    def statement(self, node: ast.stmt, origin: Origin | None) -> None:
        self.clock += 1
        self.forget_views(assigned_names(node))
        if isinstance(node, ast.Return):
            self.returned = self._returned(node.value)
        if self.helpers is not None and self.helpers.call(self, node, origin):
            return
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            node = self._hoisted(node, origin)
            target, value = node.targets[0].id, node.value
            if is_transpose(value) and value.value.id in self.transposed:  # (a.T).T is a
                value = load(self.transposed[value.value.id])
                node = assignment(target, value)
            elif is_transpose(value) and len(self.shapes.get(value.value.id, ())) == 2:
                self.transposed[target] = value.value.id
            # what the value is, from the names it reads as they are (`k = k + 1`), then
            # what the target holds
            facts = self.infer.facts(value) if isinstance(value, ast.Call) else None
            like = value.args[-1] if facts and facts.dtype == "like" else None
            boolean = isinstance(value, ast.Compare) or viewed_name(value) in self.booleans or (
                like is not None and viewed_name(like) in self.booleans)
            value_size = self.infer.size_value(value)
            known = value_size if value_size is not None else self.infer.shape_sizes(value)
            ints = self.infer.of_ints(value)  # (an element, or a part, of an index table)
            element = ints and self.infer.is_number(value)
            integer = is_integer(value, self.infer.integers) or value_size is not None or (
                facts is not None and facts.number and facts.dtype == "int64") or (
                like is not None and is_integer(like, self.infer.integers)) or element
            for names, holds in ((self.booleans, boolean), (self.infer.integers, integer),
                                 (self.infer.int_arrays, ints and not element)):
                if holds:
                    names.add(target)
                else:
                    names.discard(target)
            self.infer.values.pop(target, None)
            if known is not None:
                self.infer.values[target] = known
            if isinstance(value, ast.Name):
                self._same_array(target, value.id)
            viewed = viewed_name(value)  # x, x[1:], x.T: x's memory (or a copy of it)
            if viewed is not None:
                self.since[target] = self.since.get(viewed, 0)
            if isinstance(value, ast.Subscript) and viewed is not None \
                    and target not in names_in(value):
                self.parts[target] = (ast.dump(value), frozenset(names_in(value)), viewed)
            if self.schedule.alias(target, value, origin):
                return
            if self.infer.facts(value).loop == "tape" and self._tape(target, value, node, origin):
                return
            try:
                shape = self.infer.shape(value)
            except Unknown:
                self.shapes.pop(target, None)
                self.keep(node, origin)
                return
            try:
                written = self._loops(target, value, origin)
            except Unknown:
                written = False
            if not written:
                kept = self.keep(node, origin)
                if _allocates(value, self.infer):  # (np.zeros_like(x), own(g), x.copy())
                    self.allocated[target] = target
                if kept is not None and shape == ():
                    kept.astgrad_number = True  # (a name of no array: hoist.py)
            self.shapes[target] = shape
            return
        if self._stored(node, origin) or self._kept_result(node, origin):
            return
        for name in assigned_names(node):  # rebound by a form not followed (`a, b = f(x)`)
            self.shapes.pop(name, None)
            self.booleans.discard(name)
            self.infer.integers.discard(name)
            self.infer.int_arrays.discard(name)
            self.infer.values.pop(name, None)
        self.keep(node, origin)

    def _returned(self, value: ast.expr | None) -> tuple:
        """Whether `return value` returns a tuple, and what is known of each value."""
        if value is None:
            return False, [None]
        values = value.elts if isinstance(value, ast.Tuple) else [value]
        known = []
        for node in values:
            try:
                shape = self.infer.shape(node)
            except Unknown:
                known.append(None)
                continue
            if shape and self.infer.of_ints(node):  # (its caller's loops would read floats)
                known.append(None)
                continue
            known.append((shape, isinstance(node, ast.Name) and node.id in self.booleans))
        return isinstance(value, ast.Tuple), known

    def keep(self, node: ast.stmt, origin: Origin | None) -> ast.stmt | None:
        """Place `node` as it is (simplified); the statement placed, if any."""
        node = Simplify(self.infer, self.dtype, self._unshared(node)).visit(copy.deepcopy(node))
        if node is None:
            return None
        self.read_globals(node)
        self.schedule.place([tag(node, origin)], node)
        return node

    def _unshared(self, node: ast.stmt) -> set[str]:
        """The names a return statement returns that are the only ones it returns of an
        array this function allocated: returned as they are, they share memory with nothing
        else the caller gets."""
        if not isinstance(node, ast.Return):
            return set()
        returned = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        arrays = [self.allocated[name] for name in returned if name in self.allocated]
        return {name for name in returned
                if name in self.allocated and arrays.count(self.allocated[name]) == 1}

    def apart(self, name: str, base: str) -> bool:
        """Whether `name` certainly shares no memory with the array `base` names, one this
        function allocated: a number, (a part of) another array it allocated, or (a view of)
        an array bound before that one was allocated. A tape of a helper's results, made
        before the loop keeping them, shares memory with nothing that loop reads (only the
        reversed trips after it view its slots)."""
        if base in self.result_tapes:
            return True
        array = self.allocated[base]
        if self.shapes.get(name) == ():
            return True
        if self.allocated.get(name) not in (None, array):
            return True
        if name in self.parts and self.parts[name][2] != name:  # a part of another array
            return self.apart(self.parts[name][2], base)
        return self.allocated.get(name) is None and (
            self.since.get(name, 0) < self.since.get(base, 0))

    def same_part(self, name: str, part: ast.Subscript, sizes: tuple) -> bool:
        """Whether `name` is bound to the very part `part` of an array (the same index, none
        of whose names was rebound since), of these sizes: a loop writing that part reads
        each element of `name` at its own place before writing it."""
        known = self.parts.get(name)
        return known is not None and known[0] == ast.dump(part) and name in self.shapes \
            and tuple(self.infer.sizes(self.shapes[name])) == sizes

    def _same_array(self, target: str, name: str) -> None:
        """`target` now names the array `name` does."""
        if name in self.allocated:
            self.allocated[target] = self.allocated[name]

    def read_globals(self, node: ast.AST) -> None:
        """Note the generic module's names `node` reads, which the specialized module imports
        from it (not the builtins it reads, `slice(1, None)` in an index)."""
        self.globals |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                         and n.id in self.namespace} - self.local

    def _loops(self, target: str, value: ast.expr, origin: Origin | None) -> bool:
        """Write `target = value` as loops (or np.dot), if of a form the docstring lists."""
        form = self.infer.facts(value).loop
        if form in PRODUCTS:
            return self._product(target, value, origin)
        if form == "unbroadcast":
            return self._unbroadcast(target, value, origin)
        if form in REDUCTIONS:
            return self._reduction(target, value, origin)
        if form == "extremum_adjoint":
            return write_extremum_adjoint(self, target, value, origin)
        if form in FILLS:
            return write_filled(self, target, value, origin, form)
        if isinstance(value, (ast.Name, ast.Constant, ast.Attribute, ast.Subscript)) or (
                isinstance(value, ast.Call) and not self.infer.has_elements(value)):
            return False
        shape = self.infer.shape(value)
        if not shape:
            return False
        sizes = self.infer.sizes(shape)
        dtype = "bool_" if isinstance(value, ast.Compare) else self.dtype

        def build(indices):
            setup: list[ast.stmt] = []
            value_at = self.elements.element(value, indices, setup)
            out = self.fresh("_out")
            allocate = scratch(out, self.sizes(sizes), dtype)
            write = assign(element(out, [load(i) for i in indices], store=True), value_at)
            return setup + [allocate], [write], [assign(target, load(out))], out, False

        self.schedule.fused(target, value, origin, sizes, build)
        return True

    # -- statements of their own form -----------------------------------------------------------

    def _tape(self, target: str, value: ast.Call, node: ast.stmt, origin: Origin | None,
              before: list | None = None) -> bool:
        """`target = empty_tape(x, n)` of a number or an array of the float dtype, for a loop
        of n trips: `np.empty`, numbers kept as float64 as empty_tape keeps them, which
        hoist.py may make once for a loop outside (n computed in every trip of that loop
        from what it does not change: once more before it). And
        `result_tape(x, n)` of an array of the float dtype, for a loop of n trips (however
        many: a tape made at the loop's first trip), whose slots' shape is known, so that
        the loop's nests write x into a slot (`keep_result`) and the reversed trips' read it."""
        x, count = value.args
        result = self.infer.callee(value) is runtime.result_tape
        trips = self.infer.size_value(count)
        try:
            shape = self.infer.shape(x)
            if (result and not shape) or shape and (
                    self.infer.of_ints(x) or viewed_name(x) in self.booleans):
                return False
            if trips is None and result:  # (the count as the loop has it, bound before it)
                first = copy.deepcopy(count)
            elif trips is None:  # (room for no fewer than no trips, as empty_tape makes)
                first = ast.Call(load("max"), [copy.deepcopy(count), ast.Constant(0)], [])
            else:
                self.dims.require(trips)  # (the guard checks it is no less than 0 for others)
                first = trips.expression(self.size)
            sizes = [first, *self.sizes(self.infer.sizes(shape))]
        except Unknown:
            return False
        allocation = tag(scratch(target, sizes, self.dtype if shape else "float64"), origin)
        if before is None:
            self.schedule.place([allocation], node)
        else:
            before.append(allocation)
        self.shapes.pop(target, None)
        if result:
            self.shapes[target] = (self.dims.slots(target), *shape)
            self.result_tapes.add(target)
        self.allocated[target] = target
        self.rewritten += 1
        return True

    def tapes_before_loop(self, node: ast.If, origin: Origin | None) -> bool:
        """`if k == 0: tape = result_tape(x, n) ...` in the body of the loop over k (a
        recorded loop's tapes, made at its first trip): the tapes made before the loop
        instead, with room for max(n, 0) trips (x's shape known: the body makes it the same
        in every trip), so that the branch does not close the nest computing x, which then
        fills the tapes' slots."""
        if not self.open_loops or node.orelse:
            return False
        loop, before = self.open_loops[-1]
        test = node.test
        if not (isinstance(loop, ast.For) and isinstance(test, ast.Compare)
                and isinstance(test.left, ast.Name) and test.left.id == loop.target.id
                and isinstance(test.ops[0], ast.Eq) and isinstance(test.comparators[0],
                                                                   ast.Constant)
                and test.comparators[0].value == 0):
            return False
        made = [s for s in node.body if isinstance(s, ast.Assign) and isinstance(
            s.targets[0], ast.Name) and self.infer.callee(s.value) is runtime.result_tape]
        if len(made) != len(node.body) or any(
                names_in(s.value.args[1]) & assigned_names(loop) for s in made):
            return False
        state, tapes, allocations = self.state(), set(self.result_tapes), []
        for s in made:
            count = ast.Call(load("max"), [copy.deepcopy(s.value.args[1]), ast.Constant(0)], [])
            value = ast.Call(s.value.func, [s.value.args[0], count], [])
            if not self._tape(s.targets[0].id, value, s, origin, allocations):
                self.restore(state)
                self.result_tapes = tapes  # (the branch is written as it is)
                return False
        before += allocations
        return True

    def _kept_result(self, node: ast.stmt, origin: Origin | None) -> bool:
        """`keep_result(tape, k, x)` of a tape `_tape` made: the store `tape[k] = x`, in the
        nest computing x if it is open (x then need not be an array)."""
        if not (isinstance(node, ast.Expr) and self.infer.callee(node.value) is
                runtime.keep_result and node.value.args[0].id in self.result_tapes):
            return False
        tape, k, value = node.value.args
        self.allocated[tape.id] = tape.id  # (made by result_tape: no other name's array)
        store = ast.Assign([ast.Subscript(load(tape.id), copy.deepcopy(k), ast.Store())],
                           value, lineno=0)
        return self._stored(store, origin)

    def _stored(self, node: ast.stmt, origin: Origin | None) -> bool:
        """`a[index] = v` or `a[index] += v`, a basic index of an array this function
        allocated and v a number or another array it allocated (so that the loops read none
        of what they write): a loop nest over the part of a written, the open nest's if it
        computes v (Schedule.store_in_nest), else one of its own. (numba compiles NumPy's
        stores through an index with its error message's formatting, for seconds.)"""
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            return False
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
            return False
        base = target.value.id
        part = ast.Subscript(load(base), copy.deepcopy(target.slice), ast.Load())
        try:
            shape, value_shape = self.infer.shape(part), self.infer.shape(value)
        except Unknown:
            return False
        if base not in self.allocated or not isinstance(value, ast.Name | ast.Constant) or (
                value_shape and self.allocated.get(value.id) in (None, self.allocated[base])):
            return False
        find = self.dims.find
        if not shape or {base, viewed_name(value)} & self.booleans or base in self.transposed \
                or len(value_shape) > len(shape) or any(
                    find(dim) not in (ONE, find(shape[k - len(value_shape)]))
                    for k, dim in enumerate(value_shape)):
            return False  # (NumPy refuses a value larger than the part: the generic code)
        if not self.schedule.store_in_nest(node, origin, part, value,
                                           self.infer.sizes(shape)):
            self.schedule.flush()  # (the store changes an array the open nest may read)
            indices = [self.fresh("_i") for _ in shape]
            setup: list[ast.stmt] = []
            write = self.element_store(node, part, value, indices, setup)
            nest = loops(indices, self.sizes(self.infer.sizes(shape)), [write])
            self.schedule.place([tag(s, origin) for s in [*setup, *nest]], node)
        self.rewritten += 1
        return True

    def element_store(self, node: ast.stmt, part: ast.Subscript, value: ast.expr,
                      indices: list[str], setup: list[ast.stmt]) -> ast.stmt:
        """The store `node` (`part = value` or `part += value`) at one place of the part, in
        a nest over `indices`; what is computed once goes into `setup`."""
        value_at = self.elements.element(value, indices, setup)
        into = self.elements.indexed(part, indices, stored=True)
        into.ctx = ast.Store()
        return add_into(into, value_at) if isinstance(node, ast.AugAssign) \
            else assign(into, value_at)

    def _product(self, target: str, node: ast.Call, origin: Origin | None) -> bool:
        """A product of matrices (or its adjoints) of the one dtype: numba's np.dot, into an
        array allocated here (numba compiles np.dot with an output array in half the time:
        without one, it compiles both versions)."""
        form = self.infer.facts(node).loop
        if not all(isinstance(a, ast.Name) and len(self.infer.shape(a)) == 2 for a in node.args):
            return False
        names = [a.id for a in node.args]
        if form == "product_adjoint_a":  # g @ b.T
            operands = [(names[0], False), (names[2], True)]
        elif form == "product_adjoint_b":  # a.T @ g
            operands = [(names[1], True), (names[0], False)]
        else:
            operands = [(names[0], False), (names[1], False)]
        operands = [(self.transposed[x], not t) if x in self.transposed else (x, t)
                    for x, t in operands]
        (a, a_t), (b, b_t) = operands
        m, k = self.infer.sizes(self.shapes[a][::-1] if a_t else self.shapes[a])
        n = self.infer.sizes(self.shapes[b][::-1] if b_t else self.shapes[b])[1]
        if ONE in (m, k, n):  # an outer or matrix-vector product: a loop beats a BLAS call
            self._small_product(target, node, origin, operands, (m, k, n))
            return True
        shape, array = self.infer.shape(node), target
        after = []
        if target in self.transposed_later:  # (a @ b).T = b.T @ a.T, into an array of its own
            array, shape = self.fresh(f"{target}_T"), shape[::-1]
            operands = [(b, not b_t), (a, not a_t)]
            after.append(assign(target, attribute(array, "T")))
            self.transposed[target], self.shapes[array] = array, shape
        factors = [attribute(x, "T") if t else load(x) for x, t in operands]
        allocate = assign(array, new_array("empty", self.sizes(self.infer.sizes(shape)),
                                           self.dtype))
        self.schedule.place([tag(allocate, origin), ast.Expr(call("np.dot", *factors, load(array))),
                     *after], assignment(target, node))
        self.allocated[target] = self.allocated[array] = array
        self.rewritten += 1
        return True

    def _small_product(self, target: str, node: ast.Call, origin: Origin | None, operands,
                       sizes: tuple) -> None:
        """A product with a dimension of 1, as loops. An outer product (inner size 1) is
        elementwise. Otherwise one operand is a vector and the sum runs along the other, the
        matrix: into a number per result element when the summed axis is the matrix's last
        (the loop reads it in memory order), else into the result, over the matrix in memory
        order (a nest the matrix's other statements can share)."""
        (a, a_t), (b, b_t) = operands
        m, k, n = sizes
        result = self.sizes([m, n])

        def product(row, inner, column, arrays=(a, b)):
            """The operands' elements' product, and the result's place, for these indices
            (names, or ZERO)."""
            row, inner, column = (ast.Constant(0) if size == ONE or index == ZERO
                                  else load(index) for size, index in
                                  zip(sizes, (row, inner, column)))
            left = element(arrays[0], [inner, row] if a_t else [row, inner])
            right = element(arrays[1], [column, copy.copy(inner)] if b_t
                            else [copy.copy(inner), column])
            return ast.BinOp(left, ast.Mult(), right), [copy.copy(row), copy.copy(column)]

        if k == ONE:
            def build(indices):
                self.schedule.not_computing(a, b)
                value, at = product(indices[0], ZERO, indices[1])
                out = self.fresh("_out")
                return ([scratch(out, result, self.dtype)],
                        [assign(element(out, at, store=True), value)],
                        [assign(target, load(out))], out, False)

            self.schedule.fused(target, node, origin, [m, n], build)
            return
        vector_on_right = n == ONE  # (m, k) @ (k, 1); else (1, k) @ (k, n)
        free = m if vector_on_right else n
        if (not a_t) if vector_on_right else b_t:  # summed along the matrix's last axis
            out, total = self.fresh("_out"), self.fresh("_total")
            index, inner = self.fresh("_i"), self.fresh("_i")
            value, at = product(*((index, inner, ZERO) if vector_on_right else
                                  (ZERO, inner, index)))
            body = [assign(total, number(0.0, self.dtype)),
                    for_range(inner, self.sizes([k]), [
                        add_into(ast.Name(total, ast.Store()), value)]),
                    assign(element(out, at, store=True), load(total))]
            allocate = scratch(out, result, self.dtype)
            self.schedule.own_nest(target, node, origin, allocate,
                           loops([index], self.sizes([free]), body), load(out))
            self.allocated[target] = out
            return

        def build(indices):  # over the matrix as it is stored, (inner, free)
            inner, index = indices
            if vector_on_right:
                self.schedule.not_computing(b)
                arrays = (self.schedule.current(a, self.shapes[a], indices), b)
                value, at = product(index, inner, ZERO, arrays)
            else:
                self.schedule.not_computing(a)
                arrays = (a, self.schedule.current(b, self.shapes[b], indices))
                value, at = product(ZERO, inner, index, arrays)
            out = self.fresh("_out")
            return ([assign(out, new_array("zeros", result, self.dtype))],
                    [add_into(element(out, at, store=True), value)],
                    [assign(target, load(out))], out, True)

        self.schedule.fused(target, node, origin, [k, free], build)

    def _unbroadcast(self, target: str, node: ast.Call, origin: Origin | None) -> bool:
        value, like = node.args
        shape, like_shape = self.infer.shape(value), self.infer.shape(like)
        if shape and not like_shape:  # to a number: the sum of all elements
            return self._summed(target, node, origin, value, shape)
        if not like_shape or len(shape) < len(like_shape):
            return False
        if self.infer.sizes(shape) == self.infer.sizes(like_shape):  # nothing to sum: itself
            if isinstance(value, ast.Name):
                self.statement(assignment(target, value), origin)  # an alias
                self.rewritten += 1
                return True
            return self._loops(target, value, origin)
        first = len(shape) - len(like_shape)
        if any(dim != ONE and self.dims.find(shape[first + k]) == ONE
               for k, dim in enumerate(like_shape)):
            return False  # `like` larger than the adjoint along a dimension: not a sum

        def build(indices):
            setup: list[ast.stmt] = []
            value_at = self.elements.element(value, indices, setup)
            out = self.fresh("_out")
            allocate = assign(out, new_array("zeros", self.sizes(self.infer.sizes(like_shape)),
                                             self.dtype))
            into = self.elements.read(out, like_shape, indices)
            into.ctx = ast.Store()
            return (setup + [allocate], [add_into(into, value_at)], [assign(target, load(out))],
                    out, True)

        self.schedule.fused(target, node, origin, self.infer.sizes(shape), build)
        return True

    def _summed(self, target: str, node: ast.Call, origin: Origin | None, value: ast.expr,
                shape: tuple) -> bool:
        """`target` = the sum of `value`'s elements, a number, in a loop nest."""
        def build(indices):
            setup: list[ast.stmt] = []
            value_at = self.elements.element(value, indices, setup)
            total = self.fresh("_total")
            return (setup + [assign(total, number(0.0, self.dtype))],
                    [add_into(ast.Name(total, ast.Store()), value_at)],
                    [assign(target, load(total))], total, True)

        self.schedule.fused(target, node, origin, self.infer.sizes(shape), build)
        return True

    def _hoisted(self, node: ast.Assign, origin: Origin | None) -> ast.Assign:
        """`node` with each adjoint it sums to a number (`g + unbroadcast(E, like)`, E an
        array, like a number) and each extremum's adjoint (`g + extremum_adjoint(...)`) bound
        to a name of its own first, a loop nest's."""
        writer, node = self, copy.deepcopy(node)

        class Hoist(ast.NodeTransformer):
            def visit_Call(self, call: ast.Call):
                self.generic_visit(call)
                form = writer.infer.facts(call).loop
                if call is node.value or form not in ("unbroadcast", "extremum_adjoint"):
                    return call
                try:
                    if form == "unbroadcast" and (writer.infer.shape(call.args[1])
                                                  or not writer.infer.shape(call.args[0])):
                        return call
                except Unknown:
                    return call
                name = writer.fresh("_sum" if form == "unbroadcast" else "_share")
                writer.statement(assignment(name, call), origin)
                return load(name)

        return Hoist().visit(node)

    def _reduction(self, target: str, node: ast.Call, origin: Origin | None) -> bool:
        kind = self.infer.facts(node).loop
        source, axis, keep = reduction_arguments(node)
        shape = self.infer.shape(source)
        if not shape or (axis is None and (keep or kind not in ("sum", "mean"))):
            return False
        x, rank, sizes = source.id, len(shape), self.infer.sizes(shape)
        if x in self.booleans:
            return False  # a count, of integers
        if kind in ("max", "min"):
            write_extremum(self, target, node, origin, kind, x, axis % rank, keep, sizes)
            return True

        def build(indices):
            value_at = self.elements.read(self.schedule.current(x, shape, indices), shape, indices)
            if axis is None:  # a sum of everything, into a number
                total = self.fresh("_total")
                count = in_dtype(attribute(x, "size"), self.dtype)
                result = ast.BinOp(load(total), ast.Div(), count) if kind == "mean" \
                    else load(total)
                return ([assign(total, number(0.0, self.dtype))],
                        [add_into(ast.Name(total, ast.Store()), value_at)],
                        [assign(target, result)], total, True)
            along = axis % rank
            out = self.fresh("_out")
            at, out_sizes = reduced_places(rank, along, keep, [load(i) for i in indices], sizes)
            allocate = assign(out, new_array("zeros", self.sizes(out_sizes or [ONE]),
                                             self.dtype))
            result = load(out) if out_sizes else element(out, [ast.Constant(0)])
            if kind == "mean":
                result = ast.BinOp(result, ast.Div(), self.size(sizes[along]))
            return ([allocate], [add_into(element(out, at, store=True), value_at)],
                    [assign(target, result)], out, True)

        self.schedule.fused(target, node, origin, sizes, build)
        return True


def _allocates(value: ast.expr, infer: Shapes) -> bool:
    """Whether `value` is certainly a new array (a call whose facts say so, or `x.copy()`)."""
    return isinstance(value, ast.Call) and (is_copy(value) or infer.facts(value).allocates)
