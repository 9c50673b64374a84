"""The derivative rule registry: which primitive has which rule, and the facts of each.

`rule` registers a rule template (astgrad/rules/templates.py: a small function in derivative
notation) for one or more primitives:

    @rule(np.tanh, math.tanh)
    def tanh(ans, x):
        return 1 - ans * ans                  # d ans / d x

`zero_derivative` lists the primitives whose output carries no derivative (sign, floor,
comparisons, array creation). A call to a primitive that is in neither list has no rule, and
differentiating through it is an error that names the function.

Each declaration also states the facts the other stages need of its primitives
(astgrad/runtime/facts.py: view, allocates, number, elementwise, result shape), as keywords:
`@rule(np.reshape, view=True, shape=reshaped)`; `declare` states them of a primitive without
a rule. Analysis, reverse and specialize ask `facts_of(primitive)`, never a list of names;
tests/test_primitives.py checks every declaration against NumPy. (A forward-mode tangent rule
will be declared here too.)
"""

from __future__ import annotations

import importlib
import sys

from ..runtime.facts import NOTHING_KNOWN, Facts
from ..runtime.facts import facts_of as helper_facts
from .templates import Rule, parse_template

_RULES: dict[object, Rule] = {}
_FACTS: dict[object, Facts] = {}
_FORWARDS: dict[object, Facts] = {}  # what generated code calls instead of a primitive


def _key(primitive: object) -> object:
    """Registry key: the object itself where hashable, else its identity."""
    try:
        hash(primitive)
        return primitive
    except TypeError:
        return ("id", id(primitive))


# The rules of a library astgrad does not import itself, registered the first time the registry
# is asked after the program imported the library: importing scipy.special takes a tenth of a
# second that `import astgrad` does not pay. (library module, the module of its rules)
_LATER = [("scipy.special", "astgrad.rules.special")]


def _register_later() -> None:
    for library, rules in _LATER:
        if library in sys.modules and rules not in sys.modules:
            importlib.import_module(rules)


def lookup(primitive: object) -> Rule | None:
    """The rule of a primitive, a zero rule, or None when astgrad knows nothing about it."""
    found = _RULES.get(_key(primitive))
    if found is None:
        _register_later()
        found = _RULES.get(_key(primitive))
    return found


def facts_of(obj: object) -> Facts:
    """What the stages may assume of a primitive or a runtime helper (Facts): declared beside
    the helper, with the primitive's rule, or by `declare`; nothing for anything else."""
    if hasattr(obj, "astgrad_facts"):
        return helper_facts(obj)
    if _key(obj) not in _FACTS and _key(obj) not in _FORWARDS:
        _register_later()
    return _FACTS.get(_key(obj)) or _FORWARDS.get(_key(obj), NOTHING_KNOWN)


def declared() -> dict[object, Facts]:
    """Every primitive the registry knows, with its facts."""
    _register_later()
    return dict(_FACTS)


def rule(*primitives: object, elementwise: bool | None = None, forward: object | None = None,
         forward_always: bool = False, **facts):
    """Register a derivative rule for one or more functions (usable on your own functions).

        @astgrad.rule(softplus)
        def softplus_rule(ans, x):
            return 1 / (1 + np.exp(-x))       # d softplus(x) / dx

    The rule's parameters are the output `ans` and then the function's inputs. Return the
    partial derivative of `ans` with respect to each input, or write the adjoint form
    `d[x] = ...` in terms of `d[ans]` (see astgrad/rules/arrays.py for examples). Keywords
    `view`, `number` and `shape` state the functions' facts (astgrad/runtime/facts.py).
    """
    if not primitives:
        raise TypeError("rule() needs the function(s) the rule differentiates")

    def register(template):
        parsed = parse_template(template, elementwise)
        parsed.forward, parsed.forward_always = forward, forward_always
        declare(*primitives, elementwise=parsed.elementwise, **facts)
        _computes(forward, primitives[0])
        for primitive in primitives:
            _RULES[_key(primitive)] = parsed
        return template

    return register


def zero_derivative(*primitives: object, forward: object | None = None, **facts) -> None:
    """Register functions whose output carries no derivative (sign, floor, array creation).
    With `forward`, generated code calls it instead of the function (see `rule`); keywords
    state their facts (astgrad/runtime/facts.py)."""
    declare(*primitives, **facts)
    _computes(forward, primitives[0])
    for primitive in primitives:
        name = getattr(primitive, "__name__", None) or getattr(primitive, "name", repr(primitive))
        _RULES[_key(primitive)] = Rule(str(name), None, forward=forward,
                                       forward_always=forward is not None)


def _computes(forward: object | None, primitive: object) -> None:
    """`forward`, what generated code calls for `primitive`, computes the same: it has the
    primitive's facts (unless it declares its own, beside it)."""
    if forward is not None:
        _FORWARDS.setdefault(_key(forward), _FACTS[_key(primitive)])


def declare(*primitives: object, **facts) -> None:
    """State the facts of functions (astgrad/runtime/facts.py); alone, for functions with no
    derivative rule (np.squeeze: a view, whose writes the analysis must follow)."""
    for primitive in primitives:
        _FACTS[_key(primitive)] = Facts(**facts)
