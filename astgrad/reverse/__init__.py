"""Reverse: a normalized program to its gradient, a forward sweep then an adjoint sweep.

Takes the `Program` of the function to differentiate (normalized, with the user functions it
calls) and the names of its `wrt` parameters. Produces a `Gradient`: Python syntax trees for

- the gradient function, which runs the computation forward, one operation per line, then walks
  the lines backward applying each active statement's derivative rule, and returns the
  gradients (and the value, for value_and_grad);
- the entry point the user calls, which calls the compiled gradient and reports errors on the
  user's lines;
- for each user function called, its forward version and, for each combination of its
  arguments that carries derivatives, its vector-Jacobian product, which the gradient calls
  instead of inlining the function's body: called outside loops or in a for loop's body, in
  two halves (`helper_fwd` returns the values its adjoint reads, which a for loop keeps for
  every trip; `helper_bwd` takes them), so that the function runs forward once; elsewhere in
  loops, whole (`helper_vjp` recomputes what its adjoint reads).

Every generated statement is tagged with the user Origin it comes from (emit prints it).

    state.py      the state of adjoint variables while the sweep is written
    forward.py    normalized code as Python syntax
    writer.py     one function's sweeps: captures, stores, branches, calls, rules
    adjoints.py   contributions added into adjoint variables
    trees.py      a user statement's elementwise operations differentiated together
    scalars.py    which names are certainly numbers (no broadcasting to undo)
    loops.py      loops: each trip a checkpoint, recomputed in the reverse loop
    trips.py      a loop's plan, and what a reversed trip recomputes and keeps
    recording.py  the forward run of a loop, keeping what its trips' reverse needs
    indexes.py    indexes read once, whose adjoints may add in place
    numbers.py    number literals in the arguments' float type
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from .. import analysis, ir
from ..emit import function_def, tag
from ..names import Names, Namespace
from .forward import Spelling
from .indexes import indexes_read_once
from .numbers import typed_literals
from .state import Saved, SavedValue, assign, clone, load
from .trips import names_in
from .writer import FunctionWriter


@dataclass
class Gradient:
    """The generated gradient: its functions, in the order they are printed."""

    functions: list[ast.FunctionDef]
    compiled: tuple[str, ...]  # the names numba compiles (all but the entry point)
    entry: str
    saved: Saved = field(default_factory=Saved)
    # whether loops keep what helpers' forward halves return (astgrad.entry.recomputed runs
    # a version that recomputes it when its shape changes from trip to trip)
    taped: bool = False


@dataclass
class Split:
    """A user function's vjp in two halves (ProgramWriter.split)."""

    forward: str  # params -> (outputs..., residuals...)
    backward: str  # params it reads..., residuals..., adjoints of the outputs... -> adjoints
    residuals: tuple[str, ...]  # the function's names of the values kept between them
    params: tuple[int, ...] = ()  # the positions of the parameters `backward` reads

    def kept(self, function: str) -> str:
        """What a caller keeps of `function` (as `df.saved` lists it)."""
        named = [r for r in self.residuals if not r.startswith("_")]
        count = len(self.residuals)
        return f"{count} value{'s' * (count > 1)} of {function} that its adjoint reads" + (
            f" ({', '.join(named)}, ...)" if named else "")


@dataclass
class _Swept:
    """A user function's sweeps, written once for its vjp and its halves."""

    function: ir.Function
    writer: FunctionWriter
    seeds: list[str]
    adjoint: list
    ending: list


class ProgramWriter:
    """Writes the functions of one generated module."""

    def __init__(self, program, namespace: Namespace, names: Names, tape_results: bool = True):
        self.program = program
        # whether a helper's calls in `for` loops keep what their forward halves return (a
        # version that recomputes it is written for when their shapes change from trip to
        # trip), and whether any did
        self.tape_results, self.taped = tape_results, False
        self.namespace = namespace
        self.names = names  # module-level names: generated functions and imports
        self.spelling = Spelling(namespace, self.primal_name)
        self.functions: list[ast.FunctionDef] = []
        self.saved: list[SavedValue] = []
        self._primals: dict[object, str] = {}
        self._vjps: dict[tuple, str] = {}
        self._splits: dict[tuple, Split | None] = {}
        self._swepts: dict[tuple, _Swept] = {}
        self.float_name = names.fresh("_float")  # numbers' float type, in every function

    def function_names(self, function: ir.Function) -> Names:
        """Local names of one generated function: clear of the user's and the module's."""
        return Names(function.user_names | self.names.taken)

    def primal_name(self, user: ir.UserFunction) -> str:
        """The forward version of a user function (written once)."""
        if user.key not in self._primals:
            function = self.program.function_of(user)
            name = self._primals[user.key] = self.names.fresh(user.name)
            body = self.spelling.plain_block(function.body)
            self.functions.append(self.finished(function_def(name, _arguments(function.params),
                                                             body), function.origin))
        return self._primals[user.key]

    def vjp(self, user: ir.UserFunction, active: tuple[str, ...]) -> str:
        """The vector-Jacobian product of a user function for the `active` parameters:
        `helper_vjp(params..., adjoints of its outputs...)` returns their adjoints, the
        function's values its adjoint reads recomputed first: for a call whose reversed trip
        has only the arguments (in a while loop, in a loop's branch, or in the version of a
        gradient written not to keep what for loops' calls return)."""
        key = (user.key, active)
        if key not in self._vjps:
            swept = self._swept(user, active)
            name = self._vjps[key] = self.names.fresh(f"{user.name}_vjp")
            self._backward_function(swept, name, None)
        return self._vjps[key]

    def split(self, user: ir.UserFunction, active: tuple[str, ...]) -> Split | None:
        """The vector-Jacobian product of a user function in two halves, for a call outside
        loops (whose forward values live until its adjoint) or in a for loop's body (whose
        forward run keeps them for every trip): `helper_fwd(params...)` returns its outputs
        and the values its adjoint reads (residuals), which `helper_bwd(params it reads...,
        residuals..., adjoints of its outputs...)` takes instead of recomputing them, as
        JAX's vjp keeps them. None if its adjoint reads no value worth keeping (sums and
        products, views, arguments: recomputed as cheaply as read back)."""
        key = (user.key, active)
        if key not in self._splits:
            swept = self._swept(user, active)
            residuals = swept.writer.residuals_for(swept.adjoint)
            if not residuals:
                self._splits[key] = None
                return None
            forward = self.names.fresh(f"{user.name}_fwd")
            backward = self.names.fresh(f"{user.name}_bwd")
            self._forward_function(swept, forward, residuals)
            params = self._backward_function(swept, backward, residuals)
            self._splits[key] = Split(forward, backward, residuals, params)
        return self._splits[key]

    def _swept(self, user: ir.UserFunction, active: tuple[str, ...]) -> _Swept:
        """The sweeps of a user function for the `active` parameters (written once)."""
        key = (user.key, active)
        if key not in self._swepts:
            function = self.program.function_of(user)
            names = self.function_names(function)
            returned = function.body[-1].value
            outputs = returned if isinstance(returned, tuple) else (returned,)
            seeds = [names.fresh(f"_d_out{i}" if len(outputs) > 1 else "_d_out")
                     for i in range(len(outputs))]
            writer = FunctionWriter(function, analysis.activity(function, active, self.program),
                                    self, names)
            _, adjoint = writer.sweeps(list(zip(outputs, (load(s) for s in seeds))))
            gradients = [writer.gradient_of(p, None, len(active) > 1) for p in active]
            result = gradients[0] if len(gradients) == 1 else ast.Tuple(gradients, ast.Load())
            ending = [tag(ast.Return(result), function.body[-1].origin)]
            self._swepts[key] = _Swept(function, writer, seeds, adjoint, ending)
            self.saved += [SavedValue(f"in {function.name}: {s.what}", s.line, s.per)
                           for s in writer.saved]
        return self._swepts[key]

    def _backward_function(self, swept: _Swept, name: str, residuals: tuple[str, ...] | None
                           ) -> tuple[int, ...]:
        """The adjoint of a user function as a function of its parameters, the `residuals`
        its forward half kept (None: a vjp, which recomputes them), and the adjoints of its
        outputs; the positions of the parameters it takes (a backward half takes only those
        it reads: a caller keeps no more than it needs, such as sigmoid's argument once its
        exponential is kept)."""
        adjoint, ending = copy.deepcopy(swept.adjoint), copy.deepcopy(swept.ending)
        forward, adjoint = swept.writer.replayed(adjoint, ending, frozenset(residuals or ()))
        function, body = swept.function, forward + adjoint + ending
        positions = tuple(range(len(function.params)))
        if residuals is not None:
            read = names_in(body) | names_in(body, witnesses=True)
            positions = tuple(k for k, p in enumerate(function.params) if p in read)
        params = [function.params[k] for k in positions] + list(residuals or ()) + swept.seeds
        self.functions.append(self.finished(function_def(name, _arguments(params), body),
                                            function.origin))
        return positions

    def _forward_function(self, swept: _Swept, name: str, residuals: tuple[str, ...]):
        """A user function computing its outputs and then returning them with `residuals`."""
        function = swept.function
        returned = function.body[-1]
        outputs = returned.value if isinstance(returned.value, tuple) else (returned.value,)
        body = swept.writer.computing()
        values = [self.spelling.atom(a) for a in outputs] + [load(r) for r in residuals]
        body.append(tag(ast.Return(ast.Tuple(values, ast.Load())), returned.origin))
        self.functions.append(self.finished(function_def(
            name, _arguments(function.params), body), function.origin))

    def gradient(self, wrt: tuple[str, ...], single: bool, with_value: bool, name: str,
                 entry: str) -> Gradient:
        """The gradient of the program's main function, and its entry point."""
        function = self.program.main_function
        names = self.function_names(function)
        writer = FunctionWriter(function, analysis.activity(function, wrt, self.program), self,
                                names)
        body: list[ast.stmt] = []
        for param in wrt:
            body.append(tag(ast.Expr(self.namespace.call("require_float", load(param))),
                            function.origin))
        for param, line in _trip_counts(function).items():
            # numba would run range(2.5) for 2 trips, and range(nan) for none; Python refuses
            check = self.namespace.call("require_int", load(param), ast.Constant(param),
                                        ast.Constant(line))
            body.append(tag(ast.Expr(check), function.origin))
        arguments = {}
        rebound = ir.assigned(function.body)
        for param in ir.stored(function.body) & set(function.params):
            # written into: work on a copy, the caller's array is never modified
            body.append(tag(assign(param, self.namespace.call("own", load(param))),
                            function.origin))
        for param in wrt:
            arguments[param] = param
            if param in rebound:  # the body rebinds it: keep the argument for the result type
                arguments[param] = names.capture(param)
                body.append(tag(assign(arguments[param], load(param)), function.origin))
        returned = function.body[-1]
        outputs = returned.value if function.aux else (returned.value,)
        forward, adjoint = writer.sweeps([(outputs[0], None)])
        shown = outputs if with_value else outputs[1:]
        results = [self._kept(atom, forward, adjoint, names, returned.origin) for atom in shown]
        body += forward + adjoint
        gradients = [writer.gradient_of(p, load(arguments[p]), len(wrt) > 1) for p in wrt]
        result: ast.expr = gradients[0] if single else ast.Tuple(gradients, ast.Load())
        if function.aux:  # JAX's forms: (gradient, aux) and ((value, aux), gradient)
            if with_value:
                result = ast.Tuple([ast.Tuple(results, ast.Load()), result], ast.Load())
            else:
                result = ast.Tuple([result, results[0]], ast.Load())
        elif with_value:
            result = ast.Tuple([results[0], result], ast.Load())
        body.append(tag(ast.Return(result), returned.origin))
        defaults = _arguments(function.params, function.defaults, self.namespace)
        compiled = self.finished(function_def(name, defaults, body), function.origin)
        functions = [compiled, _entry(function, name, entry, self.namespace, self.taped)]
        functions += self.functions
        saved = Saved(writer.saved + self.saved)
        return Gradient(functions, tuple(f.name for f in functions if f.name != entry), entry,
                        saved, self.taped)


    def finished(self, function: ast.FunctionDef, origin) -> ast.FunctionDef:
        """A generated function as it is printed: its float literals in its arguments' float
        type (numbers.py), module-level index arrays read once (indexes.py)."""
        callees = set(self._primals.values()) | set(self._vjps.values()) | {
            name for split in self._splits.values() if split is not None
            for name in (split.forward, split.backward)}
        function = typed_literals(function, self.float_name, self.namespace, callees, origin)
        return tag(indexes_read_once(function, self.namespace, self.names, origin), origin)

    def _kept(self, atom, forward: list, adjoint: list, names: Names, origin) -> ast.expr:
        """A returned value as the forward sweep left it: if the adjoint sweep puts back an
        earlier value of the name (a loop restoring its trips), a copy taken before it."""
        if not (isinstance(atom, ir.Name) and _changed_by(adjoint, atom.id)):
            return self.spelling.atom(atom)
        kept = names.fresh(f"_{atom.id}_out")
        forward.append(tag(assign(kept, self.namespace.call("own", load(atom.id))), origin))
        return load(kept)


def _trip_counts(function: ir.Function) -> dict[str, int]:
    """The parameters that are bounds of a `for` loop over a range, as given (never rebound),
    each with the line of the first such loop."""
    rebound = ir.assigned(function.body)
    out: dict[str, int] = {}
    for stmt in ir.walk(function.body):
        if isinstance(stmt, ir.For):
            for bound in (stmt.start, stmt.stop, stmt.step):
                if isinstance(bound, ir.Name) and bound.id in function.params \
                        and bound.id not in rebound:
                    out.setdefault(bound.id, stmt.origin.line)
    return out


def _changed_by(statements: list[ast.stmt], name: str) -> bool:
    """Whether generated statements assign `name`, write into it, or pass it to a helper
    called for its effect (an undo log writing back into the array)."""
    for node in (n for stmt in statements for n in ast.walk(stmt)):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(
                node.value, ast.Name) and node.value.id == name:
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and any(
                isinstance(a, ast.Name) and a.id == name for a in node.value.args):
            return True
    return False


def reverse_program(program, wrt: tuple[str, ...], *, single: bool, with_value: bool,
                    namespace: Namespace, names: Names, name: str, entry: str,
                    tape_results: bool = True) -> Gradient:
    """The gradient of `program`'s main function with respect to the parameters `wrt`;
    `tape_results=False`: its loops recompute what helpers' adjoints read."""
    writer = ProgramWriter(program, namespace, names, tape_results)
    return writer.gradient(wrt, single, with_value, name, entry)


def _arguments(params: list[str], defaults: dict | None = None,
               namespace: Namespace | None = None) -> ast.arguments:
    defaults = defaults or {}
    values = [namespace.constant(ir.Const(defaults[p])) for p in params if p in defaults]
    return ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=values)


def _entry(function: ir.Function, compiled: str, entry: str, ns: Namespace,
           taped: bool) -> ast.FunctionDef:
    """The Python function the user calls: the compiled gradient, with errors translated
    (and, if its loops keep what helpers return, computed again by a version that recomputes
    it when its shape changes from trip to trip: astgrad.entry.recomputed).

    Its parameters default to `NOT_GIVEN`, positional-only (keyword-only after `*`), with
    `*more, **named` to take whatever else comes, so that a call with missing, extra, unknown
    or repeated arguments reaches its body: the common call (every argument given, by
    position) costs one test per argument, and any other is bound by `bind_arguments` as
    Python binds the user's function, or refused with the user's `def` line.
    """
    args = [load(p) for p in function.params]
    more, named, error = (ns.names.fresh(word) for word in ("more", "named", "error"))
    given = ast.Tuple(args, ast.Load())
    missing = ast.Name(ns.import_from("astgrad.entry", "NOT_GIVEN"), ast.Load())
    unusual = ast.BoolOp(ast.Or(), [load(more), load(named)] + [
        ast.Compare(arg, [ast.Is()], [missing]) for arg in args])
    bind = ast.Call(load(ns.import_from("astgrad.entry", "bind_arguments")),
                    [load("__name__"), given, load(more), load(named)], [])
    targets = ast.Tuple([ast.Name(p, ast.Store()) for p in function.params], ast.Store())
    call = ast.Call(load(compiled), args, [])
    translate = ast.Call(load(ns.import_from("astgrad.entry", "translate_error")),
                         [load(error), load("__name__"), given], [])
    handlers = [ast.ExceptHandler(load("Exception"), error,
                                  [ast.Raise(translate, ast.Constant(None))])]
    if taped:
        changed = load(ns.import_from("astgrad.errors", "ResidualShapeChanged"))
        again = ast.Call(load(ns.import_from("astgrad.entry", "recomputed")),
                         [load("__name__"), clone(given)], [])
        handlers.insert(0, ast.ExceptHandler(changed, None, [ast.Return(again)]))
    body = [ast.Try([ast.If(unusual, [ast.Assign([targets], bind)], []), ast.Return(call)],
                    handlers, [], [])]
    positional = [ast.arg(p) for p in function.params if p not in function.keyword_only]
    keyword = [ast.arg(p) for p in function.params if p in function.keyword_only]
    parameters = ast.arguments(posonlyargs=positional, args=[], vararg=ast.arg(more),
                               kwonlyargs=keyword, kw_defaults=[missing] * len(keyword),
                               kwarg=ast.arg(named), defaults=[missing] * len(positional))
    return function_def(entry, parameters, body)
