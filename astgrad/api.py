"""grad and value_and_grad: options, the memo of built gradients, and the pipeline call.

A gradient is built once per (function, wrt, options): parse, normalize, analyze, reverse,
emit, load. What the user gets back is the generated module's entry function, a plain Python
function carrying the generated text as `.source`; calling it runs the compiled gradient.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import linecache
import sys
import types
import warnings
import weakref
from collections.abc import Callable

import numpy as np

from . import cache, loader
from .emit import module_text
from .entry import GeneratedCode, is_numba_error, register_generated
from .errors import InputError, Origin, SpecializationWarning, WrtError, caller_origin
from .names import Names, Namespace
from .normalize import normalize_program
from .parse import parse, plain_function
from .reverse import reverse_program
from .runtime import ShapePatternError
from .specialize import argument_pattern, specializable, specialize

# numba's fastmath flags for specialized gradients: their loops' sums may be reordered (so
# numba vectorizes them, as BLAS reorders its own) and multiply-adds fused; no flag that
# assumes values finite, as the training loop's check for NaN and inf needs them
SUMS_IN_ANY_ORDER = {"reassoc", "contract"}

__version__ = "0.1.0"

# function -> {(wrt names, single, jit, with_value): gradient}
_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def grad(f: Callable | None = None, wrt=0, *, jit: bool = True, has_aux: bool = False):
    """The gradient of a scalar function `f` with respect to the argument(s) `wrt`.

        df = astgrad.grad(lambda_free_function, wrt=(0, 1))
        dx, dy = df(2.0, 3.0)

    `wrt` is an argument position or name, or a tuple of them: one gives one gradient, a
    tuple gives a tuple (JAX's `argnums`). `jit=False` runs the same generated code as plain
    NumPy. Usable as `@astgrad.grad` and `@astgrad.grad(wrt=...)`. The result's `.source` is
    the generated Python text; a gradient of arrays runs rewritten as loops for the
    pattern of its arguments (ranks, dtype, dimensions of 1 or equal), written on the
    first call with each pattern, whose texts are in `.specialized`. With `has_aux=True`, `f`
    returns `(value, aux)` and the result returns `(gradient, aux)`: aux is computed along,
    not differentiated (JAX's `has_aux`).
    """
    return _gradient(f, wrt, jit, with_value=False, has_aux=has_aux)


def value_and_grad(f: Callable | None = None, wrt=0, *, jit: bool = True,
                   has_aux: bool = False):
    """Like `grad`, but the result returns `(value, gradient)`, or with `has_aux=True`
    `((value, aux), gradient)`.

        loss, g = astgrad.value_and_grad(loss_fn)(w, X, y)
    """
    return _gradient(f, wrt, jit, with_value=True, has_aux=has_aux)


def _gradient(f, wrt, jit: bool, with_value: bool, has_aux: bool):
    for option, value in (("jit", jit), ("has_aux", has_aux)):
        if not isinstance(value, bool | np.bool_):
            raise InputError(f"{option} must be True or False, not {value!r}",
                             _definition(f) if f is not None else caller_origin(),
                             f"pass {option}=True or {option}=False")
    if f is None:  # @grad(wrt=...) on a function
        return functools.partial(_gradient, wrt=wrt, jit=jit, with_value=with_value,
                                 has_aux=has_aux)
    names, single = wrt_names(f, wrt)
    key = (names, single, bool(jit), with_value, bool(has_aux))
    target = getattr(f, "py_func", f)
    try:
        cache = _built.setdefault(target, {})
    except TypeError:  # not weakly referenceable: not a Python function (parse says why)
        cache = {}
    if key not in cache:
        cache[key] = _build(f, names, single, bool(jit), with_value, bool(has_aux))
    return cache[key]


def specialized(gradient, arguments):
    """`gradient` (what grad or value_and_grad returned) rewritten for arguments like these:
    their ranks, dtype, and which dimensions are 1 or equal (astgrad/specialize/), compiled
    if the gradient is; the gradient itself if it cannot be specialized. Arguments of another
    pattern go to the gradient itself (compiling it for them), and so do arguments that make
    the function fail, which it reports on the function's line. `.compiled` is the
    specialized function (which raises astgrad.runtime.ShapePatternError for another pattern).

        fast = specialized(value_and_grad(loss, wrt=(0, 1)), (W, b, X, Y))
        value, (dW, db) = fast(W, b, X, Y)
    """
    generic = getattr(gradient.compiled, "py_func", gradient.compiled)
    function, text = _specialized_version(gradient.trees, generic, arguments, gradient.jit)
    if function is None:
        return gradient

    def call(*args):
        try:
            return function(*args)
        except Exception:  # arguments of another pattern, or an error in the function
            return gradient(*args)  # computes the gradient, or reports the error on its line

    call.__name__ = call.__qualname__ = f"{generic.__name__}_specialized"
    call.compiled, call.source, call.jit = function, text, gradient.jit
    return call


def _specialized_version(trees: dict[str, ast.FunctionDef], generic, arguments, jit: bool):
    """The generated function `generic` (whose module's function trees are `trees`)
    specialized for the pattern of `arguments`, loaded (compiled if `jit`), and its text;
    (None, None) if it cannot be."""
    pattern = argument_pattern(arguments)
    if pattern is None:
        return None, None
    # the specializer's text is kept in the cache for the next process: the generic module's
    # name keys the gradient's text, what it injects and astgrad's own sources
    key = hashlib.sha256(f"{generic.__module__} {pattern!r}".encode()).hexdigest()[:20]
    written = cache.remembered(f"{generic.__name__}_specialized_{key}.json", lambda: specialize(
        trees[generic.__name__], *pattern, generic.__module__,
        vars(sys.modules[generic.__module__]), trees))
    if written is None:
        return None, None
    text, functions = written
    module = loader.load(text, f"{generic.__name__}_specialized", {}, tuple(functions),
                         jit, fastmath=SUMS_IN_ANY_ORDER)
    return getattr(module, generic.__name__), text


# at most this many argument patterns get a specialized gradient each (then the generic one)
SPECIALIZED_PATTERNS = 4


def _specializing(namespace: dict, name: str, trees: dict[str, ast.FunctionDef],
                  jit: bool) -> list[str]:
    """Put, in place of the gradient `name` in `namespace` (the entry's globals), a function
    that runs it specialized for the pattern of its arguments (astgrad/specialize/): the
    first call decides; if its arguments' pattern cannot be specialized, the gradient is put
    back and runs as it is. Arguments of a pattern not yet seen get a version of their own
    (up to SPECIALIZED_PATTERNS); a call that a version refuses otherwise, or that raises in
    it, runs the gradient itself, which reports the error on the user's line. Returns the
    list of the versions' texts, which grows as they are written."""
    generic = namespace[name]
    plain = getattr(generic, "py_func", getattr(generic, "__wrapped__", generic))
    versions: list = []  # (the arrays' dtypes it was written for, the version), the last
    # used first
    texts: list[str] = []

    def call(*args):
        dtypes = [a.dtype if isinstance(a, np.ndarray) else None for a in args]
        for position, (written_for, version) in enumerate(versions):
            if written_for != dtypes:  # (the pattern's check reads shapes, not dtypes)
                continue
            try:
                result = version(*args)
            except ShapePatternError:
                continue
            except Exception as error:  # the gradient itself reports it
                if is_numba_error(error):  # a version numba cannot compile: none from now
                    namespace[name] = generic
                return generic(*args)
            if position:  # the pattern of the last call first: a refusal raises, which costs
                versions.insert(0, versions.pop(position))
            return result
        version = None
        if len(versions) < SPECIALIZED_PATTERNS:
            try:
                version, text = _specialized_version(trees, plain, args, jit)
            except Exception as error:  # astgrad's bug, not the call's: the gradient runs
                warnings.warn(SpecializationWarning(
                    f"astgrad could not specialize {name} for these arguments ("
                    f"{type(error).__name__}: {error}), a bug in astgrad; the gradient runs as "
                    "generated, correct but slower. Please report it with the function."),
                    stacklevel=3)  # (the line that called the gradient)
                namespace[name] = generic  # (not again for every call)
                return generic(*args)
        if version is None:
            if not versions:  # the first call's pattern cannot be specialized
                namespace[name] = generic
            return generic(*args)
        versions.insert(0, (dtypes, version))
        texts.append(text)
        return call(*args)

    call.__wrapped__ = generic
    namespace[name] = call
    return texts


def wrt_names(f, wrt) -> tuple[tuple[str, ...], bool]:
    """`wrt` as parameter names, and whether a single gradient (not a tuple) is wanted."""
    signature = inspect.signature(plain_function(f))  # raises if f is not a Python function
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in signature.parameters.values()):
        parse(f)  # raises the error that points at the *args
    params = list(signature.parameters)
    positional = [p for p, v in signature.parameters.items()
                  if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    where = _definition(f)
    name = getattr(f, "__name__", "the function")
    if not items:
        raise WrtError("wrt is empty: name at least one argument to differentiate", where)
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise WrtError(f"wrt must be argument positions or names, not {item!r}", where)
        if isinstance(item, int):
            if not 0 <= item < len(positional):
                raise WrtError(f"wrt={item}, but {name} takes {len(positional)} positional "
                               f"argument(s) {tuple(positional)}", where,
                               f"use a position from 0 to {len(positional) - 1} or a name")
            item = positional[item]
        elif item not in params:
            raise WrtError(f"{name} has no argument '{item}'; its arguments are "
                           f"{', '.join(params)}", where)
        if item in out:
            raise WrtError(f"wrt names argument '{item}' twice", where)
        out.append(item)
    return tuple(out), single


def _definition(f) -> Origin | None:
    code = getattr(getattr(f, "py_func", f), "__code__", None)
    if code is None:
        return None
    text = linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n")
    return Origin(code.co_filename, code.co_firstlineno, 0, None, text, f.__name__)


def _build(f, wrt: tuple[str, ...], single: bool, jit: bool, with_value: bool, has_aux: bool,
           tape_results: bool = True):
    program = normalize_program(f, has_aux)
    function = program.main_function
    names = Names(frozenset().union(*(g.user_names for g in program.functions.values())))
    namespace = Namespace(names)
    kind = "value_and_grad" if with_value else "grad"
    compiled_name = names.fresh(f"{kind}_{function.name}")
    entry_name = names.fresh(f"{compiled_name}_entry")
    gradient = reverse_program(program, wrt, single=single, with_value=with_value,
                               namespace=namespace, names=names, name=compiled_name,
                               entry=entry_name, tape_results=tape_results)
    docstring = (f"{'Value and gradient' if with_value else 'Gradient'} of {function.name} "
                 f"({function.origin}) with respect to {', '.join(wrt)}.\n\n"
                 f"Written by astgrad {__version__}. `{compiled_name}` is compiled by numba;\n"
                 f"`{entry_name}` (what astgrad.{kind} returned) calls it and reports errors\n"
                 f"on the lines of {function.name}.")
    header = namespace.header()
    if namespace.injected:
        header.append("")
        header += [f"# {name}: {_describe_injected(value)}, given by astgrad when loading"
                   for name, value in namespace.injected.items()]
    text, origins = module_text(docstring, header, gradient.functions)
    stem = f"{kind}_{function.name}"
    module = loader.load(text, stem, namespace.injected, gradient.compiled, jit)
    entry = getattr(module, entry_name)
    signature = inspect.signature(plain_function(f))
    code = GeneratedCode(module.__file__, origins, function.name, function.origin,
                         function.body[-1].origin, function.params, signature, wrt, jit)
    if jit:
        code.python = lambda: getattr(
            loader.load(text, stem, namespace.injected, gradient.compiled, False), compiled_name)
    if gradient.taped:  # its version recomputing what they keep, for when it changes shape
        code.recomputing = functools.cache(lambda: _build(
            f, wrt, single, jit, with_value, has_aux, tape_results=False))
    register_generated(module.__name__, code)
    compiled = getattr(module, compiled_name)
    if not jit and not hasattr(compiled, "__wrapped__"):
        # refuse the arguments numba would refuse, so that both modes agree
        setattr(module, compiled_name, _checking_arguments(compiled, code))
    trees = {function.name: function for function in gradient.functions}
    if specializable(trees[compiled_name].body, vars(module)):
        # the entry alone calls the specialized versions: generated code that imports the
        # gradient (astgrad.nn's training loop) gets the gradient itself
        given, entry = entry, types.FunctionType(entry.__code__, dict(vars(module)),
                                                 entry.__name__, entry.__defaults__)
        entry.__kwdefaults__ = given.__kwdefaults__
        entry.specialized = _specializing(entry.__globals__, compiled_name, trees, jit)
    else:
        entry.specialized = []
    entry.__name__ = entry.__qualname__ = compiled_name
    entry.__signature__ = signature  # the user's, not the entry's NOT_GIVEN, *more, ...
    entry.source = text
    entry.trees = trees
    entry.compiled = getattr(module, compiled_name)  # for generated code that calls it
    entry.saved = gradient.saved
    entry.fun = f
    entry.wrt = wrt
    entry.jit = jit
    return entry


def _checking_arguments(gradient, code: GeneratedCode):
    """`gradient`, first checking that its arguments are numbers, arrays of numbers, or
    tuples of them: what it can be compiled for (an object reading `cfg.reg` would work in
    plain Python and be refused compiled)."""
    @functools.wraps(gradient)
    def checked(*args):
        refused = code.refused_argument(args)
        if refused is not None:
            raise refused
        return gradient(*args)

    return checked


def _describe_injected(value) -> str:
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"array of {value.dtype}, shape {tuple(value.shape)}"
    name = getattr(value, "__qualname__", type(value).__name__)
    module = getattr(value, "__module__", None)
    return f"{module}.{name}" if module else name
